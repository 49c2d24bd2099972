//! `ecrf export --commits FILE.json --format odm|adam|csv|report --out DIR [--lang zh|en]
//! [--bom]`: the study's data for readers outside the app, written as files into DIR (created
//! when missing; each file written whole, then renamed into place).

pub mod report;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use ecrf_core::i18n::Lang;

use crate::input::{bad_input, read_commits};

/// The options of `ecrf export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The JSON export with a `commits` array (what `ecrf pull` or `ecrf demo` wrote).
    #[arg(long)]
    commits: PathBuf,
    /// `odm` (DIR/odm.xml), `adam` (DIR/adsl.csv, adtte.csv, adrs.csv, adae.csv, adlb.csv,
    /// define.csv), `csv` (DIR/<form>.csv) or `report` (DIR/report.html, DIR/patients/*.html).
    #[arg(long)]
    format: String,
    /// The folder to write into.
    #[arg(long)]
    out: PathBuf,
    /// Language of the labels and reports: `en` (default) or `zh`.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Start every CSV file with a UTF-8 byte-order mark (for Excel in a Chinese locale).
    #[arg(long)]
    bom: bool,
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Odm,
    Adam,
    Csv,
    Report,
}

/// Writes `text` to `dir/name` whole: into a temporary file beside it, then renamed.
pub(crate) fn write_file(dir: &Path, name: &str, text: &[u8]) -> anyhow::Result<()> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A CSV file's bytes, with the byte-order mark when asked.
fn csv_bytes(text: &str, bom: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    out.extend_from_slice(text.as_bytes());
    out
}

/// Checks the options, verifies and folds the log, writes the files.
pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let format = match args.format.as_str() {
        "odm" => Format::Odm,
        "adam" => Format::Adam,
        "csv" => Format::Csv,
        "report" => Format::Report,
        other => bad_input!("--format: unknown format {other:?} (known: odm, adam, csv, report)"),
    };
    let lang = match args.lang.as_str() {
        "en" => Lang::En,
        "zh" | "zh-CN" => Lang::ZhCn,
        other => bad_input!("--lang: unknown language {other:?} (known: en, zh)"),
    };
    let state = read_commits(&args.commits)?;
    let dir = &args.out;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0usize;
    match format {
        Format::Odm => {
            let now = time::OffsetDateTime::now_utc();
            let file_oid = format!(
                "ODM.{}.{}",
                ecrf_core::study::plan::STUDY_ID,
                now.unix_timestamp_nanos()
            );
            let options = ecrf_core::export::odm::OdmOptions::new(file_oid, now);
            let xml = ecrf_core::export::odm::odm(&state, &options);
            write_file(dir, "odm.xml", xml.as_bytes())?;
            written += 1;
        }
        Format::Adam => {
            let sets =
                ecrf_core::export::adam::datasets(&state, ecrf_core::study::plan::CUTOFF_DAYS);
            for d in sets {
                write_file(
                    dir,
                    &format!("{}.csv", d.name),
                    &csv_bytes(&d.to_csv(), args.bom),
                )?;
                written += 1;
            }
        }
        Format::Report => {
            let today = time::OffsetDateTime::now_utc().date();
            report::write(&state, dir, lang, today)?;
            written += 1 + ecrf_core::record::records(&state).len();
        }
        Format::Csv => {
            for t in ecrf_core::export::flat::form_tables(&state, lang) {
                write_file(
                    dir,
                    &format!("{}.csv", t.form),
                    &csv_bytes(&t.csv, args.bom),
                )?;
                written += 1;
            }
        }
    }
    let files = if written == 1 { "file" } else { "files" };
    eprintln!("ecrf: wrote {written} {files} to {}", dir.display());
    Ok(())
}
