//! The inactivity lock: any tap, key or scroll counts as activity; when none came for the
//! configured minutes (`vault.auto_lock_minutes`, 15 by default), the study locks itself and a
//! form's unsaved draft is discarded (the records are saved commits; a draft is not).

use std::cell::Cell;

use leptos::prelude::*;

use crate::state::{lock, AppState};

thread_local! {
    static LAST_ACTIVITY: Cell<f64> = const { Cell::new(0.0) };
}

/// How often the inactivity is checked, ms.
const CHECK_EVERY_MS: u32 = 5_000;

/// Starts watching (once per page: the study is loaded once).
pub fn watch(state: AppState) {
    LAST_ACTIVITY.with(|l| l.set(js_sys::Date::now()));
    let Some(window) = web_sys::window() else {
        return;
    };
    for event in ["pointerdown", "keydown", "wheel", "touchstart", "input"] {
        gloo::events::EventListener::new(&window, event, |_| {
            LAST_ACTIVITY.with(|l| l.set(js_sys::Date::now()));
        })
        .forget();
    }
    gloo::timers::callback::Interval::new(CHECK_EVERY_MS, move || {
        let idle = js_sys::Date::now() - LAST_ACTIVITY.with(Cell::get);
        let limit = f64::from(state.auto_lock_minutes.get_untracked()) * 60_000.0;
        if idle >= limit {
            lock(state, true);
        }
    })
    .forget();
}
