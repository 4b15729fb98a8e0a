//! The Zenoo provider's calls for acting on a case, against a wiremock server holding it to the
//! documented requests: waive a check, recalculate a risk assessment, escalate to a named user,
//! mention users in a comment, a message with an approver request, unassign. Each carries the
//! key and the idempotency key; a refusal comes back with the API's code, message and request id.

use docket::domain::WaiveReason;
use docket::domain::review::Submission;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "zk_test_key";

fn provider(server: &MockServer) -> std::sync::Arc<dyn Provider> {
    docket::provider::connect(Connect::new(Vendor::Zenoo, &server.uri(), ApiKey::new(KEY))).unwrap()
}

fn wrap(data: Value) -> Value {
    json!({ "data": data, "meta": { "request_id": "req_ok1" } })
}

/// Expects exactly one `verb route` with this body, the key and the idempotency key.
async fn expect(
    server: &MockServer,
    verb: &str,
    route: &str,
    body: Value,
    idem: &str,
    answer: Value,
) {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("x-api-key", KEY))
        .and(header("Idempotency-Key", idem))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(wrap(answer)))
        .expect(1)
        .mount(server)
        .await;
}

fn case(status: &str, assigned: Value) -> Value {
    json!({ "token": "cas_9k4m2n1p", "name": "CAS-000142", "status": status,
            "type": "Onboarding", "entity_category": "Company", "assigned_to": assigned })
}

#[tokio::test]
async fn each_action_sends_the_documented_request() {
    let server = MockServer::start().await;
    let p = provider(&server);

    expect(
        &server,
        "POST",
        "/v1/checks/chk_5n8p3q1r/waive",
        json!({ "reason": "Already verified externally", "notes": "Bank KYC on file." }),
        "idem-waive",
        json!({ "token": "chk_5n8p3q1r", "type_code": "IDV_DOCUMENT", "status": "Waived",
                "waive_reason": "Already verified externally" }),
    )
    .await;
    let said = p
        .submit(
            &Submission::WaiveCheck {
                case: "cas_9k4m2n1p".into(),
                check: "chk_5n8p3q1r".into(),
                reason: WaiveReason::AlreadyVerifiedExternally,
                notes: Some("Bank KYC on file.".into()),
            },
            "idem-waive",
        )
        .await
        .unwrap();
    assert_eq!(said, "IDV_DOCUMENT waived (Already verified externally)");

    // No body fields: the active model, nothing overridden.
    expect(
        &server,
        "POST",
        "/v1/cases/cas_9k4m2n1p/risk-assessments",
        json!({}),
        "idem-recalc",
        json!({ "token": "rsk_2m6n4p8q", "status": "Active", "overall_score": 61.0, "tier": "High" }),
    )
    .await;
    let said = p
        .submit(
            &Submission::RecalculateRisk {
                case: "cas_9k4m2n1p".into(),
            },
            "idem-recalc",
        )
        .await
        .unwrap();
    assert!(said.starts_with("Risk recalculated: High"), "{said}");

    expect(
        &server,
        "POST",
        "/v1/cases/cas_9k4m2n1p/escalate",
        json!({ "reason": "Needs the MLRO", "escalate_to": "usr_sofia" }),
        "idem-esc",
        case("Escalated", Value::Null),
    )
    .await;
    p.submit(
        &Submission::EscalateCase {
            case: "cas_9k4m2n1p".into(),
            reason: "Needs the MLRO".into(),
            escalate_to: Some("usr_sofia".into()),
        },
        "idem-esc",
    )
    .await
    .unwrap();

    expect(
        &server,
        "POST",
        "/v1/alerts/alt_3j7k9m2n/escalate",
        json!({ "reason": "Sanctions nexus" }),
        "idem-alert",
        json!({ "token": "alt_3j7k9m2n", "status": "Escalated" }),
    )
    .await;
    p.submit(
        &Submission::EscalateAlert {
            token: "alt_3j7k9m2n".into(),
            reason: "Sanctions nexus".into(),
            escalate_to: None,
        },
        "idem-alert",
    )
    .await
    .unwrap();

    expect(
        &server,
        "POST",
        "/v1/cases/cas_9k4m2n1p/comments",
        json!({ "body": "@usr_mei please check the UBO chain", "type": "Comment",
                "mentions": ["usr_mei"] }),
        "idem-comment",
        json!({ "token": "cmt_7r3s1t5u", "type": "Comment",
                "body": "@usr_mei please check the UBO chain", "mentions": ["usr_mei"],
                "author": { "user_id": "usr_amara", "name": "Amara Okafor" } }),
    )
    .await;
    let said = p
        .submit(
            &Submission::Comment {
                case: "cas_9k4m2n1p".into(),
                body: "@usr_mei please check the UBO chain".into(),
                mentions: vec!["usr_mei".into()],
            },
            "idem-comment",
        )
        .await
        .unwrap();
    assert_eq!(said, "Comment added (1 mentioned)");

    expect(
        &server,
        "POST",
        "/v1/cases/cas_9k4m2n1p/reviewers",
        json!({ "user_id": "usr_sofia", "role": "Approver", "message": "Four eyes, please." }),
        "idem-rev",
        json!({ "token": "rev_1", "user_id": "usr_sofia", "name": "Sofía Hernández",
                "role": "Approver", "status": "Invited" }),
    )
    .await;
    let said = p
        .submit(
            &Submission::AddReviewer {
                case: "cas_9k4m2n1p".into(),
                user: "usr_sofia".into(),
                message: Some("Four eyes, please.".into()),
            },
            "idem-rev",
        )
        .await
        .unwrap();
    assert_eq!(said, "Approval requested from Sofía Hernández");

    // Unassigning sends an explicit null.
    expect(
        &server,
        "PATCH",
        "/v1/cases/cas_9k4m2n1p",
        json!({ "assigned_to": null }),
        "idem-unassign",
        case("In Progress", Value::Null),
    )
    .await;
    let said = p
        .submit(
            &Submission::Assign {
                case: "cas_9k4m2n1p".into(),
                user: None,
            },
            "idem-unassign",
        )
        .await
        .unwrap();
    assert_eq!(said, "CAS-000142 assigned to nobody");
    // `expect(1)` on each mock is verified when the server drops.
}

#[tokio::test]
async fn a_refused_waiver_keeps_the_apis_code_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checks/chk_5n8p3q1r/waive"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "error": "INVALID_CHECK_STATE",
            "message": "Check chk_5n8p3q1r is Complete; only Pending or Awaiting Document checks can be waived.",
            "request_id": "req_9k4m2n1p3q",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = provider(&server)
        .submit(
            &Submission::WaiveCheck {
                case: "cas_9k4m2n1p".into(),
                check: "chk_5n8p3q1r".into(),
                reason: WaiveReason::NotApplicable,
                notes: None,
            },
            "idem-1",
        )
        .await
        .unwrap_err();
    match err {
        ProviderError::Api {
            status,
            code,
            message,
            request_id,
            ..
        } => {
            assert_eq!((status, code.as_str()), (422, "INVALID_CHECK_STATE"));
            assert!(message.contains("only Pending or Awaiting Document"));
            assert_eq!(request_id.as_deref(), Some("req_9k4m2n1p3q"));
        }
        other => panic!("{other:?}"),
    }
}
