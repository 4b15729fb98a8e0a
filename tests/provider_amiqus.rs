//! The Amiqus ID (API v2) adapter against a wiremock server speaking Amiqus's documented shapes
//! (fixtures in `tests/fixtures/amiqus`, copied field for field from the API reference).

use docket::domain::model::Case;
use docket::domain::review::Submission;
use docket::domain::{
    AlertStatus, CaseStatus, CheckResult, CheckStatus, Decision, EntityRole, EntityType,
    ResolutionAction, Wire,
};
use docket::provider::amiqus::AmiqusProvider;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "aqpat_5f0c2e7b9d14a8c3e6f1";
const BEARER: &str = "Bearer aqpat_5f0c2e7b9d14a8c3e6f1";
/// Amiqus's base path; every route is under it.
const BASE: &str = "/api/v2";

fn fixture(name: &str) -> Value {
    let p = format!(
        "{}/tests/fixtures/amiqus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn connect_to(server: &MockServer) -> Connect {
    Connect::new(
        Vendor::Amiqus,
        &format!("{}{BASE}", server.uri()),
        ApiKey::new(KEY),
    )
}

async fn start() -> (MockServer, AmiqusProvider) {
    let server = MockServer::start().await;
    let p = AmiqusProvider::new(connect_to(&server)).unwrap();
    (server, p)
}

fn at(p: &str) -> String {
    format!("{BASE}{p}")
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Mounts a GET answered with `body`, expected `times`.
async fn get(server: &MockServer, route: &str, body: Value, times: u64) {
    Mock::given(method("GET"))
        .and(path(at(route)))
        .and(header("authorization", BEARER))
        .respond_with(ok(body))
        .expect(times)
        .mount(server)
        .await;
}

/// Case 8723's evidence: items, the steps of its two records, and the one check response.
async fn mount_evidence(server: &MockServer, times: u64) {
    Mock::given(method("GET"))
        .and(path(at("/cases/8723/items")))
        .and(query_param("expand", "entity"))
        .and(query_param("limit", "100"))
        .and(query_param("page", "1"))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("case_8723_items.json")))
        .expect(times)
        .mount(server)
        .await;
    for record in ["983434", "983501"] {
        Mock::given(method("GET"))
            .and(path(at(&format!("/records/{record}/steps"))))
            .and(query_param("expand", "check,review"))
            .and(query_param("page", "1"))
            .and(header("authorization", BEARER))
            .respond_with(ok(fixture(&format!("record_{record}_steps.json"))))
            .expect(times)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(at("/checks/82342")))
        .and(query_param("expand", "response"))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("check_82342.json")))
        .expect(times)
        .mount(server)
        .await;
}

fn api_error(e: ProviderError) -> (u16, String, String, Option<String>, Option<u64>) {
    match e {
        ProviderError::Api {
            status,
            code,
            message,
            request_id,
            retry_after,
        } => (status, code, message, request_id, retry_after),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn by_token<'a>(cases: &'a [Case], token: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.token == token)
        .unwrap_or_else(|| panic!("no case {token}"))
}

