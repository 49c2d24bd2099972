//! One save for every screen that saves (`use_save`, in the shape of leptos-use's hooks: the
//! action and its reactive state). It checks that someone is named as the user entering data
//! and that the study's database is open, makes the commit through [`crate::local::save`] (written to IndexedDB
//! before it is applied), then bumps the revision every view re-reads and refreshes the storage
//! figures. A failure changes nothing and is handed back, so the screen keeps what was typed.

use ecrf_core::log::{Commit, Op};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::local::{self, SaveError};
use crate::state::{db, refresh_storage, use_app_state};

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveFailure {
    /// Nobody is named as the user entering data.
    NeedUser,
    /// The local save refused (busy, not loaded, the database failed).
    Save(SaveError),
}

/// The save hook: [`UseSave::run`] and whether a save is being written.
#[derive(Debug, Clone, Copy)]
pub struct UseSave {
    /// A save is being written.
    pub pending: Signal<bool>,
    writing: RwSignal<bool>,
    state: crate::state::AppState,
}

/// The save hook of the current screen.
pub fn use_save() -> UseSave {
    let writing = RwSignal::new(false);
    UseSave {
        pending: writing.into(),
        writing,
        state: use_app_state(),
    }
}

impl UseSave {
    /// Saves `ops` as one commit by the current user with `reason`, then calls `then` with the
    /// commit or why it was not saved (`Busy` while a save of this hook is being written).
    pub fn run(
        &self,
        reason: Option<String>,
        ops: Vec<Op>,
        then: impl FnOnce(Result<Commit, SaveFailure>) + 'static,
    ) {
        if self.writing.get_untracked() {
            then(Err(SaveFailure::Save(SaveError::Busy)));
            return;
        }
        let user = self.state.user.get_untracked();
        if user.trim().is_empty() {
            then(Err(SaveFailure::NeedUser));
            return;
        }
        let Some(db) = db() else {
            then(Err(SaveFailure::Save(SaveError::NotReady)));
            return;
        };
        let (writing, state) = (self.writing, self.state);
        writing.set(true);
        spawn_local(async move {
            let result = local::save(&db, &user, reason, ops).await;
            writing.set(false);
            if result.is_ok() {
                state.revision.update(|r| *r += 1);
                refresh_storage(state);
            }
            then(result.map_err(SaveFailure::Save));
        });
    }
}

impl SaveError {
    /// Why, for the user, in `lang`.
    pub fn text(&self, lang: ecrf_core::i18n::Lang) -> String {
        use crate::i18n::Msg;
        match self {
            SaveError::Storage(e) => e.msg().text(lang).to_owned(),
            SaveError::Busy => Msg::ErrBusy.text(lang).to_owned(),
            SaveError::NotReady => Msg::StorageOpening.text(lang).to_owned(),
        }
    }
}
