//! `docket cases|alerts|risk`, the real binary against a real sandbox: what the reads print,
//! that a review goes through the outbox and lands once, the exit codes of each kind of
//! failure, and that hostile data and the key never reach the terminal.

mod common;

use common::cli::{Home, Run, docket, label};

use std::collections::HashSet;

use docket::domain::review::Submission;
use docket::sync::store::EntryState;
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_is_the_apis_open_queue_and_its_filters_work() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let all = env.walk("/v1/cases", 100).await;
    let open: Vec<&Value> = all.iter().filter(|c| c["status"] != "Closed").collect();
    assert!(open.len() > 5, "{}", all.len());
    let me = s(&env.get("/v1/me").await.ok().data()["user_id"]).to_string();

    let tokens = |r: &Run| -> HashSet<String> {
        r.json()
            .as_array()
            .expect("an array of cases")
            .iter()
            .map(|c| s(&c["token"]).to_string())
            .collect()
    };
    let expect = |pick: &dyn Fn(&Value) -> bool| -> HashSet<String> {
        open.iter()
            .filter(|c| pick(c))
            .map(|c| s(&c["token"]).to_string())
            .collect()
    };

    // The global option before the subcommand.
    let r = docket(&home, &["--api-url", &url, "cases", "list", "--json"], None)
        .await
        .expect(0);
    let listed = r.json();
    assert_eq!(listed.as_array().unwrap().len(), open.len());
    assert_eq!(tokens(&r), expect(&|_| true));
    // Domain records, most urgent first.
    let first = &listed[0];
    assert!(
        first["name"].is_string() && first["status"].is_string(),
        "{first}"
    );
    let deadlines: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["sla_deadline"].as_str())
        .collect();
    let mut sorted = deadlines.clone();
    sorted.sort();
    assert_eq!(deadlines, sorted, "most urgent SLA first");

    // ... and after it.
    let r = docket(
        &home,
        &[
            "cases",
            "list",
            "--status",
            "In Progress",
            "--json",
            "--api-url",
            &url,
        ],
        None,
    )
    .await
    .expect(0);
    let want = expect(&|c| c["status"] == "In Progress");
    assert!(!want.is_empty());
    assert_eq!(tokens(&r), want);

    let r = docket(
        &home,
        &[
            "cases",
            "list",
            "--status",
            "new,in-review",
            "--json",
            "--api-url",
            &url,
        ],
        None,
    )
    .await
    .expect(0);
    assert_eq!(
        tokens(&r),
        expect(&|c| c["status"] == "New" || c["status"] == "In Review")
    );

    let r = docket(
        &home,
        &["cases", "list", "--unassigned", "--json", "--api-url", &url],
        None,
    )
    .await
    .expect(0);
    assert_eq!(tokens(&r), expect(&|c| c["assigned_to"].is_null()));

    let r = docket(
        &home,
        &["cases", "list", "--mine", "--json", "--api-url", &url],
        None,
    )
    .await
    .expect(0);
    let mine = expect(&|c| c["assigned_to"] == me.as_str());
    assert!(!mine.is_empty());
    assert_eq!(tokens(&r), mine);

    let r = docket(
        &home,
        &["cases", "list", "--breached", "--json", "--api-url", &url],
        None,
    )
    .await
    .expect(0);
    assert_eq!(tokens(&r), expect(&|c| c["sla_status"] == "Breached"));

    let r = docket(
        &home,
        &["cases", "list", "--limit", "3", "--json", "--api-url", &url],
        None,
    )
    .await
    .expect(0);
    assert_eq!(r.json().as_array().unwrap().len(), 3);

    // The human table: a header and one row per case.
    let r = docket(&home, &["cases", "list", "--api-url", &url], None)
        .await
        .expect(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].starts_with("SLA") && lines[0].contains("CASE"),
        "{}",
        r.stdout
    );
    assert_eq!(lines.len(), open.len() + 1, "{}", r.stdout);

    // A status that does not exist is an error, not an empty list.
    let r = docket(
        &home,
        &["cases", "list", "--status", "Opne", "--api-url", &url],
        None,
    )
    .await
    .expect(2);
    assert!(r.stderr.contains("unknown status"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_the_case_with_every_part_and_an_unknown_case_exits_2() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let case = env
        .walk("/v1/cases?status=In Progress", 100)
        .await
        .into_iter()
        .find(|c| c["open_alerts_count"].as_u64() > Some(0))
        .expect("an In Progress case with open alerts");
    let (name, token) = (s(&case["name"]), s(&case["token"]));
    let alerts = env
        .walk(&format!("/v1/alerts?case_token={token}"), 100)
        .await;

    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "show",
            &name.to_lowercase(),
            "--json",
        ],
        None,
    )
    .await
    .expect(0);
    let d = r.json();
    assert_eq!(d["case"]["token"], token);
    assert_eq!(d["case"]["name"], name);
    for part in ["alerts", "entities", "checks", "comments"] {
        assert!(d[part].is_array(), "{part} missing: {d}");
    }
    assert!(d["risk"]["token"].is_string(), "{d}");
    assert_eq!(d["alerts"].as_array().unwrap().len(), alerts.len());
    assert!(!d["entities"].as_array().unwrap().is_empty());

    // By token, as sections.
    let r = docket(&home, &["--api-url", &url, "cases", "show", token], None)
        .await
        .expect(0);
    assert!(r.stdout.starts_with(name), "{}", r.stdout);
    for section in [
        "Alerts (",
        "Entities (",
        "Risk assessment",
        "Checks (",
        "Comments (",
    ] {
        assert!(r.stdout.contains(section), "{section}:\n{}", r.stdout);
    }

    let r = docket(
        &home,
        &["--api-url", &url, "cases", "show", "CAS-999999", "--json"],
        None,
    )
    .await
    .expect(2);
    let e = r.json();
    assert_eq!(e["ok"], false);
    assert_eq!(e["error"]["kind"], "not_found");
    assert!(r.stderr.contains("CAS-999999"), "{}", r.stderr);
    // A review of an unknown case is refused before anything is queued.
    docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "comment",
            "CAS-999999",
            "--body",
            "x",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(home.outbox(&label(&url)).entries().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolving_an_alert_goes_through_the_outbox_and_lands_once() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let alert = env.walk("/v1/alerts?status=Open", 10).await[0].clone();
    let token = s(&alert["token"]);
    let rationale = "Name match only; date of birth and nationality differ.";

    // The rationale from stdin; the global option after the subcommand.
    let r = docket(
        &home,
        &[
            "alerts",
            "resolve",
            token,
            "--action",
            "approve",
            "--rationale",
            "-",
            "--json",
            "--api-url",
            &url,
        ],
        Some(&format!("{rationale}\n")),
    )
    .await
    .expect(0);
    let out = r.json();
    assert_eq!(out["ok"], true, "{out}");
    assert!(out["entry"].as_i64().is_some(), "{out}");
    assert!(s(&out["landed"]).contains(token), "{out}");

    let a = env.get(&format!("/v1/alerts/{token}")).await.ok();
    assert_eq!(a.data()["status"], "Resolved");
    assert_eq!(a.data()["resolution_action"], "Approve");
    assert_eq!(a.data()["resolution_rationale"], rationale);
    let audit = env
        .walk(
            &format!("/v1/audit-logs?target_token={token}&event_type=ALERT_RESOLVED"),
            50,
        )
        .await;
    assert_eq!(audit.len(), 1, "{audit:?}");

    // Nothing left in the outbox; the local audit log has it, with its text.
    let outbox = home.outbox(&label(&url));
    assert!(outbox.entries().unwrap().is_empty());
    let log = outbox.audit_log(false, 10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].submission.as_ref().and_then(|s| s.text()),
        Some(rationale)
    );

    // The human form: one line saying what landed. Resolving it again is the API's to refuse.
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "resolve",
            token,
            "--action",
            "decline",
            "--rationale",
            "again",
        ],
        None,
    )
    .await
    .expect(3);
    assert!(r.stderr.contains("ALERT_ALREADY_RESOLVED"), "{}", r.stderr);
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "acknowledge",
            s(&env.walk("/v1/alerts?status=Open", 10).await[0]["token"]),
        ],
        None,
    )
    .await
    .expect(0);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("acknowledged"), "{}", r.stdout);

    // What cannot be sent is refused before anything is queued.
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "resolve",
            token,
            "--action",
            "approve-with-conditions",
            "--rationale",
            "r",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(r.stderr.contains("--conditions"), "{}", r.stderr);
    assert!(outbox.entries().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_that_cannot_close_exits_3_with_the_apis_code_and_request_id() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let case = env
        .walk("/v1/cases?status=In Progress", 100)
        .await
        .into_iter()
        .find(|c| c["open_alerts_count"].as_u64() > Some(0))
        .expect("an In Progress case with open alerts");
    let name = s(&case["name"]);

    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "close",
            name,
            "--decision",
            "approve",
            "--summary",
            "All checks clear.",
            "--json",
        ],
        None,
    )
    .await
    .expect(3);
    let out = r.json();
    assert_eq!(out["ok"], false, "{out}");
    let e = &out["error"];
    assert_eq!(e["kind"], "api", "{out}");
    assert_eq!(e["status"], 422, "{out}");
    assert_eq!(e["code"], "CLOSE_PRECONDITIONS_UNMET", "{out}");
    assert!(s(&e["request_id"]).starts_with("req_"), "{out}");
    assert!(
        r.stderr.contains("CLOSE_PRECONDITIONS_UNMET"),
        "{}",
        r.stderr
    );
    assert_eq!(
        env.get(&format!("/v1/cases/{}", s(&case["token"])))
            .await
            .ok()
            .data()["status"],
        "In Progress"
    );
    // Refused for good: not left in the outbox to be sent again.
    assert!(home.outbox(&label(&url)).entries().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_exits_4_and_the_next_run_sends_the_queued_review() {
    // Real tokens from a sandbox that is then stopped; it comes back later on another port.
    let env = common::start(30).await;
    let open = env.walk("/v1/alerts?status=Open", 10).await;
    let (queued, later) = (
        s(&open[0]["token"]).to_string(),
        s(&open[1]["token"]).to_string(),
    );
    let home = Home::new(&env.analyst());
    let common::Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");

    let r = docket(
        &home,
        &[
            "alerts",
            "resolve",
            &queued,
            "--action",
            "decline",
            "--rationale",
            "Confirmed match.",
            "--wait-secs",
            "1",
            "--json",
            "--api-url",
            &url,
        ],
        None,
    )
    .await
    .expect(4);
    let out = r.json();
    assert_eq!(out["ok"], false, "{out}");
    assert_eq!(out["queued"], true, "{out}");
    assert_eq!(out["error"]["kind"], "transport", "{out}");
    assert!(r.stderr.contains("stays queued"), "{}", r.stderr);
    let id = out["entry"].as_i64().expect("entry id");

    let entries = home.outbox(&label(&url)).entries().unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.id, id);
    assert_eq!(e.state, EntryState::Pending);
    assert!(e.attempts >= 1);
    assert!(!e.idempotency_key.is_empty());
    assert!(matches!(
        &e.submission,
        Submission::Resolve { tokens, .. } if tokens == std::slice::from_ref(&queued)
    ));

    // A read that cannot reach the API exits 4 too.
    let r = docket(&home, &["--api-url", &url, "cases", "list"], None)
        .await
        .expect(4);
    assert!(r.stdout.is_empty());

    // The API is back: once the entry is due again, the next review sends it first.
    let due = e.next_attempt_at_ms - jiff::Timestamp::now().as_millisecond();
    if due > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(due as u64 + 50)).await;
    }
    let mut cfg = common::config(&dir, 30);
    cfg.addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let env = common::start_with(cfg, dir).await;
    assert_eq!(env.analyst(), home.key, "the same database, the same keys");
    let r = docket(
        &home,
        &["--api-url", &url, "alerts", "acknowledge", &later],
        None,
    )
    .await
    .expect(0);
    assert!(
        r.stderr
            .contains(&format!("entry {id} from an earlier run landed")),
        "{}",
        r.stderr
    );
    let a = env.get(&format!("/v1/alerts/{queued}")).await.ok();
    assert_eq!(a.data()["resolution_action"], "Decline");
    let a = env.get(&format!("/v1/alerts/{later}")).await.ok();
    assert_eq!(a.data()["status"], "Acknowledged");
    assert!(home.outbox(&label(&url)).entries().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_review_with_exit_2() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let case = env.walk("/v1/cases?status=In Progress", 5).await[0].clone();
    let (name, token) = (s(&case["name"]), s(&case["token"]));
    let alert = s(&env.walk("/v1/alerts?status=Open", 5).await[0]["token"]).to_string();
    let comments = env
        .walk(&format!("/v1/cases/{token}/comments"), 100)
        .await
        .len();

    let r = docket(
        &home,
        &[
            "--read-only",
            "--api-url",
            &url,
            "cases",
            "comment",
            name,
            "--body",
            "hi",
            "--json",
        ],
        None,
    )
    .await
    .expect(2);
    assert_eq!(r.json()["error"]["kind"], "read_only");
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    // The global flag after the subcommand.
    docket(
        &home,
        &[
            "alerts",
            "resolve",
            &alert,
            "--action",
            "approve",
            "--rationale",
            "r",
            "--read-only",
            "--api-url",
            &url,
        ],
        None,
    )
    .await
    .expect(2);
    // A profile that says read_only.
    std::fs::write(
        home.dir.path().join("config.toml"),
        format!(
            "[profiles.ro]\nbase_url = \"{url}\"\n\
             api_key_env = \"DOCKET_API_KEY\"\nread_only = true\n"
        ),
    )
    .unwrap();
    let r = docket(&home, &["--profile", "ro", "risk", "approve", name], None)
        .await
        .expect(2);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    // Reads still work.
    docket(
        &home,
        &["--profile", "ro", "cases", "show", name, "--json"],
        None,
    )
    .await
    .expect(0);

    assert_eq!(
        env.walk(&format!("/v1/cases/{token}/comments"), 100)
            .await
            .len(),
        comments
    );
    assert_eq!(
        env.get(&format!("/v1/alerts/{alert}")).await.ok().data()["status"],
        "Open"
    );
    assert!(home.outbox(&label(&url)).entries().unwrap().is_empty());
    assert!(home.outbox("ro").entries().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_seed_data_is_printed_inert() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let found = env.get("/v1/cases?q=nordlys").await.ok();
    let case = &found.data()[0];
    let name = s(&case["name"]);
    assert!(
        s(&case["entity_name"]).contains('\u{1b}'),
        "the seed is hostile"
    );

    let inert = |what: &str, text: &str| {
        for bad in ['\u{1b}', '\u{202e}', '\u{9b}', '\u{7}', '\r'] {
            assert!(
                !text.contains(bad),
                "{what} holds {:?}:\n{}",
                bad,
                text.escape_debug()
            );
        }
    };
    let r = docket(&home, &["--api-url", &url, "cases", "show", name], None)
        .await
        .expect(0);
    inert("cases show", &r.stdout);
    assert!(!r.stdout.as_bytes().contains(&0x1b));
    // Shown, not obeyed.
    assert!(r.stdout.contains("Nordlys \\x1b[2J"), "{}", r.stdout);
    assert!(r.stdout.contains("\\u{202e}"), "{}", r.stdout);

    let r = docket(&home, &["--api-url", &url, "cases", "list"], None)
        .await
        .expect(0);
    inert("cases list", &r.stdout);

    // JSON escapes them, and parses back to the API's text.
    let r = docket(
        &home,
        &["--api-url", &url, "cases", "show", name, "--json"],
        None,
    )
    .await
    .expect(0);
    inert("cases show --json", &r.stdout);
    assert_eq!(r.json()["case"]["primary_entity"], case["entity_name"]);
}

#[test]
fn help_documents_the_exit_codes_and_the_global_options() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for line in [
        "Exit codes",
        "2  usage",
        "3  the API refused",
        "4  the API could not be reached",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["alerts", "resolve", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--api-url",
        "--profile",
        "--read-only",
        "--wait-secs",
        "--false-positive",
    ] {
        assert!(text.contains(flag), "{flag}:\n{text}");
    }
    // Bad arguments are clap's exit 2.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args([
            "alerts",
            "resolve",
            "alt_x",
            "--action",
            "maybe",
            "--rationale",
            "r",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_output_escapes_what_a_terminal_would_obey_and_keeps_the_value() {
    let v = serde_json::json!({ "name": "a\u{1b}[2Jb\u{202e}c\u{9b}d\u{7f}e\u{2028}f\u{200f}", "n": 1 });
    let text = docket::script::to_json(&v);
    for bad in [
        '\u{1b}', '\u{202e}', '\u{9b}', '\u{7f}', '\u{2028}', '\u{200f}',
    ] {
        assert!(!text.contains(bad), "{bad:?} in {}", text.escape_debug());
    }
    assert!(text.contains("\\u202e"), "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
}

#[test]
fn provider_errors_map_to_the_documented_exit_codes() {
    use docket::provider::ProviderError;
    use docket::script::{EXIT_OTHER, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_USAGE, exit_code};
    let api = |status| ProviderError::Api {
        status,
        code: "X".into(),
        message: "m".into(),
        request_id: None,
        retry_after: None,
    };
    assert_eq!(exit_code(&api(422)), EXIT_REFUSED);
    assert_eq!(exit_code(&api(404)), EXIT_REFUSED);
    assert_eq!(exit_code(&api(503)), EXIT_UNAVAILABLE);
    assert_eq!(exit_code(&api(429)), EXIT_UNAVAILABLE);
    let transport = ProviderError::Transport {
        endpoint: "GET /v1/cases".into(),
        message: "refused".into(),
    };
    assert_eq!(exit_code(&transport), EXIT_UNAVAILABLE);
    assert_eq!(exit_code(&ProviderError::Invalid("no".into())), EXIT_USAGE);
    let decode = ProviderError::Decode {
        endpoint: "GET /v1/cases".into(),
        message: "m".into(),
        request_id: None,
    };
    assert_eq!(exit_code(&decode), EXIT_OTHER);
}

/// Runs `docket ARGS --wait-secs 1 --json --api-url URL` against an API that is down and
/// checks the review stayed queued (exit 4).
async fn queued_offline(home: &Home, url: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--wait-secs", "1", "--json", "--api-url", url]);
    let r = docket(home, &all, None).await.expect(4);
    let out = r.json();
    assert_eq!(out["ok"], false, "{args:?}: {out}");
    assert_eq!(out["queued"], true, "{args:?}: {out}");
    assert!(r.stderr.contains("stays queued"), "{args:?}: {}", r.stderr);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_write_by_token_is_queued_without_a_read_while_the_api_is_down() {
    let env = common::start(30).await;
    let case = env.walk("/v1/cases?status=In Progress", 5).await[0].clone();
    let (name, token) = (s(&case["name"]).to_string(), s(&case["token"]).to_string());
    let risk = env
        .get(&format!("/v1/cases/{token}/risk-assessment"))
        .await
        .ok();
    let assessment = s(&risk.data()["token"]).to_string();
    let home = Home::new(&env.analyst());
    let common::Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");

    // Every case write takes the token as is; the API's spelling of a tier is taken too.
    let offline = "Written while the API was down.";
    let t = token.as_str();
    queued_offline(&home, &url, &["cases", "comment", t, "--body", offline]).await;
    queued_offline(&home, &url, &["cases", "escalate", t, "--reason", "MLRO"]).await;
    // In Progress to In Progress is refused; after the escalation queued before it, it is not.
    queued_offline(&home, &url, &["cases", "status", t, "--to", "in-progress"]).await;
    queued_offline(&home, &url, &["cases", "assign", t, "--to", "none"]).await;
    queued_offline(
        &home,
        &url,
        &[
            "risk",
            "override",
            &assessment,
            "--tier",
            "High",
            "--justification",
            "Adverse media.",
        ],
    )
    .await;
    let entries = home.outbox(&label(&url)).entries().unwrap();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| match &e.submission {
            Submission::Comment { case, .. } if *case == token => "comment",
            Submission::EscalateCase { case, .. } if *case == token => "escalate",
            Submission::Status { case, .. } if *case == token => "status",
            Submission::Assign { case, user: None } if *case == token => "assign",
            Submission::OverrideRisk { assessment: a, .. } if *a == assessment => "override",
            other => panic!("unexpected entry {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        ["comment", "escalate", "status", "assign", "override"]
    );

    // A name needs the queue: one line says so and what to give instead; nothing is queued.
    let r = docket(
        &home,
        &["--api-url", &url, "cases", "comment", &name, "--body", "x"],
        None,
    )
    .await
    .expect(4);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("cannot read the queue to find case {name}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("give the case's token"), "{}", r.stderr);
    assert_eq!(home.outbox(&label(&url)).entries().unwrap().len(), 5);

    // The API is back: the next write sends the queued ones first, in order, then its own.
    let due = entries.iter().map(|e| e.next_attempt_at_ms).max().unwrap()
        - jiff::Timestamp::now().as_millisecond();
    if due > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(due as u64 + 50)).await;
    }
    let mut cfg = common::config(&dir, 30);
    cfg.addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let env = common::start_with(cfg, dir).await;
    let r = docket(
        &home,
        &["--api-url", &url, "cases", "comment", t, "--body", "Back."],
        None,
    )
    .await
    .expect(0);
    assert_eq!(
        r.stderr.matches("from an earlier run landed").count(),
        5,
        "{}",
        r.stderr
    );
    assert!(home.outbox(&label(&url)).entries().unwrap().is_empty());
    let c = env.get(&format!("/v1/cases/{token}")).await.ok();
    assert_eq!(c.data()["status"], "In Progress", "{}", c.data());
    assert!(c.data()["assigned_to"].is_null(), "{}", c.data());
    let comments =
        serde_json::to_string(&env.walk(&format!("/v1/cases/{token}/comments"), 100).await)
            .unwrap();
    assert!(
        comments.contains(offline) && comments.contains("Back."),
        "{comments}"
    );
    let a = env
        .get(&format!("/v1/risk-assessments/{assessment}"))
        .await
        .ok();
    assert_eq!(a.data()["status"], "Overridden", "{}", a.data());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn value_flags_take_the_apis_own_spelling_in_any_case() {
    let env = common::start(30).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let open = env.walk("/v1/alerts?status=Open", 10).await;
    let spellings = [
        ("Approve", None, "Approve"),
        ("Request Document", None, "Request Document"),
        ("RequestDocument", None, "Request Document"),
        (
            "approve WITH conditions",
            Some("Proof of address within 30 days."),
            "Approve with Conditions",
        ),
        ("DECLINE", None, "Decline"),
    ];
    for ((given, conditions, api), alert) in spellings.iter().zip(&open) {
        let token = s(&alert["token"]);
        let mut args = vec![
            "--api-url",
            &url,
            "alerts",
            "resolve",
            token,
            "--action",
            given,
            "--rationale",
            "Checked.",
        ];
        if let Some(text) = conditions {
            args.extend(["--conditions", text]);
        }
        docket(&home, &args, None).await.expect(0);
        let a = env.get(&format!("/v1/alerts/{token}")).await.ok();
        assert_eq!(a.data()["resolution_action"], *api, "{given}: {}", a.data());
    }
    // --decision and --tier too: these get past clap to the command's own check.
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "close",
            "CAS-1",
            "--decision",
            "Approve",
            "--summary",
            " ",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(
        r.stderr.contains("--summary must not be empty"),
        "{}",
        r.stderr
    );
    // A spelling of nothing is still refused, naming the values.
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "resolve",
            "alt_1",
            "--action",
            "Approved",
            "--rationale",
            "r",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(r.stderr.contains("request-document"), "{}", r.stderr);
}