#[tokio::test]
async fn the_queue_walks_every_page_with_the_documented_query() {
    let (server, p) = start().await;
    for (page, file) in [("1", "cases_page1.json"), ("2", "cases_page2.json")] {
        Mock::given(method("GET"))
            .and(path(at("/cases")))
            .and(header("authorization", BEARER))
            .and(header("accept", "application/json"))
            .and(query_param(
                "status",
                "awaiting_response,action_required,reviewed_pending_decision,on_hold",
            ))
            .and(query_param("expand", "client,assignees"))
            .and(query_param("limit", "100"))
            .and(query_param("page", page))
            .and(query_param("sort_by", "updated_at"))
            .and(query_param("order_by", "desc"))
            .respond_with(ok(fixture(file)))
            .expect(1)
            .mount(&server)
            .await;
    }

    let cases = p
        .queue()
        .await
        .unwrap()
        .expect("Amiqus has no ETags: always a list");
    assert_eq!(cases.len(), 3, "both pages, to the last");

    let c = by_token(&cases, "8723");
    assert_eq!(c.name, "Full-time onboarding");
    assert_eq!(c.external_reference.as_deref(), Some("ONB-2026-0412"));
    assert_eq!(c.status, Wire::Other("action_required".into()));
    assert_eq!(c.decision, None);
    assert_eq!(c.primary_entity.as_deref(), Some("Eilidh Fraser"));
    assert_eq!(c.primary_entity_token.as_deref(), Some("73845"));
    assert_eq!(c.entity_category, Some(Wire::Known(EntityType::Person)));
    let a = c.assigned_to.as_ref().unwrap();
    assert_eq!(
        (a.id.as_str(), a.name.as_deref()),
        ("187", Some("Ross Green"))
    );
    assert_eq!(c.created_at.unwrap().to_string(), "2026-10-28T09:15:02Z");
    assert_eq!(c.updated_at.unwrap().to_string(), "2026-11-03T16:41:27Z");
    assert_eq!((c.sla_deadline, c.risk_tier.as_ref()), (None, None));

    let unassigned = by_token(&cases, "8731");
    assert_eq!(unassigned.assigned_to, None);
    assert_eq!(
        unassigned.status,
        Wire::Other("reviewed_pending_decision".into())
    );
    let last = by_token(&cases, "8690");
    assert_eq!(last.external_reference, None);
    assert_eq!(
        last.assigned_to.as_ref().unwrap().id,
        "947",
        "the first assignee"
    );
    assert_eq!(last.primary_entity.as_deref(), Some("Priya Natarajan"));
    server.verify().await;
}

#[tokio::test]
async fn opening_a_case_reads_its_client_checks_and_alerts() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723")))
        .and(query_param("expand", "client,items,assignees"))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("case_8723.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723")))
        .and(query_param("expand", "client"))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("case_8723.json")))
        .expect(1)
        .mount(&server)
        .await;
    mount_evidence(&server, 2).await;

    let case = p.case("8723").await.unwrap();
    assert_eq!(case.name, "Full-time onboarding");
    assert_eq!(case.primary_entity.as_deref(), Some("Eilidh Fraser"));

    let entities = p.entities("8723").await.unwrap();
    assert_eq!(entities.len(), 1);
    let e = &entities[0];
    assert_eq!(
        (e.token.as_str(), e.name.as_str()),
        ("73845", "Eilidh Fraser")
    );
    assert_eq!(e.entity_type, Some(Wire::Known(EntityType::Person)));
    assert_eq!(e.role, Some(Wire::Known(EntityRole::Primary)));
    assert_eq!(e.date_of_birth.as_deref(), Some("1991-03-14"));
    assert_eq!(
        e.verification_status.as_ref().map(|v| v.as_str()),
        Some("pending")
    );

    let alerts = p.alerts("8723").await.unwrap();
    let tokens: Vec<&str> = alerts.iter().map(|a| a.token.as_str()).collect();
    assert_eq!(
        tokens,
        ["983434/2", "983434/3", "983501/2"],
        "photo ID with a consider result, the referred identity report, the rejected credit \
         report; not the pending criminal record check, the document step, or the banking \
         check Amiqus says cannot be reviewed"
    );
    let photo = &alerts[0];
    assert_eq!(photo.status, Wire::Known(AlertStatus::Open));
    assert_eq!(photo.category.as_deref(), Some("photo_id"));
    assert_eq!(photo.case_token.as_deref(), Some("8723"));
    assert_eq!(photo.entity_name.as_deref(), Some("Eilidh Fraser"));
    assert_eq!(photo.entity_token.as_deref(), Some("73845"));
    assert!(photo.title.as_deref().unwrap().contains("Photo ID"));
    assert!(photo.title.as_deref().unwrap().contains("consider"));
    let src = photo.source_data.as_ref().unwrap();
    assert_eq!(
        src["response"]["result"], "consider",
        "the response was fetched"
    );
    assert_eq!(src["id"], 82342);

    let identity = &alerts[1];
    assert_eq!(identity.status, Wire::Known(AlertStatus::Resolved));
    assert_eq!(
        identity.resolution_action,
        Some(Wire::Known(ResolutionAction::Approve))
    );
    assert_eq!(
        identity.resolution_rationale.as_deref(),
        Some("Address confirmed against council tax bill uploaded in step 4.")
    );
    assert_eq!(identity.resolved_by.as_ref().unwrap().id, "187");
    assert!(identity.resolved_at.is_some());

    let credit = &alerts[2];
    assert_eq!(credit.status, Wire::Known(AlertStatus::Open));
    assert_eq!(credit.category.as_deref(), Some("credit"));

    let checks = p.checks("8723").await.unwrap();
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Photo ID",
            "Identity report",
            "Criminal record",
            "Credit report",
            "Banking information"
        ],
        "every step with a check, and no document step"
    );
    assert_eq!(checks[0].token, "82342");
    assert_eq!(checks[0].status, Wire::Known(CheckStatus::Complete));
    assert_eq!(checks[0].result, Some(Wire::Known(CheckResult::Refer)));
    assert_eq!(checks[0].type_code.as_deref(), Some("check.photo_id"));
    assert_eq!(checks[1].result, Some(Wire::Known(CheckResult::Refer)));
    assert_eq!(checks[2].status, Wire::Known(CheckStatus::Pending));
    assert_eq!(checks[2].result, None);
    assert_eq!(checks[3].result, Some(Wire::Known(CheckResult::Fail)));
    assert_eq!(checks[4].status, Wire::Known(CheckStatus::Failed));
    assert_eq!(checks[0].entity_name.as_deref(), Some("Eilidh Fraser"));
    server.verify().await;
}

