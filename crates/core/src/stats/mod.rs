//! General statistics the analyses share.

pub mod binomial;
