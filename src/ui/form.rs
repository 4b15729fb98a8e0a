//! A creation's form in the drawer: one row per shown field (a `*` marks the required ones, a
//! `▶` the one with the keyboard, `✖` a problem, beside the field when there is room and under
//! it otherwise), then the read-back of the exact JSON body, then the review drawer's own steps
//! (in flight, refused, waiting behind another). Everything typed or read from the API is
//! cleaned before it is drawn; no meaning rests on colour alone.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Theme;
use super::drawer::{hint_text, step_body};
use super::sanitize::{clean, fit, width};
use crate::app::State;
use crate::app::command::{Command, spec_of};
use crate::app::flow::{Flow, FlowKind, Step};
use crate::app::form::{FormState, Input};
use crate::domain::form::Kind;

/// From this inner width a field's problem is drawn beside it rather than under it.
const BESIDE: u16 = 118;
/// The widest label column.
const LABEL_MAX: usize = 26;
/// Rows a focused key = value field takes.
const LINES_ROWS: u16 = 4;

/// Draws the form's drawer over `area` (the panes).
pub fn drawer(state: &State, flow: &Flow, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    frame.render_widget(Clear, area);
    let title = match (&flow.form, &flow.kind) {
        (Some(form), FlowKind::NewCase) => form.form.title.clone(),
        _ => flow.title(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(format!(" {} ", clean(&title)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(fit(&hint_line(state, flow), hint.width as usize)).style(theme.muted),
        hint,
    );
    let Some(form) = &flow.form else {
        loading(state, flow, theme, frame, body);
        return;
    };
    match &flow.step {
        Step::Edit => fields(form, theme, frame, body),
        Step::Confirm => readback(
            form,
            &key_name(state, Command::OpenExisting),
            theme,
            frame,
            body,
        ),
        _ => step_body(flow, theme, frame, body),
    }
}

/// The first key bound to a command, as people write it (`Ctrl-S`, `Shift-Tab`, `→`).
pub fn key_name(state: &State, c: Command) -> String {
    let bound = state.settings.keymap.keys_for(c);
    let key = spec_of(c)
        .keys
        .iter()
        .map(|k| k.to_string())
        .find(|k| bound.contains(k))
        .or_else(|| bound.first().cloned());
    let Some(key) = key else {
        return "—".into();
    };
    let mut out = String::new();
    let mut rest = key.as_str();
    for (prefix, word) in [("ctrl-", "Ctrl-"), ("alt-", "Alt-")] {
        if let Some(r) = rest.strip_prefix(prefix) {
            out.push_str(word);
            rest = r;
        }
    }
    out.push_str(&match rest {
        "backtab" => "Shift-Tab".to_string(),
        "right" => "→".into(),
        "left" => "←".into(),
        "up" => "↑".into(),
        "down" => "↓".into(),
        k if k.chars().count() == 1 && !out.is_empty() => k.to_uppercase(),
        k if k.chars().count() == 1 => k.to_string(),
        k => {
            let mut c = k.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    });
    out
}

/// What the keys do now, most useful first (what does not fit is cut at the end).
fn hint_line(state: &State, flow: &Flow) -> String {
    let k = |c| key_name(state, c);
    let Some(form) = &flow.form else {
        return match flow.step {
            Step::Failed(_) => "any key tries again · Esc closes".into(),
            _ => "Esc closes".into(),
        };
    };
    let mut parts: Vec<String> = match &flow.step {
        Step::Edit => {
            let mut p = vec![
                "* required".to_string(),
                format!(
                    "{}/{} field",
                    k(Command::SwitchField),
                    k(Command::PrevField)
                ),
            ];
            if form.on_picker() {
                p.push(format!(
                    "{}/{} choose",
                    k(Command::PickPrev),
                    k(Command::PickNext)
                ));
            }
            p.push(format!("{} review", k(Command::Review)));
            p.push("Esc close".into());
            p.push(format!("{} discard", k(Command::DiscardDraft)));
            if flow.draft_saved {
                p.push("✓ draft saved".into());
            }
            p
        }
        Step::Confirm => {
            let mut p = vec!["Enter/y send".to_string()];
            if let Some((_, name)) = &form.duplicate {
                p.push(format!(
                    "{} open {} instead",
                    k(Command::OpenExisting),
                    clean(name)
                ));
            }
            p.push(format!("{}/{} scroll", k(Command::Down), k(Command::Up)));
            p.push("Esc/n back to the form".into());
            p
        }
        Step::Failed(_) => vec!["any key edits again (the form is kept) · Esc closes".into()],
        _ => vec![hint_text(flow).to_string()],
    };
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

/// Before the vendor's form has arrived, or when it could not be read.
fn loading(state: &State, flow: &Flow, theme: &Theme, frame: &mut Frame, area: Rect) {
    let vendor = state.settings.caps.vendor.title();
    let lines = match &flow.step {
        Step::Failed(e) => vec![
            Line::styled(
                format!("✖ {vendor}'s case form could not be read:"),
                theme.error,
            ),
            Line::raw(clean(&e.to_string()).into_owned()),
        ],
        _ => vec![Line::styled(
            format!("⟳ Reading {vendor}'s case form…"),
            theme.accent,
        )],
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// One thing drawn for a field, top to bottom.
enum Piece {
    /// The field itself: its label and value, `rows` tall.
    Field { i: usize, rows: u16 },
    /// Its problem, under it (narrow drawers).
    Problem(usize),
    /// The focused field's help.
    Help(usize),
}

fn rows(p: &Piece) -> u16 {
    match p {
        Piece::Field { rows, .. } => *rows,
        _ => 1,
    }
}

/// The fields, scrolled so the one with the keyboard is in view, under the problems listed
/// once a review was refused.
fn fields(form: &FormState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let area = refused(form, theme, frame, area);
    if area.height == 0 || area.width < 10 {
        return;
    }
    let beside = area.width >= BESIDE;
    let shown = form.shown();
    let mut pieces = Vec::new();
    for &i in &shown {
        let focused = i == form.focus;
        let tall = focused && form.form.fields[i].kind == Kind::KeyValues;
        pieces.push(Piece::Field {
            i,
            rows: if tall { LINES_ROWS } else { 1 },
        });
        if !beside && form.problem_of(i).is_some() {
            pieces.push(Piece::Problem(i));
        }
        if focused && form.form.fields[i].help.is_some() {
            pieces.push(Piece::Help(i));
        }
    }
    // Scroll just enough to show the focused field with what hangs under it.
    let mut top = 0u16;
    let mut focus_end = 0u16;
    for p in &pieces {
        let i = match p {
            Piece::Field { i, .. } | Piece::Problem(i) | Piece::Help(i) => *i,
        };
        if i == form.focus {
            focus_end = top + rows(p);
        }
        top += rows(p);
    }
    let skip = focus_end.saturating_sub(area.height);
    let label_w = shown
        .iter()
        .map(|&i| width(&clean(&form.form.fields[i].label)) + 2)
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX);
    let value_x = 2 + label_w as u16 + 1;
    let value_w = if beside {
        (area.width.saturating_sub(value_x) / 2).min(48)
    } else {
        area.width.saturating_sub(value_x)
    };
    let mut y = 0u16;
    for p in &pieces {
        let h = rows(p);
        let (from, to) = (y, y + h);
        y = to;
        if from < skip || to - skip > area.height {
            continue;
        }
        let rect = Rect {
            x: area.x,
            y: area.y + (from - skip),
            width: area.width,
            height: h,
        };
        match p {
            Piece::Field { i, .. } => field_row(
                form, *i, label_w, value_x, value_w, beside, theme, frame, rect,
            ),
            Piece::Problem(i) => {
                let msg = form.problem_of(*i).unwrap_or_default();
                frame.render_widget(
                    Paragraph::new(fit(&format!("    ✖ {}", clean(msg)), area.width as usize))
                        .style(theme.error),
                    rect,
                );
            }
            Piece::Help(i) => {
                let help = form.form.fields[*i].help.as_deref().unwrap_or_default();
                frame.render_widget(
                    Paragraph::new(fit(&format!("    ⓘ {}", clean(help)), area.width as usize))
                        .style(theme.muted),
                    rect,
                );
            }
        }
    }
}

/// Once a review was refused: what must be fixed first, above the fields. Returns the room
/// left for them.
fn refused(form: &FormState, theme: &Theme, frame: &mut Frame, area: Rect) -> Rect {
    if !form.tried || form.problems.is_empty() || area.height < 6 {
        return area;
    }
    const LISTED: usize = 3;
    let all = form.listed_problems();
    let mut lines = vec![Line::styled(
        format!(
            "✖ Not ready to review: {} to fix (marked ✖ below)",
            if all.len() == 1 {
                "1 problem".to_string()
            } else {
                format!("{} problems", all.len())
            }
        ),
        theme.error,
    )];
    lines.extend(all.iter().take(LISTED).map(|p| {
        Line::styled(
            fit(&format!("  • {}", clean(p)), area.width as usize),
            theme.error,
        )
    }));
    if all.len() > LISTED {
        lines.push(Line::styled(
            format!("  … and {} more", all.len() - LISTED),
            theme.error,
        ));
    }
    let h = (lines.len() as u16 + 1).min(area.height / 2);
    let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(lines), top);
    rest
}

/// One field: marker, label (with `*` when required), value, and its problem beside it.
#[allow(clippy::too_many_arguments)]
fn field_row(
    form: &FormState,
    i: usize,
    label_w: usize,
    value_x: u16,
    value_w: u16,
    beside: bool,
    theme: &Theme,
    frame: &mut Frame,
    rect: Rect,
) {
    let f = &form.form.fields[i];
    let focused = i == form.focus;
    let problem = form.problem_of(i);
    let label = format!(
        "{}{}",
        clean(&f.label),
        if form.required(i) { " *" } else { "" }
    );
    let marker = match (focused, problem.is_some()) {
        (true, _) => "▶ ",
        (false, true) => "✖ ",
        (false, false) => "  ",
    };
    let label_style = if focused { theme.header } else { theme.text };
    let marker_style = if problem.is_some() && !focused {
        theme.error
    } else {
        theme.accent
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(marker, marker_style),
            Span::styled(fit(&label, label_w), label_style),
        ])),
        Rect { height: 1, ..rect },
    );
    let value = Rect {
        x: rect.x + value_x.min(rect.width),
        y: rect.y,
        width: value_w.min(rect.width.saturating_sub(value_x)),
        height: rect.height,
    };
    match (&form.inputs[i], focused) {
        (Input::Text(t), true) => frame.render_widget(&**t, value),
        (Input::Text(t), false) => {
            let lines: Vec<String> = t
                .lines()
                .iter()
                .map(|l| clean(l.trim()).into_owned())
                .filter(|l| !l.is_empty())
                .collect();
            frame.render_widget(
                Paragraph::new(fit(&lines.join(" · "), value.width as usize)).style(theme.text),
                value,
            );
        }
        (Input::Pick(p), focused) => {
            let blank = p.value().is_empty();
            let text = if focused {
                let m = p.matches();
                let at = m.iter().position(|&x| x == p.picked).map_or(0, |a| a + 1);
                let mut s = format!("◀ {} ▶  {at}/{}", clean(p.label()), m.len());
                if !p.query.is_empty() {
                    if m.is_empty() {
                        s.push_str(&format!("  no match for “{}”", clean(&p.query)));
                    } else {
                        s.push_str(&format!("  typed: {}", clean(&p.query)));
                    }
                }
                s
            } else {
                clean(p.label()).into_owned()
            };
            let style = match (focused, blank) {
                (true, _) => theme.selection,
                (false, true) => theme.muted,
                (false, false) => theme.text,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(fit(&text, value.width as usize), style)),
                Rect { height: 1, ..value },
            );
        }
    }
    if beside && let Some(msg) = problem {
        let x = value.x + value.width + 2;
        if x < rect.x + rect.width {
            frame.render_widget(
                Paragraph::new(fit(
                    &format!("✖ {}", clean(msg)),
                    (rect.x + rect.width - x) as usize,
                ))
                .style(theme.error),
                Rect {
                    x,
                    y: rect.y,
                    width: rect.x + rect.width - x,
                    height: 1,
                },
            );
        }
    }
}

/// The read-back: a loaded case with the same reference first, then exactly the JSON body
/// that will be sent, then what the vendor cannot do.
fn readback(form: &FormState, open_key: &str, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    if let Some((_, name)) = &form.duplicate {
        lines.push(Line::styled(
            format!(
                "⚠ {} already has external reference {}: {open_key} opens it instead of sending \
                 this.",
                clean(name),
                clean(&form.reference().unwrap_or_default())
            ),
            theme.warning,
        ));
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled("Exactly what will be sent:", theme.header));
    lines.extend(
        form.pretty_body()
            .lines()
            .map(|l| Line::raw(clean(l).into_owned())),
    );
    for note in &form.form.notes {
        lines.push(Line::styled(format!("ⓘ {}", clean(note)), theme.muted));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((form.scroll, 0)),
        area,
    );
}
