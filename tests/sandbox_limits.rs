//! The sandbox's protections over real HTTP: the per-key rate limit, the body and header size
//! limits, the header read and request timeouts, graceful shutdown with slow clients connected,
//! and malformed input thrown at the routes (never a 500, never a dropped connection).

mod common;

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use common::{Env, s, targets, write_routes};
use docket::domain::UserRole;
use docket::sandbox::{Config, RateLimit};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start_with(cases: usize, tune: impl FnOnce(&mut Config)) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::config(&dir, cases);
    tune(&mut cfg);
    common::start_with(cfg, dir).await
}

fn rate(per_second: u32, burst: u32) -> Option<RateLimit> {
    Some(RateLimit {
        per_second: NonZeroU32::new(per_second).unwrap(),
        burst: NonZeroU32::new(burst).unwrap(),
    })
}

/// How a raw connection ended.
#[derive(Debug, PartialEq)]
enum End {
    /// The server closed it (EOF or reset).
    Closed,
    /// Still open when the deadline passed.
    Open,
}

/// Reads everything the server sends until it closes the connection or `limit` passes.
async fn read_to_close(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, End) {
    let deadline = tokio::time::Instant::now() + limit;
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return (got, End::Open),
            Ok(Ok(0)) | Ok(Err(_)) => return (got, End::Closed),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// A raw HTTP/1.1 answer: status, lower-cased headers, body.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn parse(bytes: &[u8]) -> Option<Raw> {
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..split]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Some(Raw {
            status,
            headers,
            body: bytes[split + 4..].to_vec(),
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Asserts the API's error shape with `code`.
#[track_caller]
fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["request_id"]
            .as_str()
            .is_some_and(|r| r.starts_with("req_")),
        "{body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn a_case(env: &Env) -> String {
    s(&env.walk("/v1/cases?status=In Progress", 5).await[0]["token"]).to_string()
}

// ---------------------------------------------------------------------------------------------
// Rate limit

#[tokio::test]
async fn a_burst_with_one_key_is_429_with_retry_after_while_other_keys_are_served() {
    let env = start_with(5, |c| c.rate_limit = rate(1, 3)).await;
    let amara = env.key_of("usr_amara");
    let me = |key: &str| {
        let key = key.to_string();
        let env = &env;
        async move {
            env.call(Method::GET, "/v1/me", Some(&key), None, None)
                .await
        }
    };

    // The whole burst passes; at one request per second the bucket is then dry at once.
    for _ in 0..3 {
        me(&amara).await.ok();
    }
    let mut refused = None;
    for _ in 0..20 {
        let r = me(&amara).await;
        if r.status == 429 {
            refused = Some(r);
            break;
        }
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = refused
        .expect("a 429 after the burst")
        .expect(429, "RATE_LIMITED");
    // One request per second: the next one is allowed within a second.
    assert_eq!(r.headers["retry-after"], "1");
    assert!(r.headers.contains_key("x-request-id"));

    // Other keys have their own buckets.
    let lukas = env.key_of("usr_lukas");
    assert_eq!(me(&lukas).await.ok().data()["user_id"], "usr_lukas");
    me(&env.key(UserRole::Auditor)).await.ok();

    // Requests without a valid key share their address's bucket, so inventing keys does not
    // buy fresh allowances.
    let mut statuses = Vec::new();
    for i in 0..20 {
        let r = me(&format!("dk_sbx_guess{i}")).await;
        statuses.push(r.status.as_u16());
        if r.status == 429 {
            r.expect(429, "RATE_LIMITED");
            break;
        }
        r.expect(401, "UNAUTHORIZED");
    }
    assert_eq!(statuses[..3], [401, 401, 401]);
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // /healthz is exempt.
    let h = env
        .http
        .get(format!("{}/healthz", env.sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status(), 200);

    // Waiting as told is enough.
    tokio::time::sleep(Duration::from_secs(1)).await;
    me(&amara).await.ok();
}

#[tokio::test]
async fn a_rate_limited_write_changes_nothing() {
    let env = start_with(5, |c| c.rate_limit = rate(1, 2)).await;
    let t = a_case(&env).await;
    let path = format!("/v1/cases/{t}/comments");
    // Counted with another key, whose bucket is its own.
    let lukas = env.key_of("usr_lukas");
    let count = || async {
        env.call(
            Method::GET,
            &format!("{path}?limit=1"),
            Some(&lukas),
            None,
            None,
        )
        .await
        .ok()
        .body["meta"]["total"]
            .as_u64()
            .unwrap()
    };
    let before = count().await;
    // A key that has not been used yet: its whole burst is there.
    let mei = env.key_of("usr_mei");
    let mut created = 0;
    let mut refused = false;
    for i in 0..20 {
        let r = env
            .post_as(&mei, &path, json!({ "body": format!("note {i}") }))
            .await;
        if r.status == 429 {
            r.expect(429, "RATE_LIMITED");
            refused = true;
            break;
        }
        assert_eq!(r.status, 201, "{}", r.body);
        created += 1;
    }
    assert!(refused && created >= 2, "created {created}");
    assert_eq!(count().await, before + created);
}

// ---------------------------------------------------------------------------------------------
// Body and header size

#[tokio::test]
async fn a_two_mebibyte_body_is_413_in_the_error_shape() {
    let env = common::start(5).await;
    let t = a_case(&env).await;
    // Whitespace reads as `{}`, which this route accepts: only the size can refuse it.
    let url = format!("{}/v1/cases/{t}/risk-assessments", env.sandbox.url());
    let r = env
        .http
        .post(&url)
        .header("X-API-KEY", env.analyst())
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["connection"], "close");
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_error(&r.json().await.unwrap(), "PAYLOAD_TOO_LARGE");

    // A chunked body (no Content-Length) is cut off as soon as it passes the limit.
    let mut stream = TcpStream::connect(env.sandbox.addr).await.unwrap();
    let head = format!(
        "POST /v1/cases/{t}/risk-assessments HTTP/1.1\r\nHost: x\r\nX-API-KEY: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        env.analyst()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        // Five 64 KiB chunks, more than 256 KiB; the server may stop reading before the end.
        for _ in 0..5 {
            if wr.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
        let _ = wr.write_all(b"0\r\n\r\n").await;
    });
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 8192];
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, rd.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    writer.await.unwrap();
    let raw = Raw::parse(&got).expect("an answer");
    assert_eq!(raw.status, 413);
    assert_error(&raw.json(), "PAYLOAD_TOO_LARGE");

    // Nothing was recalculated by either.
    let timeline = env
        .walk(&format!("/v1/cases/{t}/timeline"), 100)
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "RISK_ASSESSMENT_CREATED" && e["actor"]["type"] == "user")
        .count();
    assert_eq!(timeline, 0);
}

