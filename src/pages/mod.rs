//! The app's pages.

pub mod analysis;
pub mod register;
