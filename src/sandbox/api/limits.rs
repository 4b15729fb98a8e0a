//! Protection against callers that ask too much or send too slowly: a per-key rate limit and a
//! whole-request deadline, both answering in the API's error shape. The header size limit and
//! the header read timeout belong to the HTTP server itself (`sandbox::server`); the body size
//! limit to the body extractor (`extract::Body`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::extract::{api_key, key_hash};
use super::{ApiError, User};

/// Requests a caller may make: `per_second` on average, `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl RateLimit {
    /// What `docket sandbox serve` and the console's embedded sandbox use: 50 per second with
    /// bursts of 100, far above what one person at a console asks for.
    pub const DEFAULT: RateLimit = RateLimit {
        per_second: NonZeroU32::new(50).expect("50 is not zero"),
        burst: NonZeroU32::new(100).expect("100 is not zero"),
    };

    /// `n` requests per second with bursts of `2n`; `None` (no limit) for 0.
    pub fn per_second(n: u32) -> Option<RateLimit> {
        let per_second = NonZeroU32::new(n)?;
        Some(RateLimit {
            per_second,
            burst: NonZeroU32::new(n.saturating_mul(2)).unwrap_or(per_second),
        })
    }
}

/// Whose allowance a request draws on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Bucket {
    /// A known API key, by its hash (one per user).
    Key([u8; 32]),
    /// No key or an unknown one: the peer's address, so guessing keys cannot mint fresh buckets.
    Peer(IpAddr),
    /// No key and no known peer (the router served without the sandbox's listener).
    Anonymous,
}

/// A token bucket per caller (GCRA, from `governor`).
pub struct Limiter {
    rate: RateLimit,
    buckets: RateLimiter<Bucket, DefaultKeyedStateStore<Bucket>, DefaultClock>,
    users_by_key: Arc<HashMap<[u8; 32], User>>,
}

impl Limiter {
    pub fn new(rate: RateLimit, users_by_key: Arc<HashMap<[u8; 32], User>>) -> Limiter {
        Limiter {
            rate,
            buckets: RateLimiter::keyed(Quota::per_second(rate.per_second).allow_burst(rate.burst)),
            users_by_key,
        }
    }

    fn bucket(&self, req: &Request) -> Bucket {
        if let Some(key) = api_key(req.headers()) {
            let hash = key_hash(key);
            if self.users_by_key.contains_key(&hash) {
                return Bucket::Key(hash);
            }
        }
        match req.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) => Bucket::Peer(peer.ip()),
            None => Bucket::Anonymous,
        }
    }

    /// `Ok` if the request may proceed, else the whole seconds (at least 1) until it may.
    fn check(&self, req: &Request) -> Result<(), u64> {
        match self.buckets.check_key(&self.bucket(req)) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.buckets.clock().now());
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(secs.max(1))
            }
        }
    }

    /// Forgets the buckets of callers that have been idle long enough to be full again, so
    /// addresses seen once do not accumulate.
    pub fn forget_idle(&self) {
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}

/// Answers `429 RATE_LIMITED` with `Retry-After` once a caller's bucket is empty. `/healthz`
/// is exempt.
pub async fn rate_limit(State(limiter): State<Arc<Limiter>>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    match limiter.check(&req) {
        Ok(()) => next.run(req).await,
        Err(secs) => {
            let RateLimit { per_second, burst } = limiter.rate;
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                format!(
                    "Too many requests: the limit is {per_second} per second per API key, in bursts of up to {burst}; retry in {secs} s."
                ),
            );
            e.retry_after = Some(secs);
            e.into_response()
        }
    }
}

/// Set while a handler reads the request body, so a request that runs out of time can tell a
/// client that was slow to send (408) from a server that was slow to answer (503).
#[derive(Clone, Debug, Default)]
pub struct BodyReading(Arc<AtomicBool>);

impl BodyReading {
    pub fn set(&self, reading: bool) {
        self.0.store(reading, Ordering::Release);
    }

    fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Bounds a request from its headers to its answer. Past the deadline: `408 REQUEST_TIMEOUT`
/// (and the connection is closed) if the body was still arriving, else `503
/// SERVICE_UNAVAILABLE` with `Retry-After: 1` (a write may have committed; a retry with the
/// same `Idempotency-Key` gets its original answer).
pub async fn deadline(State(limit): State<Duration>, mut req: Request, next: Next) -> Response {
    let reading = BodyReading::default();
    req.extensions_mut().insert(reading.clone());
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) if reading.get() => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            format!(
                "The request body did not arrive within {} s.",
                limit.as_secs_f64()
            ),
        )
        .closing()
        .into_response(),
        Err(_) => ApiError::unavailable(format!(
            "The request took longer than {} s; it may or may not have been applied. Retry with the same Idempotency-Key.",
            limit.as_secs_f64()
        ))
        .into_response(),
    }
}
