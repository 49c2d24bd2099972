//! The address bar mirrors the route, so that the back gesture, forward, a reload and a shared
//! link land where the user was (the History API). The server and the service worker answer
//! every path with `index.html`, offline included.
//!
//! | route | path |
//! | --- | --- |
//! | patient list | `/` |
//! | a patient | `/patients/{subject}` |
//! | a saved form | `/patients/{subject}/forms/{form}/{instance}` |
//! | a new form | `/patients/{subject}/forms/{form}/new` (`?proposal={key}` for an adverse event drafted from a lab proposal) |
//! | conflicts, analyses, safety | `/conflicts`, `/analyses`, `/safety` |

use ecrf_core::study::study;
use wasm_bindgen::JsValue;

use crate::state::Route;

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn dec(s: &str) -> Option<String> {
    js_sys::decode_uri_component(s).ok().map(String::from)
}

/// The path (and query) of a route.
pub fn path(route: &Route) -> String {
    match route {
        Route::Patients => "/".to_owned(),
        Route::Patient(p) => format!("/patients/{}", enc(p)),
        Route::Form {
            patient,
            form,
            instance,
            proposal,
        } => {
            let tail = match (instance, proposal) {
                (Some(i), _) => enc(i),
                (None, Some(key)) => format!("new?proposal={}", enc(key)),
                (None, None) => "new".to_owned(),
            };
            format!("/patients/{}/forms/{}/{tail}", enc(patient), enc(form))
        }
        Route::Conflicts => "/conflicts".to_owned(),
        Route::Analyses => "/analyses".to_owned(),
        Route::Safety => "/safety".to_owned(),
    }
}

/// The route of a path and query (`search`, with or without its `?`); the patient list for
/// any path the app does not know (an unknown form among them).
pub fn parse(path: &str, search: &str) -> Route {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let proposal = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("proposal="))
        .and_then(dec);
    match parts.as_slice() {
        ["conflicts"] => Route::Conflicts,
        ["analyses"] => Route::Analyses,
        ["safety"] => Route::Safety,
        ["patients", p] => dec(p).map_or(Route::Patients, Route::Patient),
        ["patients", p, "forms", f, i] => {
            let (Some(patient), Some(form)) = (dec(p), dec(f).and_then(|f| study().form(&f)))
            else {
                return Route::Patients;
            };
            let instance = (*i != "new").then(|| dec(i)).flatten();
            Route::Form {
                patient,
                form: form.id,
                proposal: if instance.is_none() { proposal } else { None },
                instance,
            }
        }
        _ => Route::Patients,
    }
}

/// The route the address bar names now.
pub fn current() -> Route {
    web_sys::window()
        .map(|w| w.location())
        .map(|l| {
            parse(
                &l.pathname().unwrap_or_default(),
                &l.search().unwrap_or_default(),
            )
        })
        .unwrap_or(Route::Patients)
}

fn current_path() -> Option<String> {
    let l = web_sys::window()?.location();
    Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
}

/// Adds a history entry for `route` (unless the address already names it).
pub fn push(route: &Route) {
    let target = path(route);
    if current_path().as_deref() == Some(target.as_str()) {
        return;
    }
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&target));
    }
}

/// Replaces the current history entry with `route` (a new form just saved: a reload reopens
/// the saved instance rather than a new, empty one).
pub fn replace(route: &Route) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&path(route)));
    }
}