#[tokio::test]
async fn the_timeline_is_the_case_reviews_and_users_are_team_members() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723/reviews")))
        .and(query_param("expand", "reviewed_by"))
        .and(query_param("page", "1"))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("case_8723_reviews.json")))
        .expect(1)
        .mount(&server)
        .await;
    get(&server, "/me", fixture("me.json"), 1).await;
    get(&server, "/team/members", fixture("team_members.json"), 1).await;

    let t = p.timeline("8723").await.unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].event_type, "CASE_REVIEW");
    assert_eq!(t[0].token, "2698");
    let actor = t[0].actor.as_ref().unwrap();
    assert_eq!(
        (actor.id.as_str(), actor.name.as_deref()),
        ("187", Some("Ross Green"))
    );
    assert_eq!(
        t[0].details,
        Some(json!({ "from_status": "action_required", "status": "on_hold" }))
    );
    assert_eq!(t[1].at.unwrap().to_string(), "2026-11-01T09:30:12Z");

    let me = p.me().await.unwrap().unwrap();
    assert_eq!((me.id.as_str(), me.name.as_str()), ("187", "Ross Green"));
    let users = p.users().await.unwrap().unwrap();
    assert_eq!(users.len(), 3);
    let wayne = users.iter().find(|u| u.id == "947").unwrap();
    assert_eq!(wayne.role.as_deref(), Some("read-only"));
    assert!(!wayne.can_write, "read-only members cannot write");
    assert!(users.iter().filter(|u| u.id != "947").all(|u| u.can_write));
    server.verify().await;
}

#[tokio::test]
async fn closing_a_case_posts_a_case_review() {
    let (server, p) = start().await;
    for (case, status, file) in [
        ("8723", "approved", "case_review_approved.json"),
        ("8731", "rejected", "case_review_rejected.json"),
    ] {
        Mock::given(method("POST"))
            .and(path(at(&format!("/cases/{case}/reviews"))))
            .and(header("authorization", BEARER))
            .and(body_json(json!({ "status": status })))
            .respond_with(ResponseTemplate::new(201).set_body_json(fixture(file)))
            .expect(1)
            .mount(&server)
            .await;
    }

    let approve = Submission::Close {
        case: "8723".into(),
        decision: Decision::Approve,
        summary: "All checks reviewed; identity and address confirmed.".into(),
    };
    let said = p.submit(&approve, "idem-close-1").await.unwrap();
    assert!(said.contains("8723") && said.contains("approved"), "{said}");
    assert!(said.contains("action_required"), "{said}");

    let decline = Submission::Close {
        case: "8731".into(),
        decision: Decision::Decline,
        summary: "Adverse credit history outside policy.".into(),
    };
    let said = p.submit(&decline, "idem-close-2").await.unwrap();
    assert!(said.contains("rejected"), "{said}");
    assert!(
        !p.capabilities().rationale_on_decision,
        "the summary stays local"
    );
    server.verify().await;
}

