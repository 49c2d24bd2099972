//! CTCAE v5.0: grading adverse events from laboratory values.

pub mod catalogue;
pub mod lab;
pub mod proposals;
mod synonyms;
mod zh;
