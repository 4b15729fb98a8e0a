//! Pure rendering: `view` draws a [`State`] snapshot into a frame and does nothing else. Every
//! string from outside goes through [`sanitize`] first.

pub mod detail_tabs;
pub mod drawer;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Tabs, Wrap};

use crate::app::State;
use crate::app::state::{Connection, Detail, Focus, Loadable, Mode, Tab};
use crate::app::update::Command;
use crate::domain::model::Case;
use crate::domain::review::Target;
use crate::domain::{CaseStatus, Priority, RiskTier, SlaStatus};
use sanitize::{clean, clean_multiline, fit};
pub use theme::Theme;

pub use crate::text::{MIN_HEIGHT, MIN_WIDTH, countdown, sanitize, sla_symbol};
/// From this width the queue and the open case sit side by side.
pub const SIDE_BY_SIDE: u16 = 100;

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
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    match (&state.detail, area.width >= SIDE_BY_SIDE) {
        (Some(d), true) => {
            // The pane with the keyboard gets the larger share.
            let queue_share = if state.focus == Focus::Detail { 42 } else { 55 };
            let [left, right] = Layout::horizontal([
                Constraint::Percentage(queue_share),
                Constraint::Percentage(100 - queue_share),
            ])
            .areas(main);
            queue(state, theme, frame, left);
            detail(state, d, theme, frame, right);
        }
        (Some(d), false) if state.focus == Focus::Detail => detail(state, d, theme, frame, main),
        _ => queue(state, theme, frame, main),
    }
    status_bar(state, theme, frame, status);
    if let Some(flow) = &state.flow {
        drawer::drawer(flow, theme, frame, main);
    }
    if state.mode == Mode::Help {
        help(state, theme, frame, main);
    }
    if state.mode == Mode::Palette {
        palette(state, theme, frame, main);
    }
    if state.mode == Mode::Outbox {
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

fn sla_style(theme: &Theme, status: Option<SlaStatus>) -> Style {
    match status {
        Some(SlaStatus::Breached) => theme.sla_breached,
        Some(SlaStatus::Critical) => theme.sla_critical,
        Some(SlaStatus::Warning) => theme.sla_warning,
        _ => theme.text,
    }
}

fn risk_style(theme: &Theme, tier: Option<RiskTier>) -> Style {
    match tier {
        Some(RiskTier::High) => theme.risk_high,
        Some(RiskTier::Medium) => theme.risk_medium,
        Some(RiskTier::Low) => theme.risk_low,
        None => theme.muted,
    }
}

fn pane(title: String, focused: bool, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        })
        .title(title)
}

