//! KarmaCheck adapter against a fake KarmaCheck (wiremock) answering with the documented shapes:
//! the token exchange, the case list, one case and its data per service type, the two
//! adjudications, and the error bodies (JSON with a message string or list, plain text).

use docket::domain::review::Submission;
use docket::domain::{
    AlertStatus, AlertType, CaseStatus, CheckCategory, CheckResult, CheckStatus, Decision,
    EntityRole, EntityType, ResolutionAction, Wire,
};
use docket::provider::karmacheck::KarmaCheckProvider;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};
use serde_json::json;
use wiremock::matchers::{any, bearer_token, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "03c703eb-56cc-46f6-bb63-afb3e302d1bf";
const CLIENT_TOKEN: &str = "ffb3c8ee-412d-43e5-975a-355e3cc54cf9";
const BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJmaXJzdCJ9.first-bearer-token";
const RENEWED: &str = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJzZWNvbmQifQ.second-bearer-token";

/// The case in `case.json`: Complete · Consider, with data of every kind.
const CASE: &str = "1c233169-fc0c-474e-9311-a35029e6154b";
const PLACED: &str = "f252d717-9bc8-4d21-85b4-5fd29645226a";
const PREADVERSE: &str = "7d0f3c4e-2b1a-4c8d-9e6f-0a1b2c3d4e5f";

const SCREENING: &str = "30bc2c03-c8dd-409a-8da6-e0070ea6a681";
const LEGAL: &str = "a3b74b1b-b665-40be-bad2-2a49c801cf3f";

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/karmacheck/", $name))
    };
}

