//! `tls init` checked by reading its files back with `x509-parser`.

use std::net::{IpAddr, Ipv4Addr};

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::*;

fn now() -> OffsetDateTime {
    time::macros::datetime!(2026-05-01 12:00 UTC)
}

fn pem_certs(path: &Path) -> Vec<Vec<u8>> {
    crate::tls::read_pem_certs(path)
        .unwrap()
        .into_iter()
        .map(|c| c.to_vec())
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn hosts() -> Vec<String> {
    ["ecrf.ward.local", "192.168.1.20", "::1"]
        .map(String::from)
        .to_vec()
}

#[test]
fn writes_a_ca_and_a_server_certificate_for_the_hosts() {
    let tmp = tempfile::tempdir().unwrap();
    let w = init(tmp.path(), &hosts(), false, now()).unwrap();
    assert_eq!(w.ca_cert, tmp.path().join("tls/ca.pem"));
    assert_eq!(w.server_key, tmp.path().join("tls/server-key.pem"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&w.ca_cert), 0o644);
        assert_eq!(mode(&w.server_cert), 0o644);
        assert_eq!(mode(&w.ca_key), 0o600);
        assert_eq!(mode(&w.server_key), 0o600);
    }
    for key in [&w.ca_key, &w.server_key] {
        let text = std::fs::read_to_string(key).unwrap();
        assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{text}");
    }

    let ca_der = pem_certs(&w.ca_cert);
    assert_eq!(ca_der.len(), 1);
    let chain = pem_certs(&w.server_cert);
    assert_eq!(chain.len(), 2, "the server certificate, then the authority");
    assert_eq!(chain[1], ca_der[0]);
    assert_eq!(w.ca_fingerprint, fingerprint(&ca_der[0]));
    assert_eq!(w.ca_fingerprint.len(), 32 * 3 - 1);

    let (_, ca) = X509Certificate::from_der(&ca_der[0]).unwrap();
    assert_eq!(ca.subject().to_string(), "CN=eCRF local CA ecrf.ward.local");
    assert_eq!(ca.subject(), ca.issuer(), "self-signed");
    let bc = ca.basic_constraints().unwrap().unwrap().value;
    assert!(bc.ca);
    let ku = ca.key_usage().unwrap().unwrap().value;
    assert!(ku.key_cert_sign());
    assert!(!ku.digital_signature());
    let ca_days = (ca.validity().not_after.to_datetime() - ca.validity().not_before.to_datetime())
        .whole_days();
    assert_eq!(ca_days, 3650);
    let constraints = ca
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::NameConstraints(nc) => Some(nc.clone()),
            _ => None,
        })
        .expect("name constraints");
    assert_eq!(constraints.permitted_subtrees.unwrap().len(), 3);

    let (_, server) = X509Certificate::from_der(&chain[0]).unwrap();
    assert_eq!(server.issuer(), ca.subject());
    assert_eq!(server.subject().to_string(), "CN=ecrf.ward.local");
    assert!(!server
        .basic_constraints()
        .unwrap()
        .is_some_and(|bc| bc.value.ca));
    let eku = server.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth);
    let validity = server.validity();
    let days = (validity.not_after.to_datetime() - validity.not_before.to_datetime()).whole_days();
    assert!(days <= 825, "{days} days: Apple refuses more than 825");
    assert!(validity.not_before.to_datetime() < now(), "valid at once");
    assert_eq!(validity.not_after.to_datetime(), w.server_not_after);
    let sans = &server
        .subject_alternative_name()
        .unwrap()
        .unwrap()
        .value
        .general_names;
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for name in sans {
        match name {
            GeneralName::DNSName(n) => dns.push(n.to_string()),
            GeneralName::IPAddress(b) => ips.push(match b.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(*b).unwrap()),
                _ => IpAddr::from(<[u8; 16]>::try_from(*b).unwrap()),
            }),
            other => panic!("unexpected SAN {other:?}"),
        }
    }
    assert_eq!(dns, ["ecrf.ward.local"]);
    assert_eq!(
        ips,
        [
            IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20)),
            "::1".parse::<IpAddr>().unwrap()
        ]
    );
}

#[test]
fn refuses_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let first = init(tmp.path(), &hosts(), false, now()).unwrap();
    let before = std::fs::read(&first.ca_key).unwrap();
    let err = init(tmp.path(), &hosts(), false, now()).unwrap_err();
    assert!(matches!(err, InitError::Exists(_)), "{err}");
    assert!(err.is_bad_input());
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(std::fs::read(&first.ca_key).unwrap(), before, "untouched");

    // One file left over is enough to refuse.
    std::fs::remove_file(&first.ca_cert).unwrap();
    std::fs::remove_file(&first.ca_key).unwrap();
    std::fs::remove_file(&first.server_key).unwrap();
    assert!(matches!(
        init(tmp.path(), &hosts(), false, now()),
        Err(InitError::Exists(p)) if p == first.server_cert
    ));

    let again = init(tmp.path(), &hosts(), true, now()).unwrap();
    assert_ne!(
        again.ca_fingerprint, first.ca_fingerprint,
        "a new authority"
    );
    #[cfg(unix)]
    assert_eq!(mode(&again.ca_key), 0o600);
}

#[test]
fn hosts_are_ip_addresses_or_dns_names() {
    assert_eq!(
        Host::parse("10.0.0.5").unwrap(),
        Host::Ip("10.0.0.5".parse().unwrap())
    );
    assert_eq!(
        Host::parse("[fe80::1]").unwrap(),
        Host::Ip("fe80::1".parse().unwrap())
    );
    assert_eq!(
        Host::parse("eCRF.Hospital.CN").unwrap(),
        Host::Dns("ecrf.hospital.cn".into())
    );
    for bad in ["", "a b", "https://x", "-x.org", "ecrf_1.local", "医院.cn"] {
        assert!(
            matches!(Host::parse(bad), Err(InitError::BadHost(_))),
            "{bad:?}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        init(tmp.path(), &[], false, now()),
        Err(InitError::NoHost)
    ));
    assert!(!tmp.path().join("tls").exists(), "nothing written");
}
