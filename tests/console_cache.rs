//! The kept queue, with the real binary in a pseudo-terminal against a real sandbox (the shared
//! harness, `tests/common/pty.rs`): a second start shows the queue the first one kept and then
//! asks the API only for what changed since, not for every page again. Every wait is for a
//! condition on the screen, with a deadline.

mod common;

use std::time::Duration;

use common::pty::Console;
use common::s;

fn rethrow<T>(r: Result<T, tokio::task::JoinError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// The queue, online, with every one of `n` cases loaded.
fn whole(c: &Console, n: usize) {
    let total = format!("/{n} ");
    c.wait_until("the whole queue, online", Duration::from_secs(30), |s| {
        s.contains("● online") && s.contains(&total) && s.contains("Amara Okafor")
    });
}

/// The row of the case `name`, found with the filter, then the filter closed again.
fn row_of(c: &mut Console, name: &str) -> String {
    c.keys("/");
    c.keys(&name.to_lowercase());
    let screen = c.wait_until("the case filtered", Duration::from_secs(10), |s| {
        s.contains(&format!("/{}", name.to_lowercase())) && s.contains(name)
    });
    c.keys("\x1b");
    c.wait_until("the filter closed", Duration::from_secs(10), |s| {
        !s.contains(&format!("/{}", name.to_lowercase()))
    });
    screen
        .lines()
        .find(|l| l.contains(name) && !l.contains('/'))
        .unwrap_or_default()
        .to_string()
}

/// Between two starts, one case is reassigned through the API (its `updated_at` moves) and
/// another is changed behind the API's back (its `updated_at` does not). The second start shows
/// the first change and not the second: it asked for what changed since the kept queue, which
/// a walk of every page would not have missed. Both cases sit beyond the first page, which a
/// start always reads whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_shows_the_kept_queue_and_asks_only_for_what_changed() {
    let env = common::start(250).await;
    let (url, key) = (env.sandbox.url(), env.analyst());
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();

    let first = tokio::task::spawn_blocking({
        let (url, key, home_path) = (url.clone(), key.clone(), home_path.clone());
        move || {
            let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
            whole(&c, 250);
            c.keys("q");
            assert!(c.wait_exit().success());
        }
    })
    .await;
    rethrow(first);

    // Two open cases beyond the first (most urgent) page, assigned to neither Mei nor Lukas.
    let urgent = env.walk("/v1/cases?sort=urgency", 100).await;
    let beyond: Vec<&serde_json::Value> = urgent[100..]
        .iter()
        .filter(|c| s(&c["status"]) != "Closed")
        .filter(|c| !matches!(c["assigned_to"].as_str(), Some("usr_mei" | "usr_lukas")))
        .collect();
    let (moved, hidden) = (beyond[0], beyond[1]);
    let (moved_name, hidden_name) = (
        s(&moved["name"]).to_string(),
        s(&hidden["name"]).to_string(),
    );
    env.patch(
        &format!("/v1/cases/{}", s(&moved["token"])),
        serde_json::json!({ "assigned_to": "usr_mei" }),
    )
    .await
    .ok();
    let db = rusqlite::Connection::open(common::db_path(&env.dir)).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    let changed = db
        .execute(
            "UPDATE cases SET assigned_to = 'usr_lukas' WHERE token = ?1",
            [s(&hidden["token"])],
        )
        .unwrap();
    assert_eq!(changed, 1);

    let second = tokio::task::spawn_blocking(move || {
        let mut c = Console::start_in(&url, &key, &["--poll-secs", "3600"], &home_path);
        whole(&c, 250);
        let moved_row = row_of(&mut c, &moved_name);
        assert!(moved_row.contains("Mei Tanaka"), "{moved_row}");
        let hidden_row = row_of(&mut c, &hidden_name);
        assert!(!hidden_row.contains("Lukas Brandt"), "{hidden_row}");
        c.keys("q");
        assert!(c.wait_exit().success());
    });
    rethrow(second.await);
    drop(home);
}
