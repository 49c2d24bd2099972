//! `ecrf-server tls init`: a local certificate authority and a server certificate signed by it
//! (rcgen, ECDSA P-256), for a site whose hospital issues no certificate. The tablets install
//! the authority once; the server presents the certificate.
//!
//! The authority is name-constrained to the hosts given, so a tablet that trusts it trusts it
//! for this server only, never for any other site, even if its key were stolen.

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType, SerialNumber,
};
use time::{Duration, OffsetDateTime};

use crate::secrets::{random_bytes, sha256};

/// The folder under the data folder that holds the four files.
pub const DIR_NAME: &str = "tls";
/// The authority's certificate, for the tablets (mode 0644).
pub const CA_CERT: &str = "ca.pem";
/// The authority's private key (mode 0600).
pub const CA_KEY: &str = "ca-key.pem";
/// The server's certificate followed by the authority's: the chain for `--tls-cert`.
pub const SERVER_CERT: &str = "server.pem";
/// The server's private key, for `--tls-key` (mode 0600).
pub const SERVER_KEY: &str = "server-key.pem";

/// The authority's lifetime: ten years, as it is installed on every tablet by hand.
const CA_DAYS: i64 = 3650;
/// The server certificate's lifetime: Apple refuses TLS server certificates valid longer than
/// 825 days.
pub const SERVER_DAYS: i64 = 825;
/// Both certificates start a day early, so that a tablet whose clock is a little behind
/// accepts them at once.
const BACKDATE: Duration = Duration::days(1);

/// Why `tls init` did nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// A file exists and `--force` was not given (bad input: exit status 2).
    #[error("{} exists; --force replaces the certificate authority and certificate (every tablet must then install the new authority)", .0.display())]
    Exists(PathBuf),
    /// A host is neither an IP address nor a DNS name (bad input: exit status 2).
    #[error("--host {0:?} is neither an IP address nor a DNS name")]
    BadHost(String),
    /// No `--host` was given (bad input: exit status 2).
    #[error("at least one --host is needed")]
    NoHost,
    /// rcgen failed.
    #[error("making the certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    /// The operating system gave no random bytes.
    #[error("no random bytes: {0}")]
    Random(getrandom::Error),
    /// A file could not be written.
    #[error("writing {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

impl InitError {
    /// True for the refusals caused by the command line (exit status 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            InitError::Exists(_) | InitError::BadHost(_) | InitError::NoHost
        )
    }
}

/// One host of the server certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IP address (an `iPAddress` SAN).
    Ip(IpAddr),
    /// A DNS name (a `dNSName` SAN), in lower case.
    Dns(String),
}

impl Host {
    /// Parses `--host`: an IP address, else a DNS name of letters, digits, `-` and `.`.
    pub fn parse(text: &str) -> Result<Host, InitError> {
        let text = text.trim();
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Host::Ip(ip));
        }
        // `[::1]` as in a URL.
        if let Some(ip) = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .and_then(|t| t.parse::<IpAddr>().ok())
        {
            return Ok(Host::Ip(ip));
        }
        let name = text.trim_end_matches('.').to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
            return Err(InitError::BadHost(text.to_owned()));
        }
        Ok(Host::Dns(name))
    }

    fn san(&self) -> Result<SanType, rcgen::Error> {
        Ok(match self {
            Host::Ip(ip) => SanType::IpAddress(*ip),
            Host::Dns(name) => SanType::DnsName(name.as_str().try_into()?),
        })
    }

    fn subtree(&self) -> GeneralSubtree {
        match self {
            Host::Ip(ip) => GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(
                *ip,
                if ip.is_ipv4() { 32 } else { 128 },
            )),
            Host::Dns(name) => GeneralSubtree::DnsName(name.clone()),
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Dns(name) => f.write_str(name),
        }
    }
}

