//! Keys, paste and snippets in the drawer: the picker, the editor and the steps after it.

use super::*;
use crate::app::keymap::Context;

/// A snippet's text with its placeholders filled; unknown or empty ones become `—`.
pub fn expand(text: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_lowercase()) => {
                let name = &after[..close];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) if !v.is_empty() => out.push_str(v),
                    Some(_) => out.push('—'),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Flow {
    /// The snippets matching the picker's query, best first (all, in config order, when the
    /// query is empty).
    pub fn snippet_matches(&self) -> Vec<&Snippet> {
        use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
        use nucleo_matcher::{Config, Matcher, Utf32Str};
        let query = self.picker.as_ref().map_or("", |p| p.query.as_str());
        if query.trim().is_empty() {
            return self.snippets.iter().collect();
        }
        let pattern = Pattern::new(
            query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize, &Snippet)> = self
            .snippets
            .iter()
            .enumerate()
            .filter_map(|(i, sn)| {
                let hay = format!("{} {}", sn.name, sn.text);
                pattern
                    .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                    .map(|score| (score, i, sn))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, sn)| sn).collect()
    }

    /// Keys while the snippet picker is open.
    pub(super) fn picker_key(&mut self, key: KeyEvent) -> Outcome {
        let n = self.snippet_matches().len();
        let Some(p) = self.picker.as_mut() else {
            return Outcome::Stay;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => self.picker = None,
            KeyCode::Down | KeyCode::Tab => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Char('n') if ctrl => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Up | KeyCode::BackTab => p.selected = p.selected.saturating_sub(1),
            KeyCode::Char('p') if ctrl => p.selected = p.selected.saturating_sub(1),
            KeyCode::Backspace => {
                p.query.pop();
                p.selected = 0;
            }
            KeyCode::Char(c) if !ctrl => {
                p.query.push(c);
                p.selected = 0;
            }
            KeyCode::Enter => {
                let chosen = self
                    .snippet_matches()
                    .get(self.picker.as_ref().map_or(0, |p| p.selected))
                    .map(|sn| expand(&sn.text, &self.vars));
                self.picker = None;
                if let Some(text) = chosen {
                    let area = if self.on_conditions {
                        &mut self.conditions
                    } else {
                        &mut self.text
                    };
                    area.insert_str(&text);
                    return Outcome::Edited;
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    /// Inserts pasted text into the editor that has the keyboard. Control characters and
    /// escape sequences are dropped (a paste is text, never terminal commands); line breaks
    /// stay, CRLF becomes LF, and a tab becomes four spaces.
    pub fn paste(&mut self, text: &str) -> Outcome {
        if self.step != Step::Edit {
            return Outcome::Stay;
        }
        let text = plain_paste(text);
        if text.is_empty() {
            return Outcome::Stay;
        }
        let area = if self.on_conditions {
            &mut self.conditions
        } else {
            &mut self.text
        };
        area.insert_str(&text);
        Outcome::Edited
    }

    /// Sends after a warning the analyst read (a conflict, reviews still waiting).
    pub(super) fn send_anyway(&mut self) -> Outcome {
        match self.submission() {
            Some(s) => {
                self.step = Step::Submitting;
                Outcome::Submit(s)
            }
            None => Outcome::Cancel,
        }
    }

    /// Back to where the text (or the read-back) is, intact.
    pub(super) fn back_to_text(&mut self) -> Outcome {
        self.step = if self.kind.needs_text() {
            Step::Edit
        } else {
            Step::Confirm
        };
        Outcome::Stay
    }

    /// The keymap context of the step the drawer is on: its keys are commands there.
    pub fn context(&self) -> Context {
        match self.step {
            Step::Pick => Context::Picker,
            // What blocks it can be chosen and gone to, like a picker's choices.
            Step::Blocked(_) if self.jumps.iter().any(Option::is_some) => Context::Picker,
            Step::Confirm | Step::Conflict(_) => Context::Readback,
            Step::Behind(_) => Context::Behind,
            Step::Edit | Step::Failed(_) | Step::Submitting | Step::Blocked(_) => Context::Editor,
        }
    }

    /// Handles a key; returns what the drawer wants to happen.
    /// `command` is what the keymap makes of the key in the step's [`Flow::context`] (review,
    /// discard the draft, send, back to the text, ...); other keys are typed.
    pub fn key(&mut self, key: KeyEvent, command: Option<Command>) -> Outcome {
        use Command::*;
        match &self.step {
            // Already on disk: closing leaves it to the outbox.
            Step::Submitting
                if command == Some(CloseDrawer)
                    && (self.entry.is_some() || self.bulk.iter().any(|b| b.entry.is_some())) =>
            {
                Outcome::Cancel
            }
            Step::Submitting => Outcome::Stay,
            Step::Blocked(_) => {
                let rows: Vec<usize> = (0..self.jumps.len())
                    .filter(|i| self.jumps[*i].is_some())
                    .collect();
                let at = rows.iter().position(|r| *r == self.jump_row).unwrap_or(0);
                match command {
                    Some(PickNext) if !rows.is_empty() => {
                        self.jump_row = rows[(at + 1).min(rows.len() - 1)];
                        Outcome::Stay
                    }
                    Some(PickPrev) if !rows.is_empty() => {
                        self.jump_row = rows[at.saturating_sub(1)];
                        Outcome::Stay
                    }
                    Some(Choose) => match self.jumps.get(self.jump_row).cloned().flatten() {
                        Some(j) => Outcome::Jump(j),
                        None => Outcome::Cancel,
                    },
                    _ => Outcome::Cancel,
                }
            }
            Step::Conflict(_) => match command {
                Some(Send) => {
                    self.force = true;
                    self.send_anyway()
                }
                _ => self.back_to_text(),
            },
            Step::Behind(earlier) => match command {
                // Replace: the earlier entries are discarded, then this one is written.
                Some(ReplaceEarlier) => {
                    self.replace = earlier.iter().map(|(id, _)| *id).collect();
                    self.behind_ok = true;
                    self.send_anyway()
                }
                // Queue behind: sent after them, in the order written.
                Some(QueueBehind) => {
                    self.behind_ok = true;
                    self.send_anyway()
                }
                // Anything else: back, the text kept.
                _ => self.back_to_text(),
            },
            Step::Failed(_) => match command {
                Some(CloseDrawer) => Outcome::Cancel,
                // Back to the text, intact, to fix and send again.
                _ => self.back_to_text(),
            },
            Step::Pick => {
                match command {
                    // `back` (Esc): the picker is the drawer's first step.
                    Some(Back) => return Outcome::Cancel,
                    Some(PickNext) => {
                        self.picked = (self.picked + 1).min(self.choices.len().saturating_sub(1))
                    }
                    Some(PickPrev) => self.picked = self.picked.saturating_sub(1),
                    // A waiver picks its check, then its reason.
                    Some(Choose) if matches!(self.kind, FlowKind::WaiveCheck { check: None }) => {
                        if let Some(c) = self.choices.get(self.picked).cloned() {
                            self.kind = FlowKind::WaiveCheck {
                                check: Some((c.value, c.label)),
                            };
                            self.choices = waive_reasons();
                            self.picked = 0;
                            self.pick_label = Some("Reason");
                        }
                    }
                    Some(Choose) => return self.back_to_text(),
                    _ => {}
                }
                Outcome::Stay
            }
            Step::Edit if self.picker.is_some() => self.picker_key(key),
            Step::Edit if command == Some(Command::InsertSnippet) && !self.snippets.is_empty() => {
                self.picker = Some(Picker::default());
                Outcome::Stay
            }
            Step::Edit if command == Some(InsertSnippet) => {
                self.problem = Some(
                    "no rationale snippets are configured: add [[snippets]] to config.toml \
                     (docket config init writes an example)"
                        .into(),
                );
                Outcome::Stay
            }
            Step::Edit => {
                if command == Some(CloseDrawer) {
                    return Outcome::Cancel;
                }
                if command == Some(Command::DiscardDraft) {
                    return Outcome::Discard;
                }
                if command == Some(Command::Review) {
                    if let Some(problem) = self.text_problem() {
                        // Said in place; the editor keeps the keyboard.
                        self.problem = Some(problem);
                    } else {
                        self.problem = None;
                        self.step = Step::Confirm;
                    }
                    return Outcome::Stay;
                }
                // Tab completes the `@name` being typed to the first person it matches.
                if command == Some(Command::SwitchField)
                    && let Some((typed, id)) = self.mention_completion()
                {
                    for _ in 0..typed {
                        self.text.delete_char();
                    }
                    self.text.insert_str(format!("{id} "));
                    self.problem = None;
                    return Outcome::Edited;
                }
                if command == Some(Command::SwitchField) && self.kind.has_conditions() {
                    self.on_conditions = !self.on_conditions;
                    return Outcome::Stay;
                }
                let changed = if self.on_conditions {
                    self.conditions.input(key)
                } else {
                    self.text.input(key)
                };
                if changed {
                    self.problem = None;
                    Outcome::Edited
                } else {
                    Outcome::Stay
                }
            }
            Step::Confirm
                if command == Some(Send) && matches!(self.kind, FlowKind::Bulk { .. }) =>
            {
                let items = self.bulk_submissions();
                if items.is_empty() {
                    return Outcome::Cancel;
                }
                self.step = Step::Submitting;
                Outcome::SubmitMany(items)
            }
            Step::Confirm => match command {
                Some(Send) => match self.submission() {
                    Some(s) => {
                        self.step = Step::Submitting;
                        Outcome::Submit(s)
                    }
                    None => Outcome::Cancel,
                },
                Some(BackToText) => {
                    if self.kind.needs_text() {
                        self.step = Step::Edit;
                        Outcome::Stay
                    } else if !self.choices.is_empty() {
                        self.step = Step::Pick;
                        Outcome::Stay
                    } else {
                        Outcome::Cancel
                    }
                }
                _ => Outcome::Stay,
            },
        }
    }
}

/// The reasons the API takes for waiving a check, as picker choices.
pub fn waive_reasons() -> Vec<Choice> {
    crate::domain::WaiveReason::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().into(),
            label: r.as_str().into(),
        })
        .collect()
}

impl Flow {
    /// The `@` word being typed at the cursor (without the `@`), on a comment that can mention.
    fn mention_query(&self) -> Option<String> {
        if self.people.is_empty() || self.on_conditions || self.step != Step::Edit {
            return None;
        }
        let cursor = self.text.cursor();
        let (row, col) = (cursor.0, cursor.1);
        let line = self.text.lines().get(row)?;
        let before: String = line.chars().take(col).collect();
        let at = before.rfind('@')?;
        let word = &before[at + 1..];
        let starts_word = before[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        (starts_word && !word.chars().any(char::is_whitespace)).then(|| word.to_string())
    }

    /// The people the `@` word at the cursor matches (by id or name), at most five: (id, name).
    pub fn mention_candidates(&self) -> Vec<(String, String)> {
        let Some(q) = self.mention_query() else {
            return vec![];
        };
        let q = q.to_lowercase();
        self.people
            .iter()
            .filter(|(id, name)| {
                id.to_lowercase().contains(&q)
                    || name
                        .to_lowercase()
                        .split_whitespace()
                        .any(|w| w.starts_with(&q))
            })
            // Already complete: nothing to add.
            .filter(|(id, _)| id.to_lowercase() != q)
            .take(5)
            .cloned()
            .collect()
    }

    /// What Tab completes: how many characters typed after `@` to replace, and the id.
    fn mention_completion(&self) -> Option<(usize, String)> {
        let typed = self.mention_query()?.chars().count();
        let (id, _) = self.mention_candidates().into_iter().next()?;
        Some((typed, id))
    }
}

/// Pasted text with what a terminal would obey removed: ESC-introduced sequences (CSI, OSC,
/// DCS and the rest, up to their terminator), other C0/C1 controls and bidi overrides.
pub fn plain_paste(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then one final byte.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \\).
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || c == '\u{9c}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                // A two-char escape: drop both.
                _ => {}
            },
            c if c.is_control() => {}
            '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}