fn json_reply(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn connect(server: &MockServer) -> Connect {
    Connect {
        secondary_key: Some(ApiKey::new(CLIENT_TOKEN)),
        ..Connect::new(Vendor::KarmaCheck, &server.uri(), ApiKey::new(API_KEY))
    }
}

fn provider(server: &MockServer) -> KarmaCheckProvider {
    KarmaCheckProvider::new(connect(server)).unwrap()
}

/// `POST /auth/api` with the documented body, answered with `auth.json`, exactly `times`.
async fn auth(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/auth/api"))
        .and(body_json(
            json!({ "apiKey": API_KEY, "clientAccessToken": CLIENT_TOKEN }),
        ))
        .respond_with(json_reply(200, fixture!("auth.json")))
        .expect(times)
        .named("token exchange")
        .mount(server)
        .await;
}

/// A GET answered with `body` for the first bearer token.
async fn get(server: &MockServer, p: &str, status: u16, body: &str) {
    Mock::given(method("GET"))
        .and(path(p))
        .and(bearer_token(BEARER))
        .respond_with(json_reply(status, body))
        .mount(server)
        .await;
}

/// Case `CASE` and its data: screening, legal and identity have records, payment is a
/// plain-text 404 (not ordered), shipment answers `{}` (no `data`).
async fn case_and_data(server: &MockServer) {
    get(
        server,
        &format!("/case/id/{CASE}"),
        200,
        fixture!("case.json"),
    )
    .await;
    for (ty, status, body) in [
        (SCREENING, 200, fixture!("data_screening.json")),
        (LEGAL, 200, fixture!("data_legal.json")),
        ("service-type-idv", 200, fixture!("data_idv.json")),
        ("service-type-shipment", 200, fixture!("data_none.json")),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/case/id/{CASE}/data/{ty}")))
            .and(bearer_token(BEARER))
            .respond_with(json_reply(status, body))
            .expect(1)
            .named(format!("data {ty}"))
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(format!("/case/id/{CASE}/data/service-type-payment")))
        .respond_with(ResponseTemplate::new(404).set_body_string("Not Found"))
        .expect(1)
        .mount(server)
        .await;
}

/// Nothing at all may reach the server.
async fn nothing_sent(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .named("any request")
        .mount(server)
        .await;
}

#[track_caller]
fn api_error(e: &ProviderError) -> (u16, &str, &str, Option<u64>) {
    match e {
        ProviderError::Api {
            status,
            code,
            message,
            retry_after,
            ..
        } => (*status, code.as_str(), message.as_str(), *retry_after),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn close(case: &str, decision: Decision, summary: &str) -> Submission {
    Submission::Close {
        case: case.into(),
        decision,
        summary: summary.into(),
    }
}

#[tokio::test]
async fn the_token_is_exchanged_once_and_sent_as_bearer() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .and(header("authorization", format!("Bearer {BEARER}").as_str()))
        .respond_with(json_reply(200, fixture!("case_list.json")))
        .expect(2)
        .mount(&server)
        .await;
    get(
        &server,
        &format!("/case/id/{CASE}"),
        200,
        fixture!("case.json"),
    )
    .await;
    let p = provider(&server);
    assert!(p.queue().await.unwrap().is_some());
    assert!(p.queue().await.unwrap().is_some());
    assert_eq!(p.case(CASE).await.unwrap().token, CASE);
    let who = p.entities(CASE).await.unwrap();
    assert_eq!(who[0].name, "Dani Garcia");
}

#[tokio::test]
async fn nothing_is_sent_before_the_first_call() {
    let server = MockServer::start().await;
    nothing_sent(&server).await;
    let p = provider(&server);
    assert_eq!(p.describe(), server.uri().split("://").nth(1).unwrap());
}

#[tokio::test]
async fn a_revoked_token_is_exchanged_again_and_the_call_retried_once() {
    let server = MockServer::start().await;
    let exchange = || {
        Mock::given(method("POST"))
            .and(path("/auth/api"))
            .and(body_json(
                json!({ "apiKey": API_KEY, "clientAccessToken": CLIENT_TOKEN }),
            ))
    };
    exchange()
        .respond_with(json_reply(200, fixture!("auth.json")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    exchange()
        .respond_with(json_reply(200, fixture!("auth_renewed.json")))
        .expect(1)
        .mount(&server)
        .await;
    // The first token works once, then is revoked.
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .and(bearer_token(BEARER))
        .respond_with(json_reply(200, fixture!("case_list.json")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .and(bearer_token(BEARER))
        .respond_with(json_reply(401, fixture!("error_401.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .and(bearer_token(RENEWED))
        .respond_with(json_reply(200, fixture!("case_list.json")))
        .expect(2)
        .mount(&server)
        .await;
    let p = provider(&server);
    assert_eq!(p.queue().await.unwrap().unwrap().len(), 7);
    assert_eq!(p.queue().await.unwrap().unwrap().len(), 7);
    // The renewed token is kept.
    assert_eq!(p.queue().await.unwrap().unwrap().len(), 7);
}

#[tokio::test]
async fn a_refusal_that_outlasts_a_new_token_is_reported_after_one_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api"))
        .respond_with(json_reply(200, fixture!("auth.json")))
        .expect(2)
        .mount(&server)
        .await;
    get(&server, "/case/list", 200, fixture!("case_list.json")).await;
    Mock::given(method("PUT"))
        .and(path(format!("/case/id/{CASE}/action/place")))
        .respond_with(json_reply(403, fixture!("error_403_list.json")))
        .expect(2)
        .mount(&server)
        .await;
    let p = provider(&server);
    p.queue().await.unwrap();
    let e = p
        .submit(&close(CASE, Decision::Approve, ""), "k")
        .await
        .unwrap_err();
    assert_eq!(api_error(&e).0, 403);
}

#[tokio::test]
async fn the_queue_maps_every_status() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    get(&server, "/case/list", 200, fixture!("case_list.json")).await;
    let cases = provider(&server).queue().await.unwrap().unwrap();
    let row = |id: &str| cases.iter().find(|c| c.token == id).unwrap().clone();

    let consider = row(CASE);
    assert_eq!(consider.name, "KC-1c233169");
    assert_eq!(consider.status, Wire::Other("Complete · Consider".into()));
    assert_eq!(consider.decision, None);
    assert_eq!(consider.primary_entity.as_deref(), Some("Dani Garcia"));
    assert_eq!(
        consider.primary_entity_token.as_deref(),
        Some("dfb411b1-ab2e-4076-9a22-9f2fda30b365")
    );
    assert_eq!(
        consider.entity_category,
        Some(Wire::Known(EntityType::Person))
    );
    assert_eq!(consider.case_type, Some(Wire::Other("Basic Check".into())));
    assert_eq!(consider.external_reference.as_deref(), Some("HR-2026-0142"));
    assert_eq!(
        consider.created_at.unwrap().to_string(),
        "2026-08-03T14:05:09Z"
    );
    assert_eq!(
        consider.updated_at.unwrap().to_string(),
        "2026-08-05T09:12:44Z"
    );
    assert_eq!(consider.closed_at, None);
    assert!(consider.assigned_to.is_none() && consider.sla_deadline.is_none());

    let placed = row(PLACED);
    assert_eq!(placed.status, Wire::Known(CaseStatus::Closed));
    assert_eq!(placed.decision, Some(Wire::Known(Decision::Approve)));
    assert_eq!(placed.closed_at, placed.updated_at);

    let pre = row(PREADVERSE);
    assert_eq!(
        pre.status,
        Wire::Other("Adjudicated · Pre-Adverse Action".into())
    );
    assert_eq!(pre.decision, None);

    let adverse = row("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    assert_eq!(adverse.status, Wire::Known(CaseStatus::Closed));
    assert_eq!(adverse.decision, Some(Wire::Known(Decision::Decline)));

    let pending = row("a09215ff-f46c-49a6-9767-762da1f3afd2");
    assert_eq!(
        pending.status,
        Wire::Other("Pending · Waiting for Authorization".into())
    );
    // No candidate before onboarding: the invitation's name.
    assert_eq!(pending.primary_entity.as_deref(), Some("Matt Williams"));
    assert_eq!(pending.primary_entity_token, None);

    let canceled = row("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7");
    assert_eq!(canceled.status, Wire::Known(CaseStatus::Closed));
    assert_eq!(canceled.decision, None);

    let blocked = row("5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e");
    assert_eq!(
        blocked.status,
        Wire::Other("Blocked · Reviewing Order".into())
    );
}

#[tokio::test]
async fn archived_cases_come_from_list_all_when_asked() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/case/list/all"))
        .and(bearer_token(BEARER))
        .respond_with(json_reply(200, fixture!("case_list.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = connect(&server);
    c.karmacheck.include_archived = true;
    let p = KarmaCheckProvider::new(c).unwrap();
    assert_eq!(p.queue().await.unwrap().unwrap().len(), 7);
}

#[tokio::test]
async fn a_case_opens_with_checks_alerts_and_the_candidate() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    case_and_data(&server).await;
    let p = provider(&server);

    let case = p.case(CASE).await.unwrap();
    assert_eq!(case.name, "KC-1c233169");
    assert_eq!(case.total_entities, Some(1));

    // Checks and alerts share one read of the data (each data mock expects one request).
    let checks = p.checks(CASE).await.unwrap();
    let alerts = p.alerts(CASE).await.unwrap();

    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "National Criminal Search",
            "County Criminal Search",
            "Employment Verification",
            "5 Panel Drug Screen",
            "FCRA Disclosure",
            "Identity And Liveliness Verification",
        ]
    );
    let check = |n: &str| checks.iter().find(|c| c.name == n).unwrap();
    let national = check("National Criminal Search");
    assert_eq!(national.status, Wire::Known(CheckStatus::Complete));
    assert_eq!(national.result, Some(Wire::Known(CheckResult::Pass)));
    assert_eq!(
        national.category,
        Some(Wire::Known(CheckCategory::Screening))
    );
    assert_eq!(national.provider.as_deref(), Some("TazWorks"));
    assert_eq!(
        national.completed_at.unwrap().to_string(),
        "2026-08-04T22:04:44.222Z"
    );
    assert_eq!(
        national.type_code.as_deref(),
        Some("d8e3dbdb-c2d7-4787-9736-86fffab74da4")
    );
    let county = check("County Criminal Search");
    assert_eq!(county.result, Some(Wire::Known(CheckResult::Refer)));
    let employment = check("Employment Verification");
    assert_eq!(employment.status, Wire::Known(CheckStatus::Complete));
    assert_eq!(employment.result, Some(Wire::Known(CheckResult::Refer)));
    let drug = check("5 Panel Drug Screen");
    assert_eq!(
        drug.status,
        Wire::Other("Pending · Drug Test Sent to Lab".into())
    );
    assert_eq!((drug.result.as_ref(), drug.completed_at), (None, None));
    let legal = check("FCRA Disclosure");
    assert_eq!(legal.result, Some(Wire::Known(CheckResult::Pass)));
    assert_eq!(legal.category, Some(Wire::Other("Legal".into())));
    // Legal details date their completion in epoch milliseconds.
    assert_eq!(
        legal.completed_at.unwrap().as_millisecond(),
        1_785_762_369_000
    );
    let idv = check("Identity And Liveliness Verification");
    assert_eq!(idv.status, Wire::Known(CheckStatus::Failed));
    assert_eq!(idv.category, Some(Wire::Known(CheckCategory::Identity)));

    // Alerts: consider, not_found and error, read-only and open.
    let titles: Vec<&str> = alerts.iter().map(|a| a.title.as_deref().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "County Criminal Search",
            "Employment Verification",
            "Identity And Liveliness Verification",
        ]
    );
    let county = &alerts[0];
    assert_eq!(county.token, "2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809");
    assert_eq!(county.case_token.as_deref(), Some(CASE));
    assert_eq!(county.status, Wire::Known(AlertStatus::Open));
    assert_eq!(county.alert_type, Some(Wire::Known(AlertType::Screening)));
    assert_eq!(county.category.as_deref(), Some("Criminal Check"));
    assert_eq!(
        county.description.as_deref(),
        Some("Consider; 2 records found")
    );
    let source = county.source_data.as_ref().unwrap();
    assert_eq!(source["records"][0]["charge"], "GRAND THEFT AUTO");
    assert_eq!(
        alerts[1].description.as_deref(),
        Some("Unable to Verify: could not be verified; 1 record found; Employer did not respond")
    );
    assert_eq!(alerts[2].alert_type, Some(Wire::Known(AlertType::Identity)));
    assert_eq!(
        alerts[2].description.as_deref(),
        Some("Error: failed during processing; The document image could not be read")
    );

    let entities = p.entities(CASE).await.unwrap();
    assert_eq!(entities.len(), 1);
    let dani = &entities[0];
    assert_eq!(dani.token, "dfb411b1-ab2e-4076-9a22-9f2fda30b365");
    assert_eq!(dani.name, "Dani Garcia");
    assert_eq!(dani.role, Some(Wire::Known(EntityRole::Primary)));
    assert_eq!(dani.entity_type, Some(Wire::Known(EntityType::Person)));

    // Nothing else a Zenoo case has.
    assert!(p.timeline(CASE).await.unwrap().is_empty());
    assert!(p.comments(CASE).await.unwrap().is_empty());
    assert_eq!(p.risk(CASE).await.unwrap(), None);
}

#[tokio::test]
async fn approve_places_the_case_with_a_bare_put() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("PUT"))
        .and(path(format!("/case/id/{CASE}/action/place")))
        .and(header("authorization", format!("Bearer {BEARER}").as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let what = provider(&server)
        .submit(
            &close(CASE, Decision::Approve, "All clear after review"),
            "idem-1",
        )
        .await
        .unwrap();
    assert_eq!(what, "KC-1c233169 placed (Adjudicated, result Placed)");
    let sent: Vec<Request> = server.received_requests().await.unwrap();
    let put = sent.iter().find(|r| r.method.as_str() == "PUT").unwrap();
    assert!(put.body.is_empty(), "place has no body");
    assert!(put.headers.get("idempotency-key").is_none());
}

#[tokio::test]
async fn decline_starts_pre_adverse_action_with_the_reason() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(format!("/case/id/{CASE}/action/preadverse")))
        .and(bearer_token(BEARER))
        .and(body_json(
            json!({ "reason": "County record: felony theft conviction within 7 years" }),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let what = provider(&server)
        .submit(
            &close(
                CASE,
                Decision::Decline,
                "  County record: felony theft conviction within 7 years\n",
            ),
            "idem-2",
        )
        .await
        .unwrap();
    assert!(
        what.starts_with("Pre-adverse action started on KC-1c233169"),
        "{what}"
    );
    assert!(what.contains("candidate"), "{what}");
}

#[tokio::test]
async fn a_decline_without_a_reason_is_refused_unsent() {
    let server = MockServer::start().await;
    nothing_sent(&server).await;
    let e = provider(&server)
        .submit(&close(CASE, Decision::Decline, "  \n "), "k")
        .await
        .unwrap_err();
    let ProviderError::Invalid(m) = &e else {
        panic!("{e:?}")
    };
    assert!(m.contains("reason") && m.contains("candidate"), "{m}");
}

#[tokio::test]
async fn submissions_karmacheck_has_no_api_for_are_refused_unsent() {
    let server = MockServer::start().await;
    nothing_sent(&server).await;
    let p = provider(&server);
    let refused = [
        Submission::Resolve {
            tokens: vec!["2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809".into()],
            action: ResolutionAction::Approve,
            rationale: "Not the same person".into(),
            false_positive: true,
            conditions: None,
        },
        Submission::Acknowledge {
            tokens: vec!["2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809".into()],
        },
        Submission::Status {
            case: CASE.into(),
            to: CaseStatus::Escalated,
        },
        Submission::SetStatus {
            case: CASE.into(),
            status: "Placed".into(),
        },
        Submission::Assign {
            case: CASE.into(),
            user: Some("usr_a".into()),
        },
        Submission::EscalateCase {
            escalate_to: None,
            case: CASE.into(),
            reason: "Needs legal".into(),
        },
        Submission::Comment {
            mentions: vec![],
            case: CASE.into(),
            body: "Checked with HR".into(),
        },
        Submission::AddReviewer {
            message: None,
            case: CASE.into(),
            user: "usr_b".into(),
        },
    ];
    for s in &refused {
        let e = p.submit(s, "k").await.unwrap_err();
        let ProviderError::Invalid(m) = &e else {
            panic!("{s:?}: {e:?}")
        };
        assert!(m.starts_with("KarmaCheck's API cannot "), "{m}");
    }
}

#[tokio::test]
async fn a_403_with_a_message_list_reads_as_one_line() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    // A 403 to a token exchanged for this very call is not worth a second exchange.
    Mock::given(method("GET"))
        .and(path(format!("/case/id/{CASE}")))
        .respond_with(json_reply(403, fixture!("error_403_list.json")))
        .expect(1)
        .mount(&server)
        .await;
    let e = provider(&server).case(CASE).await.unwrap_err();
    let (status, code, message, _) = api_error(&e);
    assert_eq!((status, code), (403, "FORBIDDEN"));
    assert!(
        message.starts_with("Forbidden resource; This token's group has no access to the case"),
        "{message}"
    );
    assert!(message.contains("does not exist"), "{message}");
    assert!(!e.is_transient());
}

#[tokio::test]
async fn a_plain_text_404_keeps_its_text() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("PUT"))
        .and(path(format!("/case/id/{CASE}/action/place")))
        .respond_with(ResponseTemplate::new(404).set_body_string("Invalid case"))
        .mount(&server)
        .await;
    let e = provider(&server)
        .submit(&close(CASE, Decision::Approve, ""), "k")
        .await
        .unwrap_err();
    let (status, code, message, _) = api_error(&e);
    assert_eq!((status, code), (404, "NOT_FOUND"));
    assert!(message.contains("Invalid case"), "{message}");
}

#[tokio::test]
async fn a_case_not_ready_to_place_is_a_validation_error() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("PUT"))
        .and(path(format!("/case/id/{CASE}/action/place")))
        .respond_with(json_reply(422, fixture!("error_422_not_ready.json")))
        .mount(&server)
        .await;
    let e = provider(&server)
        .submit(&close(CASE, Decision::Approve, ""), "k")
        .await
        .unwrap_err();
    let (status, code, message, _) = api_error(&e);
    assert_eq!((status, code), (422, "VALIDATION_ERROR"));
    assert!(message.contains("not ready to be placed"), "{message}");
    assert_eq!(
        e.to_string(),
        "VALIDATION_ERROR (HTTP 422): The case could not be put into Placed: it is not ready to be placed."
    );
}

#[tokio::test]
async fn a_429_says_when_to_retry() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .respond_with(
            json_reply(
                429,
                r#"{"message": "Too many requests", "error": "Too Many Requests", "statusCode": 429}"#,
            )
            .insert_header("Retry-After", "7"),
        )
        .mount(&server)
        .await;
    let e = provider(&server).queue().await.unwrap_err();
    let (status, code, message, retry_after) = api_error(&e);
    assert_eq!(
        (status, code, message),
        (429, "HTTP_429", "Too many requests")
    );
    assert_eq!(retry_after, Some(7));
    assert!(e.is_transient());
}

