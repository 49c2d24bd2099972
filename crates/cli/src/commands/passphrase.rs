//! `ecrf passphrase change`: a user replaces their passphrase (a temporary one first of all);
//! the data key is wrapped anew under the new one.

use std::path::{Path, PathBuf};

use ecrf_core::sync::api::ChangePassphrase;
use ureq::http::Method;

use crate::input::bad_input;
use crate::sync::secrets::read_passphrase;
use crate::sync::session::new_key;
use crate::sync::LoginArgs;

/// `ecrf passphrase ...`.
#[derive(Debug, clap::Subcommand)]
pub enum PassphraseCommand {
    /// Change your passphrase (required after a temporary one).
    Change {
        /// `--passphrase-file` holds the current passphrase.
        #[command(flatten)]
        login: LoginArgs,
        /// A file holding the new passphrase.
        #[arg(long)]
        new_passphrase_file: PathBuf,
    },
}

/// Runs `ecrf passphrase ...`.
pub fn run(command: &PassphraseCommand) -> anyhow::Result<()> {
    match command {
        PassphraseCommand::Change {
            login,
            new_passphrase_file,
        } => change(login, new_passphrase_file),
    }
}

fn change(login: &LoginArgs, new_file: &Path) -> anyhow::Result<()> {
    let new = read_passphrase(new_file)?;
    if read_passphrase(&login.passphrase_file)? == new {
        bad_input!("the new passphrase is the current one");
    }
    let (session, old) = login.login(true)?;
    let key = session.data_key(&old)?;
    let record = new_key(&key, &login.user, &new)?;
    let change = ChangePassphrase {
        current_auth: session.current_auth(),
        auth: record.auth,
        wrapped_key: record.wrapped_key,
    };
    let result = session
        .client
        .send_no_answer(Method::POST, "/api/passphrase", Some(&change));
    session.logout();
    result?;
    println!("changed the passphrase of user {}", login.user);
    Ok(())
}
