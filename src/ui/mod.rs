//! Pure rendering: `view` draws a [`State`] snapshot into a frame and does nothing else. Every
//! string from outside goes through [`sanitize`] first.

mod detail;
pub mod drawer;
pub mod form;
mod overlays;
mod overview;
mod queue;
mod reader;
mod sort;
mod status;
pub mod theme;

use detail::detail;
use overlays::{help, outbox_view, palette};
use overview::overview;
use queue::queue;
use status::status_bar;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Tabs, Wrap};

use crate::app::State;
use crate::app::state::{Connection, Detail, Focus, Loadable, Mode, Tab};
use crate::domain::review::Target;
use crate::domain::row::CaseRow;
use crate::domain::{CaseStatus, Priority, RiskTier, SlaStatus};
use sanitize::{clean, clean_multiline, fit};
pub use theme::Theme;

/// From this width the queue and the open case sit side by side.
pub use crate::app::reading::SIDE_BY_SIDE;
pub use crate::text::{MIN_HEIGHT, MIN_WIDTH, countdown, sanitize, sla_symbol};

/// Draws the whole console.
pub fn view(state: &State, theme: &Theme, frame: &mut Frame) {
    panes(state, theme, frame);
    sanitize::scrub(frame.buffer_mut());
}

fn panes(state: &State, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    // A message longer than the status bar has room for gets lines of its own above it (at
    // most a third of the screen; a longer one is cut there with a mark, never silently).
    let mut message = status::overflow(state, theme, area.width).unwrap_or_default();
    let room = (area.height / 3).max(1) as usize;
    if message.len() > room {
        message.truncate(room);
        if let Some(last) = message.last_mut() {
            *last = sanitize::fit(last, area.width.saturating_sub(2) as usize);
            last.pop();
            last.push('…');
        }
    }
    let [main, above, status] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(message.len() as u16),
        Constraint::Length(1),
    ])
    .areas(area);
    match (&state.detail, area.width >= SIDE_BY_SIDE) {
        (Some(d), true) => {
            // The pane with the keyboard gets the larger share.
            let queue_share = if state.ui.focus == Focus::Detail {
                42
            } else {
                55
            };
            let [left, right] = Layout::horizontal([
                Constraint::Percentage(queue_share),
                Constraint::Percentage(100 - queue_share),
            ])
            .areas(main);
            queue(state, theme, frame, left);
            detail(state, d, theme, frame, right);
        }
        (Some(d), false) if state.ui.focus == Focus::Detail => detail(state, d, theme, frame, main),
        _ => queue(state, theme, frame, main),
    }
    // An alert or an entity read in full takes the whole main area.
    if let Some(d) = state.detail.as_ref().filter(|d| d.reading.is_some())
        && state.ui.focus == Focus::Detail
    {
        reader::reader(state, d, theme, frame, main);
    }
    if !message.is_empty() {
        let lines: Vec<Line> = message.into_iter().map(Line::raw).collect();
        frame.render_widget(Clear, above);
        frame.render_widget(Paragraph::new(lines).style(theme.accent), above);
    }
    status_bar(state, theme, frame, status, above.height > 0);
    match &state.flow {
        Some(flow) if flow.kind.is_form() => form::drawer(state, flow, theme, frame, main),
        Some(flow) => drawer::drawer(flow, theme, frame, main),
        None => {}
    }
    if state.ui.mode == Mode::Overview {
        overview(state, theme, frame, main);
    }
    if state.ui.mode == Mode::Help {
        help(state, theme, frame, main);
    }
    if state.ui.mode == Mode::Palette {
        palette(state, theme, frame, main);
    }
    if state.ui.mode == Mode::Sort {
        sort::sort_picker(state, theme, frame, main);
    }
    if state.ui.mode == Mode::Outbox {
        outbox_view(state, theme, frame, main);
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let msg = format!(
        "docket needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {}x{}.",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(msg)
            .style(theme.warning)
            .wrap(Wrap { trim: true }),
        area,
    );
}

pub(super) fn sla_style(theme: &Theme, status: Option<SlaStatus>) -> Style {
    match status {
        Some(SlaStatus::Breached) => theme.sla_breached,
        Some(SlaStatus::Critical) => theme.sla_critical,
        Some(SlaStatus::Warning) => theme.sla_warning,
        _ => theme.text,
    }
}

pub(super) fn risk_style(theme: &Theme, tier: Option<RiskTier>) -> Style {
    match tier {
        Some(RiskTier::High) => theme.risk_high,
        Some(RiskTier::Medium) => theme.risk_medium,
        Some(RiskTier::Low) => theme.risk_low,
        None => theme.muted,
    }
}

pub(super) fn pane(title: String, focused: bool, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        })
        .title(title)
}