fn queue(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let q = &state.queue;
    let mut title = format!(" Queue {}/{} ", q.view.len(), q.cases.len());
    let quick = q.quick;
    for (on, label) in [
        (quick.mine, "mine"),
        (quick.unassigned, "unassigned"),
        (quick.breached, "breached"),
        (quick.high_risk, "high risk"),
        (quick.closed, "+closed"),
    ] {
        if on {
            title.push_str(&format!("[{label}] "));
        }
    }
    let focused = state.focus == Focus::Queue;
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let show_filter = state.mode == Mode::Filter || !q.filter.is_empty();
    let show_views = !state.views.is_empty() && inner.height > 4;
    let [views_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_views)),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(0),
    ])
    .areas(inner);
    if show_views {
        // Saved views as tabs with counts; the current one is marked by text, not only style.
        let mut spans = Vec::new();
        for (i, v) in state.views.iter().enumerate() {
            let count = state
                .view_counts
                .get(i)
                .map_or(String::new(), |n| format!(" {n}"));
            let current = i == state.view && q.quick == v.quick;
            let label = format!(
                "{}{}{}",
                if current { "▸" } else { " " },
                clean(&v.name),
                count
            );
            spans.push(Span::styled(
                label,
                if current { theme.accent } else { theme.muted },
            ));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), views_area);
    }
    if show_filter {
        let cursor = if state.mode == Mode::Filter {
            "▏"
        } else {
            ""
        };
        frame.render_widget(
            Paragraph::new(format!("/{}{cursor}", clean(&q.filter))).style(theme.accent),
            filter_area,
        );
    }
    if !q.loaded {
        let msg = match &state.connection {
            Connection::Failed(e) => format!("Could not load the queue: {}", clean(&e.to_string())),
            _ => "Loading cases…".into(),
        };
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.muted)
                .wrap(Wrap { trim: true }),
            table_area,
        );
        return;
    }
    if q.view.is_empty() {
        let msg = if q.cases.is_empty() {
            "No cases."
        } else {
            "No case matches the filters (0 clears them)."
        };
        frame.render_widget(Paragraph::new(msg).style(theme.muted), table_area);
        return;
    }

    // Columns by importance: Type only when wide, Assignee only when there is room.
    let wide = table_area.width >= 110;
    let roomy = table_area.width >= 74;
    let height = table_area.height.saturating_sub(1) as usize;
    let selected = q.selected_row();
    // The offset is part of the view: derive it here so `view` stays a pure function.
    let offset = match selected {
        Some(r) if r >= height && height > 0 => r + 1 - height,
        _ => 0,
    };
    // Zenoo's case names are `CAS-000001`; other vendors name cases in words. Wider names get
    // a wider column (measured in bytes, cheap over a large queue), up to a point.
    let name_width = q.name_width.clamp(10, if wide { 28 } else { 16 }) as u16;
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Length(name_width),
        Constraint::Length(15),
        Constraint::Length(6),
        Constraint::Length(3),
        Constraint::Length(14),
        Constraint::Min(8),
    ];
    let mut header = vec!["SLA", "Case", "Status", "Risk", "Al", "Assignee", "Entity"];
    if !roomy {
        widths.remove(5);
        header.remove(5);
    }
    if wide {
        widths.insert(3, Constraint::Length(11));
        header.insert(3, "Type");
    }
    // Several profiles merged: each row says where it came from.
    let merged = !state.source_caps.is_empty();
    if merged {
        let w = state
            .source_caps
            .keys()
            .map(|k| sanitize::width(&clean(k)))
            .max()
            .unwrap_or(3)
            .clamp(3, 12);
        widths.insert(1, Constraint::Length(w as u16));
        header.insert(1, "Src");
    }
    let rows = q
        .view
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(row, &i)| {
            let c = &q.cases[i];
            let sla = c.sla_status.as_ref().and_then(|s| s.known());
            let tier = c.risk_tier.as_ref().and_then(|t| t.known());
            let closed = c.status.known() == Some(CaseStatus::Closed);
            let marker = match (Some(row) == selected, state.queue_marks.contains(&c.token)) {
                (true, _) => "▶",
                (false, true) => "●",
                (false, false) => " ",
            };
            let countdown_text = if closed {
                "closed".into()
            } else {
                countdown(c.sla_deadline, state.now, c.sla_paused)
            };
            let mut cells = vec![
                Span::styled(
                    format!("{marker}{}{}", sla_symbol(sla), countdown_text),
                    sla_style(theme, sla),
                ),
                Span::raw(clean(&c.name).into_owned()),
                // A review of this case not landed yet: marked until it lands.
                Span::raw(match state.pending_mark(Target::Case(c.token.clone())) {
                    Some(mark) => format!("{mark} {}", clean(c.status.as_str())),
                    None => clean(c.status.as_str()).into_owned(),
                }),
                Span::styled(
                    c.risk_tier
                        .as_ref()
                        .map_or("—".into(), |t| clean(t.as_str()).into_owned()),
                    risk_style(theme, tier),
                ),
                Span::raw(c.open_alerts.map_or("—".into(), |n| n.to_string())),
                Span::raw(c.assigned_to.as_ref().map_or("—".into(), |u| {
                    clean(u.name.as_deref().unwrap_or(state.user_name(&u.id))).into_owned()
                })),
                Span::raw(clean(c.primary_entity.as_deref().unwrap_or("—")).into_owned()),
            ];
            if !roomy {
                cells.remove(5);
            }
            if wide {
                cells.insert(
                    3,
                    Span::raw(
                        c.case_type
                            .as_ref()
                            .map_or("—".into(), |t| clean(t.as_str()).into_owned()),
                    ),
                );
            }
            if merged {
                cells.insert(
                    1,
                    Span::styled(
                        clean(c.source.as_deref().unwrap_or("—")).into_owned(),
                        theme.muted,
                    ),
                );
            }
            let style = if Some(row) == selected {
                theme.selection
            } else {
                theme.text
            };
            Row::new(cells).style(style)
        });
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header))
        .column_spacing(1);
    frame.render_widget(table, table_area);
}

