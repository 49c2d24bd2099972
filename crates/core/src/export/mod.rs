//! Exports of the study's data for readers outside the app: the whole study with its audit trail
//! as CDISC ODM 1.3.2 XML ([`odm`]), one flat CSV table per form ([`flat`]), and analysis data
//! sets in the spirit of CDISC ADaM with their data dictionary ([`adam`]). Pure: each takes the
//! folded log and returns text; the caller writes the files.

pub mod adam;
pub mod flat;
pub mod odm;

mod value;

#[cfg(test)]
mod tests;
