//! The Checks tab: each check with its status and result.

use super::*;

fn result_cell(r: Option<&Wire<CheckResult>>, theme: &Theme) -> Span<'static> {
    let text = r.map_or("—".into(), |r| clean(r.as_str()).into_owned());
    match r.and_then(|r| r.known()) {
        Some(CheckResult::Pass) => Span::styled(format!("✓ {text}"), theme.ok),
        Some(CheckResult::Fail) => Span::styled(format!("✖ {text}"), theme.error),
        Some(CheckResult::Refer) => Span::styled(format!("? {text}"), theme.warning),
        None => Span::styled(text, theme.muted),
    }
}

/// The checks table; Category and Provider only when there is room.
pub(in crate::ui) fn checks(
    list: &Loadable<Vec<Check>>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let list = match ready(list, "checks", theme, |v| (!v.is_empty()).then_some(v)) {
        Ok(list) => list,
        Err(msg) => return message(frame, area, msg),
    };
    let wide = area.width >= 84;
    // The entity column widens with the pane (names of companies are long); the check's name
    // takes the rest. Cut text ends in `…`.
    let entity_w = (area.width as usize / 5).clamp(14, 36);
    let fixed = entity_w + 1 + 13 + 9 + if wide { 11 + 13 } else { 0 };
    let check_w = (area.width as usize).saturating_sub(fixed).max(10);
    let opt = |s: Option<&str>| clean(s.unwrap_or("—")).into_owned();
    let rows = list.iter().map(|c| {
        let mut cells = vec![
            Span::raw(fit(&opt(c.entity_name.as_deref()), entity_w)),
            Span::raw(fit(&clean(&c.name), check_w)),
            Span::raw(clean(c.status.as_str()).into_owned()),
            result_cell(c.result.as_ref(), theme),
        ];
        if wide {
            let category = c.category.as_ref().map(|k| k.as_str());
            cells.insert(2, Span::raw(opt(category)));
            cells.push(Span::raw(opt(c.provider.as_deref())));
        }
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(entity_w as u16),
        Constraint::Min(10),
        Constraint::Length(12),
        Constraint::Length(8),
    ];
    let mut header = vec!["Entity", "Check", "Status", "Result"];
    if wide {
        widths.insert(2, Constraint::Length(10));
        header.insert(2, "Category");
        widths.push(Constraint::Length(12));
        header.push("Provider");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header))
        .column_spacing(1);
    frame.render_widget(table, area);
}
