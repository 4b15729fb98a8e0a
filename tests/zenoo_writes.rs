//! The Zenoo client's case-detail reads and review actions, against a real sandbox over HTTP
//! (and a fake server for paging edge cases).

mod common;

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use docket::domain::{
    AlertStatus, AssessmentStatus, CaseStatus, CommentType, Decision, EntityRole, ResolutionAction,
    ReviewerStatus, RiskTier, UserRole, Wire,
};
use docket::provider::zenoo::ZenooClient;
use docket::provider::zenoo::writes::BulkOutcome;
use docket::provider::{ApiKey, ProviderError};
use serde_json::{Value, json};

use common::s;

fn client(env: &common::Env, key: &str) -> ZenooClient {
    ZenooClient::new(&env.sandbox.url(), ApiKey::new(key)).unwrap()
}

/// Asserts an API refusal with this status and code, a message and a request id.
#[track_caller]
fn refused(err: &ProviderError, status: u16, code: &str) {
    let ProviderError::Api {
        status: got,
        code: got_code,
        message,
        request_id,
        ..
    } = err
    else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!((*got, got_code.as_str()), (status, code), "{err}");
    assert!(!message.is_empty(), "{err:?}");
    assert!(
        request_id.as_deref().is_some_and(|r| r.starts_with("req_")),
        "{err:?}"
    );
}

/// Every ALERT_RESOLVED entry written by the first analyst.
async fn resolutions_by_amara(env: &common::Env) -> Vec<Value> {
    env.walk(
        "/v1/audit-logs?event_type=ALERT_RESOLVED&actor=usr_amara",
        100,
    )
    .await
}

/// Open alerts on cases that are not Closed, highest priority first.
async fn open_alerts(env: &common::Env) -> Vec<Value> {
    let closed: HashSet<String> = env
        .walk("/v1/cases?status=Closed", 100)
        .await
        .iter()
        .map(|c| s(&c["token"]).to_string())
        .collect();
    env.walk("/v1/alerts?status=Open", 100)
        .await
        .into_iter()
        .filter(|a| !closed.contains(s(&a["case_token"])))
        .collect()
}

