//! `ecrf user add|list|revoke|reset-passphrase`: the data manager's user administration, until
//! the app has screens for it.

use std::path::{Path, PathBuf};

use ecrf_core::sync::api::{NewUser, Role, UserInfo};
use ureq::http::Method;

use crate::input::bad_input;
use crate::sync::secrets::read_passphrase;
use crate::sync::session::{check_name, new_key};
use crate::sync::LoginArgs;

/// `ecrf user ...`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user with a temporary passphrase (data manager).
    Add {
        #[command(flatten)]
        login: LoginArgs,
        /// The new user's name.
        #[arg(long)]
        name: String,
        /// `data_manager`, `investigator`, `coordinator` or `monitor`.
        #[arg(long)]
        role: String,
        /// A file holding the temporary passphrase to give the new user.
        #[arg(long)]
        temp_passphrase_file: PathBuf,
    },
    /// List the study's users.
    List {
        #[command(flatten)]
        login: LoginArgs,
    },
    /// Revoke a user: no more logins; earlier commits stay valid (data manager).
    Revoke {
        #[command(flatten)]
        login: LoginArgs,
        /// The user to revoke.
        #[arg(long)]
        name: String,
    },
    /// Give a user who forgot the passphrase a temporary one (data manager).
    ResetPassphrase {
        #[command(flatten)]
        login: LoginArgs,
        /// The user.
        #[arg(long)]
        name: String,
        /// A file holding the temporary passphrase.
        #[arg(long)]
        temp_passphrase_file: PathBuf,
    },
}

/// Runs `ecrf user ...`.
pub fn run(command: &UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            login,
            name,
            role,
            temp_passphrase_file,
        } => add(login, name, role, temp_passphrase_file),
        UserCommand::List { login } => list(login),
        UserCommand::Revoke { login, name } => revoke(login, name),
        UserCommand::ResetPassphrase {
            login,
            name,
            temp_passphrase_file,
        } => reset(login, name, temp_passphrase_file),
    }
}

fn role_of(code: &str) -> anyhow::Result<Role> {
    match Role::from_code(code) {
        Some(role) => Ok(role),
        None => {
            let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
            bad_input!("--role must be one of {}, not {code:?}", codes.join(", "))
        }
    }
}

fn add(login: &LoginArgs, name: &str, role: &str, temp: &Path) -> anyhow::Result<()> {
    check_name("--name", name)?;
    let role = role_of(role)?;
    let temporary = read_passphrase(temp)?;
    let (session, passphrase) = login.login(false)?;
    let key = session.data_key(&passphrase)?;
    let record = new_key(&key, name, &temporary)?;
    let request = NewUser {
        user: name.to_owned(),
        role,
        auth: record.auth,
        wrapped_key: record.wrapped_key,
    };
    let result = session
        .client
        .send_no_answer(Method::POST, "/api/users", Some(&request));
    session.logout();
    result?;
    println!(
        "added user {name} ({}); they must change the temporary passphrase before anything else",
        role.code()
    );
    Ok(())
}

/// One line per user: name, role, status (`active`, `temporary_passphrase` or `revoked`) and
/// when the user was added, separated by tabs, under a header line.
fn user_table(users: &[UserInfo]) -> String {
    let mut out = String::from("user\trole\tstatus\tcreated_at\n");
    for u in users {
        let status = if u.revoked {
            "revoked"
        } else if u.must_change_passphrase {
            "temporary_passphrase"
        } else {
            "active"
        };
        out.push_str(&format!(
            "{}\t{}\t{status}\t{}\n",
            u.user,
            u.role.code(),
            u.created_at
        ));
    }
    out
}

fn list(login: &LoginArgs) -> anyhow::Result<()> {
    let (session, _) = login.login(false)?;
    let users: anyhow::Result<Vec<UserInfo>> = session.client.get_json("/api/users");
    session.logout();
    print!("{}", user_table(&users?));
    Ok(())
}

fn revoke(login: &LoginArgs, name: &str) -> anyhow::Result<()> {
    check_name("--name", name)?;
    login.post_empty(&format!("/api/users/{name}/revoke"))?;
    println!("revoked user {name}");
    Ok(())
}

fn reset(login: &LoginArgs, name: &str, temp: &Path) -> anyhow::Result<()> {
    check_name("--name", name)?;
    let temporary = read_passphrase(temp)?;
    let (session, passphrase) = login.login(false)?;
    let key = session.data_key(&passphrase)?;
    let record = new_key(&key, name, &temporary)?;
    let result = session.client.send_no_answer(
        Method::PUT,
        &format!("/api/users/{name}/key"),
        Some(&record),
    );
    session.logout();
    result?;
    println!("user {name} has a temporary passphrase; they must change it before anything else");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_checked() {
        assert_eq!(role_of("monitor").unwrap(), Role::Monitor);
        let err = role_of("admin").unwrap_err();
        assert!(err
            .to_string()
            .contains("data_manager, investigator, coordinator, monitor"));
    }

    #[test]
    fn the_table_has_a_status() {
        let user = |name: &str, revoked, temp| UserInfo {
            user: name.into(),
            role: Role::Monitor,
            revoked,
            must_change_passphrase: temp,
            created_at: "2026-12-06T08:00:00Z".into(),
        };
        assert_eq!(
            user_table(&[
                user("a", false, false),
                user("b", false, true),
                user("c", true, true)
            ]),
            "user\trole\tstatus\tcreated_at\n\
             a\tmonitor\tactive\t2026-12-06T08:00:00Z\n\
             b\tmonitor\ttemporary_passphrase\t2026-12-06T08:00:00Z\n\
             c\tmonitor\trevoked\t2026-12-06T08:00:00Z\n"
        );
    }
}
