//! The queue's cases, kept compactly: at 100,000 cases a [`Case`] each (560 bytes, and eight
//! small strings on the heap) was about 80 MB. Here a case is one fixed-size row; its text sits
//! in one shared buffer, and the values many cases share (statuses, types, tiers, assignees,
//! sources) are kept once, the row holding their number. Nothing is dropped: a row gives back
//! the case exactly ([`CaseRow::to_case`]), so what is shown does not change.
//!
//! Two large allocations instead of a million small ones also leave nothing behind when a
//! queue is replaced: the memory a load used is handed back whole.

use std::collections::HashMap;
use std::hash::Hash;

use jiff::Timestamp;

use crate::domain::Wire;
use crate::domain::model::{Case, UserRef};
use crate::domain::row::CaseRow;
use crate::domain::{CaseStatus, CaseType, Decision, EntityType, Priority, RiskTier, SlaStatus};

/// Values shared by many rows, each kept once; a row holds a value's number, 0 for none.
#[derive(Clone, Debug)]
struct Table<T> {
    values: Vec<T>,
    ids: HashMap<T, u32>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            values: Vec::new(),
            ids: HashMap::new(),
        }
    }
}

impl<T: Clone + Eq + Hash> Table<T> {
    fn id(&mut self, value: Option<&T>) -> u32 {
        let Some(value) = value else { return 0 };
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        self.values.push(value.clone());
        let id = self.values.len() as u32;
        self.ids.insert(value.clone(), id);
        id
    }

    fn get(&self, id: u32) -> Option<&T> {
        self.values.get((id as usize).checked_sub(1)?)
    }
}

/// The text fields, in the order they sit in the buffer.
const TOKEN: usize = 0;
const NAME: usize = 1;
const ENTITY: usize = 2;
const ENTITY_TOKEN: usize = 3;
const SUMMARY: usize = 4;
const EXTERNAL: usize = 5;
const TEXTS: usize = 6;

/// The timestamps, in the order they sit in a row.
const DEADLINE: usize = 0;
const CREATED: usize = 1;
const UPDATED: usize = 2;
const CLOSED: usize = 3;

/// The shared values, in the order a row holds their numbers.
const STATUS: usize = 0;
const TYPE: usize = 1;
const PRIORITY: usize = 2;
const CATEGORY: usize = 3;
const SLA: usize = 4;
const TIER: usize = 5;
const DECISION: usize = 6;
const ASSIGNEE: usize = 7;
const SOURCE: usize = 8;
const AWAITING: usize = 9;

/// A timestamp's nanoseconds when there is no timestamp (never a real value: jiff's are
/// within ±999,999,999).
const NO_TIME: i32 = i32::MIN;

/// One case, fixed size.
#[derive(Clone, Copy, Debug)]
struct Row {
    /// Where its text starts in the buffer; the fields follow one another.
    at: usize,
    lens: [u32; TEXTS],
    /// Which optional text fields are there (bit per field).
    present: u8,
    ids: [u32; 10],
    secs: [i64; 4],
    nanos: [i32; 4],
    risk_score: Option<f64>,
    version: Option<i64>,
    open_alerts: Option<u32>,
    total_entities: Option<u32>,
    sla_paused: bool,
}

/// The queue's cases, in the order given. Built where the cases arrive (page by page, off the
/// console's thread) and handed to the queue whole.
#[derive(Clone, Default)]
pub struct Rows {
    rows: Vec<Row>,
    text: String,
    /// Bytes of `text` no row points at any more (left by replaced rows).
    garbage: usize,
    statuses: Table<Wire<CaseStatus>>,
    types: Table<Wire<CaseType>>,
    priorities: Table<Wire<Priority>>,
    categories: Table<Wire<EntityType>>,
    slas: Table<Wire<SlaStatus>>,
    tiers: Table<Wire<RiskTier>>,
    decisions: Table<Wire<Decision>>,
    users: Table<UserRef>,
    sources: Table<String>,
    awaiting: Table<Vec<String>>,
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rows({} cases)", self.rows.len())
    }
}

/// Equal when they hold the same cases in the same order (however they are laid out).
impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl FromIterator<Case> for Rows {
    fn from_iter<I: IntoIterator<Item = Case>>(iter: I) -> Rows {
        let mut rows = Rows::default();
        for case in iter {
            rows.push(&case);
        }
        rows.shrink_to_fit();
        rows
    }
}

impl From<Vec<Case>> for Rows {
    fn from(cases: Vec<Case>) -> Rows {
        cases.into_iter().collect()
    }
}

