//! The case pane: its header, the tab bar, and which tab draws the body. Each tab is drawn in
//! one file of its own; the helpers here are what several tabs share. Every string from the API
//! goes through [`clean`] / [`clean_multiline`]; nothing indexes a string by byte, and long or
//! many lines are clipped by the area, never a panic.

mod activity;
mod alerts;
mod checks;
mod entities;
mod risk;
mod summary;
#[cfg(test)]
mod tests;

use super::*;
use crate::domain::model::{Assessment, Check, Entity, Reviewer};
use crate::domain::{AssessmentStatus, CheckResult, ReviewerStatus, VerificationStatus, Wire};

pub(super) use activity::activity;
pub(super) use alerts::alerts;
pub(super) use checks::checks;
pub(super) use entities::entities;
pub(super) use risk::risk;
pub(super) use summary::summary;

pub(super) fn case_of<'a>(state: &'a State, token: &str) -> Option<CaseRow<'a>> {
    state.queue.get(token)
}

pub(super) fn detail(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let case = case_of(state, &d.token);
    // A review of this case not landed yet is said in the header until it lands.
    let title = format!(
        " {}{} ",
        case.map_or(d.token.clone(), |c| clean(c.name).into_owned()),
        match state.pending_mark(Target::Case(d.token.clone())) {
            Some("✖") => " · ✖ review refused (Ctrl-O)",
            Some(_) => " · ⟳ review pending",
            None => "",
        }
    );
    let block = pane(title, state.ui.focus == Focus::Detail, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [tabs_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    // Only the tabs the provider has data for.
    let tabs = state.tabs();
    let selected = tabs.iter().position(|t| *t == d.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(tabs.iter().map(|t| t.title()))
            .select(selected)
            .highlight_style(theme.accent),
        tabs_area,
    );
    let Some(case) = case else {
        // A case just opened (created, or jumped to) is read before it can be shown.
        let why = if state.ui.reveal.as_deref() == Some(d.token.as_str()) {
            "Reading the case…"
        } else {
            "This case is no longer in the queue."
        };
        frame.render_widget(Paragraph::new(why).style(theme.muted), body);
        return;
    };
    match d.tab {
        Tab::Summary => summary(state, d, &case, theme, frame, body),
        Tab::Entities => entities(d, theme, frame, body),
        Tab::Alerts => alerts(state, d, theme, frame, body),
        Tab::Risk => risk(&d.risk, theme, frame, body),
        Tab::Checks => checks(&d.checks, theme, frame, body),
        Tab::Activity => activity(state, d, theme, frame, body),
    }
}

pub(super) fn field<'a>(label: &'a str, value: String, style: Style, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<13}"), theme.muted),
        Span::styled(value, style),
    ])
}

/// The line shown instead of data that is loading or failed to load.
pub(super) fn pending<T>(l: &Loadable<T>, what: &str, theme: &Theme) -> Option<Line<'static>> {
    match l {
        Loadable::Loading => Some(Line::styled(format!("Loading {what}…"), theme.muted)),
        Loadable::Failed(e) => Some(Line::styled(
            format!("Could not load the {what}: {}", clean(&e.to_string())),
            theme.error,
        )),
        Loadable::Unavailable(why) => Some(Line::styled(clean(why).into_owned(), theme.muted)),
        Loadable::Ready(_) => None,
    }
}

/// The data `get` finds in a ready value, or the line to show instead (loading, failed, empty).
pub(super) fn ready<'a, T, U>(
    l: &'a Loadable<T>,
    what: &str,
    theme: &Theme,
    get: impl FnOnce(&'a T) -> Option<U>,
) -> Result<U, Line<'static>> {
    let found = match l {
        Loadable::Ready(v) => get(v),
        _ => None,
    };
    found.ok_or_else(|| {
        pending(l, what, theme)
            .unwrap_or_else(|| Line::styled(format!("No {what} on this case."), theme.muted))
    })
}

pub(super) fn message(frame: &mut Frame, area: Rect, line: Line<'static>) {
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
}

/// The first non-blank line of multi-line text, cleaned.
pub(super) fn first_line(s: &str) -> String {
    let text = clean_multiline(s);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().to_string()
}

pub(super) fn tier_word(t: Option<&Wire<RiskTier>>) -> String {
    t.map_or("—".into(), |t| clean(t.as_str()).into_owned())
}

pub(super) fn tier_style(t: Option<&Wire<RiskTier>>, theme: &Theme) -> Style {
    risk_style(theme, t.and_then(|t| t.known()))
}

/// Source data on one line: `key: value, key: value` for objects, recursively but shallowly.
pub(super) fn compact_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", compact_json(v)))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Array(a) => a.iter().map(compact_json).collect::<Vec<_>>().join("; "),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