/// What `tls init` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// `DIR/tls/ca.pem`.
    pub ca_cert: PathBuf,
    /// `DIR/tls/ca-key.pem`.
    pub ca_key: PathBuf,
    /// `DIR/tls/server.pem`.
    pub server_cert: PathBuf,
    /// `DIR/tls/server-key.pem`.
    pub server_key: PathBuf,
    /// The authority's SHA-256 fingerprint, `AB:CD:...`.
    pub ca_fingerprint: String,
    /// The last day of the server certificate.
    pub server_not_after: OffsetDateTime,
}

/// Makes the authority and the server certificate for `hosts` under `data_dir/tls/`, refusing
/// to replace any of the four files unless `force`. `now` is the clock's time.
pub fn init(
    data_dir: &Path,
    hosts: &[String],
    force: bool,
    now: OffsetDateTime,
) -> Result<Written, InitError> {
    let hosts = hosts
        .iter()
        .map(|h| Host::parse(h))
        .collect::<Result<Vec<_>, _>>()?;
    let first = hosts.first().ok_or(InitError::NoHost)?;
    let dir = data_dir.join(DIR_NAME);
    let path = |name: &str| dir.join(name);
    let files = [CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY].map(path);
    if !force {
        if let Some(existing) = files.iter().find(|p| p.exists()) {
            return Err(InitError::Exists(existing.clone()));
        }
    }

    let not_before = now - BACKDATE;
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = DistinguishedName::new();
    ca.distinguished_name
        .push(DnType::CommonName, format!("eCRF local CA {first}"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.name_constraints = Some(NameConstraints {
        permitted_subtrees: hosts.iter().map(Host::subtree).collect(),
        excluded_subtrees: Vec::new(),
    });
    ca.not_before = not_before;
    ca.not_after = not_before + Duration::days(CA_DAYS);
    ca.serial_number = Some(serial()?);
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, &ca_key);

    let server_key = KeyPair::generate()?;
    let mut server = CertificateParams::default();
    server.distinguished_name = DistinguishedName::new();
    server
        .distinguished_name
        .push(DnType::CommonName, first.to_string());
    server.subject_alt_names = hosts.iter().map(Host::san).collect::<Result<_, _>>()?;
    server.is_ca = IsCa::ExplicitNoCa;
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.use_authority_key_identifier_extension = true;
    server.not_before = not_before;
    server.not_after = not_before + Duration::days(SERVER_DAYS);
    server.serial_number = Some(serial()?);
    let server_cert = server.signed_by(&server_key, &issuer)?;

    std::fs::create_dir_all(&dir).map_err(|source| InitError::Io {
        path: dir.clone(),
        source,
    })?;
    let [ca_cert_path, ca_key_path, server_cert_path, server_key_path] = files;
    write(&ca_key_path, 0o600, &ca_key.serialize_pem())?;
    write(&server_key_path, 0o600, &server_key.serialize_pem())?;
    write(&ca_cert_path, 0o644, &ca_cert.pem())?;
    write(
        &server_cert_path,
        0o644,
        &format!("{}{}", server_cert.pem(), ca_cert.pem()),
    )?;
    Ok(Written {
        ca_cert: ca_cert_path,
        ca_key: ca_key_path,
        server_cert: server_cert_path,
        server_key: server_key_path,
        ca_fingerprint: fingerprint(ca_cert.der()),
        server_not_after: server.not_after,
    })
}

/// The SHA-256 fingerprint of a DER certificate as the tablets show it: `AB:CD:...`.
pub fn fingerprint(der: &[u8]) -> String {
    sha256(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A random positive 128-bit serial number (no two certificates of one authority share one).
fn serial() -> Result<SerialNumber, InitError> {
    let mut bytes = random_bytes::<16>().map_err(InitError::Random)?;
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    Ok(SerialNumber::from_slice(&bytes))
}

/// Writes `text` to `path` with `mode` (the mode is set again on a replaced file).
fn write(path: &Path, mode: u32, text: &str) -> Result<(), InitError> {
    let io = |source| InitError::Io {
        path: path.to_owned(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let mut file = options.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests;
