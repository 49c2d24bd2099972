//! Repository rules checked as a test (the "tidy" stage of `cargo xtask test`, in the manner of
//! rust-analyzer's `xtask/src/tidy.rs`): pins agree, every module says what it is for, views hold
//! no Chinese text (every UI string is in `src/i18n/`), the core does no I/O, no source file
//! grows past 500 lines (the files that already had are listed, each with its ceiling),
//! "tumor" has one spelling, the criteria's own (RECIST 1.1, mRECIST), and no import inside the
//! core runs upward ([`layers`]).

mod layers;

use std::path::{Path, PathBuf};

use crate::{root, setup};

/// Repository rules checked as a test: pins agree, no stray files.
pub fn tidy() -> anyhow::Result<(bool, String)> {
    let mut problems = Vec::new();
    let wbg = setup::wasm_bindgen_version()?;
    let app = std::fs::read_to_string(root().join("Cargo.toml"))?;
    if app.contains("strip = true") {
        problems.push("Cargo.toml: `strip = true` must not be combined with wasm-opt".to_owned());
    }
    let trunk = std::fs::read_to_string(root().join("Trunk.toml"))?;
    if !trunk.contains(&format!("wasm_bindgen = \"{wbg}\"")) {
        problems.push(format!("Trunk.toml: wasm_bindgen must be pinned to {wbg}"));
    }
    problems.extend(modules_without_purpose(&root())?);
    problems.extend(views_with_chinese_text(&root())?);
    problems.extend(core_io(&root())?);
    problems.extend(long_files(&root(), LONG_FILES)?);
    problems.extend(other_spellings_of_tumor(&root())?);
    problems.extend(layers::upward_imports(&root(), layers::CORE_LAYERS)?);
    let ok = problems.is_empty();
    Ok((
        ok,
        if ok {
            "tidy: ok".into()
        } else {
            problems.join("\n")
        },
    ))
}

/// Every Rust source file under `crates/`, `src/`, `tests/` and `xtask/` of `root` whose first
/// line is not a `//!` line saying what the module is for (ARCHITECTURE.md's invariant).
/// Every Rust file under `tops` (folders of `root`), sorted.
fn rust_files(root: &Path, tops: &[&str]) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !matches!(name, "target" | "node_modules" | "dist") && !name.starts_with('.') {
                    walk(&path, out)?;
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for top in tops {
        let dir = root.join(top);
        if dir.is_dir() {
            walk(&dir, &mut files)?;
        }
    }
    files.sort();
    Ok(files)
}

/// Files whose first line is not a `//!` line.
fn modules_without_purpose(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for f in rust_files(root, &["crates", "src", "tests", "xtask"])? {
        let text = std::fs::read_to_string(&f)?;
        if !text.starts_with("//!") {
            let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
            problems.push(format!(
                "{shown}: the module does not open with a `//!` line saying what it is for"
            ));
        }
    }
    Ok(problems)
}

/// Builds the release app, the server and the CLI, then runs the Playwright suite (which starts and stops
/// the server itself on a free loopback port).
/// Chinese characters (CJK ideographs and punctuation, full-width forms) in code (comments
/// aside) under `src/pages` and `src/components`: a view shows text through `src/i18n`, never a
/// literal of its own.
fn views_with_chinese_text(root: &Path) -> anyhow::Result<Vec<String>> {
    let chinese = |c: char| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
    let mut problems = Vec::new();
    for f in rust_files(root, &["src/pages", "src/components"])? {
        let text = std::fs::read_to_string(&f)?;
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.chars().any(chinese) {
                let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
                problems.push(format!(
                    "{shown}:{}: Chinese text in a view (put it in src/i18n)",
                    n + 1
                ));
            }
        }
    }
    Ok(problems)
}

/// What the core may depend on: pure crates (serialisation, hashing and ciphers with keys and
/// nonces passed in, statistics, dates without the clock, compression, text formats). A new
/// dependency of the core is added here on purpose, after checking it does no I/O.
const CORE_DEPENDENCIES: [&str; 15] = [
    "serde",
    "serde_json",
    "sha2",
    "thiserror",
    "statrs",
    "time",
    "aes-gcm",
    "pbkdf2",
    "hkdf",
    "miniz_oxide",
    "postcard",
    "hex",
    "csv",
    "quick-xml",
    "html-escape",
];

