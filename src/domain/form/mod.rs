//! A form described as data: the fields of one vendor's "create a case" body, how each is
//! typed, when it is shown and required, and the rules across fields.
//!
//! The console, `docket cases create` and `docket cases import` all draw the same [`Form`]: the
//! console lays out [`Form::visible`] fields, the CLI and the CSV/JSON Lines import map columns
//! with [`Form::column`], and all three check with [`Form::validate`] before building the body
//! with [`Form::body`]. Values are raw text per dotted body path ([`Values`]), exactly as typed or
//! read from a CSV cell; [`Form::values_of`] turns a body back into them (JSON Lines rows,
//! drafts).
//!
//! Two things decide whether a field counts:
//! - [`Field::show`]: a field whose condition does not hold is hidden; a hidden field is neither
//!   validated nor sent, whatever value it has (person fields for a Company).
//! - [`Field::need`]: whether a shown field must have a value ([`Need::When`] requires it only
//!   while its condition holds, e.g. ownership for a UBO).
//!
//! Blank text (only whitespace) is the same as no value. The forms themselves are
//! [`zenoo_case`], [`zenoo_entity`], [`persona_case`], [`karmacheck_case`] and [`amiqus_case`].

mod forms;
mod kind;
mod lint;
mod paths;
#[cfg(test)]
mod tests;
mod types;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::{Map, Value};

use paths::{distance, insert, lookup};

pub use forms::{amiqus_case, karmacheck_case, persona_case, zenoo_case, zenoo_entity};
pub use types::{Choice, Cond, Derived, Field, Form, Kind, Need, Problem, Rule};

/// Raw text per dotted body path, as typed or read from a CSV cell. A [`Kind::KeyValues`] field
/// at `metadata` also takes one entry per key as `metadata.<key>`.
pub type Values = BTreeMap<String, String>;

