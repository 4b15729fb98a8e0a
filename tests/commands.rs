//! The command table is the one place a command is declared: the default keymap, `?` help and
//! the palette all come from it and agree, also under read-only.

mod common;

use common::records::{alert, assessment, case, now, user};
use docket::app::command::{COMMANDS, Command};
use docket::app::keymap::{Context, Key, Keymap};
use docket::app::power::{help_rows, palette_items};
use docket::app::update::CasePart;
use docket::app::{Action, State, update};
use docket::domain::{AlertStatus, AssessmentStatus, CaseStatus, RiskTier};

/// A case open with its alerts loaded: every command has something to act on.
fn open_case(read_only: bool) -> State {
    let mut s = State::new("sandbox", now());
    s.read_only = read_only;
    update(
        &mut s,
        Action::MeLoaded(Some(user("usr_me", "Me", "analyst"))),
    );
    update(
        &mut s,
        Action::QueueLoaded {
            cases: vec![case(CaseStatus::InProgress)],
            at: now(),
        },
    );
    update(&mut s, Action::Command(Command::Open));
    for part in [
        CasePart::Alerts(Ok(vec![alert("alt_1", AlertStatus::Open)])),
        CasePart::Risk(Ok(Some(Box::new(assessment(
            AssessmentStatus::Active,
            RiskTier::Low,
        ))))),
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

fn keys_of(km: &Keymap, c: Command) -> String {
    km.keys_for(c).join("/")
}

#[test]
fn every_command_is_bound_helped_and_offered_once_from_the_table() {
    let s = open_case(false);
    let km = Keymap::default();
    let help = help_rows(&s);
    let palette = palette_items(&s);
    for spec in COMMANDS {
        // The keymap binds each default key to it, and only to it.
        for k in spec.keys {
            let key: Key = k.parse().unwrap();
            let ev = crossterm::event::KeyEvent::new(
                key.code,
                if key.ctrl {
                    crossterm::event::KeyModifiers::CONTROL
                } else {
                    crossterm::event::KeyModifiers::NONE
                },
            );
            assert_eq!(km.lookup(Context::Normal, &ev), Some(spec.command), "{k}");
        }
        let keys = keys_of(&km, spec.command);
        assert!(!keys.is_empty(), "{} has no key", spec.name);
        // Help lists its keys in exactly one row.
        let rows = help
            .iter()
            .filter(|(k, _)| k.split(' ').any(|one| one == keys))
            .count();
        assert_eq!(rows, 1, "{} ({keys}) in {rows} help rows", spec.name);
        // The palette offers it once (the palette itself aside), with the same keys.
        if spec.command != Command::Palette {
            let found: Vec<_> = palette
                .iter()
                .filter(|i| i.command == spec.command)
                .collect();
            assert_eq!(
                found.len(),
                1,
                "{} in the palette {} times",
                spec.name,
                found.len()
            );
            assert_eq!(found[0].keys.replace(' ', "/"), keys, "{}", spec.name);
            assert_eq!(found[0].label, spec.name.replace('_', " "));
        }
    }
    // Nothing in help that the table does not declare.
    let declared: usize = help.iter().map(|(k, _)| k.split(' ').count()).sum();
    assert_eq!(declared, COMMANDS.len());
}

#[test]
fn read_only_leaves_out_exactly_the_writes_in_help_and_palette_alike() {
    let s = open_case(true);
    let km = Keymap::default();
    let help = help_rows(&s);
    let palette = palette_items(&s);
    for spec in COMMANDS {
        let keys = keys_of(&km, spec.command);
        let in_help = help
            .iter()
            .any(|(k, _)| k.split(' ').any(|one| one == keys));
        let in_palette = palette.iter().any(|i| i.command == spec.command);
        assert_eq!(in_help, !spec.writes, "help: {}", spec.name);
        if spec.command != Command::Palette {
            assert_eq!(in_palette, !spec.writes, "palette: {}", spec.name);
        }
    }
}
