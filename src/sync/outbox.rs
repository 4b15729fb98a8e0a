//! The outbox: a review is written to disk with its Idempotency-Key before any request leaves,
//! then sent until it lands exactly once or the API refuses it for good.
//!
//! Connection errors, timeouts, 429 and 5xx are retried with exponential backoff and jitter,
//! honouring `Retry-After`; a 4xx marks the entry failed with the API's code, message and request
//! id, kept until the analyst resends or discards it. Entries left pending by an earlier run go
//! out when the next one starts. The key makes a retry safe against a server that committed the
//! change but never answered.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngExt;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::store::{Entry, EntryState, Store};
use crate::app::flow::Submission;
use crate::provider::Provider;
use crate::provider::ProviderError;

/// What the outbox tells the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Landed {
        id: i64,
        what: String,
    },
    /// Refused for good: kept as failed.
    Failed {
        id: i64,
        error: ProviderError,
    },
    /// Not sent yet; trying again in `retry_in`.
    Retrying {
        id: i64,
        attempts: u32,
        error: ProviderError,
        retry_in: Duration,
    },
    Counts {
        pending: u32,
        failed: u32,
    },
}

/// Retry timing.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(500),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The wait before attempt `attempts + 1`: doubling, capped, with up to 25% jitter, and never
    /// shorter than the server's `Retry-After`.
    pub fn delay(&self, attempts: u32, error: &ProviderError) -> Duration {
        let exp = self.base.saturating_mul(1u32 << attempts.min(16));
        let capped = exp.min(self.max);
        let jitter = capped.mul_f64(rand::rng().random_range(0.0..0.25));
        let floor = match error {
            ProviderError::Api {
                retry_after: Some(s),
                ..
            } => Duration::from_secs(*s),
            _ => Duration::ZERO,
        };
        (capped + jitter).max(floor)
    }
}

/// A handle the console keeps: enqueue, resend, discard, and read entries.
#[derive(Clone)]
pub struct Outbox {
    store: Arc<Mutex<Store>>,
    wake: Arc<Notify>,
}

