//! The real binary's review commands where the outcome is per alert or needs a confirmation:
//! bulk alert actions against a real sandbox (one result per alert, exit 3 when any was
//! refused), KarmaCheck's pre-adverse action (irreversible, its text shown, `--yes` or a "yes"
//! typed at a terminal) and Amiqus's status change, both against wiremock vendors.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{any, bearer_token, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::cli::{Home, docket};
use common::s;

// ---------------------------------------------------------------------------------------------
// Bulk alert actions

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_resolve_reports_each_alert_and_exits_3_when_one_was_refused() {
    let env = common::start(40).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let alerts = env.open_alerts(4).await;
    let (done, open) = (&alerts[0], &alerts[1]);
    env.post(
        &format!("/v1/alerts/{done}/resolve"),
        json!({ "action": "Approve", "rationale": "Not the same person.", "is_false_positive": false }),
    )
    .await
    .ok();

    let why = "True matches: passport number and date of birth agree.";
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "resolve",
            done,
            open,
            "--action",
            "decline",
            "--rationale",
            why,
            "--json",
        ],
        None,
    )
    .await
    .expect(3);
    let out = r.json();
    assert_eq!(out["ok"], false, "{out}");
    assert_eq!(out["error"]["kind"], "bulk", "{out}");
    assert_eq!(
        (&out["error"]["landed"], &out["error"]["refused"]),
        (&json!(1), &json!(1)),
        "{out}"
    );
    let results = out["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{out}");
    assert_eq!(results[0]["alert"], done.as_str());
    assert_eq!(results[0]["landed"], false);
    assert_eq!(results[0]["error"]["code"], "ALERT_ALREADY_RESOLVED");
    assert!(
        s(&results[0]["error"]["message"]).contains(done.as_str()),
        "{out}"
    );
    assert!(
        s(&results[0]["error"]["request_id"]).starts_with("req_"),
        "{out}"
    );
    assert_eq!(results[1]["alert"], open.as_str());
    assert_eq!(results[1]["landed"], true, "{out}");
    assert!(s(&results[1]["request_id"]).starts_with("req_"), "{out}");
    assert!(
        r.stderr
            .contains(&format!("{done} (ALERT_ALREADY_RESOLVED)")),
        "{}",
        r.stderr
    );
    let a = env.get(&format!("/v1/alerts/{open}")).await.ok();
    assert_eq!(a.data()["status"], "Resolved");
    assert_eq!(a.data()["resolution_rationale"], why);

    // Text: one line per alert on stdout, the refused one with the API's code, message and
    // request id.
    let (a, b) = (&alerts[2], &alerts[3]);
    let r = docket(
        &home,
        &["--api-url", &url, "alerts", "acknowledge", a, open, b],
        None,
    )
    .await
    .expect(3);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(
        lines[0].starts_with(a.as_str()) && lines[0].contains("landed"),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].starts_with(open.as_str())
            && lines[1].contains("refused")
            && lines[1].contains(&format!(
                "INVALID_ALERT_STATE: Alert {open} is Resolved; only Open alerts can be acknowledged."
            ))
            && lines[1].contains("request req_"),
        "{}",
        r.stdout
    );
    assert!(lines[2].starts_with(b.as_str()) && lines[2].contains("landed"));

    // Every alert refused: the same, nothing landed.
    let r = docket(
        &home,
        &["--api-url", &url, "alerts", "acknowledge", a, b, "--json"],
        None,
    )
    .await
    .expect(3);
    let out = r.json();
    assert_eq!(out["error"]["code"], "INVALID_ALERT_STATE", "{out}");
    assert_eq!(out["error"]["landed"], 0, "{out}");
    for (res, t) in out["results"].as_array().unwrap().iter().zip([a, b]) {
        assert_eq!(res["alert"], t.as_str());
        assert_eq!(res["landed"], false);
        assert!(
            s(&res["error"]["message"]).contains("only Open alerts"),
            "{out}"
        );
        assert!(s(&res["error"]["request_id"]).starts_with("req_"), "{out}");
    }

    // All landing exits 0 and names each alert.
    let more = env.open_alerts(2).await;
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "resolve",
            &more[0],
            &more[1],
            "--action",
            "approve",
            "--rationale",
            "Name match only.",
        ],
        None,
    )
    .await
    .expect(0);
    assert!(
        r.stdout.contains(&format!(
            "2 alerts resolved with Approve: {}, {}",
            more[0], more[1]
        )),
        "{}",
        r.stdout
    );
    // With --json, one result per alert there too.
    let last = env.open_alerts(2).await;
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "acknowledge",
            &last[0],
            &last[1],
            "--json",
        ],
        None,
    )
    .await
    .expect(0);
    let out = r.json();
    let results = out["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{out}");
    for (res, t) in results.iter().zip(&last) {
        assert_eq!(
            (s(&res["alert"]), &res["landed"]),
            (t.as_str(), &Value::Bool(true))
        );
    }
}

