//! Limits on abuse: a request rate per client address (governor's GCRA limiter), the failed
//! logins per user name (5 within 15 minutes, then 429 until they age out; one login of a name
//! checked at a time), and the request body size answered as JSON `too_large`.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use tokio::sync::OwnedMutexGuard;

use crate::error::ApiError;
use crate::AppState;

/// Failed logins allowed per name within [`LOCKOUT_WINDOW`].
pub const MAX_LOGIN_FAILURES: usize = 5;
/// The window over which failed logins are counted.
pub const LOCKOUT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked keys, stale ones are dropped (bounds memory under a flood of names or
/// addresses).
const PRUNE_ABOVE: usize = 10_000;

/// The request-rate limiter, keyed by client address.
pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit").finish_non_exhaustive()
    }
}

impl RateLimit {
    /// `per_second` requests a second with bursts of `burst`; `None` when `per_second` is 0
    /// (no limit).
    pub fn new(per_second: u32, burst: u32) -> Option<RateLimit> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst).unwrap_or(rate);
        Some(RateLimit {
            limiter: DefaultKeyedRateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
        })
    }

    /// `Ok` when `key` may make a request now, else the whole seconds to wait.
    pub fn check(&self, key: IpAddr) -> Result<(), u64> {
        if self.limiter.len() > PRUNE_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.limiter.clock().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// The middleware applying [`RateLimit`]: keyed by the peer address when the server was started
/// with connection info, else one key for everyone (as in `oneshot` tests).
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(limit) = &state.inner.rate_limit {
        let key = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        if let Err(secs) = limit.check(key) {
            return ApiError::too_many("rate_limited", "Too many requests; wait a moment.", secs)
                .into_response();
        }
    }
    next.run(req).await
}

/// The middleware refusing a declared body over the limit with JSON `too_large` (bodies without
/// a length are cut by the extractors' limit, which answers the same).
pub async fn body_size(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A bundle may hold `--max-body-bytes`; every other body is a little JSON.
    let limit = if req.uri().path() == "/api/bundles" {
        state.inner.max_body_bytes
    } else {
        state.inner.max_body_bytes.min(crate::api::JSON_BODY_LIMIT)
    };
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::too_large("The request body is larger than this server accepts.")
            .into_response();
    }
    next.run(req).await
}

/// Failed logins per user name, in memory (a restart forgets them, which only shortens a
/// lockout), and a gate per name that lets one login of that name run at a time.
#[derive(Debug, Default)]
pub struct LoginFailures {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl LoginFailures {
    /// Waits for the gate of `name`, to be held from the lockout check to the failure's record:
    /// parallel attempts at one name would otherwise all pass the check before the first
    /// failure is recorded. Attempts at other names go on beside it; a burst of right logins of
    /// one name only queues (each is one read and a hash comparison).
    pub async fn gate(&self, name: &str) -> OwnedMutexGuard<()> {
        let gate = {
            let mut gates = self.gates.lock().unwrap_or_else(|p| p.into_inner());
            if gates.len() > PRUNE_ABOVE {
                // Only gates nobody holds or waits for.
                gates.retain(|_, g| Arc::strong_count(g) > 1);
            }
            gates.entry(name.to_owned()).or_default().clone()
        };
        gate.lock_owned().await
    }

    /// `Err(seconds)` while `name` is locked out at `now`.
    pub fn check(&self, name: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = map.get_mut(name) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= LOCKOUT_WINDOW)
        {
            times.pop_front();
        }
        if times.len() < MAX_LOGIN_FAILURES {
            return Ok(());
        }
        // Locked until the oldest counted failure leaves the window.
        let oldest = times[times.len() - MAX_LOGIN_FAILURES];
        let wait = LOCKOUT_WINDOW.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    /// Records a failed login of `name` at `now`.
    pub fn record(&self, name: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < LOCKOUT_WINDOW)
            });
        }
        let times = map.entry(name.to_owned()).or_default();
        times.push_back(now);
        while times.len() > MAX_LOGIN_FAILURES {
            times.pop_front();
        }
    }

    /// Forgets the failures of `name` (after a successful login).
    pub fn clear(&self, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_a_name_for_fifteen_minutes_from_the_first() {
        let f = LoginFailures::default();
        let t0 = Instant::now();
        for i in 0..5 {
            assert_eq!(f.check("ana", t0 + Duration::from_secs(i)), Ok(()));
            f.record("ana", t0 + Duration::from_secs(i));
        }
        assert_eq!(f.check("ana", t0 + Duration::from_secs(60)), Err(14 * 60));
        assert_eq!(f.check("bob", t0 + Duration::from_secs(60)), Ok(()));
        assert_eq!(f.check("ana", t0 + LOCKOUT_WINDOW), Ok(()));
        f.clear("ana");
        assert_eq!(f.check("ana", t0 + Duration::from_secs(61)), Ok(()));
    }

    #[test]
    fn the_rate_limit_allows_its_burst_then_asks_to_wait() {
        let limit = RateLimit::new(1, 3).unwrap();
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..3 {
            assert_eq!(limit.check(ip), Ok(()));
        }
        assert_eq!(limit.check(ip), Err(1));
        assert!(RateLimit::new(0, 10).is_none());
    }
}
