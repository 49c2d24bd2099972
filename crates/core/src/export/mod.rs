//! Exports of the study's data for readers outside the app: one flat CSV table per form
//! ([`flat`]). Pure: each takes the folded log and returns text; the caller writes the files.

pub mod flat;

mod value;

#[cfg(test)]
mod tests;
