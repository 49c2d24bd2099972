//! TLS for a hospital network: the local certificate authority that `ecrf-server tls init`
//! makes for a site without a certificate of its own, and the plain-HTTP page from which tablets
//! install that authority. Serving TLS itself is `axum-server` with rustls (see `main.rs`).

pub mod ca_page;
pub mod init;

use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// The certificates of a PEM file, in file order.
pub fn read_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, std::io::Error> {
    let bytes = std::fs::read(path)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    if certs.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "no PEM certificate in the file",
        ));
    }
    Ok(certs)
}
