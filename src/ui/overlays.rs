//! What opens over the panes: help, the command palette and the outbox view.

use super::*;

/// The command palette: a query line and the commands that match, with their keys.
pub(super) fn palette(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let items = crate::app::power::palette_items(state);
    let (query, selected) = state
        .ui
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
        .title(match state.queue.exact(query) {
            // Input that names a case: Enter opens it (said, not guessed).
            Some(c) => format!(" Commands · Enter opens {} ", clean(c.name)),
            None if items.is_empty() && crate::app::find::looks_like_reference(query) => {
                " Commands · Enter looks the case up ".to_string()
            }
            None => " Commands ".to_string(),
        });
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

/// `?` help: the keys of where the analyst is first, every other place's after, and the
/// legend of symbols; j/k and the page keys scroll it (built in `app::help`).
pub(super) fn help(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    use crate::app::help::{BOX_WIDTH, HelpLine, wrapped};
    let width = BOX_WIDTH.min(area.width);
    let (key_width, lines) = wrapped(state, width);
    let height = (lines.len() as u16 + 3).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = pane(" Keys ".into(), true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [text, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let rows = text.height as usize;
    let total = lines.len();
    let max = total.saturating_sub(rows);
    let scroll = (state.ui.help_scroll as usize).min(max);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(rows)
        .map(|l| match l {
            HelpLine::Heading(h) => Line::styled(h, theme.header),
            HelpLine::Blank => Line::raw(""),
            HelpLine::Row(k, what) if what.is_empty() => Line::styled(k, theme.accent),
            HelpLine::Row(k, what) => Line::from(vec![
                Span::styled(format!("{} ", fit(&k, key_width)), theme.accent),
                Span::raw(what),
            ]),
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), text);
    let position = if max == 0 {
        "all shown".to_string()
    } else {
        format!(
            "lines {}-{} of {total}",
            scroll + 1,
            (scroll + rows).min(total)
        )
    };
    frame.render_widget(
        Paragraph::new(fit(
            &format!("{position} · j/k PgUp/PgDn scroll · any other key closes"),
            keys.width as usize,
        ))
        .style(theme.muted),
        keys,
    );
}

/// The outbox: every entry not yet landed, its state, attempts and last error.
pub(super) fn outbox_view(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    // The whole main area: a margin around it would show the panes' cut edges beneath.
    let rect = area;
    frame.render_widget(Clear, rect);
    let block = pane(
        format!(
            " Outbox: {} pending, {} failed{} ",
            state.data.outbox.pending,
            state.data.outbox.failed,
            match state.data.outbox.held_total() {
                0 => String::new(),
                n => format!(", {n} held (other authors)"),
            }
        ),
        true,
        theme,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if state.data.outbox_rows.is_empty() {
        frame.render_widget(
            Paragraph::new("Nothing waiting in the outbox.").style(theme.muted),
            inner,
        );
        return;
    }
    let mut lines = Vec::new();
    for (i, r) in state.data.outbox_rows.iter().enumerate() {
        let selected = i == state.ui.outbox_row;
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
    // Long lines wrap under their own text, not back at the left edge.
    let cols = inner.width as usize;
    let lines: Vec<Line> = lines
        .into_iter()
        .flat_map(|l| {
            let style = l.spans.last().map_or(l.style, |s| s.style);
            let text = l.to_string();
            if sanitize::width(&text) <= cols {
                vec![l]
            } else {
                crate::text::wrap::wrap_hanging(&text, cols, 5)
                    .into_iter()
                    .map(|w| Line::styled(w, style))
                    .collect()
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
