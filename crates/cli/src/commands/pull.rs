//! `ecrf pull --server URL --user NAME --passphrase-file FILE --out DIR`: downloads every commit
//! of the study, opens and checks them, and writes `DIR/commits.json` for `ecrf endpoints`,
//! `ecrf safety` and the other analyses.

use std::collections::{BTreeMap, HashSet};
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

/// What the server holds: the commits that open, in its order, each once; and those that do
/// not open (`device#seq` and why), set aside.
struct Fetched {
    commits: Vec<Commit>,
    set_aside: Vec<(String, String)>,
}

/// Fetches every page from cursor 0 and opens each commit. A commit that does not open is set
/// aside, not a reason to give the study up: anyone holding a writing token, without the study
/// key, can upload bytes that the server (which reads only headers) takes for a commit, as the
/// app also sets such commits aside.
fn fetch_all(session: &Session, key: &DataKey, study: &StudyId) -> anyhow::Result<Fetched> {
    let mut commits = Vec::new();
    let mut set_aside = Vec::new();
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
            match sealed.open(std::slice::from_ref(key)) {
                Ok(commit) => {
                    if seen.insert(commit.id.clone()) {
                        commits.push(commit);
                    }
                }
                Err(e) => set_aside.push((format!("{}#{}", h.device, h.seq), e.to_string())),
            }
        }
        if !more {
            return Ok(Fetched { commits, set_aside });
        }
        if cursor <= after || bundle.commits.is_empty() {
            anyhow::bail!("the server says more commits follow cursor {after} but sent none");
        }
        after = cursor;
    }
}

/// The authors of `commits` that are not users of the study, with their commit counts.
fn unknown_authors(commits: &[Commit], users: &[UserInfo]) -> BTreeMap<String, usize> {
    ecrf_core::sync::authors::unknown_authors(
        commits.iter().map(|c| (c.body.user.as_str(), 1)),
        users.iter().map(|u| u.user.as_str()),
    )
}

/// Writes `dir/commits.json` through a temporary file in `dir`, renamed into place. The study
/// in the clear is readable by its owner only: a missing `dir` is made with mode 0700 and the
/// file with 0600, whatever the umask; the temporary name is unpredictable and opened only if
/// new (no one can plant a link there), and it is removed on any error.
fn write_commits(dir: &Path, commits: &[Commit]) -> anyhow::Result<PathBuf> {
    private_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("commits.json");
    let suffix = hex::encode(crate::sync::random_bytes::<8>()?);
    let tmp = dir.join(format!(
        ".commits.json.{}.{suffix}.partial",
        std::process::id()
    ));
    let file = CommitsFile {
        format: "ecrf-commits",
        version: 1,
        // The demo generator's commits keep their mark (a training server's data).
        demo: commits
            .iter()
            .any(|c| c.body.user == ecrf_core::demo::DEMO_USER),
        commits,
    };
    let mut created = false;
    let mut write = || -> anyhow::Result<()> {
        let new = private_file(&tmp)?;
        created = true;
        let mut out = std::io::BufWriter::new(new);
        serde_json::to_writer(&mut out, &file)?;
        out.write_all(b"\n")?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    };
    write().map_err(|err| {
        if created {
            let _ = std::fs::remove_file(&tmp);
        }
        err.context(format!("writing {}", path.display()))
    })?;
    Ok(path)
}

/// Makes `dir` and its missing parents, mode 0700 on Unix.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates `path`, which must not exist yet, for writing, mode 0600 on Unix.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Runs `ecrf pull`.
pub fn run(args: &PullArgs) -> anyhow::Result<()> {
    let (session, passphrase) = args.login.login(false)?;
    let key = session.data_key(&passphrase)?;
    let study = session.study_id()?;
    let Fetched { commits, set_aside } = fetch_all(&session, &key, &study)?;
    if commits.is_empty() && !set_aside.is_empty() {
        anyhow::bail!(
            "none of the server's {} commits opens with the study key: nothing written",
            set_aside.len()
        );
    }
    if !set_aside.is_empty() {
        let listed: Vec<String> = set_aside
            .iter()
            .map(|(at, why)| format!("{at} ({why})"))
            .collect();
        eprintln!(
            "ecrf: warning: {} commit{} of the server do{} not open with the study key and {} left out: {}",
            set_aside.len(),
            if set_aside.len() == 1 { "" } else { "s" },
            if set_aside.len() == 1 { "es" } else { "" },
            if set_aside.len() == 1 { "is" } else { "are" },
            listed.join(", ")
        );
    }
    // A commit left out that a commit which opens follows on its device is a hole in the
    // study's record, not bytes at a chain's end: refused, as any broken chain.
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
        // The demo generator's commits keep their mark.
        assert_eq!(back["demo"], true);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("commits.json")]);
        let state = crate::input::read_commits(&path).unwrap();
        assert_eq!(state.commit_count(), study.commits.len());
    }

    /// The study in the clear is its owner's only, whatever the umask: the file 0600, a folder
    /// made for it 0700; and a failed write leaves nothing behind.
    #[cfg(unix)]
    #[test]
    fn the_file_and_a_new_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let study = ecrf_core::demo::generate_with(&ecrf_core::demo::DemoOptions {
            patients: 1,
            seed: 1,
            device: "demo".into(),
            site: 1,
        });
        let base = std::env::temp_dir().join(format!("ecrf-pull-mode-{}", std::process::id()));
        let dir = base.join("new");
        let path = write_commits(&dir, &study.commits).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        // Written again over the old file: still 0600.
        let path = write_commits(&dir, &study.commits).unwrap();
        assert_eq!(mode(&path), 0o600);
        // A folder where the file should go: the rename fails, and no temporary file stays.
        let blocked = base.join("blocked");
        std::fs::create_dir_all(blocked.join("commits.json")).unwrap();
        assert!(write_commits(&blocked, &study.commits).is_err());
        let names: Vec<_> = std::fs::read_dir(&blocked)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("commits.json")]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
