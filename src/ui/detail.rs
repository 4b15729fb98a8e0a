//! The case pane: its header and tabs, the Summary and Alerts tabs (the others are in
//! `detail_tabs`).

use super::*;

pub(super) fn case_of<'a>(state: &'a State, token: &str) -> Option<&'a Case> {
    state.queue.get(token)
}

pub(super) fn detail(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
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
            detail_tabs::activity(&d.timeline, &d.comments, state.data.now, theme, frame, body)
        }
    }
}

pub(super) fn field<'a>(label: &'a str, value: String, style: Style, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<13}"), theme.muted),
        Span::styled(value, style),
    ])
}

pub(super) fn summary(
    state: &State,
    d: &Detail,
    c: &Case,
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
                countdown(c.sla_deadline, state.data.now, c.sla_paused),
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

pub(super) fn alerts(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
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