// ---------------------------------------------------------------------------------------------
// KarmaCheck: pre-adverse action

const KC_API_KEY: &str = "03c703eb-56cc-46f6-bb63-afb3e302d1bf";
const KC_CLIENT_TOKEN: &str = "ffb3c8ee-412d-43e5-975a-355e3cc54cf9";
const KC_BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJmaXJzdCJ9.first-bearer-token";
const KC_CASE: &str = "1c233169-fc0c-474e-9311-a35029e6154b";
const REASON: &str = "County record: felony theft conviction within 7 years.";

fn kc_fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/karmacheck/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn kc_json(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

/// A KarmaCheck that exchanges the token and lists the case; pre-adverse action is expected
/// `preadverse` times, with the reason.
async fn karmacheck(preadverse: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api"))
        .and(body_json(
            json!({ "apiKey": KC_API_KEY, "clientAccessToken": KC_CLIENT_TOKEN }),
        ))
        .respond_with(kc_json(kc_fixture("auth.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .and(bearer_token(KC_BEARER))
        .respond_with(kc_json(kc_fixture("case_list.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/case/id/{KC_CASE}/action/preadverse")))
        .and(bearer_token(KC_BEARER))
        .and(body_json(json!({ "reason": REASON })))
        .respond_with(ResponseTemplate::new(200))
        .expect(preadverse)
        .named("pre-adverse action")
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/case/id/{KC_CASE}/action/place")))
        .respond_with(ResponseTemplate::new(200))
        .named("place")
        .mount(&server)
        .await;
    server
}

fn karmacheck_home(server: &MockServer) -> Home {
    let mut home = Home::new("unused");
    home.config(
        &format!(
            "[profiles.kc]\nprovider = \"karmacheck\"\nbase_url = \"{}\"\napi_key_env = \"KC_KEY\"\n\n\
             [profiles.kc.karmacheck]\nclient_token_env = \"KC_CLIENT\"\n",
            server.uri()
        ),
        &[("KC_KEY", KC_API_KEY), ("KC_CLIENT", KC_CLIENT_TOKEN)],
    );
    home
}

/// Requests to one path the server received.
async fn sent_to(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_karmacheck_decline_shows_the_candidates_text_and_needs_yes() {
    let server = karmacheck(1).await;
    let home = karmacheck_home(&server);
    let preadverse = format!("/case/id/{KC_CASE}/action/preadverse");
    let close = |extra: &'static [&'static str]| {
        let mut a = vec![
            "--profile",
            "kc",
            "cases",
            "close",
            KC_CASE,
            "--decision",
            "decline",
            "--summary",
            // Sent trimmed, as shown.
            "  County record: felony theft conviction within 7 years.\n",
        ];
        a.extend_from_slice(extra);
        a
    };

    // No terminal to ask on and no --yes: refused with exit 2, the text shown, nothing sent.
    let r = docket(&home, &close(&[]), None).await.expect(2);
    assert!(
        r.stderr.contains("the candidate will see this text:"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("    {REASON}\n")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("cannot be undone"), "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    let r = docket(&home, &close(&["--json"]), None).await.expect(2);
    assert_eq!(r.json()["error"]["kind"], "not_confirmed", "{}", r.stdout);
    assert_eq!(sent_to(&server, &preadverse).await, 0);

    // Approving places the case: nothing irreversible to confirm.
    let r = docket(
        &home,
        &[
            "--profile",
            "kc",
            "cases",
            "close",
            KC_CASE,
            "--decision",
            "approve",
            "--summary",
            "All clear.",
        ],
        None,
    )
    .await
    .expect(0);
    assert!(r.stdout.contains("placed"), "{}", r.stdout);

    // With --yes it is sent, once, with the text shown.
    let r = docket(&home, &close(&["--yes"]), None).await.expect(0);
    assert!(
        r.stderr.contains(&format!("    {REASON}\n")),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("Pre-adverse action started"),
        "{}",
        r.stdout
    );
    server.verify().await;
}

/// What a pseudo-terminal showed, and whether it has closed.
#[derive(Default)]
struct Shown {
    text: String,
    closed: bool,
}

/// Runs `docket ARGS` on a pseudo-terminal (stdin, stdout and stderr all one), answers
/// `answer` once the question is on screen, and returns the exit status and what was shown.
fn docket_at_a_terminal(home: &Home, args: &[&str], answer: &str) -> (u32, String) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_docket"));
    cmd.args(args);
    for (k, v) in &home.env {
        cmd.env(k, v);
    }
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let shown = Arc::new((Mutex::new(Shown::default()), Condvar::new()));
    let s2 = shown.clone();
    let master = pair.master;
    std::thread::spawn(move || {
        let _master = master; // the pty stays open while it is read
        let mut buf = [0u8; 4096];
        loop {
            let n = reader.read(&mut buf).unwrap_or(0);
            let (lock, cv) = &*s2;
            let mut s = lock.lock().unwrap();
            if n == 0 {
                s.closed = true;
                cv.notify_all();
                break;
            }
            s.text.push_str(&String::from_utf8_lossy(&buf[..n]));
            cv.notify_all();
        }
    });
    let (lock, cv) = &*shown;
    let asked = cv
        .wait_timeout_while(lock.lock().unwrap(), Duration::from_secs(30), |s| {
            !s.text.contains("type yes to send it:") && !s.closed
        })
        .unwrap()
        .0;
    assert!(
        asked.text.contains("type yes to send it:"),
        "never asked:\n{}",
        asked.text
    );
    drop(asked);
    writer.write_all(answer.as_bytes()).unwrap();
    writer.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "docket did not exit");
        // Woken by output or the pty closing, else look again shortly.
        let s = lock.lock().unwrap();
        let _ = cv.wait_timeout(s, Duration::from_millis(50)).unwrap();
    };
    // Everything it wrote before exiting is read once the pty closes.
    let text = cv
        .wait_timeout_while(lock.lock().unwrap(), Duration::from_secs(10), |s| !s.closed)
        .unwrap()
        .0
        .text
        .clone();
    (status.exit_code(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_karmacheck_decline_is_confirmed_at_a_terminal() {
    let server = karmacheck(1).await;
    let home = Arc::new(karmacheck_home(&server));
    let preadverse = format!("/case/id/{KC_CASE}/action/preadverse");
    let args = [
        "--profile",
        "kc",
        "cases",
        "close",
        KC_CASE,
        "--decision",
        "decline",
        "--summary",
        REASON,
    ];

    let h = home.clone();
    let (code, shown) =
        tokio::task::spawn_blocking(move || docket_at_a_terminal(&h, &args, "no\r"))
            .await
            .unwrap();
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains(REASON), "{shown}");
    assert!(
        shown.contains("not confirmed. Nothing was sent."),
        "{shown}"
    );
    assert_eq!(sent_to(&server, &preadverse).await, 0);

    let h = home.clone();
    let (code, shown) =
        tokio::task::spawn_blocking(move || docket_at_a_terminal(&h, &args, "yes\r"))
            .await
            .unwrap();
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Pre-adverse action started"), "{shown}");
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Amiqus: change status

const AQ_KEY: &str = "aqpat_5f0c2e7b9d14a8c3e6f1";

fn aq_fixture(name: &str) -> Value {
    let p = format!(
        "{}/tests/fixtures/amiqus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amiqus_case_changes_status_from_the_command_line() {
    let server = MockServer::start().await;
    for (page, file) in [("1", "cases_page1.json"), ("2", "cases_page2.json")] {
        Mock::given(method("GET"))
            .and(path("/api/v2/cases"))
            .and(query_param("page", page))
            .and(bearer_token(AQ_KEY))
            .respond_with(ResponseTemplate::new(200).set_body_json(aq_fixture(file)))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v2/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(aq_fixture("me.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/cases/8723/reviews"))
        .and(bearer_token(AQ_KEY))
        .and(body_json(json!({ "status": "on_hold" })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(aq_fixture("case_review_on_hold.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(any())
        .respond_with(ResponseTemplate::new(500))
        .with_priority(10)
        .expect(0)
        .named("any other write")
        .mount(&server)
        .await;
    let mut home = Home::new("unused");
    home.config(
        &format!(
            "[profiles.aq]\nprovider = \"amiqus\"\nbase_url = \"{}/api/v2\"\napi_key_env = \"AQ_KEY\"\n",
            server.uri()
        ),
        &[("AQ_KEY", AQ_KEY)],
    );

    let r = docket(
        &home,
        &[
            "--profile",
            "aq",
            "cases",
            "status",
            "8723",
            "--to",
            "on-hold",
        ],
        None,
    )
    .await
    .expect(0);
    assert!(
        r.stdout
            .contains("Case 8723 is now on_hold (was action_required)"),
        "{}",
        r.stdout
    );

    // A decision is not a status: it is a close, refused here before anything is sent.
    let r = docket(
        &home,
        &[
            "--profile",
            "aq",
            "cases",
            "status",
            "8723",
            "--to",
            "approved",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(r.stderr.contains("on_hold"), "{}", r.stderr);
    server.verify().await;
}
