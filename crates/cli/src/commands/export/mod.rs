//! `ecrf export --commits FILE.json --format odm|adam|csv|report --out DIR [--lang zh|en]
//! [--bom]`: the study's data for readers outside the app. (Minimal here: only `report`.)

pub mod report;

use std::path::PathBuf;

use clap::Args;
use ecrf_core::i18n::Lang;

use crate::input::{bad_input, read_commits};

/// The options of `ecrf export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The JSON export with a `commits` array (what `ecrf pull` or `ecrf demo` wrote).
    #[arg(long)]
    commits: PathBuf,
    /// `odm`, `adam`, `csv` or `report`.
    #[arg(long)]
    format: String,
    /// The folder written (created when missing).
    #[arg(long)]
    out: PathBuf,
    /// Language of the texts: `en` or `zh`.
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    lang: String,
    /// Start CSV files with a UTF-8 byte order mark (for Excel).
    #[arg(long)]
    bom: bool,
}

/// Verifies the log, folds it and writes the chosen export.
pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let lang = if args.lang == "zh" {
        Lang::ZhCn
    } else {
        Lang::En
    };
    match args.format.as_str() {
        "report" => {
            let state = read_commits(&args.commits)?;
            let today = time::OffsetDateTime::now_utc().date();
            report::write(&state, &args.out, lang, today)
        }
        other => bad_input!("--format: unknown format {other:?} (known: report)"),
    }
}
