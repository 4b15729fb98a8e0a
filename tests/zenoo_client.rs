//! The Zenoo client against a real sandbox over HTTP, and against a misbehaving server.

mod common;

use std::collections::HashSet;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use docket::domain::{CaseStatus, Wire};
use docket::provider::zenoo::{CaseQuery, Fetched, MAX_RESPONSE_BYTES, ZenooClient};
use docket::provider::{ApiKey, ProviderError};

fn client(env: &common::Env, key: &str) -> ZenooClient {
    ZenooClient::new(&env.sandbox.url(), ApiKey::new(key)).unwrap()
}

#[tokio::test]
async fn walks_every_case_and_honours_etags() {
    let env = common::start(130).await;
    let c = client(&env, &env.analyst());
    let query = CaseQuery {
        sort: Some("sla_deadline".into()),
        limit: Some(40),
        ..Default::default()
    };
    let mut seen = HashSet::new();
    let mut cursor = None;
    let mut first_etag = None;
    loop {
        let Fetched::Fresh { value, etag } =
            c.cases_page(&query, cursor.as_deref(), None).await.unwrap()
        else {
            panic!("unconditional request answered 304");
        };
        first_etag.get_or_insert(etag);
        assert_eq!(value.total, Some(130));
        for case in &value.items {
            assert!(matches!(case.status, Wire::Known(_)), "{:?}", case.status);
            assert!(case.sla_deadline.is_some() && case.primary_entity.is_some());
            assert!(seen.insert(case.token.clone()));
        }
        if !value.has_more {
            break;
        }
        cursor = value.cursor;
    }
    assert_eq!(seen.len(), 130);
    let etag = first_etag.flatten().expect("the sandbox sends ETags");
    // Time-derived fields tick once a minute (docs/api.md): if the walk straddled a tick, the
    // tag is fetched again; two ticks cannot pass between two requests.
    let etag = match c.cases_page(&query, None, Some(&etag)).await.unwrap() {
        Fetched::NotModified => etag,
        Fetched::Fresh { etag: fresh, .. } => fresh.expect("an ETag"),
    };
    assert_eq!(
        c.cases_page(&query, None, Some(&etag)).await.unwrap(),
        Fetched::NotModified
    );

    let filtered = CaseQuery {
        statuses: vec![CaseStatus::New],
        assigned_to: Some("none".into()),
        ..Default::default()
    };
    let Fetched::Fresh { value, .. } = c.cases_page(&filtered, None, None).await.unwrap() else {
        panic!()
    };
    assert!(!value.items.is_empty());
    assert!(
        value
            .items
            .iter()
            .all(|c| c.status == Wire::Known(CaseStatus::New) && c.assigned_to.is_none())
    );
}

#[tokio::test]
async fn reads_users_a_case_and_its_alerts() {
    let env = common::start(60).await;
    let c = client(&env, &env.analyst());
    let me = c.me().await.unwrap().unwrap();
    assert_eq!(me.role.as_deref(), Some("analyst"));
    let users = c.users().await.unwrap().unwrap();
    assert_eq!(users.len(), 5);
    assert!(users.iter().any(|u| !u.can_write));

    let raw = env.walk("/v1/cases?sort=-open_alerts_count", 5).await;
    let token = common::s(&raw[0]["token"]).to_string();
    let case = c.case(&token).await.unwrap();
    assert_eq!(case.name, common::s(&raw[0]["name"]));
    let alerts = c.case_alerts(&token).await.unwrap();
    assert_eq!(
        alerts.len() as u64,
        raw[0]["total_alerts_count"].as_u64().unwrap()
    );
    assert!(
        alerts
            .iter()
            .all(|a| a.case_token.as_deref() == Some(token.as_str()))
    );
    assert!(
        alerts
            .iter()
            .any(|a| a.source_data.is_some() && a.ai_assessment.is_some())
    );
}

#[tokio::test]
async fn api_errors_carry_code_message_and_request_id() {
    let env = common::start(5).await;
    let bad = client(&env, "dk_sbx_wrong");
    let err = bad.case("cas_x").await.unwrap_err();
    let ProviderError::Api {
        status,
        code,
        request_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*status, code.as_str()), (401, "UNAUTHORIZED"));
    assert!(request_id.as_deref().is_some_and(|r| r.starts_with("req_")));
    assert!(err.to_string().contains("request req_"), "{err}");
    assert!(!err.is_transient());

    let c = client(&env, &env.analyst());
    let err = c.case("cas_nope").await.unwrap_err();
    assert_eq!(err.code(), Some("NOT_FOUND"));
    assert!(matches!(
        c.case("../v1/users").await,
        Err(ProviderError::Invalid(_))
    ));

    // The key never shows in Debug output.
    let dbg = format!("{c:?}");
    assert!(!dbg.contains(&env.analyst()), "{dbg}");
}

