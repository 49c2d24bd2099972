//! The eCRF browser app: Leptos, client-side rendered, offline first. Views are thin; the study's
//! rules live in `ecrf-core`.

pub mod app;
pub mod chain_repair;
pub mod components;
pub mod crypto;
pub mod device;
pub mod format;
pub mod i18n;
pub mod idle;
pub mod local;
pub mod pages;
pub mod pwa;
pub mod save;
pub mod snapshot;
pub mod state;
pub mod storage;
pub mod sync;
pub mod url;
pub mod vault;
pub mod writer;

pub use app::App;
