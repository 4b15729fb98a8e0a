//! Import throughput, one command: `cargo bench --bench import`. The release binary runs
//! `docket cases import` of a generated CSV (BENCH_IMPORT_ROWS rows, default 1000; every third
//! a company) against an in-process sandbox over loopback HTTP, its rate limit off, with the
//! outbox's 4 requests in flight. Prints `import_rows_per_s` (rows over the command's whole
//! run: reading and checking the file, filing every row, sending, the summary) and
//! `import_ms_{n}`, and writes them into BENCHMARKS.md's "Import throughput" section.

use std::time::Instant;

use docket::sandbox::{Config, Sandbox};

/// rows per second the import must reach on loopback.
const BUDGET_ROWS_PER_S: f64 = 200.0;
const SECTION: &str = "## Import throughput";

#[path = "../tests/common/campaign.rs"]
mod campaign;
#[path = "common/section.rs"]
mod section;

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::new(dir.path().join("sandbox.db"));
    cfg.cases = 100;
    cfg.seed = 1;
    // The per-key limit would measure itself, not the import.
    cfg.rate_limit = None;
    let sb = Sandbox::start(cfg).await.expect("sandbox starts");
    let key = sb
        .credential(docket::domain::UserRole::Analyst)
        .unwrap()
        .key
        .clone();
    let file = dir.path().join("cases.csv");
    std::fs::write(&file, campaign::cases_csv("bench-", rows)).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    let started = Instant::now();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["--api-url", &sb.url(), "cases", "import"])
        .arg(&file)
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("DOCKET_STATE_DB", home.join("local.db"))
        .env("DOCKET_CONFIG", home.join("config.toml"))
        .env("DOCKET_API_KEY", &key)
        .output()
        .await
        .expect("docket runs");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&format!("{rows} created")),
        "the import did not open every case:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sb.shutdown().await.unwrap();

    let per_s = rows as f64 / took.as_secs_f64();
    println!("import_ms_{rows}: {:.0}", took.as_secs_f64() * 1000.0);
    println!("import_rows_per_s: {per_s:.0}");
    write_section(rows, took.as_millis(), per_s);
}

/// Replaces (or adds) the import section of BENCHMARKS.md; the console bench keeps it.
fn write_section(rows: usize, ms: u128, per_s: f64) {
    let verdict = section::verdict(per_s, BUDGET_ROWS_PER_S, false);
    let body = format!(
        "Written by `cargo bench --bench import` (release binary; {rows} rows against the \
         in-process sandbox over loopback, its rate limit off, 4 requests in flight; the whole \
         command: checking the file, filing every row, sending, the summary).\n\n\
         | metric | figure | budget | verdict |\n|---|---|---|---|\n\
         | `import_rows_per_s` | {per_s:.0} | ≥ {BUDGET_ROWS_PER_S:.0} rows/s | {verdict} |\n\
         | `import_ms_{rows}` | {ms} | | |\n"
    );
    section::write(SECTION, &body);
}
