//! Exports of the study's data for readers outside the app: printable HTML reports of the study
//! and of each patient ([`html`]). Pure: each takes the folded log or a record and returns text;
//! the caller writes the files.

pub mod html;