#[tokio::test]
async fn oversized_headers_are_refused_and_normal_ones_pass() {
    let env = common::start(3).await;
    let key = env.analyst();
    let send = |pad: usize| {
        let addr = env.sandbox.addr;
        let req = format!(
            "GET /v1/me HTTP/1.1\r\nHost: x\r\nX-API-KEY: {key}\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
            "a".repeat(pad)
        );
        async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            // The server may refuse before it has read everything; a failed write is fine.
            let _ = stream.write_all(req.as_bytes()).await;
            read_to_close(&mut stream, Duration::from_secs(10)).await
        }
    };
    // 8 KiB of headers is served.
    let (got, end) = send(8 * 1024).await;
    assert_eq!(end, End::Closed);
    assert_eq!(Raw::parse(&got).expect("an answer").status, 200);
    // 64 KiB is refused: 431 if the answer gets through before the connection closes, and the
    // connection closes either way.
    let (got, end) = send(64 * 1024).await;
    assert_eq!(end, End::Closed, "the connection stays open");
    if let Some(raw) = Raw::parse(&got) {
        assert_eq!(raw.status, 431);
    }
    // Exactly the limit in one unfinished head: everything sent was read, so the 431 arrives
    // before the close.
    let mut stream = TcpStream::connect(env.sandbox.addr).await.unwrap();
    let mut head = b"GET /v1/me HTTP/1.1\r\nX-Pad: ".to_vec();
    head.resize(docket::sandbox::server::MAX_HEADER_BYTES, b'a');
    stream.write_all(&head).await.unwrap();
    let (got, end) = read_to_close(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(end, End::Closed);
    assert_eq!(Raw::parse(&got).expect("an answer").status, 431);
}

