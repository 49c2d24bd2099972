//! One writer at a time per device. Every tab of the app on one browser profile shares the
//! device's chain, so a save holds the Web Lock `ecrf-writer:<database>` (waiting while another
//! tab saves), continues the chain from its head as stored rather than as this tab last saw it,
//! and then tells the other tabs over the `BroadcastChannel` `ecrf:<database>` to read what it
//! wrote. Without the Web Locks API (an old browser, or a page served over plain HTTP to a
//! network address: the API exists only in secure contexts) saves are not serialised across
//! tabs; the catch-up before each save still keeps them apart except in a race of a few
//! milliseconds. Served over HTTPS (or from `localhost`) the lock is always there.

use std::cell::RefCell;
use std::rc::Rc;

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
/// Never waits forever: if the browser refuses the request before granting it (a document that
/// is not fully active), the save goes on without the lock.
pub async fn acquire(database: &str) -> WriterLock {
    let Some((locks, request)) = lock_manager() else {
        return WriterLock { release: None };
    };
    let (sender, receiver) = oneshot::channel::<Option<Function>>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let on_grant = Rc::clone(&sender);
    // The lock is held until the promise this callback returns settles: its `resolve` is handed
    // to the waiting save and called when the guard drops (at once if nobody waits any more).
    let granted = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        Promise::new(&mut |resolve, _reject| {
            let waiting = on_grant.borrow_mut().take();
            let unclaimed = match waiting {
                Some(s) => s.send(Some(resolve)).err().flatten(),
                None => Some(resolve),
            };
            if let Some(release) = unclaimed {
                let _ = release.call0(&JsValue::NULL);
            }
        })
    });
    let name = JsValue::from_str(&format!("ecrf-writer:{database}"));
    let Ok(pending) = request.call2(&locks, &name, &granted) else {
        return WriterLock { release: None };
    };
    if let Ok(p) = pending.dyn_into::<Promise>() {
        // The request's promise settles when the lock is released, or at once when the request
        // fails before a grant: then the waiting save is told to go on without the lock.
        let on_settle = Rc::clone(&sender);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(p).await;
            if let Some(s) = on_settle.borrow_mut().take() {
                let _ = s.send(None);
            }
        });
    }
    WriterLock {
        release: receiver.await.ok().flatten(),
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

/// Tells the other tabs of `database` that the user locked the study (every tab locks).
pub fn announce_lock(database: &str) {
    if let Some(c) = channel(database) {
        let _ = c.post_message(&JsValue::from_str(LOCK));
        c.close();
    }
}

/// The message that locks every tab.
const LOCK: &str = "lock";

/// Calls `on_commits` whenever another tab of `database` announces new commits, and `on_lock`
/// when one locks the study. The channel lives as long as the page.
pub fn follow(database: &str, on_commits: impl Fn() + 'static, on_lock: impl Fn() + 'static) {
    let Some(c) = channel(database) else {
        return;
    };
    let handler =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if ev.data().as_string().as_deref() == Some(LOCK) {
                on_lock();
            } else {
                on_commits();
            }
        });
    c.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    // Kept alive by the handler's registration for the page's lifetime.
    std::mem::forget(c);
}
