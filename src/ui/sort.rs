//! The sort picker: every order the queue can be sorted in, the current one marked in words.

use super::*;
use crate::app::find::SortKey;

pub(super) fn sort_picker(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let current = state.queue.sort;
    let width = 74.min(area.width);
    let height = (SortKey::ALL.len() as u16 + 3).min(area.height);
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
        .title(format!(" Sort by · now {} ", current.label()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [list, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let lines: Vec<Line> = SortKey::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let here = i == state.ui.sort_row;
            let mark = if here { "▶ " } else { "  " };
            // The current sort says so in words and its direction, not only by colour.
            let now = if *k == current.key {
                if current.descending == k.natural_descending() {
                    " (current)"
                } else {
                    " (current, reversed)"
                }
            } else {
                ""
            };
            let style = if here { theme.selection } else { theme.text };
            Line::from(vec![Span::styled(
                fit(
                    &format!("{mark}{:<9} {}{now}", k.name(), k.words()),
                    inner.width as usize,
                ),
                style,
            )])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(fit(
            "Enter sort · on the current one: reverse · Esc close",
            inner.width as usize,
        ))
        .style(theme.muted),
        hint,
    );
}