#[tokio::test]
async fn reads_every_part_of_a_seeded_case() {
    let env = common::start(40).await;
    let c = client(&env, &env.analyst());
    let cases = env
        .walk(
            "/v1/cases?entity_category=Company&sort=-open_alerts_count",
            100,
        )
        .await;
    let raw = &cases[0];
    let t = s(&raw["token"]);

    let entities = c.case_entities(t).await.unwrap();
    let listed = env.walk(&format!("/v1/entities?case_token={t}"), 7).await;
    assert_eq!(entities.len(), listed.len());
    assert!(entities.len() > 1, "a company case has a tree");
    let primaries: Vec<_> = entities
        .iter()
        .filter(|e| e.role == Some(Wire::Known(EntityRole::Primary)))
        .collect();
    assert_eq!(primaries.len(), 1, "{entities:#?}");
    assert_eq!(primaries[0].name, s(&raw["entity_name"]));
    assert!(entities.iter().all(|e| e.checks_total.is_some()
        && e.verification_status.is_some()
        && (e.role == Some(Wire::Known(EntityRole::Primary)) || e.parent_token.is_some())));

    let a = c
        .risk_assessment(t)
        .await
        .unwrap()
        .expect("a seeded assessment");
    let keys: Vec<&str> = a.dimensions.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(
        keys,
        ["customer", "geographic", "product_service", "transaction"]
    );
    assert!(
        a.dimensions
            .iter()
            .all(|d| !d.factors.is_empty() && d.weight.is_some() && d.tier.is_some())
    );
    assert_eq!(
        a.effective_tier.as_ref().map(|t| t.as_str()),
        raw["risk_tier"].as_str()
    );
    assert_eq!(a.overall_score, raw["risk_score"].as_f64());
    assert!(matches!(a.status, Wire::Known(_)));

    let checks = c.case_checks(t).await.unwrap();
    assert!(!checks.is_empty());
    assert!(
        checks
            .iter()
            .all(|k| matches!(k.status, Wire::Known(_)) && k.entity_name.is_some())
    );

    let timeline = c.case_timeline(t).await.unwrap();
    assert!(!timeline.is_empty());
    assert_eq!(timeline[0].event_type, "CASE_CREATED");
    assert!(
        timeline
            .iter()
            .all(|e| e.at.is_some() && e.actor.as_ref().is_some_and(|a| a.name.is_some()))
    );

    // Comments: compare with the raw lists over several cases.
    let mut some_comments = false;
    for raw in cases.iter().take(12) {
        let t = s(&raw["token"]);
        let comments = c.case_comments(t).await.unwrap();
        let listed = env.walk(&format!("/v1/cases/{t}/comments"), 100).await;
        assert_eq!(comments.len(), listed.len());
        for (got, want) in comments.iter().zip(&listed) {
            assert_eq!(got.token, s(&want["token"]));
            assert_eq!(got.body, s(&want["body"]));
            let author = got.author.as_ref().expect("author");
            assert_eq!(author.id, s(&want["author"]["user_id"]));
            assert!(author.name.is_some());
        }
        some_comments |= !comments.is_empty();
    }
    assert!(some_comments);

    // Reviewers: seeded on High-risk cases; every case can list them.
    let mut some_reviewers = false;
    for raw in env
        .walk("/v1/cases?risk_tier=High", 100)
        .await
        .iter()
        .take(12)
    {
        let t = s(&raw["token"]);
        let reviewers = c
            .case_reviewers(t)
            .await
            .unwrap()
            .expect("the sandbox lists reviewers");
        assert!(
            reviewers
                .iter()
                .all(|r| r.role.as_deref() == Some("Approver")
                    && !r.user.id.is_empty()
                    && matches!(r.status, Wire::Known(_)))
        );
        some_reviewers |= !reviewers.is_empty();
    }
    assert!(some_reviewers);

    // An unknown case: no assessment, and a not-found for lists; a bad token is never sent.
    assert_eq!(c.risk_assessment("cas_nope").await.unwrap(), None);
    refused(
        &c.case_entities("cas_nope").await.unwrap_err(),
        404,
        "NOT_FOUND",
    );
    assert!(matches!(
        c.case_timeline("../v1/users").await,
        Err(ProviderError::Invalid(_))
    ));
}

/// A fake API whose timeline pages forever by repeating a cursor, with no reviewers route.
async fn fake() -> String {
    let app = Router::new()
        .route(
            "/v1/cases/{t}/timeline",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                if q.get("limit").map(String::as_str) != Some("100") {
                    return (StatusCode::BAD_REQUEST, "limit".to_string());
                }
                let (n, next) = match q.get("cursor").map(String::as_str) {
                    None => (1, "c1"),
                    Some("c1") => (2, "c2"),
                    _ => (3, "c1"),
                };
                let body = json!({
                    "data": [{ "id": format!("aud_{n}"), "event_type": "X", "actor": { "id": "u", "name": "U" }, "timestamp": "2026-01-01" }],
                    "meta": { "request_id": "req_f", "page": { "cursor": next, "has_more": true } },
                });
                (StatusCode::OK, body.to_string())
            }),
        )
        .route(
            "/v1/cases/{t}/reviewers",
            axum::routing::post(|| async { "{}" }),
        )
        .route(
            "/v1/cases/{t}/comments",
            get(|| async { r#"{"data": {"not": "a list"}, "meta": {"request_id": "req_c"}}"# }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn paging_stops_on_a_repeated_cursor_and_missing_routes_are_none() {
    let c = ZenooClient::new(&fake().await, ApiKey::new("k")).unwrap();
    let timeline = c.case_timeline("cas_1").await.unwrap();
    let tokens: Vec<&str> = timeline.iter().map(|e| e.token.as_str()).collect();
    assert_eq!(tokens, ["aud_1", "aud_2", "aud_3"]);
    assert_eq!(timeline[0].actor.as_ref().unwrap().id, "u");
    assert!(timeline[0].at.is_some());

    assert_eq!(c.case_reviewers("cas_1").await, Ok(None)); // 405: GET is not a route there
    let err = c.case_comments("cas_1").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Decode { endpoint, request_id: Some(r), .. }
            if endpoint == "GET /v1/cases/cas_1/comments" && r == "req_c"),
        "{err:?}"
    );
    // No such route at all: 404.
    assert!(c.case_checks("cas_1").await.is_err());
}

