//! Reusable pieces of the UI.

pub mod header;
pub mod storage_status;
pub mod update_banner;
