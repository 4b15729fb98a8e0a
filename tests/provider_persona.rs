//! Persona's Cases API adapter against a wiremock server speaking Persona's documented JSON:API
//! shapes (fixtures in tests/fixtures/persona): what is sent (paths, query, headers, bodies,
//! order) and what is decoded.

use docket::domain::model::Case;
use docket::domain::review::Submission;
use docket::domain::{
    CaseStatus, CheckCategory, CheckResult, CheckStatus, CommentType, Decision, EntityRole,
    EntityType, Wire,
};
use docket::provider::persona::PersonaProvider;
use docket::provider::settings::PersonaSettings;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};
use jiff::Timestamp;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "persona_sandbox_5f1b7c9e-2d4a-4c1b-9a7e-secret";
const VERSION: &str = "2025-12-08";
const TEMPLATE: &str = "ctmpl_336jV1uVaaY84GAqvG91oiy9";
const CASE: &str = "case_KsFU1Vxv9oK3ztnwQuD7MaJo";
const REQUEST_ID: &str = "req_prM3gdSL6ciwGjSjj4aXgKJT";
const RATIONALE: &str = "Watchlist hit is a different person; ID and selfie reviewed manually.";

fn fixture(name: &str) -> Value {
    let file = format!(
        "{}/tests/fixtures/persona/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("Request-Id", REQUEST_ID)
        .insert_header("RateLimit-Limit", "300")
        .insert_header("RateLimit-Remaining", "299")
        .insert_header("RateLimit-Reset", "60")
        .set_body_json(fixture(name))
}

fn refuse(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Request-Id", REQUEST_ID)
        .set_body_json(fixture(name))
}

fn settings() -> PersonaSettings {
    PersonaSettings {
        api_version: VERSION.into(),
        ..PersonaSettings::default()
    }
}

fn base(server: &MockServer) -> String {
    format!("{}/api/v1", server.uri())
}

fn persona(server: &MockServer, settings: PersonaSettings) -> PersonaProvider {
    let mut c = Connect::new(Vendor::Persona, &base(server), ApiKey::new(KEY));
    c.persona = settings;
    c.user = Some("ana.ortiz@acme.com".into());
    PersonaProvider::new(c).expect("a provider")
}

/// Every request carries the key, the pinned version, kebab inflection and JSON.
fn authed(m: wiremock::MockBuilder) -> wiremock::MockBuilder {
    m.and(header("Authorization", format!("Bearer {KEY}").as_str()))
        .and(header("Persona-Version", VERSION))
        .and(header("Key-Inflection", "kebab"))
        .and(header("Accept", "application/json"))
}

fn at(s: &str) -> Option<Timestamp> {
    Some(s.parse().expect("a timestamp"))
}

#[track_caller]
fn api_error(err: &ProviderError, status: u16, code: &str) -> (String, Option<u64>) {
    let ProviderError::Api {
        status: got,
        code: got_code,
        message,
        request_id,
        retry_after,
    } = err
    else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!((*got, got_code.as_str()), (status, code), "{err}");
    assert_eq!(request_id.as_deref(), Some(REQUEST_ID), "{err:?}");
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
    (message.clone(), *retry_after)
}

async fn nothing_sent(server: &MockServer) {
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(sent.is_empty(), "sent {} request(s)", sent.len());
}

#[tokio::test]
async fn the_queue_walks_every_page_by_links_next() {
    let server = MockServer::start().await;
    authed(Mock::given(method("GET")).and(path("/api/v1/cases")))
        .and(query_param("page[size]", "100"))
        .and(query_param("filter[case-template-id]", TEMPLATE))
        .and(query_param_is_missing("page[after]"))
        .respond_with(ok("cases_page_1"))
        .expect(1)
        .mount(&server)
        .await;
    authed(Mock::given(method("GET")).and(path("/api/v1/cases")))
        .and(query_param("page[size]", "100"))
        .and(query_param("filter[case-template-id]", TEMPLATE))
        .and(query_param("page[after]", "case_9dZ4qMvR2sLwXy7tPnB3kHcE"))
        .respond_with(ok("cases_page_2"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(
        &server,
        PersonaSettings {
            template_id: Some(TEMPLATE.into()),
            ..settings()
        },
    );

    let cases: Vec<Case> = p.queue().await.unwrap().expect("Persona has no ETags");
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["KCAS-1", "KCAS-2", "KCAS-3"]);

    let open = &cases[0];
    assert_eq!(open.token, CASE);
    assert_eq!(open.status, Wire::Other("Open".into()));
    assert_eq!(open.decision, None);
    assert_eq!(
        open.assigned_to.as_ref().map(|u| u.id.as_str()),
        Some("ana.ortiz@acme.com")
    );
    assert_eq!(open.sla_deadline, at("2026-03-26T04:59:21.764Z"));
    assert_eq!(open.primary_entity.as_deref(), Some("Jane Doe"));
    assert_eq!(
        open.primary_entity_token.as_deref(),
        Some("act_RNwaSKFUDTzxUakAEuE2xmhZ")
    );
    assert_eq!(open.entity_category, Some(Wire::Known(EntityType::Person)));
    assert_eq!(open.external_reference.as_deref(), Some("user-4417"));
    assert_eq!(open.total_entities, Some(1));
    assert_eq!(open.created_at, at("2026-03-24T04:59:21.764Z"));
    assert_eq!(open.updated_at, at("2026-03-25T09:12:02.118Z"));
    assert_eq!((open.closed_at, open.summary.as_deref()), (None, None));

    // No account: the side-loaded inquiry names the subject.
    let pending = &cases[1];
    assert_eq!(pending.status, Wire::Other("Pending".into()));
    assert_eq!(pending.assigned_to, None);
    assert_eq!(pending.sla_deadline, None);
    assert_eq!(pending.primary_entity.as_deref(), Some("Omar Haddad"));
    assert_eq!(
        pending.primary_entity_token.as_deref(),
        Some("inq_29Yd6kF6xWVFgemm5WTxhxvf")
    );

    // An end status: Closed, with the decision it stands for; an account without a name is
    // known by its reference-id.
    let declined = &cases[2];
    assert_eq!(declined.status, Wire::Known(CaseStatus::Closed));
    assert_eq!(declined.decision, Some(Wire::Known(Decision::Decline)));
    assert_eq!(declined.summary.as_deref(), Some("Declined"));
    assert_eq!(declined.closed_at, at("2026-03-22T16:02:10.000Z"));
    assert_eq!(declined.primary_entity.as_deref(), Some("user-8812"));
}

#[tokio::test]
async fn a_cursor_handed_back_twice_ends_the_walk_with_an_error() {
    let server = MockServer::start().await;
    let mut page = fixture("cases_page_1");
    page["links"]["next"] = json!("/api/v1/cases?page%5Bafter%5D=case_9dZ4qMvR2sLwXy7tPnB3kHcE");
    Mock::given(method("GET"))
        .and(path("/api/v1/cases"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(2)
        .mount(&server)
        .await;
    let err = persona(&server, settings()).queue().await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { endpoint, message, .. }
            if endpoint == "GET /cases" && message.contains("second time")),
        "{err:?}"
    );
}

#[tokio::test]
async fn opening_a_case_decodes_checks_comments_and_entities_from_one_request() {
    let server = MockServer::start().await;
    authed(Mock::given(method("GET")).and(path(format!("/api/v1/cases/{CASE}"))))
        .and(query_param(
            "include",
            "case-comments,inquiries,reports,verifications,accounts",
        ))
        .respond_with(ok("case"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(&server, settings());

    let c = p.case(CASE).await.unwrap();
    assert_eq!((c.name.as_str(), c.status.as_str()), ("KCAS-1", "Pending"));
    assert_eq!(c.primary_entity.as_deref(), Some("Jane Marie Doe"));

    // The panes load together and share the document just fetched.
    let (checks, comments, entities) =
        tokio::join!(p.checks(CASE), p.comments(CASE), p.entities(CASE));
    let (checks, comments, entities) = (checks.unwrap(), comments.unwrap(), entities.unwrap());

    let summary: Vec<(&str, &str, Option<&str>)> = checks
        .iter()
        .map(|k| {
            (
                k.name.as_str(),
                k.status.as_str(),
                k.result.as_ref().map(|r| r.as_str()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Inquiry", "Complete", Some("Pass")),
            ("Government ID verification", "Complete", Some("Pass")),
            ("Selfie verification", "Complete", Some("Fail")),
            ("Watchlist report", "Complete", Some("Refer")),
            ("Politically Exposed Person report", "Pending", None),
        ]
    );
    let inquiry = &checks[0];
    assert_eq!(inquiry.token, "inq_b6UPkf7mNC1qBtLXnfaWyUbY");
    assert_eq!(inquiry.entity_name.as_deref(), Some("Jane Marie Doe"));
    assert_eq!(inquiry.completed_at, at("2026-03-24T05:03:14.000Z"));
    assert_eq!(
        checks[1].type_code.as_deref(),
        Some("verification/government-id")
    );
    let watchlist = &checks[3];
    assert_eq!(watchlist.token, "rep_7WNzPaNcroBKLarNHBjYDLAp");
    assert_eq!(watchlist.status, Wire::Known(CheckStatus::Complete));
    assert_eq!(watchlist.result, Some(Wire::Known(CheckResult::Refer)));
    assert_eq!(
        watchlist.category,
        Some(Wire::Known(CheckCategory::Screening))
    );
    assert_eq!(watchlist.entity_name.as_deref(), Some("Jane Marie Doe"));
    assert_eq!(watchlist.completed_at, at("2026-03-24T05:03:24.000Z"));
    assert!(
        checks
            .iter()
            .all(|k| k.provider.as_deref() == Some("Persona"))
    );

    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].token, "cscm_yd2urRmjaCWcSSxqTSHvUcsn");
    assert_eq!(
        comments[0].author.as_ref().map(|u| u.id.as_str()),
        Some("ana.ortiz@acme.com")
    );
    assert_eq!(
        comments[0].comment_type,
        Some(Wire::Known(CommentType::Comment))
    );
    assert!(comments[0].body.starts_with("Watchlist hit looks like"));
    assert_eq!(comments[0].at, at("2026-03-25T07:04:16.667Z"));
    assert_eq!(
        comments[1].comment_type,
        Some(Wire::Known(CommentType::System))
    );

    assert_eq!(entities.len(), 1);
    let jane = &entities[0];
    assert_eq!(jane.token, "act_RNwaSKFUDTzxUakAEuE2xmhZ");
    assert_eq!(jane.name, "Jane Marie Doe");
    assert_eq!(jane.entity_type, Some(Wire::Known(EntityType::Person)));
    assert_eq!(jane.role, Some(Wire::Known(EntityRole::Primary)));
    assert_eq!(jane.country.as_deref(), Some("GB"));
    assert_eq!(jane.date_of_birth.as_deref(), Some("1994-12-30"));
}

#[tokio::test]
async fn close_approve_writes_the_rationale_then_sets_the_status() {
    let server = MockServer::start().await;
    authed(Mock::given(method("PATCH")).and(path(format!("/api/v1/cases/{CASE}"))))
        .and(header("Idempotency-Key", "idem-7-rationale"))
        .and(header("Content-Type", "application/json"))
        .and(body_json(json!({
            "data": { "attributes": { "fields": { "review-rationale": RATIONALE } } }
        })))
        .respond_with(ok("update_case"))
        .expect(1)
        .mount(&server)
        .await;
    authed(Mock::given(method("POST")).and(path(format!("/api/v1/cases/{CASE}/set-status"))))
        .and(header("Idempotency-Key", "idem-7"))
        .and(body_json(json!({ "meta": { "status": "Approved" } })))
        .respond_with(ok("set_status"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(
        &server,
        PersonaSettings {
            rationale_field: Some("review-rationale".into()),
            ..settings()
        },
    );
    assert!(p.capabilities().rationale_on_decision);

    let done = p
        .submit(
            &Submission::Close {
                case: CASE.into(),
                decision: Decision::Approve,
                summary: RATIONALE.into(),
            },
            "idem-7",
        )
        .await
        .unwrap();
    assert!(done.starts_with("KCAS-1 closed: Approve"), "{done}");

    let sent = server.received_requests().await.unwrap_or_default();
    let order: Vec<String> = sent
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        order,
        [
            format!("PATCH /api/v1/cases/{CASE}"),
            format!("POST /api/v1/cases/{CASE}/set-status"),
        ]
    );
}

#[tokio::test]
async fn a_refused_rationale_stops_the_decision() {
    let server = MockServer::start().await;
    let body = json!({ "errors": [{
        "title": "Record invalid",
        "details": "review-rationale is not a field of this case template",
        "source": { "pointer": "/data/attributes/fields/review-rationale" }
    }]});
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/cases/{CASE}")))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("Request-Id", REQUEST_ID)
                .set_body_json(body),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/cases/{CASE}/set-status")))
        .respond_with(ok("set_status"))
        .expect(0)
        .mount(&server)
        .await;
    let p = persona(
        &server,
        PersonaSettings {
            rationale_field: Some("review-rationale".into()),
            ..settings()
        },
    );
    let err = p
        .submit(
            &Submission::Close {
                case: CASE.into(),
                decision: Decision::Approve,
                summary: RATIONALE.into(),
            },
            "idem-8",
        )
        .await
        .unwrap_err();
    let (message, _) = api_error(&err, 422, "VALIDATION_ERROR");
    assert!(
        message.contains("(at /data/attributes/fields/review-rationale)"),
        "{message}"
    );
}

#[tokio::test]
async fn close_decline_without_a_rationale_field_only_sets_the_status() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ok("update_case"))
        .expect(0)
        .mount(&server)
        .await;
    authed(Mock::given(method("POST")).and(path(format!("/api/v1/cases/{CASE}/set-status"))))
        .and(header("Idempotency-Key", "idem-9"))
        .and(body_json(json!({ "meta": { "status": "Declined" } })))
        .respond_with(ok("set_status"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(&server, settings());
    assert!(!p.capabilities().rationale_on_decision);
    let done = p
        .submit(
            &Submission::Close {
                case: CASE.into(),
                decision: Decision::Decline,
                summary: "Stays in docket's audit log".into(),
            },
            "idem-9",
        )
        .await
        .unwrap();
    assert!(done.contains("closed: Decline"), "{done}");
}

#[tokio::test]
async fn set_status_sends_a_template_status() {
    let server = MockServer::start().await;
    authed(Mock::given(method("POST")).and(path(format!("/api/v1/cases/{CASE}/set-status"))))
        .and(header("Idempotency-Key", "idem-10"))
        .and(body_json(json!({ "meta": { "status": "Pending" } })))
        .respond_with(ok("set_status"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(&server, settings());
    assert_eq!(
        p.capabilities().vendor_statuses,
        ["Open", "Pending", "Approved", "Declined"]
    );
    let done = p
        .submit(
            &Submission::SetStatus {
                case: CASE.into(),
                status: "Pending".into(),
            },
            "idem-10",
        )
        .await
        .unwrap();
    assert_eq!(done, "KCAS-1 is now Pending");
}

#[tokio::test]
async fn a_status_the_profile_does_not_list_is_refused_unsent() {
    let server = MockServer::start().await;
    let p = persona(&server, settings());
    let err = p
        .submit(
            &Submission::SetStatus {
                case: CASE.into(),
                status: "Escalated".into(),
            },
            "idem-11",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Invalid(m) if m.contains("\"Escalated\"") && m.contains("Open, Pending")),
        "{err:?}"
    );
    nothing_sent(&server).await;
}

#[tokio::test]
async fn assign_is_by_email_and_there_is_no_unassign() {
    let server = MockServer::start().await;
    authed(Mock::given(method("POST")).and(path(format!("/api/v1/cases/{CASE}/assign"))))
        .and(header("Idempotency-Key", "idem-12"))
        .and(body_json(
            json!({ "meta": { "user-email-address": "li.wei@acme.com" } }),
        ))
        .respond_with(ok("assign"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(&server, settings());
    let done = p
        .submit(
            &Submission::Assign {
                case: CASE.into(),
                user: Some("li.wei@acme.com".into()),
            },
            "idem-12",
        )
        .await
        .unwrap();
    assert_eq!(done, "KCAS-1 assigned to li.wei@acme.com");

    for user in [None, Some("usr_123".to_string())] {
        let err = p
            .submit(
                &Submission::Assign {
                    case: CASE.into(),
                    user,
                },
                "idem-13",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Invalid(_)), "{err:?}");
    }
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}

#[tokio::test]
async fn what_persona_cannot_do_is_refused_unsent() {
    let server = MockServer::start().await;
    let p = persona(&server, settings());
    let refused = [
        (
            Submission::Comment {
                mentions: vec![],
                case: CASE.into(),
                body: "hello".into(),
            },
            "add comments",
        ),
        (
            Submission::Resolve {
                tokens: vec!["rep_7WNzPaNcroBKLarNHBjYDLAp".into()],
                action: docket::domain::ResolutionAction::Approve,
                rationale: "different person".into(),
                false_positive: true,
                conditions: None,
            },
            "resolve alerts",
        ),
        (
            Submission::EscalateCase {
                escalate_to: None,
                case: CASE.into(),
                reason: "needs MLRO".into(),
            },
            "escalate cases",
        ),
        (
            Submission::Status {
                case: CASE.into(),
                to: CaseStatus::InReview,
            },
            "template's statuses",
        ),
    ];
    for (s, why) in refused {
        let err = p.submit(&s, "idem-14").await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Invalid(m) if m.starts_with("Persona's API cannot") && m.contains(why)),
            "{err:?}"
        );
    }
    nothing_sent(&server).await;
}

#[tokio::test]
async fn an_unauthorised_key_is_reported_without_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cases"))
        .respond_with(refuse(401, "error_401"))
        .expect(1)
        .mount(&server)
        .await;
    let err = persona(&server, settings()).queue().await.unwrap_err();
    let (message, retry_after) = api_error(&err, 401, "UNAUTHORIZED");
    assert_eq!(message, "Must be authenticated to access this endpoint");
    assert_eq!(retry_after, None);
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_missing_case_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cases/case_doesNotExist"))
        .respond_with(refuse(404, "error_404"))
        .mount(&server)
        .await;
    let err = persona(&server, settings())
        .case("case_doesNotExist")
        .await
        .unwrap_err();
    let (message, _) = api_error(&err, 404, "NOT_FOUND");
    assert_eq!(message, "Record not found");
}

#[tokio::test]
async fn rate_limits_say_when_to_come_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cases"))
        .respond_with(
            refuse(429, "error_429")
                .insert_header("RateLimit-Limit", "300")
                .insert_header("RateLimit-Remaining", "0")
                .insert_header("RateLimit-Reset", "42"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/cases/{CASE}")))
        .respond_with(
            refuse(429, "error_429")
                .insert_header("Retry-After", "7")
                .insert_header("RateLimit-Reset", "42"),
        )
        .mount(&server)
        .await;
    let p = persona(&server, settings());

    let err = p.queue().await.unwrap_err();
    let (message, retry_after) = api_error(&err, 429, "RATE_LIMITED");
    assert!(
        message.starts_with("Rate limit exceeded: You have hit"),
        "{message}"
    );
    assert_eq!(retry_after, Some(42));
    assert!(err.is_transient());

    let err = p.case(CASE).await.unwrap_err();
    assert_eq!(api_error(&err, 429, "RATE_LIMITED").1, Some(7));
}

#[tokio::test]
async fn a_validation_error_names_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/cases/{CASE}/set-status")))
        .respond_with(refuse(422, "error_422"))
        .expect(1)
        .mount(&server)
        .await;
    let p = persona(
        &server,
        PersonaSettings {
            statuses: vec!["Open".into(), "Escalated".into()],
            ..settings()
        },
    );
    let err = p
        .submit(
            &Submission::SetStatus {
                case: CASE.into(),
                status: "Escalated".into(),
            },
            "idem-15",
        )
        .await
        .unwrap_err();
    let (message, _) = api_error(&err, 422, "VALIDATION_ERROR");
    assert_eq!(
        message,
        "Record invalid: Status Escalated is not a status of this case template (at /meta/status)"
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_stale_object_is_a_conflict() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/cases/{CASE}/assign")))
        .respond_with(refuse(409, "error_409"))
        .mount(&server)
        .await;
    let err = persona(&server, settings())
        .submit(
            &Submission::Assign {
                case: CASE.into(),
                user: Some("li.wei@acme.com".into()),
            },
            "idem-16",
        )
        .await
        .unwrap_err();
    let (message, _) = api_error(&err, 409, "CONFLICT");
    assert!(
        message.starts_with("Stale object error: Attempted to update"),
        "{message}"
    );
    // The outbox treats a 4xx as final; the analyst resends.
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_proxy_page_is_described_and_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cases"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("Content-Type", "text/html")
                .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        )
        .mount(&server)
        .await;
    let err = persona(&server, settings()).queue().await.unwrap_err();
    let ProviderError::Api {
        status,
        code,
        message,
        request_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*status, code.as_str()), (502, "HTTP_502"));
    assert!(
        message.starts_with("non-JSON error body: <html>"),
        "{message}"
    );
    assert_eq!(*request_id, None);
    assert!(err.is_transient());
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cases"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Request-Id", REQUEST_ID)
                .set_body_string("{\"data\": [{\"type\": \"case\""),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/cases/{CASE}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": [] })))
        .mount(&server)
        .await;
    let p = persona(&server, settings());
    let err = p.queue().await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { endpoint, request_id, .. }
            if endpoint == "GET /cases" && request_id.as_deref() == Some(REQUEST_ID)),
        "{err:?}"
    );
    let err = p.case(CASE).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { endpoint, .. } if endpoint == &format!("GET /cases/{CASE}")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_retry_sees_what_already_landed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/cases/{CASE}")))
        .respond_with(ok("set_status"))
        .mount(&server)
        .await;
    let p = persona(
        &server,
        PersonaSettings {
            rationale_field: Some("review-rationale".into()),
            ..settings()
        },
    );
    let close = |decision, summary: &str| Submission::Close {
        case: CASE.into(),
        decision,
        summary: summary.into(),
    };
    assert_eq!(
        p.already_applied(&close(Decision::Approve, RATIONALE))
            .await
            .as_deref(),
        Some("KCAS-1 closed: Approve")
    );
    // The status landed but not this rationale: not applied.
    assert_eq!(
        p.already_applied(&close(Decision::Approve, "other")).await,
        None
    );
    assert_eq!(
        p.already_applied(&close(Decision::Decline, RATIONALE))
            .await,
        None
    );
    let assign = |who: &str| Submission::Assign {
        case: CASE.into(),
        user: Some(who.into()),
    };
    assert!(
        p.already_applied(&assign("Ana.Ortiz@acme.com"))
            .await
            .is_some()
    );
    assert_eq!(p.already_applied(&assign("li.wei@acme.com")).await, None);
    let set = |s: &str| Submission::SetStatus {
        case: CASE.into(),
        status: s.into(),
    };
    assert!(p.already_applied(&set("Approved")).await.is_some());
    assert_eq!(p.already_applied(&set("Open")).await, None);
}

