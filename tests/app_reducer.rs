//! The console's reducer: key → action → state, no terminal and no network.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::state::{Focus, Loadable, Mode, Tab};
use docket::app::update::{CasePart, Command};
use docket::app::{Action, Effect, State, update};
use docket::domain::model::{Case, User, UserRef};
use docket::domain::{CaseStatus, RiskTier, SlaStatus, Wire};
use jiff::Timestamp;

use common::records::NOW;

fn case(token: &str, name: &str, hours_left: i64, status: CaseStatus) -> Case {
    Case {
        token: token.into(),
        name: name.into(),
        primary_entity: Some(format!("{name} Holdings")),
        sla_deadline: Timestamp::from_second(NOW + hours_left * 3600).ok(),
        sla_status: Some(Wire::Known(if hours_left < 0 {
            SlaStatus::Breached
        } else {
            SlaStatus::OnTrack
        })),
        open_alerts: Some(0),
        ..common::records::case(status)
    }
}

fn state_with(cases: Vec<Case>) -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases.into(),
            at: now,
        },
    );
    s
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn names(s: &State) -> Vec<&str> {
    s.queue
        .view
        .iter()
        .map(|&i| s.queue.cases.get(i).name)
        .collect()
}

fn selected(s: &State) -> &str {
    s.queue.selected_case().unwrap().name
}

fn sample() -> Vec<Case> {
    vec![
        case("cas_a", "Alpha", 48, CaseStatus::InProgress),
        case("cas_b", "Bravo", -3, CaseStatus::InReview),
        case("cas_c", "Charlie", 5, CaseStatus::New),
        case("cas_d", "Delta", -100, CaseStatus::Closed),
        case("cas_e", "Echo", 200, CaseStatus::Escalated),
    ]
}

#[test]
fn the_queue_shows_open_cases_most_urgent_first() {
    let mut s = state_with(sample());
    assert_eq!(names(&s), ["Bravo", "Charlie", "Alpha", "Echo"]);
    assert_eq!(selected(&s), "Bravo");
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(
        names(&s),
        ["Bravo", "Charlie", "Alpha", "Echo", "Delta"],
        "closed cases last"
    );
}

#[test]
fn navigation_clamps_and_jumps() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(selected(&s), "Bravo");
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Down);
    assert_eq!(selected(&s), "Alpha");
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(selected(&s), "Echo");
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(selected(&s), "Echo");
    key(&mut s, KeyCode::Char('g'));
    assert_eq!(selected(&s), "Bravo");
    key(&mut s, KeyCode::PageDown);
    assert_eq!(selected(&s), "Echo");
}

#[test]
fn the_selection_follows_its_case_across_a_refresh() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(selected(&s), "Charlie");
    // A refresh reorders: Charlie is no longer second, but stays selected.
    let mut next = sample();
    next[2].sla_deadline = Timestamp::from_second(NOW + 1000 * 3600).ok();
    next.push(case("cas_f", "Foxtrot", -50, CaseStatus::InProgress));
    update(
        &mut s,
        Action::QueueLoaded {
            cases: next.into(),
            at: Timestamp::from_second(NOW + 15).unwrap(),
        },
    );
    assert_eq!(selected(&s), "Charlie");
    assert_eq!(names(&s), ["Foxtrot", "Bravo", "Alpha", "Echo", "Charlie"]);
    // If the selected case leaves, the cursor stays at the same height.
    let row = s.queue.selected_row().unwrap();
    let gone: Vec<Case> = sample()
        .into_iter()
        .filter(|c| c.token != "cas_c")
        .collect();
    update(
        &mut s,
        Action::QueueLoaded {
            cases: gone.into(),
            at: Timestamp::from_second(NOW + 30).unwrap(),
        },
    );
    assert_eq!(
        s.queue.selected_row().unwrap(),
        row.min(s.queue.view.len() - 1)
    );
}

#[test]
fn slash_filters_fuzzily_and_escape_clears() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('/'));
    assert_eq!(s.ui.mode, Mode::Filter);
    typed(&mut s, "chr");
    assert_eq!(names(&s), ["Charlie"]);
    assert_eq!(selected(&s), "Charlie");
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "hold");
    assert_eq!(
        names(&s).len(),
        5,
        "the primary entity is searched too, on closed cases as well"
    );
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(s.queue.filter, "hold");
    key(&mut s, KeyCode::Char('/'));
    key(&mut s, KeyCode::Esc);
    assert!(s.queue.filter.is_empty());
    assert_eq!(names(&s).len(), 4);
    // In filter mode, q is text, not quit.
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "q");
    assert!(!s.ui.should_quit);
}

