//! `ecrf endpoints --commits FILE.json [--cutoff-days 730]`: PFS (mRECIST, RECIST 1.1), OS and
//! TTP per patient with the baseline factors, as CSV for `ecrf survival` or any statistics package.

use std::io::Write;
use std::path::Path;

use ecrf_core::endpoints::{derive, Endpoint};
use serde_json::Value;

use crate::input::{bad_input, read_commits};

const FACTORS: [&str; 9] = [
    "age",
    "bclc",
    "cnlc",
    "child_pugh",
    "albi_grade",
    "afp_ge_400",
    "mvi",
    "ehs",
    "up_to_seven_within",
];

/// Where a progression event's date comes from (`imaging_mrecist`, `imaging_recist11`,
/// `clinical`); empty for any other event or a censoring.
fn source(e: &Endpoint) -> String {
    e.source.map(|s| s.code().to_owned()).unwrap_or_default()
}

/// Verifies the log, folds it, derives and prints the endpoints.
pub fn run(path: &Path, cutoff_days: i64) -> anyhow::Result<()> {
    if cutoff_days <= 0 {
        bad_input!("--cutoff-days must be positive, not {cutoff_days}");
    }
    let state = read_commits(path)?;
    let rows = derive(&state, cutoff_days);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut header = vec![
        "subject",
        "group",
        "enrollment_date",
        "pfs_mrecist_days",
        "pfs_mrecist_event",
        "pfs_mrecist_reason",
        "pfs_mrecist_source",
        "pfs_recist11_days",
        "pfs_recist11_event",
        "pfs_recist11_reason",
        "pfs_recist11_source",
        "os_days",
        "os_event",
        "os_reason",
        "ttp_mrecist_days",
        "ttp_mrecist_event",
        "ttp_mrecist_reason",
        "ttp_mrecist_source",
    ];
    header.extend(FACTORS);
    writeln!(out, "{}", header.join(","))?;
    for p in rows {
        let mut cells = vec![
            p.subject.clone(),
            ecrf_core::endpoints::group_code(p.group).to_owned(),
            ecrf_core::dates::format_date(p.enrollment),
            p.pfs_mrecist.days.to_string(),
            u8::from(p.pfs_mrecist.event).to_string(),
            p.pfs_mrecist.reason.to_owned(),
            source(&p.pfs_mrecist),
            p.pfs_recist11.days.to_string(),
            u8::from(p.pfs_recist11.event).to_string(),
            p.pfs_recist11.reason.to_owned(),
            source(&p.pfs_recist11),
            p.os.days.to_string(),
            u8::from(p.os.event).to_string(),
            p.os.reason.to_owned(),
            p.ttp_mrecist.days.to_string(),
            u8::from(p.ttp_mrecist.event).to_string(),
            p.ttp_mrecist.reason.to_owned(),
            source(&p.ttp_mrecist),
        ];
        for f in FACTORS {
            cells.push(match p.baseline.get(f).cloned().flatten() {
                Some(Value::String(s)) => s,
                Some(v) => v.to_string(),
                None => String::new(),
            });
        }
        writeln!(out, "{}", cells.join(","))?;
    }
    out.flush()?;
    Ok(())
}