fn lock(m: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh Idempotency-Key.
pub fn new_key() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdef";
    let mut rng = rand::rng();
    let hex: String = (0..32)
        .map(|_| ALPHABET[rng.random_range(0..16)] as char)
        .collect();
    format!(
        "docket-{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Outbox {
    /// Opens the store; call [`Outbox::start`] to begin sending.
    pub fn open(path: &Path, profile: &str) -> rusqlite::Result<Outbox> {
        Ok(Outbox {
            store: Arc::new(Mutex::new(Store::open(path, profile)?)),
            wake: Arc::new(Notify::new()),
        })
    }

    /// Writes a submission to disk (committed) and wakes the sender. Returns its entry id.
    pub fn enqueue(&self, title: &str, submission: &Submission) -> Result<i64, ProviderError> {
        let id = lock(&self.store)
            .enqueue(title, submission, &new_key())
            .map_err(|e| {
                ProviderError::Invalid(format!("cannot save the submission locally: {e}"))
            })?;
        self.wake.notify_one();
        Ok(id)
    }

    /// Sends a failed entry again: with its old key if unchanged, a new one if edited.
    pub fn resend(&self, id: i64, submission: &Submission) -> Result<(), ProviderError> {
        let store = lock(&self.store);
        let entry = store
            .get(id)
            .map_err(|e| ProviderError::Invalid(e.to_string()))?
            .ok_or_else(|| ProviderError::Invalid(format!("no outbox entry {id}")))?;
        let key = if entry.submission == *submission {
            entry.idempotency_key
        } else {
            new_key()
        };
        store
            .resend(id, submission, &key)
            .map_err(|e| ProviderError::Invalid(e.to_string()))?;
        drop(store);
        self.wake.notify_one();
        Ok(())
    }

    pub fn discard(&self, id: i64) -> Result<(), ProviderError> {
        lock(&self.store)
            .discard(id)
            .map_err(|e| ProviderError::Invalid(e.to_string()))
    }

    /// Entries not yet landed.
    pub fn entries(&self) -> Vec<Entry> {
        lock(&self.store).open_entries().unwrap_or_default()
    }

    pub fn counts(&self) -> (u32, u32) {
        lock(&self.store).counts().unwrap_or((0, 0))
    }

    pub fn save_draft(&self, target: &str, text: &str, conditions: &str) {
        if let Err(e) = lock(&self.store).save_draft(target, text, conditions) {
            tracing::warn!(error = %e, "cannot save a draft");
        }
    }

    pub fn delete_draft(&self, target: &str) {
        let _ = lock(&self.store).delete_draft(target);
    }

    /// Stores a value as the last known copy under `key`.
    pub fn cache_put<T: serde::Serialize>(&self, key: &str, value: &T) {
        match serde_json::to_string(value) {
            Ok(json) => {
                let at = jiff::Timestamp::now().as_millisecond();
                if let Err(e) = lock(&self.store).cache_put(key, &json, at) {
                    tracing::warn!(error = %e, "cannot cache {key}");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot serialise {key}"),
        }
    }

    /// The last known copy under `key`, and when it was read.
    pub fn cache_get<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Option<(T, jiff::Timestamp)> {
        let (json, at) = lock(&self.store).cache_get(key).ok().flatten()?;
        let value = serde_json::from_str(&json).ok()?;
        Some((value, jiff::Timestamp::from_millisecond(at).ok()?))
    }

    /// Reviews of this profile that landed since `since_ms` (for "today" in the status bar).
    pub fn landed_since(&self, since_ms: i64) -> u32 {
        lock(&self.store).landed_since(since_ms).unwrap_or(0)
    }

    /// The newest entries of the local audit log (this profile's, or `all` of them).
    pub fn audit_log(&self, all: bool, limit: usize) -> Vec<super::store::AuditRecord> {
        lock(&self.store).audit_log(all, limit).unwrap_or_default()
    }

    pub fn drafts(&self) -> Vec<(String, String, String)> {
        lock(&self.store).drafts().unwrap_or_default()
    }

    /// Starts the sender: up to `parallel` entries in flight at once.
    pub fn start(
        &self,
        client: Arc<dyn Provider>,
        events: UnboundedSender<Event>,
        backoff: Backoff,
        parallel: usize,
    ) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move { this.sender(client, events, backoff, parallel.max(1)).await })
    }

    async fn sender(
        &self,
        client: Arc<dyn Provider>,
        events: UnboundedSender<Event>,
        backoff: Backoff,
        parallel: usize,
    ) {
        let mut in_flight: HashSet<i64> = HashSet::new();
        let mut tasks: JoinSet<(i64, u32, Result<String, ProviderError>)> = JoinSet::new();
        let count = |this: &Outbox| {
            let (pending, failed) = this.counts();
            let _ = events.send(Event::Counts { pending, failed });
        };
        count(self);
        loop {
            let now = jiff::Timestamp::now().as_millisecond();
            let open = self.entries();
            let mut next_due: Option<i64> = None;
            let candidates: Vec<&Entry> = open
                .iter()
                .filter(|e| e.state == EntryState::Pending && !in_flight.contains(&e.id))
                .collect();
            for e in candidates {
                if e.next_attempt_at_ms <= now && in_flight.len() < parallel {
                    in_flight.insert(e.id);
                    let (client, e) = (client.clone(), e.clone());
                    tasks.spawn(async move {
                        // A retry first looks whether the change is already there: a server
                        // that ignores Idempotency-Key may have applied the first attempt.
                        if e.attempts > 0
                            && let Some(what) = client.already_applied(&e.submission).await
                        {
                            return (
                                e.id,
                                e.attempts,
                                Ok(format!("{what} (it had already landed)")),
                            );
                        }
                        let r = client.submit(&e.submission, &e.idempotency_key).await;
                        (e.id, e.attempts, r)
                    });
                } else if e.next_attempt_at_ms > now {
                    next_due = Some(
                        next_due.map_or(e.next_attempt_at_ms, |d: i64| d.min(e.next_attempt_at_ms)),
                    );
                }
            }
            let wait = next_due.map_or(Duration::from_secs(3600), |d| {
                Duration::from_millis((d - now).max(0) as u64)
            });
            tokio::select! {
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    let Ok((id, attempts, result)) = done else { continue };
                    in_flight.remove(&id);
                    let store = lock(&self.store);
                    let event = match result {
                        Ok(what) => {
                            let _ = store.record(id, EntryState::Done, None, 0);
                            // The local audit log keeps every landed review with its text,
                            // noting where the vendor could not keep the text itself.
                            if let Ok(Some(e)) = store.get(id) {
                                let caps = client.capabilities_for(e.submission.target());
                                let kept = !matches!(e.submission, Submission::Close { .. })
                                    || caps.rationale_on_decision;
                                let _ = store.audit(
                                    caps.vendor.title(),
                                    &e.title,
                                    &e.submission,
                                    &what,
                                    kept,
                                );
                            }
                            Event::Landed { id, what }
                        }
                        Err(error) if error.is_transient() => {
                            let wait = backoff.delay(attempts, &error);
                            let at = jiff::Timestamp::now().as_millisecond() + wait.as_millis() as i64;
                            let _ = store.record(id, EntryState::Pending, Some(&error), at);
                            Event::Retrying { id, attempts: attempts + 1, error, retry_in: wait }
                        }
                        Err(error) => {
                            let _ = store.record(id, EntryState::Failed, Some(&error), 0);
                            Event::Failed { id, error }
                        }
                    };
                    drop(store);
                    // Counts first: whoever reacts to the event sees the outbox as it now is.
                    count(self);
                    if events.send(event).is_err() {
                        return;
                    }
                }
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

/// Entry ids mapped to the drawer flows that created them in this run.
pub type FlowIndex = HashMap<i64, u64>;
