//! `ecrf`: the command line over the core, so a statistician can reproduce every number the app
//! shows. Every subcommand's interface is a contract documented in `docs/cli.md`.

mod commands;
mod input;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::input::BadInput;

/// Reproduce the eCRF app's numbers on a desktop.
#[derive(Debug, Parser)]
#[command(name = "ecrf", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check subject IDs (HCC-<site>-<nnnn>) and print them canonically, one per line.
    SubjectId {
        /// The IDs to check.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Compute the derived values (Child-Pugh, ALBI, BCLC, CNLC, up-to-seven, BMI, NLR, PLR)
    /// from one JSON object of inputs; prints JSON.
    Derive {
        /// The JSON file of inputs (`-` for standard input).
        #[arg(long)]
        input: PathBuf,
    },
    /// Write the demo study (its commits, as the app imports them), deterministically.
    Demo {
        /// Number of patients.
        #[arg(long, default_value_t = 120)]
        patients: usize,
        /// Seed: the same seed gives the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The device that makes the commits (simulates several tablets).
        #[arg(long, default_value = "demo")]
        device: String,
        /// The site code of the subject IDs, three digits.
        #[arg(long, default_value = "001")]
        site: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// PFS (mRECIST and RECIST 1.1), OS and TTP per patient, with baseline factors, as CSV,
    /// from an export of commits (such as `ecrf demo`'s file).
    Endpoints {
        /// The JSON export with a `commits` array.
        #[arg(long)]
        commits: PathBuf,
        /// Administrative cut-off, days after enrollment.
        #[arg(long, default_value_t = 730, allow_negative_numbers = true)]
        cutoff_days: i64,
    },
    /// The study report of one endpoint, as the analysis page shows it (Kaplan-Meier by group,
    /// log-rank, Cox crude / univariable / adjusted, IPTW, response by group); prints JSON.
    Analyze(Box<commands::analyze::AnalyzeArgs>),
    /// The study's data as files: CDISC ODM 1.3.2 with the audit trail, ADaM-style analysis
    /// data sets, one CSV per form, or printable HTML reports.
    Export(Box<commands::export::ExportArgs>),
    /// Safety tables (any AE, grade >= 3, hematologic / non-hematologic, serious,
    /// discontinuation; by SOC and term; by group) from an export of commits; prints JSON.
    Safety {
        /// The JSON export with a `commits` array.
        #[arg(long)]
        commits: PathBuf,
        /// 1 - confidence level of the exact intervals.
        #[arg(long, default_value_t = 0.05)]
        alpha: f64,
    },
    /// Tumor response of one patient's series by RECIST 1.1 or mRECIST; prints JSON.
    Response {
        /// `recist11` or `mrecist`.
        #[arg(long)]
        criteria: String,
        /// The JSON file of the series (`-` for standard input).
        #[arg(long)]
        input: PathBuf,
        /// Days after which a later assessment confirms a CR/PR (default 28).
        #[arg(long)]
        confirm_days: Option<i64>,
        /// Days after enrollment from which SD counts for the best response (default 42).
        #[arg(long)]
        min_sd_days: Option<i64>,
    },
    /// CTCAE v5.0 grades of lab values (a JSON array); prints JSON.
    CtcaeLab {
        /// The JSON file (`-` for standard input).
        #[arg(long)]
        input: PathBuf,
    },
    /// Kaplan-Meier per group, log-rank and Cox over a CSV file; prints JSON.
    Survival(Box<commands::survival::SurvivalArgs>),
    /// Create the study on a sync server (once, by its first data manager).
    Study {
        #[command(subcommand)]
        command: commands::study::StudyCommand,
    },
    /// Seal the commits of an `ecrf-commits` file and upload them to the sync server.
    Push(commands::push::PushArgs),
    /// Download, open and check every commit of the study into DIR/commits.json.
    Pull(commands::pull::PullArgs),
    /// Add, list and revoke users, reset a forgotten passphrase (data manager).
    User {
        #[command(subcommand)]
        command: commands::user::UserCommand,
    },
    /// List and revoke devices (data manager).
    Device {
        #[command(subcommand)]
        command: commands::device::DeviceCommand,
    },
    /// Change your passphrase on the sync server.
    Passphrase {
        #[command(subcommand)]
        command: commands::passphrase::PassphraseCommand,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let result = match cli.command {
        Command::SubjectId { ids } => commands::subject_id::run(&ids),
        Command::Derive { input } => commands::derive::run(&input),
        Command::Survival(args) => commands::survival::run(&args),
        Command::CtcaeLab { input } => commands::ctcae_lab::run(&input),
        Command::Demo {
            patients,
            seed,
            device,
            site,
            out,
        } => commands::demo::run(patients, seed, &device, &site, &out),
        Command::Endpoints {
            commits,
            cutoff_days,
        } => commands::endpoints::run(&commits, cutoff_days),
        Command::Analyze(args) => commands::analyze::run(&args),
        Command::Export(args) => commands::export::run(&args),
        Command::Safety { commits, alpha } => commands::safety::run(&commits, alpha),
        Command::Response {
            criteria,
            input,
            confirm_days,
            min_sd_days,
        } => commands::response::run(&criteria, &input, confirm_days, min_sd_days),
        Command::Study { command } => commands::study::run(&command),
        Command::Push(args) => commands::push::run(&args),
        Command::Pull(args) => commands::pull::run(&args),
        Command::User { command } => commands::user::run(&command),
        Command::Device { command } => commands::device::run(&command),
        Command::Passphrase { command } => commands::passphrase::run(&command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not an error.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // Bad input, and a server's refusal (4xx) of a request.
            let bad_input = err.downcast_ref::<BadInput>().is_some()
                || err.downcast_ref::<sync::client::Refusal>().is_some();
            eprintln!("ecrf: {}", one_line(&format!("{err:#}")));
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

/// A command line that does not parse is bad input (exit 2) told on one line, as every bad
/// input is: clap's first line (`unexpected argument '--x' found`, `the following required
/// arguments were not provided: --out <OUT>`), with the usage it names. `--help` and `--version`
/// print as clap prints them.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    let text = err.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // The following line names the missing arguments when clap lists them.
    let detail = lines
        .next()
        .filter(|l| l.starts_with("--") || l.starts_with('<'))
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    let usage = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .map(|u| format!(" (usage: {u})"))
        .unwrap_or_default();
    eprintln!("ecrf: {}", one_line(&format!("{first}{detail}{usage}")));
    ExitCode::from(2)
}

/// Reasons are printed on one line, whatever the underlying error's formatting.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
