//! The `ecrf` sync commands refused before any server and by an unreachable one, and a refused
//! push that still logs out, with the server's request log free of query strings.

use std::path::Path;

mod server;

use server::*;

#[test]
fn refusals_before_any_server_and_an_unreachable_one() {
    let tmp = Scratch::new("sync-offline");
    let pass = tmp.file("pass", "correct horse battery staple\n");
    let short = tmp.file("short", "seven77\n");
    let demo = tmp.path("demo.json");
    expect(&ecrf(&["demo", "--patients", "2", "--out", &demo]), 0, "");
    let closed = "http://127.0.0.1:9";
    let push = |server: &str, user: &str, pass: &str, extra: &[&str]| {
        let mut args = vec![
            "push",
            "--server",
            server,
            "--user",
            user,
            "--passphrase-file",
            pass,
            "--commits",
            &demo,
        ];
        args.extend(extra);
        ecrf(&args)
    };
    expect(&push(closed, "dm", &pass, &[]), 2, "--demo");
    expect(
        &push(closed, "dm", &short, &["--demo"]),
        2,
        "shorter than 8",
    );
    expect(
        &push(closed, "d m", &pass, &["--demo"]),
        2,
        "--user must be",
    );
    expect(
        &push("ecrf.example.org", "dm", &pass, &["--demo"]),
        2,
        "--server must be",
    );
    expect(
        &push(closed, "dm", &pass, &["--demo"]),
        1,
        "no answer from the server",
    );
    expect(
        &ecrf(&[
            "study",
            "init",
            "--server",
            closed,
            "--setup-token-file",
            &tmp.path("none"),
            "--user",
            "dm",
            "--passphrase-file",
            &pass,
        ]),
        2,
        "cannot read the set-up token file",
    );
}

/// The server's request log: (method, path, status) of each answered request, in order.
fn requests_logged(log: &Path) -> Vec<(String, String, u64)> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|v| v["fields"]["message"] == "finished processing request")
        .map(|v| {
            (
                v["span"]["method"].as_str().unwrap_or("").to_owned(),
                v["span"]["path"].as_str().unwrap_or("").to_owned(),
                v["fields"]["status"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A command that fails after logging in still logs out (the session ends on drop); the server
/// logs every request at INFO with its method, path and status, never its query string.
#[test]
fn a_refused_push_still_logs_out_and_requests_are_logged_without_queries() {
    let tmp = Scratch::new("sync-logout");
    let server = Server::start(&tmp.0);
    let url = server.url.as_str();
    let token_file = server
        .dir
        .join("setup-token")
        .to_string_lossy()
        .into_owned();
    let pass = tmp.file("dm.pass", "correct horse battery staple\n");
    let demo = tmp.path("demo.json");
    expect(&ecrf(&["demo", "--patients", "2", "--out", &demo]), 0, "");
    let login = ["--server", url, "--user", "dm", "--passphrase-file", &pass];
    let with_login = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(login);
        ecrf(&all)
    };
    expect(
        &with_login(&["study", "init", "--setup-token-file", &token_file]),
        0,
        "",
    );
    // The demo's device never logged in; revoked, its commits are refused.
    expect(
        &with_login(&["device", "revoke", "--device", "demo"]),
        0,
        "",
    );
    let refused = with_login(&["push", "--commits", &demo, "--demo"]);
    let stdout = expect(&refused, 2, "device_revoked");
    assert_eq!(stdout, "");
    let log = tmp.0.join("server.log");
    let requests = requests_logged(&log);
    let last: Vec<(&str, &str, u64)> = requests
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(|(m, p, s)| (m.as_str(), p.as_str(), *s))
        .collect();
    assert_eq!(
        last,
        [("POST", "/api/bundles", 403), ("POST", "/api/logout", 204)],
        "{requests:?}"
    );
    assert!(requests
        .iter()
        .any(|r| (r.0.as_str(), r.1.as_str(), r.2) == ("GET", "/api/login/params", 200)));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("user=dm"), "no query strings in the log");
    // The data manager's action names its actor and target.
    let admin: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "admin action")
        .map(|v| v["fields"].clone())
        .collect();
    assert_eq!(admin.len(), 1, "{admin:?}");
    assert_eq!(
        (&admin[0]["actor"], &admin[0]["action"], &admin[0]["target"]),
        (
            &serde_json::json!("dm"),
            &serde_json::json!("revoke_device"),
            &serde_json::json!("demo")
        )
    );
}
