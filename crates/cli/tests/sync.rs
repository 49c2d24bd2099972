//! End to end against the real `ecrf-server`: create the study, push the demo study, pull it
//! back and get the same analyses, and the data manager's user administration, through the
//! `ecrf` binary exactly as a data manager runs it.

use std::path::Path;

mod server;

use server::*;

#[test]
fn create_push_pull_and_administer_a_study() {
    let tmp = Scratch::new("sync-e2e");
    let server = Server::start(&tmp.0);
    let url = server.url.as_str();
    let token_file = server.dir.join("setup-token");
    let token = std::fs::read_to_string(&token_file).expect("the set-up token");
    let token_copy = tmp.file("token-copy", &token);
    let token_file = token_file.to_string_lossy().into_owned();

    let dm_pass = tmp.file("dm.pass", "correct horse battery staple\n");
    let wrong_pass = tmp.file("wrong.pass", "not the passphrase\n");
    let mon_temp = tmp.file("mon.temp", "temporary passphrase 1\r\n");
    let mon_pass = tmp.file("mon.pass", "the monitor's own passphrase");
    let demo = tmp.path("demo.json");
    expect(&ecrf(&["demo", "--patients", "30", "--out", &demo]), 0, "");

    // The study, once.
    let study_id = expect(
        &ecrf(&[
            "study",
            "init",
            "--server",
            url,
            "--setup-token-file",
            &token_file,
            "--user",
            "dm",
            "--passphrase-file",
            &dm_pass,
        ]),
        0,
        "created study",
    );
    let study_id = study_id.trim();
    assert!(
        study_id.len() == 32 && study_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{study_id:?}"
    );
    expect(
        &ecrf(&[
            "study",
            "init",
            "--server",
            url,
            "--setup-token-file",
            &token_copy,
            "--user",
            "dm2",
            "--passphrase-file",
            &dm_pass,
        ]),
        2,
        "the server refused",
    );

    let as_dm = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend([
            "--server",
            url,
            "--user",
            "dm",
            "--passphrase-file",
            &dm_pass,
        ]);
        ecrf(&all)
    };

    // Push: a demo file only with --demo; a repeat stores nothing.
    expect(&as_dm(&["push", "--commits", &demo]), 2, "--demo");
    let pushed = expect(&as_dm(&["push", "--commits", &demo, "--demo"]), 0, "");
    let n: usize = pushed.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n > 100, "{pushed}");
    assert_eq!(
        pushed.trim(),
        format!("{n} commits: {n} stored, 0 already on the server")
    );
    let again = expect(&as_dm(&["push", "--commits", &demo, "--demo"]), 0, "");
    assert_eq!(
        again.trim(),
        format!("{n} commits: 0 stored, {n} already on the server")
    );

    // Pull: the same commits, so the same analyses; the demo's author is no user of the study.
    let pulled_dir = tmp.path("pulled");
    let pulled = expect(
        &as_dm(&["pull", "--out", &pulled_dir]),
        0,
        "by 1 author unknown to the study: demo",
    );
    let pulled_file = format!("{pulled_dir}/commits.json");
    assert_eq!(
        pulled.trim(),
        format!("{n} commits written to {pulled_file}")
    );
    for command in ["endpoints", "safety"] {
        let original = expect(&ecrf(&[command, "--commits", &demo]), 0, "");
        let round_trip = expect(&ecrf(&[command, "--commits", &pulled_file]), 0, "");
        assert_eq!(original, round_trip, "ecrf {command}");
    }
    // The pulled demo study keeps its mark: refused without --demo, duplicates with it.
    expect(&as_dm(&["push", "--commits", &pulled_file]), 2, "--demo");
    let repush = expect(
        &as_dm(&["push", "--commits", &pulled_file, "--demo"]),
        0,
        "",
    );
    assert_eq!(
        repush.trim(),
        format!("{n} commits: 0 stored, {n} already on the server")
    );

    // A wrong passphrase is the server's refusal.
    expect(
        &ecrf(&[
            "pull",
            "--server",
            url,
            "--user",
            "dm",
            "--passphrase-file",
            &wrong_pass,
            "--out",
            &tmp.path("never"),
        ]),
        2,
        "bad_credentials",
    );
    assert!(!Path::new(&tmp.path("never")).exists());

    // A monitor: added with a temporary passphrase, which must be changed first; then reads only.
    expect(
        &as_dm(&[
            "user",
            "add",
            "--name",
            "mon1",
            "--role",
            "monitor",
            "--temp-passphrase-file",
            &mon_temp,
        ]),
        0,
        "",
    );
    let users = expect(&as_dm(&["user", "list"]), 0, "");
    assert!(
        users.starts_with("user\trole\tstatus\tcreated_at\n"),
        "{users}"
    );
    assert!(users.contains("\ndm\tdata_manager\tactive\t"), "{users}");
    assert!(
        users.contains("\nmon1\tmonitor\ttemporary_passphrase\t"),
        "{users}"
    );
    let as_mon = |pass: &str, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", url, "--user", "mon1", "--passphrase-file", pass]);
        ecrf(&all)
    };
    let mon_dir = tmp.path("monitor");
    expect(
        &as_mon(&mon_temp, &["pull", "--out", &mon_dir]),
        2,
        "passphrase change",
    );
    expect(
        &as_mon(
            &mon_temp,
            &["passphrase", "change", "--new-passphrase-file", &mon_pass],
        ),
        0,
        "",
    );
    expect(
        &as_mon(&mon_pass, &["push", "--commits", &pulled_file, "--demo"]),
        2,
        "read-only",
    );
    expect(&as_mon(&mon_pass, &["pull", "--out", &mon_dir]), 0, "");
    assert_eq!(
        std::fs::read(format!("{mon_dir}/commits.json")).unwrap(),
        std::fs::read(&pulled_file).unwrap()
    );
    expect(&as_mon(&mon_pass, &["user", "list"]), 0, "");
    expect(&as_mon(&mon_pass, &["device", "list"]), 2, "forbidden");

    // Devices: both CLI logins registered one.
    let devices = expect(&as_dm(&["device", "list"]), 0, "");
    assert!(devices.contains("\ncli-dm\tdm\t"), "{devices}");
    assert!(devices.contains("\ncli-mon1\tmon1\t"), "{devices}");

    // A forgotten passphrase: the old one stops working, the temporary one must be changed.
    expect(
        &as_dm(&[
            "user",
            "reset-passphrase",
            "--name",
            "mon1",
            "--temp-passphrase-file",
            &mon_temp,
        ]),
        0,
        "",
    );
    expect(
        &as_mon(&mon_pass, &["pull", "--out", &mon_dir]),
        2,
        "bad_credentials",
    );
    expect(
        &as_mon(&mon_temp, &["pull", "--out", &mon_dir]),
        2,
        "passphrase change",
    );

    // Revoking: the monitor can no longer log in, the device no longer be used.
    expect(&as_dm(&["user", "revoke", "--name", "mon1"]), 0, "");
    expect(
        &as_mon(
            &mon_temp,
            &["passphrase", "change", "--new-passphrase-file", &mon_pass],
        ),
        2,
        "",
    );
    expect(&as_dm(&["device", "revoke", "--device", "cli-mon1"]), 0, "");
    let devices = expect(&as_dm(&["device", "list"]), 0, "");
    assert!(devices.contains("\ncli-mon1\tmon1\t"), "{devices}");
    assert!(
        devices
            .lines()
            .any(|l| l.starts_with("cli-mon1\t") && l.contains("\trevoked\t")),
        "{devices}"
    );
    expect(
        &as_dm(&["user", "revoke", "--name", "nobody"]),
        2,
        "no_such_user",
    );

    // Guessing: after 5 failed logins of a name, the server refuses for 15 minutes.
    let guess = || {
        ecrf(&[
            "user",
            "list",
            "--server",
            url,
            "--user",
            "ghost",
            "--passphrase-file",
            &wrong_pass,
        ])
    };
    for _ in 1..=5 {
        expect(&guess(), 2, "bad_credentials");
    }
    expect(&guess(), 2, "try again in");

    // Another history under a device the server holds: refused, naming the commit.
    let other = tmp.path("other.json");
    expect(
        &ecrf(&["demo", "--patients", "2", "--seed", "99", "--out", &other]),
        0,
        "",
    );
    let conflict = as_dm(&["push", "--commits", &other, "--demo"]);
    expect(&conflict, 2, "(commit_conflict)");
    let why = text(&conflict.stderr);
    assert!(why.contains("(device demo, sequence 1)"), "{why}");

    // A commit sealed under another key (anyone with a writing token can upload one): pull
    // names it, leaves it out and writes the study as before.
    upload_foreign_commit(url, "dm", "correct horse battery staple", study_id);
    let again_dir = tmp.path("again");
    let again = as_dm(&["pull", "--out", &again_dir]);
    expect(
        &again,
        0,
        "1 commit of the server does not open with the study key and is left out: intruder#1 (",
    );
    assert_eq!(
        std::fs::read(format!("{again_dir}/commits.json")).unwrap(),
        std::fs::read(&pulled_file).unwrap()
    );
    drop(server);
}

