//! `ecrf export --format report`: the printable HTML reports, `OUT/report.html` (the study) and
//! `OUT/patients/<subject>.html` (one per patient with any form), from the core's
//! `export::html`.

use std::path::Path;

use anyhow::Context as _;
use ecrf_core::export::html::{patient_summary, study_report};
use ecrf_core::i18n::Lang;
use ecrf_core::log::State;

/// Writes the study report and every patient's summary in `lang`, dated `today`, under `out`
/// (created with its `patients` folder when missing).
///
/// # Errors
/// A subject ID that is not one (`HCC-<site>-<number>`: a file is named after it), checked
/// before anything is written; a folder or file that cannot be written, with its path.
pub fn write(state: &State, out: &Path, lang: Lang, today: time::Date) -> anyhow::Result<()> {
    let records = ecrf_core::record::records(state);
    let mut files = Vec::with_capacity(records.len());
    for (subject, record) in &records {
        let id: ecrf_core::subject::SubjectId = subject
            .parse()
            .with_context(|| format!("subject {subject:?} is not a subject ID"))?;
        files.push((format!("{id}.html"), record));
    }
    let patients = out.join("patients");
    std::fs::create_dir_all(&patients)
        .with_context(|| format!("cannot create {}", patients.display()))?;
    // Each file whole, then renamed into place, as every export writes.
    super::write_file(
        out,
        "report.html",
        study_report(state, lang, today).as_bytes(),
    )?;
    for (name, record) in files {
        super::write_file(
            &patients,
            &name,
            patient_summary(record, lang, today).as_bytes(),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ecrf_core::log::{DeviceLog, Op};

    use super::*;

    #[test]
    fn a_patient_not_named_by_a_subject_id_writes_nothing() {
        let mut device = DeviceLog::new("test");
        let commit = device.commit(
            1,
            "tester",
            None,
            vec![Op::CreateForm {
                instance: "i1".into(),
                form: "demographics".into(),
                patient: "../../escaped".into(),
            }],
        );
        let state = State::from_commits(&[commit]);
        let out = std::env::temp_dir().join(format!("ecrf-report-guard-{}", std::process::id()));
        let err = write(&state, &out, Lang::En, time::macros::date!(2026 - 01 - 01)).unwrap_err();
        assert!(format!("{err:#}").contains("../../escaped"), "{err:#}");
        assert!(!out.exists(), "nothing written");
    }
}
