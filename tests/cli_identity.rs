//! The real binary and a real sandbox: a review queued with one key is never sent with
//! another, a key that cannot write queues nothing, a refused key says so, and `--read-only`
//! sends nothing. Each checks the server's audit trail, not only what the command printed.

mod common;

use common::cli::{Home, docket};
use serde_json::Value;

/// A port nothing listens on: the API is "down" there.
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// The `eu` profile pointing at `url` (the key from DOCKET_API_KEY).
fn profile(home: &mut Home, url: &str) {
    home.config(&format!("[profiles.eu]\nbase_url = \"{url}\"\n"), &[]);
}

/// Who the server says acknowledged `alert`, in order.
async fn acknowledged_by(env: &common::Env, alert: &str) -> Vec<String> {
    env.walk(&format!("/v1/audit-logs?target_token={alert}"), 50)
        .await
        .iter()
        .filter(|e| common::s(&e["event_type"]).contains("ACK"))
        .map(|e| common::s(&e["actor"]["user_id"]).to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_queued_with_one_key_is_never_sent_with_another() {
    let env = common::start(40).await;
    let alerts = env.open_alerts(3).await;
    let (lukas, amara) = (env.key_of("usr_lukas"), env.key_of("usr_amara"));

    // Lukas acknowledges an alert while the API is down: it stays queued.
    let mut home = Home::new(&lukas);
    profile(&mut home, &dead_url());
    let r = docket(
        &home,
        &[
            "--profile",
            "eu",
            "alerts",
            "acknowledge",
            &alerts[0],
            "--wait-secs",
            "1",
        ],
        None,
    )
    .await
    .expect(4);
    assert!(r.stderr.contains("stays queued"), "{}", r.stderr);

    // Amara, same state directory and profile, her own key, the API back: her review lands,
    // his is held and said to be.
    profile(&mut home, &env.sandbox.url());
    home.set(&[("DOCKET_API_KEY", &amara)]);
    let r = docket(
        &home,
        &["--profile", "eu", "alerts", "acknowledge", &alerts[1]],
        None,
    )
    .await
    .expect(0);
    assert!(
        r.stderr.contains("1 review by") && r.stderr.contains("held"),
        "{}",
        r.stderr
    );
    assert_eq!(acknowledged_by(&env, &alerts[1]).await, ["usr_amara"]);
    assert!(
        acknowledged_by(&env, &alerts[0]).await.is_empty(),
        "Lukas's review was sent with Amara's key"
    );
    let waiting = home.outbox("eu").entries().unwrap();
    assert_eq!(waiting.len(), 1);

    // --read-only sends nothing, by any path (a read runs; the entry stays).
    home.set(&[("DOCKET_API_KEY", &lukas)]);
    docket(
        &home,
        &["--read-only", "--profile", "eu", "cases", "list"],
        None,
    )
    .await
    .expect(0);
    let r = docket(
        &home,
        &[
            "--read-only",
            "--profile",
            "eu",
            "alerts",
            "acknowledge",
            &alerts[2],
        ],
        None,
    )
    .await
    .expect(2);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert!(acknowledged_by(&env, &alerts[0]).await.is_empty());
    assert_eq!(home.outbox("eu").entries().unwrap().len(), 1);

    // Lukas, with his key: his queued review goes first, as him, then the new one.
    docket(
        &home,
        &["--profile", "eu", "alerts", "acknowledge", &alerts[2]],
        None,
    )
    .await
    .expect(0);
    assert_eq!(acknowledged_by(&env, &alerts[0]).await, ["usr_lukas"]);
    assert_eq!(acknowledged_by(&env, &alerts[2]).await, ["usr_lukas"]);
    assert!(home.outbox("eu").entries().unwrap().is_empty());

    // The local audit log names each author.
    let r = docket(&home, &["--profile", "eu", "audit-log"], None)
        .await
        .expect(0);
    assert!(
        r.stdout.contains("by: Lukas Brandt") && r.stdout.contains("by: Amara Okafor"),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_cannot_write_queues_nothing() {
    let env = common::start(30).await;
    let alert = env.open_alerts(1).await.remove(0);
    let home = Home::new(&env.key_of("usr_ines"));
    let url = env.sandbox.url();
    let r = docket(
        &home,
        &["--api-url", &url, "alerts", "acknowledge", &alert, "--json"],
        None,
    )
    .await
    .expect(2);
    let err: Value = r.json();
    assert_eq!(err["error"]["kind"], "read_only", "{err}");
    assert!(
        r.stderr.contains("cannot write") && r.stderr.contains("nothing was queued"),
        "{}",
        r.stderr
    );
    assert!(
        home.outbox(&common::cli::label(&url))
            .entries()
            .unwrap()
            .is_empty()
    );
    assert!(acknowledged_by(&env, &alert).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_is_said_once_with_where_to_look() {
    let env = common::start(30).await;
    let alert = env.open_alerts(1).await.remove(0);
    let home = Home::new("dk_not_a_key_at_all");
    let url = env.sandbox.url();
    let r = docket(
        &home,
        &["--api-url", &url, "alerts", "acknowledge", &alert],
        None,
    )
    .await
    .expect(3);
    assert!(
        r.stderr.contains("refused the key")
            && r.stderr.contains("docket doctor")
            && r.stderr.contains("401"),
        "{}",
        r.stderr
    );
    assert!(
        home.outbox(&common::cli::label(&url))
            .entries()
            .unwrap()
            .is_empty()
    );
}
