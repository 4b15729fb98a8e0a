//! The command line: `docket sandbox serve` and friends.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::Result;

use crate::sandbox::{self, Prepared, Sandbox};
pub use crate::session::{ConsoleArgs, UserError};
use crate::session::{Session, checked_config, config_path, host_of, select_profile, store_path};

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
        .map(|l| format!("docket: {}\n", crate::text::sanitize::clean(l)))
        .collect()
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

/// Runs the console: against `--api-url`, a profile, or a sandbox started in-process.
pub async fn console(args: &ConsoleArgs) -> Result<()> {
    // Everything `docket config check` checks, so what it passes starts and what it refuses
    // does not.
    let (path, file, text) = checked_config(args)?;
    let keymap = crate::config::keymap_of(&file, &text, &path)?;
    let (profile_name, profile) = select_profile(args, &file, &path)?;
    let saving_to = profile.as_ref().and(profile_name.clone());
    let views = Some(crate::config::views_of(&file, profile.as_ref()));
    let theme_name = args
        .theme
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.theme.clone()))
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "dark".into());
    let theme = crate::ui::Theme::chosen(
        std::env::var("NO_COLOR").ok().as_deref(),
        &theme_name,
        path.parent().map(|d| d.join("themes")).as_deref(),
    )?;
    let poll = args
        .poll_secs
        .or_else(|| profile.as_ref().and_then(|p| p.poll_secs))
        .unwrap_or(15)
        .clamp(2, 3600);
    let read_only = args.read_only || profile.as_ref().and_then(|p| p.read_only).unwrap_or(false);

    let Session {
        provider: client,
        label,
        user,
        key_fp,
        sandbox,
        notice,
        dashboard_urls,
    } = crate::session::open(args, &file, &path, profile_name, profile.as_ref()).await?;
    let store = store_path()?;
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
        config_path: Some(path.clone()),
        profile_name: saving_to,
        notice,
        dashboard_urls,
        snippets: file.snippets.iter().map(Into::into).collect(),
        notify: file.notify.clone(),
        confirm_others: file.confirm_on_others_cases.unwrap_or(true),
    })
    .await;
    if let Some(sb) = sandbox {
        sb.shutdown().await?;
    }
    result
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
    let store = store_path()?;
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
    let clean = |s: &str| crate::text::sanitize::clean(s).into_owned();
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
            for line in crate::text::sanitize::clean_multiline(text).lines() {
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
