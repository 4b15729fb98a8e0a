//! The Activity tab as a page: the timeline and the comments merged, newest first, every
//! comment whole, an assignment as `from → to`, people by name.

use super::*;

/// `just now`, `5m ago`, `3h ago`, `2d ago`; a time in the future counts as now.
pub fn ago(at: Option<Timestamp>, now: Timestamp) -> String {
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

/// What an audit entry changed, in words: a status `before → after`, an assignment
/// `from → to` by name, else its rationale's first line.
fn audit_summary(state: &State, d: &Value) -> String {
    let side = |k: &str, field: &str| -> Option<Value> {
        let v = d.get(k)?;
        Some(v.get(field).cloned().unwrap_or(Value::Null))
    };
    let assigned = (side("before", "assigned_to"), side("after", "assigned_to"));
    if let (Some(b), Some(a)) = &assigned
        && (d["before"].get("assigned_to").is_some() || d["after"].get("assigned_to").is_some())
    {
        let who = |v: &Value| match v {
            Value::String(id) => clean(state.user_name(id)).into_owned(),
            Value::Object(o) => clean(
                o.get("name")
                    .or(o.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or("?"),
            )
            .into_owned(),
            _ => "nobody".into(),
        };
        return format!("{} → {}", who(b), who(a));
    }
    let status = |k: &str| -> Option<String> {
        let v = d.get(k)?;
        v.get("status")
            .unwrap_or(v)
            .as_str()
            .map(|s| clean(s).into_owned())
    };
    let change = match (status("before"), status("after")) {
        // Unchanged (a document requested leaves the alert Open): nothing to say.
        (Some(b), Some(a)) if b == a => String::new(),
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => format!("→ {a}"),
        _ => String::new(),
    };
    match d.get("rationale").and_then(Value::as_str) {
        Some(r) if !r.trim().is_empty() => {
            let text = clean_multiline(r);
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if change.is_empty() {
                first.trim().to_string()
            } else {
                format!("{change}: {}", first.trim())
            }
        }
        _ => change,
    }
}

/// The Activity tab: timeline entries and comments merged, newest first (undated ones last),
/// people by name, comments in full.
pub fn activity(state: &State, d: &Detail) -> Option<Page> {
    let mut p = Page::default();
    for (what, l) in [
        ("timeline", not_ready(&d.timeline)),
        ("comments", not_ready(&d.comments)),
    ] {
        if !l.is_empty() {
            p.push(Tone::Muted, format!("The {what}: {l}"));
        }
    }
    // (when, warning, who, what, detail, the comment's further lines)
    type Item = (Option<Timestamp>, bool, String, String, String, Vec<String>);
    let mut items: Vec<Item> = Vec::new();
    let who = |u: Option<&UserRef>| u.map_or("system".to_string(), |u| person(state, u));
    if let Loadable::Ready(list) = &d.timeline {
        items.extend(list.iter().map(|e| {
            let warn = e
                .severity
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("warning"));
            let detail = e
                .details
                .as_ref()
                .map(|v| audit_summary(state, v))
                .unwrap_or_default();
            (
                e.at,
                warn,
                who(e.actor.as_ref()),
                clean(&e.event_type).into_owned(),
                detail,
                vec![],
            )
        }));
    }
    if let Loadable::Ready(list) = &d.comments {
        items.extend(list.iter().map(|c| {
            let body = clean_multiline(&c.body);
            let mut lines: Vec<String> = body
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .map(str::to_string)
                .collect();
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
            let first = if lines.is_empty() {
                String::new()
            } else {
                lines.remove(0)
            };
            // The type when it says more than "Comment" (an internal note, an escalation).
            let kind = c
                .comment_type
                .as_ref()
                .filter(|t| !t.as_str().eq_ignore_ascii_case("comment"))
                .map(|t| format!("Comment ({})", clean(t.as_str())))
                .unwrap_or_else(|| "Comment".into());
            (c.at, false, who(c.author.as_ref()), kind, first, lines)
        }));
    }
    if p.lines.is_empty() && items.is_empty() {
        return None;
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.0));
    for (at, warn, who, what, detail, rest) in items {
        p.push(
            if warn { Tone::Warning } else { Tone::Text },
            format!(
                "  {}{:<9} {who} · {what}{}",
                if warn { "▲ " } else { "  " },
                ago(at, state.data.now),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                }
            ),
        );
        for l in rest {
            p.push(Tone::Text, format!("      {l}"));
        }
    }
    Some(p)
}
