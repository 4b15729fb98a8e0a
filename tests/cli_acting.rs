//! The scripting CLI's acting commands against a real sandbox: `cases unassign`, `cases
//! escalate --to`, `alerts escalate --to`, `risk recalculate`. Each lands once, as the key's
//! user, and a user the API does not know is a usage error naming who there is.

mod common;

use common::cli::{Home, docket};
use common::s;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unassign_escalate_to_and_recalculate_land_as_the_keys_user() {
    let env = common::start(40).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.analyst());
    let case = env
        .walk("/v1/cases?status=In%20Progress", 100)
        .await
        .into_iter()
        .next()
        .expect("a case in progress");
    let token = s(&case["token"]).to_string();
    env.patch(
        &format!("/v1/cases/{token}"),
        json!({ "assigned_to": "usr_amara" }),
    )
    .await
    .ok();

    let out = docket(
        &home,
        &["--api-url", &url, "cases", "unassign", &token, "--json"],
        None,
    )
    .await
    .expect(0)
    .json();
    assert_eq!(out["ok"], true, "{out}");
    let now = env.get(&format!("/v1/cases/{token}")).await.ok();
    assert!(now.data()["assigned_to"].is_null(), "{}", now.body);

    let before = env
        .get(&format!("/v1/cases/{token}/risk-assessment"))
        .await
        .ok();
    docket(
        &home,
        &["--api-url", &url, "risk", "recalculate", &token],
        None,
    )
    .await
    .expect(0);
    let after = env
        .get(&format!("/v1/cases/{token}/risk-assessment"))
        .await
        .ok();
    assert_ne!(after.data()["token"], before.data()["token"]);
    assert_eq!(after.data()["status"], "Active");

    // A user the API does not know: refused before anything is queued, naming who there is.
    let r = docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "escalate",
            &token,
            "--reason",
            "MLRO",
            "--to",
            "bob",
        ],
        None,
    )
    .await
    .expect(2);
    assert!(r.stderr.contains("no user bob"), "{}", r.stderr);
    assert!(r.stderr.contains("usr_sofia"), "{}", r.stderr);
    // By name, as shown in the console.
    docket(
        &home,
        &[
            "--api-url",
            &url,
            "cases",
            "escalate",
            &token,
            "--reason",
            "Ownership chain needs the MLRO.",
            "--to",
            "Sofía Hernández",
        ],
        None,
    )
    .await
    .expect(0);
    let esc = env
        .walk(
            &format!("/v1/audit-logs?target_token={token}&event_type=CASE_ESCALATION"),
            10,
        )
        .await;
    assert_eq!(esc.len(), 1, "{esc:?}");
    assert_eq!(esc[0]["details"]["after"]["escalated_to"], "usr_sofia");
    assert_eq!(esc[0]["actor"]["user_id"], "usr_amara");

    let alert = env.open_alerts(1).await.remove(0);
    docket(
        &home,
        &[
            "--api-url",
            &url,
            "alerts",
            "escalate",
            &alert,
            "--reason",
            "Sanctions nexus.",
            "--to",
            "usr_mei",
        ],
        None,
    )
    .await
    .expect(0);
    let a = env.get(&format!("/v1/alerts/{alert}")).await.ok();
    assert_eq!(a.data()["status"], "Escalated", "{}", a.body);
    let ev = env
        .walk(
            &format!("/v1/audit-logs?target_token={alert}&event_type=ALERT_ESCALATED"),
            10,
        )
        .await;
    assert_eq!(ev[0]["details"]["after"]["escalated_to"], "usr_mei");
}