#[test]
fn create_push_and_pull_over_https_with_the_studys_own_ca() {
    let tmp = Scratch::new("sync-https");
    let server = Server::start_tls(&tmp.0);
    let url = server.url.as_str();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let ca = server.dir.join("tls/ca.pem").to_string_lossy().into_owned();
    let token_file = server
        .dir
        .join("setup-token")
        .to_string_lossy()
        .into_owned();
    let pass = tmp.file("dm.pass", "correct horse battery staple\n");
    let demo = tmp.path("demo.json");
    expect(&ecrf(&["demo", "--patients", "5", "--out", &demo]), 0, "");

    // Without the study's authority the certificate is not trusted: no answer, and a hint.
    let init = |extra: &[&str]| {
        let mut args = vec![
            "study",
            "init",
            "--server",
            url,
            "--setup-token-file",
            &token_file,
            "--user",
            "dm",
            "--passphrase-file",
            &pass,
        ];
        args.extend(extra);
        ecrf(&args)
    };
    expect(&init(&[]), 1, "--ca-cert");
    // A file that holds no certificate is bad input.
    expect(&init(&["--ca-cert", &pass]), 2, "no PEM certificate");
    expect(
        &init(&["--ca-cert", &tmp.path("none.pem")]),
        2,
        "cannot read --ca-cert",
    );
    expect(&init(&["--ca-cert", &ca]), 0, "created study");

    let as_dm = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend([
            "--server",
            url,
            "--user",
            "dm",
            "--passphrase-file",
            &pass,
            "--ca-cert",
            &ca,
        ]);
        ecrf(&all)
    };
    let pushed = expect(&as_dm(&["push", "--commits", &demo, "--demo"]), 0, "");
    let n: usize = pushed.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n > 10, "{pushed}");
    let pulled_dir = tmp.path("pulled");
    expect(&as_dm(&["pull", "--out", &pulled_dir]), 0, "");
    let pulled_file = format!("{pulled_dir}/commits.json");
    let original = expect(&ecrf(&["endpoints", "--commits", &demo]), 0, "");
    let round_trip = expect(&ecrf(&["endpoints", "--commits", &pulled_file]), 0, "");
    assert_eq!(original, round_trip);
    for command in [&["user", "list"][..], &["device", "list"]] {
        expect(&as_dm(command), 0, "");
    }
    // The web roots alone do not trust the study's authority.
    expect(
        &ecrf(&[
            "pull",
            "--server",
            url,
            "--user",
            "dm",
            "--passphrase-file",
            &pass,
            "--out",
            &tmp.path("never"),
        ]),
        1,
        "TLS failed",
    );
    drop(server);
}

