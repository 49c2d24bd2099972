//! Exports of the study's data for readers outside the app: analysis data sets in the spirit of
//! CDISC ADaM (for R, SAS or Python), as CSV with their data dictionary.

pub mod adam;
