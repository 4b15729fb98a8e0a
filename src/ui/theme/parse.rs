//! Reading a theme file: its `[styles]` table (dotted or nested names, colors by name, hex or
//! index, modifiers) over a base theme, each mistake named at its line with what was expected.

use std::ops::Range;

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::{KEYS, Theme, ThemeError};

/// Parses a theme file. `name` is how errors refer to it (its path, say). Styles the file
/// leaves out keep their value from the dark default.
pub fn parse(name: &str, text: &str) -> Result<Theme, ThemeError> {
    parse_over(Theme::dark(), name, text)
}

pub(super) fn parse_over(base: Theme, file: &str, text: &str) -> Result<Theme, ThemeError> {
    let mut theme = base;
    for (slot, style) in parse_styles(file, text)? {
        *(KEYS[slot].1)(&mut theme) = style;
    }
    Ok(theme)
}

/// The styles a file sets, as (index into [`KEYS`], style), in file order.
pub(super) fn parse_styles(file: &str, text: &str) -> Result<Vec<(usize, Style)>, ThemeError> {
    let cx = Cx { file, text };
    let doc = DeTable::parse(text).map_err(|e| cx.toml(&e))?;
    let mut out = Parsed::default();
    for (key, value) in in_file_order(doc.get_ref()) {
        if key.get_ref() != "styles" {
            return Err(cx.at(
                key.span(),
                format!(
                    "unknown key {:?}; a theme file has only a [styles] table",
                    key.get_ref()
                ),
            ));
        }
        let DeValue::Table(styles) = value.get_ref() else {
            return Err(cx.at(
                value.span(),
                format!(
                    "\"styles\": expected a table, found {}",
                    value.get_ref().type_str()
                ),
            ));
        };
        for (key, value) in in_file_order(styles) {
            cx.entry(key.get_ref().to_string(), key.span(), value, &mut out)?;
        }
    }
    Ok(out
        .styles
        .into_iter()
        .map(|(slot, style, _)| (slot, style))
        .collect())
}

#[derive(Default)]
struct Parsed {
    /// (index into KEYS, style, span of the key that set it)
    styles: Vec<(usize, Style, Range<usize>)>,
}

type Entry<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

/// A table's entries in the order they appear in the file, so the first mistake is reported.
fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// The next name segments under `name`: `risk` → high, medium, low; `border` → focused.
fn children(name: &str) -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for (key, _) in KEYS {
        if let Some(rest) = key.strip_prefix(name).and_then(|r| r.strip_prefix('.')) {
            let next = rest.split('.').next().unwrap_or(rest);
            if !out.contains(&next) {
                out.push(next);
            }
        }
    }
    out
}

fn key_names() -> String {
    KEYS.map(|(k, _)| k).join(", ")
}

const COLORS: [(&str, Color); 18] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark-gray", Color::DarkGray),
    ("light-red", Color::LightRed),
    ("light-green", Color::LightGreen),
    ("light-yellow", Color::LightYellow),
    ("light-blue", Color::LightBlue),
    ("light-magenta", Color::LightMagenta),
    ("light-cyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
    ("default", Color::Reset),
];

const MODIFIERS: [(&str, Modifier); 6] = [
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("crossed-out", Modifier::CROSSED_OUT),
];

/// Case, `-`, `_` and spaces don't matter in names, and grey is gray: `Dark_Grey` = `dark-gray`.
fn squash(name: &str) -> String {
    name.to_ascii_lowercase()
        .replace("grey", "gray")
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect()
}

fn lookup<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    let name = squash(name);
    table
        .iter()
        .find(|(n, _)| squash(n) == name)
        .map(|&(_, v)| v)
}

fn hex_color(s: &str) -> Option<Color> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?))
}

