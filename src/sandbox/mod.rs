//! The embedded sandbox: a real HTTP server speaking the Zenoo-compatible case API over a real
//! SQLite database, seeded with realistic cases, so docket runs and is tested with no vendor
//! account. `docket sandbox serve` runs it on its own; the console starts it in-process.

pub mod api;
pub mod db;
pub mod seed;
pub mod server;
pub mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::domain::UserRole;
use api::extract::{hex, key_hash};
pub use api::limits::RateLimit;
use api::{AppState, Faults, User};

/// Everything `docket sandbox serve` takes.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub db_path: PathBuf,
    pub cases: usize,
    pub seed: u64,
    pub fresh: bool,
    /// Key for the first analyst instead of the derived one.
    pub api_key: Option<String>,
    pub faults: Faults,
    pub allow_remote: bool,
    /// Reader connections for GETs.
    pub readers: usize,
    /// Requests per second per API key (and per address for requests without a valid key);
    /// `None` turns the limit off.
    pub rate_limit: Option<RateLimit>,
    /// Time a client has to send a request's headers, from connecting or from the previous
    /// answer; also how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// Time a request may take from its headers to its answer, body upload included.
    pub request_timeout: Duration,
}

/// Default [`Config::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`Config::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Config {
    /// Defaults: loopback on a random port, 400 cases, seed 1, [`RateLimit::DEFAULT`], a 10 s
    /// header read timeout and a 30 s request timeout.
    pub fn new(db_path: PathBuf) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path,
            cases: 400,
            seed: 1,
            fresh: false,
            api_key: None,
            faults: Faults::default(),
            allow_remote: false,
            readers: 4,
            rate_limit: Some(RateLimit::DEFAULT),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// The default database: `<data dir>/docket/sandbox.db`.
pub fn default_db_path() -> Result<PathBuf> {
    use etcetera::app_strategy::{AppStrategy, AppStrategyArgs, choose_app_strategy};
    let strategy = choose_app_strategy(AppStrategyArgs {
        top_level_domain: "dev".into(),
        author: "docket".into(),
        app_name: "docket".into(),
    })
    .map_err(|e| eyre!("cannot find the platform data directory: {e}"))?;
    Ok(strategy.data_dir().join("sandbox.db"))
}

/// A user's key, as printed at start-up.
#[derive(Clone)]
pub struct Credential {
    pub user_id: String,
    pub name: String,
    pub role: UserRole,
    pub key: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("user_id", &self.user_id)
            .field("role", &self.role)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// How the database was prepared.
#[derive(Debug, Clone, Copy)]
pub enum Prepared {
    Reused,
    Seeded { stats: seed::Stats, took: Duration },
}

/// A running sandbox.
pub struct Sandbox {
    pub addr: SocketAddr,
    pub credentials: Vec<Credential>,
    pub prepared: Prepared,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

impl Sandbox {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The credential of the first user with `role`.
    pub fn credential(&self, role: UserRole) -> Option<&Credential> {
        self.credentials.iter().find(|c| c.role == role)
    }

    /// Stops accepting, finishes in-flight requests, and waits.
    pub async fn shutdown(self) -> Result<()> {
        self.shutdown.cancel();
        self.task.await.wrap_err("sandbox task panicked")??;
        Ok(())
    }

    /// A token that stops the server when cancelled.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Waits until the server stops.
    pub async fn wait(self) -> Result<()> {
        self.task.await.wrap_err("sandbox task panicked")??;
        Ok(())
    }

