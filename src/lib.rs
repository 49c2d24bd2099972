//! The eCRF browser app: Leptos, client-side rendered, offline first. Views are thin; the study's
//! rules live in `ecrf-core`.

pub mod app;
pub mod components;
pub mod device;
pub mod i18n;
pub mod pages;
pub mod pwa;
pub mod state;
pub mod storage;

pub use app::App;
