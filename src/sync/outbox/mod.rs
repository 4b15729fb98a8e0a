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

use super::identity::{Author, Identity};
use super::store::{Counts, Entry, EntryState, Filed, Keyed, Store};
use crate::domain::review::Submission;
use crate::provider::Provider;
use crate::provider::ProviderError;
use crate::provider::api::Created;

mod sender;

/// What the outbox tells the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Landed {
        id: i64,
        what: String,
        /// The case it was written on, when known: its row can refresh now.
        case: Option<String>,
        /// What a creation made (the case opened, the entity added), or found already there.
        created: Option<Created>,
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
    /// The API refused the key itself (401): nothing more is sent until docket starts again
    /// with a key it accepts. The entry stays pending.
    KeyRefused {
        id: i64,
        error: ProviderError,
    },
    Counts(Counts),
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
        // Rate limited: not this entry's fault, so no growth with its attempts; the API's
        // Retry-After (or the base) and a little jitter. The sender pauses every entry as long.
        if let Some(wait) = rate_limited(error) {
            return wait + wait.mul_f64(rand::rng().random_range(0.0..0.1));
        }
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
    /// Entries whose request is on its way: they cannot be discarded or replaced meanwhile.
    in_flight: Arc<Mutex<HashSet<i64>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn local(e: rusqlite::Error) -> ProviderError {
    ProviderError::Invalid(format!("the local store: {e}"))
}

/// For each entry that must wait, the earlier entry it waits for. Entries of one author go out
/// in the order written wherever they share what orders them (an alert, an assessment, or the
/// case they were written on: see [`Submission::order_keys`]) while the earlier one is pending.
/// One refused waits for the analyst, and holds back only what was written after it on the
/// same target (the same alert, assessment, or a case-level action on the same case).
pub fn waiting_for(entries: &[Entry], owns: impl Fn(&Author) -> bool) -> HashMap<i64, i64> {
    use crate::domain::review::Target;
    let mut out = HashMap::new();
    // The latest earlier pending entry sharing each order key, and the latest earlier refused
    // one on each target: the nearest of them is what an entry waits for. One pass, so that a
    // thousand entries (an import) cost a thousand look-ups, not a million comparisons.
    let mut pending: HashMap<Target, i64> = HashMap::new();
    let mut refused: HashMap<Target, i64> = HashMap::new();
    let mut mine: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.state != EntryState::Done && owns(&e.author))
        .collect();
    mine.sort_by_key(|e| e.id);
    for e in mine {
        let keys = e.order_keys();
        let targets = e.submission.targets();
        let blocker = keys
            .iter()
            .filter_map(|k| pending.get(k))
            .chain(targets.iter().filter_map(|t| refused.get(t)))
            .max();
        if let Some(before) = blocker {
            out.insert(e.id, *before);
        }
        if e.state == EntryState::Pending {
            for k in keys {
                pending.insert(k, e.id);
            }
        } else {
            for t in targets {
                refused.insert(t, e.id);
            }
        }
    }
    out
}