/// Where errors point: the file's name and text, to turn byte offsets into line numbers.
struct Cx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn at(&self, span: Range<usize>, message: String) -> ThemeError {
        ThemeError::Invalid {
            file: self.file.to_string(),
            line: Some(self.line(span.start)),
            message,
        }
    }

    fn toml(&self, e: &toml::de::Error) -> ThemeError {
        ThemeError::Invalid {
            file: self.file.to_string(),
            line: e.span().map(|s| self.line(s.start)),
            message: format!("invalid TOML: {}", e.message().trim_end()),
        }
    }

    /// One `name = { ... }` under [styles]. `name` may be a style (`risk.high`), a group of
    /// styles written as a nested table (`risk = { high = { ... } }`), or both (`border`).
    fn entry(
        &self,
        name: String,
        key_span: Range<usize>,
        value: &Spanned<DeValue<'_>>,
        out: &mut Parsed,
    ) -> Result<(), ThemeError> {
        let slot = KEYS.iter().position(|(k, _)| *k == name);
        let children = children(&name);
        if slot.is_none() && children.is_empty() {
            return Err(self.at(
                key_span,
                format!("unknown style {name:?}; expected one of {}", key_names()),
            ));
        }
        let DeValue::Table(table) = value.get_ref() else {
            return Err(self.at(
                value.span(),
                format!(
                    "{name:?}: expected a table like {{ fg = \"red\", modifiers = [\"bold\"] }}, \
                     found {}",
                    value.get_ref().type_str()
                ),
            ));
        };
        let mut style = Style::default();
        for (key, value) in in_file_order(table) {
            let k: &str = key.get_ref();
            match k {
                "fg" if slot.is_some() => style = style.fg(self.color(&name, value)?),
                "bg" if slot.is_some() => style = style.bg(self.color(&name, value)?),
                "modifiers" if slot.is_some() => {
                    style = style.add_modifier(self.modifiers(&name, value)?)
                }
                _ if children.contains(&k) => {
                    self.entry(format!("{name}.{k}"), key.span(), value, out)?
                }
                _ => {
                    let mut expected: Vec<&str> = Vec::new();
                    if slot.is_some() {
                        expected.extend(["fg", "bg", "modifiers"]);
                    }
                    expected.extend(children.iter().copied());
                    return Err(self.at(
                        key.span(),
                        format!(
                            "{name:?}: unknown key {k:?}; expected {}",
                            one_of(&expected)
                        ),
                    ));
                }
            }
        }
        if let Some(slot) = slot {
            if let Some((_, _, first)) = out.styles.iter().find(|(s, _, _)| *s == slot) {
                return Err(self.at(
                    key_span,
                    format!(
                        "{name:?} is set twice (first on line {})",
                        self.line(first.start)
                    ),
                ));
            }
            out.styles.push((slot, style, key_span));
        }
        Ok(())
    }

    fn color(&self, name: &str, value: &Spanned<DeValue<'_>>) -> Result<Color, ThemeError> {
        let expected = || {
            format!(
                "expected one of {}, \"#rrggbb\" or an integer 0-255",
                COLORS.map(|(c, _)| c).join(", ")
            )
        };
        let message = match value.get_ref() {
            DeValue::String(s) if s.starts_with('#') => match hex_color(s) {
                Some(c) => return Ok(c),
                None => format!("{name:?}: bad hex color {s:?}; expected \"#rrggbb\""),
            },
            DeValue::String(s) => match lookup(&COLORS, s) {
                Some(c) => return Ok(c),
                None => format!("{name:?}: unknown color {s:?}; {}", expected()),
            },
            DeValue::Integer(i) => {
                match i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .and_then(|n| u8::try_from(n).ok())
                {
                    Some(n) => return Ok(Color::Indexed(n)),
                    None => format!("{name:?}: color index {i} out of range; expected 0-255"),
                }
            }
            other => format!(
                "{name:?}: expected a color, found {}; {}",
                other.type_str(),
                expected()
            ),
        };
        Err(self.at(value.span(), message))
    }

    fn modifiers(&self, name: &str, value: &Spanned<DeValue<'_>>) -> Result<Modifier, ThemeError> {
        let expected = || one_of(&MODIFIERS.map(|(m, _)| m));
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.at(
                value.span(),
                format!(
                    "{name:?}: \"modifiers\" must be a list like [\"bold\"], found {}",
                    value.get_ref().type_str()
                ),
            ));
        };
        let mut all = Modifier::empty();
        for item in items {
            let found = match item.get_ref() {
                DeValue::String(s) => {
                    lookup(&MODIFIERS, s).ok_or_else(|| format!("unknown modifier {s:?}"))
                }
                other => Err(format!(
                    "expected a modifier name, found {}",
                    other.type_str()
                )),
            };
            match found {
                Ok(m) => all |= m,
                Err(what) => {
                    return Err(self.at(
                        item.span(),
                        format!("{name:?}: {what}; expected {}", expected()),
                    ));
                }
            }
        }
        Ok(all)
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