// ---------------------------------------------------------------------------------------------
// Slow clients

#[tokio::test]
async fn a_client_that_stops_mid_request_line_is_cut_off_at_the_header_timeout() {
    let env = start_with(3, |c| c.header_read_timeout = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(env.sandbox.addr).await.unwrap();
    let started = Instant::now();
    stream.write_all(b"GET /v1/ca").await.unwrap();
    let (got, end) = read_to_close(&mut stream, Duration::from_secs(5)).await;
    let took = started.elapsed();
    assert_eq!(end, End::Closed, "still open after {took:?}");
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    assert!(
        took >= Duration::from_millis(900),
        "closed too early: {took:?}"
    );

    // A connection that never sends anything is closed the same way.
    let mut idle = TcpStream::connect(env.sandbox.addr).await.unwrap();
    let started = Instant::now();
    let (_, end) = read_to_close(&mut idle, Duration::from_secs(5)).await;
    assert_eq!(end, End::Closed, "idle connection still open");
    assert!(started.elapsed() >= Duration::from_millis(900));

    // So is one that dribbles its headers a byte at a time, each well within the timeout.
    let mut dribble = TcpStream::connect(env.sandbox.addr).await.unwrap();
    let started = Instant::now();
    let line = b"GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed = false;
    for b in line {
        if dribble.write_all(&[*b]).await.is_err() {
            closed = true;
            break;
        }
        let mut one = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(100), dribble.read(&mut one)).await {
            Err(_) => {}
            Ok(_) => {
                closed = true;
                break;
            }
        }
    }
    if !closed {
        let (_, end) = read_to_close(&mut dribble, Duration::from_secs(5)).await;
        assert_eq!(end, End::Closed);
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "the dribbler was served for {took:?}"
    );

    // Meanwhile the server answers everyone else.
    env.get("/v1/me").await.ok();
}

