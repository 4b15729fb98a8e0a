//! The local store: one SQLite file in the platform state directory holding the outbox, the
//! drafts, the read cache and the local audit log, each entry filed under the identity that
//! wrote it. Writes are synchronous to disk before anything relies on them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::identity::{Author, Identity};
use crate::domain::review::{Submission, Target};
use crate::provider::ProviderError;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    submission TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    done_at INTEGER,
    -- Who wrote it: the key's fingerprint (never the key) and the user the API named.
    key_fp TEXT NOT NULL DEFAULT '',
    author_id TEXT,
    author_name TEXT,
    -- The case it was written on, when known: orders it against the case's other entries.
    case_token TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(profile, state, next_attempt_at);
CREATE TABLE IF NOT EXISTS cache (
    profile TEXT NOT NULL,
    key TEXT NOT NULL,
    json TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (profile, key)
);
-- Every review that landed, with its text: the record of what was decided and why, also where
-- the vendor's API cannot keep the text (text_kept = 0).
CREATE TABLE IF NOT EXISTS local_audit (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    at INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    title TEXT NOT NULL,
    submission TEXT NOT NULL,
    outcome TEXT NOT NULL,
    text_kept INTEGER NOT NULL,
    key_fp TEXT NOT NULL DEFAULT '',
    author_id TEXT,
    author_name TEXT
);
-- The last known queue, one row per case, so a poll that changed ten cases writes ten rows.
-- `walk` is the whole walk that last wrote the row: one finished prunes rows it did not see.
CREATE TABLE IF NOT EXISTS queue_cache (
    profile TEXT NOT NULL,
    token TEXT NOT NULL,
    json TEXT NOT NULL,
    walk INTEGER NOT NULL,
    PRIMARY KEY (profile, token)
);
CREATE TABLE IF NOT EXISTS drafts (
    profile TEXT NOT NULL,
    key_fp TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (profile, key_fp, target)
);
"#;

/// Brings a store written by an older docket up to date: authors on the outbox and the audit
/// log, drafts filed by key. Entries from before keep an empty author, so nobody sends them;
/// drafts from before go to the first identity that opens the profile (they never left this
/// machine, and hold only text).
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= 1 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let has = |table: &str, col: &str| -> rusqlite::Result<bool> {
        tx.query_row(
            "SELECT COUNT(*) FROM pragma_table_info(?1) WHERE name = ?2",
            [table, col],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    if !has("outbox", "key_fp")? {
        tx.execute_batch(
            "ALTER TABLE outbox ADD COLUMN key_fp TEXT NOT NULL DEFAULT '';
             ALTER TABLE outbox ADD COLUMN author_id TEXT;
             ALTER TABLE outbox ADD COLUMN author_name TEXT;
             ALTER TABLE outbox ADD COLUMN case_token TEXT;",
        )?;
    }
    if !has("local_audit", "key_fp")? {
        tx.execute_batch(
            "ALTER TABLE local_audit ADD COLUMN key_fp TEXT NOT NULL DEFAULT '';
             ALTER TABLE local_audit ADD COLUMN author_id TEXT;
             ALTER TABLE local_audit ADD COLUMN author_name TEXT;",
        )?;
    }
    if !has("drafts", "key_fp")? {
        tx.execute_batch(
            "CREATE TABLE drafts_v1 (
                 profile TEXT NOT NULL,
                 key_fp TEXT NOT NULL DEFAULT '',
                 target TEXT NOT NULL,
                 text TEXT NOT NULL,
                 conditions TEXT NOT NULL DEFAULT '',
                 updated_at INTEGER NOT NULL,
                 PRIMARY KEY (profile, key_fp, target)
             );
             INSERT INTO drafts_v1 (profile, key_fp, target, text, conditions, updated_at)
                 SELECT profile, '', target, text, conditions, updated_at FROM drafts;
             DROP TABLE drafts;
             ALTER TABLE drafts_v1 RENAME TO drafts;",
        )?;
    }
    tx.execute_batch("PRAGMA user_version = 1")?;
    tx.commit()
}

