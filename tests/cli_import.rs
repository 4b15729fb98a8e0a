//! `docket cases create` and `docket cases import`, the real binary against a real sandbox:
//! what a user sees, and what the server then holds.

mod common;

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::campaign::cases_csv;
use common::cli::{Home, docket};
use serde_json::Value;

/// The cases the sandbox holds per external reference starting with `prefix`.
fn held(env: &common::Env, prefix: &str) -> HashMap<String, u32> {
    let db = rusqlite::Connection::open(common::db_path(&env.dir)).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    let mut stmt = db
        .prepare(
            "SELECT external_reference, COUNT(*) FROM cases \
             WHERE external_reference LIKE ?1 GROUP BY external_reference",
        )
        .unwrap();
    stmt.query_map([format!("{prefix}%")], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn home_for(env: &common::Env, files: &[(&str, &str)]) -> Home {
    let home = Home::new(&env.analyst());
    for (name, text) in files {
        std::fs::write(home.dir.path().join(name), text).unwrap();
    }
    home
}

fn path(home: &Home, name: &str) -> String {
    home.dir.path().join(name).display().to_string()
}

#[tokio::test]
async fn bad_rows_are_each_reported_at_their_line_and_column_and_nothing_is_sent() {
    let env = common::start(5).await;
    let csv = "type,entity_category,entity.first_name,entity.last_name,entity.nationality,external_reference\n\
               Onboarding,Person,Ada,Lindqvist,SE,bad-1\n\
               Onboarding,Person,Bo,,SE,bad-2\n\
               Perpetual,Person,Chiara,Rossi,XX,bad-3\n\
               Onboarding,Animal,Dmitri,Ivanov,DE,bad-4\n";
    let home = home_for(
        &env,
        &[("bad.csv", csv), ("good.csv", &cases_csv("dry-", 3))],
    );
    let url = env.sandbox.url();
    let file = path(&home, "bad.csv");
    for dry in [true, false] {
        let mut args = vec!["--api-url", &url, "cases", "import", &file];
        if dry {
            args.push("--dry-run");
        }
        let run = docket(&home, &args, None).await.expect(2);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert!(lines[0].contains("3 problems"), "{}", run.stderr);
        assert!(lines[0].contains("nothing was sent"), "{}", run.stderr);
        assert!(
            lines[1].starts_with(&format!("{file}:3:entity.last_name: ")),
            "{}",
            run.stderr
        );
        assert!(
            lines[2].starts_with(&format!("{file}:4:entity.nationality: ")),
            "{}",
            run.stderr
        );
        assert!(
            lines[3].starts_with(&format!("{file}:5:entity_category: ")),
            "{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("src/"),
            "no source locations: {}",
            run.stderr
        );
    }
    assert!(held(&env, "bad-").is_empty());

    // A good file with --dry-run is checked whole and still sends nothing.
    let good = path(&home, "good.csv");
    let run = docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "import",
            &good,
            "--dry-run",
            "--json",
        ],
        None,
    )
    .await
    .expect(0);
    assert_eq!(run.json()["rows"], 3);
    assert!(held(&env, "dry-").is_empty());
}

