//! `ecrf pull --server URL --user NAME --passphrase-file FILE --out DIR`: downloads every commit
//! of the study, opens and checks them, and writes `DIR/commits.json` for `ecrf endpoints`,
//! `ecrf safety` and the other analyses.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ecrf_core::log::Commit;
use ecrf_core::sync::api::{UserInfo, CURSOR_HEADER, MAX_PAGE, MORE_HEADER};
use ecrf_core::sync::{Bundle, DataKey, StudyId};

use crate::sync::{LoginArgs, Session};

/// `ecrf pull`'s options.
#[derive(Debug, clap::Args)]
pub struct PullArgs {
    #[command(flatten)]
    login: LoginArgs,
    /// The folder to write `commits.json` into (made when missing).
    #[arg(long)]
    out: PathBuf,
}

/// The file `ecrf pull` writes.
#[derive(Debug, serde::Serialize)]
struct CommitsFile<'a> {
    format: &'static str,
    version: u32,
    demo: bool,
    commits: &'a [Commit],
}

/// Fetches every page from cursor 0 and opens each commit; the commits in the server's order,
/// each once.
fn fetch_all(session: &Session, key: &DataKey, study: &StudyId) -> anyhow::Result<Vec<Commit>> {
    let mut commits = Vec::new();
    let mut seen = HashSet::new();
    let mut after = 0u64;
    loop {
        let path = format!("/api/commits?after={after}&limit={MAX_PAGE}");
        let page = session.client.get_bytes(&path)?;
        let cursor: u64 = page
            .header(CURSOR_HEADER)
            .and_then(|v| v.trim().parse().ok())
            .with_context(|| format!("the answer to {path} has no {CURSOR_HEADER} header"))?;
        let more = match page.header(MORE_HEADER).map(str::trim) {
            Some("true") => true,
            Some("false") => false,
            _ => anyhow::bail!("the answer to {path} has no {MORE_HEADER} header of true or false"),
        };
        let bundle = Bundle::from_bytes(&page.bytes, Some(study))
            .with_context(|| format!("the server's page after cursor {after}"))?;
        for sealed in &bundle.commits {
            let h = &sealed.header;
            let commit = sealed
                .open(std::slice::from_ref(key))
                .map_err(|e| anyhow::anyhow!("commit {}#{} does not open: {e}", h.device, h.seq))?;
            if seen.insert(commit.id.clone()) {
                commits.push(commit);
            }
        }
        if !more {
            return Ok(commits);
        }
        if cursor <= after || bundle.commits.is_empty() {
            anyhow::bail!("the server says more commits follow cursor {after} but sent none");
        }
        after = cursor;
    }
}

/// The authors of `commits` that are not users of the study, with their commit counts.
fn unknown_authors(commits: &[Commit], users: &[UserInfo]) -> BTreeMap<String, usize> {
    let known: BTreeSet<&str> = users.iter().map(|u| u.user.as_str()).collect();
    let mut unknown = BTreeMap::new();
    for c in commits
        .iter()
        .filter(|c| !known.contains(c.body.user.as_str()))
    {
        *unknown.entry(c.body.user.clone()).or_insert(0) += 1;
    }
    unknown
}

/// Writes `dir/commits.json` through a temporary file in `dir`, renamed into place.
fn write_commits(dir: &Path, commits: &[Commit]) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("commits.json");
    let tmp = dir.join(format!(".commits.json.{}.partial", std::process::id()));
    let file = CommitsFile {
        format: "ecrf-commits",
        version: 1,
        demo: false,
        commits,
    };
    let write = || -> anyhow::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer(&mut out, &file)?;
        out.write_all(b"\n")?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    };
    write().map_err(|err| {
        let _ = std::fs::remove_file(&tmp);
        err.context(format!("writing {}", path.display()))
    })?;
    Ok(path)
}

/// Runs `ecrf pull`.
pub fn run(args: &PullArgs) -> anyhow::Result<()> {
    let (session, passphrase) = args.login.login(false)?;
    let key = session.data_key(&passphrase)?;
    let study = session.study_id()?;
    let commits = fetch_all(&session, &key, &study)?;
    ecrf_core::log::chain::verify(&commits)
        .map_err(|e| anyhow::anyhow!("the server's log is not intact: {e}"))?;
    let users: Vec<UserInfo> = session.client.get_json("/api/users")?;
    session.logout();
    let unknown = unknown_authors(&commits, &users);
    if !unknown.is_empty() {
        let count: usize = unknown.values().sum();
        let names: Vec<&str> = unknown.keys().map(String::as_str).collect();
        eprintln!(
            "ecrf: warning: {count} commit{} by {} author{} unknown to the study: {}",
            if count == 1 { "" } else { "s" },
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
    }
    let path = write_commits(&args.out, &commits)?;
    println!("{} commits written to {}", commits.len(), path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecrf_core::sync::api::Role;

    #[test]
    fn authors_unknown_to_the_study_are_counted() {
        let study = ecrf_core::demo::generate_with(&ecrf_core::demo::DemoOptions {
            patients: 1,
            seed: 1,
            device: "demo".into(),
            site: 1,
        });
        let user = |name: &str| UserInfo {
            user: name.into(),
            role: Role::Investigator,
            revoked: true,
            must_change_passphrase: false,
            created_at: "2026-01-01T00:00:00Z".into(),
        };
        let unknown = unknown_authors(&study.commits, &[user("dm")]);
        assert_eq!(unknown.get("demo"), Some(&study.commits.len()));
        // A revoked user is still a known author: the earlier commits stay valid.
        assert!(unknown_authors(&study.commits, &[user("demo")]).is_empty());
    }

    #[test]
    fn the_file_is_written_whole_and_readable() {
        let study = ecrf_core::demo::generate_with(&ecrf_core::demo::DemoOptions {
            patients: 1,
            seed: 1,
            device: "demo".into(),
            site: 1,
        });
        let dir = std::env::temp_dir().join(format!("ecrf-pull-{}/nested", std::process::id()));
        let path = write_commits(&dir, &study.commits).unwrap();
        let back: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(back["format"], "ecrf-commits");
        assert_eq!(back["demo"], false);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("commits.json")]);
        let state = crate::input::read_commits(&path).unwrap();
        assert_eq!(state.commit_count(), study.commits.len());
    }
}
