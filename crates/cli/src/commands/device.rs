//! `ecrf device list|revoke`: the devices that have logged in, and revoking a lost one (data
//! manager).

use ecrf_core::sync::api::DeviceInfo;

use crate::sync::session::check_name;
use crate::sync::LoginArgs;

/// `ecrf device ...`.
#[derive(Debug, clap::Subcommand)]
pub enum DeviceCommand {
    /// List the devices that have logged in (data manager).
    List {
        #[command(flatten)]
        login: LoginArgs,
    },
    /// Revoke a device: no more logins or uploads, its new commits refused (data manager).
    Revoke {
        #[command(flatten)]
        login: LoginArgs,
        /// The device id.
        #[arg(long)]
        device: String,
    },
}

/// Runs `ecrf device ...`.
pub fn run(command: &DeviceCommand) -> anyhow::Result<()> {
    match command {
        DeviceCommand::List { login } => list(login),
        DeviceCommand::Revoke { login, device } => revoke(login, device),
    }
}

/// A field, or `-` for a device known only from relayed commits.
fn or_dash(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("-")
}

/// One line per device, tab-separated, under a header line.
fn device_table(devices: &[DeviceInfo]) -> String {
    let mut out =
        String::from("device\tregistered_by\tregistered_at\tlast_seen_at\tstatus\tcommits\n");
    for d in devices {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            d.device,
            or_dash(&d.registered_by),
            or_dash(&d.registered_at),
            or_dash(&d.last_seen_at),
            if d.revoked { "revoked" } else { "active" },
            d.commits
        ));
    }
    out
}

fn list(login: &LoginArgs) -> anyhow::Result<()> {
    let (session, _) = login.login(false)?;
    let devices: anyhow::Result<Vec<DeviceInfo>> = session.client.get_json("/api/devices");
    session.logout();
    print!("{}", device_table(&devices?));
    Ok(())
}

fn revoke(login: &LoginArgs, device: &str) -> anyhow::Result<()> {
    check_name("--device", device)?;
    login.post_empty(&format!("/api/devices/{device}/revoke"))?;
    println!("revoked device {device}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_field() {
        let d = DeviceInfo {
            device: "tab-1".into(),
            registered_by: Some("inv1".into()),
            registered_at: Some("2026-12-01T08:00:00Z".into()),
            last_seen_at: Some("2026-12-06T08:00:00Z".into()),
            revoked: true,
            commits: 42,
        };
        let relayed = DeviceInfo {
            device: "usb-7".into(),
            registered_by: None,
            registered_at: None,
            last_seen_at: None,
            revoked: false,
            commits: 3,
        };
        let table = device_table(&[d, relayed]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[1],
            "tab-1\tinv1\t2026-12-01T08:00:00Z\t2026-12-06T08:00:00Z\trevoked\t42"
        );
        assert_eq!(lines[2], "usb-7\t-\t-\t-\tactive\t3");
    }
}
