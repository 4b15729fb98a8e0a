//! A form field picked rather than typed: a blank choice first, then the choices; what is
//! typed narrows them to those whose label or value contains it.

use crate::domain::form::Choice;

/// One picker field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    /// The blank choice first (value `""`), then the field's own.
    pub options: Vec<Choice>,
    /// Index into `options`.
    pub picked: usize,
    /// Typed to narrow the choices; cleared when the field loses the keyboard.
    pub query: String,
}

impl Picker {
    /// `blank` is how no value is shown (`—`, `nobody`).
    pub fn new(blank: &str, choices: Vec<Choice>) -> Picker {
        let mut options = vec![Choice::new("", blank)];
        options.extend(choices);
        Picker {
            options,
            picked: 0,
            query: String::new(),
        }
    }

    /// The value picked (`""` for the blank choice).
    pub fn value(&self) -> &str {
        self.options
            .get(self.picked)
            .map_or("", |c| c.value.as_str())
    }

    /// The label picked.
    pub fn label(&self) -> &str {
        self.options
            .get(self.picked)
            .map_or("", |c| c.label.as_str())
    }

    /// The options the query lets through (all of them when it is empty), by index.
    pub fn matches(&self) -> Vec<usize> {
        let q = self.query.to_lowercase();
        (0..self.options.len())
            .filter(|&i| {
                let c = &self.options[i];
                q.is_empty()
                    || (!c.value.is_empty()
                        && (c.label.to_lowercase().contains(&q)
                            || c.value.to_lowercase().contains(&q)))
            })
            .collect()
    }

    /// Moves to the next (`forward`) or previous matching option, stopping at the ends. True if
    /// the value changed.
    pub fn step(&mut self, forward: bool) -> bool {
        let m = self.matches();
        let before = self.picked;
        let at = m.iter().position(|&i| i == self.picked);
        let next = match (at, forward) {
            (Some(a), true) => m.get(a + 1).or(m.last()),
            (Some(a), false) => m.get(a.saturating_sub(1)),
            (None, _) => m.first(),
        };
        if let Some(&i) = next {
            self.picked = i;
        }
        self.picked != before
    }

    /// Adds a character to the query (`Some`) or takes the last one off (`None`), then picks
    /// the first match if the picked one no longer matches. True if the value changed.
    pub fn narrow(&mut self, c: Option<char>) -> bool {
        match c {
            Some(c) if self.query.chars().count() < 40 => self.query.push(c),
            Some(_) => return false,
            None => {
                self.query.pop();
            }
        }
        let m = self.matches();
        let before = self.picked;
        if !m.contains(&self.picked)
            && let Some(&first) = m.first()
        {
            self.picked = first;
        }
        self.picked != before
    }

    /// Picks the option whose value (or label, any case) is `raw`; one not offered (a user no
    /// longer listed) is added as it is, so a restored draft keeps what was typed.
    pub fn set(&mut self, raw: &str) {
        let raw = raw.trim();
        let found = self
            .options
            .iter()
            .position(|c| c.value == raw)
            .or_else(|| {
                self.options.iter().position(|c| {
                    !c.value.is_empty()
                        && (c.value.eq_ignore_ascii_case(raw) || c.label.eq_ignore_ascii_case(raw))
                })
            });
        self.picked = match found {
            Some(i) => i,
            None if raw.is_empty() => 0,
            None => {
                self.options.push(Choice::plain(raw));
                self.options.len() - 1
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Picker {
        Picker::new("—", vec![Choice::plain("Person"), Choice::plain("Company")])
    }

    #[test]
    fn steps_stop_at_the_ends_and_typing_narrows() {
        let mut p = p();
        assert!(!p.step(false));
        assert!(p.step(true));
        assert_eq!(p.value(), "Person");
        assert!(p.step(true));
        assert!(!p.step(true));
        assert_eq!(p.value(), "Company");
        p.picked = 0;
        assert!(p.narrow(Some('c')));
        assert_eq!(p.value(), "Company");
        assert_eq!(p.matches(), vec![2]);
        assert!(!p.narrow(None));
        assert_eq!(p.matches(), vec![0, 1, 2]);
    }

    #[test]
    fn setting_an_unknown_value_keeps_it() {
        let mut p = p();
        p.set("company");
        assert_eq!(p.value(), "Company");
        p.set("usr_gone");
        assert_eq!(p.value(), "usr_gone");
        p.set("");
        assert_eq!(p.value(), "");
    }
}
