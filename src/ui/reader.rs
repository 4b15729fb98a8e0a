//! An alert or an entity open full height over the panes: the whole page, scrolled with j/k
//! and the page keys, Esc back. The page is built (and the scroll bounded) in `app::reading`.

use super::*;
use crate::app::reading::{self, Tone};
use crate::app::state::Reading;

/// The style of a line's tone.
pub(super) fn tone(t: Tone, theme: &Theme) -> Style {
    match t {
        Tone::Title => theme.header,
        Tone::Heading => theme.accent,
        Tone::Text => theme.text,
        Tone::Muted => theme.muted,
        Tone::Good => theme.ok,
        Tone::Warning => theme.warning,
    }
}

pub(super) fn reader(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(r) = &d.reading else { return };
    frame.render_widget(Clear, area);
    let Some(page) = reading::page(state, d) else {
        let what = match r {
            Reading::Alert { .. } => "This alert is no longer on the case (Esc back).",
            Reading::Entity { .. } => "This entity is no longer on the case (Esc back).",
        };
        let block = pane(" Reading ".into(), true, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(what).style(theme.muted), inner);
        return;
    };
    let block = pane(format!(" {} ", page.title), true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [text, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let lines = page.wrapped(text.width as usize);
    let rows = text.height as usize;
    let max = lines.len().saturating_sub(rows);
    let scroll = (r.scroll() as usize).min(max);
    let total = lines.len();
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(rows)
        .map(|(t, l)| Line::styled(l, tone(t, theme)))
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
    let acts = match r {
        Reading::Alert { .. } if !state.data.read_only => " · a/x/o/w/t/e act on it",
        _ => "",
    };
    frame.render_widget(
        Paragraph::new(fit(
            &format!("{position} · j/k PgUp/PgDn scroll · Esc back{acts}"),
            keys.width as usize,
        ))
        .style(theme.muted),
        keys,
    );
}