/// Logs in through the API and uploads one commit of the device `intruder` sealed under a key
/// that is not the study's (the server never decrypts, so it takes it).
fn upload_foreign_commit(url: &str, user: &str, passphrase: &str, study_id: &str) {
    use ecrf_core::log::{Commit, CommitBody, Hlc};
    use ecrf_core::sync::api::{LoginParams, LoginRequest, Session};
    use ecrf_core::sync::{Bundle, Compression, DataKey, SealedCommit};

    let agent = ureq::Agent::new_with_defaults();
    let params: LoginParams = agent
        .get(format!("{url}/api/login/params?user={user}"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let mut salt = [0u8; 16];
    hex::decode_to_slice(&params.salt, &mut salt).unwrap();
    let keys = ecrf_core::sync::keys::derive_user_keys(passphrase, &salt, params.iterations);
    let session: Session = agent
        .post(format!("{url}/api/login"))
        .send_json(LoginRequest {
            user: user.into(),
            auth: hex::encode(keys.auth),
            device: "test-harness".into(),
        })
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let commit: Commit = CommitBody {
        device: "intruder".into(),
        seq: 1,
        prev: None,
        hlc: Hlc::zero("intruder"),
        user: user.into(),
        reason: None,
        ops: Vec::new(),
    }
    .into_commit();
    let sealed = SealedCommit::seal(
        &commit,
        &DataKey::new(1, [42; 32]),
        [7; 12],
        Compression::None,
    )
    .unwrap();
    let mut study = [0u8; 16];
    hex::decode_to_slice(study_id, &mut study).unwrap();
    let bundle = Bundle {
        study,
        commits: vec![sealed],
    };
    let answer = agent
        .post(format!("{url}/api/bundles"))
        .header("authorization", format!("Bearer {}", session.token))
        .content_type("application/octet-stream")
        .send(bundle.to_bytes().unwrap())
        .unwrap();
    assert_eq!(answer.status(), 200);
}
