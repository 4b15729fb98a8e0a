//! Pure renderers for the case detail tabs: the ownership tree, the risk assessment, the
//! checks, the activity feed, and the reviewer lines the summary appends. Every string from
//! the API goes through [`clean`] / [`clean_multiline`]; nothing here indexes a string by byte,
//! and long or many lines are clipped by the area, never a panic.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use serde_json::Value;

use super::sanitize::{clean, clean_multiline, fit};
use super::{Theme, risk_style};
use crate::app::state::Loadable;
use crate::domain::model::{Assessment, AuditEntry, Check, Comment, Entity, Reviewer, UserRef};
use crate::domain::{
    AssessmentStatus, CheckResult, EntityRole, ReviewerStatus, RiskTier, VerificationStatus, Wire,
};

/// Deeper ownership levels are drawn at this indentation, so a hostile chain cannot grow lines.
const MAX_INDENT: usize = 12;

/// The line shown instead of data that is loading or failed to load.
fn pending<T>(l: &Loadable<T>, what: &str, theme: &Theme) -> Option<Line<'static>> {
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
fn ready<'a, T, U>(
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

fn message(frame: &mut Frame, area: Rect, line: Line<'static>) {
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
}

fn name_of(u: Option<&UserRef>) -> String {
    clean(u.map_or("system", |u| u.name.as_deref().unwrap_or(&u.id))).into_owned()
}

/// The first non-blank line of multi-line text, cleaned.
fn first_line(s: &str) -> String {
    let text = clean_multiline(s);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().to_string()
}

fn tier_word(t: Option<&Wire<RiskTier>>) -> String {
    t.map_or("—".into(), |t| clean(t.as_str()).into_owned())
}

fn tier_style(t: Option<&Wire<RiskTier>>, theme: &Theme) -> Style {
    risk_style(theme, t.and_then(|t| t.known()))
}

/// The ownership tree: roots first (the Primary before the others), children under their parent.
pub fn entities(list: &Loadable<Vec<Entity>>, theme: &Theme, frame: &mut Frame, area: Rect) {
    match ready(list, "entities", theme, |v| (!v.is_empty()).then_some(v)) {
        Ok(list) => frame.render_widget(Paragraph::new(tree_lines(list, theme)), area),
        Err(msg) => message(frame, area, msg),
    }
}

fn tree_lines(list: &[Entity], theme: &Theme) -> Vec<Line<'static>> {
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
    // Entities only reachable through a parent cycle come last, each drawn once as a root.
    roots.extend(0..list.len());
    let mut drawn = vec![false; list.len()];
    let mut lines = Vec::new();
    for root in roots {
        // Depth-first, no recursion: (entity, its line's prefix, its children's indent, depth).
        let mut stack = vec![(root, String::new(), String::new(), 0)];
        while let Some((i, lead, indent, depth)) = stack.pop() {
            if std::mem::replace(&mut drawn[i], true) {
                continue;
            }
            lines.push(entity_line(lead, &list[i], theme));
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
    lines
}

fn verification(v: Option<&Wire<VerificationStatus>>, theme: &Theme) -> (&'static str, Style) {
    match v.and_then(|v| v.known()) {
        Some(VerificationStatus::Verified) => ("✓", theme.ok),
        Some(VerificationStatus::Failed) => ("✖", theme.error),
        Some(VerificationStatus::InProgress) => ("…", theme.warning),
        Some(VerificationStatus::Expired) => ("⌛", theme.warning),
        Some(VerificationStatus::NotStarted) => ("○", theme.muted),
        None => ("?", theme.muted),
    }
}

fn entity_line(lead: String, e: &Entity, theme: &Theme) -> Line<'static> {
    let mut meta = Vec::new();
    if let Some(r) = &e.role {
        meta.push(clean(r.as_str()).into_owned());
    }
    if let Some(p) = e.ownership_percentage {
        meta.push(if p.fract() == 0.0 {
            format!("{p:.0}%")
        } else {
            format!("{p:.1}%")
        });
    }
    if let Some(c) = &e.country {
        meta.push(clean(c).into_owned());
    }
    let (symbol, style) = verification(e.verification_status.as_ref(), theme);
    let status = e
        .verification_status
        .as_ref()
        .map_or("unknown".into(), |s| clean(s.as_str()).into_owned());
    Line::from(vec![
        Span::styled(lead, theme.muted),
        Span::styled(clean(&e.name).into_owned(), theme.text),
        Span::styled(format!("  {}", meta.join(" · ")), theme.muted),
        Span::styled(format!("  {symbol} {status}"), style),
    ])
}