fn case_of<'a>(state: &'a State, token: &str) -> Option<&'a Case> {
    state.queue.get(token)
}

fn detail(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let case = case_of(state, &d.token);
    // A review of this case not landed yet is said in the header until it lands.
    let title = format!(
        " {}{} ",
        case.map_or(d.token.clone(), |c| clean(&c.name).into_owned()),
        match state.pending_mark(Target::Case(d.token.clone())) {
            Some("✖") => " · ✖ review refused (Ctrl-O)",
            Some(_) => " · ⟳ review pending",
            None => "",
        }
    );
    let block = pane(title, state.focus == Focus::Detail, theme);
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
        frame.render_widget(
            Paragraph::new("This case is no longer in the queue.").style(theme.muted),
            body,
        );
        return;
    };
    match d.tab {
        Tab::Summary => summary(state, d, case, theme, frame, body),
        Tab::Entities => detail_tabs::entities(&d.entities, theme, frame, body),
        Tab::Alerts => alerts(state, d, theme, frame, body),
        Tab::Risk => detail_tabs::risk(&d.risk, theme, frame, body),
        Tab::Checks => detail_tabs::checks(&d.checks, theme, frame, body),
        Tab::Activity => {
            detail_tabs::activity(&d.timeline, &d.comments, state.now, theme, frame, body)
        }
    }
}

fn field<'a>(label: &'a str, value: String, style: Style, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<13}"), theme.muted),
        Span::styled(value, style),
    ])
}

