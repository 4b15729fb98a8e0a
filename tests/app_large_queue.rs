//! A large queue's filter: the key is echoed at once and the matching runs on the matcher's
//! threads; the last rows stay until the new ones arrive (`Action::Matched`), and they are then
//! exactly what a small queue would show at once: best first, ties in queue order, a literal
//! substring before scattered matches. Typing on narrows; Down while waiting keeps the place.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::queue::SYNC_MATCH_LIMIT;
use docket::app::{Action, State, update};
use docket::domain::CaseStatus;
use docket::domain::model::Case;
use docket::ui::{Theme, view};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::records::{NOW, now};

const FIRMS: [&str; 6] = [
    "Nordlicht Logistik GmbH",
    "Ava McAllister",
    "Harbour & Finch LLP",
    "Okafor Trading Ltd",
    "Brandt Maschinenbau AG",
    "Tanaka Shipping KK",
];

fn cases(n: usize) -> Vec<Case> {
    (0..n)
        .map(|i| Case {
            token: format!("cas_{i}"),
            name: format!("CAS-{i:06}"),
            primary_entity: Some(format!("{} {}", FIRMS[i % FIRMS.len()], i % 97)),
            sla_deadline: Timestamp::from_second(NOW + ((i * 7919) % 5000) as i64 * 60).ok(),
            ..common::records::case(CaseStatus::InProgress)
        })
        .collect()
}

fn key(s: &mut State, c: char) {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

/// A state with `n` cases loaded whose matcher wakes `woke` when matches are ready.
fn loaded(n: usize) -> (State, mpsc::Receiver<()>) {
    let mut s = State::new("sandbox", now());
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    s.queue.waker.set(Box::new(move || {
        let _ = tx.lock().unwrap().send(());
    }));
    // No wait at all for the matches: every key goes the way a slow match would.
    s.queue.match_wait_ms = Some(0);
    update(&mut s, Action::Resize(120, 40));
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases(n).into(),
            at: now(),
        },
    );
    (s, rx)
}

/// Waits (bounded) for the matcher to say its matches are ready, and hands them over as the
/// console would, until the queue has them.
fn settle(s: &mut State, woke: &mpsc::Receiver<()>) {
    while s.queue.matching {
        woke.recv_timeout(Duration::from_secs(30))
            .expect("the matcher says when its matches are ready");
        update(s, Action::Matched);
    }
}

fn screen(s: &State) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| view(s, &Theme::dark(), f)).unwrap();
    term.backend().to_string()
}

fn shown(s: &State) -> Vec<String> {
    s.queue
        .view
        .iter()
        .map(|&i| s.queue.cases.get(i).token.to_string())
        .collect()
}

#[test]
fn a_large_queue_matches_off_the_key_and_ends_as_a_small_one_would() {
    let n = SYNC_MATCH_LIMIT + 5_000;
    let (mut s, woke) = loaded(n);
    let before = shown(&s);
    key(&mut s, '/');
    for (typed, c) in "mcal".chars().enumerate() {
        let last = if typed == 0 {
            before.clone()
        } else {
            shown(&s)
        };
        key(&mut s, c);
        assert!(s.queue.filter.ends_with(c), "the key is echoed at once");
        if typed == 0 {
            assert!(
                s.queue.matching,
                "the first key does not wait for 25,000 cases"
            );
        }
        if s.queue.matching {
            // Until the matches arrive, the rows are the last ones found, and the filter line
            // says they are being worked out.
            assert_eq!(shown(&s), last);
            assert!(screen(&s).contains("matching…"), "{}", screen(&s));
        }
        settle(&mut s, &woke);
    }
    let large = shown(&s);
    assert!(!large.is_empty());
    assert_eq!(
        s.queue.selected.as_deref(),
        Some(large[0].as_str()),
        "the best match is selected once it is in"
    );

    // The same cases, fewer than the limit's worth at a time, match at once: the same rows in
    // the same order as the large queue found.
    let mut small = State::new("sandbox", now());
    update(&mut small, Action::Resize(120, 40));
    let all = cases(n);
    let some: Vec<Case> = all
        .iter()
        .filter(|c| large.contains(&c.token) || c.token.ends_with('3'))
        .take(SYNC_MATCH_LIMIT)
        .cloned()
        .collect();
    update(
        &mut small,
        Action::QueueLoaded {
            cases: some.into(),
            at: now(),
        },
    );
    key(&mut small, '/');
    for c in "mcal".chars() {
        key(&mut small, c);
        assert!(!small.queue.matching, "a small queue never waits");
    }
    assert_eq!(shown(&small), large);
    // A literal substring first: every "McAl…" row before any scattered match.
    let first_scattered = large
        .iter()
        .position(|t| {
            let i: usize = t[4..].parse().unwrap();
            !FIRMS[i % FIRMS.len()].to_lowercase().contains("mcal")
        })
        .unwrap_or(large.len());
    assert!(first_scattered > 0);
    assert!(large[first_scattered..].iter().all(|t| {
        let i: usize = t[4..].parse().unwrap();
        !FIRMS[i % FIRMS.len()].to_lowercase().contains("mcal")
    }));
}

/// Moving while the matches are worked out keeps the row moved to: the best match is not
/// forced on it when they arrive.
#[test]
fn moving_while_matching_is_not_undone_when_the_matches_arrive() {
    let (mut s, woke) = loaded(SYNC_MATCH_LIMIT + 5_000);
    key(&mut s, '/');
    key(&mut s, 'a');
    settle(&mut s, &woke);
    key(&mut s, 'v');
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
    );
    let moved = s.queue.selected.clone();
    settle(&mut s, &woke);
    if s.queue
        .view
        .iter()
        .any(|&i| Some(s.queue.cases.get(i).token) == moved.as_deref())
    {
        assert_eq!(s.queue.selected, moved);
    }
}
