//! `ecrf push --server URL --user NAME --passphrase-file FILE --commits FILE.json [--demo]`:
//! seals the commits of an `ecrf-commits` file under the study data key and uploads them in
//! bundles; repeating it changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ecrf_core::demo::DEMO_USER;
use ecrf_core::log::Commit;
use ecrf_core::sync::api::{AckStatus, UploadResult};
use ecrf_core::sync::batches::split_batches;
use ecrf_core::sync::{Bundle, Compression, DataKey, SealedCommit, StudyId};

use crate::input::{bad_input, read_json};
use crate::sync::random_bytes;
use crate::sync::session::check_name;
use crate::sync::LoginArgs;

/// The most commits in one uploaded bundle (the server takes up to 10,000).
pub const BUNDLE_COMMITS: usize = 2_000;
/// The largest bundle uploaded, bytes (the server's default limit is 8 MiB).
pub const BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// `ecrf push`'s options.
#[derive(Debug, clap::Args)]
pub struct PushArgs {
    #[command(flatten)]
    login: LoginArgs,
    /// The `ecrf-commits` file to upload (as `ecrf demo` or `ecrf pull` writes it).
    #[arg(long)]
    commits: PathBuf,
    /// Accept a file marked `"demo": true` (for a training server only).
    #[arg(long)]
    demo: bool,
}

/// An `ecrf-commits` file.
#[derive(Debug, serde::Deserialize)]
pub struct CommitsFile {
    /// Must be `ecrf-commits`.
    pub format: String,
    /// Must be 1.
    pub version: u32,
    /// Synthetic data (`ecrf demo`).
    #[serde(default)]
    pub demo: bool,
    /// The commits.
    pub commits: Vec<Commit>,
}

/// Reads an `ecrf-commits` file and returns its commits, each once, sorted by (device,
/// sequence), after checking every commit and chain; refuses (exit status 2) a damaged file, and
/// a demo file unless `allow_demo`.
pub fn read_commits_file(path: &Path, allow_demo: bool) -> anyhow::Result<Vec<Commit>> {
    let file: CommitsFile = read_json(path)?;
    if file.format != "ecrf-commits" || file.version != 1 {
        bad_input!(
            "{}: not an ecrf-commits file of version 1 (format {:?}, version {})",
            path.display(),
            file.format,
            file.version
        );
    }
    if file.demo && !allow_demo {
        bad_input!(
            "{}: the file is marked \"demo\": true (synthetic data) and is not pushed to a study; \
             --demo pushes it, and is meant for a training server only",
            path.display()
        );
    }
    // A file pulled from a training server may have lost its mark: the demo generator's
    // commits are known by their author.
    if !allow_demo && file.commits.iter().any(|c| c.body.user == DEMO_USER) {
        bad_input!(
            "{}: the file holds commits of the demo generator (user {DEMO_USER}: synthetic data) \
             and is not pushed to a study; --demo pushes it, and is meant for a training server \
             only",
            path.display()
        );
    }
    if let Err(err) = ecrf_core::log::chain::verify(&file.commits) {
        bad_input!("{}: the log is not intact: {err}", path.display());
    }
    // The chain check made (device, sequence) name one commit: repeats are dropped.
    let unique: BTreeMap<(String, u64), Commit> = file
        .commits
        .into_iter()
        .map(|c| ((c.body.device.clone(), c.body.seq), c))
        .collect();
    let commits: Vec<Commit> = unique.into_values().collect();
    for c in &commits {
        if check_name("device", &c.body.device).is_err() {
            bad_input!(
                "{}: commit {}#{}: the device id is not 1 to 64 letters, digits, '.', '_', '-' or '@'",
                path.display(),
                c.body.device,
                c.body.seq
            );
        }
    }
    Ok(commits)
}

/// Seals every commit under `key` with its own random nonce.
pub fn seal_all(commits: &[Commit], key: &DataKey) -> anyhow::Result<Vec<SealedCommit>> {
    commits
        .iter()
        .map(|c| {
            SealedCommit::seal(c, key, random_bytes::<12>()?, Compression::Deflate).map_err(|e| {
                anyhow::anyhow!(
                    "commit {}#{} cannot be sealed: {e}",
                    c.body.device,
                    c.body.seq
                )
            })
        })
        .collect()
}

/// The upload bundles, in order: at most [`BUNDLE_COMMITS`] commits and about
/// [`BUNDLE_BYTES`] each.
pub fn bundles(study: StudyId, sealed: Vec<SealedCommit>) -> Vec<Bundle> {
    let sizes: Vec<usize> = sealed
        .iter()
        .map(|s| 100 + s.header.device.len() + s.body.len())
        .collect();
    let mut items = sealed.into_iter();
    split_batches(&sizes, BUNDLE_COMMITS, BUNDLE_BYTES)
        .into_iter()
        .map(|range| Bundle {
            study,
            commits: items.by_ref().take(range.len()).collect(),
        })
        .collect()
}