#[tokio::test]
async fn resolving_an_alert_is_idempotent() {
    let env = common::start(40).await;
    let c = client(&env, &env.analyst());
    let open = open_alerts(&env).await;
    assert!(open.len() >= 4, "need open alerts, got {}", open.len());
    let t = s(&open[0]["token"]);
    let case_token = s(&open[0]["case_token"]);
    let why = "Different date of birth and nationality; not the listed person.";

    let first = c
        .resolve_alert(t, ResolutionAction::Approve, why, false, None, "resolve-1")
        .await
        .unwrap();
    assert_eq!(first.status, Wire::Known(AlertStatus::Resolved));
    assert_eq!(
        first.resolution_action,
        Some(Wire::Known(ResolutionAction::Approve))
    );
    assert_eq!(first.resolution_rationale.as_deref(), Some(why));
    assert_eq!(first.resolved_by.as_ref().unwrap().id, "usr_amara");

    // The same call with the same key replays the first answer and changes nothing.
    let again = c
        .resolve_alert(t, ResolutionAction::Approve, why, false, None, "resolve-1")
        .await
        .unwrap();
    assert_eq!(again, first);
    let resolved_entries = c
        .case_timeline(case_token)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event_type == "ALERT_RESOLVED" && e.target_token.as_deref() == Some(t))
        .count();
    assert_eq!(resolved_entries, 1);

    // A new key is a new request, which the alert's state refuses; the old key with a new body
    // is a reuse.
    let err = c
        .resolve_alert(t, ResolutionAction::Approve, why, false, None, "resolve-2")
        .await
        .unwrap_err();
    refused(&err, 422, "ALERT_ALREADY_RESOLVED");
    let err = c
        .resolve_alert(t, ResolutionAction::Decline, why, false, None, "resolve-1")
        .await
        .unwrap_err();
    refused(&err, 422, "IDEMPOTENCY_KEY_REUSED");

    // False positive, conditions, escalation.
    let fp = c
        .resolve_alert(
            s(&open[1]["token"]),
            ResolutionAction::Approve,
            "Common name; no other identifier matches.",
            true,
            None,
            "resolve-3",
        )
        .await
        .unwrap();
    assert_eq!(fp.status, Wire::Known(AlertStatus::FalsePositive));
    assert!(fp.is_false_positive);
    let awc = c
        .resolve_alert(
            s(&open[2]["token"]),
            ResolutionAction::ApproveWithConditions,
            "Acceptable with monitoring.",
            false,
            Some("Quarterly transaction review for 12 months."),
            "resolve-4",
        )
        .await
        .unwrap();
    assert_eq!(
        awc.conditions.as_deref(),
        Some("Quarterly transaction review for 12 months.")
    );
    let esc = c
        .escalate_alert(
            s(&open[3]["token"]),
            "Possible sanctions nexus; MLRO to decide.",
            Some("usr_mei"),
            "escalate-1",
        )
        .await
        .unwrap();
    assert_eq!(esc.status, Wire::Known(AlertStatus::Escalated));

    // A key that cannot be sent is refused before any request.
    assert!(matches!(
        c.resolve_alert(t, ResolutionAction::Approve, why, false, None, "")
            .await,
        Err(ProviderError::Invalid(_))
    ));
}

