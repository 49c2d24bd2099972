//! A small pool of blocking PostgreSQL connections: at most `max` open at once, made when first
//! needed, kept while healthy, and closed on a plain thread so that dropping the store inside an
//! async task cannot panic.
//!
//! Each `postgres::Client` drives its own single-threaded Tokio runtime with `block_on`; that is
//! allowed on the threads of `spawn_blocking` (where handlers call the store) but not on an async
//! worker, nor may such a runtime be dropped there. Connecting and closing therefore happen off
//! the caller's thread whenever the caller may be async ([`off_async`]).

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use postgres::{Client, Config, NoTls};

use crate::store::StoreError;

/// How long a caller waits for a free connection before the store reports an error.
const CHECKOUT_WAIT: Duration = Duration::from_secs(30);

/// Runs `f` on a new plain thread and waits for it: safe to call from async code, which must not
/// start or drop a blocking client's runtime itself.
pub fn off_async<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

struct Slots {
    idle: Vec<Client>,
    /// Connections handed out or idle.
    open: usize,
}

/// The pool.
pub struct Pool {
    config: Config,
    max: usize,
    slots: Mutex<Slots>,
    freed: Condvar,
}

impl Pool {
    /// A pool of at most `max` connections to `config`, holding `first` already.
    pub fn new(config: Config, max: usize, first: Client) -> Pool {
        Pool {
            config,
            max: max.max(1),
            slots: Mutex::new(Slots {
                idle: vec![first],
                open: 1,
            }),
            freed: Condvar::new(),
        }
    }

    fn slots(&self) -> Result<MutexGuard<'_, Slots>, StoreError> {
        self.slots.lock().map_err(|_| StoreError::Poisoned)
    }

    /// An idle connection, a new one while fewer than `max` are open, or the next one freed.
    /// Call from a blocking thread (see the module's doc).
    pub fn get(&self) -> Result<Pooled<'_>, StoreError> {
        let mut slots = self.slots()?;
        loop {
            if let Some(client) = slots.idle.pop() {
                if client.is_closed() {
                    // The server closed it while idle (a restart): open another instead.
                    slots.open -= 1;
                    drop(client);
                    continue;
                }
                return Ok(Pooled {
                    pool: self,
                    client: Some(client),
                });
            }
            if slots.open < self.max {
                slots.open += 1;
                drop(slots);
                return match self.config.connect(NoTls) {
                    Ok(client) => Ok(Pooled {
                        pool: self,
                        client: Some(client),
                    }),
                    Err(err) => {
                        self.release(None);
                        Err(err.into())
                    }
                };
            }
            let (next, timeout) = self
                .freed
                .wait_timeout(slots, CHECKOUT_WAIT)
                .map_err(|_| StoreError::Poisoned)?;
            if timeout.timed_out() && next.idle.is_empty() && next.open >= self.max {
                return Err(StoreError::Backend(
                    "no PostgreSQL connection became free in time".into(),
                ));
            }
            slots = next;
        }
    }

    /// Takes a connection back (kept when still open), or forgets a failed one's slot.
    fn release(&self, client: Option<Client>) {
        let Ok(mut slots) = self.slots.lock() else {
            return;
        };
        match client {
            Some(c) if !c.is_closed() => slots.idle.push(c),
            // A broken connection is dropped on this blocking thread; its slot frees.
            _ => slots.open = slots.open.saturating_sub(1),
        }
        drop(slots);
        self.freed.notify_one();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let idle = match self.slots.get_mut() {
            Ok(slots) => std::mem::take(&mut slots.idle),
            Err(poisoned) => std::mem::take(&mut poisoned.into_inner().idle),
        };
        off_async(move || drop(idle));
    }
}

/// A connection checked out of the pool, returned when dropped.
pub struct Pooled<'p> {
    pool: &'p Pool,
    client: Option<Client>,
}

impl Deref for Pooled<'_> {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.client.as_ref().expect("present until dropped")
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("present until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        self.pool.release(self.client.take());
    }
}
