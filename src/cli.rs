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
    about = "A terminal console for reviewing KYC/AML compliance cases"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The embedded Zenoo-compatible sandbox API.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
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
        }
    }
}

/// Runs `docket sandbox serve`: prints the contract lines on stdout, serves until a signal.
pub async fn serve(args: &ServeArgs, banner: bool) -> Result<()> {
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
    if banner {
        if let Some(c) = sb.credential(crate::domain::UserRole::Analyst) {
            eprintln!(
                "docket sandbox: try  curl -s -H 'X-API-KEY: {}' '{}/v1/cases?limit=5&sort=sla_deadline'",
                c.key,
                sb.url()
            );
        }
        eprintln!("docket sandbox: Ctrl-C stops it.");
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
