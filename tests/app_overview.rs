//! The overview: opened by its key or the palette, closed by Esc or its key again; over it,
//! quit, help, refresh and freeze work and nothing else moves the queue behind it.

mod common;

use common::records::{case, now};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::command::Command;
use docket::app::state::Mode;
use docket::app::{Action, Effect, State, update};
use docket::domain::CaseStatus;

fn loaded() -> State {
    let mut s = State::new("sandbox", now());
    let cases: Vec<_> = (1..=3)
        .map(|n| docket::domain::model::Case {
            token: format!("cas_{n}"),
            name: format!("CAS-00000{n}"),
            ..case(CaseStatus::InProgress)
        })
        .collect();
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases.into(),
            at: now(),
        },
    );
    s
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn its_key_opens_it_and_esc_or_the_key_again_closes_it() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char('S'));
    assert_eq!(s.ui.mode, Mode::Overview);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.ui.mode, Mode::Normal);
    key(&mut s, KeyCode::Char('S'));
    key(&mut s, KeyCode::Char('S'));
    assert_eq!(s.ui.mode, Mode::Normal);
}

#[test]
fn the_palette_opens_it() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char(':'));
    for c in "overview".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.ui.mode, Mode::Overview);
    let mut s = loaded();
    update(&mut s, Action::Command(Command::Overview));
    assert_eq!(s.ui.mode, Mode::Overview);
}

#[test]
fn over_it_the_queue_holds_still_and_refresh_quit_help_work() {
    let mut s = loaded();
    let before = s.queue.selected.clone();
    key(&mut s, KeyCode::Char('S'));
    // Moving, opening, filtering, writing: nothing happens behind the overview.
    for c in [
        KeyCode::Char('j'),
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Char('/'),
    ] {
        assert!(key(&mut s, c).is_empty());
    }
    assert_eq!(s.queue.selected, before);
    assert!(s.detail.is_none());
    assert!(key(&mut s, KeyCode::Char('m')).is_empty());
    assert_eq!(s.ui.mode, Mode::Overview);
    // Refresh reloads the queue it counts; freeze holds it still.
    assert!(key(&mut s, KeyCode::Char('r')).contains(&Effect::LoadQueue));
    key(&mut s, KeyCode::Char('f'));
    assert!(s.ui.frozen);
    assert_eq!(s.ui.mode, Mode::Overview);
    key(&mut s, KeyCode::Char('?'));
    assert_eq!(s.ui.mode, Mode::Help);
    key(&mut s, KeyCode::Char('S'));
    key(&mut s, KeyCode::Char('q'));
    assert!(s.ui.should_quit);
}
