//! The Entities tab: the ownership tree, with each party's role, verification and risk.

use super::*;

/// Deeper ownership levels are drawn at this indentation, so a hostile chain cannot grow lines.
const MAX_INDENT: usize = 12;

/// The ownership tree: roots first (the Primary before the others), children under their parent.
pub(in crate::ui) fn entities(
    list: &Loadable<Vec<Entity>>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    match ready(list, "entities", theme, |v| (!v.is_empty()).then_some(v)) {
        Ok(list) => frame.render_widget(Paragraph::new(tree_lines(list, theme)), area),
        Err(msg) => message(frame, area, msg),
    }
}

fn tree_lines(list: &[Entity], theme: &Theme) -> Vec<Line<'static>> {
    let tokens: HashSet<&str> = list.iter().map(|e| e.token.as_str()).collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, e) in list.iter().enumerate() {
        match e.parent_token.as_deref() {
            Some(p) if p != e.token && tokens.contains(p) => children.entry(p).or_default().push(i),
            _ => roots.push(i),
        }
    }
    let primary = |e: &Entity| e.role.as_ref().and_then(|r| r.known()) == Some(EntityRole::Primary);
    roots.sort_by_key(|&i| !primary(&list[i]));
    // Entities only reachable through a parent cycle come last, each drawn once as a root.
    roots.extend(0..list.len());
    let mut drawn = vec![false; list.len()];
    let mut lines = Vec::new();
    for root in roots {
        // Depth-first, no recursion: (entity, its line's prefix, its children's indent, depth).
        let mut stack = vec![(root, String::new(), String::new(), 0)];
        while let Some((i, lead, indent, depth)) = stack.pop() {
            if std::mem::replace(&mut drawn[i], true) {
                continue;
            }
            lines.push(entity_line(lead, &list[i], theme));
            let kids: Vec<usize> = children
                .get(list[i].token.as_str())
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .filter(|&k| !drawn[k])
                .collect();
            for (n, &k) in kids.iter().enumerate().rev() {
                let last = n + 1 == kids.len();
                let lead = format!("{indent}{}", if last { "└─ " } else { "├─ " });
                let deeper = if depth < MAX_INDENT {
                    format!("{indent}{}", if last { "   " } else { "│  " })
                } else {
                    indent.clone()
                };
                stack.push((k, lead, deeper, depth + 1));
            }
        }
    }
    lines
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

fn entity_line(lead: String, e: &Entity, theme: &Theme) -> Line<'static> {
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
    let (symbol, style) = verification(e.verification_status.as_ref(), theme);
    let status = e
        .verification_status
        .as_ref()
        .map_or("unknown".into(), |s| clean(s.as_str()).into_owned());
    Line::from(vec![
        Span::styled(lead, theme.muted),
        Span::styled(clean(&e.name).into_owned(), theme.text),
        Span::styled(format!("  {}", meta.join(" · ")), theme.muted),
        Span::styled(format!("  {symbol} {status}"), style),
    ])
}