#[tokio::test]
async fn a_gateway_page_instead_of_json_is_an_api_error() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/case/list"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let e = provider(&server).queue().await.unwrap_err();
    let (status, code, message, _) = api_error(&e);
    assert_eq!((status, code), (502, "HTTP_502"));
    assert!(message.starts_with("non-JSON error body:"), "{message}");
    assert!(message.contains("502 Bad Gateway"), "{message}");
    assert!(e.is_transient());
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_endpoint() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    get(&server, "/case/list", 200, r#"{"cases": [{"id": "x""#).await;
    get(
        &server,
        &format!("/case/id/{CASE}"),
        200,
        r#"{"cases": [{"caseStatus": "Complete"}]}"#,
    )
    .await;
    let p = provider(&server);
    let e = p.queue().await.unwrap_err();
    let ProviderError::Decode { endpoint, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(endpoint, "GET /case/list");
    let e = p.case(CASE).await.unwrap_err();
    let ProviderError::Decode {
        endpoint, message, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(endpoint, &format!("GET /case/id/{CASE}"));
    assert!(
        message.contains("cases[0]") && message.contains("id"),
        "{message}"
    );
}

#[tokio::test]
async fn a_refused_exchange_says_so_without_any_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api"))
        .respond_with(json_reply(
            403,
            r#"{"message": "Forbidden resource", "error": "Forbidden", "statusCode": 403}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server);
    let e = p.queue().await.unwrap_err();
    let (status, code, message, _) = api_error(&e);
    assert_eq!((status, code), (403, "FORBIDDEN"));
    assert!(
        message.contains("refused the API key and client access token"),
        "{message}"
    );
    let shown = format!("{e} {e:?} {p:?}");
    for secret in [API_KEY, CLIENT_TOKEN, BEARER] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn the_bearer_token_never_shows_in_debug() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    get(&server, "/case/list", 200, fixture!("case_list.json")).await;
    let p = provider(&server);
    p.queue().await.unwrap();
    let shown = format!("{p:?}");
    for secret in [API_KEY, CLIENT_TOKEN, BEARER] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn an_exchange_answer_without_a_token_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api"))
        .respond_with(json_reply(
            200,
            r#"{"id": "7a9af724", "username": "x@api"}"#,
        ))
        .mount(&server)
        .await;
    let e = provider(&server).queue().await.unwrap_err();
    let ProviderError::Decode { endpoint, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(endpoint, "POST /auth/api");
}

#[tokio::test]
async fn a_missing_client_token_is_a_clear_error() {
    let c = Connect::new(
        Vendor::KarmaCheck,
        "https://api-stage.karmacheck.io",
        ApiKey::new(API_KEY),
    );
    let e = KarmaCheckProvider::new(c.clone()).unwrap_err();
    let ProviderError::Invalid(m) = &e else {
        panic!("{e:?}")
    };
    assert!(m.contains("client access token"), "{m}");
    assert!(m.contains("DOCKET_KARMACHECK_CLIENT_TOKEN"), "{m}");
    assert!(!m.contains(API_KEY), "{m}");
    let blank = Connect {
        secondary_key: Some(ApiKey::new("  ")),
        ..c
    };
    assert!(matches!(
        KarmaCheckProvider::new(blank),
        Err(ProviderError::Invalid(_))
    ));
    // And through connect().
    let e = docket::provider::connect(Connect::new(
        Vendor::KarmaCheck,
        "https://api-stage.karmacheck.io",
        ApiKey::new(API_KEY),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("client access token"), "{e}");
}

#[tokio::test]
async fn plain_http_away_from_loopback_is_refused() {
    let c = Connect {
        secondary_key: Some(ApiKey::new(CLIENT_TOKEN)),
        ..Connect::new(
            Vendor::KarmaCheck,
            "http://api.karmacheck.io",
            ApiKey::new(API_KEY),
        )
    };
    assert!(matches!(
        KarmaCheckProvider::new(c),
        Err(ProviderError::Invalid(_))
    ));
}

#[tokio::test]
async fn capabilities_say_what_karmacheck_can_do() {
    let server = MockServer::start().await;
    let p = provider(&server);
    let caps = p.capabilities();
    assert_eq!(caps.vendor, Vendor::KarmaCheck);
    assert!(caps.alerts && caps.checks && caps.entities && caps.close);
    assert!(!caps.resolve_alerts && !caps.bulk_alerts && !caps.acknowledge_alerts);
    assert!(!caps.rationale_on_decision && !caps.idempotency_keys);
    assert!(!caps.assign && !caps.comments && !caps.add_comment && !caps.timeline);
    assert!(!caps.risk && !caps.reviewers && !caps.change_status && !caps.sla);
    assert!(caps.resolution_actions.is_empty() && caps.vendor_statuses.is_empty());

    // Decline sends the summary to the candidate and cannot be undone; approving keeps it
    // locally. The close drawer's note and the confirmation say so.
    let note = caps.decision_note.as_deref().unwrap();
    assert!(
        note.contains("emails the candidate") && note.contains("cannot be undone"),
        "{note}"
    );
    assert!(note.contains("local audit log"), "{note}");
    let decline = caps.irreversible(Decision::Decline).expect("irreversible");
    assert_eq!(decline.summary_sent_to.as_deref(), Some("the candidate"));
    assert!(decline.effect.contains("pre-adverse"), "{}", decline.effect);
    assert!(caps.irreversible(Decision::Approve).is_none());
    assert!(caps.vendor_keeps_text(&close(CASE, Decision::Decline, "r")));
    assert!(!caps.vendor_keeps_text(&close(CASE, Decision::Approve, "r")));
}

#[tokio::test]
async fn a_retry_first_reads_whether_the_decision_landed() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    get(
        &server,
        &format!("/case/id/{PLACED}"),
        200,
        fixture!("case_placed.json"),
    )
    .await;
    get(
        &server,
        &format!("/case/id/{PREADVERSE}"),
        200,
        fixture!("case_preadverse.json"),
    )
    .await;
    get(
        &server,
        &format!("/case/id/{CASE}"),
        200,
        fixture!("case.json"),
    )
    .await;
    let p = provider(&server);
    assert_eq!(
        p.already_applied(&close(PLACED, Decision::Approve, ""))
            .await
            .as_deref(),
        Some("KC-f252d717 placed")
    );
    assert_eq!(
        p.already_applied(&close(PLACED, Decision::Decline, "r"))
            .await,
        None
    );
    let pre = p
        .already_applied(&close(PREADVERSE, Decision::Decline, "r"))
        .await
        .unwrap();
    assert!(pre.contains("Pre-Adverse Action"), "{pre}");
    assert_eq!(
        p.already_applied(&close(PREADVERSE, Decision::Approve, ""))
            .await,
        None
    );
    assert_eq!(
        p.already_applied(&close(CASE, Decision::Approve, "")).await,
        None
    );
    assert_eq!(
        p.already_applied(&Submission::Comment {
            mentions: vec![],
            case: CASE.into(),
            body: "x".into()
        })
        .await,
        None
    );
}

#[tokio::test]
async fn connect_opens_karmacheck_end_to_end() {
    let server = MockServer::start().await;
    auth(&server, 1).await;
    get(&server, "/case/list", 200, fixture!("case_list.json")).await;
    case_and_data(&server).await;
    Mock::given(method("PUT"))
        .and(path(format!("/case/id/{CASE}/action/place")))
        .and(bearer_token(BEARER))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let p = docket::provider::connect(Connect {
        vendor: Vendor::KarmaCheck,
        secondary_key: Some(ApiKey::new(CLIENT_TOKEN)),
        ..Connect::new(Vendor::KarmaCheck, &server.uri(), ApiKey::new(API_KEY))
    })
    .unwrap();
    assert_eq!(p.capabilities().vendor, Vendor::KarmaCheck);
    let queue = p.queue().await.unwrap().unwrap();
    assert_eq!(queue.len(), 7);
    let first = &queue[0];
    assert_eq!(first.token, CASE);
    assert_eq!(p.alerts(&first.token).await.unwrap().len(), 3);
    assert_eq!(p.checks(&first.token).await.unwrap().len(), 6);
    let what = p
        .submit(&close(&first.token, Decision::Approve, "ok"), "k")
        .await
        .unwrap();
    assert!(what.contains("placed"), "{what}");
}

#[tokio::test]
async fn a_bad_case_id_is_refused_unsent() {
    let server = MockServer::start().await;
    nothing_sent(&server).await;
    let p = provider(&server);
    let e = p.case("../auth/api").await.unwrap_err();
    assert!(matches!(e, ProviderError::Invalid(_)), "{e:?}");
}

/// The decoders on their own: shapes the fixtures above do not carry.
mod shapes {
    use docket::domain::{CaseStatus, CheckCategory, CheckResult, Decision, Wire};
    use docket::provider::karmacheck::wire::{auth_token, case_data, error_body, summary};
    use serde_json::json;

    #[test]
    fn statuses_sent_only_as_ids_are_read() {
        let s = summary(&json!({
            "id": "f252d717-9bc8-4d21-85b4-5fd29645226a",
            "caseStatusId": "47463524-937e-46b1-8799-873f63e7b402",
            "resultTypeId": "bbbd9fa2-598f-43f6-8363-b8b55e7aa777",
        }))
        .unwrap();
        assert!(s.is_placed());
        assert_eq!(
            s.status(),
            (Wire::Known(CaseStatus::Closed), Some(Decision::Approve))
        );
        let s = summary(&json!({
            "id": "a", "caseStatusId": "22334455-937e-46b1-8799-887766554433",
            "secondaryCaseStatusId": "status-type-consider",
            "resultTypeId": "8c94f0d9-57c9-4c7b-be95-5ec309cff330",
        }))
        .unwrap();
        assert_eq!(s.status().0, Wire::Other("Complete · Consider".into()));
    }

    #[test]
    fn adverse_action_by_its_status_id_counts_as_started() {
        let s = summary(&json!({
            "id": "a", "caseStatus": "Adjudicated", "resultType": "Open",
            "adverseActionStatusId": "ebbcb8e0-a0e7-43fb-930e-e52db4032d47",
        }))
        .unwrap();
        assert!(s.in_adverse_action());
        assert!(!s.is_placed());
    }

    #[test]
    fn details_sent_only_as_a_string_are_parsed() {
        let d = case_data(&json!({
            "id": "d1", "status": "clear", "serviceName": "Identity Verification",
            "serviceCategoryId": "service-cat-idv",
            "details": "{\"dateCompleted\": 1712703321520, \"source\": \"karmacheck\"}",
        }))
        .unwrap();
        let c = d.to_check();
        assert_eq!(c.result, Some(Wire::Known(CheckResult::Pass)));
        assert_eq!(c.category, Some(Wire::Known(CheckCategory::Identity)));
        assert_eq!(c.provider.as_deref(), Some("karmacheck"));
        assert_eq!(
            c.completed_at.map(|t| t.as_millisecond()),
            Some(1_712_703_321_520)
        );
        assert!(d.to_alert("case").is_none());
    }

    #[test]
    fn an_unknown_data_status_is_shown_as_sent() {
        let d =
            case_data(&json!({"id": "d2", "status": "on_hold", "statusDisplayName": "On Hold"}))
                .unwrap();
        let c = d.to_check();
        assert_eq!(c.status, Wire::Other("On Hold".into()));
        assert_eq!(c.result, None);
        assert!(d.to_alert("case").is_none());
        assert!(case_data(&json!({"status": "clear"})).is_err());
    }

    #[test]
    fn error_bodies_in_every_shape() {
        let e =
            error_body(br#"{"message": ["a", "b"], "error": "Bad Request", "statusCode": 400}"#)
                .unwrap();
        assert_eq!(e.message.as_deref(), Some("a; b"));
        let e = error_body(br#"{"error": "Forbidden", "statusCode": 403}"#).unwrap();
        assert_eq!((e.message, e.error.as_deref()), (None, Some("Forbidden")));
        assert!(error_body(b"Invalid case").is_none());
    }

    #[test]
    fn a_bad_token_field_is_named_without_its_value() {
        let e = auth_token(&json!({"token": 12345})).unwrap_err();
        assert!(!e.contains("12345"), "{e}");
        assert!(auth_token(&json!({"id": "x"})).is_err());
        assert!(auth_token(&json!({"token": "  "})).is_err());
    }
}