/// The assessment header, then each dimension as a bar with its score and tier, then its factors.
pub fn risk(
    assessment: &Loadable<Option<Assessment>>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    match ready(assessment, "risk assessment", theme, Option::as_ref) {
        Ok(a) => frame.render_widget(Paragraph::new(risk_lines(a, theme, area.width)), area),
        Err(msg) => message(frame, area, msg),
    }
}

fn dimension_label(key: &str) -> String {
    match key {
        "customer" => "Customer".into(),
        "geographic" => "Geographic".into(),
        "product_service" => "Product/Service".into(),
        "transaction" => "Transaction".into(),
        other => clean(other).into_owned(),
    }
}

fn risk_lines(a: &Assessment, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let score = a.overall_score.map_or("—".into(), |s| format!("{s:.1}"));
    let mut head = vec![
        Span::styled(format!("Overall {score} "), theme.text),
        Span::styled(
            tier_word(a.tier.as_ref()),
            tier_style(a.tier.as_ref(), theme),
        ),
    ];
    let effective = a.override_tier.as_ref().or(a.effective_tier.as_ref());
    if a.override_tier.is_some() || effective.is_some_and(|e| Some(e) != a.tier.as_ref()) {
        let why = a
            .override_justification
            .as_deref()
            .map(first_line)
            .unwrap_or_default();
        head.push(Span::styled(
            format!("  override: {} — {why}", tier_word(effective)),
            tier_style(effective, theme),
        ));
    }
    let status = match (a.status.known(), &a.approved_by, &a.overridden_by) {
        (Some(AssessmentStatus::Approved), Some(by), _) => format!("Approved by {}", clean(by)),
        (Some(AssessmentStatus::Overridden), _, Some(by)) => format!("Overridden by {}", clean(by)),
        _ => clean(a.status.as_str()).into_owned(),
    };
    let dd = a.due_diligence_path.as_deref().map_or("—".into(), clean);
    let every = a.review_frequency.as_deref().map_or("—".into(), clean);
    let mut lines = vec![
        Line::from(head),
        Line::styled(
            format!("{status} · {dd} · review every {every}"),
            theme.muted,
        ),
    ];
    let bar = usize::from(width.saturating_sub(30)).min(40);
    for d in &a.dimensions {
        let filled = ((d.score / 100.0).clamp(0.0, 1.0) * bar as f64).round() as usize;
        let style = tier_style(d.tier.as_ref(), theme);
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(fit(&dimension_label(&d.key), 16), theme.header),
            Span::styled(
                format!("{:>4.0} {} ", d.score, fit(&tier_word(d.tier.as_ref()), 6)),
                style,
            ),
            Span::styled("█".repeat(filled.min(bar)), style),
            Span::styled("░".repeat(bar.saturating_sub(filled)), theme.muted),
        ]));
        for f in &d.factors {
            let value = clean(&f.value);
            let name = if value.is_empty() {
                clean(&f.name).into_owned()
            } else {
                format!("{} ({value})", clean(&f.name))
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", fit(&name, 30)), theme.text),
                Span::styled(format!(" {:+.1}", f.contribution), theme.muted),
            ]));
        }
    }
    lines
}

fn result_cell(r: Option<&Wire<CheckResult>>, theme: &Theme) -> Span<'static> {
    let text = r.map_or("—".into(), |r| clean(r.as_str()).into_owned());
    match r.and_then(|r| r.known()) {
        Some(CheckResult::Pass) => Span::styled(format!("✓ {text}"), theme.ok),
        Some(CheckResult::Fail) => Span::styled(format!("✖ {text}"), theme.error),
        Some(CheckResult::Refer) => Span::styled(format!("? {text}"), theme.warning),
        None => Span::styled(text, theme.muted),
    }
}

