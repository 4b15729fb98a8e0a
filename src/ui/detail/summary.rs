//! The Summary tab: the case's fields, its SLA, and its reviewers where the API has them.

use super::*;

pub(in crate::ui) fn summary(
    state: &State,
    d: &Detail,
    c: &CaseRow,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let sla = c.sla_status.as_ref().and_then(|s| s.known());
    let tier = c.risk_tier.as_ref().and_then(|t| t.known());
    let opt = |w: Option<String>| w.unwrap_or_else(|| "—".into());
    let mut lines = vec![
        field(
            "Entity",
            clean(c.primary_entity.unwrap_or("—")).into_owned(),
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
        if c.status.known() == Some(CaseStatus::Closed) {
            // A closed case's clock has stopped: whether it closed in time, not a countdown
            // running on from its deadline.
            field("SLA", closed_sla(c), theme.text, theme)
        } else {
            field(
                "SLA",
                // Aligned with the other values: an empty symbol adds no space.
                [
                    sla_symbol(sla).trim().to_string(),
                    countdown(c.sla_deadline, state.data.now, c.sla_paused),
                    c.sla_status
                        .as_ref()
                        .map(|s| clean(s.as_str()).into_owned())
                        .unwrap_or_default(),
                ]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
                sla_style(theme, sla),
                theme,
            )
        },
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
    let reviewers = reviewers_lines(state, &d.reviewers, theme);
    if !reviewers.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(reviewers);
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
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
pub(in crate::ui) fn reviewers_lines(
    state: &State,
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
                Span::styled(format!("  {}", clean(&state.person(&r.user))), theme.text),
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

/// "closed in time" or "closed 2d4h after its deadline" (with the day), or just "closed" when
/// the API gave no times.
fn closed_sla(c: &CaseRow) -> String {
    match (c.closed_at, c.sla_deadline) {
        (Some(at), Some(due)) => {
            let day = at.strftime("%Y-%m-%d");
            if at <= due {
                format!("closed in time ({day})")
            } else {
                format!(
                    "closed {} after its deadline ({day})",
                    countdown(Some(at), due, false).trim_start_matches('-')
                )
            }
        }
        _ => "closed".into(),
    }
}
