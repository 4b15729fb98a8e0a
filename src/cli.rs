//! The command line: `docket sandbox serve` and friends.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::Result;

use crate::sandbox::{self, Prepared, Sandbox};

#[derive(Parser, Debug)]
#[command(
    name = "docket",
    version,
    about = "A terminal console for reviewing KYC/AML compliance cases",
    long_about = "A terminal console for reviewing KYC/AML compliance cases.\n\n\
        With no --api-url, docket starts its embedded sandbox on loopback and opens the console \
        against it over HTTP.",
    after_help = crate::script::EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// How the console connects.
#[derive(Args, Debug, Clone)]
pub struct ConsoleArgs {
    /// A profile from the config file; give it more than once to merge several queues into
    /// one, each case marked with its profile.
    #[arg(long, global = true)]
    pub profile: Vec<String>,
    /// The config file [default: <config dir>/docket/config.toml].
    #[arg(long, env = "DOCKET_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Theme: dark, light, high-contrast, monochrome, or a file in <config dir>/docket/themes.
    #[arg(long)]
    pub theme: Option<String>,
    /// Base URL of a Zenoo-compatible API (default: the embedded sandbox).
    #[arg(long, global = true)]
    pub api_url: Option<String>,
    /// Environment variable holding the API key.
    #[arg(long, default_value = "DOCKET_API_KEY", global = true)]
    pub api_key_env: String,
    /// Hide and refuse every write action.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Accept plain http:// to a host other than loopback (keys and data travel unencrypted).
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// PEM file with extra root certificates (a corporate CA), added to the platform's.
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,
    /// Seconds between queue polls [default: the profile's, else 15].
    #[arg(long, value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub poll_secs: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The config file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The local audit log: every review that landed, with the text typed with it, also where
    /// the vendor's API could not keep that text.
    AuditLog {
        /// Every profile's entries, not just the chosen one's.
        #[arg(long)]
        all: bool,
        /// How many entries, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Check the config, the key's source, the connection, the clock and the terminal, and
    /// print what was found (secrets redacted). Exits 1 if something is wrong.
    Doctor,
    /// Cases, for scripts: list, show, and review actions sent through the outbox.
    Cases {
        #[command(subcommand)]
        command: crate::script::CasesCommand,
    },
    /// Alerts, for scripts: resolve, acknowledge, escalate.
    Alerts {
        #[command(subcommand)]
        command: crate::script::AlertsCommand,
    },
    /// Risk assessments, for scripts: approve, override.
    Risk {
        #[command(subcommand)]
        command: crate::script::RiskCommand,
    },
    /// The embedded Zenoo-compatible sandbox API.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Write a commented example config (refuses to overwrite unless --force).
    Init {
        #[arg(long)]
        force: bool,
    },
    /// Check the config file and say what it defines.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum SandboxCommand {
    /// Serve the sandbox API until SIGINT or SIGTERM.
    Serve(ServeArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// SQLite database file [default: <data dir>/docket/sandbox.db].
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Cases to seed when the database is new.
    #[arg(long, default_value_t = 400)]
    pub cases: usize,
    /// Seed for the generated data (same seed, same cases).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Delete the database and seed it again.
    #[arg(long)]
    pub fresh: bool,
    /// API key for the first analyst (otherwise one is derived and printed).
    #[arg(long, env = "DOCKET_SANDBOX_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Fraction of write requests that fail with 503 (half after committing), for fault tests.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub fail_rate: f64,
    /// Delay added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Allow a non-loopback --addr.
    #[arg(long)]
    pub allow_remote: bool,
    /// Requests per second per API key (bursts of twice that); 0 turns the limit off.
    #[arg(long, default_value_t = 50)]
    pub rate_limit: u32,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 0..=1"))
    }
}

impl ServeArgs {
    /// The sandbox configuration these arguments describe.
    pub fn config(&self) -> Result<sandbox::Config> {
        let db = match &self.db {
            Some(p) => p.clone(),
            None => sandbox::default_db_path()?,
        };
        let mut cfg = sandbox::Config::new(db);
        cfg.addr = self.addr;
        cfg.cases = self.cases;
        cfg.seed = self.seed;
        cfg.fresh = self.fresh;
        cfg.api_key = self.api_key.clone();
        cfg.faults.fail_rate = self.fail_rate;
        cfg.faults.latency = Duration::from_millis(self.latency_ms);
        cfg.allow_remote = self.allow_remote;
        cfg.rate_limit = sandbox::RateLimit::per_second(self.rate_limit);
        Ok(cfg)
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: None,
            cases: 400,
            seed: 1,
            fresh: false,
            api_key: None,
            fail_rate: 0.0,
            latency_ms: 0,
            allow_remote: false,
            rate_limit: 50,
        }
    }
}

