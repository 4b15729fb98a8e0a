//! The Entities tab: the ownership tree, with each party's role, verification and risk, and a
//! cursor: Enter reads the entity under it in full (see `ui::reader`).

use super::*;
use crate::app::reading::{current_entity, tree};
use crate::text::sanitize::truncate;

/// The ownership tree: roots first (the Primary before the others), children under their parent.
pub(in crate::ui) fn entities(d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let list = match ready(&d.entities, "entities", theme, |v| {
        (!v.is_empty()).then_some(v)
    }) {
        Ok(list) => list,
        Err(msg) => return message(frame, area, msg),
    };
    let order = tree(list);
    let row = d.entity_row.min(order.len().saturating_sub(1));
    let [body, hint] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(if area.height >= 4 { 1 } else { 0 }),
    ])
    .areas(area);
    let height = body.height as usize;
    let offset = if height > 0 && row >= height {
        row + 1 - height
    } else {
        0
    };
    let lines: Vec<Line> = order
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(n, (i, lead))| {
            entity_line(
                n == row,
                lead.clone(),
                &list[*i],
                theme,
                body.width as usize,
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    if hint.height > 0 {
        let name = current_entity(d).map_or(String::new(), |e| clean(&e.name).into_owned());
        frame.render_widget(
            Paragraph::new(fit(
                &format!("Enter reads {name} in full · j/k move"),
                hint.width as usize,
            ))
            .style(theme.muted),
            hint,
        );
    }
}

fn verification(v: Option<&Wire<VerificationStatus>>, theme: &Theme) -> (&'static str, Style) {
    match v.and_then(|v| v.known()) {
        Some(VerificationStatus::Verified) => ("✓", theme.ok),
        Some(VerificationStatus::Failed) => ("✖", theme.error),
        Some(VerificationStatus::InProgress) => ("…", theme.warning),
        Some(VerificationStatus::Expired) => ("⌛", theme.warning),
        Some(VerificationStatus::NotStarted) => ("○", theme.muted),
        None => ("?", theme.muted),
    }
}

fn entity_line(
    selected: bool,
    lead: String,
    e: &Entity,
    theme: &Theme,
    width: usize,
) -> Line<'static> {
    let mut meta = Vec::new();
    if let Some(r) = &e.role {
        meta.push(clean(r.as_str()).into_owned());
    }
    if let Some(p) = e.ownership_percentage {
        meta.push(if p.fract() == 0.0 {
            format!("{p:.0}%")
        } else {
            format!("{p:.1}%")
        });
    }
    if let Some(c) = &e.country {
        meta.push(clean(c).into_owned());
    }
    if let Some(n) = e.open_alerts.filter(|n| *n > 0) {
        meta.push(format!("{n} open alert{}", if n == 1 { "" } else { "s" }));
    }
    let (symbol, style) = verification(e.verification_status.as_ref(), theme);
    let status = e
        .verification_status
        .as_ref()
        .map_or("unknown".into(), |s| clean(s.as_str()).into_owned());
    let name_style = if selected {
        theme.selection
    } else {
        theme.text
    };
    // Too long for the pane: the details give way first, then the name, each cut with `…`;
    // the verification keeps its symbol and word.
    let name = clean(&e.name).into_owned();
    let verified = format!("  {symbol} {status}");
    let mut meta = format!("  {}", meta.join(" · "));
    let fixed = 2 + sanitize::width(&lead) + sanitize::width(&verified);
    let room = width.saturating_sub(fixed);
    let name = if sanitize::width(&name) + sanitize::width(&meta) > room {
        let name_room = room.saturating_sub(sanitize::width(&meta).min(room / 2));
        let name = truncate(&name, name_room.max(1)).into_owned();
        meta = truncate(&meta, room.saturating_sub(sanitize::width(&name))).into_owned();
        name
    } else {
        name
    };
    Line::from(vec![
        Span::styled(if selected { "▶ " } else { "  " }, theme.accent),
        Span::styled(lead, theme.muted),
        Span::styled(name, name_style),
        Span::styled(meta, theme.muted),
        Span::styled(verified, style),
    ])
}
