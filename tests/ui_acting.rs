//! The drawers for acting on a case, drawn at 80x24 and 160x48: asking first on someone
//! else's case, the escalate-to picker, a message with an approver request, `@` completing a
//! mention, the waiver's pickers, the recalculation read-back, and a close naming its blockers.

mod common;

use common::records::{NOW, alert, assessment, case, check, user};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::state::Tab;
use docket::app::update::{CasePart, Command};
use docket::app::{Action, State, update};
use docket::domain::model::{Alert, Case, UserRef};
use docket::domain::{AlertStatus, AssessmentStatus, CaseStatus, CheckStatus, RiskTier};
use docket::ui::{Theme, view};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// CAS-000001, Lukas Brandt's, open as Mei Tanaka with its parts loaded.
fn opened() -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(
        &mut s,
        Action::UsersLoaded(vec![
            user("usr_mei", "Mei Tanaka", "analyst"),
            user("usr_lukas", "Lukas Brandt", "analyst"),
            user("usr_amara", "Amara Okafor", "analyst"),
            user("usr_sofia", "Sofía Hernández", "approver"),
        ]),
    );
    update(
        &mut s,
        Action::MeLoaded(Some(user("usr_mei", "Mei Tanaka", "analyst"))),
    );
    let c = Case {
        assigned_to: Some(UserRef {
            id: "usr_lukas".into(),
            name: Some("Lukas Brandt".into()),
        }),
        ..case(CaseStatus::InProgress)
    };
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![c]).into(),
            at: now,
        },
    );
    update(&mut s, Action::Command(Command::Open));
    let pep = Alert {
        entity_name: Some("Ava McAllister".into()),
        ..alert("alt_7k2m9p", AlertStatus::Open)
    };
    let media = Alert {
        entity_name: Some("Nordlicht Logistik GmbH".into()),
        category: Some("Adverse Media".into()),
        ..alert("alt_3j7k9m", AlertStatus::Escalated)
    };
    for part in [
        CasePart::Alerts(Ok(vec![pep, media])),
        CasePart::Risk(Ok(Some(Box::new(assessment(
            AssessmentStatus::Active,
            RiskTier::High,
        ))))),
        CasePart::Reviewers(Ok(Some(vec![]))),
        CasePart::Checks(Ok(vec![
            check(
                "chk_1",
                "Document check",
                "Ava McAllister",
                CheckStatus::Pending,
            ),
            check(
                "chk_3",
                "Proof of address",
                "Nordlicht Logistik GmbH",
                CheckStatus::AwaitingDocument,
            ),
        ])),
    ] {
        update(
            &mut s,
            Action::CaseLoaded {
                token: "cas_1".into(),
                part: Box::new(part),
            },
        );
    }
    s
}

fn key(s: &mut State, code: KeyCode) {
    common::reducer::step(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
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
fn asking_first_and_the_escalate_to_picker() {
    let mut s = opened();
    key(&mut s, KeyCode::Char('E'));
    let screen = draw(&s, 80, 24);
    assert!(screen.contains("Lukas Brandt"), "{screen}");
    both("acting_asks_first", &s);
    key(&mut s, KeyCode::Char('y'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    both("acting_escalate_to", &s);
}

#[test]
fn an_approver_request_with_a_message_and_a_comment_mentioning() {
    let mut s = opened();
    s.ui.others_ok = Some("cas_1".into());
    key(&mut s, KeyCode::Char('p'));
    key(&mut s, KeyCode::Enter);
    typed(
        &mut s,
        "High risk via the Cayman holding; four eyes, please.",
    );
    both("acting_approver_message", &s);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "Source of funds confirmed. @a");
    let screen = draw(&s, 80, 24);
    assert!(
        screen.contains("Tab: @usr_amara (Amara Okafor)"),
        "{screen}"
    );
    both("acting_mention", &s);
}

#[test]
fn waiving_a_check_and_recalculating_the_risk() {
    let mut s = opened();
    s.ui.others_ok = Some("cas_1".into());
    s.detail.as_mut().unwrap().tab = Tab::Checks;
    key(&mut s, KeyCode::Char('W'));
    both("acting_waive_check", &s);
    key(&mut s, KeyCode::Enter);
    both("acting_waive_reason", &s);
    key(&mut s, KeyCode::Esc);
    common::reducer::step(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    both("acting_recalculate", &s);
}

#[test]
fn the_close_drawer_names_its_blockers_and_goes_to_them() {
    let mut s = opened();
    s.ui.others_ok = Some("cas_1".into());
    key(&mut s, KeyCode::Char('C'));
    let screen = draw(&s, 80, 24);
    assert!(
        screen.contains("alt_7k2m9p · Open · PEP Match · Ava McAllister"),
        "{screen}"
    );
    both("acting_close_blockers", &s);
}
