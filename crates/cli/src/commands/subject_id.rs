//! `ecrf subject-id`: checks subject IDs and prints them canonically.

use crate::input::bad_input;

/// Prints every valid ID; fails (exit 2) naming the first invalid one after printing the rest.
pub fn run(ids: &[String]) -> anyhow::Result<()> {
    let mut first_bad = None;
    for id in ids {
        match id.parse::<ecrf_core::subject::SubjectId>() {
            Ok(id) => println!("{id}"),
            Err(err) => {
                first_bad.get_or_insert(format!("{id:?}: {err}"));
            }
        }
    }
    if let Some(reason) = first_bad {
        bad_input!("{reason}");
    }
    Ok(())
}