#[tokio::test]
async fn changing_status_posts_a_case_review_with_any_case_status() {
    use docket::provider::Feature;
    let (server, p) = start().await;
    let caps = p.capabilities();
    assert_eq!(caps.why_not(Feature::ChangeStatus), None);
    assert_eq!(
        caps.vendor_statuses,
        [
            "awaiting_response",
            "action_required",
            "reviewed_pending_decision",
            "on_hold"
        ]
    );
    Mock::given(method("POST"))
        .and(path(at("/cases/8723/reviews")))
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({ "status": "on_hold" })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("case_review_on_hold.json")))
        .expect(1)
        .mount(&server)
        .await;
    // Amiqus's refusal comes back as it was sent: its status and its messages.
    Mock::given(method("POST"))
        .and(path(at("/cases/8731/reviews")))
        .and(body_json(json!({ "status": "reviewed_pending_decision" })))
        .respond_with(ResponseTemplate::new(422).set_body_json(fixture("error_422.json")))
        .expect(1)
        .mount(&server)
        .await;

    let hold = Submission::SetStatus {
        case: "8723".into(),
        status: "on_hold".into(),
    };
    let said = p.submit(&hold, "idem-status-1").await.unwrap();
    assert_eq!(said, "Case 8723 is now on_hold (was action_required)");

    let pending = Submission::SetStatus {
        case: "8731".into(),
        status: "reviewed_pending_decision".into(),
    };
    let (status, code, message, _, _) =
        api_error(p.submit(&pending, "idem-status-2").await.unwrap_err());
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(
        message.contains("The selected status is invalid."),
        "{message}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_retry_sees_a_status_change_that_already_landed() {
    let (server, p) = start().await;
    let mut on_hold = fixture("case_8723.json");
    on_hold["status"] = json!("on_hold");
    get(&server, "/cases/8723", on_hold, 2).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let to = |status: &str| Submission::SetStatus {
        case: "8723".into(),
        status: status.into(),
    };
    assert_eq!(
        p.already_applied(&to("on_hold")).await.as_deref(),
        Some("Full-time onboarding is now on_hold")
    );
    assert_eq!(p.already_applied(&to("action_required")).await, None);
    server.verify().await;
}