/// The checks table; Category and Provider only when there is room.
pub fn checks(list: &Loadable<Vec<Check>>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let list = match ready(list, "checks", theme, |v| (!v.is_empty()).then_some(v)) {
        Ok(list) => list,
        Err(msg) => return message(frame, area, msg),
    };
    let wide = area.width >= 84;
    let opt = |s: Option<&str>| clean(s.unwrap_or("—")).into_owned();
    let rows = list.iter().map(|c| {
        let mut cells = vec![
            Span::raw(opt(c.entity_name.as_deref())),
            Span::raw(clean(&c.name).into_owned()),
            Span::raw(clean(c.status.as_str()).into_owned()),
            result_cell(c.result.as_ref(), theme),
        ];
        if wide {
            let category = c.category.as_ref().map(|k| k.as_str());
            cells.insert(2, Span::raw(opt(category)));
            cells.push(Span::raw(opt(c.provider.as_deref())));
        }
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(14),
        Constraint::Min(10),
        Constraint::Length(12),
        Constraint::Length(8),
    ];
    let mut header = vec!["Entity", "Check", "Status", "Result"];
    if wide {
        widths.insert(2, Constraint::Length(10));
        header.insert(2, "Category");
        widths.push(Constraint::Length(12));
        header.push("Provider");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header))
        .column_spacing(1);
    frame.render_widget(table, area);
}

/// `just now`, `5m ago`, `3h ago`, `2d ago`; a time in the future counts as now.
fn ago(at: Option<Timestamp>, now: Timestamp) -> String {
    let Some(at) = at else { return "—".into() };
    let s = now.as_second().saturating_sub(at.as_second());
    if s < 60 {
        "just now".into()
    } else if s < 3600 {
        format!("{}m ago", s / 60)
    } else if s < 86_400 {
        format!("{}h ago", s / 3600)
    } else {
        format!("{}d ago", s / 86_400)
    }
}

/// `details.rationale`, else `before→after` status.
fn audit_summary(d: &Value) -> String {
    if let Some(r) = d.get("rationale").and_then(Value::as_str) {
        return first_line(r);
    }
    let status = |k: &str| -> Option<String> {
        let v = d.get(k)?;
        v.get("status")
            .unwrap_or(v)
            .as_str()
            .map(|s| clean(s).into_owned())
    };
    match (status("before"), status("after")) {
        (Some(b), Some(a)) => format!("{b}→{a}"),
        (None, Some(a)) => format!("→{a}"),
        _ => String::new(),
    }
}

/// Timeline entries and comments merged, newest first; undated ones last.
/// Lines of a comment shown in the activity list, its first line included.
const COMMENT_LINES: usize = 8;

