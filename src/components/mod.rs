//! Reusable pieces of the UI.

pub mod admin_card;
pub mod bundle_card;
pub mod derived_panel;
pub mod export_card;
pub mod forest;
pub mod header;
pub mod inputs;
pub mod km_plot;
pub mod lock_screen;
pub mod response_plots;
pub mod response_section;
pub mod storage_status;
pub mod sync_panel;
pub mod update_banner;
pub mod vault_card;
