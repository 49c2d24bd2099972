//! One module per subcommand.

pub mod analyze;
pub mod ctcae_lab;
pub mod demo;
pub mod derive;
pub mod device;
pub mod endpoints;
pub mod export;
pub mod passphrase;
pub mod pull;
pub mod push;
pub mod response;
pub mod safety;
pub mod study;
pub mod subject_id;
pub mod survival;
pub mod user;
