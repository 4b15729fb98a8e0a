//! Bulk alert actions against a real sandbox: each alert lands or is refused on its own, and a
//! refusal names every alert with the API's code, message and request id, in the provider's
//! answer and in the outbox entry it leaves.

mod common;

use std::sync::Arc;
use std::time::Duration;

use docket::domain::ResolutionAction;
use docket::domain::review::Submission;
use docket::provider::{ApiKey, Connect, ItemOutcome, Provider, ProviderError, Vendor};
use docket::sync::identity::Identity;
use docket::sync::outbox::{Backoff, Event, Outbox};
use docket::sync::store::EntryState;
use serde_json::json;

fn provider(env: &common::Env) -> Arc<dyn Provider> {
    docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap()
}

/// Two Open alerts on cases that are not Closed.
async fn two_open_alerts(env: &common::Env) -> (String, String) {
    let mut open = env.open_alerts(2).await;
    let second = open.pop().unwrap();
    (open.pop().unwrap(), second)
}

fn resolve(tokens: &[&str]) -> Submission {
    Submission::Resolve {
        tokens: tokens.iter().map(|t| t.to_string()).collect(),
        action: ResolutionAction::Decline,
        rationale: "True match confirmed against the passport copy.".into(),
        false_positive: false,
        conditions: None,
    }
}

