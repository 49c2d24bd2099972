//! The app's pages.

pub mod analysis;
pub mod conflicts;
pub mod demo;
pub mod form;
pub mod patient;
pub mod patients;
pub mod safety;