#[tokio::test]
async fn a_case_created_from_flags_lands_once_and_names_what_it_made() {
    let env = common::start(5).await;
    let home = home_for(&env, &[]);
    let url = env.sandbox.url();
    let args = [
        "--api-url",
        &url,
        "cases",
        "create",
        "--type",
        "Onboarding",
        "--entity_category",
        "Company",
        "--entity.company_name",
        "Nordlys Shipping AS",
        "--entity.country",
        "no",
        "--external_reference",
        "flag-1",
        "--metadata.desk",
        "oslo",
        "--json",
    ];
    let first = docket(&home, &args, None).await.expect(0).json();
    assert_eq!(first["created"]["existing"], false, "{first}");
    let token = first["created"]["token"].as_str().unwrap().to_string();
    let case = env.get(&format!("/v1/cases/{token}")).await.ok();
    assert_eq!(case.data()["entity_category"], "Company");
    assert_eq!(case.data()["metadata"]["desk"], "oslo");
    let again = docket(&home, &args, None).await.expect(0).json();
    assert_eq!(again["created"]["existing"], true, "{again}");
    assert_eq!(again["created"]["token"], token.as_str());
    assert_eq!(
        held(&env, "flag-"),
        HashMap::from([("flag-1".to_string(), 1)])
    );

    // A missing field is one plain line per field, and nothing is queued.
    let run = docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "create",
            "--type",
            "Review",
            "--entity_category",
            "Person",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(
        run.stderr.contains("--entity.first_name: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was queued"), "{}", run.stderr);
    // The auditor's key cannot write: refused before anything is queued.
    let mut auditor = home_for(&env, &[]);
    auditor.set(&[(
        "DOCKET_API_KEY",
        &env.key(docket::domain::UserRole::Auditor),
    )]);
    let mut flags = args.to_vec();
    flags[13] = "flag-auditor";
    let run = docket(&auditor, &flags, None).await.expect(2);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    assert!(held(&env, "flag-auditor").is_empty());
}

/// Starts `docket ARGS` in `home` without waiting for it.
fn spawn(home: &Home, args: &[&str]) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .envs(home.env.iter().map(|(k, v)| (k, v)))
        .env_remove("DOCKET_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("docket starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_rows_killed_halfway_and_run_again_open_each_case_exactly_once() {
    const ROWS: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::config(&dir, 5);
    cfg.faults.fail_rate = 0.3;
    // What is tested is exactly-once under failures and a kill, not the rate limit's pace.
    cfg.rate_limit = None;
    let env = common::start_with(cfg, dir).await;
    let home = home_for(&env, &[("campaign.csv", &cases_csv("kill-", ROWS))]);
    let (url, file) = (env.sandbox.url(), path(&home, "campaign.csv"));
    let args = ["--api-url", &url, "cases", "import", &file, "--json"];

    // The first run is killed (SIGKILL) once about half the cases are on the server.
    let mut first = spawn(&home, &args);
    let started = Instant::now();
    loop {
        let landed = held(&env, "kill-").len();
        if landed >= ROWS / 2 {
            break;
        }
        if let Some(status) = first.try_wait().unwrap() {
            panic!("the first run ended before it was killed ({status}), {landed} landed");
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "only {landed} of {ROWS} landed in 240 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.start_kill().unwrap();
    first.wait().await.unwrap();
    let at_kill = held(&env, "kill-").len();
    assert!(at_kill < ROWS, "killed after every row had landed");

    // The same file again: what landed is found, the rest is sent, nothing twice.
    let second = spawn(&home, &args);
    let out = tokio::time::timeout(Duration::from_secs(300), second.wait_with_output())
        .await
        .expect("the second run ends within 300 s")
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let summary: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["failed"], 0, "{stderr}");
    assert_eq!(summary["queued"], 0, "{stderr}");
    let (created, existing) = (
        summary["created"].as_u64().unwrap() as usize,
        summary["existing"].as_u64().unwrap() as usize,
    );
    assert_eq!(created + existing, ROWS);
    assert!(
        existing >= at_kill,
        "{existing} existing, {at_kill} on the server at the kill"
    );
    assert!(
        stderr.contains("filed by an earlier run"),
        "the second run found the first run's entries: {stderr}"
    );

    let cases = held(&env, "kill-");
    assert_eq!(cases.len(), ROWS, "every row's case is on the server");
    let twice: Vec<_> = cases.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "opened more than once: {twice:?}");
    // Every row says which case is its, and no two rows share one.
    let rows = summary["rows"].as_array().unwrap();
    let tokens: std::collections::HashSet<&str> =
        rows.iter().filter_map(|r| r["token"].as_str()).collect();
    assert_eq!(tokens.len(), ROWS);
}
