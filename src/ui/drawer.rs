//! The review drawer: the open flow's picker, editor, read-back, progress and errors.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Theme;
use super::sanitize::{clean, fit};
use crate::app::flow::{Flow, Step};
use crate::provider::ProviderError;

/// Draws the drawer over the lower part of `area`.
pub fn drawer(flow: &Flow, theme: &Theme, frame: &mut Frame, area: Rect) {
    let height = area.height.saturating_sub(2).clamp(3, 18);
    let rect = Rect {
        x: area.x,
        y: area.y + area.height.saturating_sub(height),
        width: area.width,
        height: height.min(area.height),
    };
    if rect.width < 4 || rect.height < 3 {
        return;
    }
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(format!(" {} ", clean(&flow.title())));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [body, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let snippets = if flow.snippets.is_empty() {
        ""
    } else {
        " · Ctrl-T snippet"
    };
    let hint_text = hint_text(flow);
    let saved = if flow.draft_saved && flow.step == Step::Edit {
        " · ✓ draft saved"
    } else {
        ""
    };
    let snippets = if flow.step == Step::Edit && flow.picker.is_none() {
        snippets
    } else {
        ""
    };
    let mentions = flow.mention_candidates();
    match flow.problem.as_deref().filter(|_| flow.step == Step::Edit) {
        // What stops the review, where the keys would be: the editor keeps the keyboard.
        Some(problem) => frame.render_widget(
            Paragraph::new(format!("✖ {}", clean(problem))).style(theme.error),
            hint,
        ),
        // `@` being typed: who Tab completes it to, and who else it matches.
        None if !mentions.is_empty() => {
            let (id, name) = &mentions[0];
            let others: Vec<String> = mentions[1..]
                .iter()
                .map(|(_, n)| clean(n).into_owned())
                .collect();
            let more = if others.is_empty() {
                String::new()
            } else {
                format!(" · also: {}", others.join(", "))
            };
            frame.render_widget(
                Paragraph::new(format!("Tab: @{} ({}){more}", clean(id), clean(name)))
                    .style(theme.accent),
                hint,
            )
        }
        None => frame.render_widget(
            Paragraph::new(format!("{hint_text}{snippets}{saved}")).style(theme.muted),
            hint,
        ),
    }

    // What the drawer read of the case before judging its preconditions.
    let body = match &flow.checked {
        Some(line) if body.height > 3 => {
            let [n, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
            frame.render_widget(
                Paragraph::new(format!("↻ {}", clean(line))).style(theme.muted),
                n,
            );
            rest
        }
        _ => body,
    };
    // What the vendor will not keep, said before anything is typed or sent.
    let body = match &flow.note {
        Some(note) if !matches!(flow.step, Step::Blocked(_)) && body.height > 4 => {
            let [n, rest] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(body);
            frame.render_widget(
                Paragraph::new(format!("ⓘ {}", clean(note)))
                    .style(theme.warning)
                    .wrap(Wrap { trim: true }),
                n,
            );
            rest
        }
        _ => body,
    };
    // What the picker chooses, above its choices.
    let body = match flow.pick_label {
        Some(label) if flow.step == Step::Pick && body.height > 2 => {
            let [n, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
            frame.render_widget(Paragraph::new(label).style(theme.header), n);
            rest
        }
        _ => body,
    };
    match &flow.step {
        Step::Pick => {
            let lines: Vec<Line> = flow
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let selected = i == flow.picked;
                    Line::styled(
                        format!("{} {}", if selected { "▶" } else { " " }, clean(&c.label)),
                        if selected {
                            theme.selection
                        } else {
                            theme.text
                        },
                    )
                })
                .collect();
            let skip = flow
                .picked
                .saturating_sub(body.height.saturating_sub(1) as usize);
            frame.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), body);
        }
        Step::Edit => {
            let n = flow.body().chars().count();
            let over = n > flow.limit();
            let counter = format!("{n}/{}", flow.limit());
            let label = format!(
                "{}{}",
                flow.kind.text_label(),
                if flow.on_conditions { "" } else { " ◀" }
            );
            let [head, editor, cond] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(1),
                Constraint::Length(if flow.kind.has_conditions() { 4 } else { 0 }),
            ])
            .areas(body);
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(label, theme.header),
                    Span::raw("  "),
                    Span::styled(counter, if over { theme.error } else { theme.muted }),
                    Span::styled(if over { "  over the limit" } else { "" }, theme.error),
                ])),
                head,
            );
            frame.render_widget(&flow.text, editor);
            if flow.picker.is_some() {
                snippet_picker(flow, theme, frame, editor);
            }
            if flow.kind.has_conditions() {
                let [l, t] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(cond);
                let mark = if flow.on_conditions { " ◀" } else { "" };
                frame.render_widget(
                    Paragraph::new(format!("Conditions{mark}")).style(theme.header),
                    l,
                );
                frame.render_widget(&flow.conditions, t);
            }
        }
        _ => step_body(flow, theme, frame, body),
    }
}