/// One review in the local audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    pub profile: String,
    /// Who wrote it (empty for reviews logged by an older docket).
    pub author: Author,
    pub at_ms: i64,
    pub vendor: String,
    pub title: String,
    /// `None` when it was written by a version of docket that this one cannot read.
    pub submission: Option<Submission>,
    pub outcome: String,
    /// Whether the vendor's API kept the text typed with it.
    pub text_kept: bool,
}

/// Where an outbox entry stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryState {
    /// Waiting to be sent (again).
    Pending,
    /// The API refused it; it waits for the analyst to edit, resend or discard it.
    Failed,
    /// It landed.
    Done,
}

impl EntryState {
    fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Failed => "failed",
            EntryState::Done => "done",
        }
    }
    fn parse(s: &str) -> EntryState {
        match s {
            "failed" => EntryState::Failed,
            "done" => EntryState::Done,
            _ => EntryState::Pending,
        }
    }
}

/// One outbox entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub idempotency_key: String,
    pub title: String,
    pub submission: Submission,
    pub state: EntryState,
    pub attempts: u32,
    pub last_error: Option<ProviderError>,
    pub created_at: i64,
    pub next_attempt_at_ms: i64,
    /// Who wrote it; only this identity sends it.
    pub author: Author,
    /// The case it was written on, when known.
    pub case: Option<String>,
}

impl Entry {
    /// What orders it against other entries (see [`Submission::order_keys`]).
    pub fn order_keys(&self) -> Vec<Target> {
        self.submission.order_keys(self.case.as_deref())
    }
}

pub use crate::domain::review::Counts;
pub use keyed::{Filed, Keyed};

mod keyed;
mod queue_cache;

/// The store, for one profile and the identity it is opened as.
pub struct Store {
    conn: Connection,
    /// Submissions already decoded, by entry id with the text they were decoded from: the
    /// sender reads every open entry after each answer, and a thousand-row import would
    /// otherwise decode every body a thousand times.
    decoded: std::cell::RefCell<HashMap<i64, (String, Submission)>>,
    identity: Identity,
    pub path: PathBuf,
}

