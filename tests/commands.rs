//! The command table is the one place a command is declared: the default keymap, `?` help and
//! the palette all come from it and agree, also under read-only.

mod common;

use common::records::{alert, assessment, case, now, user};
use docket::app::command::{COMMANDS, Command};
use docket::app::keymap::{Context, Key, Keymap};
use docket::app::power::{help_table, palette_items};
use docket::app::update::CasePart;
use docket::app::{Action, State, update};
use docket::domain::{AlertStatus, AssessmentStatus, CaseStatus, RiskTier};

/// A case open with its alerts loaded: every command has something to act on.
fn open_case(read_only: bool) -> State {
    let mut s = State::new("sandbox", now());
    s.data.read_only = read_only;
    update(
        &mut s,
        Action::MeLoaded(Some(user("usr_me", "Me", "analyst"))),
    );
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![case(CaseStatus::InProgress)]).into(),
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
    let help = help_table(&s);
    let palette = palette_items(&s);
    for spec in COMMANDS {
        // The keymap binds each default key to it where it is declared, and only to it.
        for k in spec.keys {
            let key: Key = k.parse().unwrap();
            let mut mods = crossterm::event::KeyModifiers::NONE;
            if key.ctrl {
                mods |= crossterm::event::KeyModifiers::CONTROL;
            }
            if key.alt {
                mods |= crossterm::event::KeyModifiers::ALT;
            }
            let ev = crossterm::event::KeyEvent::new(key.code, mods);
            assert_eq!(km.lookup(spec.context, &ev), Some(spec.command), "{k}");
        }
        assert!(
            !keys_of(&km, spec.command).is_empty(),
            "{} has no key",
            spec.name
        );
        // Help lists it in exactly one row.
        let rows = help
            .iter()
            .filter(|(cs, _)| cs.contains(&spec.command))
            .count();
        assert_eq!(rows, 1, "{} in {rows} help rows", spec.name);
        // The palette offers the console's commands once (the palette itself aside), with the
        // same keys; a mode's own keys act in that mode only.
        let found: Vec<_> = palette
            .iter()
            .filter(|i| i.command == spec.command)
            .collect();
        if spec.context == Context::Normal && spec.command != Command::Palette {
            assert_eq!(
                found.len(),
                1,
                "{} in the palette {} times",
                spec.name,
                found.len()
            );
            assert_eq!(found[0].keys.replace(' ', "/"), keys_of(&km, spec.command));
            assert_eq!(found[0].label, spec.name.replace('_', " "));
        } else {
            assert!(found.is_empty(), "{} offered in the palette", spec.name);
        }
    }
    // Nothing in help that the table does not declare.
    let listed: usize = help.iter().map(|(cs, _)| cs.len()).sum();
    assert_eq!(listed, COMMANDS.len());
}

#[test]
fn read_only_leaves_out_exactly_the_writes_in_help_and_palette_alike() {
    let s = open_case(true);
    let help = help_table(&s);
    let palette = palette_items(&s);
    for spec in COMMANDS {
        let in_help = help.iter().any(|(cs, _)| cs.contains(&spec.command));
        assert_eq!(in_help, !spec.writes, "help: {}", spec.name);
        if spec.context == Context::Normal && spec.command != Command::Palette {
            let in_palette = palette.iter().any(|i| i.command == spec.command);
            assert_eq!(in_palette, !spec.writes, "palette: {}", spec.name);
        }
    }
}