/// Sends logs to `<state dir>/docket.log`; the guard flushes them on exit.
pub fn log_to_file(
    filter: tracing_subscriber::EnvFilter,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use etcetera::app_strategy::{AppStrategy, AppStrategyArgs, choose_app_strategy};
    let strategy = choose_app_strategy(AppStrategyArgs {
        top_level_domain: "dev".into(),
        author: "docket".into(),
        app_name: "docket".into(),
    })
    .ok()?;
    let dir = strategy.state_dir().unwrap_or_else(|| strategy.data_dir());
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "docket.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .init();
    Some(guard)
}

/// A mistake the user can fix: a bad config, an unknown profile, a missing key, a file in the
/// way. `main` prints it plainly, one `docket: ...` line per problem (what, where, what to
/// do), and exits 1; a report with locations and a backtrace is kept for bugs.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The config file cannot be read or parsed.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Everything [`crate::config::validate`] found, one per line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<crate::config::Problem>),
    /// Anything else, said in full.
    #[error("{0}")]
    Message(String),
}

impl UserError {
    pub fn msg(message: impl Into<String>) -> UserError {
        UserError::Message(message.into())
    }
}

/// Whether `report` is a mistake the user can fix rather than a bug: a [`UserError`] or a
/// [`ConfigError`](crate::config::ConfigError) anywhere in its chain.
pub fn is_user_error(report: &color_eyre::eyre::Report) -> bool {
    report
        .chain()
        .any(|e| e.is::<UserError>() || e.is::<crate::config::ConfigError>())
}

/// A user error as `main` prints it: each line `docket: ...`, cleaned of anything a terminal
/// would obey (names in it come from the config file and the command line).
pub fn render_user_error(report: &color_eyre::eyre::Report) -> String {
    format!("{report:#}")
        .lines()
        .map(|l| format!("docket: {}\n", crate::ui::sanitize::clean(l)))
        .collect()
}

pub fn config_path(args: &ConsoleArgs) -> Result<PathBuf, UserError> {
    match &args.config {
        Some(p) => Ok(p.clone()),
        None => crate::config::default_path().ok_or_else(|| {
            UserError::msg(
                "cannot find the platform config directory; pass --config PATH or set DOCKET_CONFIG",
            )
        }),
    }
}

/// The config file and command line, checked as the console checks them before it opens
/// anything (see [`crate::config::validate`]): the file's path, contents and text, or every
/// problem found.
pub fn checked_config(
    args: &ConsoleArgs,
) -> Result<(PathBuf, crate::config::File, String), UserError> {
    let path = config_path(args)?;
    let (file, text) = crate::config::load(&path)?;
    let problems = crate::config::validate(&path, &text, &file, &args.selection());
    if problems.is_empty() {
        Ok((path, file, text))
    } else {
        Err(UserError::Problems(problems))
    }
}

/// `docket config init` and `docket config check`.
pub fn config_command(args: &ConsoleArgs, cmd: &ConfigCommand) -> Result<()> {
    match cmd {
        ConfigCommand::Init { force } => {
            let path = config_path(args)?;
            if path.exists() && !force {
                return Err(UserError::msg(format!(
                    "{} exists; pass --force to replace it",
                    path.display()
                ))
                .into());
            }
            let cannot = |what: &str, p: &std::path::Path, e: std::io::Error| {
                UserError::msg(format!(
                    "cannot {what} {}: {e}; pass --config PATH to write elsewhere",
                    p.display()
                ))
            };
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| cannot("create", dir, e))?;
            }
            std::fs::write(&path, crate::config::EXAMPLE).map_err(|e| cannot("write", &path, e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| cannot("restrict the permissions of", &path, e))?;
            }
            println!("wrote {}", path.display());
        }
        ConfigCommand::Check => {
            // The same checks the console makes before it starts.
            let (path, file, _) = checked_config(args)?;
            println!("{}: ok", path.display());
            for (name, p) in &file.profiles {
                println!(
                    "profile {name}: {} ({})",
                    p.base_url.as_deref().unwrap_or("no base_url"),
                    if p.api_key_cmd.is_some() {
                        "key from api_key_cmd".to_string()
                    } else {
                        format!(
                            "key from ${}",
                            p.api_key_env.as_deref().unwrap_or("DOCKET_API_KEY")
                        )
                    }
                );
            }
            println!("views: {}", file.views.len());
        }
    }
    Ok(())
}

