//! The Alerts tab: alerts grouped by entity, the selected hit's source data and its AI
//! assessment.

use super::*;

pub(in crate::ui) fn alerts(
    state: &State,
    d: &Detail,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
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
    // The status (the decision: "✓ Document requested") and the small columns are whole; the
    // entity and the category share what is left, cut with `…`.
    let status_width = 20;
    let rest =
        (table_area.width as usize).saturating_sub(2 + 1 + 1 + 8 + 1 + 5 + 1 + status_width + 1);
    let category_width = (rest / 2).clamp(6, 40);
    let entity_width = rest.saturating_sub(category_width).max(4);
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
                fit(
                    &clean(a.entity_name.as_deref().unwrap_or("—")),
                    entity_width,
                )
            } else {
                "  〃".to_string()
            };
            Row::new(vec![
                Span::raw(format!("{cursor}{mark}")),
                Span::raw(entity),
                Span::raw(fit(
                    &clean(a.category.as_deref().unwrap_or("—")),
                    category_width,
                )),
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
                    // The decision when one was taken ("Document requested"), else the status.
                    crate::app::reading::alert_state(a)
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
            Constraint::Length(entity_width as u16),
            Constraint::Length(category_width as u16),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(status_width as u16),
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
        let mut lines = vec![Line::from(vec![
            Span::styled(
                clean(a.title.as_deref().unwrap_or(a.token.as_str())).into_owned(),
                theme.header,
            ),
            Span::styled("  · Enter reads it in full", theme.muted),
        ])];
        // A preview: line breaks read as spaces here; Enter shows the text as written.
        let flat = |s: &str| {
            clean_multiline(s)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        if let Some(o) = a.outcome() {
            lines.push(Line::styled(
                format!(
                    "{o}{}",
                    a.resolution_rationale
                        .as_deref()
                        .map(|r| format!(": {}", flat(r)))
                        .unwrap_or_default()
                ),
                theme.muted,
            ));
        }
        if let Some(src) = &a.source_data {
            lines.push(Line::raw(format!("Hit: {}", flat(&compact_json(src)))));
        }
        if let Some(ai) = &a.ai_assessment {
            lines.push(Line::raw(format!("AI: {}", flat(ai))));
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