/// The trimmed text at `path`, if it is not blank.
fn present<'a>(values: &'a Values, path: &str) -> Option<&'a str> {
    values.get(path).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Where each vendor's body carries the caller's own reference for a case (Zenoo's
/// `external_reference`, KarmaCheck's `apiTrackingCode`, the Amiqus case's `reference`): what
/// the vendors match duplicates on, and what an import derives each row's key from.
const REFERENCE_PATHS: [&str; 3] = ["external_reference", "apiTrackingCode", "case.reference"];

impl Form {
    /// The caller's own reference for the case in `values`, where the form has one and it is
    /// filled in.
    pub fn reference(&self, values: &Values) -> Option<String> {
        values
            .get(self.reference_path()?)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The path of the field that holds the caller's own reference, if the form has one.
    pub fn reference_path(&self) -> Option<&'static str> {
        REFERENCE_PATHS
            .iter()
            .copied()
            .find(|p| self.field(p).is_some())
    }

    pub fn field(&self, path: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.path == path)
    }

    /// Which field a CSV column or JSON path names: an exact path, or `<path>.<key>` for a
    /// [`Kind::KeyValues`] field. An unknown column's error names the nearest known one.
    pub fn column(&self, name: &str) -> Result<&Field, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("a column has no name".to_string());
        }
        if let Some(f) = self.field(name) {
            return Ok(f);
        }
        if let Some(f) = self.fields.iter().find(|f| key_of(f, name).is_some()) {
            return Ok(f);
        }
        if let Some(d) = self.derived.iter().find(|d| d.path == name) {
            return Err(format!(
                "column \"{name}\" is not read: it is set from {}",
                d.from
            ));
        }
        // Near the whole path, or near its last part (`first_name` for `entity.first_name`).
        let wanted = name.to_lowercase();
        let nearest = self.fields.iter().min_by_key(|f| {
            let path = f.path.to_lowercase();
            let last = path.rsplit('.').next().unwrap_or_default();
            distance(&wanted, &path).min(distance(&wanted, last))
        });
        Err(match nearest {
            None => format!("unknown column \"{name}\": this form has no fields"),
            Some(f) if f.kind == Kind::KeyValues => format!(
                "unknown column \"{name}\"; the nearest known column is \"{0}\" (or \"{0}.<key>\" for one key)",
                f.path
            ),
            Some(f) => format!(
                "unknown column \"{name}\"; the nearest known column is \"{}\"",
                f.path
            ),
        })
    }

    /// The fields shown for these values, in form order.
    pub fn visible(&self, values: &Values) -> Vec<&Field> {
        self.fields
            .iter()
            .filter(|f| self.shown(f, values, 0))
            .collect()
    }

    /// Whether a shown field must have a value, for these values.
    pub fn is_required(&self, field: &Field, values: &Values) -> bool {
        match &field.need {
            Need::Optional => false,
            Need::Always => true,
            Need::When(c) => self.holds(c, values, 0),
        }
    }

    /// Every problem with the values, in field order (a rule's at its first path; values under
    /// no known column last). Hidden fields are skipped.
    pub fn validate(&self, values: &Values, today: Date) -> Vec<Problem> {
        let mut found: Vec<(usize, Problem)> = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            if !self.shown(f, values, 0) {
                continue;
            }
            let message = match self.typed(f, values, Some(today)) {
                Ok(Some(_)) => continue,
                Ok(None) if !self.is_required(f, values) => continue,
                Ok(None) => self.missing(f),
                Err(m) => m,
            };
            found.push((i, problem(&f.path, message)));
        }
        for rule in &self.rules {
            if let Some(message) = self.broken(rule, values) {
                let at = self.fields.iter().position(|f| f.path == rule.path());
                found.push((at.unwrap_or(usize::MAX), problem(rule.path(), message)));
            }
        }
        for (key, raw) in values {
            if raw.trim().is_empty() {
                continue;
            }
            if let Err(message) = self.column(key) {
                found.push((usize::MAX, problem(key, message)));
            }
        }
        found.sort_by_key(|(i, _)| *i);
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// The JSON body: a nested object from the dotted paths of the shown, non-blank fields,
    /// typed by kind, plus the derived paths. Call it once [`Form::validate`] has nothing to
    /// say; a value that does not parse is left out rather than sent wrong.
    pub fn body(&self, values: &Values) -> Value {
        let mut body = Map::new();
        for f in self.visible(values) {
            if let Ok(Some(v)) = self.typed(f, values, None) {
                insert(&mut body, &f.path, v);
            }
        }
        for d in &self.derived {
            if let Some(v) = lookup(&body, &d.from).cloned() {
                insert(&mut body, &d.path, v);
            }
        }
        Value::Object(body)
    }

    /// The inverse of [`Form::body`]: the text of each field found in `body` (JSON Lines rows,
    /// drafts). Keys the form does not know are left out.
    pub fn values_of(&self, body: &Value) -> Values {
        let mut values = Values::new();
        let Some(body) = body.as_object() else {
            return values;
        };
        for f in &self.fields {
            if let Some(text) = lookup(body, &f.path).and_then(|v| kind::to_text(&f.kind, v)) {
                values.insert(f.path.clone(), text);
            }
        }
        for d in &self.derived {
            let Some(f) = self.field(&d.from) else {
                continue;
            };
            if !values.contains_key(&d.from)
                && let Some(text) = lookup(body, &d.path).and_then(|v| kind::to_text(&f.kind, v))
            {
                values.insert(d.from.clone(), text);
            }
        }
        values
    }

    /// Lists what is wrong with the form itself (duplicate or clashing paths, conditions and
    /// rules naming no field, empty choice lists, ...). Empty for a sound form.
    pub fn defects(&self) -> Vec<String> {
        lint::defects(self)
    }

    fn shown(&self, field: &Field, values: &Values, depth: usize) -> bool {
        field
            .show
            .as_ref()
            .is_none_or(|c| self.holds(c, values, depth + 1))
    }

    fn holds(&self, cond: &Cond, values: &Values, depth: usize) -> bool {
        // A condition chain longer than the form is a cycle: treat it as not holding.
        if depth > self.fields.len() {
            return false;
        }
        let Some(f) = self.field(&cond.path) else {
            return false;
        };
        if !self.shown(f, values, depth) {
            return false;
        }
        present(values, &f.path)
            .is_some_and(|raw| cond.any_of.contains(&kind::normalised(&f.kind, raw)))
    }

    fn when(&self, when: &Option<Cond>, values: &Values) -> bool {
        when.as_ref().is_none_or(|c| self.holds(c, values, 0))
    }

    /// The field's typed value, `None` if blank.
    fn typed(
        &self,
        f: &Field,
        values: &Values,
        today: Option<Date>,
    ) -> Result<Option<Value>, String> {
        if f.kind == Kind::KeyValues {
            return key_values(f, values).map(|m| m.map(Value::Object));
        }
        present(values, &f.path)
            .map(|raw| kind::parse(&f.kind, raw, today))
            .transpose()
    }

    fn missing(&self, f: &Field) -> String {
        let Need::When(c) = &f.need else {
            return "expected a value; this field is required".to_string();
        };
        let Some(on) = self.field(&c.path) else {
            return "expected a value".to_string();
        };
        let shown: Vec<String> = c
            .any_of
            .iter()
            .map(|v| kind::label_of(&on.kind, v))
            .collect();
        format!(
            "expected a value when {} is {}",
            on.label,
            shown.join(" or ")
        )
    }

    fn broken(&self, rule: &Rule, values: &Values) -> Option<String> {
        match rule {
            Rule::AtLeastOne {
                when,
                paths,
                message,
            } => {
                let any = paths.iter().any(|p| {
                    self.field(p).is_some_and(|f| {
                        self.shown(f, values, 0)
                            && matches!(self.typed(f, values, None), Ok(Some(_)) | Err(_))
                    })
                });
                (self.when(when, values) && !any).then(|| message.clone())
            }
            Rule::AtLeast {
                when,
                path,
                min,
                message,
            } => {
                let f = self.field(path)?;
                if !self.when(when, values) || !self.shown(f, values, 0) {
                    return None;
                }
                // Only a number the field itself accepts: a bad one is already reported once.
                let n = self.typed(f, values, None).ok()??.as_f64()?;
                (n < *min).then(|| message.clone())
            }
        }
    }
}

