//! What is read in full: an alert or an entity opened full height, and the Activity tab. Each
//! is built here as a [`Page`] of lines (cleaned, not yet wrapped) so that the reducer, which
//! keeps the scroll position, and the view, which draws it, wrap the same text the same way:
//! a scroll never runs past the end or stops short of it.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde_json::Value;

use super::state::{Detail, Focus, Loadable, Reading, State};
use crate::domain::model::{Alert, AuditEntry, Entity, UserRef};
use crate::domain::{AlertStatus, EntityRole};
use crate::text::sanitize::{clean, clean_multiline};
use crate::text::wrap::wrap_hanging;

mod activity;
pub use activity::{activity, ago};

/// How a line is meant: the view gives each a style, and never colour alone a meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Title,
    /// A section's heading.
    Heading,
    Text,
    Muted,
    Good,
    Warning,
}

/// A text to read, line by line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub title: String,
    pub lines: Vec<PageLine>,
}

/// One line of a page, before wrapping.
#[derive(Clone, Debug, PartialEq)]
pub struct PageLine {
    pub tone: Tone,
    pub text: String,
    /// Where its wrapped lines start (a labelled value's: under the value).
    pub hang: usize,
}

/// Columns a field's label takes, its value after it.
const LABEL: usize = 16;

impl Page {
    fn push(&mut self, tone: Tone, text: impl Into<String>) {
        self.lines.push(PageLine {
            tone,
            text: text.into(),
            hang: 0,
        });
    }

    /// A labelled value: `Label       value`, further lines of the value indented under it.
    fn field(&mut self, label: &str, value: &str) {
        let text = clean_multiline(value);
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        self.push(Tone::Text, format!("{label:<15} {first}"));
        for l in lines {
            self.push(Tone::Text, format!("{:16}{l}", ""));
        }
        for l in self
            .lines
            .iter_mut()
            .rev()
            .take(1 + text.lines().count().saturating_sub(1))
        {
            l.hang = LABEL;
        }
    }

    /// Free text, every line of it, indented by two.
    fn paragraph(&mut self, tone: Tone, text: &str) {
        for l in clean_multiline(text).lines() {
            self.push(tone, format!("  {l}"));
        }
    }

    /// The lines as drawn `cols` wide.
    pub fn wrapped(&self, cols: usize) -> Vec<(Tone, String)> {
        self.lines
            .iter()
            .flat_map(|l| {
                wrap_hanging(&l.text, cols, l.hang)
                    .into_iter()
                    .map(move |w| (l.tone, w))
            })
            .collect()
    }
}

/// `2026-12-03 15:04 UTC`.
pub fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A person by name: the name the record carries, else the name of a user the console knows.
pub fn person(state: &State, u: &UserRef) -> String {
    clean(&state.person(u)).into_owned()
}

/// The screen size the reducer bounds scrolling by (the runtime says it; 80x24 until then).
fn screen(state: &State) -> (u16, u16) {
    state.ui.screen.unwrap_or((80, 24))
}

/// Columns and rows of text inside a full-height reader (the main area less its border).
pub fn reader_size(width: u16, height: u16) -> (usize, usize) {
    (
        width.saturating_sub(2).max(1) as usize,
        // The status bar, the border, and the line of keys at the bottom.
        height.saturating_sub(4).max(1) as usize,
    )
}

/// Columns and rows of the Activity tab's text: the case pane, side by side with the queue
/// from `SIDE_BY_SIDE` columns (the open pane gets the larger share), less borders and tabs.
pub fn activity_size(state: &State) -> (usize, usize) {
    let (w, h) = screen(state);
    let pane = if w >= SIDE_BY_SIDE {
        let share = if state.ui.focus == Focus::Detail {
            58
        } else {
            45
        };
        (u32::from(w) * share / 100) as u16
    } else {
        w
    };
    (
        pane.saturating_sub(2).max(1) as usize,
        h.saturating_sub(4).max(1) as usize,
    )
}

/// From this width the queue and the open case sit side by side.
pub const SIDE_BY_SIDE: u16 = 100;

/// The furthest a reader can scroll: its last line at the bottom.
pub fn max_scroll(state: &State) -> u16 {
    let Some(d) = &state.detail else { return 0 };
    let (page, (cols, rows)) = match &d.reading {
        Some(_) => {
            let (w, h) = screen(state);
            (page(state, d), reader_size(w, h))
        }
        None => (activity(state, d), activity_size(state)),
    };
    let Some(page) = page else { return 0 };
    page.wrapped(cols)
        .len()
        .saturating_sub(rows)
        .min(u16::MAX as usize) as u16
}

