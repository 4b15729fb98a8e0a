//! The real binary in a pseudo-terminal against a real sandbox: what a person sees and types.
//! Every wait is for a condition on the screen (or the process), with a deadline.

mod common;

use std::time::Duration;

use common::pty::{Console, contains};

/// What the tests add to the console harness (`tests/common/pty.rs`).
impl Console {
    /// Starts the console in a CLI test home (`common::cli::Home`): the same state, data and
    /// config directories and local store (`DOCKET_STATE_DB`) the scripting commands use, with
    /// `key` instead of the home's.
    fn start_home(url: &str, key: &str, args: &[&str], home: &HomeEnv) -> Console {
        let envs: Vec<(&str, &str)> = home
            .env
            .iter()
            .filter(|(k, _)| k != "DOCKET_API_KEY")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Console::start_env(url, key, args, &home.path, &envs)
    }

    /// Filters the queue with `query` (clearing an earlier filter) and waits until the
    /// selected row shows `row`.
    #[track_caller]
    fn filter_to(&mut self, query: &str, row: &str) {
        self.keys("/");
        self.keys("\x15"); // Ctrl-U clears an earlier filter
        self.keys(query);
        self.wait_until(
            &format!("the row with {row}"),
            Duration::from_secs(10),
            |s| s.lines().any(|l| l.contains('▶') && l.contains(row)),
        );
    }

    /// Keeps the filter, then opens the selected case and waits for its tabs.
    #[track_caller]
    fn open_case(&mut self) {
        self.keys("\r");
        // A reference typed in full opens its case at Enter; other text is kept as a filter.
        let screen = self.wait_until("the filter kept", Duration::from_secs(10), |s| {
            s.contains("/ filter") || (s.contains("Summary") && s.contains("Activity"))
        });
        if !(screen.contains("Summary") && screen.contains("Activity")) {
            self.keys("\r");
        }
        self.wait_until("the case's tabs", Duration::from_secs(10), |s| {
            s.contains("Summary") && s.contains("Activity")
        });
    }

    /// Types `text` into the open editor, asks for the read-back (Ctrl-S) and waits for it.
    #[track_caller]
    fn type_and_review(&mut self, text: &str) {
        self.keys(text);
        self.keys("\x13");
        self.wait_until("the confirm step", Duration::from_secs(10), |s| {
            s.contains("Enter/y submit")
        });
    }
}

/// What a console needs of a `common::cli::Home` (which stays with the async side).
#[derive(Clone)]
struct HomeEnv {
    path: std::path::PathBuf,
    env: Vec<(String, String)>,
}

impl HomeEnv {
    fn of(home: &common::cli::Home) -> HomeEnv {
        HomeEnv {
            path: home.dir.path().to_path_buf(),
            env: home.env.clone(),
        }
    }
}

