//! Exports of the study's data for readers outside the app: the whole study with its audit trail
//! as CDISC ODM 1.3.2 XML ([`odm`]), one flat CSV table per form ([`flat`]), and analysis data
//! sets in the spirit of CDISC ADaM with their data dictionary ([`adam`]), and printable HTML reports of the study and of each
//! patient ([`html`]). Pure: each takes the folded log (or a
//! record) and returns text; the caller writes the files.

pub mod adam;
pub mod flat;
pub mod html;
pub mod odm;

mod value;

#[cfg(test)]
mod tests;
