//! The outbox against a real sandbox that fails on purpose: every review lands exactly once.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use docket::app::flow::Submission;
use docket::domain::ResolutionAction;
use docket::provider::{ApiKey, ProviderError};
use docket::provider::{Connect, Provider, Vendor};
use docket::sync::outbox::{Backoff, Event, Outbox};
use docket::sync::store::EntryState;
use std::sync::Arc;

fn fast() -> Backoff {
    Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(200),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_reviews_land_exactly_once_at_a_thirty_percent_failure_rate() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::config(&dir, 700);
    cfg.faults.fail_rate = 0.3;
    let env = common::start_with(cfg, dir).await;
    let alerts = env.walk("/v1/alerts?status=Open", 100).await;
    assert!(
        alerts.len() >= 200,
        "seeded only {} open alerts",
        alerts.len()
    );
    let tokens: Vec<String> = alerts
        .iter()
        .take(200)
        .map(|a| common::s(&a["token"]).to_string())
        .collect();

    let store = env.dir.path().join("local.db");
    let outbox = Outbox::open(&store, "sandbox").unwrap();
    for t in &tokens {
        let s = Submission::Resolve {
            tokens: vec![t.clone()],
            action: ResolutionAction::Approve,
            rationale: format!("Reviewed {t}"),
            false_positive: false,
            conditions: None,
        };
        outbox.enqueue("Approve 1 alert", &s).unwrap();
    }
    assert_eq!(
        outbox.counts(),
        (200, 0),
        "all on disk before anything is sent"
    );

    let client = sandbox_provider(&env);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(client, tx, fast(), 8);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut landed = 0;
    let mut retries = 0;
    while landed < 200 {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Event::Landed { .. })) => landed += 1,
            Ok(Some(Event::Retrying { .. })) => retries += 1,
            Ok(Some(Event::Failed { error, .. })) => panic!("a review was refused: {error}"),
            Ok(Some(Event::Counts { .. })) => {}
            Ok(None) | Err(_) => panic!("only {landed} of 200 landed"),
        }
    }
    sender.abort();
    assert!(retries > 0, "the fault injection never fired");
    assert_eq!(outbox.counts(), (0, 0));

    // The server's audit trail: exactly one resolution per alert.
    let entries = env
        .walk("/v1/audit-logs?event_type=ALERT_RESOLVED", 100)
        .await;
    let mut per_alert: HashMap<&str, usize> = HashMap::new();
    for e in &entries {
        *per_alert.entry(common::s(&e["target_token"])).or_default() += 1;
    }
    for t in &tokens {
        assert_eq!(per_alert.get(t.as_str()), Some(&1), "{t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_kept_with_the_api_error_and_can_be_discarded() {
    let env = common::start(30).await;
    let store = env.dir.path().join("local.db");
    let outbox = Outbox::open(&store, "sandbox").unwrap();
    let bad = Submission::Resolve {
        tokens: vec!["alt_doesnotexist".into()],
        action: ResolutionAction::Approve,
        rationale: "x".into(),
        false_positive: false,
        conditions: None,
    };
    let id = outbox.enqueue("Approve 1 alert", &bad).unwrap();
    let client = sandbox_provider(&env);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(client, tx, fast(), 2);
    let error = loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            Event::Failed { id: got, error } => {
                assert_eq!(got, id);
                break error;
            }
            Event::Landed { .. } => panic!("landed"),
            _ => {}
        }
    };
    sender.abort();
    assert!(
        matches!(&error, ProviderError::Api { status: 404, code, request_id: Some(_), .. } if code == "NOT_FOUND"),
        "{error:?}"
    );
    // Kept, with its reason, across a reopen of the store.
    let again = Outbox::open(&store, "sandbox").unwrap();
    let entries = again.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Failed);
    assert_eq!(entries[0].last_error.as_ref(), Some(&error));
    again.discard(id).unwrap();
    assert!(again.entries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_entries_from_an_earlier_run_go_out_when_the_next_starts() {
    let env = common::start(60).await;
    let store = env.dir.path().join("local.db");
    let alert = common::s(&env.walk("/v1/alerts?status=Open", 5).await[0]["token"]).to_string();
    {
        // An earlier run wrote it and died before sending.
        let first = Outbox::open(&store, "sandbox").unwrap();
        first
            .enqueue(
                "Decline 1 alert",
                &Submission::Resolve {
                    tokens: vec![alert.clone()],
                    action: ResolutionAction::Decline,
                    rationale: "left over".into(),
                    false_positive: false,
                    conditions: None,
                },
            )
            .unwrap();
    }
    let next = Outbox::open(&store, "sandbox").unwrap();
    let client = sandbox_provider(&env);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = next.start(client, tx, fast(), 2);
    loop {
        if let Event::Landed { .. } = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            break;
        }
    }
    sender.abort();
    let a = env.get(&format!("/v1/alerts/{alert}")).await.ok();
    assert_eq!(a.data()["resolution_rationale"], "left over");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_first_checks_whether_the_change_already_landed() {
    // An API that applied the first attempt but never answered, and ignores Idempotency-Key:
    // simulated by applying the change directly, then leaving the entry as a failed first try.
    let env = common::start(60).await;
    let alert = common::s(&env.walk("/v1/alerts?status=Open", 5).await[0]["token"]).to_string();
    let store = env.dir.path().join("local.db");
    let outbox = Outbox::open(&store, "sandbox").unwrap();
    let s = Submission::Resolve {
        tokens: vec![alert.clone()],
        action: ResolutionAction::Decline,
        rationale: "Applied once, answer lost".into(),
        false_positive: false,
        conditions: None,
    };
    let id = outbox.enqueue("Decline 1 alert", &s).unwrap();
    {
        let raw = docket::sync::store::Store::open(&store, "sandbox").unwrap();
        let lost = ProviderError::Transport {
            endpoint: "POST".into(),
            message: "connection reset".into(),
        };
        raw.record(id, EntryState::Pending, Some(&lost), 0).unwrap();
    }
    env.post(
        &format!("/v1/alerts/{alert}/resolve"),
        serde_json::json!({ "action": "Decline", "rationale": "Applied once, answer lost" }),
    )
    .await
    .ok();

    let client = sandbox_provider(&env);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(client, tx, fast(), 1);
    let what = loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            Event::Landed { what, .. } => break what,
            Event::Failed { error, .. } => panic!("sent twice and refused: {error}"),
            _ => {}
        }
    };
    sender.abort();
    assert!(what.contains("already landed"), "{what}");
    let entries = env
        .walk(
            &format!("/v1/audit-logs?target_token={alert}&event_type=ALERT_RESOLVED"),
            10,
        )
        .await;
    assert_eq!(entries.len(), 1);
}

fn sandbox_provider(env: &common::Env) -> Arc<dyn Provider> {
    docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap()
}
