//! Checks a [`Form`] itself, so a mistake in a form's data (or in choices a caller passed in)
//! shows as a plain list rather than as a body that nests wrong or a condition that never holds.

use std::collections::BTreeSet;

use super::{Cond, Form, Kind, Need, Rule, kind};

pub(super) fn defects(form: &Form) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for f in &form.fields {
        if !seen.insert(f.path.as_str()) {
            out.push(format!("{}: the path is used twice", f.path));
        }
        if f.path.split('.').any(|part| part.trim().is_empty()) {
            out.push(format!("{}: the path has an empty part", f.path));
        }
        kind_defects(&f.path, &f.kind, &mut out);
        if let Some(c) = &f.show {
            cond_defects(form, &f.path, c, &mut out);
        }
        if let Need::When(c) = &f.need {
            cond_defects(form, &f.path, c, &mut out);
        }
        if shows_in_a_cycle(form, &f.path) {
            out.push(format!(
                "{}: its show conditions go round in a cycle",
                f.path
            ));
        }
    }
    // A path under another would make body() overwrite one with the other.
    let paths: Vec<&str> = form
        .fields
        .iter()
        .map(|f| f.path.as_str())
        .chain(form.derived.iter().map(|d| d.path.as_str()))
        .collect();
    for a in &paths {
        for b in &paths {
            if b.len() > a.len() && b.starts_with(a) && b[a.len()..].starts_with('.') {
                out.push(format!("{b}: the path lies under {a}, which is a value"));
            }
        }
    }
    for rule in &form.rules {
        rule_defects(form, rule, &mut out);
    }
    for d in &form.derived {
        if form.field(&d.path).is_some() {
            out.push(format!("{}: derived, yet also a field", d.path));
        }
        if form.field(&d.from).is_none() {
            out.push(format!(
                "{}: derived from {}, which is no field",
                d.path, d.from
            ));
        }
    }
    out
}

fn kind_defects(path: &str, k: &Kind, out: &mut Vec<String>) {
    match k {
        Kind::Choice(choices) | Kind::MultiChoice(choices) => {
            if choices.is_empty() {
                out.push(format!("{path}: no choices"));
            }
            let mut values = BTreeSet::new();
            for c in choices {
                if !values.insert(c.value.as_str()) {
                    out.push(format!("{path}: the choice {} is given twice", c.value));
                }
            }
        }
        Kind::Text { max: 0 } => out.push(format!("{path}: text of at most 0 characters")),
        Kind::Integer { min, max } if min > max => {
            out.push(format!("{path}: the range {min} to {max} is empty"));
        }
        Kind::Number { min, max } if min > max || !min.is_finite() || !max.is_finite() => {
            out.push(format!("{path}: the range {min} to {max} is empty"));
        }
        _ => {}
    }
}

fn cond_defects(form: &Form, at: &str, c: &Cond, out: &mut Vec<String>) {
    let Some(f) = form.field(&c.path) else {
        out.push(format!(
            "{at}: its condition names {}, which is no field",
            c.path
        ));
        return;
    };
    if c.any_of.is_empty() {
        out.push(format!("{at}: its condition on {} lists no values", c.path));
    }
    for v in &c.any_of {
        // A value that does not normalise to itself can never match.
        if kind::normalised(&f.kind, v) != *v
            || matches!(&f.kind, Kind::Choice(cs) if !cs.iter().any(|ch| ch.value == *v))
        {
            out.push(format!(
                "{at}: its condition expects {} to be {v}, which it can never be",
                c.path
            ));
        }
    }
}

fn rule_defects(form: &Form, rule: &Rule, out: &mut Vec<String>) {
    let (when, paths) = match rule {
        Rule::AtLeastOne { when, paths, .. } => {
            if paths.is_empty() {
                out.push("a rule lists no fields".to_string());
            }
            (when, paths.clone())
        }
        Rule::AtLeast { when, path, .. } => {
            if let Some(f) = form.field(path)
                && !matches!(f.kind, Kind::Integer { .. } | Kind::Number { .. })
            {
                out.push(format!("{path}: compared as a number, yet not a number"));
            }
            (when, vec![path.clone()])
        }
    };
    for p in &paths {
        if form.field(p).is_none() {
            out.push(format!("{p}: named by a rule, yet no field"));
        }
    }
    if let Some(c) = when {
        cond_defects(form, rule.path(), c, out);
    }
}

/// Whether following `show` conditions from `path` comes back round.
fn shows_in_a_cycle(form: &Form, path: &str) -> bool {
    let mut at = path;
    for _ in 0..=form.fields.len() {
        let Some(c) = form.field(at).and_then(|f| f.show.as_ref()) else {
            return false;
        };
        if c.path == path {
            return true;
        }
        at = &c.path;
    }
    true
}