fn problem(path: &str, message: String) -> Problem {
    Problem {
        path: path.to_string(),
        message,
    }
}

/// The key a column `<path>.<key>` names in a [`Kind::KeyValues`] field.
fn key_of<'a>(f: &Field, column: &'a str) -> Option<&'a str> {
    if f.kind != Kind::KeyValues {
        return None;
    }
    let key = column.strip_prefix(f.path.as_str())?.strip_prefix('.')?;
    (!key.trim().is_empty()).then_some(key.trim())
}

/// A KeyValues field's entries: its own `key = value` lines, then one `<path>.<key>` column per
/// key. `None` if neither gives anything.
fn key_values(f: &Field, values: &Values) -> Result<Option<Map<String, Value>>, String> {
    let mut map = match present(values, &f.path) {
        Some(raw) => kind::key_value_lines(raw)?,
        None => Map::new(),
    };
    let prefix = format!("{}.", f.path);
    for (column, raw) in values.range(prefix.clone()..) {
        if !column.starts_with(&prefix) {
            break;
        }
        let (Some(key), raw) = (key_of(f, column), raw.trim()) else {
            continue;
        };
        if raw.is_empty() {
            continue;
        }
        if map
            .insert(key.to_string(), Value::String(raw.to_string()))
            .is_some()
        {
            return Err(format!("expected each key once; \"{key}\" is given twice"));
        }
    }
    Ok((!map.is_empty()).then_some(map))
}