/// A provider opened from the command line and config: an API URL, one or several profiles,
/// or the embedded sandbox.
pub struct Opened {
    pub provider: std::sync::Arc<dyn crate::provider::Provider>,
    /// The name the local store files its outbox, drafts and cache under.
    pub label: String,
    /// The user id to act as, from the profile, for APIs that cannot say.
    pub user: Option<String>,
    /// The fingerprint of the key (of every key, merged): the identity the local store files
    /// outbox entries and drafts under.
    pub key_fp: String,
    /// The embedded sandbox, when one was started; shut it down when done.
    pub sandbox: Option<Sandbox>,
    /// A warning to show (a key in a file others can read).
    pub notice: Option<String>,
    /// Dashboard URL templates by source (`""` for a single profile).
    pub dashboard_urls: std::collections::HashMap<String, String>,
}

/// Opens what `args` point at: `--api-url`, `--profile` (several merge), the config's default
/// profile, or else the embedded sandbox.
pub async fn open(
    args: &ConsoleArgs,
    file: &crate::config::File,
    path: &std::path::Path,
    profile_name: Option<String>,
    profile: Option<&crate::config::Profile>,
) -> Result<Opened> {
    use crate::provider::{ApiKey, Connect, Vendor};
    use color_eyre::eyre::{WrapErr, eyre};
    let path = path.to_path_buf();
    let profile = profile.cloned();
    let mut notice = None;
    let key_fp: String;
    let (provider, label, user, sandbox) = match (&args.api_url, &profile) {
        (Some(url), _) => {
            let key = std::env::var(&args.api_key_env).map_err(|_| {
                UserError::msg(format!(
                    "no API key: set the {} environment variable (or name another with --api-key-env)",
                    args.api_key_env
                ))
            })?;
            if key.trim().is_empty() {
                return Err(UserError::msg(format!(
                    "the {} environment variable is empty",
                    args.api_key_env
                ))
                .into());
            }
            let mut c = Connect::new(Vendor::Zenoo, url, ApiKey::new(key.trim()));
            key_fp = c.key.fingerprint();
            if let Some(p) = &profile {
                c.transport = p.transport(&path);
            }
            args.apply(&mut c.transport);
            (
                crate::provider::connect(c)?,
                host_of(url),
                profile.as_ref().and_then(|p| p.user.clone()),
                None,
            )
        }
        (None, Some(_)) if args.profile.len() > 1 => {
            let mut sources = Vec::new();
            let mut warnings = Vec::new();
            let mut fps = Vec::new();
            for name in &args.profile {
                let p = file
                    .profiles
                    .get(name)
                    .ok_or_else(|| eyre!("no profile {name:?} in {}", path.display()))?;
                let (mut c, source) = p.connect(name, &path).map_err(UserError::msg)?;
                fps.push(format!("{name}={}", c.key.fingerprint()));
                warnings.extend(source.warning);
                args.apply(&mut c.transport);
                let provider = crate::provider::connect(c)
                    .map_err(|e| eyre!("profile {name} in {}: {e}", path.display()))?;
                sources.push((name.clone(), provider));
            }
            for w in &warnings {
                tracing::warn!("{w}");
            }
            notice = warnings.into_iter().next();
            key_fp = crate::provider::fingerprint_of(
                &fps.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            let merged = crate::provider::merged::Merged::new(sources)?;
            let label = args.profile.join("+");
            let user = profile.as_ref().and_then(|p| p.user.clone());
            (
                std::sync::Arc::new(merged) as std::sync::Arc<dyn crate::provider::Provider>,
                label,
                user,
                None,
            )
        }
        (None, Some(p)) => {
            let name = profile_name.clone().unwrap_or_default();
            let (mut c, source) = p.connect(&name, &path).map_err(UserError::msg)?;
            key_fp = c.key.fingerprint();
            if let Some(w) = &source.warning {
                tracing::warn!("{w}");
            }
            notice = source.warning;
            args.apply(&mut c.transport);
            let provider = crate::provider::connect(c)
                .map_err(|e| eyre!("profile {name} in {}: {e}", path.display()))?;
            (provider, name, p.user.clone(), None)
        }
        (None, None) => {
            let sb = Sandbox::start(ServeArgs::default().config()?)
                .await
                .wrap_err("cannot start the embedded sandbox")?;
            let key = sb
                .credential(crate::domain::UserRole::Analyst)
                .map(|c| c.key.clone())
                .ok_or_else(|| eyre!("the sandbox has no analyst"))?;
            key_fp = ApiKey::new(key.clone()).fingerprint();
            let provider =
                crate::provider::connect(Connect::new(Vendor::Zenoo, &sb.url(), ApiKey::new(key)))?;
            (provider, "sandbox".to_string(), None, Some(sb))
        }
    };
    let mut dashboard_urls = std::collections::HashMap::new();
    if args.profile.len() > 1 {
        for name in &args.profile {
            if let Some(u) = file
                .profiles
                .get(name)
                .and_then(|p| p.dashboard_url.clone())
            {
                dashboard_urls.insert(name.clone(), u);
            }
        }
    } else if let Some(u) = profile.as_ref().and_then(|p| p.dashboard_url.clone()) {
        dashboard_urls.insert(String::new(), u);
    }
    Ok(Opened {
        provider,
        label,
        user,
        key_fp,
        sandbox,
        notice,
        dashboard_urls,
    })
}

/// Opens what the command line points at, reading the config file itself.
pub async fn open_from_args(args: &ConsoleArgs) -> Result<Opened> {
    use color_eyre::eyre::bail;
    let path = config_path(args)?;
    let (file, _) = crate::config::load(&path)?;
    if args.api_url.is_some() && args.profile.len() > 1 {
        bail!("--api-url opens one API; merge several with --profile a --profile b instead");
    }
    let (name, profile) = select_profile(args, &file, &path)?;
    open(args, &file, &path, name, profile.as_ref()).await
}

/// Runs the console: against `--api-url`, a profile, or a sandbox started in-process.
pub async fn console(args: &ConsoleArgs) -> Result<()> {
    use color_eyre::eyre::eyre;

    // Everything `docket config check` checks, so what it passes starts and what it refuses
    // does not.
    let (path, file, text) = checked_config(args)?;
    let keymap = crate::config::keymap_of(&file, &text, &path)?;
    let (profile_name, profile) = select_profile(args, &file, &path)?;
    let views = profile
        .as_ref()
        .and_then(|p| p.views.clone())
        .or_else(|| (!file.views.is_empty()).then(|| file.views.clone()))
        .map(|v| v.iter().map(crate::app::queue::View::from).collect());
    let theme_name = args
        .theme
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.theme.clone()))
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "dark".into());
    let theme = match std::env::var("NO_COLOR") {
        Ok(v) if !v.is_empty() => crate::ui::Theme::monochrome(),
        _ => crate::ui::theme::load(
            &theme_name,
            path.parent().map(|d| d.join("themes")).as_deref(),
        )?,
    };
    let poll = args
        .poll_secs
        .or_else(|| profile.as_ref().and_then(|p| p.poll_secs))
        .unwrap_or(15)
        .clamp(2, 3600);
    let read_only = args.read_only || profile.as_ref().and_then(|p| p.read_only).unwrap_or(false);

    let Opened {
        provider: client,
        label,
        user,
        key_fp,
        sandbox,
        notice,
        dashboard_urls,
    } = open(args, &file, &path, profile_name, profile.as_ref()).await?;
    let store = std::env::var_os("DOCKET_STATE_DB")
        .map(PathBuf::from)
        .or_else(crate::sync::store::default_path)
        .ok_or_else(|| eyre!("cannot find the platform state directory"))?;
    let result = crate::tui::run(crate::tui::Options {
        profile: label,
        key_fp,
        client,
        read_only,
        poll: Duration::from_secs(poll),
        user,
        store,
        theme,
        keymap,
        views,
        notice,
        dashboard_urls,
        snippets: file.snippets.iter().map(Into::into).collect(),
        notify: file.notify.clone(),
    })
    .await;
    if let Some(sb) = sandbox {
        sb.shutdown().await?;
    }
    result
}

