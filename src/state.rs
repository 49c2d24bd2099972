//! The app's shared state: the open database, the route, the user, device facts. Provided once
//! at the root; pages read it through [`use_app_state`].

use std::cell::RefCell;
use std::rc::Rc;

use ecrf_core::dates::format_date;
use ecrf_core::record::{create_ops, records, Values};
use ecrf_core::study::study;
use futures::future::{select, Either};
use gloo::storage::{LocalStorage, Storage as _};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::{self, StorageInfo};
use crate::local;
use crate::storage::{Db, StorageError, DEMO_DB, STUDY_DB};

thread_local! {
    // The browser runs the app on one thread; the handle lives for the page's lifetime.
    static DB: RefCell<Option<Rc<Db>>> = const { RefCell::new(None) };
    // The sealed study database, open but locked, until the vault opens.
    static LOCKED: RefCell<Option<Rc<Db>>> = const { RefCell::new(None) };
}

/// The sealed study database while it is locked (the lock screen reads its vault).
pub fn locked_db() -> Option<Rc<Db>> {
    LOCKED.with(|d| d.borrow().clone())
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
    /// The sealed study database is open and locked: the vault must be opened first.
    Locked,
    /// Open and loaded.
    Ready,
    /// Opening failed; the message says why.
    Failed(StorageError),
}

/// Where the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The patient list (and registration).
    Patients,
    /// One patient's page.
    Patient(String),
    /// A form of a patient: an existing instance, or a new one when `instance` is `None`.
    Form {
        /// Subject ID.
        patient: String,
        /// The form's id.
        form: &'static str,
        /// The instance.
        instance: Option<String>,
        /// For a new adverse event: the key of the lab-based proposal it drafts from.
        proposal: Option<String>,
    },
    /// Fields whose values conflict.
    Conflicts,
    /// Survival analyses.
    Analyses,
    /// The safety tables.
    Safety,
}

/// The state every page can read.
#[derive(Debug, Clone, Copy)]
pub struct AppState {
    /// The database's status.
    pub db_status: RwSignal<DbStatus>,
    /// Bumped whenever the local study changes; views that read [`crate::local`] track it.
    pub revision: RwSignal<u64>,
    /// Storage usage, quota and persistence.
    pub storage: RwSignal<StorageInfo>,
    /// Whether the browser is online.
    pub online: RwSignal<bool>,
    /// Where the user is.
    pub route: RwSignal<Route>,
    /// Whether a form on screen has unsaved changes.
    pub dirty: RwSignal<bool>,
    /// The user entering data (local profile), empty until set.
    pub user: RwSignal<String>,
    /// Whether the demo database is open instead of the study's.
    pub demo: bool,
    /// How long rebuilding the state from IndexedDB took on start, in ms.
    pub rebuild_ms: RwSignal<Option<f64>>,
    /// Commits of a forked chain re-applied by a repair when the study was loaded.
    pub forks_repaired: RwSignal<usize>,
    /// The UI language (the i18n context's signal, reachable outside the reactive tree, in
    /// event listeners and tasks).
    pub lang: RwSignal<ecrf_core::i18n::Lang>,
    /// Commits of an earlier unencrypted database sealed when the vault was first opened.
    pub sealed_on_unlock: RwSignal<usize>,
    /// Minutes of inactivity after which the study locks itself.
    pub auto_lock_minutes: RwSignal<u32>,
}

/// How long an open may wait before it is reported as blocked by another tab.
const BLOCKED_AFTER_MS: u32 = 8_000;

const MODE_KEY: &str = "ecrf.mode";
const USER_KEY: &str = "ecrf.user";
const DEVICE_KEY: &str = "device";

async fn open_db(name: &str, sealed: bool) -> Result<Db, StorageError> {
    let open = Box::pin(async move {
        if sealed {
            Db::open_sealed(name).await
        } else {
            Db::open(name).await
        }
    });
    let timeout = Box::pin(device::sleep(BLOCKED_AFTER_MS));
    match select(open, timeout).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(StorageError::Blocked),
    }
}

