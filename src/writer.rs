//! One writer at a time per device. Every tab of the app on one browser profile shares the
//! device's chain, so a save holds the Web Lock `ecrf-writer:<database>` (waiting while another
//! tab saves), continues the chain from its head as stored rather than as this tab last saw it,
//! and then tells the other tabs over the `BroadcastChannel` `ecrf:<database>` to read what it
//! wrote. Without the Web Locks API (an old browser) saves are not serialised across tabs; the
//! catch-up before each save still keeps them apart except in a race of a few milliseconds.

use futures::channel::oneshot;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A held Web Lock, released when dropped (or a no-op where the API is missing).
#[derive(Debug)]
pub struct WriterLock {
    release: Option<Function>,
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// Waits for the writer lock of `database` and holds it until the returned guard is dropped.
pub async fn acquire(database: &str) -> WriterLock {
    let Some((locks, request)) = lock_manager() else {
        return WriterLock { release: None };
    };
    let (sender, receiver) = oneshot::channel::<Function>();
    let mut sender = Some(sender);
    // The lock is held until the promise this callback returns settles: its `resolve` is
    // handed back to Rust and called when the guard drops.
    let granted = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        Promise::new(&mut |resolve, _reject| {
            if let Some(s) = sender.take() {
                let _ = s.send(resolve);
            }
        })
    });
    let name = JsValue::from_str(&format!("ecrf-writer:{database}"));
    match request.call2(&locks, &name, &granted) {
        Ok(pending) => {
            // The request's own promise settles only on release; errors surface here as a
            // dropped sender.
            if let Ok(p) = pending.dyn_into::<Promise>() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(p).await;
                });
            }
            WriterLock {
                release: receiver.await.ok(),
            }
        }
        Err(_) => WriterLock { release: None },
    }
}

fn channel(database: &str) -> Option<web_sys::BroadcastChannel> {
    web_sys::BroadcastChannel::new(&format!("ecrf:{database}")).ok()
}

/// Tells the other tabs of `database` that new commits are stored.
pub fn announce(database: &str) {
    if let Some(c) = channel(database) {
        let _ = c.post_message(&JsValue::from_str("commits"));
        c.close();
    }
}

/// Calls `on_commits` whenever another tab of `database` announces new commits. The channel
/// lives as long as the page.
pub fn follow(database: &str, on_commits: impl Fn() + 'static) {
    let Some(c) = channel(database) else {
        return;
    };
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| on_commits());
    c.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    // Kept alive by the handler's registration for the page's lifetime.
    std::mem::forget(c);
}
