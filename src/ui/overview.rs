//! The overview: every open case loaded, as charts drawn by ratatui's own widgets (open cases
//! by SLA bucket, by risk tier and per assignee; breaches and reviews as sparklines). Each bar
//! carries its label and its number as text, so no meaning rests on colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph, Sparkline};

use super::sanitize::{self, clean, truncate};
use super::{Theme, risk_style};
use crate::app::State;
use crate::domain::row::CaseRow;
use crate::domain::{CaseStatus, RiskTier, SlaStatus};

const HOUR: i64 = 3_600;

/// What the charts count, from the loaded cases and the review stats. Nothing else.
struct Counts {
    open: usize,
    /// Breached, due in under 4 h, under 24 h, later, clock paused, no deadline.
    sla: [u64; 6],
    /// High, Medium, Low, no tier.
    risk: [u64; 4],
    /// Open cases per assignee (names where known), most first; unassigned apart.
    workload: Vec<(String, u64)>,
    unassigned: u64,
    /// Open cases whose deadline passed in each of the last 24 hours, oldest first.
    breach_hours: Vec<u64>,
    /// Open breached cases whose deadline passed more than 24 h ago (or is unknown).
    breached_older: u64,
}

/// Where a case's SLA stands at `now`, as the queue's countdown shows it: a paused clock
/// (Client Input) is never breached by its clock.
fn sla_bucket(c: &CaseRow, now: i64) -> usize {
    if c.sla_paused {
        return 4;
    }
    match c.sla_deadline.map(|d| d.as_second() - now) {
        Some(left) if left < 0 => 0,
        Some(left) if left < 4 * HOUR => 1,
        Some(left) if left < 24 * HOUR => 2,
        Some(_) => 3,
        None if c.sla_status.as_ref().and_then(|s| s.known()) == Some(SlaStatus::Breached) => 0,
        None => 5,
    }
}

impl Counts {
    fn of(state: &State) -> Counts {
        let now = state.data.now.as_second();
        let mut sla = [0; 6];
        let mut risk = [0; 4];
        let mut per: std::collections::HashMap<String, u64> = Default::default();
        let mut unassigned = 0;
        let mut breach_hours = vec![0; 24];
        let mut breached_older = 0;
        let mut open = 0;
        for c in state.queue.cases.iter() {
            if c.status.known() == Some(CaseStatus::Closed) {
                continue;
            }
            open += 1;
            let b = sla_bucket(&c, now);
            sla[b] += 1;
            if b == 0 {
                match c.sla_deadline.map(|d| now - d.as_second()) {
                    Some(ago) if ago < 24 * HOUR => breach_hours[23 - (ago / HOUR) as usize] += 1,
                    _ => breached_older += 1,
                }
            }
            risk[match c.risk_tier.as_ref().and_then(|t| t.known()) {
                Some(RiskTier::High) => 0,
                Some(RiskTier::Medium) => 1,
                Some(RiskTier::Low) => 2,
                None => 3,
            }] += 1;
            match &c.assigned_to {
                Some(u) => {
                    let name = u.name.as_deref().unwrap_or(state.user_name(&u.id));
                    *per.entry(clean(name).into_owned()).or_default() += 1;
                }
                None => unassigned += 1,
            }
        }
        let mut workload: Vec<(String, u64)> = per.into_iter().collect();
        workload.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Counts {
            open,
            sla,
            risk,
            workload,
            unassigned,
            breach_hours,
            breached_older,
        }
    }
}

