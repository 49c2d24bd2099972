//! What the browser tells about the device: persistent storage, usage and quota, connectivity,
//! today's date (the core takes it as an argument); and files handed to the user (downloads).

use js_sys::Reflect;
use time::Date;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r##"
function save_blob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
export function download_bytes(name, mime, bytes) {
  save_blob(new Blob([bytes], { type: mime }), name);
}
export function download_svg(id, name) {
  const svg = document.getElementById(id);
  if (!svg) return;
  const text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  save_blob(new Blob([text], { type: "image/svg+xml" }), name);
}
export function download_png(id, name) {
  const svg = document.getElementById(id);
  if (!svg) return;
  const box = svg.viewBox.baseVal;
  const scale = 2;
  const text = new XMLSerializer().serializeToString(svg);
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = box.width * scale;
    canvas.height = box.height * scale;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => save_blob(blob, name), "image/png");
  };
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
}
"##)]
extern "C" {
    /// Hands `bytes` to the user as a downloaded file `name` of type `mime`.
    pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]);
    /// Downloads the SVG element `id` as the SVG file `name`.
    pub fn download_svg(id: &str, name: &str);
    /// Downloads the SVG element `id` drawn at twice its size on white as the PNG file `name`.
    pub fn download_png(id: &str, name: &str);
}

/// Storage facts shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StorageInfo {
    /// Bytes used by this origin, when the browser says.
    pub usage: Option<f64>,
    /// Bytes this origin may use, when the browser says.
    pub quota: Option<f64>,
    /// Whether the browser granted persistent storage.
    pub persisted: Option<bool>,
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let nav = web_sys::window()?.navigator();
    // `navigator.storage` is missing on insecure origins and old browsers.
    Reflect::get(&nav, &JsValue::from_str("storage"))
        .ok()
        .filter(|v| !v.is_undefined())?;
    Some(nav.storage())
}

async fn call_bool(promise: Result<js_sys::Promise, JsValue>) -> Option<bool> {
    JsFuture::from(promise.ok()?).await.ok()?.as_bool()
}

/// Asks for persistent storage (once granted it stays) and reports usage and quota.
pub async fn request_persistence() -> StorageInfo {
    let Some(manager) = storage_manager() else {
        return StorageInfo::default();
    };
    let mut persisted = call_bool(manager.persisted()).await;
    if persisted != Some(true) {
        persisted = call_bool(manager.persist()).await.or(persisted);
    }
    let mut info = estimate().await;
    info.persisted = persisted;
    info
}

/// Usage and quota only.
pub async fn estimate() -> StorageInfo {
    let Some(manager) = storage_manager() else {
        return StorageInfo::default();
    };
    let Ok(promise) = manager.estimate() else {
        return StorageInfo::default();
    };
    let Ok(est) = JsFuture::from(promise).await else {
        return StorageInfo::default();
    };
    let num = |key: &str| Reflect::get(&est, &JsValue::from_str(key)).ok()?.as_f64();
    StorageInfo {
        usage: num("usage"),
        quota: num("quota"),
        persisted: None,
    }
}

/// Bytes as the user reads them (`1.2 MB`).
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Whether the browser believes it is online.
pub fn is_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// Today's date on the device's clock, in its local time zone.
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    let month = time::Month::try_from(now.get_month() as u8 + 1).unwrap_or(time::Month::January);
    Date::from_calendar_date(now.get_full_year() as i32, month, now.get_date() as u8)
        .unwrap_or(Date::MIN)
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    gloo::timers::future::TimeoutFuture::new(ms).await;
}

/// Milliseconds since the page started, for timings.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// `bytes` random bytes from the browser's cryptographic generator, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut buf).is_ok());
    if !filled {
        // No Web Crypto (very old browsers): the id only has to be unlikely to repeat.
        for b in &mut buf {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