#[tokio::test]
async fn resolving_checks_posts_step_reviews_with_the_rationale() {
    let (server, p) = start().await;
    let approve_msg = "Date of birth on passport differs by a transposed day and month; \
                       confirmed with the client by phone.";
    let reject_msg = "County court judgment registered in 2025 is outside our lending policy.";
    Mock::given(method("POST"))
        .and(path(at("/records/983434/steps/2/reviews")))
        .and(header("authorization", BEARER))
        .and(body_json(
            json!({ "status": "approved", "message": approve_msg }),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture("step_review_approved.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    for step in ["983501/2", "983434/3"] {
        let (r, s) = step.split_once('/').unwrap();
        Mock::given(method("POST"))
            .and(path(at(&format!("/records/{r}/steps/{s}/reviews"))))
            .and(header("authorization", BEARER))
            .and(body_json(
                json!({ "status": "rejected", "message": reject_msg }),
            ))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(fixture("step_review_rejected.json")),
            )
            .expect(1)
            .mount(&server)
            .await;
    }

    let approve = Submission::Resolve {
        tokens: vec!["983434/2".into()],
        action: ResolutionAction::Approve,
        rationale: approve_msg.into(),
        false_positive: false,
        conditions: None,
    };
    let said = p.submit(&approve, "idem-resolve-1").await.unwrap();
    assert_eq!(said, "Approved check 983434/2");

    // Several tokens: one step review each (Amiqus has no bulk call), duplicates once.
    let reject = Submission::Resolve {
        tokens: vec!["983501/2".into(), "983434/3".into(), "983501/2".into()],
        action: ResolutionAction::Decline,
        rationale: format!("  {reject_msg}\n"),
        false_positive: false,
        conditions: None,
    };
    let said = p.submit(&reject, "idem-resolve-2").await.unwrap();
    assert_eq!(said, "Rejected 2 checks");
    server.verify().await;
}

#[tokio::test]
async fn a_batch_retried_after_a_failure_does_not_post_twice() {
    let (server, p) = start().await;
    Mock::given(method("POST"))
        .and(path(at("/records/983434/steps/2/reviews")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture("step_review_approved.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(at("/records/983434/steps/3/reviews")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "2")
                .set_body_json(fixture("error_429.json")),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(at("/records/983434/steps/3/reviews")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture("step_review_approved.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let s = Submission::Resolve {
        tokens: vec!["983434/2".into(), "983434/3".into()],
        action: ResolutionAction::Approve,
        rationale: "Reviewed".into(),
        false_positive: false,
        conditions: None,
    };
    let first = p.submit(&s, "idem-batch").await.unwrap_err();
    assert!(first.is_transient(), "{first:?}");
    let said = p.submit(&s, "idem-batch").await.unwrap();
    assert_eq!(said, "Approved 2 checks");
    server.verify().await;
}

#[tokio::test]
async fn a_bad_token_is_refused_with_401_and_its_message() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases")))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("error_401.json")))
        .expect(1)
        .mount(&server)
        .await;
    let e = p.queue().await.unwrap_err();
    assert!(!e.is_transient());
    assert!(!e.to_string().contains(KEY), "{e}");
    let (status, code, message, request_id, _) = api_error(e);
    assert_eq!((status, code.as_str()), (401, "UNAUTHORIZED"));
    assert_eq!(message, "Unauthenticated.");
    assert_eq!(request_id, None);
    server.verify().await;
}

#[tokio::test]
async fn forbidden_and_not_found_keep_amiqus_messages() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723/reviews")))
        .respond_with(ResponseTemplate::new(403).set_body_json(fixture("error_403.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at("/cases/9999")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-7Qz2")
                .set_body_json(fixture("error_404.json")),
        )
        .mount(&server)
        .await;
    let (status, code, message, ..) = api_error(p.timeline("8723").await.unwrap_err());
    assert_eq!((status, code.as_str()), (403, "FORBIDDEN"));
    assert_eq!(message, "This action is unauthorized.");
    let (status, code, message, request_id, _) = api_error(p.case("9999").await.unwrap_err());
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (404, "NOT_FOUND", "Case not found")
    );
    assert_eq!(request_id.as_deref(), Some("req-7Qz2"));
}

#[tokio::test]
async fn a_rate_limit_says_when_to_retry() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723/items")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "37")
                .insert_header("X-RateLimit-Limit", "200")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "1793786400")
                .set_body_json(fixture("error_429.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let e = p.alerts("8723").await.unwrap_err();
    assert!(e.is_transient());
    let (status, code, message, _, retry_after) = api_error(e);
    assert_eq!((status, code.as_str()), (429, "RATE_LIMITED"));
    assert_eq!(retry_after, Some(37));
    assert!(
        message.contains("Too Many Attempts.") && message.contains("200"),
        "{message}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_422_names_the_fields_in_one_readable_message() {
    let (server, p) = start().await;
    Mock::given(method("POST"))
        .and(path(at("/records/983434/steps/2/reviews")))
        .respond_with(ResponseTemplate::new(422).set_body_json(fixture("error_422.json")))
        .expect(1)
        .mount(&server)
        .await;
    let s = Submission::Resolve {
        tokens: vec!["983434/2".into()],
        action: ResolutionAction::Approve,
        rationale: "ok".into(),
        false_positive: false,
        conditions: None,
    };
    let e = p.submit(&s, "idem-422").await.unwrap_err();
    assert!(!e.is_transient());
    let (status, code, message, ..) = api_error(e);
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert_eq!(
        message,
        "message: The message field is required when status is rejected.; \
         status: The selected status is invalid."
    );
    server.verify().await;
}

#[tokio::test]
async fn a_proxy_page_instead_of_json_is_described() {
    let (server, p) = start().await;
    let page = std::fs::read_to_string(format!(
        "{}/tests/fixtures/amiqus/error_502.html",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    Mock::given(method("GET"))
        .and(path(at("/cases/8723")))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page.into_bytes(), "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let e = p.case("8723").await.unwrap_err();
    assert!(e.is_transient());
    let (status, code, message, ..) = api_error(e);
    assert_eq!((status, code.as_str()), (502, "HTTP_502"));
    assert!(
        message.starts_with("non-JSON error body:") && message.contains("502 Bad Gateway"),
        "{message}"
    );
    server.verify().await;
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_endpoint() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723/reviews")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "{\"object\": \"paginated_list\", \"data\": [",
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at("/team/members")))
        .respond_with(ok(
            json!({ "object": "paginated_list", "data": { "id": 1 } }),
        ))
        .mount(&server)
        .await;
    match p.timeline("8723").await.unwrap_err() {
        ProviderError::Decode { endpoint, .. } => assert_eq!(endpoint, "GET /cases/8723/reviews"),
        other => panic!("{other:?}"),
    }
    match p.users().await.unwrap_err() {
        ProviderError::Decode {
            endpoint, message, ..
        } => {
            assert_eq!(endpoint, "GET /team/members");
            assert!(message.contains("expected a list"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn what_amiqus_cannot_do_is_refused_without_a_request() {
    let (server, p) = start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let refused = [
        Submission::Assign {
            case: "8723".into(),
            user: Some("187".into()),
        },
        Submission::Comment {
            mentions: vec![],
            case: "8723".into(),
            body: "Called the client".into(),
        },
        Submission::Status {
            case: "8723".into(),
            to: CaseStatus::InReview,
        },
        // A decision is a close (with its summary kept locally), not a status change; and
        // `pending` is deprecated.
        Submission::SetStatus {
            case: "8723".into(),
            status: "approved".into(),
        },
        Submission::SetStatus {
            case: "8723".into(),
            status: "pending".into(),
        },
        Submission::SetStatus {
            case: "../8723".into(),
            status: "on_hold".into(),
        },
        Submission::EscalateAlert {
            escalate_to: None,
            token: "983434/2".into(),
            reason: "Needs MLRO".into(),
        },
        Submission::Acknowledge {
            tokens: vec!["983434/2".into()],
        },
        Submission::Resolve {
            tokens: vec!["983434/2".into()],
            action: ResolutionAction::Escalate,
            rationale: "Needs MLRO".into(),
            false_positive: false,
            conditions: None,
        },
        Submission::Resolve {
            tokens: vec!["983434/2".into()],
            action: ResolutionAction::Approve,
            rationale: "Not our client".into(),
            false_positive: true,
            conditions: None,
        },
        // Rejecting needs a message, and a message is at most 1000 characters: both are
        // checked before anything is sent.
        Submission::Resolve {
            tokens: vec!["983434/2".into(), "983501/2".into()],
            action: ResolutionAction::Decline,
            rationale: "   ".into(),
            false_positive: false,
            conditions: None,
        },
        Submission::Resolve {
            tokens: vec!["983434/2".into()],
            action: ResolutionAction::Approve,
            rationale: "x".repeat(1001),
            false_positive: false,
            conditions: None,
        },
        Submission::Resolve {
            tokens: vec!["983434/2".into(), "not-a-step".into()],
            action: ResolutionAction::Approve,
            rationale: "ok".into(),
            false_positive: false,
            conditions: None,
        },
        Submission::Close {
            case: "../me".into(),
            decision: Decision::Approve,
            summary: "x".into(),
        },
    ];
    for s in &refused {
        match p.submit(s, "idem-refused").await {
            Err(ProviderError::Invalid(m)) => assert!(!m.is_empty()),
            other => panic!("{s:?} was not refused: {other:?}"),
        }
    }
    let Err(ProviderError::Invalid(m)) = p.submit(&refused[0], "k").await else {
        panic!()
    };
    assert_eq!(m, "Amiqus ID's API cannot assign cases");
    server.verify().await;
}

#[tokio::test]
async fn a_retry_sees_a_case_review_that_already_landed() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/cases/8723")))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("case_8723_approved.json")))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let approve = Submission::Close {
        case: "8723".into(),
        decision: Decision::Approve,
        summary: "ok".into(),
    };
    let seen = p.already_applied(&approve).await.unwrap();
    assert!(seen.contains("approved"), "{seen}");
    let decline = Submission::Close {
        case: "8723".into(),
        decision: Decision::Decline,
        summary: "ok".into(),
    };
    assert_eq!(p.already_applied(&decline).await, None);
    server.verify().await;
}

#[tokio::test]
async fn a_retry_sees_a_step_review_that_already_landed() {
    let (server, p) = start().await;
    Mock::given(method("GET"))
        .and(path(at("/records/983501/steps/2/reviews")))
        .and(query_param("sort_by", "created_at"))
        .and(query_param("order_by", "desc"))
        .and(query_param("limit", "1"))
        .and(header("authorization", BEARER))
        .respond_with(ok(fixture("step_reviews_latest.json")))
        .expect(3)
        .mount(&server)
        .await;
    let msg = "County court judgment registered in 2025 is outside our lending policy.";
    let resolve = |action: ResolutionAction, rationale: &str| Submission::Resolve {
        tokens: vec!["983501/2".into()],
        action,
        rationale: rationale.into(),
        false_positive: false,
        conditions: None,
    };
    let reject = resolve(ResolutionAction::Decline, msg);
    assert_eq!(
        p.already_applied(&reject).await.as_deref(),
        Some("Rejected check 983501/2")
    );
    let other_text = resolve(ResolutionAction::Decline, "Something else");
    assert_eq!(p.already_applied(&other_text).await, None);
    let approve = resolve(ResolutionAction::Approve, msg);
    assert_eq!(p.already_applied(&approve).await, None);
    server.verify().await;
}

#[tokio::test]
async fn connect_opens_amiqus_end_to_end() {
    let server = MockServer::start().await;
    for (page, file) in [("1", "cases_page1.json"), ("2", "cases_page2.json")] {
        Mock::given(method("GET"))
            .and(path(at("/cases")))
            .and(query_param("page", page))
            .and(query_param("status", "action_required"))
            .and(header("authorization", BEARER))
            .respond_with(ok(fixture(file)))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(at("/cases/8723/reviews")))
        .and(header("authorization", BEARER))
        .and(body_json(json!({ "status": "approved" })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture("case_review_approved.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut c = connect_to(&server);
    c.amiqus.queue_statuses = vec!["action_required".into()];
    let p = docket::provider::connect(Connect {
        vendor: Vendor::Amiqus,
        ..c
    })
    .unwrap();
    let caps = p.capabilities();
    assert_eq!(caps.vendor, Vendor::Amiqus);
    assert!(caps.alerts && caps.resolve_alerts && caps.entities && caps.checks);
    assert!(caps.timeline && caps.close);
    assert!(!caps.bulk_alerts && !caps.assign && !caps.comments && !caps.add_comment);
    assert!(!caps.rationale_on_decision && !caps.idempotency_keys);
    assert!(!caps.sla && !caps.risk_tiers && !caps.false_positive);
    assert_eq!(
        caps.resolution_actions,
        [ResolutionAction::Approve, ResolutionAction::Decline]
    );
    assert!(p.describe().starts_with("127.0.0.1:"), "{}", p.describe());
    assert!(p.describe().ends_with("/api/v2"));

    let queue = p.queue().await.unwrap().unwrap();
    assert_eq!(queue.len(), 3);
    let said = p
        .submit(
            &Submission::Close {
                case: queue[0].token.clone(),
                decision: Decision::Approve,
                summary: "Checks clear".into(),
            },
            "idem-e2e",
        )
        .await
        .unwrap();
    assert!(said.contains("approved"), "{said}");

    let plain_http = docket::provider::connect(Connect::new(
        Vendor::Amiqus,
        "http://id.amiqus.co/api/v2",
        ApiKey::new(KEY),
    ))
    .unwrap_err();
    assert!(plain_http.to_string().contains("refusing plain http://"));
    server.verify().await;
}