/// Runs `ecrf push`.
pub fn run(args: &PushArgs) -> anyhow::Result<()> {
    let commits = read_commits_file(&args.commits, args.demo)?;
    let (session, passphrase) = args.login.login(false)?;
    if !session.info.role.can_write() {
        let role = session.info.role.code();
        session.logout();
        bad_input!(
            "user {} is a {role} (read-only) and may not push",
            args.login.user
        );
    }
    let key = session.data_key(&passphrase)?;
    let study = session.study_id()?;
    let sealed = seal_all(&commits, &key)?;
    let (mut stored, mut duplicate) = (0usize, 0usize);
    let bundles = bundles(study, sealed);
    let count = bundles.len();
    for (i, bundle) in bundles.into_iter().enumerate() {
        let sent = bundle.commits.len();
        let result: UploadResult = session
            .client
            .post_bytes("/api/bundles", bundle.to_bytes()?)
            .with_context(|| {
                let done = stored + duplicate;
                let before = if i == 0 {
                    String::new()
                } else {
                    format!(" ({done} commits before it are on the server)")
                };
                format!("uploading bundle {} of {count}{before}", i + 1)
            })?;
        if result.acks.len() != sent {
            anyhow::bail!(
                "the server acknowledged {} of {sent} commits of a bundle",
                result.acks.len()
            );
        }
        for ack in &result.acks {
            match ack.status {
                AckStatus::Stored => stored += 1,
                AckStatus::Duplicate => duplicate += 1,
            }
        }
    }
    session.logout();
    println!(
        "{} commits: {stored} stored, {duplicate} already on the server",
        commits.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::BadInput;

    fn demo_file(name: &str, mutate: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
        let study = ecrf_core::demo::generate_with(&ecrf_core::demo::DemoOptions {
            patients: 2,
            seed: 3,
            device: "demo".into(),
            site: 1,
        });
        let mut value = serde_json::to_value(&study).unwrap();
        mutate(&mut value);
        let dir = std::env::temp_dir().join(format!("ecrf-push-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
        path
    }

    fn refusal(path: &Path, allow_demo: bool) -> String {
        let err = read_commits_file(path, allow_demo).unwrap_err();
        assert!(err.downcast_ref::<BadInput>().is_some(), "{err}");
        err.to_string()
    }

    #[test]
    fn a_demo_file_needs_demo() {
        let path = demo_file("demo.json", |_| {});
        let why = refusal(&path, false);
        assert!(
            why.contains("\"demo\": true") && why.contains("--demo"),
            "{why}"
        );
        let commits = read_commits_file(&path, true).unwrap();
        assert!(!commits.is_empty());
        // Unmarked (as a pull from a training server wrote it before), the demo generator's
        // commits are still refused without --demo.
        let unmarked = demo_file("unmarked.json", |v| v["demo"] = false.into());
        let why = refusal(&unmarked, false);
        assert!(
            why.contains("demo generator") && why.contains("--demo"),
            "{why}"
        );
        assert_eq!(read_commits_file(&unmarked, true).unwrap(), commits);
        // A study's own commits go.
        let mut log = ecrf_core::log::DeviceLog::new("tab-1");
        let real = vec![log.commit(1, "dr.li", None, Vec::new())];
        let path = unmarked.with_file_name("real.json");
        let file = serde_json::json!({"format": "ecrf-commits", "version": 1, "demo": false, "commits": real});
        std::fs::write(&path, file.to_string()).unwrap();
        assert_eq!(read_commits_file(&path, false).unwrap(), real);
    }

    #[test]
    fn a_damaged_file_is_refused() {
        let altered = demo_file("altered.json", |v| {
            v["commits"][1]["user"] = "mallory".into()
        });
        assert!(refusal(&altered, true).contains("demo#2 was altered"));
        let gap = demo_file("gap.json", |v| {
            v["commits"].as_array_mut().unwrap().remove(1);
        });
        assert!(refusal(&gap, true).contains("is missing"));
        let other = demo_file("other.json", |v| v["format"] = "something".into());
        assert!(refusal(&other, true).contains("not an ecrf-commits file"));
    }

    #[test]
    fn repeats_are_dropped_and_order_is_device_then_sequence() {
        let path = demo_file("repeats.json", |v| {
            let commits = v["commits"].as_array_mut().unwrap();
            let first = commits[0].clone();
            commits.reverse();
            commits.push(first);
        });
        let commits = read_commits_file(&path, true).unwrap();
        let seqs: Vec<u64> = commits.iter().map(|c| c.body.seq).collect();
        assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    }

    #[test]
    fn sealed_bundles_open_to_the_same_commits() {
        let commits = read_commits_file(&demo_file("seal.json", |_| {}), true).unwrap();
        let key = DataKey::new(1, [9; 32]);
        let sealed = seal_all(&commits, &key).unwrap();
        assert_ne!(sealed[0].header.nonce, sealed[1].header.nonce);
        let bundles = bundles([1; 16], sealed);
        let mut opened = Vec::new();
        for b in &bundles {
            let bytes = b.to_bytes().unwrap();
            assert!(bytes.len() <= BUNDLE_BYTES && b.commits.len() <= BUNDLE_COMMITS);
            let back = Bundle::from_bytes(&bytes, Some(&[1; 16])).unwrap();
            for s in &back.commits {
                opened.push(s.open(std::slice::from_ref(&key)).unwrap());
            }
        }
        assert_eq!(opened, commits);
    }
}
