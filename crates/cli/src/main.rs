//! `ecrf`: the command line over the core, so a statistician can reproduce every number the app
//! shows. Every subcommand's interface is a contract documented in `docs/cli.md`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::SubjectId { ids } => subject_id(&ids),
    }
}

fn subject_id(ids: &[String]) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    for id in ids {
        match id.parse::<ecrf_core::subject::SubjectId>() {
            Ok(id) => println!("{id}"),
            Err(err) => {
                eprintln!("ecrf: {id:?}: {err}");
                code = ExitCode::from(2);
            }
        }
    }
    code
}
