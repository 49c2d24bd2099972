//! `ecrf export --format report`: the study report and one summary per patient, written as
//! HTML files in the folder given, in the language asked.

mod common;

use std::path::PathBuf;

use common::{assert_bad_input, ecrf};

/// A fresh folder with a demo export of `patients` patients.
fn demo(tag: &str, patients: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("ecrf-report-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("demo.json");
    let args = ["demo", "--patients", patients, "--seed", "2026", "--out"];
    let out = ecrf(&[&args[..], &[file.to_str().unwrap()]].concat());
    assert!(out.status.success());
    (dir, file)
}

#[test]
fn report_writes_the_study_and_one_page_per_patient() {
    let (dir, file) = demo("files", "40");
    let out_dir = dir.join("out");
    let out = ecrf(&[
        "export",
        "--commits",
        file.to_str().unwrap(),
        "--format",
        "report",
        "--out",
        out_dir.to_str().unwrap(),
        "--lang",
        "zh",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let study = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(study.starts_with("<!DOCTYPE html>"));
    assert!(study.contains("<html lang=\"zh-CN\">"));
    assert!(study.contains("40 例已入组患者"), "the demo's 40 patients");
    let mut names: Vec<String> = std::fs::read_dir(out_dir.join("patients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let expected: Vec<String> = (1..=40).map(|i| format!("HCC-001-{i:04}.html")).collect();
    assert_eq!(names, expected, "one page per patient");
    for name in &names {
        let page = std::fs::read_to_string(out_dir.join("patients").join(name)).unwrap();
        let subject = name.trim_end_matches(".html");
        assert!(page.contains(&format!("<title>患者小结 {subject}</title>")));
        assert!(page.contains("<html lang=\"zh-CN\">"));
    }
    // English by default.
    let en_dir = dir.join("en");
    let out = ecrf(&[
        "export",
        "--commits",
        file.to_str().unwrap(),
        "--format",
        "report",
        "--out",
        en_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let study = std::fs::read_to_string(en_dir.join("report.html")).unwrap();
    assert!(study.contains("<html lang=\"en\">") && study.contains("40 enrolled patients"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_refusals() {
    let (dir, file) = demo("refusals", "3");
    let commits = file.to_str().unwrap();
    let target = dir.join("out");
    let target = target.to_str().unwrap();
    let args = ["export", "--commits", commits, "--out", target];
    assert_bad_input(
        &ecrf(&[&args[..], &["--format", "pdf"]].concat()),
        "unknown format",
    );
    let out = ecrf(&[&args[..], &["--format", "report", "--lang", "fr"]].concat());
    assert_eq!(out.status.code(), Some(2), "clap refuses the language");
    // A folder that cannot be made: the error names the path.
    let blocked = dir.join("a-file");
    std::fs::write(&blocked, "not a folder").unwrap();
    let out = ecrf(&[
        "export",
        "--commits",
        commits,
        "--format",
        "report",
        "--out",
        blocked.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a-file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
