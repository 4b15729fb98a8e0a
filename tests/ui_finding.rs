//! Finding, drawn at 80x24 and 160x48: the sort picker over the queue, a closed case found by
//! its reference (its row says closed), and the filter line with what the API found.

mod common;

use crossterm::event::{KeyCode, KeyEvent};
use docket::app::state::Mode;
use docket::app::{Action, State, update};
use docket::domain::model::{Case, UserRef};
use docket::domain::{CaseStatus, Decision, Priority, RiskTier, SlaStatus, Wire};
use docket::ui::{Theme, view};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::records::NOW;

fn case(n: u32, entity: &str, status: CaseStatus, hours: i64, score: f64) -> Case {
    let closed = status == CaseStatus::Closed;
    Case {
        token: format!("cas_{n:04}"),
        name: format!("CAS-{n:06}"),
        primary_entity: Some(entity.into()),
        sla_deadline: Timestamp::from_second(NOW + hours * 3600).ok(),
        sla_status: Some(Wire::Known(if hours < 0 {
            SlaStatus::Breached
        } else {
            SlaStatus::OnTrack
        })),
        risk_score: Some(score),
        risk_tier: Some(Wire::Known(if score >= 70.0 {
            RiskTier::High
        } else {
            RiskTier::Low
        })),
        priority: Some(Wire::Known(Priority::Medium)),
        open_alerts: Some(if closed { 0 } else { 2 }),
        decision: closed.then_some(Wire::Known(Decision::Approve)),
        // Closed two days and four hours after its deadline.
        closed_at: closed
            .then(|| Timestamp::from_second(NOW + hours * 3600 + 52 * 3600).ok())
            .flatten(),
        assigned_to: Some(UserRef {
            id: "usr_mei".into(),
            name: Some("Mei Chen".into()),
        }),
        ..common::records::case(status)
    }
}

fn loaded() -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    let cases = vec![
        case(
            250,
            "Nordlicht Logistik GmbH",
            CaseStatus::InProgress,
            30,
            41.0,
        ),
        case(251, "Ipanema Comércio Ltda", CaseStatus::InReview, -2, 88.0),
        case(252, "Øresund Shipping ApS", CaseStatus::New, 9, 12.0),
        case(253, "Al-Noor Trading FZE", CaseStatus::Closed, -400, 75.0),
    ];
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases.into(),
            at: now,
        },
    );
    s
}

fn key(s: &mut State, code: KeyCode) {
    update(s, Action::Key(KeyEvent::from(code)));
}

fn draw(state: &State, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view(state, &Theme::dark(), f)).unwrap();
    term.backend().to_string()
}

fn both(name: &str, state: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), draw(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), draw(state, 160, 48));
}

#[test]
fn sort_picker() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char('b'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    // Open again on risk (sorted, ↓): the current one is said in words.
    key(&mut s, KeyCode::Char('b'));
    assert_eq!(s.ui.mode, Mode::Sort);
    let screen = draw(&s, 80, 24);
    assert!(
        screen.contains("risk      risk score: highest first (current)"),
        "{screen}"
    );
    assert!(screen.contains("[by risk ↓]"), "{screen}");
    both("sort_picker", &s);
}

#[test]
fn closed_case_row() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char('/'));
    for c in "CAS-000253".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.ui.mode, Mode::Normal);
    let screen = draw(&s, 80, 24);
    assert!(screen.contains("closed"), "{screen}");
    assert!(screen.contains("Closed"), "{screen}");
    // Its clock has stopped: how it closed, not a countdown running on.
    let wide = draw(&s, 160, 48);
    assert!(wide.contains("closed 2d4h after its deadline"), "{wide}");
    both("closed_case_row", &s);
}

#[test]
fn filter_with_api_hits() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char('/'));
    for c in "ava mcallister".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    let generation = s.queue.search_gen;
    update(&mut s, Action::SearchDue(generation));
    assert!(draw(&s, 80, 24).contains("(asking the API…)"));
    let hit = case(252, "Øresund Shipping ApS", CaseStatus::New, 9, 12.0);
    update(
        &mut s,
        Action::SearchResults {
            query: "ava mcallister".into(),
            result: Ok(Some(vec![hit])),
        },
    );
    let screen = draw(&s, 80, 24);
    assert!(screen.contains("(loaded cases + API: 1 found)"), "{screen}");
    assert!(screen.contains("CAS-000252"), "{screen}");
    both("filter_with_api_hits", &s);
}
