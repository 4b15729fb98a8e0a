//! The status bar: profile, user, connection, sync, what waits in the outbox, and the keys
//! or the last message.

use super::*;

pub(super) fn status_bar(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (conn, conn_style) = match &state.data.connection {
        Connection::Connecting => ("○ connecting".to_string(), theme.muted),
        Connection::Online => ("● online".to_string(), theme.ok),
        Connection::Failed(e) if e.is_key_refused() => {
            ("✖ key refused · docket doctor".to_string(), theme.error)
        }
        Connection::Failed(e) => (format!("✖ {}", e.code().unwrap_or("offline")), theme.error),
    };
    let mut synced = state.data.last_sync.map_or("never".into(), |t| {
        let s = (state.data.now.as_second() - t.as_second()).max(0);
        if s < 60 {
            format!("{s}s ago")
        } else {
            format!("{}m ago", s / 60)
        }
    });
    if let Some(at) = state.data.retry_at {
        let s = (at.as_second() - state.data.now.as_second()).max(0);
        synced.push_str(&format!(" · retry in {s}s"));
    }
    if state.ui.frozen {
        synced.push_str(" · ❄ frozen");
    }
    // What waits in the outbox: never dropped for room.
    let mut counts = String::new();
    let (pending, failed) = (state.data.outbox.pending, state.data.outbox.failed);
    if pending > 0 {
        counts.push_str(&format!(" · ⟳ {pending} pending"));
    }
    if failed > 0 {
        counts.push_str(&format!(" · ✖ {failed} failed"));
    }
    // Other authors' entries: held, never sent with this key.
    for (who, n) in &state.data.outbox.held {
        counts.push_str(&format!(" · ⏸ {n} held for {}", clean(who)));
    }
    let user = state
        .data
        .me
        .as_ref()
        .map_or("—".into(), |u| clean(&u.name).into_owned());
    let on_alerts = state.ui.focus == Focus::Detail
        && state.detail.as_ref().is_some_and(|d| d.tab == Tab::Alerts);
    let keys = match state.ui.mode {
        _ if state.flow.is_some() => "drawer open",
        Mode::Filter => "type to filter · Enter keep · Esc clear",
        Mode::Sort => "j/k · Enter sort (again: reverse) · Esc close",
        Mode::Outbox => "s send again · e edit · d d discard · x export held · Esc close",
        Mode::Help => "any key closes help",
        Mode::Overview => "overview · Esc close · r refresh · f freeze",
        Mode::Palette => "type to search · ↑↓ choose · Enter run · Esc close",
        Mode::Normal if on_alerts && !state.data.read_only => {
            "a/x/t/e resolve · space mark · ? help"
        }
        Mode::Normal if state.ui.focus == Focus::Detail => "[ ] tabs · s status · C close · ? help",
        Mode::Normal => "Enter open · / filter · ? help",
    };
    let marked = (state.ui.mode == Mode::Normal
        && state.flow.is_none()
        && state.ui.focus == Focus::Queue
        && !state.ui.queue_marks.is_empty())
    .then(|| {
        format!(
            "{} marked · m/u assign · s status · E escalate · Esc unmark",
            state.ui.queue_marks.len()
        )
    });
    let keys = match (&state.ui.flash, marked) {
        (Some(f), _) => clean(f).into_owned(),
        (None, Some(m)) => m,
        (None, None) => keys.to_string(),
    };
    let read_only = match (&state.data.read_only_why, state.data.read_only) {
        (Some(why), true) => format!(" │ read-only: {}", clean(why)),
        (None, true) => " │ read-only".to_string(),
        _ => String::new(),
    };
    let stats = state
        .data
        .stats
        .line()
        .map(|l| format!(" │ ✓ {l}"))
        .unwrap_or_default();
    let head = format!(" {} │ {user} │ ", clean(&state.settings.profile));
    let mut middle = format!("{read_only} │ ↻ {synced}{counts}{stats}");
    // A message the analyst must read wins over the sync age and the day's stats when both do
    // not fit (at 80 columns they rarely do); those come back with the next key. What waits
    // in the outbox always shows.
    let wanted = [
        head.as_str(),
        conn.as_str(),
        middle.as_str(),
        " │ ",
        keys.as_str(),
    ]
    .iter()
    .map(|s| sanitize::width(s))
    .sum::<usize>();
    if state.ui.flash.is_some() && wanted > area.width as usize {
        let mut short = String::new();
        if pending > 0 {
            short.push_str(&format!(" · ⟳ {pending} pending"));
        }
        if failed > 0 {
            short.push_str(&format!(" · ✖ {failed} failed"));
        }
        let held = state.data.outbox.held_total();
        if held > 0 {
            short.push_str(&format!(" · ⏸ {held} held"));
        }
        // The reason is in the message when it is about read-only; the mark stays.
        let mark = if state.data.read_only {
            " │ read-only"
        } else {
            ""
        };
        middle = format!("{mark}{}", short.replacen(" · ", " │ ", 1));
    }
    let line = Line::from(vec![
        Span::styled(head, theme.status),
        Span::styled(conn, conn_style),
        Span::styled(format!("{middle} │ {keys}"), theme.status),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.status), area);
}
