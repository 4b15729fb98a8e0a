//! The sandbox's endpoints for acting on a case, over real HTTP: waiving a check, recalculating
//! a risk assessment, escalating to a named user, mentions, a message with an approver request,
//! and unassigning. Each validates its body, writes its audit entry, replays under its
//! idempotency key and is refused to a key that cannot write.

mod common;

use common::{Env, s, start};
use docket::domain::UserRole;
use reqwest::Method;
use serde_json::{Value, json};

/// An open case with a Pending check, and that check.
async fn open_case_with_pending_check(env: &Env) -> (String, String) {
    let cases = env.walk("/v1/cases", 100).await;
    for c in cases.iter().filter(|c| c["status"] != "Closed") {
        let t = s(&c["token"]);
        let checks = env
            .walk(&format!("/v1/cases/{t}/checks?status=Pending"), 5)
            .await;
        if let Some(k) = checks.first() {
            return (t.to_string(), s(&k["token"]).to_string());
        }
    }
    panic!("the seed has no open case with a Pending check");
}

async fn events(env: &Env, target: &str) -> Vec<Value> {
    env.walk(&format!("/v1/audit-logs?target_token={target}"), 50)
        .await
}

#[tokio::test]
async fn a_check_is_waived_once_with_a_documented_reason() {
    let env = start(40).await;
    let (_, check) = open_case_with_pending_check(&env).await;
    let path = format!("/v1/checks/{check}/waive");
    let key = env.analyst();

    // The reason is one of the API's; Other needs notes; notes are at most 2000 characters.
    for (body, field) in [
        (json!({}), "reason"),
        (json!({ "reason": "Because" }), "reason"),
        (json!({ "reason": "Other" }), "notes"),
        (
            json!({ "reason": "Low materiality", "notes": "x".repeat(2001) }),
            "notes",
        ),
    ] {
        let r = env
            .call(Method::POST, &path, Some(&key), Some(body.clone()), None)
            .await
            .expect(400, "VALIDATION_ERROR");
        assert!(
            r.body.to_string().contains(field),
            "{body}: {} does not name {field}",
            r.body
        );
    }
    assert_eq!(
        env.get(&format!("/v1/checks/{check}")).await.ok().data()["status"],
        "Pending",
        "a refused waiver changes nothing"
    );

    // The auditor may not.
    env.call(
        Method::POST,
        &path,
        Some(&env.key(UserRole::Auditor)),
        Some(json!({ "reason": "Not applicable" })),
        None,
    )
    .await
    .expect(403, "FORBIDDEN");

    let body = json!({ "reason": "Already verified externally", "notes": "Bank KYC on file." });
    let first = env
        .call(
            Method::POST,
            &path,
            Some(&key),
            Some(body.clone()),
            Some("w-1"),
        )
        .await
        .ok();
    assert_eq!(first.data()["status"], "Waived");
    assert_eq!(first.data()["waive_reason"], "Already verified externally");
    let again = env
        .call(
            Method::POST,
            &path,
            Some(&key),
            Some(body.clone()),
            Some("w-1"),
        )
        .await
        .ok();
    assert_eq!(first.body, again.body, "the replay is the original answer");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    // A second waiver without the key is a business error: it is Waived already.
    let r = env
        .call(Method::POST, &path, Some(&key), Some(body), None)
        .await
        .expect(422, "INVALID_CHECK_STATE");
    assert_eq!(r.body["current_status"], "Waived");

    let waived: Vec<Value> = events(&env, &check)
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "CHECK_WAIVED")
        .collect();
    assert_eq!(waived.len(), 1, "one audit entry: {waived:?}");
    assert_eq!(waived[0]["actor"]["user_id"], "usr_amara");
}

