//! The service worker's side in the page: registration, "a new version is ready", and applying
//! it on the user's word. The worker itself is `public/sw.js`.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function register_sw(on_update) {
  if (!("serviceWorker" in navigator)) return;
  const watch = (reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) on_update();
    reg.addEventListener("updatefound", () => {
      const worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) on_update();
      });
    });
    // Tablets stay open for hours: look for a new build now and then, and when back online.
    setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
    window.addEventListener("online", () => reg.update().catch(() => {}));
  };
  navigator.serviceWorker.register("/sw.js").then(watch).catch((e) => console.warn("service worker:", e));
}

export function apply_update() {
  navigator.serviceWorker.getRegistration().then((reg) => {
    let reloaded = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (!reloaded) { reloaded = true; window.location.reload(); }
    });
    if (reg && reg.waiting) reg.waiting.postMessage({ type: "SKIP_WAITING" });
    else window.location.reload();
  });
}
"#)]
extern "C" {
    fn register_sw(on_update: &Closure<dyn FnMut()>);
    fn apply_update();
}

/// Whether a new build is waiting, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct UpdateState {
    /// True once a new service worker is installed and waiting.
    pub ready: RwSignal<bool>,
}

/// Registers the service worker and provides the update state.
pub fn provide_update_context() -> UpdateState {
    let state = UpdateState {
        ready: RwSignal::new(false),
    };
    let ready = state.ready;
    let on_update = Closure::<dyn FnMut()>::new(move || ready.set(true));
    register_sw(&on_update);
    // The page lives as long as the closure is needed.
    on_update.forget();
    provide_context(state);
    state
}

/// Activates the waiting build and reloads. IndexedDB is untouched.
pub fn reload_to_update() {
    apply_update();
}

/// The build version written into `index.html` by the post-build hook.
pub fn build_version() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=ecrf-build]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|v| !v.starts_with("__"))
        .unwrap_or_else(|| "dev".into())
}
