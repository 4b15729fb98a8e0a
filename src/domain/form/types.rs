//! The parts of a form, as data.

use std::fmt;

/// One vendor's create body, described as data.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub title: String,
    /// In the order they are shown and problems are reported.
    pub fields: Vec<Field>,
    /// Checks across fields, reported at their first path.
    pub rules: Vec<Rule>,
    /// Body paths filled from another field rather than typed (Zenoo's `entity.type` is the
    /// case's `entity_category`).
    pub derived: Vec<Derived>,
    /// What the vendor cannot do, said before anything is sent.
    pub notes: Vec<String>,
}

/// One input: where its value goes in the body and what it may hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Dotted body path, e.g. `entity.first_name`, `entity.address.line1`.
    pub path: String,
    pub label: String,
    pub kind: Kind,
    pub need: Need,
    /// Shown (and so validated and sent) only while this holds; `None` = always shown.
    pub show: Option<Cond>,
    pub help: Option<String>,
}

impl Field {
    /// An optional field, always shown, without help.
    pub fn new(path: &str, label: &str, kind: Kind) -> Self {
        Self {
            path: path.to_string(),
            label: label.to_string(),
            kind,
            need: Need::Optional,
            show: None,
            help: None,
        }
    }

    pub fn required(self) -> Self {
        Self {
            need: Need::Always,
            ..self
        }
    }

    pub fn required_when(self, cond: Cond) -> Self {
        Self {
            need: Need::When(cond),
            ..self
        }
    }

    pub fn shown_when(self, cond: Cond) -> Self {
        Self {
            show: Some(cond),
            ..self
        }
    }

    pub fn help(self, help: &str) -> Self {
        Self {
            help: Some(help.to_string()),
            ..self
        }
    }
}

/// What a field holds, how its text is checked and how it is typed in the body.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// One line of text, at most `max` characters (not bytes).
    Text {
        max: usize,
    },
    /// `YYYY-MM-DD`, a real calendar date, not in the future.
    Date,
    /// ISO 3166-1 alpha-2, any case in, upper case out.
    Country,
    /// One of these; the value or its label (any case) in, the value out.
    Choice(Vec<Choice>),
    /// Several of these, comma-separated; sent as a JSON array of values.
    MultiChoice(Vec<Choice>),
    Email,
    /// A whole number in `min..=max`, sent as a JSON number.
    Integer {
        min: i64,
        max: i64,
    },
    /// A number in `min..=max`, sent as a JSON number.
    Number {
        min: f64,
        max: f64,
    },
    /// `true`/`false`, `yes`/`no`, `1`/`0` (any case), sent as a JSON boolean.
    Bool,
    /// `key = value` lines, sent as a JSON object of strings; CSV columns `<path>.<key>`.
    KeyValues,
    /// Comma-separated ids, sent as a JSON array of strings.
    List,
    /// An assignee's user id; the caller offers the choices (it knows the users).
    User,
}

/// A value as sent, and how it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }

    /// A choice shown as it is sent.
    pub fn plain(value: impl Into<String>) -> Self {
        let value = value.into();
        Self {
            label: value.clone(),
            value,
        }
    }
}

/// Whether a shown field must have a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Need {
    Optional,
    Always,
    /// Required while the condition holds, optional otherwise.
    When(Cond),
}

/// The field at `path` is shown and has one of these values (after normalising: a choice's
/// value, a country in upper case, a boolean as `true`/`false`).
#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    pub path: String,
    pub any_of: Vec<String>,
}

impl Cond {
    pub fn new(path: &str, any_of: &[&str]) -> Self {
        Self {
            path: path.to_string(),
            any_of: any_of.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// A check across fields. Each applies only while `when` holds (`None` = always).
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// At least one of these shown fields has a value.
    AtLeastOne {
        when: Option<Cond>,
        paths: Vec<String>,
        message: String,
    },
    /// The number at `path`, if given and valid, is at least `min`.
    AtLeast {
        when: Option<Cond>,
        path: String,
        min: f64,
        message: String,
    },
}

impl Rule {
    /// Where the rule's problem is reported.
    pub fn path(&self) -> &str {
        match self {
            Rule::AtLeastOne { paths, .. } => paths.first().map_or("", String::as_str),
            Rule::AtLeast { path, .. } => path,
        }
    }
}

/// `body()` sets `path` to whatever it sends for the field at `from`; `values_of()` reads it
/// back into `from` when the body has `path` but not `from`. A derived path is not a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derived {
    pub path: String,
    pub from: String,
}

/// One thing wrong with the values: where, and what was expected, as one plain line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