#[tokio::test]
async fn a_recalculation_supersedes_the_assessment_and_its_approval() {
    let env = start(40).await;
    let (case, _) = open_case_with_pending_check(&env).await;
    let before = env
        .get(&format!("/v1/cases/{case}/risk-assessment"))
        .await
        .ok();
    let old = s(&before.data()["token"]).to_string();
    let path = format!("/v1/cases/{case}/risk-assessments");
    let key = env.analyst();

    // The sandbox has one model; override data is not taken (the tier is overridden instead).
    env.call(
        Method::POST,
        &path,
        Some(&key),
        Some(json!({ "model_token": "premium" })),
        None,
    )
    .await
    .expect(400, "VALIDATION_ERROR");
    env.call(
        Method::POST,
        &path,
        Some(&env.key(UserRole::Auditor)),
        Some(json!({})),
        None,
    )
    .await
    .expect(403, "FORBIDDEN");

    let first = env
        .call(
            Method::POST,
            &path,
            Some(&key),
            Some(json!({})),
            Some("r-1"),
        )
        .await
        .ok();
    assert_eq!(first.status, 201);
    let new = s(&first.data()["token"]).to_string();
    assert_ne!(new, old);
    assert_eq!(
        first.data()["status"],
        "Active",
        "a new assessment needs approving"
    );
    let again = env
        .call(
            Method::POST,
            &path,
            Some(&key),
            Some(json!({})),
            Some("r-1"),
        )
        .await
        .ok();
    assert_eq!(first.body, again.body);
    let current = env
        .get(&format!("/v1/cases/{case}/risk-assessment"))
        .await
        .ok();
    assert_eq!(
        current.data()["token"],
        new.as_str(),
        "the replay made nothing new"
    );
    let created: Vec<Value> = events(&env, &new)
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "RISK_ASSESSMENT_CREATED")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["details"]["before"]["token"], old.as_str());
}

#[tokio::test]
async fn escalations_mentions_messages_and_unassigning_take_what_the_api_takes() {
    let env = start(40).await;
    let (case, _) = open_case_with_pending_check(&env).await;
    let key = env.analyst();

    // Escalate to someone the API does not know: refused, nothing changes.
    env.call(
        Method::POST,
        &format!("/v1/cases/{case}/escalate"),
        Some(&key),
        Some(json!({ "reason": "Complex structure", "escalate_to": "usr_nobody" })),
        None,
    )
    .await
    .expect(400, "VALIDATION_ERROR");
    // A mention of nobody: refused.
    env.call(
        Method::POST,
        &format!("/v1/cases/{case}/comments"),
        Some(&key),
        Some(json!({ "body": "@usr_nobody look", "mentions": ["usr_nobody"] })),
        None,
    )
    .await
    .expect(400, "VALIDATION_ERROR");
    let c = env
        .post(
            &format!("/v1/cases/{case}/comments"),
            json!({ "body": "@usr_mei please look", "mentions": ["usr_mei"] }),
        )
        .await
        .ok();
    assert_eq!(c.data()["mentions"], json!(["usr_mei"]));

    // An approver request carries its message.
    let r = env
        .post(
            &format!("/v1/cases/{case}/reviewers"),
            json!({ "user_id": "usr_sofia", "message": "High risk: four eyes, please." }),
        )
        .await
        .ok();
    assert_eq!(r.data()["message"], "High risk: four eyes, please.");

    let e = env
        .post(
            &format!("/v1/cases/{case}/escalate"),
            json!({ "reason": "Needs the MLRO", "escalate_to": "usr_sofia" }),
        )
        .await
        .ok();
    assert_eq!(e.data()["status"], "Escalated");
    let esc: Vec<Value> = events(&env, &case)
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "CASE_ESCALATION")
        .collect();
    assert_eq!(esc[0]["details"]["after"]["escalated_to"], "usr_sofia");

    // Assigned, then unassigned: both in the audit trail.
    env.patch(
        &format!("/v1/cases/{case}"),
        json!({ "assigned_to": "usr_amara" }),
    )
    .await
    .ok();
    let u = env
        .patch(&format!("/v1/cases/{case}"), json!({ "assigned_to": null }))
        .await
        .ok();
    assert!(u.data()["assigned_to"].is_null(), "{}", u.body);
    let assignments: Vec<Value> = events(&env, &case)
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "CASE_ASSIGNMENT")
        .collect();
    assert!(
        assignments
            .iter()
            .any(|e| e["details"]["after"]["assigned_to"].is_null()),
        "{assignments:?}"
    );
}
