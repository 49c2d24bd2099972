//! The core's layers: each top-level module of `crates/core/src` may name (`crate::m`) only
//! modules of a lower layer, so no import inside the core runs upward and there is no cycle
//! (the typed patient layer, `record`, is read by the endpoints, never the other way round).

use std::path::Path;

/// The core's modules, bottom layer first. A module not listed is a problem: a new module takes
/// its place here by what it reads.
pub(super) const CORE_LAYERS: &[&[&str]] = &[
    // Texts in both languages.
    &["i18n"],
    // Foundations: no clinical knowledge.
    &["dates", "log", "stats", "subject", "survival"],
    // Findings, the response criteria, the visit schedule, the sync formats, the demo writer.
    &["finding", "response", "schedule", "sync", "demo"],
    // The study definition and the register.
    &["study", "register"],
    // The rules that read the definition: CTCAE grading, the derived scores.
    &["ctcae", "derived"],
    // The typed patient layer.
    &["record"],
    // Endpoints read the record.
    &["endpoints"],
    // What is built on the endpoints.
    &["analysis", "safety", "summary"],
    // Readers outside the app.
    &["export"],
];

/// Where `module` sits in [`CORE_LAYERS`].
fn layer(layers: &[&[&str]], module: &str) -> Option<usize> {
    layers.iter().position(|l| l.contains(&module))
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Every `crate::m` a line of code names (comments left out), and each `m` of a grouped
/// `crate::{m, n::x}` on that line.
fn named_modules(line: &str) -> Vec<&str> {
    let code = line.split(" //").next().unwrap_or("");
    let code = if code.trim_start().starts_with("//") {
        ""
    } else {
        code
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            out.extend(
                inner
                    .split(',')
                    .map(|item| ident(item.trim()))
                    .filter(|m| !m.is_empty() && *m != "self"),
            );
        } else if !ident(rest).is_empty() {
            out.push(ident(rest));
        }
    }
    out
}

/// The code of a file before its unit tests (`#[cfg(test)]` on a `mod tests`); other
/// `#[cfg(test)]` items are checked like the rest.
fn before_unit_tests(text: &str) -> &str {
    let mut at = 0;
    while let Some(i) = text[at..].find("#[cfg(test)]") {
        let start = at + i;
        let after = text[start + "#[cfg(test)]".len()..].trim_start();
        if after.starts_with("mod tests") {
            return &text[..start];
        }
        at = start + "#[cfg(test)]".len();
    }
    text
}

/// The lines of the core (outside its tests) that name a module of the same or a higher layer,
/// and the core's modules missing from `layers`.
pub(super) fn upward_imports(root: &Path, layers: &[&[&str]]) -> anyhow::Result<Vec<String>> {
    let src = root.join("crates/core/src");
    let mut problems = Vec::new();
    for f in super::rust_files(root, &["crates/core/src"])? {
        let inside = f.strip_prefix(&src).unwrap_or(&f);
        let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        if shown.ends_with("/tests.rs") || shown.contains("/tests/") {
            continue;
        }
        let first = inside
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let module = first.strip_suffix(".rs").unwrap_or(first);
        if module == "lib" {
            continue;
        }
        let Some(own) = layer(layers, module) else {
            problems.push(format!(
                "{shown}: the core's module `{module}` has no layer (xtask/src/tidy/layers.rs)"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&f)?;
        // Unit tests at the end of a file may read anything.
        for (n, line) in before_unit_tests(&text).lines().enumerate() {
            for named in named_modules(line) {
                if named == module {
                    continue;
                }
                match layer(layers, named) {
                    Some(l) if l < own => {}
                    _ => problems.push(format!(
                        "{shown}:{}: `{module}` names crate::{named}, which is not below it (xtask/src/tidy/layers.rs)",
                        n + 1
                    )),
                }
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::{named_modules, upward_imports, CORE_LAYERS};

    #[test]
    fn a_module_names_only_lower_layers() {
        assert_eq!(
            named_modules("use crate::record::Record; // crate::export"),
            ["record"]
        );
        assert_eq!(
            named_modules("use crate::{dates, log::State, self};"),
            ["dates", "log"]
        );
        assert!(named_modules("    //! See crate::export.").is_empty());
        assert_eq!(
            super::before_unit_tests("a\n#[cfg(test)]\nuse x;\nb\n#[cfg(test)]\nmod tests;\nc"),
            "a\n#[cfg(test)]\nuse x;\nb\n"
        );
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-layers-{}", std::process::id()));
        let src = dir.join("crates/core/src");
        std::fs::create_dir_all(src.join("record")).unwrap();
        std::fs::write(src.join("dates.rs"), "//! Dates.\n").unwrap();
        std::fs::write(
            src.join("record/mod.rs"),
            "//! Record.\nuse crate::dates::parse;\nuse crate::endpoints::X;\n#[cfg(test)]\nmod tests {\n    use crate::export::Y;\n}\n",
        )
        .unwrap();
        std::fs::write(src.join("extra.rs"), "//! Extra.\n").unwrap();
        let layers: &[&[&str]] = &[&["dates"], &["record"], &["endpoints"]];
        let found = upward_imports(&dir, layers).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("`extra` has no layer"), "{found:?}");
        assert!(
            found[1].starts_with("crates/core/src/record/mod.rs:3:"),
            "{found:?}"
        );
        assert_eq!(
            upward_imports(&crate::root(), CORE_LAYERS).unwrap(),
            Vec::<String>::new()
        );
    }
}
