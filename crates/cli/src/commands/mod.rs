//! One module per subcommand.

pub mod ctcae_lab;
pub mod demo;
pub mod derive;
pub mod endpoints;
pub mod response;
pub mod safety;
pub mod subject_id;
pub mod survival;