#[tokio::test]
async fn bulk_actions_split_into_requests_of_fifty() {
    let env = common::start(300).await;
    let c = client(&env, &env.analyst());
    let open = open_alerts(&env).await;
    assert!(open.len() >= 70, "need 70 open alerts, got {}", open.len());
    let tokens: Vec<String> = open[..60]
        .iter()
        .map(|a| s(&a["token"]).to_string())
        .collect();
    let wanted: HashSet<&str> = tokens.iter().map(String::as_str).collect();

    let outcome = c
        .bulk_resolve(
            &tokens,
            ResolutionAction::Decline,
            "True matches confirmed in bulk review.",
            false,
            None,
            "bulk-1",
        )
        .await
        .unwrap();
    assert_eq!(
        outcome,
        BulkOutcome {
            succeeded: 60,
            failed: 0,
            errors: vec![]
        }
    );
    for t in &tokens {
        let a = env.get(&format!("/v1/alerts/{t}")).await.ok();
        assert_eq!(a.data()["status"], "Resolved", "{t}");
    }

    // Two requests: the 60 audit entries carry two request ids, 50 and 10.
    let entries: Vec<Value> = resolutions_by_amara(&env)
        .await
        .into_iter()
        .filter(|e| wanted.contains(s(&e["target_token"])))
        .collect();
    assert_eq!(entries.len(), 60);
    let mut per_request: HashMap<String, usize> = HashMap::new();
    for e in &entries {
        *per_request
            .entry(s(&e["request_id"]).to_string())
            .or_default() += 1;
    }
    let mut sizes: Vec<usize> = per_request.values().copied().collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [10, 50]);

    // The same call again replays both requests: same outcome, nothing applied twice.
    let replay = c
        .bulk_resolve(
            &tokens,
            ResolutionAction::Decline,
            "True matches confirmed in bulk review.",
            false,
            None,
            "bulk-1",
        )
        .await
        .unwrap();
    assert_eq!(replay, outcome);
    let after = resolutions_by_amara(&env)
        .await
        .into_iter()
        .filter(|e| wanted.contains(s(&e["target_token"])))
        .count();
    assert_eq!(after, 60);

    // Failures are itemised, duplicates dropped.
    let retry: Vec<String> = vec![
        tokens[0].clone(),
        tokens[1].clone(),
        tokens[0].clone(),
        "alt_nope".into(),
    ];
    let failed = c
        .bulk_resolve(
            &retry,
            ResolutionAction::Approve,
            "again",
            false,
            None,
            "bulk-2",
        )
        .await
        .unwrap();
    assert_eq!((failed.succeeded, failed.failed), (0, 3), "{failed:?}");
    let codes: Vec<(&str, &str)> = failed
        .errors
        .iter()
        .map(|(t, code, _)| (t.as_str(), code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (tokens[0].as_str(), "ALERT_ALREADY_RESOLVED"),
            (tokens[1].as_str(), "ALERT_ALREADY_RESOLVED"),
            ("alt_nope", "NOT_FOUND"),
        ]
    );
    assert!(failed.errors.iter().all(|(_, _, m)| !m.is_empty()));

    // Acknowledge: only Open alerts.
    let more: Vec<String> = open[60..65]
        .iter()
        .map(|a| s(&a["token"]).to_string())
        .collect();
    let ack = c.bulk_acknowledge(&more, "ack-1").await.unwrap();
    assert_eq!((ack.succeeded, ack.failed), (5, 0));
    let ack = c.bulk_acknowledge(&more, "ack-2").await.unwrap();
    assert_eq!((ack.succeeded, ack.failed), (0, 5));
    assert!(
        ack.errors
            .iter()
            .all(|(_, code, _)| code == "INVALID_ALERT_STATE")
    );
    assert_eq!(
        c.bulk_acknowledge(&[], "ack-3").await.unwrap(),
        BulkOutcome::default()
    );
}