/// How long a rate-limited API (429) asked to be left alone: its Retry-After, else a second.
fn rate_limited(error: &ProviderError) -> Option<Duration> {
    match error {
        ProviderError::Api {
            status: 429,
            retry_after,
            ..
        } => Some(Duration::from_secs(retry_after.unwrap_or(1).max(1))),
        _ => None,
    }
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
    /// Opens the store as `identity`; call [`Outbox::start`] to begin sending.
    pub fn open(path: &Path, identity: &Identity) -> rusqlite::Result<Outbox> {
        Ok(Outbox {
            store: Arc::new(Mutex::new(Store::open(path, identity)?)),
            wake: Arc::new(Notify::new()),
            in_flight: Arc::new(Mutex::new(HashSet::new())),
        })
    }

    /// The folder the local store lives in (for exports).
    pub fn state_dir(&self) -> Option<std::path::PathBuf> {
        lock(&self.store).path.parent().map(Path::to_path_buf)
    }

    /// Who this outbox writes and sends as.
    pub fn identity(&self) -> Identity {
        lock(&self.store).identity().clone()
    }

    /// Records which user the key belongs to, once the API has said: entries written from now
    /// on carry the name, and entries that user wrote with a key since replaced may be sent.
    pub fn set_user(&self, user: Option<&crate::domain::model::User>) {
        lock(&self.store).set_user(user);
        self.wake.notify_one();
    }

    /// Writes a submission on `case` to disk (committed), as this identity, and wakes the
    /// sender. Returns its entry id.
    pub fn enqueue(
        &self,
        title: &str,
        submission: &Submission,
        case: Option<&str>,
    ) -> Result<i64, ProviderError> {
        let id = lock(&self.store)
            .enqueue(title, submission, case, &new_key())
            .map_err(|e| {
                ProviderError::Invalid(format!("cannot save the submission locally: {e}"))
            })?;
        self.wake.notify_one();
        Ok(id)
    }

    /// Writes submissions under keys the caller derived (an import's rows), as this identity,
    /// in one commit, and wakes the sender: a key filed before is found, not written twice
    /// (see [`Filed`]).
    pub fn enqueue_keyed(&self, items: &[Keyed<'_>]) -> Result<Vec<Filed>, ProviderError> {
        let filed = lock(&self.store).enqueue_keyed(items).map_err(|e| {
            ProviderError::Invalid(format!("cannot save the submissions locally: {e}"))
        })?;
        self.wake.notify_one();
        Ok(filed)
    }

    /// Sends a failed entry again: with its old key if unchanged, a new one if edited.
    pub fn resend(&self, id: i64, submission: &Submission) -> Result<(), ProviderError> {
        let store = lock(&self.store);
        let entry = store
            .get(id)
            .map_err(local)?
            .ok_or_else(|| ProviderError::Invalid(format!("no outbox entry {id}")))?;
        if !store.identity().owns(&entry.author) {
            return Err(ProviderError::Invalid(format!(
                "entry {id} was written by {}: only their key sends it (export or discard it)",
                entry.author.display()
            )));
        }
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

    /// Drops an entry that has not landed; refused while its request is on its way.
    pub fn discard(&self, id: i64) -> Result<(), ProviderError> {
        let flying = lock(&self.in_flight);
        if flying.contains(&id) {
            return Err(ProviderError::Invalid(format!(
                "entry {id} is being sent right now; wait for its answer"
            )));
        }
        let r = lock(&self.store).discard(id).map_err(local);
        drop(flying);
        self.wake.notify_one();
        r
    }

    /// Entries of the profile not yet landed, every author's, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, ProviderError> {
        lock(&self.store).open_entries().map_err(local)
    }

    /// Whether this identity may send an entry written by `author`.
    pub fn owns(&self, author: &Author) -> bool {
        lock(&self.store).identity().owns(author)
    }

    /// What waits: this identity's pending and failed entries, other authors' held ones.
    pub fn counts(&self) -> Result<Counts, ProviderError> {
        lock(&self.store).counts().map_err(local)
    }

    /// The submissions this identity wrote on `case` that have not landed or landed since
    /// `since_ms`.
    pub fn own_since(&self, case: &str, since_ms: i64) -> Vec<Submission> {
        lock(&self.store)
            .own_since(case, since_ms)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the outbox");
                Vec::new()
            })
    }

    /// Writes the entries other authors left (held) to a JSON file in `dir`, for their authors
    /// to send; returns its path and how many there were. The entries stay until discarded.
    pub fn export_held(&self, dir: &Path) -> Result<(std::path::PathBuf, usize), ProviderError> {
        let entries = self.entries()?;
        let held: Vec<serde_json::Value> = entries
            .iter()
            .filter(|e| !self.owns(&e.author))
            .map(|e| {
                serde_json::json!({
                    "entry": e.id,
                    "title": e.title,
                    "author": e.author,
                    "case": e.case,
                    "written_at": jiff::Timestamp::from_millisecond(e.created_at)
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    "idempotency_key": e.idempotency_key,
                    "submission": e.submission,
                })
            })
            .collect();
        let n = held.len();
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let path = dir.join(format!("outbox-held-{stamp}.json"));
        let text = serde_json::to_string_pretty(&held)
            .map_err(|e| ProviderError::Invalid(e.to_string()))?;
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| ProviderError::Invalid(format!("cannot write {}: {e}", path.display())))?;
        Ok((path, n))
    }

    pub fn save_draft(&self, target: &str, text: &str, conditions: &str) {
        if let Err(e) = lock(&self.store).save_draft(target, text, conditions) {
            tracing::warn!(error = %e, "cannot save a draft");
        }
    }

    /// Deletes the draft under `target` only if it still holds `text`.
    pub fn delete_draft_if(&self, target: &str, text: &str) {
        if let Err(e) = lock(&self.store).delete_draft_if(target, text) {
            tracing::warn!(error = %e, "cannot delete a draft");
        }
    }

    pub fn delete_draft(&self, target: &str) {
        let _ = lock(&self.store).delete_draft(target);
    }

    /// Keeps these cases of the queue, row by row (`walk`: the whole walk writing them, or 0
    /// for a poll's changes). Serialised here, off the console's thread.
    pub fn queue_cache_put(&self, walk: i64, cases: &[crate::domain::model::Case]) {
        let rows: Vec<(String, String)> = cases
            .iter()
            .filter_map(|c| Some((c.token.clone(), serde_json::to_string(c).ok()?)))
            .collect();
        if let Err(e) = lock(&self.store).queue_cache_put(walk, &rows) {
            tracing::warn!(error = %e, "cannot cache the queue");
        }
    }

    /// A walk starts (`None`), or the queue is known whole up to `since` (pruning what `walk`,
    /// when it was a whole walk, did not see).
    pub fn queue_cache_mark(&self, walk: Option<i64>, since: Option<jiff::Timestamp>) {
        let mut store = lock(&self.store);
        let done = match since {
            Some(s) => store.queue_cache_done(walk, Some(s.as_millisecond())),
            None => store.queue_cache_forget_since(),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, "cannot cache the queue");
        }
    }

    /// The last known queue, when it was written, and the watermark of the queue known whole
    /// (`None`: ask for everything).
    pub fn queue_cache_read(
        &self,
        take: impl FnMut(Vec<crate::domain::model::Case>),
    ) -> Option<(jiff::Timestamp, Option<jiff::Timestamp>)> {
        let (written, since) = lock(&self.store).queue_cache_read(take).ok()?;
        let at = written
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .unwrap_or_else(jiff::Timestamp::now);
        let since = since.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok());
        Some((at, since))
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

    /// Reviews this identity landed since `since_ms` (for "today" in the status bar).
    pub fn landed_since(&self, since_ms: i64) -> u32 {
        lock(&self.store).landed_since(since_ms).unwrap_or(0)
    }

    /// The newest entries of the local audit log (this profile's, or `all` of them). A read
    /// that fails is an error, never an empty log.
    pub fn audit_log(
        &self,
        all: bool,
        limit: usize,
    ) -> Result<Vec<super::store::AuditRecord>, ProviderError> {
        lock(&self.store).audit_log(all, limit).map_err(local)
    }

    pub fn drafts(&self) -> Vec<(String, String, String)> {
        lock(&self.store).drafts().unwrap_or_default()
    }
}

