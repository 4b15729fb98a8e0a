//! The status bar: profile, user, connection, sync, what waits in the outbox, and the keys
//! or the last message.

use super::*;

/// What the status bar says, in parts: the head (profile, user), the connection, the middle
/// (read-only, sync, outbox, stats), the middle when room is short (what waits in the outbox
/// only), and the keys of the moment.
struct Parts {
    head: String,
    conn: (String, Style),
    middle: String,
    /// The middle without the sync age and the day's stats: read-only with its reason and
    /// what waits in the outbox, in full.
    medium: String,
    short: String,
    keys: &'static str,
}

fn parts(state: &State, theme: &Theme) -> Parts {
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
        Mode::Help => "j/k scroll help · any other key closes",
        Mode::Overview => "overview · Esc close · r refresh · f freeze",
        Mode::Palette => "type to search · ↑↓ choose · Enter run · Esc close",
        Mode::Normal
            if state.ui.focus == Focus::Detail
                && state.detail.as_ref().is_some_and(|d| d.reading.is_some()) =>
        {
            "j/k scroll · Esc back · ? help"
        }
        Mode::Normal if on_alerts && !state.data.read_only => {
            "a/x/t/e resolve · space mark · ? help"
        }
        Mode::Normal if state.ui.focus == Focus::Detail => "[ ] tabs · s status · C close · ? help",
        Mode::Normal => "Enter open · / filter · ? help",
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
    let middle = format!("{read_only} │ ↻ {synced}{counts}{stats}");
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
    let short = format!("{mark}{}", short.replacen(" · ", " │ ", 1));
    let medium = format!("{read_only}{}", counts.replacen(" · ", " │ ", 1));
    Parts {
        head,
        conn: (conn, conn_style),
        middle,
        medium,
        short,
        keys,
    }
}

/// The message when it does not fit the status bar beside what always shows there (who, the
/// connection, what waits in the outbox): its lines, wrapped to `width`, to be drawn above the
/// status bar. A message is never cut.
pub(super) fn overflow(state: &State, theme: &Theme, width: u16) -> Option<Vec<String>> {
    let flash = state.ui.flash.as_ref()?;
    let text = clean_multiline(flash);
    let p = parts(state, theme);
    let fixed =
        sanitize::width(&p.head) + sanitize::width(&p.conn.0) + sanitize::width(&p.short) + 3;
    let one_line = !text.contains('\n');
    if one_line && fixed + sanitize::width(&text) <= width as usize {
        return None;
    }
    let cols = (width as usize).saturating_sub(2).max(1);
    Some(
        text.lines()
            .flat_map(|l| crate::text::wrap::wrap(l, cols))
            .map(|l| format!(" {l}"))
            .collect(),
    )
}

pub(super) fn status_bar(
    state: &State,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    flash_above: bool,
) {
    let p = parts(state, theme);
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
    // A message drawn above the bar is not repeated in it: the bar shows the keys.
    let flash = state.ui.flash.as_ref().filter(|_| !flash_above);
    let keys = match (flash, marked) {
        (Some(f), _) => clean(f).into_owned(),
        (None, Some(m)) => m,
        (None, None) => p.keys.to_string(),
    };
    let (conn, conn_style) = p.conn;
    let wanted = [
        p.head.as_str(),
        conn.as_str(),
        p.middle.as_str(),
        " │ ",
        keys.as_str(),
    ]
    .iter()
    .map(|s| sanitize::width(s))
    .sum::<usize>();
    // A message the analyst must read wins over the sync age and the day's stats when both do
    // not fit; those come back when there is room. What waits in the outbox always shows.
    // The keys of the moment, too, win over the sync age and the stats when all do not fit
    // (read-only's reason and the outbox's counts stay).
    let middle = if wanted <= area.width as usize {
        p.middle
    } else if flash.is_some() || flash_above {
        p.short
    } else {
        p.medium
    };
    let line = Line::from(vec![
        Span::styled(p.head, theme.status),
        Span::styled(conn, conn_style),
        Span::styled(format!("{middle} │ {keys}"), theme.status),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.status), area);
}