/// The page open full height, if any.
pub fn page(state: &State, d: &Detail) -> Option<Page> {
    match d.reading.as_ref()? {
        Reading::Alert { token, .. } => {
            let Loadable::Ready(list) = &d.alerts else {
                return None;
            };
            list.iter()
                .find(|a| &a.token == token)
                .map(|a| alert_page(state, d, a))
        }
        Reading::Entity { token, .. } => {
            let Loadable::Ready(list) = &d.entities else {
                return None;
            };
            list.iter()
                .find(|e| &e.token == token)
                .map(|e| entity_page(state, d, list, e))
        }
    }
}

/// What an alert's list row says of it: the decision when one was taken (`Approved`,
/// `Document requested`), else its status.
pub fn alert_state(a: &Alert) -> String {
    match a.outcome() {
        Some(o) => o.to_string(),
        None => clean(a.status.as_str()).into_owned(),
    }
}

/// Who took the alert's decision and when: the alert's own `resolved_by` / `resolved_at`,
/// else (an action that leaves the alert open, as Request Document does) the latest audit
/// entry on the alert.
fn decided(state: &State, d: &Detail, a: &Alert) -> (Option<String>, Option<Timestamp>, bool) {
    if a.resolved_by.is_some() || a.resolved_at.is_some() {
        return (
            a.resolved_by.as_ref().map(|u| person(state, u)),
            a.resolved_at,
            false,
        );
    }
    let Loadable::Ready(timeline) = &d.timeline else {
        return (None, None, false);
    };
    let entry: Option<&AuditEntry> = timeline
        .iter()
        .filter(|e| e.target_token.as_deref() == Some(a.token.as_str()))
        .filter(|e| {
            let t = e.event_type.to_ascii_uppercase();
            !t.ends_with("_CREATED") && !t.ends_with("_ASSIGNMENT") && !t.ends_with("ACKNOWLEDGED")
        })
        .max_by_key(|e| e.at);
    match entry {
        Some(e) => (e.actor.as_ref().map(|u| person(state, u)), e.at, true),
        None => (None, None, false),
    }
}

fn alert_page(state: &State, d: &Detail, a: &Alert) -> Page {
    let mut p = Page {
        title: format!(
            "Alert {} · {}",
            clean(&a.token),
            clean(a.entity_name.as_deref().unwrap_or("—"))
        ),
        lines: Vec::new(),
    };
    p.push(
        Tone::Title,
        clean(
            a.title
                .as_deref()
                .or(a.category.as_deref())
                .unwrap_or(&a.token),
        )
        .into_owned(),
    );
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    p.field("Category", &opt(a.category.clone()));
    p.field(
        "Type",
        &opt(a.alert_type.as_ref().map(|t| t.as_str().to_string())),
    );
    p.field("Status", a.status.as_str());
    p.field(
        "Priority",
        &format!(
            "{}{}",
            opt(a.priority.as_ref().map(|t| t.as_str().to_string())),
            a.priority_score
                .map(|s| format!(" (score {s:.0})"))
                .unwrap_or_default()
        ),
    );
    p.field(
        "Match",
        &a.match_score.map_or("—".into(), |m| format!("{m:.0}%")),
    );
    if let Some(due) = a.sla_deadline {
        p.field(
            "SLA",
            &format!(
                "{}{}",
                when(due),
                a.sla_status
                    .as_ref()
                    .map(|s| format!(" · {}", s.as_str()))
                    .unwrap_or_default()
            ),
        );
    }
    if let Some(u) = &a.assigned_to {
        p.field("Assigned to", &person(state, u));
    }
    // The decision: what, why, on what conditions, who and when.
    p.push(Tone::Text, "");
    match a.outcome() {
        Some(o) => {
            let settled = a.status.known().is_some_and(AlertStatus::is_settled);
            p.push(
                if settled { Tone::Good } else { Tone::Warning },
                format!(
                    "Decision: {o}{}",
                    if settled { "" } else { " (still open)" }
                ),
            );
            if let Some(action) = &a.resolution_action {
                p.field("Action", action.as_str());
            }
            if a.is_false_positive {
                p.field("False positive", "yes");
            }
            let (who, at, from_timeline) = decided(state, d, a);
            p.field("By", &opt(who));
            p.field(
                "At",
                &format!(
                    "{}{}",
                    at.map_or("—".into(), when),
                    if from_timeline {
                        " (from the case timeline)"
                    } else {
                        ""
                    }
                ),
            );
            p.push(Tone::Heading, "Rationale");
            match &a.resolution_rationale {
                Some(r) if !r.trim().is_empty() => p.paragraph(Tone::Text, r),
                _ => p.push(Tone::Muted, "  none given"),
            }
            if let Some(c) = a.conditions.as_deref().filter(|c| !c.trim().is_empty()) {
                p.push(Tone::Heading, "Conditions");
                p.paragraph(Tone::Text, c);
            }
        }
        None => p.push(Tone::Muted, "Decision: none yet"),
    }
    if let Some(desc) = a.description.as_deref().filter(|s| !s.trim().is_empty()) {
        p.push(Tone::Text, "");
        p.push(Tone::Heading, "Description");
        p.paragraph(Tone::Text, desc);
    }
    p.push(Tone::Text, "");
    p.push(Tone::Heading, "AI assessment");
    match a.ai_assessment.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(ai) => p.paragraph(Tone::Text, ai),
        None => p.push(Tone::Muted, "  none"),
    }
    p.push(Tone::Text, "");
    p.push(Tone::Heading, "Hit data");
    match &a.source_data {
        Some(v) if !v.is_null() => json_lines(&mut p, v, 1),
        _ => p.push(Tone::Muted, "  none"),
    }
    p
}