/// What the core's code (tests aside) may not name: files, network, processes, environment,
/// the clock and randomness come in as arguments.
const CORE_FORBIDDEN: [&str; 10] = [
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "SystemTime",
    "Instant::now",
    "now_utc",
    "now_local",
    "getrandom",
    "rand::",
];

/// The core's dependencies outside [`CORE_DEPENDENCIES`] and its code naming a
/// [`CORE_FORBIDDEN`] item (test modules, `tests.rs` and `tests/`, may use temporary files).
fn core_io(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let manifest = std::fs::read_to_string(root.join("crates/core/Cargo.toml"))?;
    let mut section = "";
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[dependencies]" && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['.', '=', ' ']).next().unwrap_or("");
            if !CORE_DEPENDENCIES.contains(&name) {
                problems.push(format!(
                    "crates/core/Cargo.toml: the core depends on {name}, which is not on the list of pure crates (xtask/src/tidy.rs)"
                ));
            }
        }
    }
    for f in rust_files(root, &["crates/core/src"])? {
        let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        if shown.ends_with("/tests.rs") || shown.contains("/tests/") {
            continue;
        }
        let text = std::fs::read_to_string(&f)?;
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(bad) = CORE_FORBIDDEN.iter().find(|b| code.contains(*b)) {
                problems.push(format!(
                    "{shown}:{}: the core names {bad}: pass it in instead",
                    n + 1
                ));
            }
        }
    }
    Ok(problems)
}

/// The longest a Rust source file may be, lines (split a longer one by concept).
const MAX_LINES: usize = 500;

/// Files longer than [`MAX_LINES`] when the rule came in, each with the length it may not pass:
/// debts to split, never to grow (ARCHITECTURE.md lists them).
const LONG_FILES: &[(&str, usize)] = &[];

/// Rust files under `crates/`, `src/`, `tests/` and `xtask/` of `root` longer than
/// [`MAX_LINES`] (or than their ceiling in `listed`), and listed files that are no longer long
/// (the list must shrink with them).
fn long_files(root: &Path, listed: &[(&str, usize)]) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for f in rust_files(root, &["crates", "src", "tests", "xtask"])? {
        let lines = std::fs::read_to_string(&f)?.lines().count();
        let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        let ceiling = listed
            .iter()
            .find(|(p, _)| *p == shown)
            .map_or(MAX_LINES, |&(_, n)| n);
        if lines > ceiling {
            problems.push(format!(
                "{shown}: {lines} lines, over {ceiling}: split it by concept"
            ));
        }
    }
    for (path, _) in listed {
        let lines = std::fs::read_to_string(root.join(path)).map_or(0, |t| t.lines().count());
        if lines <= MAX_LINES {
            problems.push(format!(
                "{path}: {lines} lines: remove it from tidy's list of long files"
            ));
        }
    }
    Ok(problems)
}

/// Lines of the sources (`.rs`, `.mjs`, `.py`) and docs (`.md`) under `crates/`, `src/`,
/// `tests/`, `xtask/` and `docs/` of `root`, and of its `README.md` and `ARCHITECTURE.md`, that
/// spell "tumor" the British way (RECIST 1.1 and mRECIST write "tumor").
fn other_spellings_of_tumor(root: &Path) -> anyhow::Result<Vec<String>> {
    // Spelled in two pieces, so that this file does not name itself.
    let other = format!("{}{}", "tumo", "ur");
    let mut files = Vec::new();
    for top in ["crates", "src", "tests", "xtask", "docs"] {
        let dir = root.join(top);
        if dir.is_dir() {
            walk_text_files(&dir, &mut files)?;
        }
    }
    files.extend(["README.md", "ARCHITECTURE.md"].map(|f| root.join(f)));
    files.sort();
    let mut problems = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.to_lowercase().contains(&other) {
                let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
                problems.push(format!(
                    "{shown}:{}: write \"tumor\" (RECIST's spelling)",
                    n + 1
                ));
            }
        }
    }
    Ok(problems)
}