impl Rows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The case at `i`. Panics past the end, as a slice does.
    pub fn get(&self, i: usize) -> CaseRow<'_> {
        let r = &self.rows[i];
        let mut at = r.at;
        let mut texts = [""; TEXTS];
        for (n, len) in r.lens.iter().enumerate() {
            let end = at + *len as usize;
            texts[n] = &self.text[at..end];
            at = end;
        }
        let opt = |n: usize| (r.present & (1 << n) != 0).then_some(texts[n]);
        let time = |n: usize| {
            (r.nanos[n] != NO_TIME)
                .then(|| Timestamp::new(r.secs[n], r.nanos[n]).ok())
                .flatten()
        };
        CaseRow {
            token: texts[TOKEN],
            name: texts[NAME],
            case_type: self.types.get(r.ids[TYPE]),
            status: self
                .statuses
                .get(r.ids[STATUS])
                .unwrap_or(&Wire::Known(CaseStatus::New)),
            priority: self.priorities.get(r.ids[PRIORITY]),
            entity_category: self.categories.get(r.ids[CATEGORY]),
            primary_entity: opt(ENTITY),
            primary_entity_token: opt(ENTITY_TOKEN),
            assigned_to: self.users.get(r.ids[ASSIGNEE]),
            sla_deadline: time(DEADLINE),
            sla_status: self.slas.get(r.ids[SLA]),
            sla_paused: r.sla_paused,
            open_alerts: r.open_alerts,
            total_entities: r.total_entities,
            risk_tier: self.tiers.get(r.ids[TIER]),
            risk_score: r.risk_score,
            decision: self.decisions.get(r.ids[DECISION]),
            summary: opt(SUMMARY),
            external_reference: opt(EXTERNAL),
            created_at: time(CREATED),
            updated_at: time(UPDATED),
            closed_at: time(CLOSED),
            version: r.version,
            source: self.sources.get(r.ids[SOURCE]).map(String::as_str),
            awaiting_approval: self
                .awaiting
                .get(r.ids[AWAITING])
                .map_or(&[], Vec::as_slice),
        }
    }

    /// Gives back what growing left spare: built page by page, the buffers are up to twice
    /// what they hold.
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// Every case, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CaseRow<'_>> + '_ {
        (0..self.rows.len()).map(|i| self.get(i))
    }

    /// Adds a case at the end.
    pub fn push(&mut self, case: &Case) {
        let row = self.row_of(case);
        self.rows.push(row);
    }

    /// Replaces the case at `i`. Panics past the end.
    pub fn set(&mut self, i: usize, case: &Case) {
        let old = self.rows[i].lens.iter().map(|&l| l as usize).sum::<usize>();
        self.rows[i] = self.row_of(case);
        self.garbage += old;
        // Replaced rows leave their text behind: once that is most of the buffer, it is
        // written again with only what rows point at.
        if self.garbage > 1 << 16 && self.garbage * 2 > self.text.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        for r in &mut self.rows {
            let len = r.lens.iter().map(|&l| l as usize).sum::<usize>();
            let at = text.len();
            text.push_str(&self.text[r.at..r.at + len]);
            r.at = at;
        }
        self.text = text;
        self.garbage = 0;
    }

    fn row_of(&mut self, c: &Case) -> Row {
        let at = self.text.len();
        let texts = [
            Some(c.token.as_str()),
            Some(c.name.as_str()),
            c.primary_entity.as_deref(),
            c.primary_entity_token.as_deref(),
            c.summary.as_deref(),
            c.external_reference.as_deref(),
        ];
        let mut lens = [0; TEXTS];
        let mut present = 0u8;
        for (n, t) in texts.iter().enumerate() {
            if let Some(t) = t {
                present |= 1 << n;
                self.text.push_str(t);
                lens[n] = t.len() as u32;
            }
        }
        let mut secs = [0; 4];
        let mut nanos = [NO_TIME; 4];
        for (n, t) in [c.sla_deadline, c.created_at, c.updated_at, c.closed_at]
            .into_iter()
            .enumerate()
        {
            if let Some(t) = t {
                secs[n] = t.as_second();
                nanos[n] = t.subsec_nanosecond();
            }
        }
        let mut ids = [0; 10];
        ids[STATUS] = self.statuses.id(Some(&c.status));
        ids[TYPE] = self.types.id(c.case_type.as_ref());
        ids[PRIORITY] = self.priorities.id(c.priority.as_ref());
        ids[CATEGORY] = self.categories.id(c.entity_category.as_ref());
        ids[SLA] = self.slas.id(c.sla_status.as_ref());
        ids[TIER] = self.tiers.id(c.risk_tier.as_ref());
        ids[DECISION] = self.decisions.id(c.decision.as_ref());
        ids[ASSIGNEE] = self.users.id(c.assigned_to.as_ref());
        ids[SOURCE] = self.sources.id(c.source.as_ref());
        ids[AWAITING] = self
            .awaiting
            .id((!c.awaiting_approval.is_empty()).then_some(&c.awaiting_approval));
        Row {
            at,
            lens,
            present,
            ids,
            secs,
            nanos,
            risk_score: c.risk_score,
            version: c.version,
            open_alerts: c.open_alerts,
            total_entities: c.total_entities,
            sla_paused: c.sla_paused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn wire<T: crate::domain::WireEnum>(s: &str) -> Wire<T> {
        Wire::parse(s)
    }

    prop_compose! {
        fn text()(s in "[a-zé Σ&<]{0,12}") -> String { s }
    }

    prop_compose! {
        fn time()(secs in -1_000_000_000i64..4_000_000_000, nanos in 0i32..1_000_000_000)
            -> Timestamp {
            Timestamp::new(secs, nanos).unwrap()
        }
    }

    prop_compose! {
        fn case()(
            token in "[a-z0-9_]{1,20}",
            name in text(),
            words in prop::collection::vec(prop::option::of("[a-z_ ]{0,14}"), 7),
            strings in prop::collection::vec(prop::option::of(text()), 5),
            times in prop::collection::vec(prop::option::of(time()), 4),
            numbers in (prop::option::of(0u32..50), prop::option::of(0u32..50),
                prop::option::of(0.0f64..100.0), prop::option::of(any::<i64>()), any::<bool>()),
            assignee in prop::option::of((text(), prop::option::of(text()))),
            awaiting in prop::collection::vec(text(), 0..3),
        ) -> Case {
            let w = |n: usize| words[n].clone();
            Case {
                token,
                name,
                case_type: w(0).map(|s| wire(&s)),
                status: wire(w(1).as_deref().unwrap_or("open")),
                priority: w(2).map(|s| wire(&s)),
                entity_category: w(3).map(|s| wire(&s)),
                primary_entity: strings[0].clone(),
                primary_entity_token: strings[1].clone(),
                assigned_to: assignee.map(|(id, name)| UserRef { id, name }),
                sla_deadline: times[0],
                sla_status: w(4).map(|s| wire(&s)),
                sla_paused: numbers.4,
                open_alerts: numbers.0,
                total_entities: numbers.1,
                risk_tier: w(5).map(|s| wire(&s)),
                risk_score: numbers.2,
                decision: w(6).map(|s| wire(&s)),
                summary: strings[2].clone(),
                external_reference: strings[3].clone(),
                created_at: times[1],
                updated_at: times[2],
                closed_at: times[3],
                version: numbers.3,
                source: strings[4].clone(),
                awaiting_approval: awaiting,
            }
        }
    }

    proptest! {
        /// A row gives back exactly the case it was given, after any replacements (which
        /// write the text buffer again once most of it is left behind).
        #[test]
        fn rows_give_back_the_cases_they_were_given(
            cases in prop::collection::vec(case(), 1..40),
            replacements in prop::collection::vec((any::<prop::sample::Index>(), case()), 0..40),
        ) {
            let mut expected = cases.clone();
            let mut rows: Rows = cases.into_iter().collect();
            for (at, case) in replacements {
                let i = at.index(expected.len());
                rows.set(i, &case);
                expected[i] = case;
            }
            rows.compact();
            prop_assert_eq!(rows.len(), expected.len());
            for (i, c) in expected.iter().enumerate() {
                prop_assert_eq!(rows.get(i).to_case(), c.clone());
                prop_assert_eq!(rows.get(i), c.row());
            }
        }
    }

    #[test]
    fn replaced_rows_give_their_text_back() {
        let case = |i: usize| Case {
            token: format!("cas_{i}"),
            name: format!("CAS-{i:06}"),
            case_type: None,
            status: Wire::Known(CaseStatus::InProgress),
            priority: None,
            entity_category: None,
            primary_entity: None,
            primary_entity_token: None,
            assigned_to: None,
            sla_deadline: None,
            sla_status: None,
            sla_paused: false,
            open_alerts: None,
            total_entities: None,
            risk_tier: None,
            risk_score: None,
            decision: None,
            summary: Some("x".repeat(1000)),
            external_reference: None,
            created_at: None,
            updated_at: None,
            closed_at: None,
            version: None,
            source: None,
            awaiting_approval: Vec::new(),
        };
        let mut rows: Rows = (0..10).map(case).collect();
        for n in 0..1000 {
            rows.set(n % 10, &case(n % 10));
        }
        // A megabyte written in all; what is kept stays near what rows point at (10 kB) plus
        // the garbage allowed before the buffer is written again (64 kB).
        assert!(rows.text.len() < 160_000, "{} bytes kept", rows.text.len());
        assert_eq!(rows.get(3).to_case(), case(3));
    }
}