/// Nesting shown of hit data; deeper values are shown on one line.
const JSON_DEPTH: usize = 6;

/// Hit data as `key: value` lines, nested objects and lists indented under their key.
fn json_lines(p: &mut Page, v: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m.iter().filter(|(_, v)| !v.is_null()) {
                let k = clean(k);
                match v {
                    Value::Object(_) | Value::Array(_) if depth < JSON_DEPTH => {
                        p.push(Tone::Muted, format!("{pad}{k}:"));
                        json_lines(p, v, depth + 1);
                    }
                    Value::Object(_) | Value::Array(_) => {
                        p.push(Tone::Text, format!("{pad}{k}: {}", clean(&v.to_string())))
                    }
                    _ => {
                        let text = clean_multiline(&scalar(v)).into_owned();
                        let mut lines = text.lines();
                        p.push(
                            Tone::Text,
                            format!("{pad}{k}: {}", lines.next().unwrap_or("")),
                        );
                        for l in lines {
                            p.push(Tone::Text, format!("{pad}  {l}"));
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(_) | Value::Array(_) if depth < JSON_DEPTH => {
                        p.push(Tone::Muted, format!("{pad}-"));
                        json_lines(p, item, depth + 1);
                    }
                    other => p.push(
                        Tone::Text,
                        format!("{pad}- {}", clean(&scalar(other).replace('\n', " "))),
                    ),
                }
            }
        }
        other => p.push(
            Tone::Text,
            format!("{pad}{}", clean(&scalar(other).replace('\n', " "))),
        ),
    }
}

/// The ownership tree in drawing order: each entity's index in `list` and the line's lead
/// (`├─ `, `└─ `). Roots first (the Primary before the others), children under their parent;
/// entities only reachable through a parent cycle come last, each once, as roots.
pub fn tree(list: &[Entity]) -> Vec<(usize, String)> {
    /// Deeper levels are drawn at this indentation, so a hostile chain cannot grow lines.
    const MAX_INDENT: usize = 12;
    let tokens: HashSet<&str> = list.iter().map(|e| e.token.as_str()).collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, e) in list.iter().enumerate() {
        match e.parent_token.as_deref() {
            Some(p) if p != e.token && tokens.contains(p) => children.entry(p).or_default().push(i),
            _ => roots.push(i),
        }
    }
    let primary = |e: &Entity| e.role.as_ref().and_then(|r| r.known()) == Some(EntityRole::Primary);
    roots.sort_by_key(|&i| !primary(&list[i]));
    roots.extend(0..list.len());
    let mut drawn = vec![false; list.len()];
    let mut out = Vec::new();
    for root in roots {
        // Depth-first, no recursion: (entity, its line's prefix, its children's indent, depth).
        let mut stack = vec![(root, String::new(), String::new(), 0)];
        while let Some((i, lead, indent, depth)) = stack.pop() {
            if std::mem::replace(&mut drawn[i], true) {
                continue;
            }
            out.push((i, lead));
            let kids: Vec<usize> = children
                .get(list[i].token.as_str())
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .filter(|&k| !drawn[k])
                .collect();
            for (n, &k) in kids.iter().enumerate().rev() {
                let last = n + 1 == kids.len();
                let lead = format!("{indent}{}", if last { "└─ " } else { "├─ " });
                let deeper = if depth < MAX_INDENT {
                    format!("{indent}{}", if last { "   " } else { "│  " })
                } else {
                    indent.clone()
                };
                stack.push((k, lead, deeper, depth + 1));
            }
        }
    }
    out
}

/// The entity under the cursor of the ownership tree.
pub fn current_entity(d: &Detail) -> Option<&Entity> {
    let Loadable::Ready(list) = &d.entities else {
        return None;
    };
    let order = tree(list);
    order
        .get(d.entity_row.min(order.len().saturating_sub(1)))
        .map(|(i, _)| &list[*i])
}

