//! Opening cases and adding entities through the Zenoo provider and the outbox, against a real
//! sandbox over HTTP: what was made, what was already there, and what the server then holds.

mod common;

use std::sync::Arc;
use std::time::Duration;

use docket::domain::UserRole;
use docket::domain::review::Submission;
use docket::provider::api::Created;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};
use docket::sync::identity::Identity;
use docket::sync::outbox::{Backoff, Event, Outbox};
use serde_json::{Value, json};

use common::s;

fn provider(env: &common::Env, key: &str) -> Arc<dyn Provider> {
    docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(key),
    ))
    .unwrap()
}

fn person_case(reference: &str) -> Submission {
    Submission::CreateCase {
        body: json!({
            "type": "Onboarding",
            "entity_category": "Person",
            "external_reference": reference,
            "entity": {
                "type": "Person",
                "first_name": "Ada",
                "last_name": "Lindqvist",
                "date_of_birth": "1984-02-29",
                "nationality": "SE"
            },
            "metadata": { "campaign": "periodic-2026" }
        }),
        reference: Some(reference.to_string()),
    }
}

/// Cases the server holds under an external reference.
async fn cases_with(env: &common::Env, reference: &str) -> Vec<Value> {
    env.walk(&format!("/v1/cases?external_reference={reference}"), 100)
        .await
}

#[tokio::test]
async fn a_case_is_opened_once_and_found_again_by_its_reference_or_its_key() {
    let env = common::start(5).await;
    let p = provider(&env, &env.analyst());

    let made = p
        .create(&person_case("ext-ada-1"), "create-ada-1")
        .await
        .unwrap();
    assert!(!made.existing, "{made:?}");
    assert!(made.name.starts_with("CAS-"), "{made:?}");
    assert!(made.token.starts_with("cas_"), "{made:?}");
    assert_eq!(
        made.describe(),
        format!("Created {} ({})", made.name, made.token)
    );

    let case = env.get(&format!("/v1/cases/{}", made.token)).await.ok();
    assert_eq!(case.data()["status"], "New");
    assert_eq!(case.data()["entity_category"], "Person");
    assert_eq!(case.data()["metadata"]["campaign"], "periodic-2026");
    let entities = env
        .walk(&format!("/v1/entities?case_token={}", made.token), 100)
        .await;
    assert_eq!(entities.len(), 1, "{entities:?}");
    assert_eq!(entities[0]["first_name"], "Ada");
    let timeline = env
        .walk(&format!("/v1/cases/{}/timeline", made.token), 100)
        .await;
    assert!(
        timeline.iter().any(|e| e["event_type"] == "CASE_CREATED"),
        "{timeline:?}"
    );

    // The same reference under a new key: the case it names, nothing new.
    let again = p
        .create(&person_case("ext-ada-1"), "create-ada-2")
        .await
        .unwrap();
    assert_eq!(
        again,
        Created {
            existing: true,
            ..made.clone()
        }
    );
    assert!(again.describe().contains("already exists"), "{again:?}");
    // The same key again (a re-run after a crash): the answer replayed, nothing new.
    let replay = p
        .create(&person_case("ext-ada-1"), "create-ada-1")
        .await
        .unwrap();
    assert_eq!(replay.token, made.token);
    assert!(replay.existing);
    assert_eq!(cases_with(&env, "ext-ada-1").await.len(), 1);
}

#[tokio::test]
async fn a_refused_creation_carries_the_code_the_message_and_the_request_id() {
    let env = common::start(5).await;
    let p = provider(&env, &env.analyst());
    let bad = Submission::CreateCase {
        body: json!({ "type": "Onboarding", "entity_category": "Person",
                      "entity": { "type": "Person", "first_name": "Ada" } }),
        reference: None,
    };
    let e = p.create(&bad, "create-bad-1").await.unwrap_err();
    let ProviderError::Api {
        status,
        code,
        message,
        request_id,
        ..
    } = &e
    else {
        panic!("expected an API refusal, got {e:?}")
    };
    assert_eq!((*status, code.as_str()), (400, "VALIDATION_ERROR"), "{e}");
    assert!(message.contains("last_name"), "{e}");
    assert!(request_id.as_deref().is_some_and(|r| r.starts_with("req_")));

    // A key that cannot write is refused by the server, and nothing is made.
    let auditor = provider(&env, &env.key(UserRole::Auditor));
    let e = auditor
        .create(&person_case("ext-audit-1"), "create-audit-1")
        .await
        .unwrap_err();
    assert!(matches!(e, ProviderError::Api { status: 403, .. }), "{e}");
    assert!(cases_with(&env, "ext-audit-1").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_sends_a_creation_and_names_the_case_it_opened() {
    let env = common::start(5).await;
    let store = env.dir.path().join("local.db");
    let identity = Identity::new("sandbox", ApiKey::new(env.analyst()).fingerprint());
    let outbox = Outbox::open(&store, &identity).unwrap();
    let id = outbox
        .enqueue("New case", &person_case("ext-outbox-1"), None)
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let backoff = Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    let sender = outbox.start(provider(&env, &env.analyst()), tx, backoff, 4);
    let (what, case, created) = loop {
        let event = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("the creation settles within 20 s")
            .expect("the sender is running");
        match event {
            Event::Landed {
                id: got,
                what,
                case,
                created,
            } if got == id => break (what, case, created),
            Event::Failed { error, .. } | Event::KeyRefused { error, .. } => {
                panic!("refused: {error}")
            }
            _ => {}
        }
    };
    sender.abort();
    let created = created.expect("a creation says what it made");
    assert!(!created.existing);
    assert_eq!(case.as_deref(), Some(created.token.as_str()));
    assert_eq!(what, created.describe());
    let held = cases_with(&env, "ext-outbox-1").await;
    assert_eq!(held.len(), 1);
    assert_eq!(s(&held[0]["token"]), created.token);
}