#[tokio::test]
async fn case_moves_are_checked_by_the_api() {
    let env = common::start(60).await;
    let c = client(&env, &env.analyst());
    let created = env.company_case("GB", "Software").await;
    let t = s(&created["token"]);

    let err = c
        .update_case(t, Some(CaseStatus::InReview), None, "move-1")
        .await
        .unwrap_err();
    refused(&err, 422, "invalid_transition");
    let err = c
        .close_case(t, Decision::Approve, "too early", "move-2")
        .await
        .unwrap_err();
    refused(&err, 422, "invalid_transition");
    assert!(matches!(
        c.update_case(t, None, None, "move-3").await,
        Err(ProviderError::Invalid(_))
    ));

    let assigned = c
        .update_case(t, None, Some(Some("usr_lukas")), "move-4")
        .await
        .unwrap();
    assert_eq!(assigned.assigned_to.unwrap().id, "usr_lukas");
    let unassigned = c.update_case(t, None, Some(None), "move-5").await.unwrap();
    assert_eq!(unassigned.assigned_to, None);
    let moved = c
        .update_case(t, Some(CaseStatus::InProgress), None, "move-6")
        .await
        .unwrap();
    assert_eq!(moved.status, Wire::Known(CaseStatus::InProgress));
    let escalated = c
        .escalate_case(
            t,
            "Ownership chain runs through a secrecy jurisdiction.",
            Some("usr_mei"),
            "move-7",
        )
        .await
        .unwrap();
    assert_eq!(escalated.status, Wire::Known(CaseStatus::Escalated));

    // A seeded case with open alerts cannot close.
    let busy = env
        .walk(
            "/v1/cases?status=In%20Progress&sort=-open_alerts_count",
            100,
        )
        .await;
    let busy = &busy[0];
    assert!(busy["open_alerts_count"].as_u64().unwrap() > 0);
    let err = c
        .close_case(s(&busy["token"]), Decision::Decline, "Declined.", "move-8")
        .await
        .unwrap_err();
    refused(&err, 422, "CLOSE_PRECONDITIONS_UNMET");
}

#[tokio::test]
async fn a_high_risk_case_closes_after_four_eyes() {
    let env = common::start(10).await;
    let analyst = client(&env, &env.analyst());
    let approver = client(&env, &env.key(UserRole::Approver));
    let created = env.company_case("IR", "Money services business").await;
    assert_eq!(created["risk_tier"], "High");
    let t = s(&created["token"]);
    analyst
        .update_case(t, Some(CaseStatus::InProgress), None, "fe-1")
        .await
        .unwrap();

    let err = analyst
        .close_case(t, Decision::Approve, "Approved.", "fe-2")
        .await
        .unwrap_err();
    refused(&err, 422, "CLOSE_PRECONDITIONS_UNMET");

    let rev = analyst
        .add_reviewer(t, "usr_sofia", None, "fe-3")
        .await
        .unwrap();
    assert_eq!(rev.status, Wire::Known(ReviewerStatus::Invited));
    assert_eq!(rev.role.as_deref(), Some("Approver"));
    assert_eq!(rev.user.id, "usr_sofia");
    assert!(rev.user.name.is_some());
    // Only the invited approver may decide.
    let err = analyst
        .decide_review(t, &rev.token, true, None, "fe-4")
        .await
        .unwrap_err();
    refused(&err, 403, "FORBIDDEN");
    let decided = approver
        .decide_review(t, &rev.token, true, Some("EDD file complete."), "fe-4")
        .await
        .unwrap();
    assert_eq!(decided.status, Wire::Known(ReviewerStatus::Approved));
    assert_eq!(decided.notes.as_deref(), Some("EDD file complete."));

    let current = analyst.risk_assessment(t).await.unwrap().unwrap();
    assert_eq!(current.effective_tier, Some(Wire::Known(RiskTier::High)));
    let approved = analyst
        .approve_risk(&current.token, Some("EDD evidence on file."), "fe-5")
        .await
        .unwrap();
    assert_eq!(approved.status, Wire::Known(AssessmentStatus::Approved));
    assert_eq!(approved.approved_by.as_deref(), Some("usr_amara"));
    assert_eq!(approved.token, current.token);

    let closed = analyst
        .close_case(t, Decision::Approve, "Approved after EDD.", "fe-6")
        .await
        .unwrap();
    assert_eq!(closed.status, Wire::Known(CaseStatus::Closed));
    assert_eq!(closed.decision, Some(Wire::Known(Decision::Approve)));
    assert_eq!(closed.summary.as_deref(), Some("Approved after EDD."));
    assert!(closed.closed_at.is_some());

    let reviewers = analyst.case_reviewers(t).await.unwrap().unwrap();
    assert_eq!(reviewers, vec![decided]);
    let events: Vec<String> = analyst
        .case_timeline(t)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    for e in [
        "REVIEWER_ADDED",
        "REVIEWER_APPROVED",
        "RISK_ASSESSMENT_APPROVED",
        "CASE_CLOSURE",
    ] {
        assert!(events.iter().any(|x| x == e), "{e} in {events:?}");
    }
}

