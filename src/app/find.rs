//! Finding cases: the orders the queue can be sorted in, the filters a view or `docket cases
//! list` can set beyond the quick ones, how they are spelt (config, CLI, palette), and what
//! counts as a case reference typed in full. One place for the console and the CLI.

use std::cmp::Ordering;

use jiff::Timestamp;

use crate::domain::row::CaseRow;
use crate::domain::{CaseStatus, CaseType, Priority, RiskTier, SlaStatus, WireEnum};

/// What the queue can be sorted by: everything a row shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// SLA window: open cases by effective deadline (breached first), closed ones last.
    #[default]
    Sla,
    Priority,
    Risk,
    Updated,
    Alerts,
    Status,
    Type,
    Assignee,
    Name,
}

impl SortKey {
    pub const ALL: [SortKey; 9] = [
        SortKey::Sla,
        SortKey::Priority,
        SortKey::Risk,
        SortKey::Updated,
        SortKey::Alerts,
        SortKey::Status,
        SortKey::Type,
        SortKey::Assignee,
        SortKey::Name,
    ];

    /// The name in the config, the CLI and the sort picker.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Sla => "sla",
            SortKey::Priority => "priority",
            SortKey::Risk => "risk",
            SortKey::Updated => "updated",
            SortKey::Alerts => "alerts",
            SortKey::Status => "status",
            SortKey::Type => "type",
            SortKey::Assignee => "assignee",
            SortKey::Name => "name",
        }
    }

    /// What it orders by, in words (the picker).
    pub fn words(self) -> &'static str {
        match self {
            SortKey::Sla => "SLA: nearest deadline first, closed last",
            SortKey::Priority => "priority: Critical first",
            SortKey::Risk => "risk score: highest first",
            SortKey::Updated => "updated: most recent first",
            SortKey::Alerts => "open alerts: most first",
            SortKey::Status => "status: in lifecycle order",
            SortKey::Type => "case type: A to Z",
            SortKey::Assignee => "assignee: A to Z, unassigned last",
            SortKey::Name => "case reference: A to Z",
        }
    }

    /// The direction the words above describe: most urgent, highest or newest first where
    /// there is one, else A to Z (and lifecycle order).
    pub fn natural_descending(self) -> bool {
        matches!(
            self,
            SortKey::Priority | SortKey::Risk | SortKey::Updated | SortKey::Alerts
        )
    }
}

/// A sort: what by, and which way. Cases without the value go last either way; equal values
/// keep SLA order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort::by(SortKey::Sla)
    }
}

impl Sort {
    /// By `key`, in its natural direction.
    pub fn by(key: SortKey) -> Sort {
        Sort {
            key,
            descending: key.natural_descending(),
        }
    }

    /// The other direction.
    pub fn reversed(self) -> Sort {
        Sort {
            descending: !self.descending,
            ..self
        }
    }

    /// `risk`, `risk:asc`, `risk:desc`, `-risk` (descending) or `+risk` (ascending).
    pub fn parse(s: &str) -> Result<Sort, String> {
        let s = s.trim();
        let (name, dir) = if let Some(n) = s.strip_prefix('-') {
            (n, Some(true))
        } else if let Some(n) = s.strip_prefix('+') {
            (n, Some(false))
        } else if let Some((n, d)) = s.split_once(':') {
            match d.trim().to_ascii_lowercase().as_str() {
                "asc" => (n, Some(false)),
                "desc" => (n, Some(true)),
                _ => {
                    return Err(format!(
                        "unknown direction {d:?}; expected \"asc\" or \"desc\""
                    ));
                }
            }
        } else {
            (s, None)
        };
        let key = SortKey::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown sort {name:?}; expected one of: {} (optionally :asc or :desc)",
                    sort_names()
                )
            })?;
        Ok(Sort {
            key,
            descending: dir.unwrap_or(key.natural_descending()),
        })
    }

    /// How it is written back (`risk`, `risk:asc`): the shortest spelling that parses to it.
    pub fn spelling(self) -> String {
        if self.descending == self.key.natural_descending() {
            self.key.name().to_string()
        } else if self.descending {
            format!("{}:desc", self.key.name())
        } else {
            format!("{}:asc", self.key.name())
        }
    }

    /// As shown over the queue: `risk ↓` (↓: high to low, newest first; ↑: low to high).
    pub fn label(self) -> String {
        format!(
            "{} {}",
            self.key.name(),
            if self.descending { "↓" } else { "↑" }
        )
    }

    /// Compares two cases: by the key in the direction asked, a missing value last; then SLA.
    pub fn compare(self, a: &CaseRow, b: &CaseRow) -> Ordering {
        let by = match self.key {
            SortKey::Sla => None,
            SortKey::Priority => Some(opt(
                prio(a).map(|r| -r),
                prio(b).map(|r| -r),
                self.descending,
            )),
            SortKey::Risk => Some(opt(
                a.risk_score.map(Score),
                b.risk_score.map(Score),
                self.descending,
            )),
            SortKey::Updated => Some(opt(a.updated_at, b.updated_at, self.descending)),
            SortKey::Alerts => Some(opt(a.open_alerts, b.open_alerts, self.descending)),
            SortKey::Status => Some(opt(status_rank(a), status_rank(b), self.descending)),
            SortKey::Type => Some(opt(
                a.case_type.map(|t| t.as_str().to_lowercase()),
                b.case_type.map(|t| t.as_str().to_lowercase()),
                self.descending,
            )),
            SortKey::Assignee => Some(opt(assignee(a), assignee(b), self.descending)),
            SortKey::Name => Some(opt(Some(a.name), Some(b.name), self.descending)),
        };
        let sla = urgency(a).cmp(&urgency(b));
        match by {
            Some(o) => o.then(sla),
            None if self.descending => sla.reverse(),
            None => sla,
        }
    }
}