    /// Binds, prepares the database (seeding on first use), and starts serving.
    pub async fn start(cfg: Config) -> Result<Sandbox> {
        if !cfg.addr.ip().is_loopback() && !cfg.allow_remote {
            bail!(
                "refusing to listen on {} (not loopback): the sandbox has no TLS and prints its keys; pass --allow-remote to do it anyway",
                cfg.addr
            );
        }
        if !(0.0..=1.0).contains(&cfg.faults.fail_rate) {
            bail!(
                "--fail-rate must be between 0 and 1, got {}",
                cfg.faults.fail_rate
            );
        }
        if cfg.header_read_timeout.is_zero() || cfg.request_timeout.is_zero() {
            bail!("the header read timeout and the request timeout must be positive");
        }
        let listener = TcpListener::bind(cfg.addr)
            .await
            .wrap_err_with(|| format!("cannot listen on {}", cfg.addr))?;
        let addr = listener.local_addr()?;

        let prep_cfg = cfg.clone();
        let (writer, prepared, users, credentials) =
            tokio::task::spawn_blocking(move || prepare(&prep_cfg))
                .await
                .wrap_err("database preparation panicked")??;
        let db = db::Db::new(&cfg.db_path, writer, cfg.readers)
            .wrap_err_with(|| format!("cannot open {}", cfg.db_path.display()))?;

        let users_by_key: Arc<HashMap<[u8; 32], User>> =
            Arc::new(users.iter().map(|(h, u)| (*h, u.clone())).collect());
        let limiter = cfg
            .rate_limit
            .map(|rate| Arc::new(api::limits::Limiter::new(rate, users_by_key.clone())));
        let users_by_id: HashMap<String, User> = users
            .into_iter()
            .map(|(_, u)| (u.user_id.clone(), u))
            .collect();
        let state = AppState {
            db: db.clone(),
            users_by_key,
            users: Arc::new(users_by_id),
            faults: cfg.faults,
        };
        let shutdown = CancellationToken::new();

        // Forget idempotency keys past their 24 hours, hourly, and idle callers' rate-limit
        // buckets every minute.
        let purge_stop = shutdown.clone();
        let purge_limiter = limiter.clone();
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(Duration::from_secs(3600));
            let mut minutely = tokio::time::interval(Duration::from_secs(60));
            loop {
                tokio::select! {
                    _ = purge_stop.cancelled() => break,
                    _ = hourly.tick() => {
                        let _ = db.with_writer(|c| {
                            api::write::purge_expired(c, api::render::now()).map_err(api::ApiError::from)
                        }).await;
                    }
                    _ = minutely.tick() => {
                        if let Some(l) = &purge_limiter {
                            l.forget_idle();
                        }
                    }
                }
            }
        });

        let app = api::router(state, limiter, cfg.request_timeout);
        let stop = shutdown.clone();
        let drain = cfg.request_timeout + cfg.header_read_timeout;
        let task = tokio::spawn(server::serve(
            listener,
            app,
            cfg.header_read_timeout,
            drain,
            stop,
        ));
        Ok(Sandbox {
            addr,
            credentials,
            prepared,
            shutdown,
            task,
        })
    }
}

type Prep = (Connection, Prepared, Vec<([u8; 32], User)>, Vec<Credential>);

fn remove_db_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .wrap_err_with(|| format!("cannot remove {}", Path::new(&p).display()));
            }
        }
    }
    Ok(())
}

/// The key of a seeded user, derived from the database's secret so it is stable across restarts
/// without being stored; only its hash is kept in `users`.
fn derive_key(secret: &str, user_id: &str) -> String {
    let digest = Sha256::digest(format!("{secret}:{user_id}").as_bytes());
    format!("dk_sbx_{}", &hex(&digest)[..32])
}

