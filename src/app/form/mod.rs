//! A vendor's form in the drawer: one input per field of a [`Form`], which of them has the
//! keyboard, and what the analyst has been told is wrong. Pure: keys come in as commands and
//! key events, values go out as [`Values`], the draft and the [`Submission`].
//!
//! - A text field is a `TextArea` (one line, except a [`Kind::KeyValues`] field's lines).
//! - A [`Kind::Choice`], [`Kind::Bool`] or [`Kind::User`] field is a [`Picker`]: a blank choice
//!   (`—`, or "nobody" for a user) and the others; typing narrows them.
//! - A field's problem is shown once it has been typed into, and every problem once the
//!   analyst asked to review ([`FormState::tried`]). Problems are worked out again after every
//!   change ([`FormState::revalidate`]), so the view only draws them.
//!
//! The form is a draft: [`FormState::draft`] is its values as JSON, [`FormState::restore`] puts
//! them back.

mod picker;

pub use picker::Picker;

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::Date;
use ratatui_textarea::{CursorMove, TextArea};

use crate::domain::form::{Choice, Form, Kind, Problem, Values};
use crate::domain::review::Submission;

/// Form paths that carry a case's own reference (what `Case::external_reference` reads back):
/// Zenoo's `external_reference`, KarmaCheck's `apiTrackingCode`, Amiqus's `case.reference`.
pub const REFERENCE_PATHS: &[&str] = &["external_reference", "apiTrackingCode", "case.reference"];

/// Where an entity sits in the ownership tree: the field the console offers as a picker of
/// the case's entities.
pub const PARENT_PATH: &str = "parent_entity_token";

/// How one field is typed.
#[derive(Clone, Debug)]
pub enum Input {
    Text(Box<TextArea<'static>>),
    Pick(Picker),
}

/// The form in the drawer.
#[derive(Clone, Debug)]
pub struct FormState {
    pub form: Form,
    /// One per field of `form.fields`, in the same order.
    pub inputs: Vec<Input>,
    /// The field with the keyboard (an index into `form.fields`; always a shown one).
    pub focus: usize,
    /// Fields typed into: their problems are shown.
    pub touched: BTreeSet<String>,
    /// The analyst asked to review: every problem is shown, and listed.
    pub tried: bool,
    /// What is wrong with the values now, in field order.
    pub problems: Vec<Problem>,
    /// A loaded case with the same external reference (token, name), found at the read-back.
    pub duplicate: Option<(String, String)>,
    /// Lines scrolled in the read-back.
    pub scroll: u16,
}

impl FormState {
    /// A fresh form. `users` are the choices of a [`Kind::User`] field (with none, the id is
    /// typed); choices come first as they are given, after a blank one.
    pub fn new(form: Form, users: Vec<Choice>, today: Date) -> FormState {
        let inputs = form
            .fields
            .iter()
            .map(|f| match &f.kind {
                Kind::Choice(choices) => Input::Pick(Picker::new("—", choices.clone())),
                Kind::Bool => Input::Pick(Picker::new(
                    "—",
                    vec![Choice::plain("yes"), Choice::plain("no")],
                )),
                Kind::User if !users.is_empty() => {
                    Input::Pick(Picker::new("nobody", users.clone()))
                }
                _ => Input::Text(Box::default()),
            })
            .collect();
        let mut s = FormState {
            form,
            inputs,
            focus: 0,
            touched: BTreeSet::new(),
            tried: false,
            problems: Vec::new(),
            duplicate: None,
            scroll: 0,
        };
        s.revalidate(today);
        s
    }

    /// The raw text of every field with a value (hidden ones too: they come back if shown).
    pub fn values(&self) -> Values {
        let mut values = Values::new();
        for (f, input) in self.form.fields.iter().zip(&self.inputs) {
            let raw = match input {
                Input::Text(t) => t.lines().join("\n").trim_end().to_string(),
                Input::Pick(p) => p.value().to_string(),
            };
            if !raw.trim().is_empty() {
                values.insert(f.path.clone(), raw);
            }
        }
        values
    }

    /// The values as the draft store keeps them: JSON, or empty when nothing is filled in.
    pub fn draft(&self) -> String {
        let values = self.values();
        if values.is_empty() {
            return String::new();
        }
        serde_json::to_string(&values).unwrap_or_default()
    }

    /// Puts back a draft saved by [`FormState::draft`]; values of fields the form no longer
    /// has are dropped. False if the text is not a draft of values.
    pub fn restore(&mut self, draft: &str, today: Date) -> bool {
        let Ok(values) = serde_json::from_str::<Values>(draft) else {
            return false;
        };
        for (f, input) in self.form.fields.iter().zip(self.inputs.iter_mut()) {
            let Some(raw) = values.get(&f.path) else {
                continue;
            };
            match input {
                Input::Text(t) => {
                    **t = TextArea::new(raw.lines().map(str::to_string).collect());
                    t.move_cursor(CursorMove::Bottom);
                    t.move_cursor(CursorMove::End);
                }
                Input::Pick(p) => p.set(raw),
            }
        }
        self.touched = values.keys().cloned().collect();
        self.focus_shown();
        self.revalidate(today);
        true
    }

    /// Works out the problems again, for the values as they are now.
    pub fn revalidate(&mut self, today: Date) {
        self.problems = self.form.validate(&self.values(), today);
    }

    /// The indices of the fields shown for the values as they are now.
    pub fn shown(&self) -> Vec<usize> {
        let values = self.values();
        let visible = self.form.visible(&values);
        (0..self.form.fields.len())
            .filter(|&i| visible.iter().any(|f| f.path == self.form.fields[i].path))
            .collect()
    }