#[tokio::test]
async fn a_body_that_never_finishes_is_408_at_the_request_timeout() {
    let env = start_with(3, |c| c.request_timeout = Duration::from_secs(1)).await;
    let t = a_case(&env).await;
    let mut stream = TcpStream::connect(env.sandbox.addr).await.unwrap();
    let head = format!(
        "POST /v1/cases/{t}/comments HTTP/1.1\r\nHost: x\r\nX-API-KEY: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"body\": \"",
        env.analyst()
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    let (got, end) = read_to_close(&mut stream, Duration::from_secs(5)).await;
    let took = started.elapsed();
    assert_eq!(end, End::Closed, "still open after {took:?}");
    assert!(took >= Duration::from_millis(900), "{took:?}");
    let raw = Raw::parse(&got).expect("an answer");
    assert_eq!(raw.status, 408);
    assert_eq!(raw.header("connection"), Some("close"));
    assert_error(&raw.json(), "REQUEST_TIMEOUT");
}

#[tokio::test]
async fn a_handler_slower_than_the_request_timeout_is_503_with_retry_after() {
    let env = start_with(3, |c| {
        c.request_timeout = Duration::from_secs(1);
        c.faults.write_latency = Duration::from_secs(3);
    })
    .await;
    let t = a_case(&env).await;
    let started = Instant::now();
    let r = env
        .post(
            &format!("/v1/cases/{t}/comments"),
            json!({ "body": "slow" }),
        )
        .await
        .expect(503, "SERVICE_UNAVAILABLE");
    assert!(started.elapsed() < Duration::from_millis(2500));
    assert_eq!(r.headers["retry-after"], "1");
}

#[tokio::test]
async fn shutdown_is_prompt_with_idle_connections_and_finishes_requests_in_flight() {
    let env = start_with(3, |c| c.faults.write_latency = Duration::from_millis(500)).await;
    let t = a_case(&env).await;
    // An idle keep-alive connection and one that never sent a byte.
    let _idle = TcpStream::connect(env.sandbox.addr).await.unwrap();
    env.get("/v1/me").await.ok();
    let url = format!("{}/v1/cases/{t}/comments", env.sandbox.url());
    let key = env.analyst();
    let http = env.http.clone();
    let in_flight = tokio::spawn(async move {
        http.post(url)
            .header("X-API-KEY", key)
            .json(&json!({ "body": "in flight" }))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let started = Instant::now();
    let Env { sandbox, dir, .. } = env;
    sandbox.shutdown().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        started.elapsed()
    );
    assert_eq!(in_flight.await.unwrap().unwrap(), 201);
    drop(dir);
}

// ---------------------------------------------------------------------------------------------
// Malformed input

/// Sends `body` (raw bytes) with `method` to `path`; the answer must be a 4xx in the error shape
/// or a success in the data envelope: never a 5xx, never a dropped connection.
async fn probe(env: &Env, method: Method, path: &str, body: Option<Vec<u8>>) -> u16 {
    let mut req = env
        .http
        .request(method.clone(), format!("{}{path}", env.sandbox.url()))
        .header("X-API-KEY", env.analyst());
    if let Some(b) = body.clone() {
        req = req.header("content-type", "application/json").body(b);
    }
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: no answer: {e}"));
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    let shown = || {
        format!(
            "{method} {path} body {:?} -> {status} {text}",
            body.as_ref()
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(300)]).to_string())
        )
    };
    assert!(status < 500, "{}", shown());
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {}", shown()));
    if status >= 400 {
        assert!(
            v["error"].as_str().is_some_and(|c| !c.is_empty()),
            "{}",
            shown()
        );
        assert!(v["message"].as_str().is_some(), "{}", shown());
        assert!(
            v["request_id"]
                .as_str()
                .is_some_and(|r| r.starts_with("req_")),
            "{}",
            shown()
        );
    } else {
        assert!(
            v.get("data").is_some() && v["meta"]["request_id"].is_string(),
            "{}",
            shown()
        );
    }
    status
}

fn nested(depth: usize) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(std::iter::repeat_n(b"{\"a\":".as_slice(), depth).flatten());
    b.extend_from_slice(b"1");
    b.extend(std::iter::repeat_n(b'}', depth));
    b
}

#[tokio::test]
async fn a_table_of_malformed_bodies_gets_4xx_on_every_write_route() {
    let env = common::start(30).await;
    let t = targets(&env).await;
    let bad: Vec<Vec<u8>> = vec![
        b"{".to_vec(),
        b"{\"body\": \"\xff\xfe\"}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x80],
        b"\xef\xbb\xbf{}".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        b"\"text\"".to_vec(),
        b"1e999999".to_vec(),
        b"{\"alert_tokens\": [1e999999]}".to_vec(),
        b"{\"tier\": 18446744073709551616}".to_vec(),
        b"{\"status\": -0, \"assigned_to\": 1.5e308}".to_vec(),
        b"{\"type\": {\"nested\": [[[[]]]]}}".to_vec(),
        b"{\"body\": \"\\ud800\"}".to_vec(),
        b"{\"body\": \"a\\u0000b\", \"type\": \"System\"}".to_vec(),
        b"{\"a\": 1, \"a\": 2}".to_vec(),
        b"{\"alert_tokens\": \"alt_x\"}".to_vec(),
        b"{\"metadata\": [1,2,3]}".to_vec(),
        b"{\"mentions\": [null, 5, {}]}".to_vec(),
        nested(200),
        nested(100_000),
        "[".repeat(100_000).into_bytes(),
        format!("{{\"body\": \"{}\"}}", "\u{1F600}".repeat(20_000)).into_bytes(),
    ];
    for (method, path, _) in write_routes(&t) {
        for body in &bad {
            let status = probe(&env, method.clone(), &path, Some(body.clone())).await;
            assert!((400..500).contains(&status), "{method} {path}: {status}");
        }
    }
    // Path segments that are not UTF-8, and tokens of every shape, on reads and writes alike.
    for path in [
        "/v1/cases/%FF%FE",
        "/v1/cases/%FF/comments",
        "/v1/alerts/%C0%AF/resolve",
        "/v1/cases/cas_x/reviewers/%FF/approve",
        "/v1/checks/'%20OR%201=1--",
        "/v1/audit-logs/%00",
    ] {
        for method in [Method::GET, Method::POST] {
            let status = probe(&env, method.clone(), path, Some(b"{}".to_vec())).await;
            assert!((400..500).contains(&status), "{method} {path}: {status}");
        }
    }
}