/// Every `.rs`, `.mjs`, `.py` and `.md` file under `dir` (not in build or package folders).
fn walk_text_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | "node_modules" | "dist") && !name.starts_with('.') {
                walk_text_files(&path, out)?;
            }
        } else if [".rs", ".mjs", ".py", ".md"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{
        core_io, long_files, modules_without_purpose, other_spellings_of_tumor,
        views_with_chinese_text,
    };

    #[test]
    fn tumor_has_one_spelling() {
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-tumor-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        let other = format!("{}{}", "Tumo", "urs");
        std::fs::write(
            dir.join("docs/a.md"),
            format!("# Tumor response\n{other} measured\n"),
        )
        .unwrap();
        let found = other_spellings_of_tumor(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("docs/a.md:2:"), "{found:?}");
        assert_eq!(
            other_spellings_of_tumor(&crate::root()).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_file_over_500_lines_is_named_unless_listed_below_its_ceiling() {
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-long-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let lines = |n: usize| "//! A module.\n".to_owned() + &"fn f() {}\n".repeat(n - 1);
        std::fs::write(dir.join("src/short.rs"), lines(500)).unwrap();
        std::fs::write(dir.join("src/long.rs"), lines(501)).unwrap();
        std::fs::write(dir.join("src/listed.rs"), lines(600)).unwrap();
        std::fs::write(dir.join("src/grown.rs"), lines(611)).unwrap();
        std::fs::write(dir.join("src/split.rs"), lines(20)).unwrap();
        let listed = [
            ("src/listed.rs", 600),
            ("src/grown.rs", 610),
            ("src/split.rs", 700),
        ];
        let found = long_files(&dir, &listed).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("src/grown.rs: 611 lines, over 610"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("src/long.rs: 501 lines, over 500"),
            "{found:?}"
        );
        assert!(
            found[2].starts_with("src/split.rs: 20 lines: remove it"),
            "{found:?}"
        );
        // And the repository itself keeps the rule.
        assert_eq!(
            long_files(&crate::root(), super::LONG_FILES).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_core_does_no_io() {
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-core-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("crates/core/src/a")).unwrap();
        std::fs::write(
            dir.join("crates/core/Cargo.toml"),
            "[package]\nname = \"x\"\n\n[dependencies]\nserde.workspace = true\nureq = \"3\"\n\n[dev-dependencies]\nproptest = \"1\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("crates/core/src/a/b.rs"),
            "//! B.\n// std::fs in a comment is fine\nfn f() { let _ = std::fs::read(\"x\"); }\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("crates/core/src/a/tests.rs"),
            "//! Tests.\nfn t() { let _ = std::env::temp_dir(); }\n",
        )
        .unwrap();
        let found = core_io(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("depends on ureq"), "{found:?}");
        assert!(found[1].starts_with("crates/core/src/a/b.rs:3: the core names std::fs"));
        assert_eq!(core_io(&crate::root()).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_module_without_its_purpose_line_is_named() {
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src/a")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "//! The library.\n").unwrap();
        std::fs::write(dir.join("src/a/b.rs"), "use std::fmt;\n").unwrap();
        let found = modules_without_purpose(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("src/a/b.rs"), "{found:?}");
        // And the repository itself keeps the rule.
        assert_eq!(
            modules_without_purpose(&crate::root()).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn chinese_text_in_a_view_is_named_with_its_line() {
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-zh-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src/pages")).unwrap();
        std::fs::write(
            dir.join("src/pages/p.rs"),
            "//! A page.\n// 注释 may say anything\nfn f() -> &'static str { \"已保存\" }\n",
        )
        .unwrap();
        let found = views_with_chinese_text(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            found,
            ["src/pages/p.rs:3: Chinese text in a view (put it in src/i18n)"]
        );
        assert_eq!(
            views_with_chinese_text(&crate::root()).unwrap(),
            Vec::<String>::new()
        );
    }
}
