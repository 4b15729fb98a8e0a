//! The sandbox's SQLite store: schema, connections and the read/write gateways.
//!
//! One writer connection serialises every change (SQLite allows one writer at a time anyway);
//! a small set of reader connections serves GETs concurrently under WAL. All SQLite work runs on
//! tokio's blocking pool so the async reactor never waits on disk.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::Semaphore;

use super::api::error::ApiError;

pub const SCHEMA_VERSION: i64 = 3;

/// Tables. Times are Unix seconds (UTC); JSON columns hold serialized objects.
const TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    title TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash BLOB NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_rank INTEGER NOT NULL,
    entity_category TEXT NOT NULL,
    primary_entity_id INTEGER,
    assigned_to TEXT,
    sla_due_at INTEGER NOT NULL,
    sla_warning_days INTEGER NOT NULL,
    sla_paused_at INTEGER,
    risk_tier TEXT,
    risk_score REAL,
    decision TEXT,
    summary TEXT,
    escalated_to TEXT,
    escalation_reason TEXT,
    escalated_at INTEGER,
    external_reference TEXT UNIQUE,
    metadata TEXT NOT NULL DEFAULT '{}',
    open_alerts_count INTEGER NOT NULL DEFAULT 0,
    total_alerts_count INTEGER NOT NULL DEFAULT 0,
    total_entities_count INTEGER NOT NULL DEFAULT 0,
    search_text TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_at INTEGER
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    full_name TEXT NOT NULL,
    company_name TEXT,
    registration_number TEXT,
    date_of_birth TEXT,
    nationality TEXT,
    country TEXT NOT NULL,
    address TEXT,
    industry TEXT,
    email TEXT,
    phone TEXT,
    verification_status TEXT NOT NULL,
    risk_rating TEXT,
    external_reference TEXT UNIQUE,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS case_entities (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    role TEXT NOT NULL,
    ownership_percentage REAL,
    parent_entity_id INTEGER REFERENCES entities(id),
    depth INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, entity_id, role)
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    check_id INTEGER,
    type TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_score REAL NOT NULL,
    match_score REAL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    source_data TEXT NOT NULL DEFAULT '{}',
    ai_assessment TEXT,
    resolution_action TEXT,
    resolution_rationale TEXT,
    conditions TEXT,
    is_false_positive INTEGER NOT NULL DEFAULT 0,
    resolved_by TEXT,
    resolved_at INTEGER,
    assigned_to TEXT,
    escalated_to TEXT,
    escalation_reason TEXT,
    sla_due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    type_code TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT,
    provider TEXT NOT NULL,
    execution_method TEXT NOT NULL,
    result_data TEXT NOT NULL DEFAULT '{}',
    alerts_generated INTEGER NOT NULL DEFAULT 0,
    waive_reason TEXT,
    waive_notes TEXT,
    retry_count INTEGER NOT NULL DEFAULT 0,
    valid_until INTEGER,
    executed_at INTEGER,
    completed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS risk_assessments (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    status TEXT NOT NULL,
    overall_score REAL NOT NULL,
    tier TEXT NOT NULL,
    dimensions TEXT NOT NULL,
    override_tier TEXT,
    override_justification TEXT,
    overridden_by TEXT,
    overridden_at INTEGER,
    approved_by TEXT,
    approved_at INTEGER,
    model_version TEXT NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reviewers (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    notes TEXT,
    invited_by TEXT NOT NULL,
    invited_at INTEGER NOT NULL,
    responded_at INTEGER
);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    author_id TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    case_id INTEGER,
    event_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_token TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    request_id TEXT,
    ip_address TEXT,
    created_at INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit entries are immutable'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit entries are immutable'); END;
-- Substring search for `q`: a trigram index over the case's search text, kept in step by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5(
    search_text, content = 'cases', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS idempotency (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
"#;

/// The triggers that keep `cases_fts` in step with `cases`.
const FTS_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER IF NOT EXISTS cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER IF NOT EXISTS cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
"#;

/// Indexes the seeder itself reads through (per-case counts and the current assessment).
const SEED_INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS alerts_case ON alerts(case_id, status);
CREATE INDEX IF NOT EXISTS risk_case ON risk_assessments(case_id, id);
"#;

/// The other secondary indexes, built once after bulk seeding.
const INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS cases_status ON cases(status, sla_due_at, sla_paused_at, id);
CREATE INDEX IF NOT EXISTS cases_assigned ON cases(assigned_to, status, priority_rank, sla_due_at, sla_paused_at, id);
CREATE INDEX IF NOT EXISTS cases_tier ON cases(risk_tier);
CREATE INDEX IF NOT EXISTS cases_type ON cases(type);
CREATE INDEX IF NOT EXISTS cases_created ON cases(created_at, id);
CREATE INDEX IF NOT EXISTS cases_updated ON cases(updated_at, id);
CREATE INDEX IF NOT EXISTS cases_due ON cases(sla_due_at, sla_paused_at, id);
CREATE INDEX IF NOT EXISTS cases_urgency ON cases((CASE WHEN status = 'Closed' THEN 1000000000000 ELSE 0 END + sla_due_at), id) WHERE sla_paused_at IS NULL;
CREATE INDEX IF NOT EXISTS cases_urgency_paused ON cases((CASE WHEN status = 'Closed' THEN 1000000000000 ELSE 0 END + sla_due_at - sla_paused_at), id) WHERE sla_paused_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS cases_paused ON cases(sla_paused_at) WHERE sla_paused_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_entities_entity ON case_entities(entity_id);
CREATE INDEX IF NOT EXISTS alerts_entity ON alerts(entity_id);
CREATE INDEX IF NOT EXISTS alerts_status_score ON alerts(status, priority_score);
CREATE INDEX IF NOT EXISTS alerts_score ON alerts(priority_score, id);
CREATE INDEX IF NOT EXISTS checks_case ON checks(case_id);
CREATE INDEX IF NOT EXISTS checks_entity ON checks(entity_id);
CREATE INDEX IF NOT EXISTS reviewers_case ON reviewers(case_id);
CREATE INDEX IF NOT EXISTS comments_case ON comments(case_id, id);
CREATE INDEX IF NOT EXISTS audit_case ON audit(case_id, id);
CREATE INDEX IF NOT EXISTS audit_target ON audit(target_token);
CREATE INDEX IF NOT EXISTS audit_created ON audit(created_at, id);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_at);
"#;

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Opens (creating if needed) the writer connection and the tables.
pub fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    configure(&conn)?;
    conn.execute_batch(TABLES)?;
    conn.execute_batch(FTS_TRIGGERS)?;
    search_every_name(&conn)?;
    Ok(conn)
}

