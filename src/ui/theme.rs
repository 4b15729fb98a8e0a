//! Semantic styles: the UI asks for `risk_high` or `sla_breached`, never for a color. Meaning
//! never rests on color alone (symbols and words carry it too), so the monochrome theme used
//! under `NO_COLOR` loses nothing but color.

use ratatui::style::{Color, Modifier, Style};

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

impl Theme {
    /// The default: the 16 ANSI colors only, so every terminal and tmux shows it as meant.
    pub fn dark() -> Self {
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

    /// No color at all: emphasis by bold, reverse and dim only (`NO_COLOR`).
    pub fn monochrome() -> Self {
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

    /// The theme for this environment: monochrome when `NO_COLOR` is set and not empty.
    pub fn from_env(no_color: Option<&str>) -> Self {
        match no_color {
            Some(v) if !v.is_empty() => Theme::monochrome(),
            _ => Theme::dark(),
        }
    }
}
