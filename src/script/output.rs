//! What the scriptable commands print: lines and tables of cleaned text, and JSON that a
//! terminal cannot be made to obey.

use std::io::{IsTerminal, Write};

use jiff::Timestamp;
use serde_json::json;

use crate::text::sanitize::{clean, fit, width};

/// Writes one line to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub(super) fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Compact JSON with everything a terminal would obey escaped: serde_json escapes C0
/// controls; this also escapes DEL, C1 controls, bidi controls and line/paragraph separators
/// as `\uXXXX`. Outside strings JSON holds only ASCII, so the result is the same JSON value.
pub fn to_json(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|e| {
        json!({ "ok": false, "error": { "kind": "error", "message": e.to_string() } }).to_string()
    });
    let risky = |c: char| {
        matches!(c,
            '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(risky) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// One cleaned line of API text.
pub(super) fn c(s: &str) -> String {
    clean(s).into_owned()
}

/// A cleaned optional value, `—` when absent.
pub(super) fn o(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_string(), c)
}

pub(super) fn when(t: Option<Timestamp>) -> String {
    t.map_or_else(
        || "—".to_string(),
        |t| t.strftime("%Y-%m-%d %H:%M").to_string(),
    )
}

pub(super) fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.0}"))
}

/// The terminal's width when stdout is one.
pub(super) fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| usize::from(w))
        .filter(|w| *w > 0)
}

/// Lays out rows of cleaned cells in columns two spaces apart. Each column is as wide as its
/// widest cell up to its cap; the `flex` column shrinks (down to 8) so a line fits `max`.
pub(super) fn table(
    rows: &[Vec<String>],
    caps: &[usize],
    flex: usize,
    max: Option<usize>,
) -> Vec<String> {
    let cols = caps.len();
    let mut widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
                .min(caps[i])
        })
        .collect();
    if let Some(max) = max {
        let total = widths.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
        if total > max
            && let Some(w) = widths.get_mut(flex)
        {
            *w = w.saturating_sub(total - max).max(8);
        }
    }
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(cell, w)| fit(cell, *w))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}