/// A JSON value of any shape, with the numbers and strings that break naive code.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::num::f64::NORMAL.prop_map(Value::from),
        Just(json!(-0.0)),
        ".{0,40}".prop_map(Value::from),
        prop::sample::select(vec![
            "",
            " ",
            "Approve",
            "In Progress",
            "usr_ines",
            "usr_nobody",
            "Low",
            "High",
            "Other",
            "System",
            "Decision",
            "2026-02-30",
            "1980-01-01",
            "DE",
            "de",
            "ZZ",
            "Company",
            "Person",
            "\u{0}",
            "\u{202e}",
            "x'); DROP TABLE cases;--",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "entity_category",
            "assigned_to",
            "entity",
            "external_reference",
            "metadata",
            "priority",
            "status",
            "decision",
            "summary",
            "reason",
            "escalate_to",
            "user_id",
            "role",
            "message",
            "notes",
            "body",
            "mentions",
            "tier",
            "justification",
            "action",
            "rationale",
            "is_false_positive",
            "conditions",
            "alert_tokens",
            "note",
            "first_name",
            "country",
            "date_of_birth",
            "address",
            "author",
            "actor",
        ])
        .prop_map(String::from),
        "[a-z_]{1,12}",
    ]
}

/// A query parameter value that exercises the parsers: numbers out of range, forged cursors,
/// stray percent signs, times, and text.
fn arb_query_value() -> impl Strategy<Value = String> {
    let forged_cursor = (
        prop::sample::select(vec!["-created_at", "sla_deadline", "priority", "nope"]),
        arb_json(),
        any::<i64>(),
        any::<i64>(),
    )
        .prop_map(|(s, v, i, n)| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(json!({ "s": s, "v": v, "i": i, "n": n }).to_string())
        });
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        Just("99999999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("1e3".to_string()),
        forged_cursor,
        "[A-Za-z0-9_-]{0,60}",
        prop::collection::vec(any::<u8>(), 0..12)
            .prop_map(|b| b.iter().map(|x| format!("%{x:02X}")).collect::<String>()),
        Just("%".to_string()),
        Just("%zz%".to_string()),
        Just("2026-13-45T99:99:99Z".to_string()),
        Just("In%20Progress,New,,".to_string()),
        Just("%22%27%3B--".to_string()),
    ]
}

fn arb_query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "limit",
            "cursor",
            "sort",
            "status",
            "type",
            "priority",
            "q",
            "from",
            "to",
            "updated_since",
            "assigned_to",
            "entity_category",
            "risk_tier",
            "sla_status",
            "external_reference",
            "event_type",
            "actor",
            "target_type",
            "target_token",
            "category",
            "case_token",
            "entity_token",
            "role",
        ])
        .prop_map(String::from),
        "[a-z%&=]{1,6}",
    ];
    let sort = prop::sample::select(vec![
        "",
        "-",
        "+",
        "created_at",
        "-sla_deadline",
        "+priority",
        "risk_score",
        "name",
        "sla_due_date",
        "-updated_at",
        "bogus",
        "created_at;DROP",
    ])
    .prop_map(|s| format!("sort={s}"));
    (
        prop::collection::vec((key, arb_query_value()), 0..5),
        prop::option::of(sort),
    )
        .prop_map(|(pairs, sort)| {
            let mut q: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            q.extend(sort);
            q.join("&")
        })
}

