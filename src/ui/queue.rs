//! The queue pane: saved views with counts, the filter line and the case table.

use super::*;

pub(super) fn queue(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let q = &state.queue;
    let mut title = format!(" Queue {}/{} ", q.view.len(), q.cases.len());
    for label in q.quick.words() {
        title.push_str(&format!("[{}] ", clean(&label)));
    }
    if q.sort != crate::app::find::Sort::default() {
        title.push_str(&format!("[by {}] ", q.sort.label()));
    }
    let focused = state.ui.focus == Focus::Queue;
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let show_filter = state.ui.mode == Mode::Filter || !q.filter.is_empty();
    let show_views = !state.settings.views.is_empty() && inner.height > 4;
    let [views_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_views)),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(0),
    ])
    .areas(inner);
    if show_views {
        // Saved views as tabs with counts; the current one is marked by text, not only style.
        let mut spans = Vec::new();
        for (i, v) in state.settings.views.iter().enumerate() {
            let count = state
                .data
                .view_counts
                .get(i)
                .map_or(String::new(), |n| format!(" {n}"));
            let current = i == state.ui.view && q.quick == v.quick && q.sort == v.sort;
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
        let cursor = if state.ui.mode == Mode::Filter {
            "▏"
        } else {
            ""
        };
        // What was searched, honestly: the loaded cases, and the API when it was asked.
        let note = if let Some(why) = &q.search_note {
            format!("  ({})", clean(why))
        } else if q.searching.as_deref().is_some_and(|s| s == q.filter.trim()) {
            "  (asking the API…)".to_string()
        } else {
            match &q.found {
                Some((t, found)) if t.trim() == q.filter.trim() => {
                    format!("  (loaded cases + API: {} found)", found.len())
                }
                _ => String::new(),
            }
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!("/{}{cursor}", clean(&q.filter)), theme.accent),
                Span::styled(note, theme.muted),
            ])),
            filter_area,
        );
    }
    if !q.loaded {
        let msg = match &state.data.connection {
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
    let merged = !state.settings.source_caps.is_empty();
    if merged {
        let w = state
            .settings
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
            let marker = match (
                Some(row) == selected,
                state.ui.queue_marks.contains(&c.token),
            ) {
                // Under the cursor and marked: both said, the mark not hidden by the cursor.
                (true, true) => "◉",
                (true, false) => "▶",
                (false, true) => "●",
                (false, false) => " ",
            };
            let countdown_text = if closed {
                "closed".into()
            } else {
                countdown(c.sla_deadline, state.data.now, c.sla_paused)
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