#[tokio::test]
async fn risk_is_recalculated_overridden_and_approved_by_someone_else() {
    let env = common::start(5).await;
    let analyst = client(&env, &env.analyst());
    let approver = client(&env, &env.key(UserRole::Approver));
    let created = env.company_case("GB", "Software").await;
    let t = s(&created["token"]);
    let first = analyst.risk_assessment(t).await.unwrap().unwrap();

    let fresh = analyst.recalculate_risk(t, "risk-1").await.unwrap();
    assert_ne!(fresh.token, first.token);
    assert_eq!(fresh.status, Wire::Known(AssessmentStatus::Active));
    assert_eq!(fresh.dimensions.len(), 4);

    let err = analyst
        .override_risk(&first.token, RiskTier::Low, "Stale.", "risk-2")
        .await
        .unwrap_err();
    refused(&err, 422, "ASSESSMENT_SUPERSEDED");
    let over = analyst
        .override_risk(
            &fresh.token,
            RiskTier::High,
            "Adverse media not yet in the model.",
            "risk-3",
        )
        .await
        .unwrap();
    assert_eq!(over.status, Wire::Known(AssessmentStatus::Overridden));
    assert_eq!(over.override_tier, Some(Wire::Known(RiskTier::High)));
    assert_eq!(over.effective_tier, Some(Wire::Known(RiskTier::High)));
    assert_eq!(over.overridden_by.as_deref(), Some("usr_amara"));

    // Maker-checker: the overrider cannot approve; the approver can.
    let err = analyst
        .approve_risk(&over.token, None, "risk-4")
        .await
        .unwrap_err();
    refused(&err, 403, "FORBIDDEN");
    let ok = approver
        .approve_risk(&over.token, None, "risk-4")
        .await
        .unwrap();
    assert_eq!(ok.status, Wire::Known(AssessmentStatus::Approved));
    assert_eq!(
        analyst.risk_assessment(t).await.unwrap().unwrap().token,
        over.token
    );
}

#[tokio::test]
async fn a_comment_comes_back_with_its_author() {
    let env = common::start(5).await;
    let c = client(&env, &env.analyst());
    let created = env.company_case("GB", "Software").await;
    let t = s(&created["token"]);
    let body = "Called the client; the register extract is promised for Friday.";

    let comment = c
        .add_comment(t, body, CommentType::Note, &[], "comment-1")
        .await
        .unwrap();
    assert!(comment.token.starts_with("cmt_"));
    assert_eq!(comment.body, body);
    assert_eq!(comment.comment_type, Some(Wire::Known(CommentType::Note)));
    let author = comment.author.clone().unwrap();
    assert_eq!(
        (author.id.as_str(), author.name.as_deref()),
        ("usr_amara", Some("Amara Okafor"))
    );
    assert!(comment.at.is_some());

    let again = c
        .add_comment(t, body, CommentType::Note, &[], "comment-1")
        .await
        .unwrap();
    assert_eq!(again, comment);
    assert_eq!(c.case_comments(t).await.unwrap(), vec![comment]);
}
