//! Finding cases with the real binary in a pseudo-terminal against a real sandbox (the shared
//! harness, `tests/common/pty.rs`): a closed case opened by its reference, a case the console
//! has not loaded fetched from the server by its reference, and a case found by a UBO's name.
//! Every wait is for a condition on the screen, with a deadline.

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

fn online(c: &Console) {
    c.wait_until(
        "the queue, online, with the user",
        Duration::from_secs(20),
        |s| s.contains("● online") && s.contains("Queue") && s.contains("Amara Okafor"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_case_and_one_not_loaded_open_by_their_reference() {
    let env = common::start(60).await;
    let key = env.analyst();
    let url = env.sandbox.url();
    let closed = env.walk("/v1/cases?status=Closed&sort=name", 5).await[0].clone();
    let closed_name = s(&closed["name"]).to_string();
    let decision = s(&closed["decision"]).to_string();
    assert!(!decision.is_empty(), "{closed}");

    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let (made_tx, made_rx) = std::sync::mpsc::channel::<(String, String)>();
    let console = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        online(&c);
        // `/`, the reference, Enter: the case opens at once, said to be closed.
        c.keys("/");
        c.keys(&closed_name.to_lowercase());
        c.wait_until("the filter typed", Duration::from_secs(10), |s| {
            s.contains(&format!("/{}", closed_name.to_lowercase()))
        });
        c.keys("\r");
        let screen = c.wait_until("the closed case open", Duration::from_secs(10), |s| {
            s.contains("Summary") && s.contains(&format!("{closed_name} is closed ({decision})"))
        });
        assert!(screen.contains("Closed"), "{screen}");

        // A case created after the queue was loaded: the console has never seen it. The
        // palette, its reference, Enter: looked up on the server and opened.
        tx.send(()).unwrap();
        let (name, entity) = made_rx.recv().unwrap();
        c.keys("\x1b");
        c.wait_until("back in the queue", Duration::from_secs(10), |s| {
            s.contains("Enter open")
        });
        c.keys(":");
        c.wait_until("the palette", Duration::from_secs(10), |s| {
            s.contains("Commands")
        });
        c.keys(&name);
        c.wait_until(
            "the palette says it looks the case up",
            Duration::from_secs(10),
            |s| s.contains("Enter looks the case up"),
        );
        c.keys("\r");
        let screen = c.wait_until("the new case open", Duration::from_secs(15), |s| {
            s.contains("Summary") && s.contains(&name) && s.contains(&entity)
        });
        assert!(screen.contains("New"), "{screen}");

        // A reference nobody has: one plain line.
        c.keys("\x1b");
        c.wait_until("back in the queue", Duration::from_secs(10), |s| {
            s.contains("Enter open")
        });
        c.keys(":");
        c.wait_until("the palette", Duration::from_secs(10), |s| {
            s.contains("Commands")
        });
        c.keys("CAS-999999\r");
        c.wait_until("not found, said plainly", Duration::from_secs(10), |s| {
            s.contains("No case CAS-999999.")
        });
        c.keys("q");
        assert!(c.wait_exit().success());
    });
    tokio::task::spawn_blocking(move || rx.recv().unwrap())
        .await
        .unwrap();
    let made = env.company_case("NO", "Software and IT services").await;
    made_tx
        .send((
            s(&made["name"]).to_string(),
            s(&made["entity_name"]).to_string(),
        ))
        .unwrap();
    rethrow(console.await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_is_found_by_the_name_of_its_ubo() {
    let env = common::start(60).await;
    let key = env.analyst();
    let url = env.sandbox.url();
    // An open case with a UBO whose name is on no other case.
    let mut target = None;
    'cases: for c in env
        .walk("/v1/cases?status=In%20Progress&sort=name", 60)
        .await
    {
        let t = s(&c["token"]).to_string();
        let report = env
            .get(&format!("/v1/cases/{t}/compliance-report"))
            .await
            .ok();
        for e in report.data()["entities"].as_array().unwrap() {
            if e["role"] == "UBO" {
                let ubo = s(&e["full_name"]).to_string();
                let q: String = ubo.bytes().map(|b| format!("%{b:02X}")).collect();
                if env.walk(&format!("/v1/cases?q={q}"), 5).await.len() == 1 {
                    target = Some((s(&c["name"]).to_string(), ubo));
                    break 'cases;
                }
            }
        }
    }
    let (case_name, ubo) = target.expect("a case with a UBO in the seed");

    let result = tokio::task::spawn_blocking(move || {
        let mut c = Console::start(&url, &key, &["--poll-secs", "3600"]);
        online(&c);
        c.keys("/");
        c.keys(&ubo);
        // The loaded cases do not carry UBO names: the row comes from the API's search.
        let screen = c.wait_until("the API's hit", Duration::from_secs(15), |s| {
            s.contains("(loaded cases + API: 1 found)")
                && s.lines().any(|l| l.contains('▶') && l.contains(&case_name))
        });
        assert!(screen.contains(&format!("/{ubo}")), "{screen}");
        c.keys("\r");
        c.keys("\r");
        c.wait_until("the case open", Duration::from_secs(10), |s| {
            s.contains("Summary") && s.contains(&case_name)
        });
        c.keys("q");
        assert!(c.wait_exit().success());
    })
    .await;
    rethrow(result);
}