/// Draws the overview over `area` (the main area, above the status bar).
pub(super) fn overview(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let counts = Counts::of(state);
    let title = format!(
        " Overview: {} open cases, every case loaded (not only this view) · Esc closes ",
        counts.open
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(truncate(&title, area.width.saturating_sub(2) as usize).into_owned());
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    if !state.queue.loaded {
        frame.render_widget(
            Paragraph::new("The queue has not loaded yet: nothing to count.").style(theme.muted),
            inner,
        );
        return;
    }
    let sla_rows = 4 + u16::from(counts.sla[4] > 0) + u16::from(counts.sla[5] > 0);
    if inner.width >= 110 && inner.height >= 20 {
        // Three charts side by side, the two lines below.
        let [top, bottom] = Layout::vertical([
            Constraint::Min(8),
            Constraint::Length((inner.height / 3).max(7)),
        ])
        .areas(inner);
        let [a, b, c] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(top);
        let [d, e] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(bottom);
        sla_chart(&counts, theme, frame, a);
        risk_chart(&counts, theme, frame, b);
        workload_chart(&counts, theme, frame, c);
        breaches_line(&counts, theme, frame, d);
        reviews_line(state, theme, frame, e);
    } else if inner.width >= 60 {
        // Two columns: SLA, risk and breaches on the left; workload and reviews on the right.
        let [left, right] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(inner);
        let [a, b, d] = Layout::vertical([
            Constraint::Length(sla_rows + 2),
            Constraint::Length(6),
            Constraint::Min(3),
        ])
        .areas(left);
        let [c, e] = Layout::vertical([Constraint::Min(3), Constraint::Length(5)]).areas(right);
        sla_chart(&counts, theme, frame, a);
        risk_chart(&counts, theme, frame, b);
        breaches_line(&counts, theme, frame, d);
        workload_chart(&counts, theme, frame, c);
        reviews_line(state, theme, frame, e);
    } else {
        // One column; what does not fit is cut at the bottom.
        let [a, b, c, d, e] = Layout::vertical([
            Constraint::Length(sla_rows + 2),
            Constraint::Length(6),
            Constraint::Min(3),
            Constraint::Length(4),
            Constraint::Length(4),
        ])
        .areas(inner);
        sla_chart(&counts, theme, frame, a);
        risk_chart(&counts, theme, frame, b);
        workload_chart(&counts, theme, frame, c);
        breaches_line(&counts, theme, frame, d);
        reviews_line(state, theme, frame, e);
    }
}

fn section(title: &str, area: Rect, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(truncate(title, area.width.saturating_sub(2) as usize).into_owned())
}

/// A horizontal bar chart: one row per bar, its label on the left and its number on the bar.
fn bars(bars: Vec<Bar<'static>>, title: &str, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let block = section(title, area, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // A blank row between bars where there is room for it.
    let gap = u16::from(inner.height as usize >= 2 * bars.len());
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(gap)
        .value_style(theme.text.add_modifier(Modifier::BOLD))
        .label_style(theme.text)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, inner);
}

fn bar(label: &str, value: u64, style: Style) -> Bar<'static> {
    Bar::default()
        .label(Line::from(label.to_string()))
        .value(value)
        .text_value(value.to_string())
        .style(style)
}

fn sla_chart(counts: &Counts, theme: &Theme, frame: &mut Frame, area: Rect) {
    let s = &counts.sla;
    let mut v = vec![
        bar("✖ breached", s[0], theme.sla_breached),
        bar("< 4 h", s[1], theme.sla_critical),
        bar("< 24 h", s[2], theme.sla_critical),
        bar("later", s[3], theme.text),
    ];
    if s[4] > 0 {
        v.push(bar("⏸ paused", s[4], theme.muted));
    }
    if s[5] > 0 {
        v.push(bar("no SLA", s[5], theme.muted));
    }
    bars(v, " Open cases by SLA ", theme, frame, area);
}

fn risk_chart(counts: &Counts, theme: &Theme, frame: &mut Frame, area: Rect) {
    let r = &counts.risk;
    let v = vec![
        bar("High", r[0], risk_style(theme, Some(RiskTier::High))),
        bar("Medium", r[1], risk_style(theme, Some(RiskTier::Medium))),
        bar("Low", r[2], risk_style(theme, Some(RiskTier::Low))),
        bar("no tier", r[3], theme.muted),
    ];
    bars(v, " Open cases by risk tier ", theme, frame, area);
}

