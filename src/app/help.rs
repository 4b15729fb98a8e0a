//! `?` help (F1 in a drawer): every key, from the command table ([`super::command::COMMANDS`])
//! and the keymap in force, the keys of where the analyst is first, then every other place's;
//! and a legend of the symbols the screens use.

use super::command::{COMMANDS, Command};
use super::keymap::Context;
use super::state::{Mode, State};

/// One block of help: where its keys work, and each row's keys and words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: &'static str,
    pub rows: Vec<(String, &'static str)>,
}

/// Every symbol the screens draw, and what it means (meaning never rests on colour alone).
pub const LEGEND: &[(&str, &str)] = &[
    ("▶", "the cursor (queue, alerts, entities, outbox, palette)"),
    ("●", "marked for a bulk action"),
    ("◉", "marked, and under the cursor"),
    ("▸", "the saved view in use"),
    (
        "✖",
        "SLA breached; a review refused (Ctrl-O); a failed check",
    ),
    ("▲", "SLA critical; a warning in the timeline"),
    ("△", "SLA warning"),
    (
        "⏸",
        "SLA clock paused (Client Input); an entry held for its author",
    ),
    ("⟳", "a review waiting to be sent"),
    ("✓", "settled, passed, verified or landed"),
    ("?", "a check to refer; verification unknown"),
    ("…", "text cut to fit (Enter reads it whole); in progress"),
    ("○", "not started; a reviewer invited"),
    ("⌛", "verification expired"),
    ("〃", "same entity as the row above"),
    ("↻", "when the queue was last read"),
    ("❄", "updates frozen (f)"),
    ("◀", "the field being typed in a drawer"),
    ("ⓘ", "a note on a field or a drawer"),
    ("↓", "more lines below (j, PgDn)"),
];

/// The keymap context help is opened from.
pub fn here(state: &State) -> Context {
    if let Some(f) = &state.flow {
        return if f.kind.is_form() {
            Context::Editor
        } else {
            f.context()
        };
    }
    match state.ui.mode {
        Mode::Outbox => Context::Outbox,
        Mode::Filter => Context::Filter,
        Mode::Palette => Context::Palette,
        _ => Context::Normal,
    }
}

fn title(ctx: Context) -> &'static str {
    match ctx {
        Context::Normal | Context::Queue | Context::Detail | Context::Alerts => {
            "Queue, case, alerts and reading"
        }
        Context::Outbox => "Outbox (Ctrl-O)",
        Context::Filter => "Filter line (/)",
        Context::Palette => "Command palette (:)",
        Context::Editor => "Drawer: editor and form fields",
        Context::Picker => "Drawer: a picker field",
        Context::Readback => "Drawer: read-back before sending",
        Context::Behind => "Drawer: behind an earlier review",
    }
}

/// A command's keys as bound now (`—` when unbound), several joined by `/`.
fn keys(state: &State, c: Command) -> String {
    let bound = state.settings.keymap.keys_for(c);
    if bound.is_empty() {
        "—".to_string()
    } else {
        bound.join("/")
    }
}

/// Help, section by section: where the analyst is first, then the other places, each with
/// the rows of [`super::power::help_table`] whose commands work there.
pub fn sections(state: &State) -> Vec<Section> {
    let here = here(state);
    let mut order: Vec<Context> = vec![here];
    for spec in COMMANDS {
        if !order.contains(&spec.context) {
            order.push(spec.context);
        }
    }
    let table = super::power::help_table(state);
    order
        .into_iter()
        .map(|ctx| Section {
            title: title(ctx),
            rows: table
                .iter()
                .filter(|(commands, _)| {
                    commands
                        .first()
                        .is_some_and(|c| super::command::spec_of(*c).context == ctx)
                })
                .map(|(commands, words)| {
                    let k: Vec<String> = commands.iter().map(|c| keys(state, *c)).collect();
                    (k.join(" "), *words)
                })
                .collect(),
        })
        .filter(|s| !s.rows.is_empty())
        .collect()
}

/// One line of help as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpLine {
    Heading(String),
    /// Keys (empty on a row's further lines) and words.
    Row(String, String),
    Blank,
}

/// Help as lines: each section's title and rows, the legend of symbols last.
pub fn lines(state: &State) -> Vec<HelpLine> {
    let mut out = Vec::new();
    for (i, s) in sections(state).into_iter().enumerate() {
        if i > 0 {
            out.push(HelpLine::Blank);
        }
        out.push(HelpLine::Heading(if i == 0 {
            format!("Here: {}", s.title)
        } else {
            s.title.to_string()
        }));
        out.extend(
            s.rows
                .into_iter()
                .map(|(k, w)| HelpLine::Row(k, w.to_string())),
        );
    }
    out.push(HelpLine::Blank);
    out.push(HelpLine::Heading("Symbols".to_string()));
    out.extend(
        LEGEND
            .iter()
            .map(|(s, w)| HelpLine::Row(s.to_string(), w.to_string())),
    );
    out
}

/// Widest key column help gives.
const KEY_WIDTH: usize = 34;

/// The key column's width and help's lines with each row's words wrapped to a box `width`
/// wide: what the view draws and the scroll is bounded by. Nothing is cut.
pub fn wrapped(state: &State, width: u16) -> (usize, Vec<HelpLine>) {
    let lines = lines(state);
    let inner = width.min(BOX_WIDTH).saturating_sub(2) as usize;
    let key_width = lines
        .iter()
        .map(|l| match l {
            HelpLine::Row(k, _) => crate::text::sanitize::width(k),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
        .min(KEY_WIDTH)
        .min(inner / 2);
    let words = inner.saturating_sub(key_width + 1).max(1);
    let mut out = Vec::new();
    for l in lines {
        match l {
            HelpLine::Row(k, w) => {
                // Keys wider than their column go on a line of their own.
                let mut first = Some(k);
                if crate::text::sanitize::width(first.as_deref().unwrap_or("")) > key_width {
                    out.push(HelpLine::Row(
                        first.take().unwrap_or_default(),
                        String::new(),
                    ));
                }
                for part in crate::text::wrap::wrap(&w, words) {
                    out.push(HelpLine::Row(first.take().unwrap_or_default(), part));
                }
            }
            other => out.push(other),
        }
    }
    (key_width, out)
}

/// The widest help box.
pub const BOX_WIDTH: u16 = 100;

/// Rows help shows at once on a screen `height` rows high (the box less its border and its
/// line of keys).
pub fn rows_shown(height: u16) -> usize {
    height.saturating_sub(1 + 2 + 1).max(1) as usize
}

/// The furthest help scrolls.
pub fn max_scroll(state: &State) -> u16 {
    let (w, h) = state.ui.screen.unwrap_or((80, 24));
    wrapped(state, w)
        .1
        .len()
        .saturating_sub(rows_shown(h))
        .min(u16::MAX as usize) as u16
}
