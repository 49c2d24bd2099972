//! `ecrf analyze --commits FILE.json [--endpoint E] [--factors F,..] [--bclc S,..] [--groups G,..]
//! [--cutoff-days 730] [--pretty]`: the study report the analysis page shows, as one JSON
//! document (`ecrf_core::analysis::report`).

use std::path::PathBuf;

use clap::Args;
use ecrf_core::analysis::report::{report, ReportOptions};
use ecrf_core::analysis::Which;

use crate::input::{bad_input, read_commits, write_json};

/// The options of `ecrf analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The JSON export with a `commits` array (what `ecrf pull` or `ecrf demo` wrote).
    #[arg(long)]
    commits: PathBuf,
    /// `pfs_mrecist` (default), `pfs_recist11`, `os` or `ttp_mrecist`.
    #[arg(long, default_value = "pfs_mrecist")]
    endpoint: String,
    /// Adjustment factors, comma-separated (default: bclc_c_d,afp_ge_400,mvi,albi_2_3; an empty
    /// value for none).
    #[arg(long)]
    factors: Option<String>,
    /// Baseline BCLC stages kept, comma-separated (default: all patients).
    #[arg(long)]
    bclc: Option<String>,
    /// Treatment groups kept, comma-separated (default: all groups).
    #[arg(long)]
    groups: Option<String>,
    /// Administrative cut-off, days after enrollment.
    #[arg(long, default_value_t = ecrf_core::study::plan::CUTOFF_DAYS, allow_negative_numbers = true)]
    cutoff_days: i64,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
}

/// A comma-separated list; empty items (`a,,b`, a trailing comma) are refused.
fn list(option: &str, value: &str) -> anyhow::Result<Vec<String>> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<String> = value.split(',').map(|s| s.trim().to_owned()).collect();
    if items.iter().any(String::is_empty) {
        bad_input!("--{option}: an empty name in {value:?}");
    }
    Ok(items)
}

/// Verifies the log, folds it, builds the report and prints it.
pub fn run(args: &AnalyzeArgs) -> anyhow::Result<()> {
    let endpoint = match args.endpoint.as_str() {
        "pfs_mrecist" => Which::PfsMrecist,
        "pfs_recist11" => Which::PfsRecist11,
        "os" => Which::Os,
        "ttp_mrecist" => Which::TtpMrecist,
        other => bad_input!(
            "--endpoint: unknown endpoint {other:?} (known: pfs_mrecist, pfs_recist11, os, ttp_mrecist)"
        ),
    };
    let mut options = ReportOptions {
        endpoint,
        cutoff_days: args.cutoff_days,
        ..ReportOptions::default()
    };
    if let Some(f) = &args.factors {
        options.factors = list("factors", f)?;
    }
    if let Some(b) = &args.bclc {
        options.bclc = list("bclc", b)?;
    }
    if let Some(g) = &args.groups {
        options.groups = list("groups", g)?;
    }
    // Options are checked before the (possibly large) file is read.
    if let Err(e) = options.check() {
        bad_input!("{e}");
    }
    let state = read_commits(&args.commits)?;
    let records = ecrf_core::record::records(&state);
    match report(&records, &options) {
        Ok(r) => write_json(&r, args.pretty),
        Err(e) => bad_input!("{e}"),
    }
}