/// What the keys do at the flow's step, for the drawer's last line.
pub(super) fn hint_text(flow: &Flow) -> &'static str {
    match &flow.step {
        Step::Edit if flow.picker.is_some() => {
            "type to search snippets · ↑↓ choose · Enter insert · Esc back"
        }
        Step::Pick => "j/k choose · Enter next · Esc cancel",
        Step::Edit if flow.kind.has_conditions() => {
            "Ctrl-S review · Tab rationale/conditions · Esc cancel"
        }
        Step::Edit => "Ctrl-S (or Alt-Enter) review · Esc cancel",
        Step::Confirm => "Enter/y submit · Esc/n back",
        Step::Submitting
            if !flow.bulk.is_empty() && flow.bulk.iter().all(|b| b.result.is_some()) =>
        {
            "done · Esc closes"
        }
        Step::Submitting if !flow.bulk.is_empty() => "sending… · Esc leaves the rest to the outbox",
        Step::Submitting => "submitting…",
        Step::Blocked(_) if flow.jumps.iter().any(Option::is_some) => {
            "j/k choose · Enter goes to it · any other key closes"
        }
        Step::Blocked(_) => "any key closes",
        Step::Conflict(_) => "Enter send anyway · any other key back (your text is kept)",
        Step::Behind(_) => "q/Enter queue behind · r replace · any other key back (text kept)",
        Step::Failed(_) => "any key edits again (your text is kept) · Esc cancel",
    }
}

/// The steps after the text: the read-back and the submission in flight, what blocks it, a
/// conflict, earlier reviews still waiting, a refusal. A form's drawer draws these too.
pub(super) fn step_body(flow: &Flow, theme: &Theme, frame: &mut Frame, body: Rect) {
    match &flow.step {
        Step::Confirm | Step::Submitting => {
            // A text of several lines reads back as those lines, not as `\x0a`.
            let mut lines: Vec<Line> = flow
                .summary_lines()
                .iter()
                .flat_map(|l| {
                    l.lines()
                        .map(|part| Line::raw(clean(part).into_owned()))
                        .collect::<Vec<_>>()
                })
                .collect();
            if !flow.bulk.is_empty() {
                // One line per case: how it went.
                lines.push(Line::raw(""));
                for b in &flow.bulk {
                    let (mark, text, style) = match &b.result {
                        None => ("⟳", "sending…".to_string(), theme.accent),
                        Some(Ok(what)) => ("✓", what.clone(), theme.ok),
                        Some(Err(e)) => ("✖", e.clone(), theme.error),
                    };
                    // "CAS-000317 assigned to Lukas Brandt", not "CAS-000317: CAS-000317 ...".
                    let line = match text.strip_prefix(b.name.as_str()) {
                        Some(rest) if rest.starts_with(' ') => format!("{}{rest}", b.name),
                        _ => format!("{}: {text}", b.name),
                    };
                    lines.push(Line::styled(format!("{mark} {}", clean(&line)), style));
                }
            } else if flow.step == Step::Submitting {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    match (flow.entry, flow.waits_for) {
                        (Some(id), Some(before)) => format!(
                            "⟳ Saved as outbox entry {id}; queued behind #{before}, written earlier on the same target: it goes once that one lands (Ctrl-O shows both; Esc leaves it to the outbox)."
                        ),
                        (Some(id), None) => format!("⟳ Saved as outbox entry {id}; sending…"),
                        (None, _) => "⟳ Saving…".to_string(),
                    },
                    theme.accent,
                ));
                if let Some((attempts, e)) = &flow.retrying {
                    lines.push(Line::styled(
                        format!(
                            "Not landed yet (attempt {attempts}): {}. It will keep trying, also after a restart; Esc leaves it to the outbox.",
                            clean(&e.to_string())
                        ),
                        theme.warning,
                    ));
                }
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        }
        Step::Blocked(reasons) => {
            let mut lines = vec![Line::styled("Cannot proceed yet:", theme.error)];
            let choosing = flow.jumps.iter().any(Option::is_some);
            lines.extend(reasons.iter().enumerate().map(|(i, r)| {
                // An alert named under its blocker is listed, not a blocker of its own; the
                // line Enter goes to carries the cursor (and is not marked by colour alone).
                let named = r.starts_with("  ");
                let chosen = choosing && i == flow.jump_row;
                let mark = match (chosen, named) {
                    (true, _) => "▶",
                    (false, true) => " ",
                    (false, false) => "✖",
                };
                let text = format!("{mark} {}", clean(r.trim_start()));
                let text = if named { format!("  {text}") } else { text };
                if chosen {
                    Line::styled(text, theme.selection)
                } else {
                    Line::raw(text)
                }
            }));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        }
        Step::Conflict(changes) => {
            let mut lines = vec![Line::styled(
                "This case changed on the server since you opened it:",
                theme.warning,
            )];
            lines.extend(changes.iter().map(|c| Line::raw(format!("• {}", clean(c)))));
            lines.push(Line::raw(
                "Nothing was sent. Review the change, then send anyway or go back.",
            ));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        }
        Step::Behind(earlier) => {
            let mut lines = vec![Line::styled(
                "Earlier reviews of the same target are still waiting to be sent:",
                theme.warning,
            )];
            lines.extend(
                earlier
                    .iter()
                    .map(|(id, what)| Line::raw(format!("⟳ #{id} {}", clean(what)))),
            );
            lines.push(Line::raw(
                "q queues this one behind them (sent after, in order) · r replaces them with this one",
            ));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        }
        Step::Failed(e) => {
            let lines = error_lines(e, theme);
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        }
        Step::Pick | Step::Edit => {}
    }
}

