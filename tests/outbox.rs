//! The outbox against a real sandbox that fails on purpose: every review lands exactly once.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use docket::app::flow::Submission;
use docket::domain::ResolutionAction;
use docket::provider::{ApiKey, ProviderError};
use docket::provider::{Connect, Provider, Vendor};
use docket::sync::identity::Identity;
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
    let outbox = Outbox::open(&store, &identity(&env)).unwrap();
    for t in &tokens {
        let s = Submission::Resolve {
            tokens: vec![t.clone()],
            action: ResolutionAction::Approve,
            rationale: format!("Reviewed {t}"),
            false_positive: false,
            conditions: None,
        };
        outbox.enqueue("Approve 1 alert", &s, None).unwrap();
    }
    assert_eq!(
        outbox.counts().unwrap().pending,
        200,
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
            Ok(Some(Event::Failed { error, .. } | Event::KeyRefused { error, .. })) => {
                panic!("a review was refused: {error}")
            }
            Ok(Some(Event::Counts { .. })) => {}
            Ok(None) | Err(_) => panic!("only {landed} of 200 landed"),
        }
    }
    sender.abort();
    assert!(retries > 0, "the fault injection never fired");
    assert_eq!(outbox.counts().unwrap(), Default::default());

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
    let outbox = Outbox::open(&store, &identity(&env)).unwrap();
    let bad = Submission::Resolve {
        tokens: vec!["alt_doesnotexist".into()],
        action: ResolutionAction::Approve,
        rationale: "x".into(),
        false_positive: false,
        conditions: None,
    };
    let id = outbox.enqueue("Approve 1 alert", &bad, None).unwrap();
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
    let again = Outbox::open(&store, &identity(&env)).unwrap();
    let entries = again.entries().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Failed);
    assert_eq!(entries[0].last_error.as_ref(), Some(&error));
    again.discard(id).unwrap();
    assert!(again.entries().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_entries_from_an_earlier_run_go_out_when_the_next_starts() {
    let env = common::start(60).await;
    let store = env.dir.path().join("local.db");
    let alert = common::s(&env.walk("/v1/alerts?status=Open", 5).await[0]["token"]).to_string();
    {
        // An earlier run wrote it and died before sending.
        let first = Outbox::open(&store, &identity(&env)).unwrap();
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
                None,
            )
            .unwrap();
    }
    let next = Outbox::open(&store, &identity(&env)).unwrap();
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
    let outbox = Outbox::open(&store, &identity(&env)).unwrap();
    let s = Submission::Resolve {
        tokens: vec![alert.clone()],
        action: ResolutionAction::Decline,
        rationale: "Applied once, answer lost".into(),
        false_positive: false,
        conditions: None,
    };
    let id = outbox.enqueue("Decline 1 alert", &s, None).unwrap();
    {
        let raw = docket::sync::store::Store::open(&store, &identity(&env)).unwrap();
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

/// The identity the analyst's key writes as.
fn identity(env: &common::Env) -> Identity {
    Identity::new("sandbox", ApiKey::new(env.analyst()).fingerprint())
}

fn sandbox_provider(env: &common::Env) -> Arc<dyn Provider> {
    docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap()
}

/// Waits for the outbox's next event that settles an entry (landed, refused, key refused).
async fn settled(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Event {
    loop {
        let e = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("an entry settles within 20 s")
            .expect("the sender runs");
        if !matches!(e, Event::Counts(_) | Event::Retrying { .. }) {
            return e;
        }
    }
}

fn provider_as(env: &common::Env, key: &str) -> Arc<dyn Provider> {
    docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(key),
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decline_then_approve_written_offline_land_in_that_order() {
    let env = common::start(60).await;
    let open = env.walk("/v1/alerts?status=Open", 5).await;
    let alert = common::s(&open[0]["token"]).to_string();
    let case = common::s(&open[0]["case_token"]).to_string();
    let store = env.dir.path().join("local.db");
    let outbox = Outbox::open(&store, &identity(&env)).unwrap();
    let resolve = |action, text: &str| Submission::Resolve {
        tokens: vec![alert.clone()],
        action,
        rationale: text.into(),
        false_positive: false,
        conditions: None,
    };
    // Written while the API was away: both wait on disk.
    let decline = outbox
        .enqueue(
            "Decline 1 alert",
            &resolve(ResolutionAction::Decline, "first"),
            Some(&case),
        )
        .unwrap();
    let approve = outbox
        .enqueue(
            "Approve 1 alert",
            &resolve(ResolutionAction::Approve, "second"),
            Some(&case),
        )
        .unwrap();
    let rows = outbox.entries().unwrap();
    let waits = docket::sync::outbox::waiting_for(&rows, |a| outbox.owns(a));
    assert_eq!(waits.get(&approve), Some(&decline), "the approve waits");

    // Back online, with room for both in flight at once: the decline still goes first.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(sandbox_provider(&env), tx, fast(), 4);
    match settled(&mut rx).await {
        Event::Landed { id, .. } => assert_eq!(id, decline),
        other => panic!("{other:?}"),
    }
    match settled(&mut rx).await {
        Event::Failed { id, error } => {
            assert_eq!(id, approve);
            assert_eq!(error.code(), Some("ALERT_ALREADY_RESOLVED"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    sender.abort();
    let a = env.get(&format!("/v1/alerts/{alert}")).await.ok();
    assert_eq!(a.data()["resolution_action"], "Decline");
    assert_eq!(a.data()["resolution_rationale"], "first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_written_with_one_key_is_never_sent_with_another() {
    let env = common::start(60).await;
    let open = env.walk("/v1/alerts?status=Open", 5).await;
    let (theirs, mine) = (
        common::s(&open[0]["token"]).to_string(),
        common::s(&open[1]["token"]).to_string(),
    );
    let store = env.dir.path().join("local.db");
    let (lukas_key, amara_key) = (env.key_of("usr_lukas"), env.key_of("usr_amara"));
    let as_user = |key: &str, id: &str, name: &str| {
        Identity::new("eu", ApiKey::new(key).fingerprint()).with_user(Some(
            &docket::domain::model::User {
                id: id.into(),
                name: name.into(),
                email: None,
                role: Some("analyst".into()),
                can_write: true,
            },
        ))
    };
    let ack = |t: &str| Submission::Acknowledge {
        tokens: vec![t.to_string()],
    };
    // Lukas queues an acknowledgement while the API is away, in a shared state directory.
    let lukas = Outbox::open(&store, &as_user(&lukas_key, "usr_lukas", "Lukas Brandt")).unwrap();
    let held = lukas
        .enqueue("Acknowledge 1 alert", &ack(&theirs), None)
        .unwrap();

    // Amara starts with her key: her own entry goes, Lukas's is held and said to be.
    let amara = Outbox::open(&store, &as_user(&amara_key, "usr_amara", "Amara Okafor")).unwrap();
    let own = amara
        .enqueue("Acknowledge 1 alert", &ack(&mine), None)
        .unwrap();
    assert_eq!(
        amara.counts().unwrap().held,
        vec![("Lukas Brandt".to_string(), 1)]
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = amara.start(provider_as(&env, &amara_key), tx, fast(), 4);
    match settled(&mut rx).await {
        Event::Landed { id, .. } => assert_eq!(id, own),
        other => panic!("{other:?}"),
    }
    sender.abort();
    let _ = sender.await;
    assert!(
        amara.entries().unwrap().iter().any(|e| e.id == held),
        "still waiting for Lukas"
    );
    assert!(
        amara.resend(held, &ack(&theirs)).is_err(),
        "not hers to send"
    );
    let a = env.get(&format!("/v1/alerts/{theirs}")).await.ok();
    assert_eq!(a.data()["status"], "Open", "nothing was sent as Amara");

    // Lukas, with his key: it lands, and the server says he did it.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = lukas.start(provider_as(&env, &lukas_key), tx, fast(), 4);
    match settled(&mut rx).await {
        Event::Landed { id, .. } => assert_eq!(id, held),
        other => panic!("{other:?}"),
    }
    sender.abort();
    let trail = env
        .walk(&format!("/v1/audit-logs?target_token={theirs}"), 20)
        .await;
    let actors: Vec<&str> = trail
        .iter()
        .filter(|e| common::s(&e["event_type"]).starts_with("ALERT_ACK"))
        .map(|e| common::s(&e["actor"]["user_id"]))
        .collect();
    assert_eq!(actors, ["usr_lukas"], "{trail:#?}");
    // The local audit log names its author.
    let log = lukas.audit_log(false, 10).unwrap();
    let by: Vec<String> = log.iter().map(|r| r.author.display()).collect();
    assert!(by.contains(&"Lukas Brandt".to_string()), "{by:?}");
    assert!(by.contains(&"Amara Okafor".to_string()), "{by:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_stops_the_sender_and_keeps_the_entry() {
    let env = common::start(30).await;
    let alert = common::s(&env.walk("/v1/alerts?status=Open", 5).await[0]["token"]).to_string();
    let store = env.dir.path().join("local.db");
    let outbox = Outbox::open(&store, &Identity::new("eu", "revoked")).unwrap();
    let id = outbox
        .enqueue(
            "Acknowledge 1 alert",
            &Submission::Acknowledge {
                tokens: vec![alert],
            },
            None,
        )
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(provider_as(&env, "not-a-key"), tx, fast(), 4);
    match settled(&mut rx).await {
        Event::KeyRefused { id: got, error } => {
            assert_eq!(got, id);
            assert!(error.is_key_refused(), "{error}");
        }
        other => panic!("{other:?}"),
    }
    sender.abort();
    // Not burnt into a refusal: it goes out with a key the API accepts.
    let e = outbox.entries().unwrap();
    assert_eq!((e.len(), e[0].state), (1, EntryState::Pending));
}