/// The default location: `<state dir>/docket/local.db`.
pub fn default_path() -> Option<PathBuf> {
    use etcetera::app_strategy::{AppStrategy, AppStrategyArgs, choose_app_strategy};
    let s = choose_app_strategy(AppStrategyArgs {
        top_level_domain: "dev".into(),
        author: "docket".into(),
        app_name: "docket".into(),
    })
    .ok()?;
    Some(
        s.state_dir()
            .unwrap_or_else(|| s.data_dir())
            .join("local.db"),
    )
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl Store {
    /// Opens (creating) the store at `path` as `identity`.
    pub fn open(path: &Path, identity: &Identity) -> rusqlite::Result<Store> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: an entry is on disk before its request leaves.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        migrate(&mut conn)?;
        // Drafts an older docket kept for the profile become this identity's.
        conn.execute(
            "UPDATE OR IGNORE drafts SET key_fp = ?2 WHERE profile = ?1 AND key_fp = ''",
            params![identity.profile, identity.key_fp],
        )?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        Ok(Store {
            conn,
            decoded: Default::default(),
            identity: identity.clone(),
            path: path.to_path_buf(),
        })
    }

    /// The identity the store was opened as, with the user once known.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Records which user the key belongs to (from the API, when it says).
    pub fn set_user(&mut self, user: Option<&crate::domain::model::User>) {
        self.identity = self.identity.clone().with_user(user);
    }

    /// Records a review that landed in the local audit log, with its author.
    pub fn audit(
        &self,
        vendor: &str,
        entry: &Entry,
        outcome: &str,
        text_kept: bool,
    ) -> rusqlite::Result<()> {
        let json = serde_json::to_string(&entry.submission)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        self.conn.execute(
            "INSERT INTO local_audit (profile, at, vendor, title, submission, outcome, text_kept, \
             key_fp, author_id, author_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                self.identity.profile,
                now_ms(),
                vendor,
                entry.title,
                json,
                outcome,
                text_kept,
                entry.author.key_fp,
                entry.author.user_id,
                entry.author.user_name,
            ],
        )?;
        Ok(())
    }

    /// How many reviews this identity landed since `since_ms`.
    pub fn landed_since(&self, since_ms: i64) -> rusqlite::Result<u32> {
        self.conn.query_row(
            "SELECT COUNT(*) FROM local_audit WHERE profile = ?1 AND key_fp = ?2 AND at >= ?3",
            params![self.identity.profile, self.identity.key_fp, since_ms],
            |r| r.get(0),
        )
    }

    /// The submissions this identity wrote on `case` that have not landed, or landed since
    /// `since_ms`: the changes to the case it made itself since then.
    pub fn own_since(&self, case: &str, since_ms: i64) -> rusqlite::Result<Vec<Submission>> {
        let mut out = Vec::new();
        let rows = self
            .conn
            .prepare(
                "SELECT submission, key_fp, author_id, author_name FROM outbox \
                 WHERE profile = ?1 AND case_token = ?2 AND (done_at IS NULL OR done_at >= ?3) \
                 ORDER BY id",
            )?
            .query_map(params![self.identity.profile, case, since_ms], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Author {
                        key_fp: r.get(1)?,
                        user_id: r.get(2)?,
                        user_name: r.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (json, author) in rows {
            if self.identity.owns(&author)
                && let Ok(s) = serde_json::from_str(&json)
            {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The newest `limit` entries of the local audit log, of this profile or (`all`) every one.
    pub fn audit_log(&self, all: bool, limit: usize) -> rusqlite::Result<Vec<AuditRecord>> {
        self.conn
            .prepare(
                "SELECT profile, at, vendor, title, submission, outcome, text_kept, key_fp, \
                 author_id, author_name FROM local_audit \
                 WHERE ?1 OR profile = ?2 ORDER BY id DESC LIMIT ?3",
            )?
            .query_map(params![all, self.identity.profile, limit as i64], |r| {
                let json: String = r.get(4)?;
                Ok(AuditRecord {
                    profile: r.get(0)?,
                    author: Author {
                        key_fp: r.get(7)?,
                        user_id: r.get(8)?,
                        user_name: r.get(9)?,
                    },
                    at_ms: r.get(1)?,
                    vendor: r.get(2)?,
                    title: r.get(3)?,
                    submission: serde_json::from_str(&json).ok(),
                    outcome: r.get(5)?,
                    text_kept: r.get(6)?,
                })
            })?
            .collect()
    }

    /// Adds a submission written by this identity on `case`, committed, with the key every
    /// attempt will carry.
    pub fn enqueue(
        &self,
        title: &str,
        submission: &Submission,
        case: Option<&str>,
        key: &str,
    ) -> rusqlite::Result<i64> {
        let json = serde_json::to_string(submission)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let now = now_ms();
        let i = &self.identity;
        self.conn.execute(
            "INSERT INTO outbox (profile, idempotency_key, title, submission, state, created_at, \
             next_attempt_at, key_fp, author_id, author_name, case_token) \
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5, ?6, ?7, ?8, ?9)",
            params![
                i.profile,
                key,
                title,
                json,
                now,
                i.key_fp,
                i.user_id,
                i.user_name,
                case.filter(|c| !c.is_empty()),
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
        Self::row_decoded(r, &mut HashMap::new())
    }

    /// An entry from its row, its submission decoded once per text (see `decoded`).
    fn row_decoded(
        r: &rusqlite::Row<'_>,
        decoded: &mut HashMap<i64, (String, Submission)>,
    ) -> rusqlite::Result<Entry> {
        let id: i64 = r.get(0)?;
        let sub = r.get_ref(3)?.as_str()?;
        let submission = match decoded.get(&id) {
            Some((text, s)) if text == sub => s.clone(),
            _ => {
                let s: Submission = serde_json::from_str(sub).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?;
                decoded.insert(id, (sub.to_string(), s.clone()));
                s
            }
        };
        let err: Option<String> = r.get(6)?;
        Ok(Entry {
            id,
            idempotency_key: r.get(1)?,
            title: r.get(2)?,
            submission,
            state: EntryState::parse(&r.get::<_, String>(4)?),
            attempts: r.get::<_, i64>(5)?.max(0) as u32,
            last_error: err.and_then(|e| serde_json::from_str(&e).ok()),
            created_at: r.get(7)?,
            next_attempt_at_ms: r.get(8)?,
            author: Author {
                key_fp: r.get(9)?,
                user_id: r.get(10)?,
                user_name: r.get(11)?,
            },
            case: r.get(12)?,
        })
    }

    const COLS: &'static str = "id, idempotency_key, title, submission, state, attempts, \
        last_error, created_at, next_attempt_at, key_fp, author_id, author_name, case_token";

    /// Entries of the profile not yet landed (pending and failed), every author's, oldest
    /// first.
    pub fn open_entries(&self) -> rusqlite::Result<Vec<Entry>> {
        let mut decoded = self.decoded.borrow_mut();
        let entries: Vec<Entry> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM outbox WHERE profile = ?1 AND state != 'done' ORDER BY id",
                Self::COLS
            ))?
            .query_map([&self.identity.profile], |r| {
                Self::row_decoded(r, &mut decoded)
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Only open entries are kept decoded.
        if decoded.len() > entries.len() {
            let open: std::collections::HashSet<i64> = entries.iter().map(|e| e.id).collect();
            decoded.retain(|id, _| open.contains(id));
        }
        Ok(entries)
    }

    /// One entry.
    pub fn get(&self, id: i64) -> rusqlite::Result<Option<Entry>> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM outbox WHERE id = ?1", Self::COLS),
                [id],
                Self::row,
            )
            .optional()
    }

    /// Records the outcome of an attempt.
    pub fn record(
        &self,
        id: i64,
        state: EntryState,
        error: Option<&ProviderError>,
        next_attempt_at_ms: i64,
    ) -> rusqlite::Result<()> {
        let err = error.and_then(|e| serde_json::to_string(e).ok());
        self.conn.execute(
            "UPDATE outbox SET state = ?2, attempts = attempts + 1, last_error = ?3, next_attempt_at = ?4, \
             done_at = CASE WHEN ?2 = 'done' THEN ?5 ELSE done_at END WHERE id = ?1",
            params![id, state.as_str(), err, next_attempt_at_ms, now_ms()],
        )?;
        Ok(())
    }

    /// Sends a failed entry again (after an edit, with a new key if the request changed).
    pub fn resend(&self, id: i64, submission: &Submission, key: &str) -> rusqlite::Result<()> {
        let json = serde_json::to_string(submission)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        self.conn.execute(
            "UPDATE outbox SET state = 'pending', submission = ?2, idempotency_key = ?3, next_attempt_at = ?4 WHERE id = ?1",
            params![id, json, key, now_ms()],
        )?;
        Ok(())
    }

    /// Makes this identity's pending entries due now: a new run tries what an earlier one left
    /// waiting in its backoff.
    pub fn due_now(&self) -> rusqlite::Result<()> {
        let mine: Vec<i64> = self
            .open_entries()?
            .into_iter()
            .filter(|e| e.state == EntryState::Pending && self.identity.owns(&e.author))
            .map(|e| e.id)
            .collect();
        let now = now_ms();
        for id in mine {
            self.conn.execute(
                "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1 AND next_attempt_at > ?2",
                params![id, now],
            )?;
        }
        Ok(())
    }

    /// Narrows an entry to what is left to do (the refused part of a bulk whose other items
    /// landed), with a fresh Idempotency-Key: the old one belongs to the larger request.
    pub fn narrow(&self, id: i64, submission: &Submission, key: &str) -> rusqlite::Result<()> {
        let json = serde_json::to_string(submission)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        self.conn.execute(
            "UPDATE outbox SET submission = ?2, idempotency_key = ?3 WHERE id = ?1",
            params![id, json, key],
        )?;
        Ok(())
    }

    /// Drops an entry the analyst discarded.
    pub fn discard(&self, id: i64) -> rusqlite::Result<()> {
        self.conn
            .execute("DELETE FROM outbox WHERE id = ?1 AND state != 'done'", [id])?;
        Ok(())
    }

    /// What waits: this identity's pending and failed entries, and other authors' held ones.
    pub fn counts(&self) -> rusqlite::Result<Counts> {
        let mut c = Counts::default();
        // Counted in SQL, by state and author: the sender counts after every answer, and a
        // thousand-row import must not read every entry each time.
        let mut stmt = self.conn.prepare_cached(
            "SELECT state, key_fp, author_id, author_name, COUNT(*) FROM outbox \
             WHERE profile = ?1 AND state != 'done' \
             GROUP BY state, key_fp, author_id, author_name ORDER BY MIN(id)",
        )?;
        let groups = stmt.query_map([&self.identity.profile], |r| {
            Ok((
                EntryState::parse(&r.get::<_, String>(0)?),
                Author {
                    key_fp: r.get(1)?,
                    user_id: r.get(2)?,
                    user_name: r.get(3)?,
                },
                r.get::<_, i64>(4)?.max(0) as u32,
            ))
        })?;
        for group in groups {
            let (state, author, n) = group?;
            if self.identity.owns(&author) {
                match state {
                    EntryState::Pending => c.pending += n,
                    EntryState::Failed => c.failed += n,
                    EntryState::Done => {}
                }
            } else {
                let who = author.display();
                match c.held.iter_mut().find(|(w, _)| *w == who) {
                    Some((_, k)) => *k += n,
                    None => c.held.push((who, n)),
                }
            }
        }
        Ok(c)
    }

    /// Keeps the last known copy of something read from the API.
    pub fn cache_put(&self, key: &str, json: &str, at_ms: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO cache (profile, key, json, at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(profile, key) DO UPDATE SET json = excluded.json, at = excluded.at",
            params![self.identity.profile, key, json, at_ms],
        )?;
        Ok(())
    }

    /// The last known copy and when it was read (ms).
    pub fn cache_get(&self, key: &str) -> rusqlite::Result<Option<(String, i64)>> {
        self.conn
            .query_row(
                "SELECT json, at FROM cache WHERE profile = ?1 AND key = ?2",
                params![self.identity.profile, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// Saves a draft (the text being typed for a target).
    pub fn save_draft(&self, target: &str, text: &str, conditions: &str) -> rusqlite::Result<()> {
        if text.is_empty() && conditions.is_empty() {
            return self.delete_draft(target);
        }
        self.conn.execute(
            "INSERT INTO drafts (profile, key_fp, target, text, conditions, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(profile, key_fp, target) DO UPDATE SET \
             text = excluded.text, conditions = excluded.conditions, updated_at = excluded.updated_at",
            params![
                self.identity.profile,
                self.identity.key_fp,
                target,
                text,
                conditions,
                now_ms()
            ],
        )?;
        Ok(())
    }

    /// Deletes the draft under `target` only if it still holds `text` (a stale save).
    pub fn delete_draft_if(&self, target: &str, text: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM drafts WHERE profile = ?1 AND key_fp = ?2 AND target = ?3 AND text = ?4",
            params![self.identity.profile, self.identity.key_fp, target, text],
        )?;
        Ok(())
    }

    pub fn delete_draft(&self, target: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM drafts WHERE profile = ?1 AND key_fp = ?2 AND target = ?3",
            params![self.identity.profile, self.identity.key_fp, target],
        )?;
        Ok(())
    }

    /// Every draft of this identity: target → (text, conditions).
    pub fn drafts(&self) -> rusqlite::Result<Vec<(String, String, String)>> {
        self.conn
            .prepare(
                "SELECT target, text, conditions FROM drafts WHERE profile = ?1 AND key_fp = ?2",
            )?
            .query_map(params![self.identity.profile, self.identity.key_fp], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect()
    }
}