/// An error in place: the API's code, message and request id, each on its own line.
pub fn error_lines(e: &ProviderError, theme: &Theme) -> Vec<Line<'static>> {
    match e {
        ProviderError::Api {
            status,
            code,
            message,
            request_id,
            ..
        } => vec![
            Line::styled(format!("✖ {} (HTTP {status})", clean(code)), theme.error),
            Line::raw(clean(message).into_owned()),
            Line::styled(
                format!(
                    "request id: {}",
                    request_id
                        .as_deref()
                        .map_or("—".into(), |r| clean(r).into_owned())
                ),
                theme.muted,
            ),
            Line::raw("Nothing was lost: your text is still here."),
        ],
        other => vec![
            Line::styled(format!("✖ {}", clean(&other.to_string())), theme.error),
            Line::raw("Nothing was lost: your text is still here."),
        ],
    }
}

/// The snippet picker, over the editor: the query, then the matching snippets with the text
/// each would insert (placeholders filled).
fn snippet_picker(flow: &Flow, theme: &Theme, frame: &mut Frame, area: Rect) {
    use crate::app::flow::expand;
    frame.render_widget(Clear, area);
    let (query, selected) = flow
        .picker
        .as_ref()
        .map_or(("", 0), |p| (p.query.as_str(), p.selected));
    let [q, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(format!("snippet: {}▏", clean(query))).style(theme.accent),
        q,
    );
    let matches = flow.snippet_matches();
    if matches.is_empty() {
        frame.render_widget(
            Paragraph::new("No snippet matches.").style(theme.muted),
            list,
        );
        return;
    }
    let rows = list.height as usize;
    let skip = selected.saturating_sub(rows.saturating_sub(1));
    let name_width = 24.min(list.width as usize / 3);
    let text_width = (list.width as usize).saturating_sub(name_width + 3);
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(skip)
        .take(rows)
        .map(|(i, sn)| {
            let style = if i == selected {
                theme.selection
            } else {
                theme.text
            };
            Line::from(vec![
                Span::styled(
                    format!(
                        "{}{} ",
                        if i == selected { "▶ " } else { "  " },
                        fit(&clean(&sn.name), name_width)
                    ),
                    style,
                ),
                Span::styled(
                    fit(&clean(&expand(&sn.text, &flow.vars)), text_width),
                    theme.muted,
                ),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}
