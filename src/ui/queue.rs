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
        // Where they do not fit, the other views show their first word ("Awaiting 0"), and a
        // line still too long ends in "…" rather than in the middle of a word.
        let tabs = |short: bool| {
            let mut spans = Vec::new();
            for (i, v) in state.settings.views.iter().enumerate() {
                let count = state
                    .data
                    .view_counts
                    .get(i)
                    .map_or(String::new(), |n| format!(" {n}"));
                let current = i == state.ui.view && q.quick == v.quick && q.sort == v.sort;
                let name = clean(&v.name);
                let name = match name.split_whitespace().next() {
                    Some(first) if short && !current => first.to_string(),
                    _ => name.into_owned(),
                };
                let label = format!("{}{name}{count}", if current { "▸" } else { " " });
                spans.push(Span::styled(
                    label,
                    if current { theme.accent } else { theme.muted },
                ));
                spans.push(Span::raw(" "));
            }
            Line::from(spans)
        };
        let width = usize::from(views_area.width);
        let mut line = tabs(false);
        if line.width() > width + 1 {
            line = tabs(true);
        }
        if line.width() > width + 1 {
            line = cut_line(line, width);
        }
        frame.render_widget(Paragraph::new(line), views_area);
    }
    if show_filter {
        let cursor = if state.ui.mode == Mode::Filter {
            "▏"
        } else {
            ""
        };
        // What was searched, honestly: the loaded cases, and the API when it was asked.
        let note = if q.matching {
            // The rows below are the last text's until these arrive.
            "  (matching…)".to_string()
        } else if let Some(why) = &q.search_note {
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

    // Columns by importance, measured to the width there is: the SLA and the case reference
    // are never cut; Type and Assignee show where there is room, the alert count where the
    // rest still fits, the entity takes what is left. Text cut to a column ends in `…`.
    let avail = table_area.width as usize;
    let height = table_area.height.saturating_sub(1) as usize;
    let selected = q.selected_row();
    // The offset is part of the view: derive it here so `view` stays a pure function.
    let offset = match selected {
        Some(r) if r >= height && height > 0 => r + 1 - height,
        _ => 0,
    };
    let merged = !state.settings.source_caps.is_empty();
    let src_w = if merged {
        state
            .settings
            .source_caps
            .keys()
            .map(|k| sanitize::width(&clean(k)))
            .max()
            .unwrap_or(3)
            .clamp(3, 12)
    } else {
        0
    };
    // Zenoo's case names are `CAS-000001`; other vendors name cases in words. Wider names get
    // a wider column (measured in bytes, cheap over a large queue), up to a point.
    let wide = avail >= 110;
    let name_w = q.name_width.clamp(10, if wide { 28 } else { 16 });
    let sla_w = 10;
    // What is always there: SLA, (source), case, status (at least "In Progress"), risk, entity.
    let base = sla_w + 1 + if merged { src_w + 1 } else { 0 } + name_w + 1 + 11 + 1 + 6 + 1 + 8;
    // What is left over the minimum goes, in this order, to: the alert count, the assignee,
    // the word "Alerts" over the count, the whole status, a wider assignee, the case type.
    // Each is taken only while the entity keeps a useful width.
    // Too narrow for even that (a case pane open beside it): the status narrows first, then
    // the risk goes (the case pane beside says it); the case reference stays whole.
    let short = base.saturating_sub(avail);
    let narrow_status = short.min(3);
    let risk_w = if short > narrow_status { 0 } else { 6 };
    let base = base - if risk_w == 0 { 7 } else { 0 } - narrow_status;
    let mut room = avail.saturating_sub(base);
    let mut take = |cols: usize, keep: usize| {
        let ok = room >= cols + keep;
        if ok {
            room -= cols;
        }
        ok
    };
    let mut alerts_w = if take(3, 0) { 2 } else { 0 };
    let mut assignee_w = if take(15, 8) { 14 } else { 0 };
    if alerts_w > 0 && take(4, 8) {
        alerts_w = 6;
    }
    let status_w = if take(4, 10) { 15 } else { 11 - narrow_status };
    if assignee_w > 0 && take(4, 20) {
        assignee_w = 18;
    }
    let type_w = if wide && take(12, 16) { 11 } else { 0 };
    let used = avail - room;
    let entity_w = avail.saturating_sub(used.saturating_sub(8)).max(1);
    let mut cols: Vec<(&str, usize)> = vec![("SLA", sla_w)];
    if merged {
        cols.push(("Src", src_w));
    }
    cols.push(("Case", name_w));
    cols.push(("Status", status_w));
    if type_w > 0 {
        cols.push(("Type", type_w));
    }
    if risk_w > 0 {
        cols.push(("Risk", risk_w));
    }
    if alerts_w > 0 {
        cols.push((if alerts_w >= 6 { "Alerts" } else { "Al" }, alerts_w));
    }
    if assignee_w > 0 {
        cols.push(("Assignee", assignee_w));
    }
    cols.push(("Entity", entity_w));
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|(_, w)| Constraint::Length(*w as u16))
        .collect();
    let header: Vec<&str> = cols.iter().map(|(h, _)| *h).collect();
    let rows = q
        .view
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(row, &i)| {
            let c = q.cases.get(i);
            let sla = c.sla_status.as_ref().and_then(|s| s.known());
            let tier = c.risk_tier.as_ref().and_then(|t| t.known());
            let closed = c.status.known() == Some(CaseStatus::Closed);
            let marker = match (
                Some(row) == selected,
                state.ui.queue_marks.contains(c.token),
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
            let mut cells = vec![Span::styled(
                format!("{marker}{}{}", sla_symbol(sla), countdown_text),
                sla_style(theme, sla),
            )];
            if merged {
                cells.push(Span::styled(
                    fit(&clean(c.source.unwrap_or("—")), src_w),
                    theme.muted,
                ));
            }
            cells.push(Span::raw(fit(&clean(c.name), name_w)));
            // A review of this case not landed yet: marked until it lands.
            let status = match state.pending_mark(Target::Case(c.token.to_string())) {
                Some(mark) => format!("{mark} {}", clean(c.status.as_str())),
                None => clean(c.status.as_str()).into_owned(),
            };
            cells.push(Span::raw(fit(&status, status_w)));
            if type_w > 0 {
                cells.push(Span::raw(fit(
                    &c.case_type
                        .as_ref()
                        .map_or("—".into(), |t| clean(t.as_str()).into_owned()),
                    type_w,
                )));
            }
            if risk_w > 0 {
                cells.push(Span::styled(
                    c.risk_tier
                        .as_ref()
                        .map_or("—".into(), |t| clean(t.as_str()).into_owned()),
                    risk_style(theme, tier),
                ));
            }
            if alerts_w > 0 {
                cells.push(Span::raw(
                    c.open_alerts.map_or("—".into(), |n| n.to_string()),
                ));
            }
            if assignee_w > 0 {
                cells.push(Span::raw(fit(
                    &c.assigned_to.as_ref().map_or("—".into(), |u| {
                        clean(u.name.as_deref().unwrap_or(state.user_name(&u.id))).into_owned()
                    }),
                    assignee_w,
                )));
            }
            cells.push(Span::raw(fit(
                &clean(c.primary_entity.unwrap_or("—")),
                entity_w,
            )));
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

/// `line` cut to `width` columns, its last column an ellipsis.
fn cut_line(line: Line<'static>, width: usize) -> Line<'static> {
    use unicode_width::UnicodeWidthChar;
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let mut text = String::new();
        for ch in span.content.chars() {
            let w = ch.width().unwrap_or(0);
            if w > left {
                left = 0;
                break;
            }
            left -= w;
            text.push(ch);
        }
        let full = text.len() == span.content.len();
        spans.push(Span::styled(text, span.style));
        if !full {
            spans.push(Span::raw("…"));
            break;
        }
    }
    Line::from(spans)
}