/// Every sort name, for messages.
pub fn sort_names() -> String {
    SortKey::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A risk score, totally ordered (`f64::total_cmp`).
struct Score(f64);
impl PartialEq for Score {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Score {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}

fn opt<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) if descending => b.cmp(&a),
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn prio(c: &CaseRow) -> Option<i64> {
    c.priority.and_then(|p| p.known()).map(Priority::rank)
}

fn status_rank(c: &CaseRow) -> Option<usize> {
    c.status
        .known()
        .and_then(|s| CaseStatus::ALL.iter().position(|x| *x == s))
}

fn assignee(c: &CaseRow) -> Option<String> {
    c.assigned_to
        .map(|u| u.name.as_deref().unwrap_or(&u.id).to_lowercase())
}

/// Urgency key: open cases by effective deadline (breached first), closed ones last.
pub fn urgency<'a>(c: &CaseRow<'a>) -> (u8, i64, &'a str) {
    let closed = c.status.known() == Some(CaseStatus::Closed);
    let deadline = c.sla_deadline.map_or(i64::MAX, Timestamp::as_second);
    (u8::from(closed), deadline, c.name)
}

/// A wire value typed loosely: any case, `-` or `_` for spaces (`in-progress`, `high`).
pub fn loose<T: WireEnum>(s: &str) -> Option<T> {
    T::parse_loose(&s.trim().replace(['-', '_'], " "))
}

/// Parses a value of a closed vocabulary for a filter, naming the values on a mistake.
pub fn parse_value<T: WireEnum + Copy>(what: &str, s: &str, all: &[T]) -> Result<T, String> {
    loose::<T>(s).ok_or_else(|| {
        format!(
            "unknown {what} {s:?}; expected one of: {}",
            all.iter()
                .map(|v| format!("\"{}\"", v.wire()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// The filters a view (or `docket cases list`) can set besides the quick ones, parsed from
/// their spellings. Each is checked against its vocabulary; a mistake names the values.
pub fn parse_status(s: &str) -> Result<CaseStatus, String> {
    parse_value("status", s, CaseStatus::ALL)
}
pub fn parse_risk(s: &str) -> Result<RiskTier, String> {
    parse_value("risk tier", s, RiskTier::ALL)
}
pub fn parse_type(s: &str) -> Result<CaseType, String> {
    parse_value("case type", s, CaseType::ALL)
}
pub fn parse_priority(s: &str) -> Result<Priority, String> {
    parse_value("priority", s, Priority::ALL)
}
pub fn parse_sla(s: &str) -> Result<SlaStatus, String> {
    parse_value("SLA status", s, SlaStatus::ALL)
}

/// Whether text typed in the filter or the palette reads as a case reference rather than a
/// name: one word with a digit in it (`CAS-000252`, `cas_8f2k…`, `EXT-2024-0113`). Only then
/// does Enter go looking for the case when nothing loaded has it.
pub fn looks_like_reference(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() >= 3
        && !t.chars().any(char::is_whitespace)
        && t.chars().any(|c| c.is_ascii_digit())
}

pub use crate::domain::model::names_exactly as is_exactly;
