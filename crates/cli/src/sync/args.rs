//! The options every server command shares (`--server`, `--user`, `--passphrase-file`,
//! `--ca-cert`) and
//! logging in with them.

use std::path::PathBuf;

use super::client::{Client, ClientOptions};
use super::secrets::read_passphrase;
use super::session::{check_name, Session};

/// Which server, as whom.
#[derive(Debug, Clone, clap::Args)]
pub struct LoginArgs {
    /// The sync server's URL (`https://...`, or `http://` on a local network).
    #[arg(long)]
    pub server: String,
    /// Your user name.
    #[arg(long)]
    pub user: String,
    /// A file holding your passphrase (one trailing line end is ignored).
    #[arg(long)]
    pub passphrase_file: PathBuf,
    /// Trust the certificate authority in this PEM file besides the usual web roots (the one
    /// `ecrf-server tls init` made: `DATA_DIR/tls/ca.pem`).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

impl LoginArgs {
    /// A client of `--server`.
    pub fn client(&self) -> anyhow::Result<Client> {
        Client::new(
            &self.server,
            &ClientOptions {
                ca_cert: self.ca_cert.clone(),
                ..ClientOptions::default()
            },
        )
    }

    /// Checks the options, reads the passphrase and logs in; returns the session and the
    /// passphrase. Refuses (exit status 2) a user who must still change a temporary passphrase
    /// unless `temporary_ok`.
    pub fn login(&self, temporary_ok: bool) -> anyhow::Result<(Session, String)> {
        check_name("--user", &self.user)?;
        let passphrase = read_passphrase(&self.passphrase_file)?;
        let session = Session::login(self.client()?, &self.user, &passphrase)?;
        if !temporary_ok {
            if let Err(err) = session.require_own_passphrase() {
                session.logout();
                return Err(err);
            }
        }
        Ok((session, passphrase))
    }

    /// Logs in and posts to `path` with no body (a data manager's revocation), then logs out.
    pub fn post_empty(&self, path: &str) -> anyhow::Result<()> {
        let (session, _) = self.login(false)?;
        let result = session
            .client
            .send_no_answer::<()>(ureq::http::Method::POST, path, None);
        session.logout();
        result
    }
}