/// The profile the command line chooses: `--profile`, else the file's `default_profile` unless
/// `--api-url` is given. `None`: the embedded sandbox (or `--api-url` alone).
pub fn select_profile(
    args: &ConsoleArgs,
    file: &crate::config::File,
    path: &std::path::Path,
) -> Result<(Option<String>, Option<crate::config::Profile>), UserError> {
    let name = args.profile.first().cloned().or_else(|| {
        if args.api_url.is_none() {
            file.default_profile.clone()
        } else {
            None
        }
    });
    let profile = match &name {
        Some(name) => Some(file.profiles.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            UserError::msg(format!(
                "no profile {name:?} in {}; profiles there: {}",
                path.display(),
                if known.is_empty() {
                    "none (docket config init writes an example)".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?),
        None => None,
    };
    Ok((name, profile))
}

impl ConsoleArgs {
    /// What the command line chooses, for [`crate::config::validate`].
    pub fn selection(&self) -> crate::config::Selection<'_> {
        crate::config::Selection {
            profiles: &self.profile,
            theme: self.theme.as_deref(),
            api_url: self.api_url.as_deref(),
            allow_insecure_http: self.allow_insecure_http,
            ca_file: self.ca_file.as_deref(),
        }
    }

    /// The command line's transport flags over a profile's.
    pub fn apply(&self, t: &mut crate::provider::transport::Transport) {
        t.allow_insecure_http |= self.allow_insecure_http;
        if let Some(f) = &self.ca_file {
            t.ca_file = Some(f.clone());
        }
    }
}

fn host_of(url: &str) -> String {
    crate::provider::http::host_of(url)
}

/// `docket audit-log`: the newest landed reviews, one block each.
pub fn audit_log(args: &ConsoleArgs, all: bool, limit: usize) -> Result<()> {
    use color_eyre::eyre::{WrapErr, eyre};
    let path = config_path(args)?;
    let (file, _) = crate::config::load(&path)?;
    let (name, _) = select_profile(args, &file, &path)?;
    let label = match (&args.api_url, name) {
        (Some(url), _) => host_of(url),
        (None, Some(n)) => n,
        (None, None) => "sandbox".to_string(),
    };
    let store = std::env::var_os("DOCKET_STATE_DB")
        .map(PathBuf::from)
        .or_else(crate::sync::store::default_path)
        .ok_or_else(|| eyre!("cannot find the platform state directory"))?;
    // Reading the log needs no key: the identity only names the profile.
    let outbox = crate::sync::outbox::Outbox::open(
        &store,
        &crate::sync::identity::Identity::new(&label, ""),
    )
    .wrap_err_with(|| format!("cannot open the local store {}", store.display()))?;
    // A log that cannot be read is an error, never an empty log.
    let rows = outbox.audit_log(all, limit).map_err(|e| {
        eyre!(
            "cannot read the local audit log in {}: {e}",
            store.display()
        )
    })?;
    if rows.is_empty() {
        println!("No landed reviews for {label} in {}.", store.display());
    }
    let clean = |s: &str| crate::ui::sanitize::clean(s).into_owned();
    for r in rows {
        let at = jiff::Timestamp::from_millisecond(r.at_ms)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%SZ").to_string())
            .unwrap_or_default();
        println!(
            "{at}  {}  {}  {}",
            clean(&r.profile),
            clean(&r.vendor),
            clean(&r.title)
        );
        println!("    by: {}", clean(&r.author.display()));
        println!("    landed: {}", clean(&r.outcome));
        if let Some(text) = r.submission.as_ref().and_then(|s| s.text())
            && !text.is_empty()
        {
            let kept = if r.text_kept {
                ""
            } else {
                " (kept here only: the vendor's API cannot store it)"
            };
            println!("    text{kept}:");
            for line in crate::ui::sanitize::clean_multiline(text).lines() {
                println!("      {line}");
            }
        }
    }
    Ok(())
}

/// Runs `docket sandbox serve`: prints the contract lines on stdout, serves until a signal.
pub async fn serve(args: &ServeArgs) -> Result<()> {
    let cfg = args.config()?;
    let db_path = cfg.db_path.clone();
    let sb = Sandbox::start(cfg).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening {}", sb.url())?;
        for c in &sb.credentials {
            writeln!(
                out,
                "user {} role={} key={} name=\"{}\"",
                c.user_id, c.role, c.key, c.name
            )?;
        }
        out.flush()?;
    }
    match sb.prepared {
        Prepared::Reused => eprintln!("docket sandbox: using {}", db_path.display()),
        Prepared::Seeded { stats, took } => eprintln!(
            "docket sandbox: seeded {} cases ({} entities, {} alerts, {} checks, {} audit entries) into {} in {:.1}s",
            stats.cases,
            stats.entities,
            stats.alerts,
            stats.checks,
            stats.audit,
            db_path.display(),
            took.as_secs_f64()
        ),
    }
    let stop = sb.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        stop.cancel();
    });
    sb.wait().await
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