#[test]
fn quick_filters_combine_and_clear() {
    let mut cases = sample();
    cases[0].assigned_to = Some(UserRef {
        id: "usr_me".into(),
        name: None,
    });
    cases[1].risk_tier = Some(Wire::Known(RiskTier::High));
    let mut s = state_with(cases);
    update(
        &mut s,
        Action::MeLoaded(Some(User {
            id: "usr_me".into(),
            name: "Me".into(),
            email: None,
            role: None,
            can_write: true,
        })),
    );
    // Number keys select the saved view at that place in the tabs (Open, Mine, Unassigned,
    // Breached, High risk): they switch, never stack.
    key(&mut s, KeyCode::Char('2'));
    assert_eq!(names(&s), ["Alpha"]);
    assert_eq!(s.ui.view, 1);
    key(&mut s, KeyCode::Char('3'));
    assert_eq!(
        names(&s),
        ["Bravo", "Charlie", "Echo"],
        "unassigned, not mine AND unassigned"
    );
    assert_eq!(s.ui.view, 2);
    key(&mut s, KeyCode::Char('4'));
    assert_eq!(names(&s), ["Bravo"]);
    key(&mut s, KeyCode::Char('5'));
    assert_eq!(names(&s), ["Bravo"]);
    key(&mut s, KeyCode::Char('1'));
    assert_eq!(names(&s).len(), 4);
    assert_eq!(s.ui.view, 0);
    // A view that does not exist says so and changes nothing.
    key(&mut s, KeyCode::Char('9'));
    assert_eq!(s.ui.view, 0);
    assert!(
        s.ui.flash
            .as_deref()
            .is_some_and(|f| f.contains("No view 9"))
    );
    // Filters that combine are built on purpose, from the palette.
    update(&mut s, Action::Command(Command::ToggleMine));
    update(&mut s, Action::Command(Command::ToggleBreached));
    assert!(names(&s).is_empty(), "mine and breached: {:?}", names(&s));
    key(&mut s, KeyCode::Char('0'));
    assert_eq!(names(&s).len(), 4);
}

#[test]
fn enter_opens_the_case_and_loads_its_alerts() {
    let mut s = state_with(sample());
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects, [Effect::LoadCase("cas_b".into())]);
    assert_eq!(s.ui.focus, Focus::Detail);
    assert_eq!(s.detail.as_ref().unwrap().alerts, Loadable::Loading);
    // A late answer for another case is ignored.
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_x".into(),
            part: Box::new(CasePart::Alerts(Ok(vec![]))),
        },
    );
    assert_eq!(s.detail.as_ref().unwrap().alerts, Loadable::Loading);
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_b".into(),
            part: Box::new(CasePart::Alerts(Ok(vec![]))),
        },
    );
    assert_eq!(s.detail.as_ref().unwrap().alerts, Loadable::Ready(vec![]));
    key(&mut s, KeyCode::Char(']'));
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Entities);
    key(&mut s, KeyCode::Char(']'));
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Alerts);
    // j in the detail does not move the queue.
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(selected(&s), "Bravo");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.ui.focus, Focus::Queue);
    key(&mut s, KeyCode::Esc);
    assert!(s.detail.is_none());
    // Refresh reloads the queue (and the open case's alerts).
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        key(&mut s, KeyCode::Char('r')),
        [Effect::LoadQueue, Effect::LoadCase("cas_b".into())]
    );
}

#[test]
fn help_and_quit() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('?'));
    assert_eq!(s.ui.mode, Mode::Help);
    // j scrolls help, and moves nothing behind it.
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.ui.mode, Mode::Help);
    assert_eq!(selected(&s), "Bravo");
    key(&mut s, KeyCode::Char('x'));
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(
        selected(&s),
        "Bravo",
        "the key that closed help did nothing else"
    );
    key(&mut s, KeyCode::Char('q'));
    assert!(s.ui.should_quit);
    let mut s = state_with(vec![]);
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.ui.should_quit);
    assert!(s.queue.selected.is_none());
}

#[test]
fn pull_next_before_the_api_says_who_i_am_says_to_wait_not_to_fix_the_config() {
    let mut s = state_with(vec![case("cas_1", "CAS-000001", 5, CaseStatus::New)]);
    key(&mut s, KeyCode::Char('P'));
    let said = s.ui.flash.clone().unwrap_or_default();
    assert!(said.contains("not known yet"), "{said}");
    assert!(!said.contains("profile"), "{said}");

    // The API answered without a user: now the profile is what can say who I am.
    update(&mut s, Action::MeLoaded(None));
    key(&mut s, KeyCode::Char('P'));
    let said = s.ui.flash.clone().unwrap_or_default();
    assert!(said.contains("set `user` in the profile"), "{said}");
}