#[test]
fn random_bodies_and_queries_never_make_a_handler_fail() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let env = rt.block_on(common::start(30));
    let t = rt.block_on(targets(&env));
    let routes = write_routes(&t);
    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    // A fixed seed: the same inputs on every run.
    let mut runner = TestRunner::new_with_rng(
        config.clone(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );

    // Bodies for a route: its valid body with one field replaced (by a plausible value or by
    // anything), random JSON, and random bytes. The valid ones reach the business rules.
    let plausible = prop_oneof![
        prop::sample::select(vec![
            json!(null),
            json!(""),
            json!("usr_mei"),
            json!("usr_ines"),
            json!("usr_sofia"),
            json!("nobody"),
            json!("In Progress"),
            json!("Closed"),
            json!("Escalated"),
            json!("High"),
            json!("Approve"),
            json!("Escalate"),
            json!("Request Document"),
            json!(true),
            json!(0),
            json!(-1),
            json!([]),
            json!(["alt_missing"]),
            json!({}),
        ]),
        arb_json(),
    ];
    let request = (0..routes.len()).prop_flat_map({
        let routes = routes.clone();
        move |i| {
            let valid = routes[i].2.clone();
            let mut fields: Vec<String> = valid
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            fields.push("extra".into());
            let mutated = (prop::sample::select(fields), plausible.clone()).prop_map({
                let valid = valid.clone();
                move |(f, v)| {
                    let mut b = valid.clone();
                    b[f] = v;
                    b.to_string().into_bytes()
                }
            });
            let body = prop_oneof![
                3 => mutated,
                1 => Just(valid.to_string().into_bytes()),
                1 => arb_json().prop_map(|v| v.to_string().into_bytes()),
                1 => prop::collection::vec(any::<u8>(), 0..200),
            ];
            (Just(i), body)
        }
    });
    runner
        .run(&request, |(i, body)| {
            let (method, path, _) = &routes[i];
            rt.block_on(probe(&env, method.clone(), path, Some(body)));
            Ok(())
        })
        .unwrap();

    let lists = [
        "/v1/cases".to_string(),
        "/v1/alerts".to_string(),
        "/v1/entities".to_string(),
        "/v1/audit-logs".to_string(),
        format!("/v1/cases/{}/timeline", t.case),
        format!("/v1/cases/{}/comments", t.case),
        format!("/v1/entities/{}/alerts", "ent_missing"),
        "/v1/users".to_string(),
    ];
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    runner
        .run(&(0..lists.len(), arb_query()), |(i, q)| {
            rt.block_on(probe(&env, Method::GET, &format!("{}?{q}", lists[i]), None));
            Ok(())
        })
        .unwrap();
}

#[test]
fn serve_takes_the_rate_limit_per_key_per_second() {
    use clap::Parser;
    use docket::cli::{Cli, Command, SandboxCommand};
    let serve = |args: &[&str]| {
        let cli = Cli::try_parse_from(
            ["docket", "sandbox", "serve", "--db", "/tmp/x.db"]
                .iter()
                .chain(args),
        )
        .unwrap();
        match cli.command {
            Some(Command::Sandbox {
                command: SandboxCommand::Serve(a),
            }) => a.config().unwrap(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(serve(&[]).rate_limit, Some(RateLimit::DEFAULT));
    assert_eq!(serve(&["--rate-limit", "0"]).rate_limit, None);
    assert_eq!(serve(&["--rate-limit", "7"]).rate_limit, rate(7, 14));
    assert!(Cli::try_parse_from(["docket", "sandbox", "serve", "--rate-limit", "-1"]).is_err());
    // The console's embedded sandbox starts from the same defaults.
    assert_eq!(
        docket::cli::ServeArgs::default()
            .config()
            .unwrap()
            .rate_limit,
        Some(RateLimit::DEFAULT)
    );
    assert_eq!(
        Config::new("x.db".into()).rate_limit,
        Some(RateLimit::DEFAULT)
    );
}
