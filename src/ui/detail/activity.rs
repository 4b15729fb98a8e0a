//! The Activity tab: the case timeline and its comments, newest first, every comment in full
//! and people by name (built in `app::reading`, which also bounds the scroll).

use super::*;
use crate::app::reading;

pub(in crate::ui) fn activity(
    state: &State,
    d: &Detail,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let Some(page) = reading::activity(state, d) else {
        let msg = Line::styled("No activity on this case.", theme.muted);
        return message(frame, area, msg);
    };
    let lines = page.wrapped(area.width as usize);
    let max = lines.len().saturating_sub(area.height as usize);
    let scroll = (d.activity_scroll as usize).min(max);
    let mut shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(area.height as usize)
        .map(|(tone, l)| Line::styled(l, super::super::reader::tone(tone, theme)))
        .collect();
    // More below: said on the last line rather than cut silently.
    if scroll < max
        && let Some(last) = shown.last_mut()
    {
        *last = Line::styled(
            format!("↓ {} more lines (j/k, PgDn)", max - scroll),
            theme.muted,
        );
    }
    frame.render_widget(Paragraph::new(shown), area);
}
