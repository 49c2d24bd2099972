//! The plain-HTTP page from which a tablet installs the local certificate authority: how to
//! install it on Android and on an iPad (Chinese and English), the authority's SHA-256
//! fingerprint to compare, and the certificate itself (`/ca.pem`, and `/ca.crt` in DER, which
//! Android prefers). Served on its own port (`--ca-page-addr`), never with the API or the app:
//! before the authority is installed, nothing else may be reached without TLS.

use std::path::Path;

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::init::fingerprint;

/// The page's template; `{{FINGERPRINT}}` is filled in.
const TEMPLATE: &str = include_str!("ca_page.html");

/// The MIME type that makes browsers offer a CA certificate for installation.
const CA_MIME: &str = "application/x-x509-ca-cert";

/// The authority a page offers.
#[derive(Debug, Clone)]
pub struct CaCertificate {
    pem: String,
    der: Vec<u8>,
    fingerprint: String,
}

/// Why no authority could be offered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaPageError {
    /// The certificate file could not be read.
    #[error("reading {}: {source}", .path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The chain holds the server certificate only: there is no authority to install.
    #[error("{} holds one certificate; --ca-page-addr needs the chain that `ecrf-server tls init` writes (the server certificate, then the authority)", .0.display())]
    NoAuthority(std::path::PathBuf),
}

impl CaCertificate {
    /// The authority from DER.
    pub fn from_der(der: Vec<u8>) -> CaCertificate {
        let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
        CaCertificate {
            pem: pem::encode_config(&pem::Pem::new("CERTIFICATE", der.clone()), config),
            fingerprint: fingerprint(&der),
            der,
        }
    }

    /// The last certificate of the server's chain (`--tls-cert`): the authority, when the chain
    /// is the one `tls init` writes.
    pub fn from_chain_file(path: &Path) -> Result<CaCertificate, CaPageError> {
        let chain = super::read_pem_certs(path).map_err(|source| CaPageError::Read {
            path: path.to_owned(),
            source,
        })?;
        match chain.as_slice() {
            [_, .., last] => Ok(CaCertificate::from_der(last.to_vec())),
            _ => Err(CaPageError::NoAuthority(path.to_owned())),
        }
    }

    /// The SHA-256 fingerprint, `AB:CD:...`.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The certificate in PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }
}

/// The page's whole router: `/`, `/ca.pem`, `/ca.crt`; anything else is 404.
pub fn router(ca: CaCertificate) -> Router {
    let page = TEMPLATE.replace("{{FINGERPRINT}}", &ca.fingerprint);
    let pem = ca.pem.clone();
    let der = ca.der.clone();
    Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route(
            "/ca.pem",
            get(move || async move { download(pem.into_bytes(), "ecrf-ca.pem") }),
        )
        .route(
            "/ca.crt",
            get(move || async move { download(der, "ecrf-ca.crt") }),
        )
}

fn download(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, CA_MIME.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "no-cache".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pem_reads_back_as_the_same_certificate() {
        let tmp = tempfile::tempdir().unwrap();
        let now = time::macros::datetime!(2026-05-01 12:00 UTC);
        let w = crate::tls::init::init(tmp.path(), &["10.1.2.3".into()], false, now).unwrap();
        let ca = CaCertificate::from_chain_file(&w.server_cert).unwrap();
        assert_eq!(ca.pem(), std::fs::read_to_string(&w.ca_cert).unwrap());
        assert_eq!(ca.fingerprint(), w.ca_fingerprint);
        assert!(matches!(
            CaCertificate::from_chain_file(&w.ca_cert),
            Err(CaPageError::NoAuthority(_))
        ));
    }
}