pub fn activity(
    timeline: &Loadable<Vec<AuditEntry>>,
    comments: &Loadable<Vec<Comment>>,
    now: Timestamp,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    lines.extend(pending(timeline, "timeline", theme));
    lines.extend(pending(comments, "comments", theme));
    // (when, severity WARNING, who, what, detail, further lines)
    type Item = (Option<Timestamp>, bool, String, String, String, Vec<String>);
    let mut items: Vec<Item> = Vec::new();
    if let Loadable::Ready(list) = timeline {
        items.extend(list.iter().map(|e| {
            let warn = e
                .severity
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("warning"));
            let detail = e.details.as_ref().map(audit_summary).unwrap_or_default();
            let what = format!("{}  ", clean(&e.event_type));
            (e.at, warn, name_of(e.actor.as_ref()), what, detail, vec![])
        }));
    }
    if let Loadable::Ready(list) = comments {
        items.extend(list.iter().map(|c| {
            let who = name_of(c.author.as_ref());
            // A comment is read in full: its further lines follow, indented.
            let body = clean_multiline(&c.body);
            let mut rest: Vec<String> = body
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .skip(1)
                .map(str::to_string)
                .collect();
            while rest.last().is_some_and(|l| l.trim().is_empty()) {
                rest.pop();
            }
            if rest.len() >= COMMENT_LINES {
                let more = rest.len() - (COMMENT_LINES - 2);
                rest.truncate(COMMENT_LINES - 2);
                rest.push(format!("… {more} more lines"));
            }
            (
                c.at,
                false,
                who,
                "Comment: ".into(),
                first_line(&c.body),
                rest,
            )
        }));
    }
    if lines.is_empty() && items.is_empty() {
        let msg = Line::styled("No activity on this case.", theme.muted);
        return message(frame, area, msg);
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.0));
    for (at, warn, who, what, detail, rest) in items {
        lines.push(Line::from(vec![
            Span::styled(if warn { "▲ " } else { "  " }, theme.warning),
            Span::styled(fit(&ago(at, now), 9), theme.muted),
            Span::styled(format!("{}  ", fit(&who, 16)), theme.text),
            Span::styled(what, theme.accent),
            Span::styled(detail, theme.text),
        ]));
        lines.extend(
            rest.into_iter()
                .map(|l| Line::styled(format!("{:29}{l}", ""), theme.text)),
        );
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn reviewer_status(s: &Wire<ReviewerStatus>, theme: &Theme) -> (&'static str, Style) {
    match s.known() {
        Some(ReviewerStatus::Approved) => ("✓", theme.ok),
        Some(ReviewerStatus::Rejected) => ("✖", theme.error),
        Some(ReviewerStatus::Reviewing) => ("…", theme.warning),
        Some(ReviewerStatus::Invited) => ("○", theme.muted),
        Some(ReviewerStatus::Removed) | None => ("–", theme.muted),
    }
}

/// A `Reviewers` section for the summary tab; nothing when the provider has no reviewers
/// (`Ready(None)`).
pub fn reviewers_lines(
    list: &Loadable<Option<Vec<Reviewer>>>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if matches!(list, Loadable::Ready(None)) {
        return Vec::new();
    }
    let mut lines = vec![Line::raw(""), Line::styled("Reviewers", theme.header)];
    match ready(list, "reviewers", theme, |v| {
        v.as_ref().filter(|v| !v.is_empty())
    }) {
        Err(msg) => lines.push(msg),
        Ok(list) => lines.extend(list.iter().map(|r| {
            let (symbol, style) = reviewer_status(&r.status, theme);
            let mut spans = vec![
                Span::styled(format!("{symbol} {}", clean(r.status.as_str())), style),
                Span::styled(format!("  {}", name_of(Some(&r.user))), theme.text),
            ];
            if let Some(role) = &r.role {
                spans.push(Span::styled(format!("  {}", clean(role)), theme.muted));
            }
            if let Some(n) = r.notes.as_deref().map(first_line).filter(|n| !n.is_empty()) {
                spans.push(Span::styled(format!(" — {n}"), theme.muted));
            }
            Line::from(spans)
        })),
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CheckStatus;
    use crate::domain::model::{RiskDimension, RiskFactor};
    use crate::provider::ProviderError;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    const HOSTILE: &str = "Evil\x1b[2J Corp";
    const SHOWN: &str = r"Evil\x1b[2J Corp";
    const NOW: i64 = 1_800_000_000;

    fn failed<T>() -> Loadable<T> {
        Loadable::Failed(ProviderError::Invalid(HOSTILE.into()))
    }

    fn before(secs: i64) -> Option<Timestamp> {
        Timestamp::from_second(NOW - secs).ok()
    }

    /// Draws into a zero area, at 1x1 and at 60x20; returns the 60x20 screen as text.
    fn screen(draw: impl Fn(&mut Frame, Rect)) -> String {
        let mut text = String::new();
        for (w, h) in [(1u16, 1u16), (60, 20)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| draw(f, Rect::ZERO)).unwrap();
            t.draw(|f| {
                let area = f.area();
                draw(f, area);
            })
            .unwrap();
            let buf = t.backend().buffer();
            let rows = (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>());
            text = rows.collect::<Vec<_>>().join("\n");
            assert!(!text.contains('\x1b'), "raw ESC in\n{text}");
        }
        text
    }

    fn ent(token: &str, name: &str, role: EntityRole, parent: Option<&str>) -> Entity {
        Entity {
            token: token.into(),
            entity_type: None,
            name: name.into(),
            role: Some(Wire::Known(role)),
            ownership_percentage: (role == EntityRole::Ubo).then_some(45.0),
            parent_token: parent.map(Into::into),
            country: Some("DE".into()),
            nationality: None,
            date_of_birth: None,
            registration_number: None,
            verification_status: Some(Wire::Known(VerificationStatus::Verified)),
            open_alerts: None,
            checks_total: None,
            checks_complete: None,
        }
    }

    #[test]
    fn entities_draw_a_tree_with_escaped_names_and_survive_cycles() {
        use EntityRole::*;
        let list = Loadable::Ready(vec![
            ent("orphan", "Orphan Ltd", Shareholder, Some("missing")),
            ent("a", "Loop A", Director, Some("b")),
            ent("b", "Loop B", Director, Some("a")),
            ent("root", "Acme Holdings", Primary, None),
            ent("evil", HOSTILE, Ubo, Some("root")),
            ent("sub", "Sub GmbH", Shareholder, Some("evil")),
            ent("cjk", "王伟国际", Director, Some("root")),
        ]);
        let s = screen(|f, a| entities(&list, &Theme::dark(), f, a));
        assert!(s.starts_with("Acme Holdings"), "{s}");
        assert!(
            s.contains(&format!("├─ {SHOWN}  UBO · 45% · DE  ✓ Verified")),
            "{s}"
        );
        assert!(s.contains("│  └─ Sub GmbH") && s.contains("└─ 王"), "{s}");
        assert_eq!(
            (s.matches("Loop A").count(), s.matches("Loop B").count()),
            (1, 1),
            "{s}"
        );
    }

    #[test]
    fn loading_failed_and_empty_states() {
        let th = &Theme::dark();
        let s = screen(|f, a| entities(&failed(), th, f, a));
        assert!(
            s.starts_with(&format!("Could not load the entities: {SHOWN}")),
            "{s}"
        );
        let s = screen(|f, a| risk(&Loadable::Ready(None), th, f, a));
        assert!(s.starts_with("No risk assessment on this case."), "{s}");
        let s = screen(|f, a| checks(&Loadable::Loading, th, f, a));
        assert!(s.starts_with("Loading checks…"), "{s}");
        let now = before(0).unwrap();
        let s = screen(|f, a| activity(&failed(), &Loadable::Ready(vec![]), now, th, f, a));
        assert!(s.starts_with("Could not load the timeline"), "{s}");
        assert!(reviewers_lines(&Loadable::Ready(None), th).is_empty());
        let lines = reviewers_lines(&Loadable::Ready(Some(vec![])), th);
        assert_eq!(
            lines.last().map(|l| l.to_string()).as_deref(),
            Some("No reviewers on this case.")
        );
    }

    #[test]
    fn risk_bars_show_score_and_tier() {
        let high = Some(Wire::Known(RiskTier::High));
        let factor = RiskFactor {
            name: "PEP match".into(),
            value: "2".into(),
            contribution: 35.0,
        };
        let a = Loadable::Ready(Some(Assessment {
            token: "ra_1".into(),
            status: Wire::Known(AssessmentStatus::Approved),
            overall_score: Some(58.4),
            tier: Some(Wire::Known(RiskTier::Medium)),
            effective_tier: high.clone(),
            dimensions: vec![RiskDimension {
                key: "customer".into(),
                score: 62.0,
                weight: Some(0.3),
                tier: high.clone(),
                factors: vec![factor],
            }],
            due_diligence_path: Some("EDD".into()),
            review_frequency: Some("6 Months".into()),
            override_tier: high,
            override_justification: Some(format!("{HOSTILE}\nsecond line")),
            overridden_by: None,
            approved_by: Some("Amara Okafor".into()),
            approved_at: None,
        }));
        let s = screen(|f, r| risk(&a, &Theme::dark(), f, r));
        assert!(
            s.starts_with(&format!("Overall 58.4 Medium  override: High — {SHOWN}")),
            "{s}"
        );
        assert!(
            s.contains("Approved by Amara Okafor · EDD · review every 6 Months"),
            "{s}"
        );
        let bar = s.lines().find(|l| l.starts_with("Customer")).expect(&s);
        assert!(bar.contains("62 High") && bar.contains("███░"), "{s}");
        assert!(s.contains("PEP match (2)") && s.contains("+35.0"), "{s}");
    }

    #[test]
    fn checks_table_shows_result_symbols() {
        let check = |name: &str, result| Check {
            token: name.into(),
            entity_name: Some(HOSTILE.into()),
            name: name.into(),
            type_code: None,
            category: None,
            status: Wire::Known(CheckStatus::Complete),
            result: Some(Wire::Known(result)),
            provider: Some("ComplyAdvantage".into()),
            completed_at: None,
        };
        let list = Loadable::Ready(vec![
            check("PEP", CheckResult::Pass),
            check("ID", CheckResult::Fail),
        ]);
        let s = screen(|f, a| checks(&list, &Theme::dark(), f, a));
        assert!(
            s.contains("✓ Pass") && s.contains("✖ Fail") && s.contains(r"Evil\x1b"),
            "{s}"
        );
    }

    #[test]
    fn activity_is_merged_newest_first() {
        let user = |n: &str| {
            Some(UserRef {
                id: "u1".into(),
                name: Some(n.into()),
            })
        };
        let entry = |ev: &str, secs, severity: Option<&str>, details| AuditEntry {
            token: ev.into(),
            event_type: ev.into(),
            severity: severity.map(Into::into),
            actor: user(HOSTILE),
            target_type: None,
            target_token: None,
            details,
            request_id: None,
            at: before(secs),
        };
        let changed =
            serde_json::json!({"before": {"status": "New"}, "after": {"status": "Escalated"}});
        let timeline = Loadable::Ready(vec![
            entry("CASE_CREATED", 3 * 86_400, None, None),
            entry(
                "ALERT_RESOLVED",
                7200,
                None,
                Some(serde_json::json!({"rationale": "No match\nx"})),
            ),
            entry("STATUS_CHANGED", 86_460, Some("WARNING"), Some(changed)),
        ]);
        let comments = Loadable::Ready(vec![Comment {
            token: "c1".into(),
            author: user("Amara Okafor"),
            comment_type: None,
            body: "\nLooks fine\nsecond".into(),
            at: before(300),
        }]);
        let now = before(0).unwrap();
        let s = screen(|f, a| activity(&timeline, &comments, now, &Theme::dark(), f, a));
        let at = |needle: &str| {
            s.find(needle)
                .unwrap_or_else(|| panic!("no {needle} in\n{s}"))
        };
        assert!(
            ["5m ago", "2h ago", "1d ago", "3d ago"].map(at).is_sorted(),
            "{s}"
        );
        assert!(s.contains("Amara Okafor      Comment: Looks fine"), "{s}");
        assert!(
            s.contains("ALERT_RESOLVED  No match") && s.contains(SHOWN),
            "{s}"
        );
        assert!(
            s.contains("▲ 1d ago") && s.contains("STATUS_CHANGED  New→Escalated"),
            "{s}"
        );
    }

    #[test]
    fn reviewer_lines_are_clean() {
        let r = Reviewer {
            token: "rv".into(),
            user: UserRef {
                id: "u9".into(),
                name: Some(HOSTILE.into()),
            },
            role: Some("Approver".into()),
            status: Wire::Known(ReviewerStatus::Approved),
            notes: Some("ok\x07".into()),
        };
        let lines = reviewers_lines(&Loadable::Ready(Some(vec![r])), &Theme::dark());
        let text = lines.last().map(|l| l.to_string()).unwrap_or_default();
        assert_eq!(text, format!(r"✓ Approved  {SHOWN}  Approver — ok\x07"));
    }
}