/// Seeds a new database in a temporary file beside `path` and moves it into place only when it
/// is complete, so a crash mid-seed never leaves a half-seeded database behind, and two sandboxes
/// started at once on one path end up sharing one database. `None` when another process got
/// there first.
fn seed_new_file(cfg: &Config, dir: &Path) -> Result<Option<(seed::Stats, Duration)>> {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix(".docket-sandbox-seeding")
        .tempfile_in(dir)
        .wrap_err_with(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let conn = db::open_for_seeding(tmp.path())?;
    let mut secret = [0u8; 32];
    rand::fill(&mut secret);
    let secret = hex(&secret);
    let tx = conn.unchecked_transaction()?;
    for u in seed::USERS {
        tx.execute(
            "INSERT INTO users (user_id, name, email, title, role, key_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![u.user_id, u.name, u.email, u.title, u.role.as_str(), key_hash(&derive_key(&secret, u.user_id)).to_vec()],
        )?;
    }
    let now = api::render::now();
    let stats = seed::seed(&tx, cfg.cases, cfg.seed, now).wrap_err("seeding failed")?;
    for (k, v) in [
        ("key_secret", secret.as_str()),
        ("schema_version", &db::SCHEMA_VERSION.to_string()),
        ("seed", &cfg.seed.to_string()),
        ("cases", &cfg.cases.to_string()),
        ("seeded_at", &now.to_string()),
    ] {
        db::meta_set(&tx, k, v)?;
    }
    tx.commit()?;
    tracing::info!(secs = started.elapsed().as_secs_f64(), "rows seeded");
    db::finish_seeding(&conn)?;
    tracing::info!(secs = started.elapsed().as_secs_f64(), "indexes built");
    drop(conn);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))?;
    }
    match tmp.persist_noclobber(&cfg.db_path) {
        Ok(_) => Ok(Some((stats, started.elapsed()))),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(e.error).wrap_err_with(|| {
            format!(
                "cannot move the seeded database to {}",
                cfg.db_path.display()
            )
        }),
    }
}

fn prepare(cfg: &Config) -> Result<Prep> {
    if cfg.fresh {
        remove_db_files(&cfg.db_path)?;
    }
    let dir = match cfg.db_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    let mut prepared = Prepared::Reused;
    if !cfg.db_path.exists()
        && let Some((stats, took)) = seed_new_file(cfg, &dir)?
    {
        prepared = Prepared::Seeded { stats, took };
    }
    let conn = db::open_writer(&cfg.db_path)
        .wrap_err_with(|| format!("cannot open the sandbox database {}", cfg.db_path.display()))?;
    let version: i64 = db::meta_get(&conn, "schema_version")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if db::meta_get(&conn, "seeded_at")?.is_none() || version != db::SCHEMA_VERSION {
        bail!(
            "{} is not a sandbox database of this version of docket (schema {version}, expected {}); start with --fresh to reseed it",
            cfg.db_path.display(),
            db::SCHEMA_VERSION
        );
    }
    // Indexes added by a newer docket arrive on existing databases too.
    db::create_indexes(&conn)?;

    let secret = db::meta_get(&conn, "key_secret")?
        .ok_or_else(|| eyre!("the sandbox database has no key secret; start with --fresh"))?;
    let mut users = Vec::new();
    let mut credentials = Vec::new();
    let mut first_analyst = true;
    let mut stmt =
        conn.prepare("SELECT user_id, name, email, title, role FROM users ORDER BY id")?;
    let rows: Vec<(String, String, String, String, String)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    for (user_id, name, email, title, role) in rows {
        let role: UserRole = role
            .parse()
            .map_err(|e| eyre!("user {user_id} has a damaged role: {e}"))?;
        let mut key = derive_key(&secret, &user_id);
        if role == UserRole::Analyst && first_analyst {
            first_analyst = false;
            if let Some(k) = &cfg.api_key {
                if k.trim().is_empty() {
                    bail!("--api-key must not be empty");
                }
                key = k.clone();
            }
        }
        let hash = key_hash(&key);
        conn.execute(
            "UPDATE users SET key_hash = ?2 WHERE user_id = ?1",
            params![user_id, hash.to_vec()],
        )?;
        users.push((
            hash,
            User {
                user_id: user_id.clone(),
                name: name.clone(),
                email,
                title,
                role,
            },
        ));
        credentials.push(Credential {
            user_id,
            name,
            role,
            key,
        });
    }
    api::write::purge_expired(&conn, api::render::now())?;
    Ok((conn, prepared, users, credentials))
}
