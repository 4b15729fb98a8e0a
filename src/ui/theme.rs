//! Semantic styles: the UI asks for `risk_high` or `sla_breached`, never for a color. Meaning
//! never rests on color alone (symbols and words carry it too), so the monochrome theme used
//! under `NO_COLOR` loses nothing but color.
//!
//! Themes are data: the TOML files in `themes/` are compiled in as [`BUILTIN`], and a user's
//! own `<name>.toml` is read by [`load`]. A file names styles by meaning (`"risk.high"`), and
//! any style it leaves out keeps its value from the dark default.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

/// The themes compiled into docket, by name; `dark` is the default.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

/// Every style the UI uses, by meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub text: Style,
    pub muted: Style,
    pub header: Style,
    pub accent: Style,
    pub selection: Style,
    pub border: Style,
    pub border_focused: Style,
    pub status: Style,
    pub ok: Style,
    pub warning: Style,
    pub error: Style,
    pub risk_high: Style,
    pub risk_medium: Style,
    pub risk_low: Style,
    pub sla_breached: Style,
    pub sla_critical: Style,
    pub sla_warning: Style,
}

/// Each style's name in a theme file, and where it lives in a [`Theme`].
type Slot = fn(&mut Theme) -> &mut Style;
const KEYS: [(&str, Slot); 17] = [
    ("text", |t| &mut t.text),
    ("muted", |t| &mut t.muted),
    ("header", |t| &mut t.header),
    ("accent", |t| &mut t.accent),
    ("selection", |t| &mut t.selection),
    ("border", |t| &mut t.border),
    ("border.focused", |t| &mut t.border_focused),
    ("status", |t| &mut t.status),
    ("ok", |t| &mut t.ok),
    ("warning", |t| &mut t.warning),
    ("error", |t| &mut t.error),
    ("risk.high", |t| &mut t.risk_high),
    ("risk.medium", |t| &mut t.risk_medium),
    ("risk.low", |t| &mut t.risk_low),
    ("sla.breached", |t| &mut t.sla_breached),
    ("sla.critical", |t| &mut t.sla_critical),
    ("sla.warning", |t| &mut t.sla_warning),
];

/// Parsed once: `dark()` is the base of every other theme.
static DARK: LazyLock<Theme> = LazyLock::new(|| {
    parse_over(Theme::plain(), "themes/dark.toml", builtin("dark"))
        .unwrap_or_else(|_| Theme::plain())
});
static MONOCHROME: LazyLock<Theme> = LazyLock::new(|| {
    parse_over(
        Theme::dark(),
        "themes/monochrome.toml",
        builtin("monochrome"),
    )
    .unwrap_or_else(|_| Theme::plain())
});

impl Theme {
    /// The default (`themes/dark.toml`): the 16 ANSI colors only, so every terminal and tmux
    /// shows it as meant.
    pub fn dark() -> Self {
        DARK.clone()
    }

    /// No color at all: emphasis by bold, reverse and dim only (`themes/monochrome.toml`, used
    /// under `NO_COLOR`).
    pub fn monochrome() -> Self {
        MONOCHROME.clone()
    }

    /// The theme for this environment: monochrome when `NO_COLOR` is set and not empty (the
    /// value of the variable is `no_color`), else the theme `name` (see [`load`]).
    pub fn chosen(
        no_color: Option<&str>,
        name: &str,
        user_dir: Option<&Path>,
    ) -> Result<Self, ThemeError> {
        match no_color {
            Some(v) if !v.is_empty() => Ok(Theme::monochrome()),
            _ => load(name, user_dir),
        }
    }

    /// Every style plain. Only a fallback: the built-ins are tested to parse, so `dark()` and
    /// `monochrome()` never reach it, but if they did it would still be readable and colorless.
    fn plain() -> Self {
        let s = Style::default();
        Theme {
            text: s,
            muted: s,
            header: s,
            accent: s,
            selection: s,
            border: s,
            border_focused: s,
            status: s,
            ok: s,
            warning: s,
            error: s,
            risk_high: s,
            risk_medium: s,
            risk_low: s,
            sla_breached: s,
            sla_critical: s,
            sla_warning: s,
        }
    }
}

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The file is not valid TOML, or names a style, color or modifier docket does not know.
    #[error("{file}{}: {message}", at_line(.line))]
    Invalid {
        /// How the theme was named: its path, or `themes/<name>.toml` for a built-in.
        file: String,
        /// 1-based line of the mistake, when known.
        line: Option<usize>,
        message: String,
    },
    /// A user theme file exists but could not be read.
    #[error("{}: cannot read theme: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// No user file and no built-in theme has this name.
    #[error("unknown theme {name:?}; available: {}", .available.join(", "))]
    Unknown {
        name: String,
        available: Vec<String>,
    },
}