/// `Holding Ltd (24%) → Owner`: the chain of owners from the tree's root down to `e`.
pub fn ownership_path(list: &[Entity], e: &Entity) -> String {
    let by_token: HashMap<&str, &Entity> = list.iter().map(|x| (x.token.as_str(), x)).collect();
    let mut chain = vec![e];
    let mut seen = HashSet::from([e.token.as_str()]);
    let mut at = e;
    while let Some(parent) = at.parent_token.as_deref().and_then(|p| by_token.get(p)) {
        if !seen.insert(parent.token.as_str()) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
        .iter()
        .rev()
        .map(|x| {
            let pct = x
                .ownership_percentage
                .map(|p| {
                    if p.fract() == 0.0 {
                        format!(" ({p:.0}%)")
                    } else {
                        format!(" ({p:.1}%)")
                    }
                })
                .unwrap_or_default();
            format!("{}{pct}", clean(&x.name))
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn entity_page(state: &State, d: &Detail, list: &[Entity], e: &Entity) -> Page {
    let _ = state;
    let mut p = Page {
        title: format!("Entity {} · {}", clean(&e.token), clean(&e.name)),
        lines: Vec::new(),
    };
    p.push(Tone::Title, clean(&e.name).into_owned());
    let opt = |v: Option<&str>| v.map_or("—".to_string(), |s| s.to_string());
    p.field("Type", &opt(e.entity_type.as_ref().map(|t| t.as_str())));
    p.field("Role", &opt(e.role.as_ref().map(|t| t.as_str())));
    if let Some(pct) = e.ownership_percentage {
        p.field("Ownership", &format!("{pct}%"));
    }
    p.field("Ownership path", &ownership_path(list, e));
    p.field(
        "Verification",
        &opt(e.verification_status.as_ref().map(|t| t.as_str())),
    );
    p.field("Date of birth", &opt(e.date_of_birth.as_deref()));
    p.field("Nationality", &opt(e.nationality.as_deref()));
    p.field("Country", &opt(e.country.as_deref()));
    p.field("Address", &opt(e.address.as_deref()));
    p.field("Registration", &opt(e.registration_number.as_deref()));
    // Its own alerts: by token where the alert names the entity, else by name.
    p.push(Tone::Text, "");
    match &d.alerts {
        Loadable::Ready(alerts) => {
            let mine: Vec<&Alert> = alerts
                .iter()
                .filter(|a| match &a.entity_token {
                    Some(t) => *t == e.token,
                    None => a.entity_name.as_deref() == Some(e.name.as_str()),
                })
                .collect();
            p.push(Tone::Heading, format!("Alerts ({})", mine.len()));
            if mine.is_empty() {
                p.push(Tone::Muted, "  none on this case");
            }
            for a in mine {
                let settled = a.status.known().is_some_and(AlertStatus::is_settled);
                p.push(
                    if settled { Tone::Muted } else { Tone::Text },
                    format!(
                        "  {} {} · {} · {}",
                        if settled { "✓" } else { "•" },
                        alert_state(a),
                        clean(a.category.as_deref().unwrap_or("—")),
                        a.match_score
                            .map_or("—".into(), |m| format!("match {m:.0}%")),
                    ),
                );
            }
        }
        other => p.push(Tone::Muted, format!("Alerts: {}", not_ready(other))),
    }
    p.push(Tone::Text, "");
    match &d.checks {
        Loadable::Ready(checks) => {
            let mine: Vec<_> = checks
                .iter()
                .filter(|c| c.entity_name.as_deref() == Some(e.name.as_str()))
                .collect();
            p.push(Tone::Heading, format!("Checks ({})", mine.len()));
            if mine.is_empty() {
                p.push(Tone::Muted, "  none on this case");
            }
            for c in mine {
                p.push(
                    Tone::Text,
                    format!(
                        "  {} · {}{}{}",
                        clean(&c.name),
                        clean(c.status.as_str()),
                        c.result
                            .as_ref()
                            .map(|r| format!(" · {}", clean(r.as_str())))
                            .unwrap_or_default(),
                        c.provider
                            .as_deref()
                            .map(|r| format!(" · {}", clean(r)))
                            .unwrap_or_default(),
                    ),
                );
            }
        }
        other => p.push(Tone::Muted, format!("Checks: {}", not_ready(other))),
    }
    p
}

fn not_ready<T>(l: &Loadable<T>) -> String {
    match l {
        Loadable::Loading => "loading…".into(),
        Loadable::Failed(e) => format!("could not load: {}", clean(&e.to_string())),
        Loadable::Unavailable(why) => clean(why).into_owned(),
        Loadable::Ready(_) => String::new(),
    }
}
