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

/// Every `crate::m` a line of code names (comments left out).
fn named_modules(line: &str) -> Vec<&str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .filter_map(|(i, _)| {
            let rest = &code[i + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect()
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
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
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
        let dir = std::env::temp_dir().join(format!("ecrf-tidy-layers-{}", std::process::id()));
        let src = dir.join("crates/core/src");
        std::fs::create_dir_all(src.join("record")).unwrap();
        std::fs::write(src.join("dates.rs"), "//! Dates.\n").unwrap();
        std::fs::write(
            src.join("record/mod.rs"),
            "//! Record.\nuse crate::dates::parse;\nuse crate::endpoints::X;\n#[cfg(test)]\nuse crate::export::Y;\n",
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