/// The items of a bulk refusal, or a panic saying what came instead.
#[track_caller]
fn items(r: Result<String, ProviderError>) -> Vec<docket::provider::ItemResult> {
    match r {
        Err(ProviderError::Bulk { items, .. }) => items,
        other => panic!("expected a bulk refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_resolve_that_lands_in_part_says_which_alert_was_refused_and_why() {
    let env = common::start(30).await;
    let p = provider(&env);
    let (done, open) = two_open_alerts(&env).await;
    env.post(
        &format!("/v1/alerts/{done}/resolve"),
        json!({ "action": "Approve", "rationale": "Not the same person.", "is_false_positive": false }),
    )
    .await
    .ok();

    let got = items(p.submit(&resolve(&[&done, &open]), "bulk-part-1").await);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].token, done);
    let ItemOutcome::Refused { code, message } = &got[0].outcome else {
        panic!("{:?}", got[0])
    };
    assert_eq!(code.as_deref(), Some("ALERT_ALREADY_RESOLVED"));
    assert!(message.contains(&done), "{message}");
    assert_eq!(got[1].token, open);
    assert_eq!(got[1].outcome, ItemOutcome::Landed);
    for i in &got {
        assert!(
            i.request_id
                .as_deref()
                .is_some_and(|r| r.starts_with("req_")),
            "{i:?}"
        );
    }
    // The one that landed did land, and only once; the refused one kept its first resolution.
    let a = env.get(&format!("/v1/alerts/{open}")).await.ok();
    assert_eq!(a.data()["status"], "Resolved");
    assert_eq!(a.data()["resolution_action"], "Decline");
    let a = env.get(&format!("/v1/alerts/{done}")).await.ok();
    assert_eq!(a.data()["resolution_action"], "Approve");

    // Sent again with the same key (a retry), the API replays its answer: the same outcome.
    let again = items(p.submit(&resolve(&[&done, &open]), "bulk-part-1").await);
    assert_eq!(again, got);

    // All landing is one line naming each alert.
    let (a, b) = two_open_alerts(&env).await;
    let said = p
        .submit(&resolve(&[&a, &b]), "bulk-all-1")
        .await
        .expect("both land");
    assert!(said.contains(&a) && said.contains(&b), "{said}");
    assert!(said.contains("2 alerts resolved with Decline"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_acknowledge_refused_for_every_alert_keeps_each_reason_in_the_outbox() {
    let env = common::start(30).await;
    let p = provider(&env);
    let (a, b) = two_open_alerts(&env).await;
    env.post(
        "/v1/alerts/bulk/acknowledge",
        json!({ "alert_tokens": [a, b] }),
    )
    .await
    .ok();

    let ack = Submission::Acknowledge {
        tokens: vec![a.clone(), b.clone()],
    };
    let error = p.submit(&ack, "ack-refused-1").await.unwrap_err();
    let text = error.to_string();
    for t in [&a, &b] {
        assert!(
            text.contains(&format!(
                "{t}: INVALID_ALERT_STATE: Alert {t} is Acknowledged"
            )),
            "{text}"
        );
    }
    assert!(text.contains("(request req_"), "{text}");
    assert_eq!(error.code(), Some("INVALID_ALERT_STATE"));

    // Through the outbox: the failed entry keeps that error, with every alert's reason, also
    // once the store is opened again.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("local.db");
    let identity = Identity::new("sandbox", ApiKey::new(env.analyst()).fingerprint());
    let outbox = Outbox::open(&store, &identity).unwrap();
    let id = outbox.enqueue("Acknowledge 2 alerts", &ack, None).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let backoff = Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    let sender = outbox.start(p.clone(), tx, backoff, 1);
    let failed = loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("the entry settles within 20 s")
            .expect("the sender runs")
        {
            Event::Failed { id: got, error } if got == id => break error,
            Event::Landed { id: got, .. } if got == id => panic!("landed"),
            _ => {}
        }
    };
    sender.abort();
    let ProviderError::Bulk { items, .. } = &failed else {
        panic!("{failed:?}")
    };
    assert!(items.iter().all(|i| matches!(
        &i.outcome,
        ItemOutcome::Refused { code: Some(c), message } if c == "INVALID_ALERT_STATE" && !message.is_empty()
    ) && i.request_id.is_some()), "{items:?}");
    let reopened = Outbox::open(&store, &identity).unwrap();
    let entry = reopened
        .entries()
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .expect("the failed entry is kept");
    assert_eq!(entry.state, EntryState::Failed);
    assert_eq!(entry.last_error.as_ref(), Some(&failed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_that_lands_in_part_leaves_only_the_refused_alerts_in_the_outbox() {
    let env = common::start(30).await;
    let (done, open) = two_open_alerts(&env).await;
    env.post(
        &format!("/v1/alerts/{done}/resolve"),
        json!({ "action": "Approve", "rationale": "Not the same person.", "is_false_positive": false }),
    )
    .await
    .ok();
    let store = env.dir.path().join("local.db");
    let me = Identity::new("sandbox", ApiKey::new(env.analyst()).fingerprint());
    let outbox = Outbox::open(&store, &me).unwrap();
    let id = outbox
        .enqueue("Decline 2 alerts", &resolve(&[&done, &open]), None)
        .unwrap();
    let key_before = outbox.entries().unwrap()[0].idempotency_key.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(
        provider(&env),
        tx,
        Backoff {
            base: Duration::from_millis(20),
            max: Duration::from_millis(200),
        },
        2,
    );
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            Event::Failed { id: got, .. } => {
                assert_eq!(got, id);
                break;
            }
            Event::Landed { .. } => panic!("one alert was refused"),
            _ => {}
        }
    }
    sender.abort();
    // What is left to do is the refused alert alone, under a new key: resending or editing it
    // never sends the landed one again.
    let left = &outbox.entries().unwrap()[0];
    assert_eq!(left.state, EntryState::Failed);
    assert_eq!(left.submission.targets().len(), 1);
    assert!(
        matches!(&left.submission, Submission::Resolve { tokens, .. } if tokens.as_slice() == std::slice::from_ref(&done))
    );
    assert_ne!(left.idempotency_key, key_before);
    // The landed one is in the local audit log, with its author.
    let log = outbox.audit_log(false, 5).unwrap();
    assert!(
        matches!(&log[0].submission, Some(Submission::Resolve { tokens, .. }) if tokens.as_slice() == std::slice::from_ref(&open)),
        "{log:?}"
    );
    assert_eq!(log[0].author.key_fp, me.key_fp);
}
