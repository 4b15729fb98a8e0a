//! Each [`Kind`]: how its text is checked, what it is sent as, and how a sent value reads back.

use jiff::civil::Date;
use serde_json::{Map, Value};

use super::{Choice, Kind};

/// Longest user id a [`Kind::User`] field takes.
const USER_MAX: usize = 255;

/// Longest email address (RFC 5321 path limit less the brackets).
const EMAIL_MAX: usize = 254;

/// The typed body value for non-blank `raw`, or what was expected. `today` bounds dates; `None`
/// skips that bound (building a body after validation).
pub(super) fn parse(kind: &Kind, raw: &str, today: Option<Date>) -> Result<Value, String> {
    let raw = raw.trim();
    match kind {
        Kind::Text { max } => text(raw, *max).map(Value::from),
        Kind::User => text(raw, USER_MAX)
            .map(Value::from)
            .map_err(|_| format!("expected a user id of at most {USER_MAX} characters")),
        Kind::Date => date(raw)
            .filter(|d| today.is_none_or(|t| *d <= t))
            .map(|d| Value::from(d.to_string()))
            .ok_or_else(|| "expected a date as YYYY-MM-DD, not in the future".to_string()),
        Kind::Country => country(raw).map(Value::from).ok_or_else(|| {
            "expected an ISO 3166-1 alpha-2 country code, such as GB or US".to_string()
        }),
        Kind::Choice(choices) => pick(choices, raw)
            .map(|c| Value::from(c.value.as_str()))
            .ok_or_else(|| format!("expected one of {}", listed(choices))),
        Kind::MultiChoice(choices) => several(choices, raw),
        Kind::Email => email(raw)
            .then(|| Value::from(raw))
            .ok_or_else(|| "expected an email address, such as name@example.com".to_string()),
        Kind::Integer { min, max } => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (*min..=*max).contains(n))
            .map(Value::from)
            .ok_or_else(|| format!("expected a whole number from {min} to {max}")),
        Kind::Number { min, max } => raw
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= *min && *n <= *max)
            .map(number)
            .ok_or_else(|| format!("expected a number from {min} to {max}")),
        Kind::Bool => boolean(raw)
            .map(Value::Bool)
            .ok_or_else(|| "expected yes or no (true/false, 1/0)".to_string()),
        Kind::KeyValues => key_value_lines(raw).map(Value::Object),
        Kind::List => ids(raw).map(Value::from),
    }
}

/// `raw` as a condition compares it: a choice's value, a country in upper case, a boolean as
/// `true`/`false`, anything else trimmed.
pub(super) fn normalised(kind: &Kind, raw: &str) -> String {
    let raw = raw.trim();
    match kind {
        Kind::Choice(choices) => pick(choices, raw).map_or(raw, |c| &c.value).to_string(),
        Kind::Bool => boolean(raw).map_or_else(|| raw.to_string(), |b| b.to_string()),
        Kind::Country => raw.to_ascii_uppercase(),
        _ => raw.to_string(),
    }
}

/// How a value sent for `kind` is shown: a choice's label, anything else as is.
pub(super) fn label_of(kind: &Kind, value: &str) -> String {
    match kind {
        Kind::Choice(choices) | Kind::MultiChoice(choices) => choices
            .iter()
            .find(|c| c.value == value)
            .map_or(value, |c| &c.label)
            .to_string(),
        _ => value.to_string(),
    }
}

/// The text a body value reads back as; `None` for null or empty.
pub(super) fn to_text(kind: &Kind, value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(map) if *kind == Kind::KeyValues => map
            .iter()
            .map(|(k, v)| format!("{k} = {}", scalar(v)))
            .collect::<Vec<_>>()
            .join("\n"),
        other => scalar(other),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// `key = value` lines (blank lines skipped) as an object of strings.
pub(super) fn key_value_lines(raw: &str) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for (n, line) in raw.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!(
                "expected \"key = value\" lines; line {n} has no \"=\""
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!(
                "expected \"key = value\" lines; line {n} has no key"
            ));
        }
        if map
            .insert(key.to_string(), Value::from(value.trim()))
            .is_some()
        {
            return Err(format!("expected each key once; \"{key}\" is given twice"));
        }
    }
    Ok(map)
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn text(raw: &str, max: usize) -> Result<&str, String> {
    let n = raw.chars().count();
    if n > max {
        return Err(format!("expected at most {max} characters, not {n}"));
    }
    Ok(raw)
}

/// Exactly `YYYY-MM-DD` and a real date (jiff alone would also take other ISO 8601 forms).
fn date(raw: &str) -> Option<Date> {
    let b = raw.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    shaped.then(|| raw.parse().ok()).flatten()
}

fn country(raw: &str) -> Option<String> {
    crate::domain::country::alpha2(raw)
}

fn pick<'a>(choices: &'a [Choice], raw: &str) -> Option<&'a Choice> {
    choices.iter().find(|c| c.value == raw).or_else(|| {
        choices.iter().find(|c| {
            c.value.eq_ignore_ascii_case(raw) || c.label.to_lowercase() == raw.to_lowercase()
        })
    })
}

fn several(choices: &[Choice], raw: &str) -> Result<Value, String> {
    let mut out: Vec<String> = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some(c) = pick(choices, item) else {
            return Err(format!(
                "expected a comma-separated list of {}; \"{item}\" is not one",
                listed(choices)
            ));
        };
        if !out.contains(&c.value) {
            out.push(c.value.clone());
        }
    }
    if out.is_empty() {
        return Err(format!(
            "expected a comma-separated list of {}",
            listed(choices)
        ));
    }
    Ok(Value::from(out))
}

/// The choices for a message: all of them up to eight, else a count and the first three.
fn listed(choices: &[Choice]) -> String {
    let shown = |c: &Choice| {
        if c.label == c.value {
            c.value.clone()
        } else {
            format!("{} ({})", c.label, c.value)
        }
    };
    if choices.len() <= 8 {
        let all: Vec<String> = choices.iter().map(shown).collect();
        return format!("these: {}", all.join(", "));
    }
    let some: Vec<String> = choices.iter().take(3).map(shown).collect();
    format!("the {} choices, such as {}", choices.len(), some.join(", "))
}

/// One `@`, something before it, a dotted domain after it, no spaces.
fn email(raw: &str) -> bool {
    if raw.chars().count() > EMAIL_MAX || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = raw.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// A whole number goes out without a fraction (`30`, not `30.0`).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

fn boolean(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

fn ids(raw: &str) -> Result<Vec<String>, String> {
    let ids: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Err("expected at least one id, separated by commas".to_string());
    }
    if ids.iter().any(|id| id.chars().any(char::is_whitespace)) {
        return Err("expected ids separated by commas, with no spaces inside an id".to_string());
    }
    Ok(ids)
}
