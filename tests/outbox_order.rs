//! Property: whatever the interleaving of reviews on shared targets and whatever fails on the
//! way (before the server commits, or after it commits and before it answers), every entry of
//! the sending identity lands exactly once, entries that share a target land in the order they
//! were written, and entries another key wrote are never sent.
//!
//! The server here is an in-process model of an API that honours Idempotency-Key (the sandbox
//! does the same over HTTP in tests/outbox.rs); what is under test is the outbox's sender: its
//! parallelism, retries and ordering, over hundreds of random histories.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use docket::domain::ResolutionAction;
use docket::domain::model::Case;
use docket::domain::review::{Submission, Target, ordered};
use docket::provider::{Capabilities, Provider, ProviderError, Vendor};
use docket::sync::identity::Identity;
use docket::sync::outbox::{Backoff, Event, Outbox};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};

/// What a write attempt meets.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Lands,
    /// 503 before anything is stored.
    FailsBefore,
    /// Stored, then the answer is lost (503).
    FailsAfter,
}

#[derive(Debug)]
struct Model {
    rng: rand::rngs::StdRng,
    fail_rate: f64,
    /// Idempotency keys already applied.
    applied_keys: HashMap<String, String>,
    /// The markers of applied submissions, in the order the server applied them.
    applied: Vec<String>,
}

#[derive(Debug)]
struct FlakyServer {
    caps: Capabilities,
    model: Mutex<Model>,
}

fn marker(s: &Submission) -> String {
    s.text().unwrap_or_default().to_string()
}

#[async_trait]
impl Provider for FlakyServer {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }
    fn describe(&self) -> String {
        "model".into()
    }
    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        Ok(Some(vec![]))
    }
    async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        Err(ProviderError::Invalid(format!("no case {token}")))
    }
    async fn submit(&self, s: &Submission, key: &str) -> Result<String, ProviderError> {
        // Requests overlap in time like real ones do.
        tokio::task::yield_now().await;
        let mut m = self.model.lock().unwrap();
        if let Some(done) = m.applied_keys.get(key) {
            return Ok(done.clone());
        }
        let roll: f64 = m.rng.random_range(0.0..1.0);
        let fate = if roll < m.fail_rate / 2.0 {
            Fate::FailsBefore
        } else if roll < m.fail_rate {
            Fate::FailsAfter
        } else {
            Fate::Lands
        };
        let unavailable = ProviderError::Api {
            status: 503,
            code: "UNAVAILABLE".into(),
            message: "injected".into(),
            request_id: None,
            retry_after: None,
        };
        match fate {
            Fate::FailsBefore => Err(unavailable),
            Fate::FailsAfter | Fate::Lands => {
                let what = format!("applied {}", marker(s));
                m.applied_keys.insert(key.to_string(), what.clone());
                m.applied.push(marker(s));
                match fate {
                    Fate::FailsAfter => Err(unavailable),
                    _ => Ok(what),
                }
            }
        }
    }
}

/// One review in a random history: which target, and whether another key wrote it.
#[derive(Clone, Debug)]
struct Step {
    target: u8,
    foreign: bool,
}

/// Targets: alerts 0..4 (alert i belongs to case i % 2) and the two cases themselves.
fn submission(target: u8, n: usize) -> (Submission, String) {
    let text = format!("entry-{n}");
    if target < 4 {
        (
            Submission::Resolve {
                tokens: vec![format!("alt_{target}")],
                action: ResolutionAction::Decline,
                rationale: text,
                false_positive: false,
                conditions: None,
            },
            format!("cas_{}", target % 2),
        )
    } else {
        let case = format!("cas_{}", target - 4);
        (
            Submission::Comment {
                mentions: vec![],
                case: case.clone(),
                body: text,
            },
            case,
        )
    }
}

fn run(history: Vec<Step>, fail_rate: f64, seed: u64) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("local.db");
    let me = Identity::new("eu", "aaaa");
    let other = Identity::new("eu", "bbbb");
    let mine = Outbox::open(&store, &me).unwrap();
    let theirs = Outbox::open(&store, &other).unwrap();
    // Written in this order: entry n is the n-th written.
    let mut written: Vec<(String, Vec<Target>, bool)> = Vec::new();
    for (n, step) in history.iter().enumerate() {
        let (s, case) = submission(step.target, n);
        let outbox = if step.foreign { &theirs } else { &mine };
        outbox.enqueue("review", &s, Some(&case)).unwrap();
        written.push((marker(&s), s.order_keys(Some(&case)), step.foreign));
    }
    let server = Arc::new(FlakyServer {
        caps: Capabilities::all(Vendor::Zenoo),
        model: Mutex::new(Model {
            rng: rand::rngs::StdRng::seed_from_u64(seed),
            fail_rate,
            applied_keys: HashMap::new(),
            applied: Vec::new(),
        }),
    });
    let expected = written.iter().filter(|(_, _, f)| !f).count();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let backoff = Backoff {
            base: Duration::from_millis(1),
            max: Duration::from_millis(4),
        };
        let sender = mine.start(server.clone(), tx, backoff, 4);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut landed = 0;
        while landed < expected {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, rx.recv()).await {
                Ok(Some(Event::Landed { .. })) => landed += 1,
                Ok(Some(Event::Failed { error, .. } | Event::KeyRefused { error, .. })) => {
                    panic!("refused for good: {error}")
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("only {landed} of {expected} landed"),
            }
        }
        sender.abort();
    });
    let applied = server.model.lock().unwrap().applied.clone();
    // Each of mine exactly once; none of theirs.
    for (m, _, foreign) in &written {
        let times = applied.iter().filter(|a| *a == m).count();
        prop_assert_eq!(
            times,
            usize::from(!foreign),
            "{} applied {} times",
            m,
            times
        );
    }
    // Written order kept wherever two share a target.
    let at: HashMap<&str, usize> = applied
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    for (i, (a, ka, fa)) in written.iter().enumerate() {
        for (b, kb, fb) in &written[i + 1..] {
            if !fa && !fb && ordered(ka, kb) {
                prop_assert!(
                    at[a.as_str()] < at[b.as_str()],
                    "{} was written before {} on a shared target but applied after it: {:?}",
                    a,
                    b,
                    applied
                );
            }
        }
    }
    // Theirs wait, held, for their own key.
    let counts = mine.counts().unwrap();
    prop_assert_eq!(counts.pending, 0);
    let foreign = written.iter().filter(|w| w.2).count() as u32;
    prop_assert_eq!(counts.held_total(), foreign);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn written_order_holds_per_target_and_each_lands_once(
        history in prop::collection::vec(
            (0u8..6, prop::bool::weighted(0.2)).prop_map(|(target, foreign)| Step { target, foreign }),
            1..24,
        ),
        fail_rate in 0.0f64..0.6,
        seed in any::<u64>(),
    ) {
        run(history, fail_rate, seed)?;
    }
}
