//! The app's shared state: the open database, the patient register, device facts. Provided once
//! at the root; pages read it through [`use_app_state`].

use std::cell::RefCell;
use std::rc::Rc;

use ecrf_core::register::Patient;
use futures::future::{select, Either};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::{self, StorageInfo};
use crate::storage::{Db, StorageError, STUDY_DB};

thread_local! {
    // The browser runs the app on one thread; the handle lives for the page's lifetime.
    static DB: RefCell<Option<Rc<Db>>> = const { RefCell::new(None) };
}

/// The open study database, once it is open.
pub fn db() -> Option<Rc<Db>> {
    DB.with(|d| d.borrow().clone())
}

/// Where opening the database stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbStatus {
    /// Opening (and migrating, if needed).
    Opening,
    /// Open and loaded.
    Ready,
    /// Opening failed; the message says why.
    Failed(StorageError),
}

/// The state every page can read.
#[derive(Debug, Clone, Copy)]
pub struct AppState {
    /// The database's status.
    pub db_status: RwSignal<DbStatus>,
    /// The registered patients, in subject ID order.
    pub patients: RwSignal<Vec<Patient>>,
    /// Storage usage, quota and persistence.
    pub storage: RwSignal<StorageInfo>,
    /// Whether the browser is online.
    pub online: RwSignal<bool>,
}

/// How long an open may wait before it is reported as blocked by another tab.
const BLOCKED_AFTER_MS: u32 = 8_000;

async fn open_study_db() -> Result<Db, StorageError> {
    let open = Box::pin(Db::open(STUDY_DB));
    let timeout = Box::pin(device::sleep(BLOCKED_AFTER_MS));
    match select(open, timeout).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(StorageError::Blocked),
    }
}

/// Opens the database, loads the register, asks for persistent storage and watches
/// connectivity.
pub fn provide_app_state() -> AppState {
    let state = AppState {
        db_status: RwSignal::new(DbStatus::Opening),
        patients: RwSignal::new(Vec::new()),
        storage: RwSignal::new(StorageInfo::default()),
        online: RwSignal::new(device::is_online()),
    };
    provide_context(state);
    spawn_local(async move {
        let opened = match open_study_db().await {
            Ok(db) => db.patients().await.map(|p| (db, p)),
            Err(err) => Err(err),
        };
        match opened {
            Ok((db, patients)) => {
                DB.with(|d| *d.borrow_mut() = Some(Rc::new(db)));
                state.patients.set(patients);
                state.db_status.set(DbStatus::Ready);
            }
            Err(err) => state.db_status.set(DbStatus::Failed(err)),
        }
        state.storage.set(device::request_persistence().await);
    });
    if let Some(window) = web_sys::window() {
        let online = state.online;
        gloo::events::EventListener::new(&window, "online", move |_| online.set(true)).forget();
        gloo::events::EventListener::new(&window, "offline", move |_| online.set(false)).forget();
    }
    state
}

/// The app state.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

/// Refreshes the storage estimate (after a write).
pub fn refresh_storage(state: AppState) {
    spawn_local(async move {
        let persisted = state.storage.get_untracked().persisted;
        let mut info = device::estimate().await;
        info.persisted = persisted;
        state.storage.set(info);
    });
}