/// Re-raises a panic from a blocking task, so the test fails with the task's own message.
fn rethrow<T>(r: Result<T, tokio::task::JoinError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_filter_open_and_quit() {
    let env = common::start(60).await;
    let key = env.analyst();
    let url = env.sandbox.url();
    // A case the console will show: open, with alerts.
    let target = env
        .walk(
            "/v1/cases?status=In%20Progress,In%20Review&sort=-open_alerts_count",
            5,
        )
        .await[0]
        .clone();
    let name = common::s(&target["name"]).to_string();

    let result = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        c.wait_until(
            "the queue, online, with the user",
            Duration::from_secs(20),
            |s| s.contains("● online") && s.contains("Queue") && s.contains("Amara Okafor"),
        );

        // Filter to the target case by its reference number.
        c.keys("/");
        c.keys(&name);
        // The exact reference ranks first, so it is the selected row.
        c.wait_until(
            "the filter to narrow the queue",
            Duration::from_secs(10),
            |s| {
                s.contains(&format!("/{name}"))
                    && s.contains('▶')
                    && s.lines().any(|l| l.contains('▶') && l.contains(&name))
            },
        );
        c.keys("\r"); // keep the filter
        c.keys("\r"); // open the case
        c.wait_until("the case summary", Duration::from_secs(10), |s| {
            s.contains("Summary") && s.contains("Open alerts")
        });
        c.keys("]]");
        c.wait_until("the alerts to load", Duration::from_secs(10), |s| {
            s.contains("Category") && s.contains("Match")
        });

        // Idle: once the last frame is out, nothing at all is written while nothing happens.
        c.settle();
        let before = c.bytes_written();
        assert!(
            !c.writes_within(Duration::from_millis(1500)),
            "the console wrote while idle"
        );
        assert_eq!(c.bytes_written(), before);

        c.keys("q");
        let status = c.wait_exit();
        assert!(status.success(), "{status:?}");
        let raw = c.raw();
        assert!(
            contains(&raw, b"\x1b[?2026h") && contains(&raw, b"\x1b[?2026l"),
            "frames are synchronized"
        );
        assert!(
            contains(&raw, b"\x1b[?1049l"),
            "the alternate screen was left"
        );
    })
    .await;
    rethrow(result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_shows_the_api_error_and_sigterm_restores_the_terminal() {
    let env = common::start(5).await;
    let url = env.sandbox.url();
    let result = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, "dk_sbx_wrong", &[]);
        c.wait_until("the API error in place", Duration::from_secs(20), |s| {
            s.contains("UNAUTHORIZED")
                && s.contains("Could not load the queue")
                && s.contains("request req_")
        });
        let pid = c.child.process_id().unwrap();
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        let status = c.wait_exit();
        assert!(status.success(), "{status:?}");
        assert!(
            contains(&c.raw(), b"\x1b[?1049l"),
            "the alternate screen was left"
        );
    })
    .await;
    rethrow(result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_an_alert_and_close_a_case_then_check_the_server() {
    let env = common::start(40).await;
    let key = env.analyst();
    let url = env.sandbox.url();
    // A case to close: created clean (Low risk), in progress, its risk approved by the approver.
    let fresh = env.company_case("DE", "Software and IT services").await;
    let fresh_token = common::s(&fresh["token"]).to_string();
    let fresh_name = common::s(&fresh["name"]).to_string();
    assert_eq!(fresh["risk_tier"], "Low", "{fresh}");
    env.patch(
        &format!("/v1/cases/{fresh_token}"),
        serde_json::json!({ "status": "In Progress" }),
    )
    .await
    .ok();
    let risk = env
        .get(&format!("/v1/cases/{fresh_token}/risk-assessment"))
        .await
        .ok();
    let rt = common::s(&risk.data()["token"]).to_string();
    env.post_as(
        &env.key(docket::domain::UserRole::Approver),
        &format!("/v1/risk-assessments/{rt}/approve"),
        serde_json::json!({}),
    )
    .await
    .ok();
    // A case with an open alert to resolve.
    let (alert_token, case_name, position) = alert_target(&env).await;

    let console = tokio::task::spawn_blocking({
        let (url, key, case_name, fresh_name) = (
            url.clone(),
            key.clone(),
            case_name.clone(),
            fresh_name.clone(),
        );
        move || {
            let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
            // Resolve: open the case, go to the alerts tab, put the cursor on the alert.
            go_to_alert(&mut c, &case_name, position);
            c.keys("a");
            c.wait_until("the editor", Duration::from_secs(10), |s| {
                s.contains("Rationale")
            });
            c.type_and_review("Name-only match; nationality and DOB differ.");
            c.keys("y");
            c.wait_until("the submission to land", Duration::from_secs(20), |s| {
                s.contains("✓ Approve alt_")
            });

            // Close: the fresh case, decision Approve, with a summary.
            // Esc alone: a key right behind it would read as Alt+key, as in any terminal.
            c.keys("\x1b"); // back to the queue
            c.wait_until(
                "the queue to have the keyboard",
                Duration::from_secs(10),
                |s| s.contains("/ filter"),
            );
            c.filter_to(&fresh_name, &fresh_name);
            c.open_case();
            c.keys("]]");
            // Closing checks the alerts and the risk: wait until they are loaded.
            c.wait_until("its alerts", Duration::from_secs(10), |s| {
                s.contains("No alerts on this case")
            });
            c.keys("]");
            c.wait_until("its risk", Duration::from_secs(10), |s| {
                s.contains("Approved by")
            });
            c.keys("C");
            c.wait_until("the decision picker", Duration::from_secs(10), |s| {
                s.contains("▶ Approve")
            });
            c.keys("\r");
            c.type_and_review("Clean file: registry, screening and identity all pass.");
            c.keys("\r");
            c.wait_until("the close to land", Duration::from_secs(20), |s| {
                s.contains("closed: Approve")
            });
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(console);

    // The server's state and timeline, not only the screen.
    let a = env.get(&format!("/v1/alerts/{alert_token}")).await.ok();
    assert_eq!(a.data()["status"], "Resolved");
    assert_eq!(
        a.data()["resolution_rationale"],
        "Name-only match; nationality and DOB differ."
    );
    assert_eq!(a.data()["resolved_by"], "usr_amara");
    let entries = env
        .walk(
            &format!("/v1/audit-logs?target_token={alert_token}&event_type=ALERT_RESOLVED"),
            10,
        )
        .await;
    assert_eq!(entries.len(), 1);
    let closed = env.get(&format!("/v1/cases/{fresh_token}")).await.ok();
    assert_eq!(closed.data()["status"], "Closed");
    assert_eq!(closed.data()["decision"], "Approve");
    assert_eq!(
        closed.data()["summary"],
        "Clean file: registry, screening and identity all pass."
    );
    let closure = env
        .walk(
            &format!("/v1/cases/{fresh_token}/timeline?event_type=CASE_CLOSURE"),
            10,
        )
        .await;
    assert_eq!(closure.len(), 1);
    assert_eq!(closure[0]["actor"]["user_id"], "usr_amara");
}

/// Where the console's cursor must go for an alert: the case's alerts grouped by entity, most
/// urgent first within each (as the console shows them).
async fn alert_target(env: &common::Env) -> (String, String, usize) {
    let open = env.walk("/v1/alerts?status=Open", 100).await;
    let alert = open[0].clone();
    let token = common::s(&alert["token"]).to_string();
    let case_token = common::s(&alert["case_token"]).to_string();
    let case_name = common::s(
        &env.get(&format!("/v1/cases/{case_token}"))
            .await
            .ok()
            .data()["name"],
    )
    .to_string();
    let position = alerts_as_listed(env, &case_token)
        .await
        .iter()
        .position(|a| a["token"] == token.as_str())
        .unwrap();
    (token, case_name, position)
}

/// Opens a case's alerts tab and puts the cursor on row `position`.
fn go_to_alert(c: &mut Console, case_name: &str, position: usize) {
    // Live or cached, the queue shows the user and the case.
    c.wait_until("the queue", Duration::from_secs(20), |s| {
        s.contains("Queue") && s.contains("Amara Okafor")
    });
    c.filter_to(case_name, case_name);
    c.open_case();
    c.keys("]]");
    c.wait_until("the alerts", Duration::from_secs(10), |s| {
        s.contains("Category") && s.contains("Match")
    });
    c.keys(&"j".repeat(position));
}

fn kill9(c: &mut Console) {
    let pid = c.child.process_id().unwrap();
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    c.wait_exit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_typed_rationale_survives_sigkill() {
    let env = common::start(40).await;
    let (alert, case_name, position) = alert_target(&env).await;
    let (url, key) = (env.sandbox.url(), env.analyst());
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        go_to_alert(&mut c, &case_name, position);
        c.keys("a");
        c.wait_until("the editor", Duration::from_secs(10), |s| {
            s.contains("Rationale")
        });
        c.keys("Half-typed: the name matches but");
        c.wait_until(
            "the draft to reach the disk",
            Duration::from_secs(10),
            |s| s.contains("draft saved"),
        );
        kill9(&mut c);

        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        go_to_alert(&mut c, &case_name, position);
        c.keys("a");
        c.wait_until(
            "the draft back in the editor",
            Duration::from_secs(10),
            |s| s.contains("Half-typed: the name matches but") && s.contains("Draft restored"),
        );
        c.keys("\x1b");
        c.wait_until(
            "the drawer to close, draft kept",
            Duration::from_secs(10),
            |s| s.contains("Draft kept"),
        );
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    drop(home);
    rethrow(run);
    // Nothing was sent.
    assert_eq!(
        env.get(&format!("/v1/alerts/{alert}")).await.ok().data()["status"],
        "Open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_killed_in_flight_lands_exactly_once_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::config(&dir, 40);
    // Writes wait before being handled: the console is killed while its request is in flight.
    cfg.faults.write_latency = Duration::from_secs(3);
    let env = common::start_with(cfg, dir).await;
    let (alert, case_name, position) = alert_target(&env).await;
    let (url, key) = (env.sandbox.url(), env.analyst());
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        go_to_alert(&mut c, &case_name, position);
        c.keys("a");
        c.wait_until("the editor", Duration::from_secs(10), |s| {
            s.contains("Rationale")
        });
        c.type_and_review("Killed mid-flight, must land once.");
        c.keys("y");
        c.wait_until("the entry on disk", Duration::from_secs(10), |s| {
            s.contains("Saved as outbox entry")
        });
        kill9(&mut c);

        // The next run sends what the last one left pending.
        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        c.wait_until("the outbox to deliver", Duration::from_secs(30), |s| {
            s.contains("Sent from the outbox")
        });
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    drop(home);
    rethrow(run);
    let a = env.get(&format!("/v1/alerts/{alert}")).await.ok();
    assert_eq!(a.data()["status"], "Resolved");
    assert_eq!(
        a.data()["resolution_rationale"],
        "Killed mid-flight, must land once."
    );
    let entries = env
        .walk(
            &format!("/v1/audit-logs?target_token={alert}&event_type=ALERT_RESOLVED"),
            10,
        )
        .await;
    assert_eq!(entries.len(), 1, "exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_case_is_detected_before_sending_and_the_draft_survives() {
    let env = common::start(40).await;
    let (alert, case_name, position) = alert_target(&env).await;
    let case_token =
        common::s(&env.get(&format!("/v1/alerts/{alert}")).await.ok().data()["case_token"])
            .to_string();
    let (url, key) = (env.sandbox.url(), env.analyst());
    // Someone else will reassign the case while the analyst types.
    let other = env.key_of("usr_lukas");
    let http = reqwest::Client::new();
    let patch_url = format!("{url}/v1/cases/{case_token}");
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let meddler = tokio::spawn(async move {
        let _ = tokio::task::spawn_blocking(move || rx.recv()).await;
        http.patch(patch_url)
            .header("X-API-KEY", other)
            .json(&serde_json::json!({ "assigned_to": "usr_lukas" }))
            .send()
            .await
            .unwrap();
    });
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        go_to_alert(&mut c, &case_name, position);
        c.keys("a");
        c.wait_until("the editor", Duration::from_secs(10), |s| {
            s.contains("Rationale")
        });
        c.keys("Reviewed before the reassignment");
        tx.send(()).unwrap();
        c
    })
    .await
    .unwrap();
    meddler.await.unwrap();
    let mut c = run;
    let run = tokio::task::spawn_blocking(move || {
        c.keys("\x13");
        c.wait_until("the confirm step", Duration::from_secs(10), |s| {
            s.contains("Enter/y submit")
        });
        c.keys("y");
        let screen = c.wait_until("the conflict", Duration::from_secs(10), |s| {
            s.contains("changed on the server")
        });
        assert!(
            screen.contains("assignee:") && screen.contains("usr_lukas"),
            "{screen}"
        );
        c.keys("n");
        c.wait_until("the editor with the text", Duration::from_secs(10), |s| {
            s.contains("Reviewed before the reassignment") && s.contains("Ctrl-S")
        });
        c.keys("\x1b");
        c.wait_until("the drawer to close", Duration::from_secs(10), |s| {
            s.contains("Draft kept")
        });
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    rethrow(run);
    // Nothing was sent.
    assert_eq!(
        env.get(&format!("/v1/alerts/{alert}")).await.ok().data()["status"],
        "Open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_last_queue_shows_and_reviews_wait_until_the_api_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandbox.db");
    let mut cfg = common::config(&dir, 40);
    cfg.db_path = db.clone();
    let env = common::start_with(cfg.clone(), dir).await;
    let (alert, case_name, position) = alert_target(&env).await;
    let (url, key) = (env.sandbox.url(), env.analyst());
    let addr = env.sandbox.addr;
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();

    // A first run sees the queue and the case (and so caches them).
    let first = tokio::task::spawn_blocking({
        let (url, key, home_path, case_name) = (
            url.clone(),
            key.clone(),
            home_path.clone(),
            case_name.clone(),
        );
        move || {
            let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
            go_to_alert(&mut c, &case_name, position);
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(first);

    // The API goes away.
    let common::Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();

    let (tx_back, rx_back) = std::sync::mpsc::channel::<()>();
    let console = tokio::task::spawn_blocking({
        let (url, key, home_path, case_name) = (
            url.clone(),
            key.clone(),
            home_path.clone(),
            case_name.clone(),
        );
        move || {
            let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
            // The last known queue, navigable, with the connection shown as failed.
            c.wait_until("the cached queue", Duration::from_secs(20), |s| {
                s.contains(&case_name) && s.contains("✖")
            });
            go_to_alert(&mut c, &case_name, position);
            c.keys("a");
            c.wait_until("the editor", Duration::from_secs(10), |s| {
                s.contains("Rationale")
            });
            c.type_and_review("Written while the API was down.");
            c.keys("y");
            c.wait_until(
                "the review waiting in the outbox",
                Duration::from_secs(20),
                |s| {
                    s.contains("Saved as outbox entry")
                        && s.contains("Not landed yet")
                        && s.contains("1 pending")
                },
            );
            tx_back.send(()).unwrap();
            c.wait_until(
                "the review to land once the API is back",
                Duration::from_secs(90),
                |s| s.contains("✓ Approve alt_"),
            );
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    });
    // Bring the API back on the same address once the console shows the review pending.
    let _ = tokio::task::spawn_blocking(move || rx_back.recv()).await;
    let mut again = cfg;
    again.addr = addr;
    let env = common::start_with(again, dir).await;
    rethrow(console.await);
    drop(home);
    let a = env.get(&format!("/v1/alerts/{alert}")).await.ok();
    assert_eq!(
        a.data()["resolution_rationale"],
        "Written while the API was down."
    );
    let entries = env
        .walk(
            &format!("/v1/audit-logs?target_token={alert}&event_type=ALERT_RESOLVED"),
            10,
        )
        .await;
    assert_eq!(entries.len(), 1);
}

/// The issue's scenario: the API is gone for 30 seconds while five reviews are submitted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_reviews_written_during_a_30_second_outage_all_land_once() {
    let outage = Duration::from_secs(
        std::env::var("DOCKET_E2E_OUTAGE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(30),
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::config(&dir, 30);
    let env = common::start_with(cfg.clone(), dir).await;
    let target = env.walk("/v1/cases?status=In%20Progress", 5).await[0].clone();
    let case_token = common::s(&target["token"]).to_string();
    let case_name = common::s(&target["name"]).to_string();
    let (url, key, addr) = (env.sandbox.url(), env.analyst(), env.sandbox.addr);
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();

    let (tx_down, rx_down) = std::sync::mpsc::channel::<()>();
    let (tx_gone, rx_gone) = std::sync::mpsc::channel::<()>();
    let console = tokio::task::spawn_blocking(move || {
        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        c.wait_until("the queue", Duration::from_secs(20), |s| {
            s.contains("● online")
        });
        c.filter_to(&case_name, &case_name);
        c.keys("\r\r");
        c.wait_until("the case open", Duration::from_secs(10), |s| {
            s.contains("Open alerts")
        });
        // The API goes away.
        tx_down.send(()).unwrap();
        rx_gone.recv().unwrap();
        let started = std::time::Instant::now();
        for i in 1..=5 {
            c.keys("n");
            c.wait_until("the comment editor", Duration::from_secs(10), |s| {
                s.contains("Comment ◀")
            });
            c.type_and_review(&format!("Outage note {i} of 5."));
            c.keys("y");
            c.wait_until("the entry on disk", Duration::from_secs(10), |s| {
                s.contains("Saved as outbox entry")
            });
            // Esc leaves it to the outbox. The pending count is already on screen while
            // the drawer is open, so wait for the drawer to close too: a key sent right
            // behind a lone Esc would be read as Alt+key.
            c.keys("\x1b");
            let want = format!("{i} pending");
            c.wait_until(
                "the drawer closed with the count of pending reviews",
                Duration::from_secs(10),
                |s| s.contains(&want) && !s.contains("drawer open"),
            );
        }
        let screen = c.wait_until("five pending", Duration::from_secs(10), |s| {
            s.contains("5 pending")
        });
        assert!(screen.contains("✖") || screen.contains("offline") || screen.contains("5 pending"));
        let elapsed = started.elapsed();
        // They go out by themselves once the API is back.
        c.wait_until(
            "every review to land",
            outage + Duration::from_secs(120),
            |s| !s.contains("pending"),
        );
        c.keys("q");
        assert!(c.wait_exit().success());
        elapsed
    });
    let _ = tokio::task::spawn_blocking(move || rx_down.recv()).await;
    let common::Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();
    tx_gone.send(()).unwrap();
    tokio::time::sleep(outage).await;
    let mut again = cfg;
    again.addr = addr;
    let env = common::start_with(again, dir).await;
    match console.await {
        Ok(elapsed) => assert!(
            elapsed < outage,
            "the five reviews were written while the API was down"
        ),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
    drop(home);
    let comments = env
        .walk(&format!("/v1/cases/{case_token}/comments"), 50)
        .await;
    for i in 1..=5 {
        let body = format!("Outage note {i} of 5.");
        assert_eq!(
            comments
                .iter()
                .filter(|c| c["body"] == body.as_str())
                .count(),
            1,
            "{body}"
        );
    }
}

/// Bytes a terminal would obey if hostile text reached it unchanged.
fn obeyed_sequences(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (what, pat) in [
        ("OSC (title, clipboard, hyperlink)", &b"\x1b]"[..]),
        ("DCS", b"\x1bP"),
        ("cursor up", b"\x1b[5A"),
        ("cursor forward", b"\x1b[10C"),
        ("clear screen inside a name", b"Nordlys \x1b"),
        ("erase line", b"\r\x1b[2K"),
        ("carriage return in text", b"A/S\r"),
        ("bidi override U+202E", "\u{202e}".as_bytes()),
        ("bidi override U+202D", "\u{202d}".as_bytes()),
        ("zero-width space", "\u{200b}".as_bytes()),
    ] {
        if contains(raw, pat) {
            found.push(what.to_string());
        }
    }
    // C1 controls, UTF-8 encoded (U+0080..=U+009F is C2 80..=C2 9F).
    if raw
        .windows(2)
        .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
    {
        found.push("a C1 control".into());
    }
    found
}

/// The sandbox's hostile case, shown in full: names, alert hit data and AI text, a comment.
/// What reached the pseudo-terminal is read byte for byte: nothing hostile passed through,
/// and the screen shows the sequences as inert text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_shown_never_obeyed() {
    let env = common::start(40).await;
    let hostile = env.walk("/v1/cases?q=nordlys", 5).await;
    assert_eq!(hostile.len(), 1, "one hostile case is seeded");
    let name = common::s(&hostile[0]["name"]).to_string();
    let (url, key) = (env.sandbox.url(), env.analyst());
    let result = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        c.wait_until("the queue", Duration::from_secs(20), |s| {
            s.contains("● online")
        });
        c.filter_to(&name, &name);
        c.keys("\r\r");
        let summary = c.wait_until("the summary", Duration::from_secs(10), |s| {
            s.contains("Open alerts") && s.contains("Nordlys")
        });
        assert!(
            summary.contains(r"Nordlys \x1b[2J\x1b[HHoldings"),
            "{summary}"
        );
        c.keys("]]");
        c.wait_until("the alerts", Duration::from_secs(10), |s| {
            s.contains("Category") && s.contains(r"Nordlys \x")
        });
        // Select the hostile entity's alert: its title, hit data and AI assessment show.
        c.keys("j");
        let expanded = c.wait_until("the hit data", Duration::from_secs(10), |s| {
            s.contains(r"\x1b]52;c;")
        });
        assert!(expanded.contains(r"\x1b[5A"), "{expanded}");
        assert!(expanded.contains(r"\u{9b}31m"), "{expanded}");
        c.keys("]]]");
        let activity = c.wait_until("the comment", Duration::from_secs(10), |s| {
            s.contains("Pasted from the registry")
        });
        assert!(activity.contains(r"\x1b]2;Owned"), "{activity}");
        c.keys("q");
        assert!(c.wait_exit().success());
        let found = obeyed_sequences(&c.raw());
        assert!(
            found.is_empty(),
            "passed through to the terminal: {found:?}"
        );
    })
    .await;
    rethrow(result);
}

/// The key is used for a whole session with the most verbose logging, and for a refused one:
/// it appears in no log line, on no screen and in no error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_key_reaches_no_log_screen_or_error() {
    let env = common::start(10).await;
    let (url, key) = (env.sandbox.url(), env.analyst());
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    let (url2, key2) = (url.clone(), key.clone());
    let result = tokio::task::spawn_blocking(move || {
        let trace = [("DOCKET_LOG", "trace")];
        let mut c = Console::start_env(&url2, &key2, &[], &home_path, &trace);
        c.wait_until("the queue", Duration::from_secs(20), |s| {
            s.contains("● online") && s.contains("Amara Okafor")
        });
        c.keys("\r");
        c.wait_until("a case", Duration::from_secs(10), |s| {
            s.contains("Open alerts")
        });
        c.keys("q");
        assert!(c.wait_exit().success());
        assert!(
            !contains(&c.raw(), key2.as_bytes()),
            "the key was on screen"
        );

        let wrong = "dk_sbx_THIS-IS-A-SECRET-0123456789";
        let mut c = Console::start_env(&url2, wrong, &[], &home_path, &trace);
        c.wait_until("the refusal", Duration::from_secs(20), |s| {
            s.contains("UNAUTHORIZED")
        });
        c.keys("q");
        assert!(c.wait_exit().success());
        assert!(
            !contains(&c.raw(), wrong.as_bytes()),
            "the key was on screen"
        );
        wrong.to_string()
    })
    .await;
    let wrong = rethrow(result);
    let log = std::fs::read_to_string(home.path().join("docket").join("docket.log"))
        .expect("the console logged to its file");
    assert!(
        log.lines().count() > 20,
        "trace logging wrote little: {log}"
    );
    assert!(!log.contains(&key), "the key is in the log");
    assert!(!log.contains(&wrong), "the refused key is in the log");
    assert!(
        !log.contains("X-API-KEY: ") && !log.contains("x-api-key: dk"),
        "a key header is in the log"
    );

    // Plain http to a remote host is refused before anything is sent.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["--api-url", "http://cases.example.com"])
        .env("DOCKET_API_KEY", &wrong)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("refusing plain http://"), "{stderr}");
    assert!(!stderr.contains(&wrong), "{stderr}");
}

fn amiqus_fixture(name: &str) -> serde_json::Value {
    let p = format!(
        "{}/tests/fixtures/amiqus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// The real binary against a mocked Amiqus ID API (its documented shapes, from the fixtures):
/// a profile opens the queue, a case opens with its checks, and closing it with Approve posts
/// exactly the case review Amiqus expects. The summary, which Amiqus cannot store, is in the
/// local audit log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amiqus_case_is_closed_from_the_console_with_the_request_checked() {
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    const TOKEN: &str = "aqpat_e2e_5f0c2e7b9d14";
    let server = MockServer::start().await;
    let ok = |f: &str| ResponseTemplate::new(200).set_body_json(amiqus_fixture(f));
    let get = |route: &str| {
        Mock::given(method("GET"))
            .and(path(format!("/api/v2{route}")))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
    };
    for (page, f) in [("1", "cases_page1.json"), ("2", "cases_page2.json")] {
        get("/cases")
            .and(query_param("page", page))
            .respond_with(ok(f))
            .mount(&server)
            .await;
    }
    get("/me").respond_with(ok("me.json")).mount(&server).await;
    get("/team/members")
        .respond_with(ok("team_members.json"))
        .mount(&server)
        .await;
    get("/cases/8723")
        .respond_with(ok("case_8723.json"))
        .mount(&server)
        .await;
    get("/cases/8723/items")
        .respond_with(ok("case_8723_items.json"))
        .mount(&server)
        .await;
    get("/cases/8723/reviews")
        .respond_with(ok("case_8723_reviews.json"))
        .mount(&server)
        .await;
    for record in ["983434", "983501"] {
        get(&format!("/records/{record}/steps"))
            .respond_with(ok(&format!("record_{record}_steps.json")))
            .mount(&server)
            .await;
    }
    get("/checks/82342")
        .respond_with(ok("check_82342.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/cases/8723/reviews"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(serde_json::json!({ "status": "approved" })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(amiqus_fixture("case_review_approved.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.amiqus]\nprovider = \"amiqus\"\nbase_url = \"{}/api/v2\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let home_path = home.path().to_path_buf();
    let cfg = config.display().to_string();
    let run = tokio::task::spawn_blocking(move || {
        let args = [
            "--profile",
            "amiqus",
            "--config",
            cfg.as_str(),
            "--poll-secs",
            "3600",
        ];
        let mut c = Console::start_in("", TOKEN, &args, &home_path);
        c.wait_until("the Amiqus queue", Duration::from_secs(20), |s| {
            s.contains("● online") && s.contains("Eilidh Fraser") && s.contains("on_hold")
        });
        c.filter_to("ONB-2026-0412", "Eilidh Fraser");
        c.keys("\r\r");
        let summary = c.wait_until("the case open", Duration::from_secs(10), |s| {
            s.contains("Eilidh Fraser") && s.contains("Summary")
        });
        // Amiqus has no risk assessment: no Risk tab.
        assert!(!summary.contains("│ Risk │"), "{summary}");
        c.keys("C");
        c.wait_until("the close drawer", Duration::from_secs(10), |s| {
            s.contains("Amiqus ID cannot store a summary") && s.contains("Approve")
        });
        c.keys("\r"); // Approve
        c.wait_until("the editor", Duration::from_secs(10), |s| {
            s.contains("Ctrl-S")
        });
        c.type_and_review("Identity, address and right to work confirmed.");
        c.keys("y");
        c.wait_until("the review to land", Duration::from_secs(20), |s| {
            s.contains("approved") && !s.contains("drawer open")
        });
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    rethrow(run);
    server.verify().await;

    // The summary Amiqus could not keep is in the local audit log.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["audit-log", "--profile", "amiqus", "--config"])
        .arg(&config)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Amiqus ID")
            && text.contains("Identity, address and right to work confirmed.")
            && text.contains("kept here only"),
        "{text}"
    );
}

/// The on-call loop: P takes the most urgent unassigned case, assigns it to me on the server
/// and opens it; y copies its name with a well-formed OSC 52 sequence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_next_assigns_and_opens_the_most_urgent_case_and_y_copies_its_name() {
    use base64::Engine as _;
    let env = common::start(40).await;
    // What pull-next should take: unassigned, open, earliest SLA, then highest priority.
    let rank = |p: &str| match p {
        "Critical" => 0,
        "High" => 1,
        "Medium" => 2,
        _ => 3,
    };
    let mut open: Vec<serde_json::Value> = env
        .walk("/v1/cases?assigned_to=none", 100)
        .await
        .into_iter()
        .filter(|c| c["status"] != "Closed")
        .collect();
    open.sort_by(|a, b| {
        let key = |c: &serde_json::Value| {
            (
                common::s(&c["sla_deadline"]).to_string(),
                rank(common::s(&c["priority"])),
            )
        };
        key(a).cmp(&key(b))
    });
    let want = open.first().expect("an unassigned open case").clone();
    let (token, name) = (
        common::s(&want["token"]).to_string(),
        common::s(&want["name"]).to_string(),
    );
    let (url, key) = (env.sandbox.url(), env.analyst());
    let name2 = name.clone();
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        // The status bar names the user once /v1/me has answered: only then is "me" known.
        c.wait_until("the queue and who I am", Duration::from_secs(20), |s| {
            s.contains("│ Amara Okafor │ ● online")
        });
        c.keys("P");
        c.wait_until("the case assigned and open", Duration::from_secs(20), |s| {
            s.contains(&format!("┌ {name2} "))
                // By name, not usr_amara: the console knows its users.
                && s.contains(&format!("✓ {name2} assigned to Amara Okafor"))
                && !s.contains("drawer open")
        });
        c.keys("y");
        let want = format!(
            "\x1b]52;c;{}\x07",
            base64::engine::general_purpose::STANDARD.encode(name2.as_bytes())
        );
        c.wait_until("the copy to be confirmed", Duration::from_secs(10), |s| {
            s.contains(&format!("Copied {name2}"))
        });
        assert!(
            contains(&c.raw(), want.as_bytes()),
            "no well-formed OSC 52 with the case name"
        );
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    rethrow(run);
    let now = env.get(&format!("/v1/cases/{token}")).await.ok();
    assert_eq!(now.data()["assigned_to"], "usr_amara", "{}", now.body);
}

/// Who the server's audit trail says did `event_type` to `target`, oldest first.
async fn actors(env: &common::Env, target: &str, event_type: &str) -> Vec<String> {
    env.walk(
        &format!("/v1/audit-logs?target_token={target}&event_type={event_type}"),
        50,
    )
    .await
    .iter()
    .map(|e| common::s(&e["actor"]["user_id"]).to_string())
    .collect()
}

/// Stops the sandbox, runs `docket --api-url URL alerts acknowledge ALERT` in `home` with each
/// key (each stays queued, the API being down), and starts the sandbox again on the same
/// address and database.
async fn acknowledged_while_down(
    env: common::Env,
    cfg: docket::sandbox::Config,
    home: &mut common::cli::Home,
    acks: &[(&str, &str)],
) -> common::Env {
    let (url, addr) = (env.sandbox.url(), env.sandbox.addr);
    let common::Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();
    for (key, alert) in acks {
        home.set(&[("DOCKET_API_KEY", key)]);
        let args = ["--api-url", &url, "alerts", "acknowledge", alert];
        let r = common::cli::docket(home, &[&args[..], &["--wait-secs", "1"]].concat(), None)
            .await
            .expect(4);
        assert!(r.stderr.contains("stays queued"), "{}", r.stderr);
    }
    let mut again = cfg;
    again.addr = addr;
    common::start_with(again, dir).await
}

/// Issue 11: an acknowledgement Lukas queued while the API was down is held, never sent, by a
/// console started with Amara's key on the same label and store (while hers goes out), and
/// lands as Lukas once a console runs with his key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_queued_with_another_key_is_held_and_only_its_author_sends_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::config(&dir, 40);
    let env = common::start_with(cfg.clone(), dir).await;
    let alerts = env.open_alerts(2).await;
    let (his, hers) = (alerts[0].clone(), alerts[1].clone());
    let (lukas, amara) = (env.key_of("usr_lukas"), env.key_of("usr_amara"));
    let lukas_fp = docket::provider::ApiKey::new(lukas.as_str()).fingerprint();
    let url = env.sandbox.url();
    let label = common::cli::label(&url);
    let mut home = common::cli::Home::new(&lukas);

    // While the API is away, each queues an acknowledgement with their own key, same store.
    let env =
        acknowledged_while_down(env, cfg, &mut home, &[(&lukas, &his), (&amara, &hers)]).await;
    assert_eq!(home.outbox(&label).entries().unwrap().len(), 2);

    // Amara's console: her entry goes out, his is held and said to be.
    let held = format!("⏸ 1 held for key {lukas_fp}");
    let he = HomeEnv::of(&home);
    let run = tokio::task::spawn_blocking({
        let (url, amara, held, lukas_fp) =
            (url.clone(), amara.clone(), held.clone(), lukas_fp.clone());
        move || {
            let mut c = Console::start_home(&url, &amara, &["--poll-secs", "3600"], &he);
            c.wait_until("her entry sent", Duration::from_secs(30), |s| {
                s.contains("● online")
                    && s.contains("Amara Okafor")
                    && s.contains("✓ Sent from the outbox")
            });
            c.keys("\x0f"); // Ctrl-O
            let outbox = c.wait_until("the outbox view", Duration::from_secs(10), |s| {
                s.contains("⏸ held") && s.contains("only their key sends it")
            });
            assert!(
                outbox.contains(&format!(
                    "written by key {lukas_fp}: only their key sends it"
                )),
                "{outbox}"
            );
            assert!(!outbox.contains("⟳ pending"), "{outbox}");
            c.keys("\x1b");
            let screen = c.wait_until("the held count", Duration::from_secs(10), |s| {
                s.contains(&held) && !s.contains("s send again")
            });
            assert!(!screen.contains("pending"), "{screen}");
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(run);
    assert_eq!(
        actors(&env, &hers, "ALERT_ACKNOWLEDGED").await,
        ["usr_amara"]
    );
    assert!(
        actors(&env, &his, "ALERT_ACKNOWLEDGED").await.is_empty(),
        "Lukas's review was sent with Amara's key"
    );
    let left = home.outbox(&label).entries().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].author.key_fp, lukas_fp);

    // Lukas's console sends it, as him.
    sends_what_waits(&url, &lukas, &home, "Lukas Brandt", "held for").await;
    assert_eq!(
        actors(&env, &his, "ALERT_ACKNOWLEDGED").await,
        ["usr_lukas"]
    );
    assert!(home.outbox(&label).entries().unwrap().is_empty());
}

/// Starts a console in `home` with `key` (the user `name`), waits until the outbox sent what
/// waited there, checks `absent` is not on screen, and quits.
async fn sends_what_waits(
    url: &str,
    key: &str,
    home: &common::cli::Home,
    name: &str,
    absent: &str,
) {
    let he = HomeEnv::of(home);
    let (url, key, name, absent) = (
        url.to_string(),
        key.to_string(),
        name.to_string(),
        absent.to_string(),
    );
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start_home(&url, &key, &["--poll-secs", "3600"], &he);
        let screen = c.wait_until("the waiting entry sent", Duration::from_secs(30), |s| {
            s.contains(&name) && s.contains("✓ Sent from the outbox")
        });
        assert!(!screen.contains(&absent), "{screen}");
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    rethrow(run);
}

/// Issue 11: `--read-only` with one of the key's own reviews pending shows the count and
/// read-only, and sends nothing; the next normal start sends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_shows_its_own_pending_review_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::config(&dir, 40);
    let env = common::start_with(cfg.clone(), dir).await;
    let alert = env.open_alerts(1).await.remove(0);
    let amara = env.key_of("usr_amara");
    let url = env.sandbox.url();
    let label = common::cli::label(&url);
    let mut home = common::cli::Home::new(&amara);
    let env = acknowledged_while_down(env, cfg, &mut home, &[(&amara, &alert)]).await;
    let tried = home.outbox(&label).entries().unwrap()[0].attempts;

    let he = HomeEnv::of(&home);
    let run = tokio::task::spawn_blocking({
        let (url, amara) = (url.clone(), amara.clone());
        move || {
            let args = ["--read-only", "--poll-secs", "3600"];
            let mut c = Console::start_home(&url, &amara, &args, &he);
            // Up, online, knowing the user (the sender would start now), and its entry counted.
            let screen = c.wait_until(
                "the queue, online, read-only, one pending",
                Duration::from_secs(20),
                |s| {
                    s.contains("● online")
                        && s.contains("Amara Okafor")
                        && s.contains("read-only")
                        && s.contains("⟳ 1 pending")
                },
            );
            assert!(!screen.contains("Sent from the outbox"), "{screen}");
            // A few more round trips after /v1/me answered: a case opens and loads.
            c.keys("\r");
            c.wait_until("a case loaded", Duration::from_secs(10), |s| {
                s.contains("Open alerts")
            });
            c.keys("\x0f"); // Ctrl-O
            let outbox = c.wait_until("the outbox view", Duration::from_secs(10), |s| {
                s.contains("⟳ pending") && s.contains(&format!("({tried} attempt(s))"))
            });
            assert!(!outbox.contains("⏸ held"), "{outbox}");
            c.keys("\x1b");
            let screen = c.wait_until("the outbox closed", Duration::from_secs(10), |s| {
                !s.contains("s send again")
            });
            assert!(
                screen.contains("⟳ 1 pending") && !screen.contains("Sent from the outbox"),
                "{screen}"
            );
            // Read-only does not ask before quitting: nothing of it would be sent anyway.
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(run);
    assert!(
        actors(&env, &alert, "ALERT_ACKNOWLEDGED").await.is_empty(),
        "--read-only sent a review"
    );
    let left = home.outbox(&label).entries().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        left[0].attempts, tried,
        "--read-only tried to send: {left:?}"
    );

    // A normal start sends it.
    sends_what_waits(&url, &amara, &home, "Amara Okafor", "read-only").await;
    assert_eq!(
        actors(&env, &alert, "ALERT_ACKNOWLEDGED").await,
        ["usr_amara"]
    );
    assert!(home.outbox(&label).entries().unwrap().is_empty());
}

/// Issue 11: the auditor's key cannot write: the status bar says read-only and why, and a
/// write key flashes the reason and opens no drawer. Nothing is queued or sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auditor_key_is_read_only_with_the_reason_and_write_keys_open_nothing() {
    let env = common::start(30).await;
    let target = env.walk("/v1/cases?status=In%20Progress", 5).await[0].clone();
    let (case_token, case_name) = (
        common::s(&target["token"]).to_string(),
        common::s(&target["name"]).to_string(),
    );
    let ines = env.key_of("usr_ines");
    let url = env.sandbox.url();
    let home = common::cli::Home::new(&ines);
    let he = HomeEnv::of(&home);
    // The reason, in whatever words: the key cannot write (and, in the status bar, the role
    // the API gave; the flash beside it is cut at the edge of 120 columns).
    let says_why = |s: &str, prefix: &str, role: bool| {
        s.lines().last().is_some_and(|bar| {
            bar.split(prefix).nth(1).is_some_and(|why| {
                why.contains("cannot write") && (!role || why.contains("(auditor)"))
            })
        })
    };
    let run = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut c = Console::start_home(&url, &ines, &["--poll-secs", "3600"], &he);
            c.wait_until(
                "the queue, online, read-only with the reason",
                Duration::from_secs(20),
                |s| {
                    s.contains("● online")
                        && s.contains("Inês Duarte")
                        && says_why(s, "read-only: ", true)
                },
            );
            c.filter_to(&case_name, &case_name);
            c.keys("\r\r");
            c.wait_until("the case open", Duration::from_secs(10), |s| {
                s.contains("Open alerts") && s.contains(&format!("┌ {case_name} "))
            });
            for key in ["n", "C", "m"] {
                c.keys(key);
                let screen = c.wait_until("the read-only flash", Duration::from_secs(10), |s| {
                    says_why(s, "Read-only: ", false)
                });
                assert!(
                    !screen.contains("drawer open") && !screen.contains("Ctrl-S"),
                    "{key} opened a drawer:\n{screen}"
                );
                // The next key must find the flash gone to prove it flashed again.
                c.keys("]");
                c.wait_until("the flash cleared", Duration::from_secs(10), |s| {
                    !s.contains("Read-only: ")
                });
            }
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(run);
    assert!(
        home.outbox(&common::cli::label(&url))
            .entries()
            .unwrap()
            .is_empty()
    );
    let by_ines: Vec<serde_json::Value> = env
        .walk(&format!("/v1/cases/{case_token}/timeline"), 100)
        .await
        .into_iter()
        .filter(|e| e["actor"]["user_id"] == "usr_ines")
        .collect();
    assert!(by_ines.is_empty(), "{by_ines:?}");
}

/// A case's alerts in the order the console lists them: grouped by entity, most urgent first
/// within each.
async fn alerts_as_listed(env: &common::Env, case_token: &str) -> Vec<serde_json::Value> {
    let mut list = env
        .walk(&format!("/v1/alerts?case_token={case_token}"), 50)
        .await;
    list.sort_by(|a, b| {
        a["entity_name"]
            .as_str()
            .cmp(&b["entity_name"].as_str())
            .then(
                b["priority_score"]
                    .as_f64()
                    .unwrap_or(0.0)
                    .total_cmp(&a["priority_score"].as_f64().unwrap_or(0.0)),
            )
    });
    list
}

/// Issue 11: two alerts declined together land, and a comment written right after on the same
/// case is not taken for someone else's change: it lands with no conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_bulk_decline_is_not_a_conflict_for_the_next_comment() {
    let env = common::start(40).await;
    // An open case with at least two open alerts.
    let cases = env
        .walk("/v1/cases?status=In%20Progress&sort=-open_alerts_count", 20)
        .await;
    let case = cases
        .iter()
        .find(|c| c["open_alerts_count"].as_u64().unwrap_or(0) >= 2)
        .expect("a case with two open alerts")
        .clone();
    let (case_token, case_name) = (
        common::s(&case["token"]).to_string(),
        common::s(&case["name"]).to_string(),
    );
    let listed = alerts_as_listed(&env, &case_token).await;
    let open: Vec<(usize, String)> = listed
        .iter()
        .enumerate()
        .filter(|(_, a)| a["status"] == "Open" || a["status"] == "Acknowledged")
        .map(|(i, a)| (i, common::s(&a["token"]).to_string()))
        .take(2)
        .collect();
    assert_eq!(open.len(), 2, "{listed:?}");
    let (url, key) = (env.sandbox.url(), env.analyst());
    let (first, second) = (open[0].0, open[1].0);
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        go_to_alert(&mut c, &case_name, first);
        c.keys(" ");
        c.keys(&"j".repeat(second - first));
        c.keys(" ");
        c.keys("x");
        c.wait_until("the decline editor", Duration::from_secs(10), |s| {
            s.contains("Rationale")
        });
        c.type_and_review("Both hits confirmed against the registry: declined.");
        c.keys("\r");
        // The drawer closes by itself once both land, the alerts shown settled.
        c.wait_until("both declines to land", Duration::from_secs(20), |s| {
            s.contains("✓ 2 alerts resolved with Decline")
                && !s.contains("drawer open")
                && !s.contains("pending")
                // The list says the decision taken, not only "Resolved".
                && s.matches("✓ Declined").count() >= 2
        });
        c.keys("n");
        c.wait_until("the comment editor", Duration::from_secs(10), |s| {
            s.contains("Comment ◀")
        });
        c.type_and_review("Declined both hits; file goes to the approver.");
        c.keys("y");
        let screen = c.wait_until(
            "the comment to land, or a conflict",
            Duration::from_secs(20),
            |s| {
                s.contains("changed on the server")
                    || (s.contains("✓ Comment added") && !s.contains("drawer open"))
            },
        );
        assert!(!screen.contains("changed on the server"), "{screen}");
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    rethrow(run);
    for (_, token) in &open {
        let a = env.get(&format!("/v1/alerts/{token}")).await.ok();
        assert_eq!(a.data()["status"], "Resolved", "{}", a.body);
        assert_eq!(a.data()["resolution_action"], "Decline", "{}", a.body);
        assert_eq!(a.data()["resolved_by"], "usr_amara", "{}", a.body);
    }
    let comments = env
        .walk(&format!("/v1/cases/{case_token}/comments"), 50)
        .await;
    assert_eq!(
        comments
            .iter()
            .filter(|c| c["body"] == "Declined both hits; file goes to the approver.")
            .count(),
        1
    );
}

/// Issue 11: the approver's decision lands over HTTP while the analyst has the case open, and
/// `C` pressed right after reads the case again before judging: the decision picker (not
/// "Cannot proceed yet") and the line saying what was read, and the close then lands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_reads_the_case_again_and_sees_the_approvers_fresh_decision() {
    use serde_json::json;
    let env = common::start(30).await;
    // A case that needs four eyes: High (overridden by Lukas, approved by Sofía), in
    // progress, no alerts, Sofía invited as approver and not yet decided.
    let fresh = env.company_case("DE", "Software and IT services").await;
    let (token, name) = (
        common::s(&fresh["token"]).to_string(),
        common::s(&fresh["name"]).to_string(),
    );
    env.patch(
        &format!("/v1/cases/{token}"),
        json!({ "status": "In Progress" }),
    )
    .await
    .ok();
    let risk = env
        .get(&format!("/v1/cases/{token}/risk-assessment"))
        .await
        .ok();
    let rt = common::s(&risk.data()["token"]).to_string();
    let (lukas, sofia) = (env.key_of("usr_lukas"), env.key_of("usr_sofia"));
    env.post_as(
        &lukas,
        &format!("/v1/risk-assessments/{rt}/override"),
        json!({ "tier": "High", "justification": "Ownership chain through a high-risk jurisdiction." }),
    )
    .await
    .ok();
    env.post_as(
        &sofia,
        &format!("/v1/risk-assessments/{rt}/approve"),
        json!({}),
    )
    .await
    .ok();
    let reviewer = env
        .post(
            &format!("/v1/cases/{token}/reviewers"),
            json!({ "user_id": "usr_sofia", "message": "Four eyes, please." }),
        )
        .await
        .ok();
    let rev = common::s(&reviewer.data()["token"]).to_string();

    let (url, key) = (env.sandbox.url(), env.analyst());
    let (tx_ready, rx_ready) = std::sync::mpsc::channel::<()>();
    let (tx_done, rx_done) = std::sync::mpsc::channel::<()>();
    let console = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        c.wait_until("the queue", Duration::from_secs(20), |s| {
            s.contains("● online") && s.contains("Amara Okafor")
        });
        c.filter_to(&name, &name);
        c.keys("\r\r");
        c.wait_until("the case with its reviewer", Duration::from_secs(10), |s| {
            s.contains(&format!("┌ {name} ")) && s.contains("Sofía Hernández")
        });
        // Before the approver decides, closing is refused, with what was read.
        c.keys("C");
        let blocked = c.wait_until("the preconditions", Duration::from_secs(10), |s| {
            s.contains("Cannot proceed yet")
        });
        assert!(
            blocked.contains("↻ Read just now:") && blocked.contains("no approval yet"),
            "{blocked}"
        );
        c.keys("\x1b");
        c.wait_until("the drawer closed", Duration::from_secs(10), |s| {
            !s.contains("drawer open") && !s.contains("Cannot proceed yet")
        });
        // Sofía approves over HTTP; the console has not polled since (one poll an hour).
        tx_ready.send(()).unwrap();
        rx_done.recv().unwrap();
        c.keys("C");
        let drawer = c.wait_until(
            "the decision picker, or the refusal",
            Duration::from_secs(10),
            |s| s.contains("▶ Approve") || s.contains("Cannot proceed yet"),
        );
        assert!(!drawer.contains("Cannot proceed yet"), "{drawer}");
        let read = drawer
            .lines()
            .find(|l| l.contains("↻ Read just now:"))
            .unwrap_or_else(|| panic!("no read line:\n{drawer}"));
        assert!(
            read.contains("0 alerts, 0 open")
                && read.contains("risk Approved, High")
                && read.contains("approved by Sofía Hernández"),
            "{read}"
        );
        // And the close it allows lands: the drawer itself read the approval just now, so it
        // is no change "since you opened the drawer".
        c.keys("\r");
        c.type_and_review("High risk, approved by the second pair of eyes.");
        c.keys("\r");
        let end = c.wait_until(
            "the close to land, or a conflict",
            Duration::from_secs(20),
            |s| s.contains("closed: Approve") || s.contains("changed on the server"),
        );
        assert!(
            !end.contains("changed on the server"),
            "what the drawer read just now was called a change since it opened:\n{end}"
        );
        c.keys("q");
        assert!(c.wait_exit().success());
    });
    let _ = tokio::task::spawn_blocking(move || rx_ready.recv()).await;
    env.post_as(
        &sofia,
        &format!("/v1/cases/{token}/reviewers/{rev}/approve"),
        json!({ "notes": "Agreed." }),
    )
    .await
    .ok();
    tx_done.send(()).unwrap();
    rethrow(console.await);
    let closed = env.get(&format!("/v1/cases/{token}")).await.ok();
    assert_eq!(closed.data()["status"], "Closed", "{}", closed.body);
    assert_eq!(closed.data()["decision"], "Approve", "{}", closed.body);
}

/// Issue 11: offline, a Decline then an Approve of the same alert: the second drawer says the
/// first is still waiting, `q` queues behind it; when the API is back the Decline lands first
/// and the Approve is refused (ALERT_ALREADY_RESOLVED), kept in the outbox with the API's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_review_of_the_same_alert_queues_behind_the_first_and_is_refused_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::config(&dir, 40);
    let env = common::start_with(cfg.clone(), dir).await;
    let (alert, case_name, position) = alert_target(&env).await;
    let (url, key, addr) = (env.sandbox.url(), env.analyst(), env.sandbox.addr);
    let (tx_open, rx_open) = std::sync::mpsc::channel::<()>();
    let (tx_gone, rx_gone) = std::sync::mpsc::channel::<()>();
    let (tx_queued, rx_queued) = std::sync::mpsc::channel::<()>();
    let console = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        go_to_alert(&mut c, &case_name, position);
        // The API goes away with the alert under the cursor.
        tx_open.send(()).unwrap();
        rx_gone.recv().unwrap();
        c.keys("x");
        c.wait_until("the decline editor", Duration::from_secs(10), |s| {
            s.contains("Rationale")
        });
        c.type_and_review("Confirmed match: decline.");
        c.keys("y");
        c.wait_until("the decline waiting", Duration::from_secs(20), |s| {
            s.contains("Saved as outbox entry") && s.contains("Not landed yet")
        });
        c.keys("\x1b");
        c.wait_until(
            "the drawer closed, one pending",
            Duration::from_secs(10),
            |s| s.contains("⟳ 1 pending") && !s.contains("drawer open"),
        );
        c.keys("a");
        c.wait_until("the approve editor", Duration::from_secs(10), |s| {
            s.contains("Rationale") && s.contains("drawer open")
        });
        c.type_and_review("Second thoughts: approve.");
        c.keys("y");
        let behind = c.wait_until("the still-waiting step", Duration::from_secs(10), |s| {
            s.contains("Earlier reviews of the same target are still waiting to be sent")
        });
        assert!(
            behind.lines().any(|l| l.contains("⟳ #")
                && l.contains("a Decline of this alert is still waiting to be sent")),
            "{behind}"
        );
        c.keys("q");
        c.wait_until("the approve queued behind", Duration::from_secs(10), |s| {
            s.contains("queued behind #")
        });
        c.keys("\x1b");
        let marked = c.wait_until("two pending", Duration::from_secs(10), |s| {
            s.contains("⟳ 2 pending") && !s.contains("drawer open")
        });
        // Marked pending where they will land: the case pane, its queue row, the alert row.
        assert!(marked.contains("· ⟳ review pending"), "{marked}");
        let selected: Vec<&str> = marked.lines().filter(|l| l.contains('▶')).collect();
        assert!(
            selected.iter().any(|l| l.contains("⟳ Open")),
            "the alert row:\n{marked}"
        );
        assert!(
            selected
                .iter()
                .any(|l| l.contains("CAS-") && l.contains('⟳')),
            "the queue row:\n{marked}"
        );
        c.keys("\x0f"); // Ctrl-O
        let outbox = c.wait_until("the outbox view", Duration::from_secs(10), |s| {
            s.contains("waits for #")
        });
        assert_eq!(outbox.matches("⟳ pending").count(), 2, "{outbox}");
        c.keys("\x1b");
        c.wait_until("the outbox closed", Duration::from_secs(10), |s| {
            !s.contains("s send again")
        });
        tx_queued.send(()).unwrap();
        // Once the API is back: the decline lands, then the approve is refused.
        let screen = c.wait_until(
            "the decline landed and the approve refused",
            Duration::from_secs(90),
            |s| s.contains("✖ 1 failed") && !s.contains("pending"),
        );
        assert!(screen.contains("· ✖ review refused"), "{screen}");
        c.keys("\x0f");
        let outbox = c.wait_until("the refusal in the outbox", Duration::from_secs(10), |s| {
            s.contains("✖ failed")
        });
        assert!(outbox.contains("ALERT_ALREADY_RESOLVED"), "{outbox}");
        assert!(!outbox.contains("⟳ pending"), "{outbox}");
        c.keys("\x1b");
        c.wait_until("the outbox closed", Duration::from_secs(10), |s| {
            !s.contains("s send again")
        });
        c.keys("q");
        c.wait_exit()
    });
    let _ = tokio::task::spawn_blocking(move || rx_open.recv()).await;
    let common::Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();
    tx_gone.send(()).unwrap();
    let _ = tokio::task::spawn_blocking(move || rx_queued.recv()).await;
    let mut again = cfg;
    again.addr = addr;
    let env = common::start_with(again, dir).await;
    let status = rethrow(console.await);
    assert!(status.success(), "{status:?}");
    let a = env.get(&format!("/v1/alerts/{alert}")).await.ok();
    assert_eq!(a.data()["status"], "Resolved", "{}", a.body);
    assert_eq!(a.data()["resolution_action"], "Decline", "{}", a.body);
    assert_eq!(
        a.data()["resolution_rationale"],
        "Confirmed match: decline."
    );
    assert_eq!(actors(&env, &alert, "ALERT_RESOLVED").await, ["usr_amara"]);
}

/// Issue 11: a false positive of mine that moves the case's risk tier is my own change, not
/// someone else's: a comment opened while it was on its way and sent after it landed goes out
/// with no conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_review_that_moves_the_risk_tier_is_not_a_conflict() {
    use serde_json::json;
    // Which alert moves its case's tier when settled as a false positive: tried on a twin
    // sandbox (the same seed seeds the same tokens), so the one under test is untouched.
    let twin = common::start(40).await;
    let mut found = None;
    for a in twin.walk("/v1/alerts?status=Open", 100).await {
        let case = common::s(&a["case_token"]).to_string();
        let before = twin.get(&format!("/v1/cases/{case}")).await.ok();
        let risk = twin.get(&format!("/v1/cases/{case}/risk-assessment")).await;
        if before.data()["status"] == "Closed" || risk.data()["status"] != "Active" {
            continue;
        }
        let token = common::s(&a["token"]).to_string();
        twin.post(
            &format!("/v1/alerts/{token}/resolve"),
            json!({ "action": "Approve", "rationale": "probe", "is_false_positive": true }),
        )
        .await
        .ok();
        let after = twin.get(&format!("/v1/cases/{case}")).await.ok();
        if after.data()["risk_tier"] != before.data()["risk_tier"] {
            found = Some((token, case, before.data()["risk_tier"].clone()));
            break;
        }
    }
    let (alert, case, tier) = found.expect("an alert whose false positive moves the tier");
    drop(twin);

    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::config(&dir, 40);
    // Writes take a moment: the comment drawer opens while the false positive is on its way.
    cfg.faults.write_latency = Duration::from_secs(2);
    let env = common::start_with(cfg, dir).await;
    let here = env.get(&format!("/v1/cases/{case}")).await.ok();
    assert_eq!(here.data()["risk_tier"], tier, "the twin differs");
    let case_name = common::s(&here.data()["name"]).to_string();
    let owner = &here.data()["assigned_to"];
    let others = !owner.is_null() && owner != "usr_amara";
    let position = alerts_as_listed(&env, &case)
        .await
        .iter()
        .position(|a| a["token"] == alert.as_str())
        .expect("the alert on its case");
    let (url, key) = (env.sandbox.url(), env.analyst());
    let body = "False positive settled; nothing else on file.";
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        go_to_alert(&mut c, &case_name, position);
        c.keys("t");
        // Another analyst's case asks first (once).
        if others {
            c.wait_until(
                "the question on another's case",
                Duration::from_secs(10),
                |s| s.contains("Act on it? (y/n)"),
            );
            c.keys("y");
        }
        c.wait_until("the false-positive editor", Duration::from_secs(10), |s| {
            s.contains("Rationale")
        });
        c.type_and_review("Different person: date of birth and nationality differ.");
        c.keys("y");
        c.wait_until("the entry on its way", Duration::from_secs(10), |s| {
            s.contains("Saved as outbox entry")
        });
        c.keys("\x1b"); // the outbox takes it from here
        c.wait_until("the drawer closed", Duration::from_secs(10), |s| {
            s.contains("⟳ 1 pending") && !s.contains("drawer open")
        });
        c.keys("n");
        c.wait_until("the comment editor", Duration::from_secs(10), |s| {
            s.contains("Comment ◀")
        });
        c.type_and_review(body);
        c.wait_until("the false positive landed", Duration::from_secs(20), |s| {
            !s.contains("pending") && s.contains("Enter/y submit")
        });
        c.keys("y");
        let end = c.wait_until(
            "the comment to land, or a conflict",
            Duration::from_secs(20),
            |s| {
                s.contains("changed on the server")
                    || (s.contains("✓ Comment added") && !s.contains("drawer open"))
            },
        );
        assert!(
            !end.contains("changed on the server"),
            "my own false positive was called a change by others:\n{end}"
        );
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    // The server files the rescore under the false positive's author, in the same request
    // (the seeded first score, with no "before", is the system's).
    let rescored: Vec<serde_json::Value> = env
        .walk(
            &format!("/v1/cases/{case}/timeline?event_type=RISK_SCORE_CALCULATED"),
            50,
        )
        .await
        .into_iter()
        .filter(|e| e["details"]["before"].is_object())
        .collect();
    assert!(
        !rescored.is_empty()
            && rescored
                .iter()
                .all(|e| e["actor"]["user_id"] == "usr_amara"),
        "{rescored:?}"
    );
    rethrow(run);
    let now = env.get(&format!("/v1/cases/{case}")).await.ok();
    assert_ne!(now.data()["risk_tier"], tier, "the tier did not move");
    let comments = env.walk(&format!("/v1/cases/{case}/comments"), 50).await;
    assert_eq!(comments.iter().filter(|c| c["body"] == body).count(), 1);
}

/// The name in the status bar's `✓ Created NAME (TOKEN)`, once the creation has landed.
#[track_caller]
fn created_name(c: &Console, what: &str) -> (String, String) {
    let screen = c.wait_until(what, Duration::from_secs(20), |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("✓ Created ") && !l.contains("drawer open"))
    });
    let status = screen.lines().last().unwrap_or_default();
    let rest = &status[status.find("✓ Created ").unwrap() + "✓ Created ".len()..];
    let (name, rest) = rest.split_once(" (").expect("a token after the name");
    let token = rest.split(')').next().unwrap_or_default();
    (name.trim().to_string(), token.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_case_and_a_company_case_with_a_ubo_are_created_from_the_console() {
    let env = common::start(20).await;
    let key = env.analyst();
    let url = env.sandbox.url();
    const TAB: &str = "\t";
    const RIGHT: &str = "\x1b[C";
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        c.wait_until("the queue, with who I am", Duration::from_secs(20), |s| {
            s.contains("● online") && s.lines().last().is_some_and(|l| l.contains("Amara Okafor"))
        });

        // A Person case. The form comes from the provider: wait for it before typing.
        c.keys("N");
        c.wait_until("the case form", Duration::from_secs(10), |s| {
            s.contains("New Zenoo case") && s.contains("Case type *")
        });
        // Onboarding; Person (Company, then Person); then the person's fields.
        c.keys(RIGHT);
        c.keys(TAB);
        c.keys(&RIGHT.repeat(2));
        c.wait_until("the person's fields", Duration::from_secs(10), |s| {
            s.contains("First name *") && s.contains("Nationality")
        });
        for text in ["Ada", "Lovelace", "1985-12-10", "GB"] {
            c.keys(TAB);
            c.keys(text);
        }
        // Six address lines, then the external reference, the assignee (me) and metadata.
        c.keys(&TAB.repeat(7));
        c.keys("e2e-person-1");
        c.keys(TAB);
        c.keys(RIGHT);
        c.keys(TAB);
        c.keys("channel = console");
        c.wait_until("the form filled in", Duration::from_secs(10), |s| {
            s.contains("e2e-person-1") && s.contains("me · Amara Okafor")
        });
        c.keys("\x13"); // Ctrl-S: the read-back
        c.wait_until("the read-back", Duration::from_secs(10), |s| {
            s.contains("Exactly what will be sent")
                && s.contains(r#""first_name": "Ada""#)
                && s.contains("Enter/y send")
        });
        c.keys("\r");
        let (person, _) = created_name(&c, "the person case to land");
        c.wait_until("the new case open", Duration::from_secs(10), |s| {
            s.contains(&format!(" {person} "))
                && s.contains("Summary")
                && s.contains("Ada Lovelace")
        });

        // A Company case.
        c.keys("N");
        c.wait_until("a fresh case form", Duration::from_secs(10), |s| {
            s.contains("New Zenoo case") && s.contains("Case type *") && !s.contains("e2e-person-1")
        });
        c.keys(RIGHT);
        c.keys(TAB);
        c.keys(RIGHT);
        c.wait_until("the company's fields", Duration::from_secs(10), |s| {
            s.contains("Company name *") && s.contains("Registration number")
        });
        for text in ["Nordlicht E2E GmbH", "DE", "HRB 4711"] {
            c.keys(TAB);
            c.keys(text);
        }
        c.keys(&TAB.repeat(7));
        c.keys("e2e-company-1");
        c.wait_until("the company form filled in", Duration::from_secs(10), |s| {
            s.contains("e2e-company-1") && s.contains("HRB 4711")
        });
        c.keys("\x13");
        c.wait_until("the company's read-back", Duration::from_secs(10), |s| {
            s.contains(r#""company_name": "Nordlicht E2E GmbH""#)
        });
        c.keys("\r");
        let (company, _) = created_name(&c, "the company case to land");
        c.wait_until("the company case open", Duration::from_secs(10), |s| {
            s.contains(&format!(" {company} ")) && s.contains("Summary")
        });

        // Its Entities tab, then a UBO with 40% under the company.
        c.keys("]");
        c.wait_until(
            "the company on the Entities tab",
            Duration::from_secs(10),
            |s| {
                s.lines()
                    .any(|l| l.contains("Nordlicht E2E GmbH") && l.contains("Primary ·"))
            },
        );
        c.keys("+");
        c.wait_until("the entity form", Duration::from_secs(10), |s| {
            s.contains(&format!("Add an entity to {company}")) && s.contains("Role *")
        });
        c.keys(&RIGHT.repeat(2)); // Person
        c.wait_until("the person's fields", Duration::from_secs(10), |s| {
            s.contains("First name *")
        });
        for text in ["Ines", "Vogel", "1979-04-02", "DE"] {
            c.keys(TAB);
            c.keys(text);
        }
        // Six address lines and the entity's own reference; the role: UBO (Primary, UBO).
        c.keys(&TAB.repeat(8));
        c.keys(&RIGHT.repeat(2));
        c.keys(TAB);
        c.keys("40");
        c.keys(TAB);
        c.keys(RIGHT);
        c.wait_until("the UBO filled in", Duration::from_secs(10), |s| {
            s.contains("UBO") && s.contains("Nordlicht E2E GmbH (Company, Primary)")
        });
        c.keys("\x13");
        c.wait_until("the entity's read-back", Duration::from_secs(10), |s| {
            s.contains(r#""ownership_percentage": 40"#) && s.contains(r#""role": "UBO""#)
        });
        c.keys("\r");
        c.wait_until(
            "the UBO on the Entities tab",
            Duration::from_secs(20),
            |s| {
                s.lines()
                    .last()
                    .is_some_and(|l| l.contains("✓ Created Ines Vogel"))
                    && s.lines()
                        .any(|l| l.contains("Ines Vogel") && l.contains("UBO · 40%"))
            },
        );
        c.keys("q");
        assert!(c.wait_exit().success());
        (person, company)
    })
    .await;
    let (person, company) = rethrow(run);

    // The server holds exactly those: one case per reference, the UBO under the company.
    let one = |reference: &'static str| {
        let env = &env;
        async move {
            let found = env
                .walk(&format!("/v1/cases?external_reference={reference}"), 50)
                .await;
            assert_eq!(found.len(), 1, "{reference}: {found:?}");
            found[0].clone()
        }
    };
    let p = one("e2e-person-1").await;
    assert_eq!(p["name"], person.as_str());
    assert_eq!(p["entity_category"], "Person");
    assert_eq!(p["assigned_to"], "usr_amara", "{p}");
    let p_entities = env
        .walk(
            &format!("/v1/entities?case_token={}", common::s(&p["token"])),
            50,
        )
        .await;
    assert_eq!(p_entities.len(), 1, "{p_entities:?}");
    assert_eq!(p_entities[0]["first_name"], "Ada");
    assert_eq!(p_entities[0]["date_of_birth"], "1985-12-10");

    let co = one("e2e-company-1").await;
    assert_eq!(co["name"], company.as_str());
    let co_token = common::s(&co["token"]).to_string();
    let entities = env
        .walk(&format!("/v1/entities?case_token={co_token}"), 50)
        .await;
    assert_eq!(entities.len(), 2, "{entities:?}");
    let firm = entities
        .iter()
        .find(|e| e["company_name"] == "Nordlicht E2E GmbH")
        .expect("the company");
    let ubo = entities
        .iter()
        .find(|e| e["last_name"] == "Vogel")
        .expect("the UBO");
    assert_eq!(ubo["role"], "UBO", "{ubo}");
    assert_eq!(ubo["ownership_percentage"], 40.0, "{ubo}");
    assert_eq!(ubo["parent_token"], firm["token"], "{ubo}");

    // Each with its timeline: opened by Amara, the UBO added.
    for (case, events) in [
        (common::s(&p["token"]).to_string(), vec!["CASE_CREATED"]),
        (co_token, vec!["CASE_CREATED", "ENTITY_ADDED"]),
    ] {
        let timeline = env.walk(&format!("/v1/cases/{case}/timeline"), 50).await;
        for event in events {
            let found: Vec<&serde_json::Value> = timeline
                .iter()
                .filter(|e| e["event_type"] == event)
                .collect();
            assert_eq!(found.len(), 1, "{case} {event}: {timeline:?}");
            assert_eq!(found[0]["actor"]["user_id"], "usr_amara");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_filled_case_form_survives_sigkill() {
    let env = common::start(5).await;
    let (url, key) = (env.sandbox.url(), env.analyst());
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    let run = tokio::task::spawn_blocking(move || {
        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        c.wait_until("the queue", Duration::from_secs(20), |s| {
            s.contains("● online") && s.contains("Queue")
        });
        c.keys("N");
        c.wait_until("the case form", Duration::from_secs(10), |s| {
            s.contains("Case type *")
        });
        c.keys("\t\x1b[C"); // Company
        c.wait_until("the company's fields", Duration::from_secs(10), |s| {
            s.contains("Company name *")
        });
        c.keys("\tHalf-typed Holdings");
        c.wait_until("the draft on disk", Duration::from_secs(10), |s| {
            s.contains("Half-typed Holdings") && s.contains("✓ draft saved")
        });
        kill9(&mut c);

        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        c.wait_until("the queue again", Duration::from_secs(20), |s| {
            s.contains("● online") && s.contains("Queue")
        });
        c.keys("N");
        c.wait_until("the form back as it was", Duration::from_secs(10), |s| {
            s.contains("Half-typed Holdings")
                && s.contains("Company name *")
                && s.contains("Draft restored")
        });
        c.keys("q"); // typed into the form, not a quit
        c.keys("\x1b");
        c.wait_until(
            "the drawer to close, draft kept",
            Duration::from_secs(10),
            |s| s.contains("Draft kept"),
        );
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    drop(home);
    rethrow(run);
    // Nothing was sent: the sandbox holds its five seeded cases.
    let all = env.walk("/v1/cases", 100).await;
    assert_eq!(all.len(), 5, "a case was opened");
}

/// Issue 14: the four-eyes flow in one terminal against the embedded sandbox. `docket --as
/// amara` takes an unassigned case with `m` (one key) and requests Sofía's approval with a
/// message; then `docket --as sofia` approves it as the approver. The screen says each step,
/// and the server holds the request (by Amara, with the message) and the approval (by Sofía).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_requests_approval_and_the_approver_approves_through_as() {
    // The embedded sandbox's database, prepared here (small, deterministic) and then reused
    // by each `docket --as ...`, which starts its own sandbox on it.
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let mut cfg = docket::sandbox::Config::new(data.join("docket").join("sandbox.db"));
    cfg.cases = 30;
    cfg.seed = 7;
    cfg.rate_limit = None;
    let env = common::start_with(cfg.clone(), tempfile::tempdir().unwrap()).await;
    let case = env
        .walk("/v1/cases?assigned_to=none", 100)
        .await
        .into_iter()
        .find(|c| c["status"] != "Closed")
        .expect("an unassigned open case");
    let (token, name) = (
        common::s(&case["token"]).to_string(),
        common::s(&case["name"]).to_string(),
    );
    let common::Env { sandbox, .. } = env;
    sandbox.shutdown().await.unwrap();

    let message = "High risk via the holding; four eyes, please.";
    let (home_path, data_dir, name2) = (home.path().to_path_buf(), data.clone(), name.clone());
    let run = tokio::task::spawn_blocking(move || {
        let data = data_dir.to_string_lossy().to_string();
        let envs = [("XDG_DATA_HOME", data.as_str())];
        let start = |who: &str| {
            Console::start_env(
                "",
                "unused",
                &["--as", who, "--poll-secs", "3600"],
                &home_path,
                &envs,
            )
        };
        // The analyst.
        let mut c = start("amara");
        c.wait_until("the queue as Amara", Duration::from_secs(30), |s| {
            s.contains("│ Amara Okafor │ ● online")
        });
        c.filter_to(&name2, &name2);
        c.open_case();
        c.keys("m");
        c.wait_until(
            "the case assigned in one key",
            Duration::from_secs(20),
            |s| s.contains(&format!("✓ {name2} assigned to")) && !s.contains("drawer open"),
        );
        c.keys("p");
        c.wait_until("the approver picker", Duration::from_secs(10), |s| {
            s.contains("Approver") && s.contains("▶ Sofía Hernández")
        });
        c.keys("\r");
        c.wait_until("the message editor", Duration::from_secs(10), |s| {
            s.contains("Message ◀")
        });
        c.type_and_review(message);
        c.keys("\r");
        c.wait_until("the request landed", Duration::from_secs(20), |s| {
            s.contains("✓ Approval requested from Sofía Hernández")
        });
        c.keys("q");
        assert!(c.wait_exit().success());

        // The approver, same terminal, same store: her own key, outbox and drafts.
        let mut c = start("usr_sofia");
        c.wait_until("the queue as Sofía", Duration::from_secs(30), |s| {
            s.contains("│ Sofía Hernández │ ● online")
        });
        c.filter_to(&name2, &name2);
        c.open_case();
        c.wait_until("her pending review", Duration::from_secs(10), |s| {
            s.contains("Sofía Hernández") && s.contains("Invited")
        });
        // Amara's case: deciding a review asked of her is not "acting on someone else's case".
        c.keys("V");
        c.wait_until("the approval drawer", Duration::from_secs(10), |s| {
            s.contains(&format!("Approve {name2} as approver"))
        });
        c.type_and_review("Agreed: ownership documented.");
        c.keys("\r");
        c.wait_until("the approval landed", Duration::from_secs(20), |s| {
            s.contains("✓ Review approved")
        });
        c.wait_until(
            "the reviewer shown approved",
            Duration::from_secs(20),
            |s| s.contains("Approved") && !s.contains("Invited"),
        );
        c.keys("q");
        assert!(c.wait_exit().success());
    });
    rethrow(run.await);

    // The server: the same database, read again.
    let env = common::start_with(cfg, tempfile::tempdir().unwrap()).await;
    let now = env.get(&format!("/v1/cases/{token}")).await.ok();
    assert_eq!(now.data()["assigned_to"], "usr_amara", "{}", now.body);
    let reviewers = env.get(&format!("/v1/cases/{token}/reviewers")).await.ok();
    let list = reviewers.data().as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "{}", reviewers.body);
    assert_eq!(list[0]["user_id"], "usr_sofia");
    assert_eq!(list[0]["status"], "Approved");
    assert_eq!(list[0]["message"], message);
    let rev = common::s(&list[0]["token"]).to_string();
    assert_eq!(actors(&env, &token, "CASE_ASSIGNMENT").await, ["usr_amara"]);
    assert_eq!(actors(&env, &rev, "REVIEWER_ADDED").await, ["usr_amara"]);
    assert_eq!(actors(&env, &rev, "REVIEWER_APPROVED").await, ["usr_sofia"]);
}

/// Enter on an alert opens it full height: its whole AI assessment is on screen, Esc goes back
/// to the list, and an alert whose document was requested reads "Document requested" in the
/// list (not "Open"). Reading writes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn an_alert_opens_full_height_with_its_whole_assessment() {
    let env = common::start(40).await;
    let key = env.analyst();
    let url = env.sandbox.url();
    // An open alert with a plain, long assessment, and another open alert on the same case.
    let open = env.walk("/v1/alerts?status=Open", 100).await;
    let plain = |a: &serde_json::Value| {
        a["ai_assessment"].as_str().is_some_and(|t| {
            t.len() > 120 && t.chars().all(|c| c == '\n' || (' '..='~').contains(&c))
        })
    };
    let (alert, other) = open
        .iter()
        .filter(|a| plain(a))
        .find_map(|a| {
            let other = open
                .iter()
                .find(|b| b["case_token"] == a["case_token"] && b["token"] != a["token"])?;
            Some((a.clone(), other.clone()))
        })
        .expect("a case with two open alerts, one with a plain assessment");
    let token = common::s(&alert["token"]).to_string();
    let other_token = common::s(&other["token"]).to_string();
    let case_token = common::s(&alert["case_token"]).to_string();
    let assessment = common::s(&alert["ai_assessment"]).to_string();
    env.post(
        &format!("/v1/alerts/{other_token}/resolve"),
        serde_json::json!({ "action": "Request Document", "rationale": "Need the passport." }),
    )
    .await
    .ok();
    let case_name = common::s(
        &env.get(&format!("/v1/cases/{case_token}"))
            .await
            .ok()
            .data()["name"],
    )
    .to_string();
    let position = alerts_as_listed(&env, &case_token)
        .await
        .iter()
        .position(|a| a["token"] == token.as_str())
        .unwrap();
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole = words(&assessment);

    let console = tokio::task::spawn_blocking({
        let (url, key, token) = (url.clone(), key.clone(), token.clone());
        move || {
            let home = tempfile::tempdir().unwrap();
            // Tall enough for the whole page of the alert.
            let mut c = Console::start_sized(
                (100, 70),
                &url,
                &key,
                &["--poll-secs", "3600"],
                home.path(),
                &[],
            );
            go_to_alert(&mut c, &case_name, position);
            c.wait_until("the requested document", Duration::from_secs(10), |s| {
                s.contains("Document requested")
            });
            c.keys("\r");
            // The screen's text without its borders, words joined across wrapped lines.
            let text = |s: &str| {
                words(
                    &s.lines()
                        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            };
            let screen = c.wait_until("the alert in full", Duration::from_secs(10), |s| {
                s.contains(&format!("Alert {token}")) && s.contains("AI assessment")
            });
            assert!(
                text(&screen).contains(&whole),
                "the whole assessment:\n{whole}\non screen:\n{screen}"
            );
            assert!(screen.contains("Esc back"), "{screen}");
            c.keys("\x1b");
            c.wait_until("the alert list again", Duration::from_secs(10), |s| {
                s.contains("Category") && s.contains("Match") && !s.contains("AI assessment")
            });
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(console);
    // Reading wrote nothing: the alert is as it was.
    let a = env.get(&format!("/v1/alerts/{token}")).await.ok();
    assert_eq!(a.data()["status"], "Open");
    assert!(a.data()["resolution_action"].is_null());
}