fn at_line(line: &Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// Parses a theme file. `name` is how errors refer to it (its path, say). Styles the file
/// leaves out keep their value from the dark default.
pub fn parse(name: &str, text: &str) -> Result<Theme, ThemeError> {
    parse_over(Theme::dark(), name, text)
}

/// The theme called `name`: `<user_dir>/<name>.toml` if that file exists, else the built-in
/// of that name.
pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    if is_plain_name(name) {
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => return parse(&path.display().to_string(), &text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(ThemeError::Read { path, source }),
            }
        }
        if let Some((builtin, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            return parse(&format!("themes/{builtin}.toml"), text);
        }
    }
    Err(ThemeError::Unknown {
        name: name.to_string(),
        available: available(user_dir),
    })
}

/// The names [`load`] accepts: the built-ins and every `*.toml` in `user_dir`, sorted.
pub fn available(user_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(entries) = user_dir.and_then(|d| std::fs::read_dir(d).ok()) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                && is_plain_name(stem)
            {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// A theme name is a file name without a path: letters, digits, `-`, `_` and inner dots.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn builtin(name: &str) -> &'static str {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, text)| text)
}

fn parse_over(base: Theme, file: &str, text: &str) -> Result<Theme, ThemeError> {
    let mut theme = base;
    for (slot, style) in parse_styles(file, text)? {
        *(KEYS[slot].1)(&mut theme) = style;
    }
    Ok(theme)
}

/// The styles a file sets, as (index into [`KEYS`], style), in file order.
fn parse_styles(file: &str, text: &str) -> Result<Vec<(usize, Style)>, ThemeError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The dark theme as it was hard-coded before themes became files.
    fn old_dark() -> Theme {
        let fg = |c| Style::default().fg(c);
        Theme {
            text: Style::default(),
            muted: fg(Color::DarkGray),
            header: Style::default().add_modifier(Modifier::BOLD),
            accent: fg(Color::Cyan),
            selection: Style::default().add_modifier(Modifier::REVERSED),
            border: fg(Color::DarkGray),
            border_focused: fg(Color::Cyan),
            status: Style::default().add_modifier(Modifier::REVERSED),
            ok: fg(Color::Green).add_modifier(Modifier::REVERSED),
            warning: fg(Color::Yellow),
            error: fg(Color::Red).add_modifier(Modifier::BOLD),
            risk_high: fg(Color::Red).add_modifier(Modifier::BOLD),
            risk_medium: fg(Color::Yellow),
            risk_low: fg(Color::Green),
            sla_breached: fg(Color::Red).add_modifier(Modifier::BOLD),
            sla_critical: fg(Color::Red),
            sla_warning: fg(Color::Yellow),
        }
    }

    /// The monochrome theme as it was hard-coded.
    fn old_monochrome() -> Theme {
        let m = |m| Style::default().add_modifier(m);
        Theme {
            text: Style::default(),
            muted: m(Modifier::DIM),
            header: m(Modifier::BOLD),
            accent: m(Modifier::BOLD),
            selection: m(Modifier::REVERSED),
            border: m(Modifier::DIM),
            border_focused: m(Modifier::BOLD),
            status: m(Modifier::REVERSED),
            ok: m(Modifier::REVERSED),
            warning: m(Modifier::BOLD),
            error: m(Modifier::BOLD),
            risk_high: m(Modifier::BOLD),
            risk_medium: Style::default(),
            risk_low: m(Modifier::DIM),
            sla_breached: m(Modifier::BOLD),
            sla_critical: m(Modifier::BOLD),
            sla_warning: Style::default(),
        }
    }

    /// Every (file name, style) of a theme.
    fn styles(theme: &Theme) -> Vec<(&'static str, Style)> {
        let mut t = theme.clone();
        KEYS.iter()
            .map(|(name, slot)| (*name, *slot(&mut t)))
            .collect()
    }

    fn builtin_theme(name: &str) -> Theme {
        parse(&format!("themes/{name}.toml"), builtin(name))
            .unwrap_or_else(|e| panic!("built-in {name} does not parse: {e}"))
    }

    fn error(text: &str) -> String {
        match parse("themes/mine.toml", text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_builtin_parses_and_sets_every_style() {
        assert_eq!(
            BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ["dark", "light", "high-contrast", "monochrome"]
        );
        for (name, text) in BUILTIN {
            let set = parse_styles(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            // A built-in must not quietly inherit from dark: each lists all 17 styles.
            let mut slots: Vec<usize> = set.iter().map(|(s, _)| *s).collect();
            slots.sort();
            assert_eq!(slots, (0..KEYS.len()).collect::<Vec<_>>(), "{name}");
            builtin_theme(name);
        }
    }

    #[test]
    fn dark_file_is_the_old_dark_theme_field_by_field() {
        let old = styles(&old_dark());
        let new = styles(&builtin_theme("dark"));
        for ((name, was), (_, is)) in old.iter().zip(&new) {
            assert_eq!(was, is, "{name}");
        }
        assert_eq!(Theme::dark(), old_dark());
        assert_eq!(Theme::chosen(None, "dark", None).unwrap(), old_dark());
        assert_eq!(Theme::chosen(Some(""), "dark", None).unwrap(), old_dark());
    }

    #[test]
    fn monochrome_has_no_color_anywhere() {
        let mono = Theme::monochrome();
        assert_eq!(mono, old_monochrome());
        assert_eq!(Theme::chosen(Some("1"), "light", None).unwrap(), mono);
        for (name, style) in styles(&mono) {
            assert_eq!(
                (style.fg, style.bg, style.underline_color),
                (None, None, None),
                "{name}"
            );
        }
    }

    #[test]
    fn light_and_high_contrast_keep_their_rules() {
        for (name, style) in styles(&builtin_theme("light")) {
            let fg = style.fg.unwrap_or(Color::Reset);
            assert!(
                !matches!(fg, Color::White | Color::Gray),
                "light {name}: {fg}"
            );
            if !matches!(name, "muted" | "border") {
                assert_ne!(fg, Color::DarkGray, "light {name}");
            }
        }
        let base = [
            Color::Black,
            Color::Red,
            Color::Green,
            Color::Yellow,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::Gray,
        ];
        for (name, style) in styles(&builtin_theme("high-contrast")) {
            for c in [style.fg, style.bg].into_iter().flatten() {
                assert!(base.contains(&c), "high-contrast {name}: {c}");
            }
            assert!(!style.add_modifier.contains(Modifier::DIM), "{name}");
            if style.fg.is_some() {
                assert!(style.add_modifier.contains(Modifier::BOLD), "{name}");
            }
        }
    }

    #[test]
    fn a_partial_theme_overrides_only_its_keys() {
        let text = "[styles]\n\"risk.high\" = { fg = \"magenta\" }\nmuted = {}\n";
        let theme = parse("mine.toml", text).unwrap();
        let mut expected = old_dark();
        expected.risk_high = Style::default().fg(Color::Magenta);
        expected.muted = Style::default();
        assert_eq!(theme, expected);
        // An empty file is the dark theme.
        assert_eq!(parse("empty.toml", "").unwrap(), old_dark());
    }

    #[test]
    fn dotted_keys_may_be_written_as_nested_tables() {
        let text = "[styles]\nrisk.high = { fg = \"blue\" }\nborder = { fg = \"red\", \
                    focused = { fg = \"green\" } }\n[styles.sla]\nbreached = { bg = \"red\" }\n";
        let theme = parse("mine.toml", text).unwrap();
        assert_eq!(theme.risk_high, Style::default().fg(Color::Blue));
        assert_eq!(theme.border, Style::default().fg(Color::Red));
        assert_eq!(theme.border_focused, Style::default().fg(Color::Green));
        assert_eq!(theme.sla_breached, Style::default().bg(Color::Red));
        assert_eq!(theme.sla_critical, old_dark().sla_critical);
    }

    #[test]
    fn hex_indexed_and_spelled_colors_parse() {
        let text = "[styles]\ntext = { fg = \"#FF8000\", bg = 236 }\naccent = { fg = 0x10 }\n\
                    muted = { fg = \"Dark_Grey\", modifiers = [\"Crossed_Out\", \"italic\", \
                    \"underlined\"] }\nstatus = { bg = \"default\" }\n";
        let theme = parse("mine.toml", text).unwrap();
        assert_eq!(
            theme.text,
            Style::default()
                .fg(Color::Rgb(255, 128, 0))
                .bg(Color::Indexed(236))
        );
        assert_eq!(theme.accent, Style::default().fg(Color::Indexed(16)));
        assert_eq!(
            theme.muted,
            Style::default()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::CROSSED_OUT | Modifier::ITALIC | Modifier::UNDERLINED)
        );
        assert_eq!(theme.status, Style::default().bg(Color::Reset));
    }

    #[test]
    fn an_unknown_color_names_the_line_and_the_choices() {
        let text =
            "# mine\n\n[styles]\ntext = {}\nmuted = {}\n\n\"risk.high\" = { fg = \"redd\" }\n";
        assert_eq!(
            error(text),
            "themes/mine.toml:7: \"risk.high\": unknown color \"redd\"; expected one of black, \
             red, green, yellow, blue, magenta, cyan, gray, dark-gray, light-red, light-green, \
             light-yellow, light-blue, light-magenta, light-cyan, white, reset, default, \
             \"#rrggbb\" or an integer 0-255"
        );
        assert_eq!(
            error("[styles]\n\ntext = { bg = \"#12345\" }"),
            "themes/mine.toml:3: \"text\": bad hex color \"#12345\"; expected \"#rrggbb\""
        );
        assert_eq!(
            error("[styles]\ntext = { bg = 256 }"),
            "themes/mine.toml:2: \"text\": color index 256 out of range; expected 0-255"
        );
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let e = error("[styles]\ntext = {}\n\"risk.hihg\" = { fg = \"red\" }\n");
        assert!(
            e.starts_with(
                "themes/mine.toml:3: unknown style \"risk.hihg\"; expected one of text, muted,"
            ),
            "{e}"
        );
        assert_eq!(
            error("[styles]\n\nok = { fg = \"green\", colour = \"red\" }\n"),
            "themes/mine.toml:3: \"ok\": unknown key \"colour\"; expected fg, bg or modifiers"
        );
        assert_eq!(
            error("[styles]\nrisk = { fg = \"red\" }\n"),
            "themes/mine.toml:2: \"risk\": unknown key \"fg\"; expected high, medium or low"
        );
        assert_eq!(
            error("name = \"mine\"\n[styles]\n"),
            "themes/mine.toml:1: unknown key \"name\"; a theme file has only a [styles] table"
        );
        assert_eq!(
            error("[styles]\ntext = \"red\"\n"),
            "themes/mine.toml:2: \"text\": expected a table like { fg = \"red\", modifiers = \
             [\"bold\"] }, found string"
        );
        assert_eq!(
            error("[styles]\n\"risk.high\" = {}\n[styles.risk]\nhigh = {}\n"),
            "themes/mine.toml:4: \"risk.high\" is set twice (first on line 2)"
        );
    }

    #[test]
    fn a_bad_modifier_names_the_line() {
        assert_eq!(
            error("[styles]\nheader = {\n  modifiers = [\"bold\", \"blink\"] }\n"),
            "themes/mine.toml:3: \"header\": unknown modifier \"blink\"; expected bold, dim, \
             italic, underlined, reversed or crossed-out"
        );
        assert_eq!(
            error("[styles]\nheader = { modifiers = \"bold\" }\n"),
            "themes/mine.toml:2: \"header\": \"modifiers\" must be a list like [\"bold\"], \
             found string"
        );
    }

    #[test]
    fn a_toml_syntax_error_names_the_line() {
        let e = error("[styles]\ntext = {}\nmuted = { fg = \"red\"\n");
        assert!(e.starts_with("themes/mine.toml:3: invalid TOML: "), "{e}");
        assert!(e.contains("expected `}`"), "{e}");
        let e = error("[styles]\ntext = {}\ntext = {}\n");
        assert!(e.starts_with("themes/mine.toml:3: invalid TOML: "), "{e}");
        assert!(e.contains("duplicate key"), "{e}");
    }

    #[test]
    fn a_user_file_shadows_a_builtin_and_unknown_names_list_the_choices() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load("dark", Some(dir.path())).unwrap(), old_dark());
        assert_eq!(load("monochrome", None).unwrap(), old_monochrome());

        std::fs::write(
            dir.path().join("dark.toml"),
            "[styles]\naccent = { fg = \"magenta\" }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "[styles]\ntext = { fg = \"nope\" }\n",
        )
        .unwrap();
        let mut expected = old_dark();
        expected.accent = Style::default().fg(Color::Magenta);
        assert_eq!(load("dark", Some(dir.path())).unwrap(), expected);
        // Without the user directory the built-in is back.
        assert_eq!(load("dark", None).unwrap(), old_dark());

        let e = load("mine", Some(dir.path())).unwrap_err().to_string();
        let path = dir.path().join("mine.toml");
        assert!(
            e.starts_with(&format!("{}:2: \"text\": unknown color", path.display())),
            "{e}"
        );

        assert_eq!(
            load("solarized", Some(dir.path())).unwrap_err().to_string(),
            "unknown theme \"solarized\"; available: dark, high-contrast, light, mine, monochrome"
        );
        assert!(matches!(
            load("../dark", Some(dir.path())),
            Err(ThemeError::Unknown { .. })
        ));
        assert_eq!(
            available(None),
            ["dark", "high-contrast", "light", "monochrome"]
        );
    }
}