#[test]
fn a_mode_takes_typed_text_and_its_own_keys_but_no_console_letters() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let km = Keymap::default();
    let key = |c, m| KeyEvent::new(c, m);
    // In the filter, `q` and `j` are text; Enter keeps, Esc clears, Ctrl-C still quits.
    assert_eq!(
        km.lookup(
            Context::Filter,
            &key(KeyCode::Char('q'), KeyModifiers::NONE)
        ),
        None
    );
    assert_eq!(
        km.lookup(
            Context::Filter,
            &key(KeyCode::Char('j'), KeyModifiers::NONE)
        ),
        None
    );
    assert_eq!(
        km.lookup(Context::Filter, &key(KeyCode::Enter, KeyModifiers::NONE)),
        Some(Command::KeepFilter)
    );
    assert_eq!(
        km.lookup(
            Context::Filter,
            &key(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Command::Quit)
    );
    // In the outbox view, `q` closes the view and `j` moves, as in the queue.
    assert_eq!(
        km.lookup(
            Context::Outbox,
            &key(KeyCode::Char('q'), KeyModifiers::NONE)
        ),
        Some(Command::CloseOutbox)
    );
    assert_eq!(
        km.lookup(
            Context::Outbox,
            &key(KeyCode::Char('j'), KeyModifiers::NONE)
        ),
        Some(Command::Down)
    );
    // In a form's picker, j and → pick and other letters are text (they narrow the choices);
    // in its read-back, o opens the existing case.
    assert_eq!(
        km.lookup(
            Context::Picker,
            &key(KeyCode::Char('j'), KeyModifiers::NONE)
        ),
        Some(Command::PickNext)
    );
    assert_eq!(
        km.lookup(Context::Picker, &key(KeyCode::Right, KeyModifiers::NONE)),
        Some(Command::PickNext)
    );
    assert_eq!(
        km.lookup(
            Context::Picker,
            &key(KeyCode::Char('q'), KeyModifiers::NONE)
        ),
        None
    );
    assert_eq!(
        km.lookup(
            Context::Readback,
            &key(KeyCode::Char('o'), KeyModifiers::NONE)
        ),
        Some(Command::OpenExisting)
    );
    assert_eq!(
        km.lookup(Context::Editor, &key(KeyCode::BackTab, KeyModifiers::NONE)),
        Some(Command::PrevField)
    );
    // In the editor, Ctrl-S reviews and Ctrl-T inserts a snippet.
    assert_eq!(
        km.lookup(
            Context::Editor,
            &key(KeyCode::Char('s'), KeyModifiers::CONTROL)
        ),
        Some(Command::Review)
    );
    assert_eq!(
        km.lookup(
            Context::Editor,
            &key(KeyCode::Char('t'), KeyModifiers::CONTROL)
        ),
        Some(Command::InsertSnippet)
    );
}

/// The README's key tables list every key of the command table (which `?` help reads), spelled
/// as people write keys (`Ctrl-O`, `Shift-Tab`, `↓`); `1`…`9` stands for each key between.
#[test]
fn the_readme_key_tables_match_help() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("## The console").expect("a console section");
    let end = readme[start + 3..]
        .find("\n## ")
        .map_or(readme.len(), |e| start + 3 + e);
    let tables: String = readme[start..end]
        .lines()
        .filter(|l| l.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n");
    // `A1`…`A9`: every key from the first to the last.
    let mut listed: Vec<String> = Vec::new();
    let parts: Vec<&str> = tables.split('`').collect();
    for (i, p) in parts.iter().enumerate() {
        if i % 2 == 1 {
            listed.push(p.to_string());
            if parts.get(i + 1) == Some(&"…")
                && let Some(last) = parts.get(i + 2)
            {
                let (prefix, from) = p.split_at(p.len() - 1);
                let to = last.chars().last().unwrap_or('0');
                if let (Some(a), Some(b)) = (from.chars().next(), Some(to))
                    && a.is_ascii_digit()
                {
                    for d in a..=b {
                        listed.push(format!("{prefix}{d}"));
                    }
                }
            }
        }
    }
    // Spelled as in the README.
    let spell = |k: &str| -> String {
        let mut out = String::new();
        let mut rest = k;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                out.push_str("Ctrl-");
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                out.push_str("Alt-");
                rest = r;
            } else {
                break;
            }
        }
        let modified = !out.is_empty();
        out.push_str(&match rest {
            "enter" => "Enter".to_string(),
            "esc" => "Esc".to_string(),
            "tab" => "Tab".to_string(),
            "backtab" => "Shift-Tab".to_string(),
            "up" => "↑".to_string(),
            "down" => "↓".to_string(),
            "left" => "←".to_string(),
            "right" => "→".to_string(),
            "pgup" => "PgUp".to_string(),
            "pgdn" => "PgDn".to_string(),
            "home" => "Home".to_string(),
            "end" => "End".to_string(),
            "space" => "space".to_string(),
            f if f.starts_with('f') && f.len() > 1 => f.to_uppercase(),
            c if modified => c.to_uppercase(),
            c => c.to_string(),
        });
        out
    };
    let mut missing = Vec::new();
    for spec in COMMANDS {
        for k in spec.keys {
            let shown = spell(k);
            // A key cell may list alternatives (`Esc`/`q`).
            let found = listed
                .iter()
                .any(|cell| *cell == shown || cell.split('/').any(|c| c == shown));
            if !found {
                missing.push(format!("{} ({})", shown, spec.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys in `?` help but not in the README's key tables: {missing:?}"
    );
}