/// Whether the app runs on the demo database (remembered on this device).
pub fn demo_mode() -> bool {
    LocalStorage::raw()
        .get_item(MODE_KEY)
        .ok()
        .flatten()
        .as_deref()
        == Some("demo")
}

/// Switches between the study and the demo database; the page reloads on the other one.
pub fn set_demo_mode(demo: bool) {
    let storage = LocalStorage::raw();
    let _ = if demo {
        storage.set_item(MODE_KEY, "demo")
    } else {
        storage.remove_item(MODE_KEY)
    };
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Saves the user's name for the audit trail.
pub fn set_user(state: AppState, name: &str) {
    let name = name.trim().to_owned();
    let _ = LocalStorage::raw().set_item(USER_KEY, &name);
    state.user.set(name);
}

/// This device's id, made once (random) and kept in the database.
async fn device_id(db: &Db) -> Result<String, StorageError> {
    if let Some(id) = db.meta::<String>(DEVICE_KEY).await? {
        return Ok(id);
    }
    let id = format!("tab-{}", device::random_hex(6));
    db.set_meta(DEVICE_KEY, &id).await?;
    Ok(id)
}

/// How long after the study opened a stale snapshot is written (the first screen is shown first).
const SNAPSHOT_DELAY_MS: u32 = 2_000;

/// Loads the log (through the sealed snapshot when there is a usable one), rebuilds the state,
/// and moves patients registered before the CRFs were commit-based (schema v1-v2 `patients`
/// store) into eligibility forms, once.
async fn load(db: &Db, state: AppState) -> Result<(), StorageError> {
    let device = device_id(db).await?;
    if db.is_sealed() {
        // What the service worker sent while the app was closed (Background Sync).
        if let Err(e) = crate::sync::background::take_acks(db).await {
            gloo::console::warn!(format!(
                "ecrf: background sync acknowledgements not read: {e:?}"
            ));
        }
    }
    let started = device::now_ms();
    // The sealed snapshot and the records stored after it (else every record). A record that
    // does not open is set aside, not a reason to keep the study closed.
    let crate::snapshot::Loaded {
        state: folded,
        unreadable,
        from_snapshot,
        records_read,
    } = crate::snapshot::read_study(db).await?;
    let read = device::now_ms();
    // What the study's server does not hold yet, by the tips the last sync recorded.
    let tips: ecrf_core::sync::outbox::ServerTips = db
        .meta(crate::sync::run::TIPS_KEY)
        .await?
        .unwrap_or_default();
    let held = folded.commit_count();
    local::install(local::rebuild(&device, folded, &tips, from_snapshot));
    if let Some(users) = db.meta(crate::sync::run::USERS_KEY).await? {
        local::set_study_users(users);
    }
    if !unreadable.is_empty() {
        gloo::console::error!(format!(
            "ecrf: {} stored records do not open and are set aside: {unreadable:?}",
            unreadable.len()
        ));
    }
    local::set_unreadable(unreadable);
    let unopened: std::collections::BTreeMap<String, String> = db
        .meta(crate::sync::run::UNOPENED_KEY)
        .await?
        .unwrap_or_default();
    local::set_aside_received(unopened);
    // A chain forked by two tabs before saves were serialised: nothing is dropped; one commit
    // re-applies the branch the device does not continue.
    match crate::chain_repair::repair_forks(db).await {
        Ok(0) => {}
        Ok(n) => {
            gloo::console::warn!(format!("ecrf: {n} commits of a forked chain re-applied"));
            state.forks_repaired.set(n);
        }
        Err(local::SaveError::Storage(e)) => return Err(e),
        Err(_) => {}
    }
    let done = device::now_ms();
    state.rebuild_ms.set(Some(done - started));
    gloo::console::log!(format!(
        "ecrf: {held} commits ({from_snapshot} from the snapshot, {records_read} records read and checked) in {:.0} ms, counted in {:.0} ms",
        read - started,
        done - read
    ));
    // A new snapshot once enough was folded since the last, after the first screen is shown.
    gloo::timers::callback::Timeout::new(SNAPSHOT_DELAY_MS, move || {
        let Some(db) = self::db() else { return };
        leptos::task::spawn_local(async move {
            match crate::snapshot::refresh(&db).await {
                Ok(0) => {}
                Ok(bytes) => gloo::console::log!(format!("ecrf: snapshot written ({bytes} bytes)")),
                Err(e) => gloo::console::warn!(format!("ecrf: snapshot not written: {e}")),
            }
        });
    })
    .forget();
    if db.is_sealed() {
        // The sealed database has no `patients` store: those of a clear database became
        // commits before it was sealed (`crate::vault::seal_clear_database`).
        return Ok(());
    }
    // A patient whose eligibility commit is set aside would look unregistered: no move
    // while anything is set aside.
    if !local::set_aside().is_empty() {
        return Ok(());
    }
    let legacy = db.patients().await?;
    let known = local::with(|l| records(&l.state));
    for p in legacy {
        let subject = p.subject_id.to_string();
        if known.contains_key(&subject) {
            continue;
        }
        let Some(form) = study().form("eligibility") else {
            continue;
        };
        let Some(instance) = local::next_instance_id() else {
            continue;
        };
        let mut values = Values::new();
        values.insert(
            "enrollment_date".into(),
            serde_json::Value::from(format_date(p.enrollment_date)),
        );
        let ops = create_ops(&instance, form, &subject, &values);
        let reason = Some("Registered before the CRFs were commit-based".to_owned());
        local::save(db, ecrf_core::sync::authors::SYSTEM, reason, ops)
            .await
            .map_err(|e| match e {
                local::SaveError::Storage(e) => e,
                other => StorageError::Other(format!("{other:?}")),
            })?;
    }
    Ok(())
}

/// Opens the database, loads the study, asks for persistent storage and watches
/// connectivity.
pub fn provide_app_state() -> AppState {
    let demo = demo_mode();
    let state = AppState {
        db_status: RwSignal::new(DbStatus::Opening),
        revision: RwSignal::new(0),
        storage: RwSignal::new(StorageInfo::default()),
        online: RwSignal::new(device::is_online()),
        route: RwSignal::new(crate::url::current()),
        dirty: RwSignal::new(false),
        user: RwSignal::new(
            LocalStorage::raw()
                .get_item(USER_KEY)
                .ok()
                .flatten()
                .unwrap_or_default(),
        ),
        demo,
        rebuild_ms: RwSignal::new(None),
        forks_repaired: RwSignal::new(0),
        lang: expect_context::<crate::i18n::I18n>().lang,
        sealed_on_unlock: RwSignal::new(0),
        auto_lock_minutes: RwSignal::new(crate::vault::DEFAULT_AUTO_LOCK_MINUTES),
    };
    provide_context(state);
    spawn_local(async move {
        if demo {
            match open_db(DEMO_DB, false).await {
                Ok(db) => ready(Rc::new(db), state).await,
                Err(err) => state.db_status.set(DbStatus::Failed(err)),
            }
        } else {
            // The study's database is sealed: open, then wait for the lock screen.
            match open_db(STUDY_DB, true).await {
                Ok(db) => {
                    LOCKED.with(|d| *d.borrow_mut() = Some(Rc::new(db)));
                    state.db_status.set(DbStatus::Locked);
                }
                Err(err) => state.db_status.set(DbStatus::Failed(err)),
            }
        }
        state.storage.set(device::request_persistence().await);
    });
    if let Some(window) = web_sys::window() {
        // Back and forward: go where the address now says, unless a form with unsaved changes
        // is open and the user stays (the address is then put back).
        gloo::events::EventListener::new(&window, "popstate", move |_| {
            let target = crate::url::current();
            if !leave_form(state) {
                crate::url::push(&state.route.get_untracked());
                return;
            }
            state.route.set(target);
        })
        .forget();
        let online = state.online;
        gloo::events::EventListener::new(&window, "online", move |_| online.set(true)).forget();
        gloo::events::EventListener::new(&window, "offline", move |_| online.set(false)).forget();
        // Closing the tab with a form half filled asks first.
        let dirty = state.dirty;
        gloo::events::EventListener::new_with_options(
            &window,
            "beforeunload",
            gloo::events::EventListenerOptions::enable_prevent_default(),
            move |ev| {
                if dirty.get_untracked() {
                    ev.prevent_default();
                }
            },
        )
        .forget();
    }
    state
}

/// Loads the open database into memory and makes it the app's.
async fn ready(db: Rc<Db>, state: AppState) {
    if let Err(err) = load(&db, state).await {
        state.db_status.set(DbStatus::Failed(err));
        return;
    }
    let loaded = device::now_ms();
    // Another tab of this device saved: read its commits and redraw. Another tab locked the
    // study: lock this one too.
    crate::writer::follow(
        &db.name(),
        move || {
            spawn_local(async move {
                let Some(db) = self::db() else { return };
                if let Ok(n) = local::catch_up(&db).await {
                    if n > 0 {
                        state.revision.update(|r| *r += 1);
                    }
                }
            });
        },
        move || lock(state, true),
    );
    if db.is_sealed() {
        if let Ok(Some(m)) = db.meta::<u32>(crate::vault::AUTO_LOCK_KEY).await {
            state.auto_lock_minutes.set(m);
        }
        crate::idle::watch(state);
    }
    DB.with(|d| *d.borrow_mut() = Some(db));
    state.revision.update(|r| *r += 1);
    state.db_status.set(DbStatus::Ready);
    gloo::console::log!(format!(
        "ecrf: study ready {:.0} ms after loading; the page is drawn next",
        device::now_ms() - loaded
    ));
}

/// After the vault opened for `user`: seals the clear database of an earlier version into the
/// study's (once), then loads the study. `sealing` is told how many commits were sealed.
pub async fn finish_unlock(state: AppState, user: &str, sealing: impl Fn(usize)) {
    let Some(db) = LOCKED.with(|d| d.borrow_mut().take()) else {
        return;
    };
    state.user.set(user.trim().to_owned());
    state.db_status.set(DbStatus::Opening);
    match crate::vault::seal_clear_database(&db, async |clear: &Db| load(clear, state).await).await
    {
        Ok(n) => sealing(n),
        Err(err) => {
            state.db_status.set(DbStatus::Failed(err));
            return;
        }
    }
    ready(db, state).await;
}

/// Locks the study: the page reloads, which drops every key and every record from memory, and
/// opens on the lock screen. A form with unsaved changes asks first, unless `forced` (the
/// inactivity lock, and another tab's lock, which discard the draft). The user's own lock
/// tells the other tabs, which lock too.
pub fn lock(state: AppState, forced: bool) {
    if forced {
        state.dirty.set(false);
    } else if !leave_form(state) {
        return;
    } else if let Some(db) = db() {
        crate::writer::announce_lock(&db.name());
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Whether the user may leave the page: yes unless a form has unsaved changes and the user,
/// asked, chooses to stay.
fn leave_form(state: AppState) -> bool {
    if !state.dirty.get_untracked() {
        return true;
    }
    let lang = state.lang.get_untracked();
    let leave = web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(crate::i18n::Msg::ConfirmLeave.text(lang))
                .ok()
        })
        .unwrap_or(false);
    if leave {
        state.dirty.set(false);
    }
    leave
}

/// Goes to `route` (a new history entry), asking first when a form has unsaved changes;
/// returns whether it went.
pub fn navigate(state: AppState, route: Route) -> bool {
    if !leave_form(state) {
        return false;
    }
    crate::url::push(&route);
    state.route.set(route);
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
    true
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
