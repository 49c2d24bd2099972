//! The exports against the state they export: the ODM document parses back, replays to every
//! current value and carries every write's audit record; every cell of the flat tables is the
//! state's value. On the demo study and on a small hand-made log with edits, clears, a conflict,
//! a deleted form and awkward text.

mod fixtures;
mod flat;
mod odm;
mod xml;

use std::collections::BTreeSet;

use super::flat::{form_tables, header};
use super::odm::odm;
use super::value::MULTI_SEPARATOR;
use crate::i18n::Lang;
use crate::study::study;
use fixtures::{both, options};

#[test]
fn study_ids_make_readable_oids_and_unique_columns() {
    let s = study();
    let id = |x: &str| {
        !x.is_empty()
            && x.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    for form in &s.forms {
        assert!(id(form.id), "{}", form.id);
        assert!(form.fields.iter().all(|f| id(f.id)), "{}", form.id);
        let columns = header(form);
        let unique: BTreeSet<_> = columns.iter().collect();
        assert_eq!(unique.len(), columns.len(), "{}: a column twice", form.id);
    }
    for list in &s.code_lists {
        assert!(id(list.id) && list.id != "yes_no", "{}", list.id);
        assert!(list
            .codes
            .iter()
            .all(|c| !c.code.is_empty() && !c.code.contains(MULTI_SEPARATOR)));
    }
}

/// Writes the ODM document and the flat tables of the demo study plus the hand-made log to
/// `$ECRF_EXPORT_DIR` (default: the temporary directory's `ecrf-export`), the labels in
/// `$ECRF_EXPORT_LANG` (a BCP 47 tag; default Chinese), for
/// `tests/python/check_odm.py DIR/odm.xml DIR/csv`.
#[test]
#[ignore = "writes files: run by hand for tests/python/check_odm.py"]
fn write_exports_for_the_python_check() {
    let dir = std::env::var_os("ECRF_EXPORT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ecrf-export"));
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    let state = both();
    std::fs::write(dir.join("odm.xml"), odm(&state, &options())).unwrap();
    let lang = std::env::var("ECRF_EXPORT_LANG").map_or(Lang::ZhCn, |t| Lang::from_tag(&t));
    for t in form_tables(&state, lang) {
        std::fs::write(csv_dir.join(format!("{}.csv", t.form)), t.csv).unwrap();
    }
    println!("{}", dir.display());
}
