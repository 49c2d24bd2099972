//! The exports against the state they export: the ODM document parses back, replays to every
//! current value and carries every write's audit record; every cell of the flat tables is the
//! state's value. On the demo study and on a small hand-made log with edits, clears, a conflict,
//! a deleted form and awkward text.

mod fixtures;
mod flat;

use std::collections::BTreeSet;

use super::flat::header;
use super::value::MULTI_SEPARATOR;
use crate::study::study;

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
