//! The Risk tab: the assessment's tier, score, dimension bars, factors, override and approval.

use super::*;

/// The assessment header, then each dimension as a bar with its score and tier, then its factors.
pub(in crate::ui) fn risk(
    assessment: &Loadable<Option<Assessment>>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    match ready(assessment, "risk assessment", theme, Option::as_ref) {
        Ok(a) => frame.render_widget(Paragraph::new(risk_lines(a, theme, area.width)), area),
        Err(msg) => message(frame, area, msg),
    }
}

fn dimension_label(key: &str) -> String {
    match key {
        "customer" => "Customer".into(),
        "geographic" => "Geographic".into(),
        "product_service" => "Product/Service".into(),
        "transaction" => "Transaction".into(),
        other => clean(other).into_owned(),
    }
}

fn risk_lines(a: &Assessment, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let score = a.overall_score.map_or("—".into(), |s| format!("{s:.1}"));
    let mut head = vec![
        Span::styled(format!("Overall {score} "), theme.text),
        Span::styled(
            tier_word(a.tier.as_ref()),
            tier_style(a.tier.as_ref(), theme),
        ),
    ];
    let effective = a.override_tier.as_ref().or(a.effective_tier.as_ref());
    if a.override_tier.is_some() || effective.is_some_and(|e| Some(e) != a.tier.as_ref()) {
        let why = a
            .override_justification
            .as_deref()
            .map(first_line)
            .unwrap_or_default();
        head.push(Span::styled(
            format!("  override: {} — {why}", tier_word(effective)),
            tier_style(effective, theme),
        ));
    }
    let status = match (a.status.known(), &a.approved_by, &a.overridden_by) {
        (Some(AssessmentStatus::Approved), Some(by), _) => format!("Approved by {}", clean(by)),
        (Some(AssessmentStatus::Overridden), _, Some(by)) => format!("Overridden by {}", clean(by)),
        _ => clean(a.status.as_str()).into_owned(),
    };
    let dd = a.due_diligence_path.as_deref().map_or("—".into(), clean);
    let every = a.review_frequency.as_deref().map_or("—".into(), clean);
    let mut lines = vec![
        Line::from(head),
        Line::styled(
            format!("{status} · {dd} · review every {every}"),
            theme.muted,
        ),
    ];
    let bar = usize::from(width.saturating_sub(30)).min(40);
    let label_w = a
        .dimensions
        .iter()
        .flat_map(|d| &d.factors)
        .map(|f| {
            let value = clean(&f.value);
            sanitize::width(&clean(&f.name))
                + if value.is_empty() {
                    0
                } else {
                    sanitize::width(&value) + 3
                }
        })
        .max()
        .unwrap_or(0)
        .min(usize::from(width.saturating_sub(12)))
        .max(10);
    for d in &a.dimensions {
        let filled = ((d.score / 100.0).clamp(0.0, 1.0) * bar as f64).round() as usize;
        let style = tier_style(d.tier.as_ref(), theme);
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(fit(&dimension_label(&d.key), 16), theme.header),
            Span::styled(
                format!("{:>4.0} {} ", d.score, fit(&tier_word(d.tier.as_ref()), 6)),
                style,
            ),
            Span::styled("█".repeat(filled.min(bar)), style),
            Span::styled("░".repeat(bar.saturating_sub(filled)), theme.muted),
        ]));
        for f in &d.factors {
            let value = clean(&f.value);
            let name = if value.is_empty() {
                clean(&f.name).into_owned()
            } else {
                format!("{} ({value})", clean(&f.name))
            };
            lines.push(Line::from(vec![
                // As wide as the longest label needs, as far as the pane allows.
                Span::styled(format!("  {}", fit(&name, label_w)), theme.text),
                Span::styled(format!(" {:+.1}", f.contribution), theme.muted),
            ]));
        }
    }
    lines
}
