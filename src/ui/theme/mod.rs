//! Semantic styles: the UI asks for `risk_high` or `sla_breached`, never for a color. Meaning
//! never rests on color alone (symbols and words carry it too), so the monochrome theme used
//! under `NO_COLOR` loses nothing but color.
//!
//! Themes are data: the TOML files in `themes/` are compiled in as [`BUILTIN`], and a user's
//! own `<name>.toml` is read by [`load`]. A file names styles by meaning (`"risk.high"`), and
//! any style it leaves out keeps its value from the dark default.
//!
//! Here: the [`Theme`] itself, its style slots, the built-in dark and monochrome themes, and
//! [`ThemeError`]. `select` finds a theme by name (built-in or user file); `parse` reads a
//! theme file's `[styles]`, naming each mistake at its line.

mod parse;
mod select;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ratatui::style::Style;

pub use parse::parse;
use parse::parse_over;
use select::builtin;
pub use select::{BUILTIN, available, load};

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
