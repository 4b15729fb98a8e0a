//! `docket cases list` takes the console's filters and sort (one implementation, in
//! `app::find` and `app::queue`): the real binary against a real sandbox.

mod common;

use common::cli::{Home, Run, docket};
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

async fn run(args: Vec<String>, home: &Home) -> Run {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    docket(home, &a, None).await
}

fn names(r: &Run) -> Vec<String> {
    r.json()
        .as_array()
        .expect("an array of cases")
        .iter()
        .map(|c| s(&c["name"]).to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_and_sorts_as_the_queue_does() {
    let env = common::start(60).await;
    let url = env.sandbox.url();
    let mut home = Home::new(&env.analyst());
    let all = env.walk("/v1/cases", 100).await;
    let open: Vec<&Value> = all.iter().filter(|c| c["status"] != "Closed").collect();
    let list = |args: &[&str]| {
        let mut v = vec!["cases", "list", "--json", "--api-url", &url];
        v.extend_from_slice(args);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };

    // Risk tier, and a sort by risk score: highest first; `:asc` the other way.
    let r = run(list(&["--risk", "high", "--sort", "risk"]), &home)
        .await
        .expect(0);
    let high: Vec<&&Value> = open.iter().filter(|c| c["risk_tier"] == "High").collect();
    assert!(high.len() > 1);
    let listed = r.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), high.len());
    let scores: Vec<f64> = listed
        .iter()
        .map(|c| c["risk_score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let r = run(list(&["--risk", "High", "--sort", "risk:asc"]), &home)
        .await
        .expect(0);
    let mut reversed = names(&r);
    reversed.reverse();
    let by_desc: Vec<String> = listed.iter().map(|c| s(&c["name"]).to_string()).collect();
    assert_eq!(
        reversed.iter().collect::<std::collections::HashSet<_>>(),
        by_desc.iter().collect::<std::collections::HashSet<_>>()
    );

    // Assignee by id or by name, and type.
    let amara: Vec<String> = open
        .iter()
        .filter(|c| c["assigned_to"] == "usr_amara" && c["type"] == "Onboarding")
        .map(|c| s(&c["name"]).to_string())
        .collect();
    let r = run(
        list(&[
            "--assignee",
            "usr_amara",
            "--type",
            "onboarding",
            "--sort",
            "name",
        ]),
        &home,
    )
    .await
    .expect(0);
    let mut want = amara.clone();
    want.sort();
    assert_eq!(names(&r), want);
    let r = run(
        list(&[
            "--assignee",
            "Amara Okafor",
            "--type",
            "onboarding",
            "--sort",
            "name",
        ]),
        &home,
    )
    .await
    .expect(0);
    assert_eq!(names(&r), want);

    // --q finds a case by a UBO's name, closed cases too, without --closed.
    let mut ubo = None;
    'cases: for c in all.iter().filter(|c| c["status"] == "Closed") {
        let t = s(&c["token"]);
        let report = env
            .get(&format!("/v1/cases/{t}/compliance-report"))
            .await
            .ok();
        for e in report.data()["entities"].as_array().unwrap() {
            if e["role"] == "UBO" || e["role"] == "Director" {
                ubo = Some((s(&c["name"]).to_string(), s(&e["full_name"]).to_string()));
                break 'cases;
            }
        }
    }
    let (closed_case, person) = ubo.expect("a closed case with a UBO or director");
    let r = run(list(&["--q", &person]), &home).await.expect(0);
    assert!(
        names(&r).contains(&closed_case),
        "{person}: {:?}",
        names(&r)
    );

    // A saved view of the console, by name; options add to it.
    home.config(
        "[[views]]\nname = \"Hot\"\nrisk = \"high\"\nsort = \"alerts\"\n",
        &[],
    );
    let r = run(list(&["--view", "hot"]), &home).await.expect(0);
    let hot = r.json();
    let alerts: Vec<i64> = hot
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["open_alerts"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(alerts.len(), high.len());
    assert!(alerts.windows(2).all(|w| w[0] >= w[1]), "{alerts:?}");
    let r = run(list(&["--view", "Hot", "--unassigned"]), &home)
        .await
        .expect(0);
    assert_eq!(
        names(&r).len(),
        high.iter().filter(|c| c["assigned_to"].is_null()).count()
    );

    // Mistakes are one plain line, exit 2.
    for (args, says) in [
        (
            vec!["--view", "Nope"],
            "no view Nope; views: Hot, Awaiting my approval",
        ),
        (vec!["--sort", "riks"], "unknown sort \"riks\""),
        (vec!["--risk", "extreme"], "unknown risk tier \"extreme\""),
    ] {
        let r = run(list(&args), &home).await.expect(2);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(!r.stdout.contains("\"token\""), "no list: {}", r.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approver_lists_what_awaits_their_approval() {
    let env = common::start(60).await;
    let url = env.sandbox.url();
    let home = Home::new(&env.key_of("usr_sofia"));
    let all = env.walk("/v1/cases", 100).await;
    let mut want: Vec<String> = all
        .iter()
        .filter(|c| {
            c["awaiting_approval"]
                .as_array()
                .is_some_and(|a| a.iter().any(|u| u == "usr_sofia"))
        })
        .map(|c| s(&c["name"]).to_string())
        .collect();
    want.sort();
    assert!(!want.is_empty(), "the seed asks usr_sofia for approvals");
    let r = docket(
        &home,
        &[
            "cases",
            "list",
            "--awaiting-approval",
            "--sort",
            "name",
            "--json",
            "--api-url",
            &url,
        ],
        None,
    )
    .await
    .expect(0);
    assert_eq!(names(&r), want);
    // The built-in view by name, the same.
    let r = docket(
        &home,
        &[
            "cases",
            "list",
            "--view",
            "awaiting my approval",
            "--sort",
            "name",
            "--json",
            "--api-url",
            &url,
        ],
        None,
    )
    .await
    .expect(0);
    assert_eq!(names(&r), want);
}