fn summary(state: &State, d: &Detail, c: &Case, theme: &Theme, frame: &mut Frame, area: Rect) {
    let sla = c.sla_status.as_ref().and_then(|s| s.known());
    let tier = c.risk_tier.as_ref().and_then(|t| t.known());
    let opt = |w: Option<String>| w.unwrap_or_else(|| "—".into());
    let mut lines = vec![
        field(
            "Entity",
            clean(c.primary_entity.as_deref().unwrap_or("—")).into_owned(),
            theme.text,
            theme,
        ),
        field(
            "Type",
            opt(c.case_type.as_ref().map(|t| clean(t.as_str()).into_owned())),
            theme.text,
            theme,
        ),
        field(
            "Status",
            clean(c.status.as_str()).into_owned(),
            theme.text,
            theme,
        ),
        field(
            "Priority",
            opt(c.priority.as_ref().map(|p| clean(p.as_str()).into_owned())),
            match c.priority.as_ref().and_then(|p| p.known()) {
                Some(Priority::Critical) => theme.sla_breached,
                Some(Priority::High) => theme.warning,
                _ => theme.text,
            },
            theme,
        ),
        field(
            "Risk",
            format!(
                "{}{}",
                opt(c.risk_tier.as_ref().map(|t| clean(t.as_str()).into_owned())),
                c.risk_score
                    .map(|s| format!(" ({s:.1})"))
                    .unwrap_or_default()
            ),
            risk_style(theme, tier),
            theme,
        ),
        field(
            "SLA",
            format!(
                "{} {} {}",
                sla_symbol(sla),
                countdown(c.sla_deadline, state.now, c.sla_paused),
                c.sla_status
                    .as_ref()
                    .map(|s| clean(s.as_str()).into_owned())
                    .unwrap_or_default()
            ),
            sla_style(theme, sla),
            theme,
        ),
        field(
            "Assignee",
            c.assigned_to.as_ref().map_or("unassigned".into(), |u| {
                clean(u.name.as_deref().unwrap_or(state.user_name(&u.id))).into_owned()
            }),
            theme.text,
            theme,
        ),
        field(
            "Open alerts",
            c.open_alerts.map_or("—".into(), |n| n.to_string()),
            theme.text,
            theme,
        ),
        field(
            "Entities",
            c.total_entities.map_or("—".into(), |n| n.to_string()),
            theme.text,
            theme,
        ),
    ];
    if let Some(d) = &c.decision {
        lines.push(field(
            "Decision",
            clean(d.as_str()).into_owned(),
            theme.accent,
            theme,
        ));
    }
    if let Some(r) = &c.external_reference {
        lines.push(field("Reference", clean(r).into_owned(), theme.text, theme));
    }
    if let Some(s) = &c.summary {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Summary", theme.header));
        for l in clean_multiline(s).lines() {
            lines.push(Line::raw(l.to_string()));
        }
    }
    let reviewers = detail_tabs::reviewers_lines(&d.reviewers, theme);
    if !reviewers.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(reviewers);
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn alerts(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let list = match &d.alerts {
        Loadable::Loading => {
            frame.render_widget(Paragraph::new("Loading alerts…").style(theme.muted), area);
            return;
        }
        Loadable::Unavailable(why) => {
            frame.render_widget(
                Paragraph::new(clean(why).into_owned()).style(theme.muted),
                area,
            );
            return;
        }
        Loadable::Failed(e) => {
            frame.render_widget(
                Paragraph::new(format!(
                    "Could not load the alerts: {}",
                    clean(&e.to_string())
                ))
                .style(theme.error)
                .wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        Loadable::Ready(list) => list,
    };
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new("No alerts on this case.").style(theme.muted),
            area,
        );
        return;
    }
    let [table_area, detail_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(if area.height >= 16 { 7 } else { 0 }),
    ])
    .areas(area);
    let height = table_area.height.saturating_sub(1) as usize;
    let row = d.alert_row.min(list.len().saturating_sub(1));
    let offset = if height > 0 && row >= height {
        row + 1 - height
    } else {
        0
    };
    let rows = list
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, a)| {
            let settled = a.status.known().is_some_and(|s| s.is_settled());
            let cursor = if i == row { "▶" } else { " " };
            let mark = if d.marked.contains(&a.token) {
                "●"
            } else {
                " "
            };
            // Alerts are grouped by entity: its name shows on the group's first row.
            let first_of_group = i == 0 || list[i - 1].entity_name != a.entity_name;
            let entity = if first_of_group {
                clean(a.entity_name.as_deref().unwrap_or("—")).into_owned()
            } else {
                "  〃".to_string()
            };
            Row::new(vec![
                Span::raw(format!("{cursor}{mark}")),
                Span::raw(entity),
                Span::raw(fit(&clean(a.category.as_deref().unwrap_or("—")), 22)),
                Span::raw(
                    a.priority
                        .as_ref()
                        .map_or("—".into(), |p| clean(p.as_str()).into_owned()),
                ),
                Span::raw(a.match_score.map_or("—".into(), |m| format!("{m:.0}%"))),
                Span::raw(format!(
                    "{}{}",
                    if let Some(mark) = state.pending_mark(Target::Alert(a.token.clone())) {
                        if mark == "✖" { "✖ " } else { "⟳ " }
                    } else if settled {
                        "✓ "
                    } else {
                        ""
                    },
                    clean(a.status.as_str())
                )),
            ])
            .style(if i == row {
                theme.selection
            } else if settled {
                theme.muted
            } else {
                theme.text
            })
        });
    let table = Table::new(
        rows,
        [
            Constraint::Length(2),
            Constraint::Min(10),
            Constraint::Length(22),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(16),
        ],
    )
    .header(
        Row::new(vec![
            "", "Entity", "Category", "Priority", "Match", "Status",
        ])
        .style(theme.header),
    )
    .column_spacing(1);
    frame.render_widget(table, table_area);
    // The hit under the cursor: its source data and the AI assessment.
    if detail_area.height > 0
        && let Some(a) = list.get(row)
    {
        let mut lines = vec![Line::styled(
            clean(a.title.as_deref().unwrap_or(a.token.as_str())).into_owned(),
            theme.header,
        )];
        if let Some(src) = &a.source_data {
            lines.push(Line::raw(format!("Hit: {}", clean(&compact_json(src)))));
        }
        if let Some(ai) = &a.ai_assessment {
            lines.push(Line::raw(format!("AI: {}", clean(ai))));
        }
        if let Some(r) = &a.resolution_rationale {
            lines.push(Line::styled(
                format!("Rationale: {}", clean(r)),
                theme.muted,
            ));
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: true }).block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border),
            ),
            detail_area,
        );
    }
}