/// Entry ids mapped to the drawer flows that created them in this run.
pub type FlowIndex = HashMap<i64, u64>;

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, alert: &str, state: EntryState, key_fp: &str) -> Entry {
        Entry {
            id,
            idempotency_key: format!("k{id}"),
            title: String::new(),
            submission: Submission::Acknowledge {
                tokens: vec![alert.into()],
            },
            state,
            attempts: 0,
            last_error: None,
            created_at: 0,
            next_attempt_at_ms: 0,
            author: Author {
                key_fp: key_fp.into(),
                ..Author::default()
            },
            case: Some("cas_1".into()),
        }
    }

    #[test]
    fn a_refused_entry_holds_back_what_was_written_after_it_on_its_target() {
        let me = Identity::new("eu", "me");
        let entries = [
            entry(1, "alt_1", EntryState::Failed, "me"),
            entry(2, "alt_2", EntryState::Pending, "me"),
            entry(3, "alt_1", EntryState::Pending, "me"),
            entry(4, "alt_3", EntryState::Pending, "other"),
        ];
        // 3 (the same alert) waits for the refused 1; 2 (another alert of the case) goes; another
        // author's entry orders nothing of mine.
        let waits = waiting_for(&entries, |a| me.owns(a));
        assert_eq!(
            waits,
            HashMap::from([(3, 2)]),
            "3 waits for 2, the nearest earlier"
        );
        // While 1 is pending rather than refused, everything on its case waits in order.
        let mut pending = entries.clone();
        pending[0].state = EntryState::Pending;
        let waits = waiting_for(&pending, |a| me.owns(a));
        assert_eq!(waits, HashMap::from([(2, 1), (3, 2)]));
        // Once 1 is discarded (gone from the list), 3 still follows 2, which shares its case.
        let waits = waiting_for(&entries[1..], |a| me.owns(a));
        assert_eq!(waits, HashMap::from([(3, 2)]));
    }
}