#[tokio::test]
async fn me_is_the_profile_email() {
    let server = MockServer::start().await;
    let p = persona(&server, settings());
    let me = p.me().await.unwrap().expect("the profile names a user");
    assert_eq!(
        (me.id.as_str(), me.name.as_str()),
        ("ana.ortiz@acme.com", "ana.ortiz@acme.com")
    );
    assert!(me.can_write);
    assert_eq!(p.users().await.unwrap(), None);
    nothing_sent(&server).await;
}

#[tokio::test]
async fn connect_opens_persona_end_to_end() {
    let server = MockServer::start().await;
    authed(Mock::given(method("GET")).and(path("/api/v1/cases")))
        .and(query_param("page[size]", "100"))
        .and(query_param_is_missing("filter[case-template-id]"))
        .respond_with(ok("cases_page_2"))
        .expect(1)
        .mount(&server)
        .await;
    let mut persona = settings();
    persona.end_statuses.push("Escalated".into());
    let client = docket::provider::connect(Connect {
        vendor: Vendor::Persona,
        persona,
        ..Connect::new(Vendor::Persona, &base(&server), ApiKey::new(KEY))
    })
    .unwrap();

    let caps = client.capabilities();
    assert_eq!(caps.vendor, Vendor::Persona);
    assert!(caps.close && caps.assign && caps.change_status && caps.checks);
    assert!(!caps.alerts && !caps.add_comment && !caps.timeline && !caps.reviewers);
    assert!(
        client.describe().starts_with("127.0.0.1:"),
        "{}",
        client.describe()
    );
    assert!(!format!("{client:?}").contains(KEY));
    assert_eq!(client.me().await.unwrap(), None);

    let cases = client.queue().await.unwrap().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].status, Wire::Known(CaseStatus::Closed));

    let err = docket::provider::connect(Connect::new(
        Vendor::Persona,
        "http://api.withpersona.example/api/v1",
        ApiKey::new(KEY),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
}

#[test]
fn statuses_map_through_the_profile() {
    use docket::provider::persona::wire::status;
    let s = PersonaSettings::default();
    assert_eq!(status("Open", None, &s), (Wire::Other("Open".into()), None));
    assert_eq!(
        status("Approved", None, &s),
        (
            Wire::Known(CaseStatus::Closed),
            Some(Wire::Known(Decision::Approve))
        )
    );
    // Persona's examples spell statuses both ways.
    assert_eq!(
        status("declined", None, &s).1,
        Some(Wire::Known(Decision::Decline))
    );
    // The older model: `resolved`, with the decision in `resolution`.
    let older = PersonaSettings {
        end_statuses: vec!["resolved".into(), "Escalated".into()],
        ..PersonaSettings::default()
    };
    assert_eq!(
        status("resolved", Some("Approved"), &older).1,
        Some(Wire::Known(Decision::Approve))
    );
    assert_eq!(
        status("Escalated", None, &older),
        (
            Wire::Known(CaseStatus::Closed),
            Some(Wire::Other("Escalated".into()))
        )
    );
    assert_eq!(status("", None, &s).0, Wire::Other(String::new()));
}

#[test]
fn wire_pieces_decode_tolerantly() {
    use docket::provider::persona::wire::{case, cursor, error_message, person_name};
    assert_eq!(
        cursor("/api/v1/cases?page%5Bafter%5D=case_19pQ&page%5Bsize%5D=100").as_deref(),
        Some("case_19pQ")
    );
    assert_eq!(
        cursor("https://api.withpersona.com/api/v1/cases?page[after]=case_2").as_deref(),
        Some("case_2")
    );
    assert_eq!(cursor("/api/v1/cases?page%5Bbefore%5D=case_1"), None);
    assert_eq!(cursor("/api/v1/cases"), None);

    let body = json!({ "errors": [
        { "title": "Record invalid", "details": "Status is unknown", "source": { "pointer": "/meta/status" } },
        { "title": "Record not found" },
    ]});
    assert_eq!(
        error_message(body.to_string().as_bytes()).as_deref(),
        Some("Record invalid: Status is unknown (at /meta/status); Record not found")
    );
    assert_eq!(error_message(b"<html>"), None);
    assert_eq!(error_message(b"{\"errors\": []}"), None);

    assert_eq!(
        person_name(&json!({ "name-first": "Jane", "name-middle": null, "name-last": "Doe" }))
            .as_deref(),
        Some("Jane Doe")
    );
    let account = json!({ "fields": { "name": { "type": "hash", "value": {
        "first": { "type": "string", "value": "Ama" },
        "middle": { "type": "string", "value": null },
        "last": { "type": "string", "value": "Mensah" } } } } });
    assert_eq!(person_name(&account).as_deref(), Some("Ama Mensah"));
    assert_eq!(person_name(&json!({ "name-first": "  " })), None);

    let s = PersonaSettings::default();
    assert!(case(&json!({ "type": "case", "attributes": {} }), &[], &s).is_err());
    assert!(case(&json!({ "type": "inquiry", "id": "inq_1" }), &[], &s).is_err());
    assert!(case(&json!([]), &[], &s).is_err());
    let c = case(
        &json!({ "type": "case", "id": "case_1", "attributes": { "status": 7, "sla-expires-at": "soon" } }),
        &[],
        &s,
    )
    .unwrap();
    assert_eq!(c.name, "case_1");
    assert_eq!(c.status, Wire::Other(String::new()));
    assert_eq!(c.sla_deadline, None);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let p = persona(&server, settings());
    let err = p
        .submit(
            &Submission::SetStatus {
                case: "../admin".into(),
                status: "Open".into(),
            },
            "idem-17",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Invalid(_)), "{err:?}");
    let err = p
        .submit(
            &Submission::SetStatus {
                case: CASE.into(),
                status: "Open".into(),
            },
            "has space",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Invalid(m) if !m.contains("has space")),
        "{err:?}"
    );
    assert!(p.case("case/../../x").await.is_err());
    nothing_sent(&server).await;

    let mut c = Connect::new(Vendor::Persona, &base(&server), ApiKey::new("line\nbreak"));
    let err = PersonaProvider::new(c.clone()).unwrap_err().to_string();
    assert!(!err.contains("break"), "{err}");
    c.key = ApiKey::new(KEY);
    c.persona.api_version = String::new();
    assert!(PersonaProvider::new(c.clone()).is_err());
    c.persona = PersonaSettings {
        rationale_field: Some("  ".into()),
        ..settings()
    };
    assert!(
        !PersonaProvider::new(c)
            .unwrap()
            .capabilities()
            .rationale_on_decision
    );
}

