//! The local store: one SQLite file in the platform state directory holding the outbox and the
//! drafts. Writes are synchronous to disk before anything relies on them.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::app::flow::Submission;
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
    done_at INTEGER
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
    text_kept INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS drafts (
    profile TEXT NOT NULL,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (profile, target)
);
"#;

/// One review in the local audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    pub profile: String,
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
}

/// The store, for one profile.
pub struct Store {
    conn: Connection,
    profile: String,
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
    /// Opens (creating) the store at `path` for `profile`.
    pub fn open(path: &Path, profile: &str) -> rusqlite::Result<Store> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: an entry is on disk before its request leaves.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        Ok(Store {
            conn,
            profile: profile.to_string(),
            path: path.to_path_buf(),
        })
    }

    /// Records a review that landed in the local audit log.
    pub fn audit(
        &self,
        vendor: &str,
        title: &str,
        submission: &Submission,
        outcome: &str,
        text_kept: bool,
    ) -> rusqlite::Result<()> {
        let json = serde_json::to_string(submission).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO local_audit (profile, at, vendor, title, submission, outcome, text_kept) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                self.profile,
                now_ms(),
                vendor,
                title,
                json,
                outcome,
                text_kept
            ],
        )?;
        Ok(())
    }

    /// How many reviews of this profile landed since `since_ms`.
    pub fn landed_since(&self, since_ms: i64) -> rusqlite::Result<u32> {
        self.conn.query_row(
            "SELECT COUNT(*) FROM local_audit WHERE profile = ?1 AND at >= ?2",
            params![self.profile, since_ms],
            |r| r.get(0),
        )
    }

    /// The newest `limit` entries of the local audit log, of this profile or (`all`) every one.
    pub fn audit_log(&self, all: bool, limit: usize) -> rusqlite::Result<Vec<AuditRecord>> {
        self.conn
            .prepare(
                "SELECT profile, at, vendor, title, submission, outcome, text_kept FROM local_audit \
                 WHERE ?1 OR profile = ?2 ORDER BY id DESC LIMIT ?3",
            )?
            .query_map(params![all, self.profile, limit as i64], |r| {
                let json: String = r.get(4)?;
                Ok(AuditRecord {
                    profile: r.get(0)?,
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

    /// Adds a submission, committed, with the key every attempt will carry.
    pub fn enqueue(
        &self,
        title: &str,
        submission: &Submission,
        key: &str,
    ) -> rusqlite::Result<i64> {
        let json = serde_json::to_string(submission)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let now = now_ms();
        self.conn.execute(
            "INSERT INTO outbox (profile, idempotency_key, title, submission, state, created_at, next_attempt_at) \
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
            params![self.profile, key, title, json, now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
        let sub: String = r.get(3)?;
        let err: Option<String> = r.get(6)?;
        Ok(Entry {
            id: r.get(0)?,
            idempotency_key: r.get(1)?,
            title: r.get(2)?,
            submission: serde_json::from_str(&sub).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    3,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
            state: EntryState::parse(&r.get::<_, String>(4)?),
            attempts: r.get::<_, i64>(5)?.max(0) as u32,
            last_error: err.and_then(|e| serde_json::from_str(&e).ok()),
            created_at: r.get(7)?,
            next_attempt_at_ms: r.get(8)?,
        })
    }

    const COLS: &'static str = "id, idempotency_key, title, submission, state, attempts, last_error, created_at, next_attempt_at";

    /// Entries not yet landed (pending and failed), oldest first.
    pub fn open_entries(&self) -> rusqlite::Result<Vec<Entry>> {
        self.conn
            .prepare(&format!(
                "SELECT {} FROM outbox WHERE profile = ?1 AND state != 'done' ORDER BY id",
                Self::COLS
            ))?
            .query_map([&self.profile], Self::row)?
            .collect()
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

    /// Drops an entry the analyst discarded.
    pub fn discard(&self, id: i64) -> rusqlite::Result<()> {
        self.conn
            .execute("DELETE FROM outbox WHERE id = ?1 AND state != 'done'", [id])?;
        Ok(())
    }

    /// (pending, failed) counts.
    pub fn counts(&self) -> rusqlite::Result<(u32, u32)> {
        self.conn.query_row(
            "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'failed'), 0) FROM outbox WHERE profile = ?1",
            [&self.profile],
            |r| Ok((r.get::<_, i64>(0)? as u32, r.get::<_, i64>(1)? as u32)),
        )
    }

    /// Keeps the last known copy of something read from the API.
    pub fn cache_put(&self, key: &str, json: &str, at_ms: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO cache (profile, key, json, at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(profile, key) DO UPDATE SET json = excluded.json, at = excluded.at",
            params![self.profile, key, json, at_ms],
        )?;
        Ok(())
    }

    /// The last known copy and when it was read (ms).
    pub fn cache_get(&self, key: &str) -> rusqlite::Result<Option<(String, i64)>> {
        self.conn
            .query_row(
                "SELECT json, at FROM cache WHERE profile = ?1 AND key = ?2",
                params![self.profile, key],
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
            "INSERT INTO drafts (profile, target, text, conditions, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT(profile, target) DO UPDATE SET text = excluded.text, conditions = excluded.conditions, updated_at = excluded.updated_at",
            params![self.profile, target, text, conditions, now_ms()],
        )?;
        Ok(())
    }

    pub fn delete_draft(&self, target: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM drafts WHERE profile = ?1 AND target = ?2",
            params![self.profile, target],
        )?;
        Ok(())
    }

    /// Every draft of this profile: target → (text, conditions).
    pub fn drafts(&self) -> rusqlite::Result<Vec<(String, String, String)>> {
        self.conn
            .prepare("SELECT target, text, conditions FROM drafts WHERE profile = ?1")?
            .query_map([&self.profile], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    }
}