/// What `q` searches, by version: 2 is every entity's name on a case (directors, UBOs).
const SEARCH_TEXT: &str = "2";

/// A database seeded before `q` covered every name on a case is brought up to date once.
fn search_every_name(conn: &Connection) -> rusqlite::Result<()> {
    if meta_get(conn, "search_text")?.as_deref() == Some(SEARCH_TEXT) {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM cases")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        crate::sandbox::store::refresh_search_text(&tx, id)?;
    }
    meta_set(&tx, "search_text", SEARCH_TEXT)?;
    tx.commit()
}

/// Builds every secondary index (idempotent).
pub fn create_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SEED_INDEXES)?;
    conn.execute_batch(INDEXES)
}

/// Opens a brand-new database file for bulk seeding: no journal, no syncs, a large cache, and
/// only the indexes the seeder needs (no search index yet). Safe only on a file nobody else
/// sees until it is complete.
pub fn open_for_seeding(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.pragma_update(None, "cache_size", -262_144)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The seeder builds parents before children; checking each reference costs two lookups
    // per row for nothing. Serving connections keep the checks on.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.pragma_update(None, "page_size", 8192)?;
    conn.set_prepared_statement_cache_capacity(64);
    // The planner may not look at bound values: otherwise a statement whose plan weighed one
    // (any `col = ?` it considered scanning for) is marked to be prepared again whenever its
    // parameters are cleared, which the statement cache does after every use, and seeding
    // would parse and plan its statements once per row. No statistics exist yet to weigh.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.execute_batch(TABLES)?;
    // `cases_fts` is built once from the finished rows (`finish_seeding`), not kept in step
    // row by row: FTS5 writes its pending terms out at the start of every statement of a
    // transaction it is in, so in step it would write and merge a segment per case.
    conn.execute_batch(SEED_INDEXES)?;
    Ok(conn)
}

/// Finishes a seeded file: the remaining indexes, the search index over every case (and the
/// triggers that keep it in step from now on), statistics, and WAL mode for serving.
pub fn finish_seeding(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(INDEXES)?;
    conn.execute_batch("INSERT INTO cases_fts(cases_fts) VALUES ('rebuild');")?;
    conn.execute_batch(FTS_TRIGGERS)?;
    meta_set(conn, "search_text", SEARCH_TEXT)?;
    // Sampled statistics: enough for the planner, seconds faster than a full ANALYZE.
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    Ok(())
}

/// Reads a value from the `meta` table.
pub fn meta_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

/// Writes a value to the `meta` table.
pub fn meta_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// The shared handle every request uses.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    read_slots: Semaphore,
}

impl Db {
    /// Wraps an open writer and opens `readers` read-only connections beside it.
    pub fn new(path: &Path, writer: Connection, readers: usize) -> rusqlite::Result<Db> {
        let mut pool = Vec::with_capacity(readers);
        for _ in 0..readers {
            pool.push(open_reader(path)?);
        }
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(pool),
                read_slots: Semaphore::new(readers.max(1)),
            }),
        })
    }

    /// Runs `f` on a reader connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let _slot = self
            .inner
            .read_slots
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the sandbox is shutting down"))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = lock(&inner.readers).pop();
            let conn = match conn {
                Some(c) => c,
                None => open_reader(&inner.path).map_err(ApiError::from)?,
            };
            let out = f(&conn);
            lock(&inner.readers).push(conn);
            out
        })
        .await
        .map_err(|e| ApiError::internal(format!("reader task failed: {e}")))?
    }

    /// Runs `f` inside one IMMEDIATE transaction on the writer; commits when it returns `Ok`.
    ///
    /// `after_commit` runs on the writer thread once the commit is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&inner.writer);
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(ApiError::from)?;
            let out = f(&tx)?;
            tx.commit().map_err(ApiError::from)?;
            Ok(out)
        })
        .await
        .map_err(|e| ApiError::internal(format!("writer task failed: {e}")))?
    }

    /// Runs `f` with the writer connection outside any transaction (maintenance work).
    pub async fn with_writer<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&mut lock(&inner.writer)))
            .await
            .map_err(|e| ApiError::internal(format!("writer task failed: {e}")))?
    }
}

/// How much of the file a reader maps (SQLite caps it at its own limit, 2 GiB by default).
const READER_MMAP_BYTES: i64 = 1 << 31;

fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    configure(&conn)?;
    conn.pragma_update(None, "query_only", "ON")?;
    // Pages are read from the file's memory map rather than copied in by a read call each: a
    // walk of every case reads most of a large database, far more than the page cache holds.
    conn.pragma_update(None, "mmap_size", READER_MMAP_BYTES)?;
    Ok(conn)
}

/// A poisoned lock only means a closure panicked mid-request; the connection itself is intact
/// (its transaction was rolled back on drop), so keep serving.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