    /// Whether the field at `i` must have a value, for the values as they are now.
    pub fn required(&self, i: usize) -> bool {
        self.form
            .fields
            .get(i)
            .is_some_and(|f| self.form.is_required(f, &self.values()))
    }

    /// The problem shown beside the field at `i`, if it has one and it is shown yet.
    pub fn problem_of(&self, i: usize) -> Option<&str> {
        let path = &self.form.fields.get(i)?.path;
        if !self.tried && !self.touched.contains(path) {
            return None;
        }
        self.problems
            .iter()
            .find(|p| &p.path == path)
            .map(|p| p.message.as_str())
    }

    /// The problems as listed when a review is refused: each with its field's label.
    pub fn listed_problems(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| match self.form.field(&p.path) {
                Some(f) => format!("{}: {}", f.label, p.message),
                None => p.to_string(),
            })
            .collect()
    }

    /// Moves the keyboard to the next shown field (`forward`) or the one before, wrapping.
    pub fn move_focus(&mut self, forward: bool) {
        let shown = self.shown();
        if shown.is_empty() {
            return;
        }
        if let Input::Pick(p) = &mut self.inputs[self.focus] {
            p.query.clear();
        }
        let at = shown.iter().position(|&i| i == self.focus);
        let n = shown.len();
        self.focus = match (at, forward) {
            (Some(a), true) => shown[(a + 1) % n],
            (Some(a), false) => shown[(a + n - 1) % n],
            (None, _) => shown[0],
        };
    }

    /// Puts the keyboard on the field of the first problem, if it is shown.
    pub fn focus_first_problem(&mut self) {
        let shown = self.shown();
        if let Some(i) = self.problems.iter().find_map(|p| {
            shown
                .iter()
                .copied()
                .find(|&i| self.form.fields[i].path == p.path)
        }) {
            self.focus = i;
        }
    }

    /// Keeps the keyboard on a shown field (after a change hid the one it was on).
    pub fn focus_shown(&mut self) {
        let shown = self.shown();
        if !shown.contains(&self.focus) {
            self.focus = shown
                .iter()
                .copied()
                .find(|&i| i > self.focus)
                .or(shown.first().copied())
                .unwrap_or(0);
        }
    }

    /// Whether the field with the keyboard is a picker.
    pub fn on_picker(&self) -> bool {
        matches!(self.inputs.get(self.focus), Some(Input::Pick(_)))
    }

    /// The next (`forward`) or previous choice of the picker with the keyboard. True if the
    /// value changed.
    pub fn pick(&mut self, forward: bool, today: Date) -> bool {
        let changed = match self.inputs.get_mut(self.focus) {
            Some(Input::Pick(p)) => p.step(forward),
            _ => false,
        };
        self.changed(changed, today)
    }

    /// A key typed into the field with the keyboard (not a command). True if its value
    /// changed. A one-line field takes no line break.
    pub fn type_key(&mut self, key: KeyEvent, today: Date) -> bool {
        let multiline = self.focused_kind() == Some(&Kind::KeyValues);
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let changed = match self.inputs.get_mut(self.focus) {
            Some(Input::Pick(p)) => match key.code {
                KeyCode::Backspace => p.narrow(None),
                KeyCode::Char(c) if plain => p.narrow(Some(c)),
                _ => false,
            },
            Some(Input::Text(_)) if key.code == KeyCode::Enter && !multiline => false,
            Some(Input::Text(t)) => t.input(key),
            None => false,
        };
        self.changed(changed, today)
    }

    /// Pasted text into the field with the keyboard: line breaks become spaces in a one-line
    /// field; a picker narrows by it. True if the value changed.
    pub fn paste(&mut self, text: &str, today: Date) -> bool {
        let multiline = self.focused_kind() == Some(&Kind::KeyValues);
        let changed = match self.inputs.get_mut(self.focus) {
            Some(Input::Text(t)) if multiline => t.insert_str(text),
            Some(Input::Text(t)) => t.insert_str(text.replace('\n', " ")),
            Some(Input::Pick(p)) => {
                let mut changed = false;
                for c in text.chars().filter(|c| !c.is_control()) {
                    changed |= p.narrow(Some(c));
                }
                changed
            }
            None => false,
        };
        self.changed(changed, today)
    }

    fn focused_kind(&self) -> Option<&Kind> {
        self.form.fields.get(self.focus).map(|f| &f.kind)
    }

    fn changed(&mut self, changed: bool, today: Date) -> bool {
        if changed {
            if let Some(f) = self.form.fields.get(self.focus) {
                self.touched.insert(f.path.clone());
            }
            self.revalidate(today);
            self.focus_shown();
        }
        changed
    }

    /// The case reference typed (see [`REFERENCE_PATHS`]), if any.
    pub fn reference(&self) -> Option<String> {
        let values = self.values();
        REFERENCE_PATHS
            .iter()
            .filter(|p| self.form.field(p).is_some())
            .find_map(|p| values.get(*p))
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
    }

    /// The JSON body that will be sent.
    pub fn body(&self) -> serde_json::Value {
        self.form.body(&self.values())
    }

    /// The body as the read-back shows it.
    pub fn pretty_body(&self) -> String {
        serde_json::to_string_pretty(&self.body()).unwrap_or_default()
    }

    /// What is sent: a new case, or an entity added to `case` (when given).
    pub fn submission(&self, case: Option<&str>) -> Submission {
        match case {
            Some(case) => Submission::AddEntity {
                case: case.to_string(),
                body: self.body(),
            },
            None => Submission::CreateCase {
                body: self.body(),
                reference: self.reference(),
            },
        }
    }
}