/// Persona sends no breach flag, only `sla-expires-at`: a case past it is Breached (and so in
/// the Breached view and `docket cases list --breached`), one due within a day is Critical, and
/// a resolved case has no SLA left to breach.
#[tokio::test]
async fn a_case_past_its_sla_deadline_is_breached() {
    use docket::app::queue::{Quick, passes};
    use docket::domain::SlaStatus;
    use jiff::{SignedDuration, ToSpan};

    let server = MockServer::start().await;
    let now = Timestamp::now();
    let ago = |d: SignedDuration| (now - d).to_string();
    let case = |id: &str, status: &str, sla: Option<String>, resolved: Option<String>| {
        json!({
            "type": "case",
            "id": id,
            "attributes": {
                "status": status,
                "name": id.to_uppercase(),
                "created-at": ago(SignedDuration::from_hours(24 * 40)),
                "sla-expires-at": sla,
                "resolved-at": resolved,
            },
        })
    };
    let page = json!({
        "data": [
            case("case_late", "Open", Some(ago(SignedDuration::from_hours(24 * 30))), None),
            case("case_soon", "Pending", Some((now + 2.hours()).to_string()), None),
            case("case_fine", "Open", Some((now + 240.hours()).to_string()), None),
            case("case_done", "Approved", Some(ago(SignedDuration::from_hours(24 * 30))),
                Some(ago(SignedDuration::from_hours(24 * 31)))),
            case("case_none", "Open", None, None),
        ],
        "links": { "next": null },
    });
    authed(Mock::given(method("GET")).and(path("/api/v1/cases")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Request-Id", REQUEST_ID)
                .set_body_json(page),
        )
        .expect(1)
        .mount(&server)
        .await;

    let cases = persona(&server, settings()).queue().await.unwrap().unwrap();
    let sla = |id: &str| {
        cases
            .iter()
            .find(|c| c.token == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .sla_status
            .as_ref()
            .and_then(|s| s.known())
    };
    assert_eq!(sla("case_late"), Some(SlaStatus::Breached));
    assert_eq!(sla("case_soon"), Some(SlaStatus::Critical));
    assert_eq!(sla("case_fine"), Some(SlaStatus::OnTrack));
    assert_eq!(sla("case_done"), None, "resolved: its clock stopped");
    assert_eq!(sla("case_none"), None, "no SLA set");

    // The breached filter the console's view and `cases list --breached` share.
    let breached = Quick {
        breached: true,
        closed: true,
        ..Quick::default()
    };
    let hits: Vec<&str> = cases
        .iter()
        .filter(|c| passes(&c.row(), &breached, None))
        .map(|c| c.token.as_str())
        .collect();
    assert_eq!(hits, ["case_late"]);
}