/// Source data on one line: `key: value, key: value` for objects, recursively but shallowly.
fn compact_json(v: &serde_json::Value) -> String {
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

fn status_bar(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (conn, conn_style) = match &state.connection {
        Connection::Connecting => ("○ connecting".to_string(), theme.muted),
        Connection::Online => ("● online".to_string(), theme.ok),
        Connection::Failed(e) if e.is_key_refused() => {
            ("✖ key refused · docket doctor".to_string(), theme.error)
        }
        Connection::Failed(e) => (format!("✖ {}", e.code().unwrap_or("offline")), theme.error),
    };
    let mut synced = state.last_sync.map_or("never".into(), |t| {
        let s = (state.now.as_second() - t.as_second()).max(0);
        if s < 60 {
            format!("{s}s ago")
        } else {
            format!("{}m ago", s / 60)
        }
    });
    if let Some(at) = state.retry_at {
        let s = (at.as_second() - state.now.as_second()).max(0);
        synced.push_str(&format!(" · retry in {s}s"));
    }
    if state.frozen {
        synced.push_str(" · ❄ frozen");
    }
    // What waits in the outbox: never dropped for room.
    let mut counts = String::new();
    let (pending, failed) = (state.outbox.pending, state.outbox.failed);
    if pending > 0 {
        counts.push_str(&format!(" · ⟳ {pending} pending"));
    }
    if failed > 0 {
        counts.push_str(&format!(" · ✖ {failed} failed"));
    }
    // Other authors' entries: held, never sent with this key.
    for (who, n) in &state.outbox.held {
        counts.push_str(&format!(" · ⏸ {n} held for {}", clean(who)));
    }
    let user = state
        .me
        .as_ref()
        .map_or("—".into(), |u| clean(&u.name).into_owned());
    let on_alerts =
        state.focus == Focus::Detail && state.detail.as_ref().is_some_and(|d| d.tab == Tab::Alerts);
    let keys = match state.mode {
        _ if state.flow.is_some() => "drawer open",
        Mode::Filter => "type to filter · Enter keep · Esc clear",
        Mode::Outbox => "s send again · e edit · d d discard · x export held · Esc close",
        Mode::Help => "any key closes help",
        Mode::Palette => "type to search · ↑↓ choose · Enter run · Esc close",
        Mode::Normal if on_alerts && !state.read_only => "a/x/t/e resolve · space mark · ? help",
        Mode::Normal if state.focus == Focus::Detail => "[ ] tabs · s status · C close · ? help",
        Mode::Normal => "Enter open · / filter · ? help",
    };
    let marked = (state.mode == Mode::Normal
        && state.flow.is_none()
        && state.focus == Focus::Queue
        && !state.queue_marks.is_empty())
    .then(|| {
        format!(
            "{} marked · m/u assign · s status · E escalate · Esc unmark",
            state.queue_marks.len()
        )
    });
    let keys = match (&state.flash, marked) {
        (Some(f), _) => clean(f).into_owned(),
        (None, Some(m)) => m,
        (None, None) => keys.to_string(),
    };
    let read_only = match (&state.read_only_why, state.read_only) {
        (Some(why), true) => format!(" │ read-only: {}", clean(why)),
        (None, true) => " │ read-only".to_string(),
        _ => String::new(),
    };
    let stats = state
        .stats
        .line()
        .map(|l| format!(" │ ✓ {l}"))
        .unwrap_or_default();
    let head = format!(" {} │ {user} │ ", clean(&state.profile));
    let mut middle = format!("{read_only} │ ↻ {synced}{counts}{stats}");
    // A message the analyst must read wins over the sync age and the day's stats when both do
    // not fit (at 80 columns they rarely do); those come back with the next key. What waits
    // in the outbox always shows.
    let wanted = [
        head.as_str(),
        conn.as_str(),
        middle.as_str(),
        " │ ",
        keys.as_str(),
    ]
    .iter()
    .map(|s| sanitize::width(s))
    .sum::<usize>();
    if state.flash.is_some() && wanted > area.width as usize {
        let mut short = String::new();
        if pending > 0 {
            short.push_str(&format!(" · ⟳ {pending} pending"));
        }
        if failed > 0 {
            short.push_str(&format!(" · ✖ {failed} failed"));
        }
        let held = state.outbox.held_total();
        if held > 0 {
            short.push_str(&format!(" · ⏸ {held} held"));
        }
        middle = format!("{read_only}{}", short.replacen(" · ", " │ ", 1));
    }
    let line = Line::from(vec![
        Span::styled(head, theme.status),
        Span::styled(conn, conn_style),
        Span::styled(format!("{middle} │ {keys}"), theme.status),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.status), area);
}

/// Help rows: the commands (their keys come from the keymap in force, so remapped keys show
/// as remapped), what they do, and whether they write (hidden under --read-only).
const HELP: &[(&[Command], &str, bool)] = {
    use crate::domain::ResolutionAction as R;
    use Command::*;
    &[
        (&[Down, Up], "move", false),
        (&[Top, Bottom], "top, bottom", false),
        (&[PageDown, PageUp], "page", false),
        (&[Open], "open case", false),
        (&[Back], "back", false),
        (&[SwitchFocus], "switch pane", false),
        (&[PrevTab, NextTab], "detail tabs", false),
        (
            &[StartFilter],
            "filter (fuzzy: name, entity, reference)",
            false,
        ),
        (
            &[ToggleMine, ToggleUnassigned, ToggleBreached, ToggleHighRisk],
            "mine, unassigned, breached, high risk",
            false,
        ),
        (
            &[ToggleClosed, ClearFilters],
            "show closed cases, clear filters",
            false,
        ),
        (&[NextView], "next saved view", false),
        (&[Refresh, Freeze], "refresh now, freeze updates", false),
        (
            &[ShowOutbox],
            "outbox: reviews pending or refused (send again, edit, discard)",
            false,
        ),
        (
            &[Palette],
            "command palette: search every action here",
            false,
        ),
        (
            &[PullNext],
            "pull next: take the most urgent unassigned case and open it",
            true,
        ),
        (
            &[CopyName, CopyToken, CopyLink, OpenInBrowser],
            "copy name, token, dashboard link (OSC 52); open in the dashboard",
            false,
        ),
        (
            &[Mark, MarkRange],
            "mark (alerts, or queue cases for assign/status/escalate); mark a range",
            true,
        ),
        (
            &[
                Resolve(R::Approve),
                Resolve(R::Decline),
                Resolve(R::RequestDocument),
                Resolve(R::ApproveWithConditions),
                FalsePositive,
            ],
            "approve, decline, request document, with conditions, false positive",
            true,
        ),
        (
            &[EscalateAlert, Acknowledge],
            "escalate alert, acknowledge",
            true,
        ),
        (
            &[ChangeStatus, AssignToMe, Assign],
            "change status, assign to me, assign",
            true,
        ),
        (
            &[EscalateCase, Close, Comment],
            "escalate case, close, comment",
            true,
        ),
        (
            &[ApproveRisk, OverrideRisk],
            "approve risk, override risk tier",
            true,
        ),
        (
            &[RequestApprover, ApproveReview, RejectReview],
            "request approver; approve, reject a review",
            true,
        ),
        (
            &[ToggleHelp],
            "this help (Ctrl-S in a drawer: review before submitting)",
            false,
        ),
        (&[Quit], "quit", false),
    ]
};

/// The command palette: a query line and the commands that match, with their keys.
fn palette(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let items = crate::app::power::palette_items(state);
    let (query, selected) = state
        .palette
        .as_ref()
        .map_or(("", 0), |p| (p.query.as_str(), p.selected));
    let width = 60.min(area.width);
    let height = (items.len() as u16 + 3).clamp(4, 16).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(height) / 3,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(" Commands ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [q, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(
        Paragraph::new(format!(":{}▏", clean(query))).style(theme.accent),
        q,
    );
    if items.is_empty() {
        frame.render_widget(
            Paragraph::new("No command matches.").style(theme.muted),
            list,
        );
        return;
    }
    let rows = list.height as usize;
    let skip = selected.saturating_sub(rows.saturating_sub(1));
    let key_width = 10usize;
    let label_width = (inner.width as usize).saturating_sub(key_width + 3);
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(skip)
        .take(rows)
        .map(|(i, it)| {
            let mark = if i == selected { "▶ " } else { "  " };
            let style = if i == selected {
                theme.selection
            } else {
                theme.text
            };
            Line::from(vec![
                Span::styled(format!("{mark}{}", fit(&it.label, label_width)), style),
                Span::styled(
                    format!(" {}", fit(&clean(&it.keys), key_width)),
                    theme.muted,
                ),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

fn help(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows: Vec<(String, &str)> = HELP
        .iter()
        .filter(|(_, _, write)| !(state.read_only && *write))
        .map(|(cmds, what, _)| {
            let keys: Vec<String> = cmds
                .iter()
                .map(|c| {
                    let k = state.keymap.keys_for(*c);
                    if k.is_empty() {
                        "—".to_string()
                    } else {
                        k.join("/")
                    }
                })
                .collect();
            (keys.join(" "), *what)
        })
        .collect();
    let key_width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    let width = 100.min(area.width);
    let height = (rows.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    // What does not fit is one palette away: say so rather than cut it off silently.
    let room = height.saturating_sub(2) as usize;
    let total = rows.len();
    let shown = if total > room {
        room.saturating_sub(1)
    } else {
        total
    };
    let mut lines: Vec<Line> = rows
        .into_iter()
        .take(shown)
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{} ", fit(&k, key_width)), theme.accent),
                Span::raw(what),
            ])
        })
        .collect();
    if shown < total {
        lines.push(Line::styled(
            format!("… {} more: : searches every command", total - shown),
            theme.muted,
        ));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(pane(" Keys ".into(), true, theme)),
        rect,
    );
}

/// The outbox: every entry not yet landed, its state, attempts and last error.
fn outbox_view(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).max(1);
    let height = area.height.saturating_sub(2).max(1);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = pane(
        format!(
            " Outbox: {} pending, {} failed{} ",
            state.outbox.pending,
            state.outbox.failed,
            match state.outbox.held_total() {
                0 => String::new(),
                n => format!(", {n} held (other authors)"),
            }
        ),
        true,
        theme,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if state.outbox_rows.is_empty() {
        frame.render_widget(
            Paragraph::new("Nothing waiting: every review has landed.").style(theme.muted),
            inner,
        );
        return;
    }
    let mut lines = Vec::new();
    for (i, r) in state.outbox_rows.iter().enumerate() {
        let selected = i == state.outbox_row;
        let (mark, style) = if !r.mine {
            ("⏸ held   ", theme.muted)
        } else if r.failed {
            ("✖ failed ", theme.error)
        } else {
            ("⟳ pending", theme.warning)
        };
        lines.push(Line::from(vec![
            Span::raw(if selected { "▶ " } else { "  " }),
            Span::styled(mark, style),
            Span::styled(
                format!(
                    "  #{}  {}  ({} attempt(s))",
                    r.id,
                    clean(&r.title),
                    r.attempts
                ),
                if selected {
                    theme.selection
                } else {
                    theme.text
                },
            ),
        ]));
        if !r.mine {
            lines.push(Line::styled(
                format!(
                    "     written by {}: only their key sends it (x export, d d discard)",
                    clean(&r.author)
                ),
                theme.muted,
            ));
        } else if let Some(before) = r.waits_for {
            lines.push(Line::styled(
                format!("     waits for #{before}: same target, written earlier"),
                theme.muted,
            ));
        }
        if let Some(e) = &r.last_error {
            lines.push(Line::styled(format!("     {}", clean(e)), theme.muted));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
