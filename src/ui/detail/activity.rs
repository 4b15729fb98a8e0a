//! The Activity tab: the case timeline and its comments, newest first.

use super::*;

/// `just now`, `5m ago`, `3h ago`, `2d ago`; a time in the future counts as now.
fn ago(at: Option<Timestamp>, now: Timestamp) -> String {
    let Some(at) = at else { return "—".into() };
    let s = now.as_second().saturating_sub(at.as_second());
    if s < 60 {
        "just now".into()
    } else if s < 3600 {
        format!("{}m ago", s / 60)
    } else if s < 86_400 {
        format!("{}h ago", s / 3600)
    } else {
        format!("{}d ago", s / 86_400)
    }
}

/// `details.rationale`, else `before→after` status.
fn audit_summary(d: &Value) -> String {
    if let Some(r) = d.get("rationale").and_then(Value::as_str) {
        return first_line(r);
    }
    let status = |k: &str| -> Option<String> {
        let v = d.get(k)?;
        v.get("status")
            .unwrap_or(v)
            .as_str()
            .map(|s| clean(s).into_owned())
    };
    match (status("before"), status("after")) {
        (Some(b), Some(a)) => format!("{b}→{a}"),
        (None, Some(a)) => format!("→{a}"),
        _ => String::new(),
    }
}

/// Timeline entries and comments merged, newest first; undated ones last.
/// Lines of a comment shown in the activity list, its first line included.
const COMMENT_LINES: usize = 8;

pub(in crate::ui) fn activity(
    timeline: &Loadable<Vec<AuditEntry>>,
    comments: &Loadable<Vec<Comment>>,
    now: Timestamp,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    lines.extend(pending(timeline, "timeline", theme));
    lines.extend(pending(comments, "comments", theme));
    // (when, severity WARNING, who, what, detail, further lines)
    type Item = (Option<Timestamp>, bool, String, String, String, Vec<String>);
    let mut items: Vec<Item> = Vec::new();
    if let Loadable::Ready(list) = timeline {
        items.extend(list.iter().map(|e| {
            let warn = e
                .severity
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("warning"));
            let detail = e.details.as_ref().map(audit_summary).unwrap_or_default();
            let what = format!("{}  ", clean(&e.event_type));
            (e.at, warn, name_of(e.actor.as_ref()), what, detail, vec![])
        }));
    }
    if let Loadable::Ready(list) = comments {
        items.extend(list.iter().map(|c| {
            let who = name_of(c.author.as_ref());
            // A comment is read in full: its further lines follow, indented.
            let body = clean_multiline(&c.body);
            let mut rest: Vec<String> = body
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .skip(1)
                .map(str::to_string)
                .collect();
            while rest.last().is_some_and(|l| l.trim().is_empty()) {
                rest.pop();
            }
            if rest.len() >= COMMENT_LINES {
                let more = rest.len() - (COMMENT_LINES - 2);
                rest.truncate(COMMENT_LINES - 2);
                rest.push(format!("… {more} more lines"));
            }
            (
                c.at,
                false,
                who,
                "Comment: ".into(),
                first_line(&c.body),
                rest,
            )
        }));
    }
    if lines.is_empty() && items.is_empty() {
        let msg = Line::styled("No activity on this case.", theme.muted);
        return message(frame, area, msg);
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.0));
    for (at, warn, who, what, detail, rest) in items {
        lines.push(Line::from(vec![
            Span::styled(if warn { "▲ " } else { "  " }, theme.warning),
            Span::styled(fit(&ago(at, now), 9), theme.muted),
            Span::styled(format!("{}  ", fit(&who, 16)), theme.text),
            Span::styled(what, theme.accent),
            Span::styled(detail, theme.text),
        ]));
        lines.extend(
            rest.into_iter()
                .map(|l| Line::styled(format!("{:29}{l}", ""), theme.text)),
        );
    }
    frame.render_widget(Paragraph::new(lines), area);
}