fn workload_chart(counts: &Counts, theme: &Theme, frame: &mut Frame, area: Rect) {
    // One row per bar: as many as fit, the rest summed in one bar that says how many.
    let room = area.height.saturating_sub(2).max(1) as usize;
    let name_width = (area.width as usize / 3).clamp(6, 20);
    let mut v = vec![bar("unassigned", counts.unassigned, theme.muted)];
    let people = &counts.workload;
    let shown = if people.len() + 1 > room {
        room.saturating_sub(2)
    } else {
        people.len()
    };
    for (name, n) in people.iter().take(shown) {
        v.push(bar(&truncate(name, name_width), *n, theme.accent));
    }
    let rest = &people[shown.min(people.len())..];
    if !rest.is_empty() {
        let n: u64 = rest.iter().map(|(_, n)| n).sum();
        v.push(bar(
            &truncate(&format!("{} others", rest.len()), name_width),
            n,
            theme.muted,
        ));
    }
    bars(v, " Open cases per assignee ", theme, frame, area);
}

/// A caption, the sparkline under it, and the axis under that, as the height allows.
#[allow(clippy::too_many_arguments)]
fn line(
    title: &str,
    caption: String,
    data: &[u64],
    axis: String,
    style: Style,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let block = section(title, area, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let axis_rows = u16::from(inner.height >= 3);
    // The caption's second line where the sparkline keeps a row of its own.
    let caption_rows = if inner.height >= 4 { 2 } else { 1 };
    let [cap, spark, ax] = Layout::vertical([
        Constraint::Length(caption_rows),
        Constraint::Min(0),
        Constraint::Length(axis_rows),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(caption).style(theme.text), cap);
    if !data.is_empty() {
        frame.render_widget(Sparkline::default().data(data).style(style), spark);
    }
    frame.render_widget(Paragraph::new(axis).style(theme.muted), ax);
}

fn breaches_line(counts: &Counts, theme: &Theme, frame: &mut Frame, area: Rect) {
    let last_day: u64 = counts.breach_hours.iter().sum();
    // The long words where they fit, the short ones where they do not: never cut.
    let room = area.width.saturating_sub(2) as usize;
    let first = [
        format!(
            "{last_day} breached in the last 24 h, {} before",
            counts.breached_older
        ),
        format!(
            "{last_day} breached in 24 h, {} before",
            counts.breached_older
        ),
        format!("{last_day} in 24 h, {} before", counts.breached_older),
    ]
    .into_iter()
    .find(|c| sanitize::width(c) <= room)
    .unwrap_or_else(|| format!("{last_day} / {}", counts.breached_older));
    let second = if sanitize::width("a bar per hour their deadline passed") <= room {
        "a bar per hour their deadline passed"
    } else {
        "a bar per hour"
    };
    let caption = format!("{first}\n{second}");
    // One column per hour: the axis spans the 24 columns the line takes.
    let axis = format!("{:<21}now", "24 h ago");
    line(
        " Breaches by hour, last 24 h ",
        caption,
        &counts.breach_hours,
        axis,
        theme.sla_breached,
        theme,
        frame,
        area,
    );
}

fn reviews_line(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let stats = &state.data.stats;
    let durations: Vec<u64> = stats.durations.iter().map(|d| (*d).max(0) as u64).collect();
    let room = area.width.saturating_sub(2) as usize;
    let pick = |long: String, short: String| {
        if sanitize::width(&long) <= room {
            long
        } else {
            short
        }
    };
    let caption = format!(
        "{}\n{}",
        pick(
            format!("{} landed today (local audit log)", stats.today),
            format!("{} landed today", stats.today)
        ),
        pick(
            "a bar per review this session: its time".into(),
            "a bar per review: its time".into()
        )
    );
    let axis = match stats.median() {
        Some(m) => format!(
            "{} this session · median {}m{:02}s",
            durations.len(),
            m / 60,
            m % 60
        ),
        None => "none landed this session yet".into(),
    };
    line(
        " Reviews landed ",
        caption,
        &durations,
        axis,
        theme.ok,
        theme,
        frame,
        area,
    );
}
