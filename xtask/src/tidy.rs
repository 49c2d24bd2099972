//! Repository rules checked as a test (the "tidy" stage of `cargo xtask test`, in the manner of
//! rust-analyzer's `xtask/src/tidy.rs`): pins agree, every module says what it is for, views hold
//! no Chinese text (every UI string is in `src/i18n/`).

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

#[cfg(test)]
mod tests {
    use super::{modules_without_purpose, views_with_chinese_text};

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
