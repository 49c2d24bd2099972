//! `ecrf study init --server URL --setup-token-file FILE --user NAME --passphrase-file FILE`:
//! creates the study on a new sync server, with its data key and its first data manager.

use std::path::PathBuf;

use ecrf_core::sync::api::{CreateStudy, StudyInfo};
use ecrf_core::sync::DataKey;
use ureq::http::Method;

use crate::sync::client::{Client, ClientOptions};
use crate::sync::random_bytes;
use crate::sync::secrets::{read_passphrase, read_token};
use crate::sync::session::{check_name, new_key};

/// `ecrf study ...`.
#[derive(Debug, clap::Subcommand)]
pub enum StudyCommand {
    /// Create the study on a new server: a random data key, a random study id, and you as its
    /// first data manager. Prints the study id.
    Init(InitArgs),
}

/// `ecrf study init`'s options.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The sync server's URL.
    #[arg(long)]
    server: String,
    /// The server's one-time set-up token file (`DATA_DIR/setup-token` on the server).
    #[arg(long)]
    setup_token_file: PathBuf,
    /// The first data manager's user name (yours).
    #[arg(long)]
    user: String,
    /// A file holding your passphrase (one trailing line end is ignored).
    #[arg(long)]
    passphrase_file: PathBuf,
    /// Trust the certificate authority in this PEM file besides the usual web roots.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
}

/// Runs `ecrf study ...`.
pub fn run(command: &StudyCommand) -> anyhow::Result<()> {
    match command {
        StudyCommand::Init(args) => init(args),
    }
}

fn init(args: &InitArgs) -> anyhow::Result<()> {
    check_name("--user", &args.user)?;
    let options = ClientOptions {
        ca_cert: args.ca_cert.clone(),
        ..ClientOptions::default()
    };
    let client = Client::new(&args.server, &options)?;
    let setup_token = read_token(&args.setup_token_file)?;
    let passphrase = read_passphrase(&args.passphrase_file)?;
    let key = DataKey::new(1, random_bytes::<32>()?);
    let study_id = hex::encode(random_bytes::<16>()?);
    let record = new_key(&key, &args.user, &passphrase)?;
    let request = CreateStudy {
        setup_token,
        study_id,
        user: args.user.clone(),
        auth: record.auth,
        wrapped_key: record.wrapped_key,
    };
    let info: StudyInfo = client.send_json(Method::POST, "/api/study", &request)?;
    eprintln!(
        "ecrf: created study {} on {} with data manager {}",
        info.study_id,
        client.base(),
        args.user
    );
    println!("{}", info.study_id);
    Ok(())
}
