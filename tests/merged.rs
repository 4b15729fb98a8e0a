//! Two real sandboxes merged into one queue, as `docket --profile eu --profile us` does: tokens
//! are qualified with their source, every read and write is routed to the right API, and a
//! review goes exactly where its case lives.

mod common;

use std::sync::Arc;

use docket::domain::ResolutionAction;
use docket::domain::review::Submission;
use docket::provider::merged::Merged;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};

fn zenoo(env: &common::Env) -> Arc<dyn Provider> {
    docket::provider::connect(Connect::new(
        Vendor::Zenoo,
        &env.sandbox.url(),
        ApiKey::new(env.analyst()),
    ))
    .unwrap()
}

#[tokio::test]
async fn two_queues_merge_and_each_review_reaches_its_own_api() {
    let (eu, us) = (common::start(6).await, common::start(4).await);
    let merged = Merged::new(vec![("eu".into(), zenoo(&eu)), ("us".into(), zenoo(&us))]).unwrap();
    assert_eq!(merged.describe(), "eu+us");
    assert_eq!(merged.sources().len(), 2);

    let cases = merged.queue().await.unwrap().expect("a first load");
    assert_eq!(cases.len(), 10);
    for c in &cases {
        let src = c.source.as_deref().unwrap();
        assert!(c.token.starts_with(&format!("{src}|cas_")), "{}", c.token);
    }
    assert_eq!(
        cases
            .iter()
            .filter(|c| c.source.as_deref() == Some("us"))
            .count(),
        4
    );
    // Nothing changed on either side: both answer 304, and so does the merge. (Time-derived
    // fields tick once a minute, docs/api.md: one poll may straddle a tick, the next cannot.)
    if merged.queue().await.unwrap().is_some() {
        assert_eq!(merged.queue().await.unwrap(), None);
    }

    // A US case, opened and commented on: the comment lands on the US API only.
    let us_case = cases
        .iter()
        .find(|c| c.source.as_deref() == Some("us") && c.status.as_str() != "Closed")
        .unwrap();
    let fresh = merged.case(&us_case.token).await.unwrap();
    assert_eq!(fresh.token, us_case.token);
    let own = us_case.token.split_once('|').unwrap().1;
    merged
        .submit(
            &Submission::Comment {
                mentions: vec![],
                case: us_case.token.clone(),
                body: "Routed to the US API.".into(),
            },
            "idem-merged-1",
        )
        .await
        .unwrap();
    let on_us = us
        .get(&format!("/v1/cases/{own}/comments?limit=100"))
        .await
        .ok();
    assert!(on_us.body.to_string().contains("Routed to the US API."));
    // Both sandboxes were seeded alike, so the EU API has a case with the very same token:
    // the collision qualified tokens exist for. It did not get the comment.
    let on_eu = eu
        .get(&format!("/v1/cases/{own}/comments?limit=100"))
        .await
        .ok();
    assert!(!on_eu.body.to_string().contains("Routed to the US API."));

    // An EU alert resolved through the merge: its qualified token routes it.
    let eu_case = cases
        .iter()
        .find(|c| c.source.as_deref() == Some("eu") && c.open_alerts.unwrap_or(0) > 0)
        .unwrap();
    let alerts = merged.alerts(&eu_case.token).await.unwrap();
    let open = alerts
        .iter()
        .find(|a| a.status.as_str() == "Open")
        .expect("an open alert");
    assert!(open.token.starts_with("eu|alt_"), "{}", open.token);
    let what = merged
        .submit(
            &Submission::Resolve {
                tokens: vec![open.token.clone()],
                action: ResolutionAction::Decline,
                rationale: "Confirmed match.".into(),
                false_positive: false,
                conditions: None,
            },
            "idem-merged-2",
        )
        .await
        .unwrap();
    assert!(what.contains("Decline"), "{what}");
    let own_alert = open.token.split_once('|').unwrap().1;
    let a = eu.get(&format!("/v1/alerts/{own_alert}")).await.ok();
    assert_eq!(a.data()["resolution_rationale"], "Confirmed match.");
    // The queue has changed on the EU side only; the merge reloads and keeps the US cases.
    let again = merged.queue().await.unwrap().expect("changed");
    assert_eq!(again.len(), 10);

    // One review cannot span two profiles, and an unqualified token is refused, unsent.
    let mixed = Submission::Acknowledge {
        tokens: vec![open.token.clone(), format!("us|{own_alert}")],
    };
    let e = merged.submit(&mixed, "idem-merged-3").await.unwrap_err();
    assert!(
        matches!(&e, ProviderError::Invalid(m) if m.contains("span two profiles")),
        "{e}"
    );
    let e = merged
        .submit(
            &Submission::Comment {
                mentions: vec![],
                case: own.to_string(),
                body: "x".into(),
            },
            "idem-merged-4",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ProviderError::Invalid(_)), "{e}");
}

#[tokio::test]
async fn names_must_be_unique_and_routable() {
    let env = common::start(2).await;
    let p = zenoo(&env);
    assert!(Merged::new(vec![("a".into(), p.clone())]).is_err());
    assert!(Merged::new(vec![("a".into(), p.clone()), ("a".into(), p.clone())]).is_err());
    assert!(Merged::new(vec![("a|b".into(), p.clone()), ("c".into(), p.clone())]).is_err());
    let m = Merged::new(vec![("a".into(), p.clone()), ("b".into(), p)]).unwrap();
    let e = m.case("c|cas_1").await.unwrap_err();
    assert!(
        e.to_string().contains("profile c, which is not open"),
        "{e}"
    );
}

/// Searching merged profiles asks every source that can search; the hits come back qualified
/// with their source, and a qualified token or a reference finds its case.
#[tokio::test]
async fn a_search_asks_every_source_and_a_reference_finds_its_case() {
    let (eu, us) = (common::start(6).await, common::start(4).await);
    let merged = Merged::new(vec![("eu".into(), zenoo(&eu)), ("us".into(), zenoo(&us))]).unwrap();
    assert!(merged.capabilities().search);
    // Both sandboxes name their cases CAS-000001…: a search for it finds one in each.
    let hits = merged.search("CAS-000001", 10).await.unwrap().unwrap();
    let mut sources: Vec<&str> = hits.iter().filter_map(|c| c.source.as_deref()).collect();
    sources.sort_unstable();
    assert_eq!(sources, ["eu", "us"]);
    let us_token = hits
        .iter()
        .find(|c| c.source.as_deref() == Some("us"))
        .unwrap()
        .token
        .clone();
    let found = merged.find_case(&us_token).await.unwrap().unwrap();
    assert_eq!(found.token, us_token);
    assert_eq!(merged.find_case("us|cas_nope").await.unwrap(), None);
    // A reference both have: the first source's.
    let found = merged.find_case("cas-000001").await.unwrap().unwrap();
    assert_eq!(found.name, "CAS-000001");
}
