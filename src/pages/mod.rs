//! The app's pages.

pub mod register;
