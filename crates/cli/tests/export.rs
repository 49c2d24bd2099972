//! `ecrf export`: the files of each format, the byte-order mark, and the refusals.

mod common;

use common::{assert_bad_input, ecrf};

#[test]
fn export_writes_each_format_s_files() {
    let dir = std::env::temp_dir().join(format!("ecrf-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let demo = dir.join("demo.json");
    let d = demo.to_str().unwrap();
    assert!(
        ecrf(&["demo", "--patients", "12", "--seed", "3", "--out", d])
            .status
            .success()
    );
    let out = |f: &str| dir.join(f).to_string_lossy().into_owned();
    for (format, files) in [
        (
            "adam",
            vec![
                "adsl.csv",
                "adtte.csv",
                "adrs.csv",
                "adae.csv",
                "adlb.csv",
                "define.csv",
            ],
        ),
        ("odm", vec!["odm.xml"]),
        (
            "csv",
            vec!["eligibility.csv", "labs.csv", "adverse_event.csv"],
        ),
    ] {
        let o = ecrf(&[
            "export",
            "--commits",
            d,
            "--format",
            format,
            "--out",
            &out(format),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for f in files {
            let text = std::fs::read(dir.join(format).join(f)).unwrap();
            assert!(
                !text.starts_with(b"\xef\xbb\xbf"),
                "{format}/{f}: no BOM unless asked"
            );
            assert!(text.len() > 50, "{format}/{f}");
        }
        // Nothing half-written is left behind.
        for e in std::fs::read_dir(dir.join(format)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".part"), "{name}");
        }
    }
    let xml = std::fs::read_to_string(dir.join("odm/odm.xml")).unwrap();
    assert!(xml.contains("ODMVersion=\"1.3.2\"") && xml.contains("<AuditRecord"));
    // The byte-order mark, and Chinese labels.
    let o = ecrf(&[
        "export",
        "--commits",
        d,
        "--format",
        "csv",
        "--out",
        &out("zh"),
        "--lang",
        "zh",
        "--bom",
    ]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(dir.join("zh/demographics.csv")).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains('男') || text.contains('女'));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_refuses_bad_options_and_inputs() {
    let tmp = std::env::temp_dir().to_string_lossy().into_owned();
    assert_bad_input(
        &ecrf(&[
            "export",
            "--commits",
            "x.json",
            "--format",
            "xml",
            "--out",
            &tmp,
        ]),
        "unknown format \"xml\"",
    );
    // A command line that does not parse: one line too, naming what is missing.
    assert_bad_input(
        &ecrf(&["export", "--commits", "x.json", "--out", &tmp]),
        "--format <FORMAT>",
    );
    assert_bad_input(
        &ecrf(&["export", "--bogus"]),
        "unexpected argument '--bogus'",
    );
    assert_bad_input(
        &ecrf(&[
            "export",
            "--commits",
            "x.json",
            "--format",
            "csv",
            "--out",
            &tmp,
            "--lang",
            "fr",
        ]),
        "unknown language \"fr\"",
    );
    assert_bad_input(
        &ecrf(&[
            "export",
            "--commits",
            "/nonexistent.json",
            "--format",
            "odm",
            "--out",
            &tmp,
        ]),
        "cannot read",
    );
    // An output folder that cannot be created: exit 1, the path named.
    let dir = std::env::temp_dir().join(format!("ecrf-export-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = dir.join("demo.json");
    let d = demo.to_str().unwrap();
    assert!(
        ecrf(&["demo", "--patients", "3", "--seed", "1", "--out", d])
            .status
            .success()
    );
    let blocked = dir.join("demo.json/sub");
    let o = ecrf(&[
        "export",
        "--commits",
        d,
        "--format",
        "adam",
        "--out",
        blocked.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot create"));
    std::fs::remove_dir_all(&dir).unwrap();
}