#[tokio::test]
async fn a_server_that_is_gone_is_a_transient_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = ZenooClient::new(&format!("http://{addr}"), ApiKey::new("k")).unwrap();
    let err = c.me().await.unwrap_err();
    assert!(matches!(err, ProviderError::Transport { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(ZenooClient::new("ftp://x", ApiKey::new("k")).is_err());
}

/// A real HTTP server that answers like a broken proxy or a hostile API.
async fn misbehaving() -> String {
    let app = Router::new()
        .route(
            "/v1/cases/{t}",
            get(|| async {
                (
                    StatusCode::BAD_GATEWAY,
                    [("content-type", "text/html")],
                    "<html><body><h1>502 Bad Gateway</h1></body></html>",
                )
            }),
        )
        .route("/v1/me", get(|| async { "{\"data\": [1, 2" }))
        .route(
            "/v1/users",
            get(|| async { "x".repeat(MAX_RESPONSE_BYTES + 10) }),
        )
        .route(
            "/v1/alerts",
            get(|| async { r#"{"data": {"not": "a list"}, "meta": {"request_id": "req_z"}}"# }),
        )
        .route(
            "/v1/cases",
            get(|| async {
                (
                    [("x-request-id", "req_utf8")],
                    b"{\"data\": [{\"token\": \"\xff\xfe\"}]}".to_vec(),
                )
            }),
        )
        .route(
            "/v1/cases/{t}/checks",
            get(|| async {
                (
                    [("x-request-id", "req_deep")],
                    format!("{{\"data\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000)),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn broken_answers_are_clear_errors_naming_the_endpoint() {
    let url = misbehaving().await;
    let c = ZenooClient::new(&url, ApiKey::new("k")).unwrap();
    let err = c.case("cas_1").await.unwrap_err();
    let ProviderError::Api {
        status,
        code,
        message,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*status, code.as_str()), (502, "HTTP_502"));
    assert!(message.contains("502 Bad Gateway"), "{message}");
    assert!(err.is_transient());

    let err = c.me().await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { endpoint, .. } if endpoint == "GET /v1/me"),
        "{err:?}"
    );
    let err = c.users().await.unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    let err = c.case_alerts("cas_1").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { request_id: Some(r), .. } if r == "req_z"),
        "{err:?}"
    );
    // Invalid UTF-8 and nesting deeper than any API sends: errors naming endpoint and request.
    let err = c
        .cases_page(&Default::default(), None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { endpoint, request_id: Some(r), .. }
            if endpoint == "GET /v1/cases" && r == "req_utf8"),
        "{err:?}"
    );
    let err = c.case_checks("cas_1").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { request_id: Some(r), .. } if r == "req_deep"),
        "{err:?}"
    );
}

/// After the first walk, a poll given the walk's watermark fetches only what changed
/// (`updated_since`): the changed case and the new one, each once; the provider keeps no copy
/// of the queue, and an unchanged queue is a 304.
#[tokio::test]
async fn polls_after_the_first_walk_fetch_only_what_changed() {
    use docket::domain::model::Case;
    use docket::provider::{Connect, QueueChange, Vendor, watermark};
    use std::sync::{Arc, Mutex};
    let env = common::start(250).await;
    let p = docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap();
    let pages: Arc<Mutex<Vec<(usize, bool)>>> = Arc::default();
    let all: Mutex<Vec<Case>> = Mutex::default();
    let change = p
        .queue_changes(None, &|cases, more| {
            pages.lock().unwrap().push((cases.len(), more));
            all.lock().unwrap().extend(cases);
        })
        .await
        .unwrap();
    assert_eq!(
        change,
        QueueChange::Whole,
        "a first load walks the whole queue"
    );
    // The provider handed every case over and kept none.
    let first = all.into_inner().unwrap();
    assert_eq!(first.len(), 250);
    // Every page was handed over as it arrived, the most urgent first.
    assert_eq!(
        *pages.lock().unwrap(),
        [(100, true), (100, true), (50, false)]
    );
    let mut tokens: Vec<&str> = first.iter().map(|c| c.token.as_str()).collect();
    tokens.sort_unstable();
    tokens.dedup();
    assert_eq!(tokens.len(), 250, "no case twice");
    let since = watermark(&first);
    assert!(since.is_some());
    assert_unchanged(&*p, since).await;

    let target = first
        .iter()
        .find(|c| c.status.as_str() == "In Progress")
        .unwrap();
    env.patch(
        &format!("/v1/cases/{}", target.token),
        serde_json::json!({ "assigned_to": "usr_mei" }),
    )
    .await
    .ok();
    let created = env.company_case("DE", "Software and IT services").await;
    let QueueChange::Changed(changed) = p
        .queue_changes(since, &|_, _| {
            panic!("a poll with a watermark walks no pages")
        })
        .await
        .unwrap()
    else {
        panic!("a poll after a change says what changed")
    };
    let t = changed.iter().find(|c| c.token == target.token).unwrap();
    assert_eq!(t.assigned_to.as_ref().unwrap().id, "usr_mei");
    let new = common::s(&created["token"]);
    assert!(changed.iter().any(|c| c.token == new));
    // The first page (the most urgent 100) comes with the changes and the cases updated in the
    // watermark's last second: not the whole queue again, and no case twice.
    assert!(changed.len() < first.len() / 2 + 10, "{}", changed.len());
    let mut tokens: Vec<&str> = changed.iter().map(|c| c.token.as_str()).collect();
    tokens.sort_unstable();
    tokens.dedup();
    assert_eq!(tokens.len(), changed.len(), "no case twice");
    assert_unchanged(&*p, watermark(&changed).max(since)).await;
}

/// Nothing changed: the poll is a 304. Time-derived fields tick once a minute (docs/api.md), so
/// one poll may straddle a minute boundary; the next cannot straddle another.
async fn assert_unchanged(p: &dyn docket::provider::Provider, since: Option<jiff::Timestamp>) {
    use docket::provider::QueueChange;
    let poll = || p.queue_changes(since, &|_, _| {});
    if poll().await.unwrap() != QueueChange::Unchanged {
        assert_eq!(
            poll().await.unwrap(),
            QueueChange::Unchanged,
            "nothing changed: 304"
        );
    }
}

/// The provider's search and reference lookup against the sandbox: a substring of a name
/// (references match in full only), a token read directly, and nothing found is `None`.
#[tokio::test]
async fn search_finds_by_any_name_and_find_case_matches_a_reference_in_full() {
    use docket::provider::{Connect, Vendor};
    let env = common::start(40).await;
    let p = docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap();
    assert!(p.capabilities().search);
    let closed = env
        .walk("/v1/cases?status=Closed", 40)
        .await
        .into_iter()
        .find(|c| c["external_reference"].is_string())
        .expect("a closed case with an external reference");
    let (token, name) = (common::s(&closed["token"]), common::s(&closed["name"]));
    let ext = common::s(&closed["external_reference"]);

    let hits = p
        .search(&name[..8], 50)
        .await
        .unwrap()
        .expect("Zenoo searches");
    assert!(hits.len() > 1, "a prefix matches several");
    assert!(hits.iter().any(|c| c.token == token));
    for reference in [
        name.to_string(),
        name.to_lowercase(),
        token.into(),
        ext.into(),
    ] {
        let found = p.find_case(&reference).await.unwrap();
        assert_eq!(
            found.map(|c| c.token),
            Some(token.to_string()),
            "{reference}"
        );
    }
    // A prefix of a reference is not that case; nor is a reference nobody has.
    assert_eq!(p.find_case(&name[..8]).await.unwrap(), None);
    assert_eq!(p.find_case("CAS-999999").await.unwrap(), None);
    assert_eq!(p.find_case("cas_doesnotexist").await.unwrap(), None);
}

/// A Zenoo that ignores `q` (its reference documents no text search) answers its first page to
/// any search: docket finds that out once and searches only what it has loaded, rather than
/// show that page as found.
#[tokio::test]
async fn a_server_that_ignores_q_is_not_searched() {
    use docket::provider::{Connect, Vendor};
    let env = common::start(12).await;
    let page = env.get("/v1/cases?limit=5").await.body;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(5));
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let app = Router::new().route(
        "/v1/cases",
        get(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let page = page.clone();
            async move { axum::Json(page) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let p = docket::provider::connect(Connect::new(Vendor::Zenoo, &url, ApiKey::new("k"))).unwrap();
    assert_eq!(p.search("McAllister", 50).await.unwrap(), None);
    assert_eq!(p.search("Okafor", 50).await.unwrap(), None);
    assert_eq!(
        asked.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "asked once whether q works, then not again"
    );

    // The sandbox honours it.
    let sandbox = docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap();
    assert!(sandbox.search("CAS-0000", 50).await.unwrap().is_some());
}
