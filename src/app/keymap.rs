//! Keymaps: which key means which command, per context. Defaults are built in; a user's config
//! lists only what it changes (`"ctrl-n" = "down"`, or `"x" = "none"` to unbind).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::command::Command;

/// Where the keyboard is: lookups try the specific context, then `normal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    Normal,
    Queue,
    Detail,
    Alerts,
    /// The outbox view.
    Outbox,
    /// Typing the queue filter.
    Filter,
    /// The command palette.
    Palette,
    /// A drawer's text editor, and a form's fields.
    Editor,
    /// A form's picker field (a choice, yes/no, a user).
    Picker,
    /// A drawer's read-back (a review's or a form's), before it is sent, and a conflict found
    /// before sending.
    Readback,
    /// A review that waits behind an earlier one on the same target.
    Behind,
}

impl Context {
    pub const ALL: [(&'static str, Context); 11] = [
        ("normal", Context::Normal),
        ("queue", Context::Queue),
        ("detail", Context::Detail),
        ("alerts", Context::Alerts),
        ("outbox", Context::Outbox),
        ("filter", Context::Filter),
        ("palette", Context::Palette),
        ("editor", Context::Editor),
        ("picker", Context::Picker),
        ("readback", Context::Readback),
        ("behind", Context::Behind),
    ];

    /// Where typing enters text: a plain character is text there, never a command.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Filter | Context::Palette | Context::Editor | Context::Picker
        )
    }
}

/// A key with its modifiers, as written in config files: `j`, `G`, `ctrl-d`, `enter`, `space`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn from_event(e: &KeyEvent) -> Key {
        // Shift is carried by the character itself ('G'); for other keys BackTab covers it.
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

impl FromStr for Key {
    type Err = String;
    fn from_str(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => KeyCode::F(
                f[1..]
                    .parse()
                    .map_err(|_| format!("bad function key {f:?}"))?,
            ),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            other => {
                return Err(format!(
                    "unknown key {other:?}; expected a character or one of enter, esc, tab, backtab, space, up, down, left, right, home, end, pgup, pgdn, backspace, delete, f1..f12, with optional ctrl- or alt-"
                ));
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Looks up a command by its config name.
pub fn command_named(name: &str) -> Option<Command> {
    super::command::named(name)
}

/// The name of a command.
pub fn name_of(c: Command) -> &'static str {
    super::command::spec_of(c).name
}

/// Bindings per context. `None` unbinds a key that a less specific context binds.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    maps: HashMap<Context, HashMap<Key, Option<Command>>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut maps: HashMap<Context, HashMap<Key, Option<Command>>> = HashMap::new();
        for spec in super::command::COMMANDS {
            for k in spec.keys {
                if let Ok(key) = k.parse::<Key>() {
                    maps.entry(spec.context)
                        .or_default()
                        .insert(key, Some(spec.command));
                }
            }
        }
        Keymap { maps }
    }
}

impl Keymap {
    /// The command for a key in a context: the context's own binding, else the normal one. Where
    /// the context takes text, a plain character is text, never a normal command.
    pub fn lookup(&self, ctx: Context, key: &KeyEvent) -> Option<Command> {
        let k = Key::from_event(key);
        if ctx != Context::Normal
            && let Some(b) = self.maps.get(&ctx).and_then(|m| m.get(&k))
        {
            return *b;
        }
        if ctx.takes_text() && matches!(k.code, KeyCode::Char(_)) && !k.ctrl && !k.alt {
            return None;
        }
        self.maps
            .get(&Context::Normal)
            .and_then(|m| m.get(&k))
            .copied()
            .flatten()
    }

    /// Applies a user's changes: `key = "command"` or `key = "none"`.
    pub fn bind(&mut self, ctx: Context, key: Key, command: Option<Command>) {
        self.maps.entry(ctx).or_default().insert(key, command);
    }

    /// The keys bound to a command where the command table declares it, for help texts.
    pub fn keys_for(&self, c: Command) -> Vec<String> {
        let ctx = super::command::spec_of(c).context;
        let mut keys: Vec<String> = self
            .maps
            .get(&ctx)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(|(_, b)| **b == Some(c))
            .map(|(k, _)| k.to_string())
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn defaults_cover_every_binding_and_parse() {
        let mut seen = std::collections::HashSet::new();
        for spec in super::super::command::COMMANDS {
            assert_eq!(
                command_named(spec.name),
                Some(spec.command),
                "{}",
                spec.name
            );
            for k in spec.keys {
                let key = k.parse::<Key>().unwrap_or_else(|e| panic!("{k}: {e}"));
                assert!(seen.insert((spec.context, key)), "{k} is bound twice");
            }
        }
        let km = Keymap::default();
        assert_eq!(
            km.lookup(Context::Queue, &ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            km.lookup(
                Context::Queue,
                &ev(KeyCode::Char('d'), KeyModifiers::CONTROL)
            ),
            Some(Command::PageDown)
        );
        assert_eq!(
            km.lookup(Context::Queue, &ev(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn a_context_overrides_and_unbinds() {
        let mut km = Keymap::default();
        km.bind(Context::Alerts, "j".parse().unwrap(), Some(Command::Mark));
        km.bind(Context::Detail, "q".parse().unwrap(), None);
        let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Alerts, &j), Some(Command::Mark));
        assert_eq!(km.lookup(Context::Queue, &j), Some(Command::Down));
        assert_eq!(
            km.lookup(Context::Detail, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn keys_round_trip_and_bad_ones_say_why() {
        for k in [
            "j",
            "G",
            "ctrl-d",
            "alt-enter",
            "space",
            "pgdn",
            "f5",
            "backtab",
        ] {
            assert_eq!(k.parse::<Key>().unwrap().to_string(), k);
        }
        let err = "ctrl-banana".parse::<Key>().unwrap_err();
        assert!(err.contains("unknown key \"banana\""), "{err}");
    }
}
