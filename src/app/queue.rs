//! The case queue: ordering (most urgent SLA first), quick filters, fuzzy filtering, and a
//! selection that follows the case rather than the row.

use super::find::{Sort, urgency};
use super::matcher::{Matcher, Waker};
use super::rows::Rows;
use crate::domain::model::Case;
use crate::domain::row::CaseRow;
use crate::domain::{CaseStatus, CaseType, Priority, RiskTier, SlaStatus};

/// Filters, combinable: the quick ones a key toggles, and the ones a view (or the CLI) sets
/// on anything a row shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Quick {
    pub mine: bool,
    pub unassigned: bool,
    pub breached: bool,
    pub high_risk: bool,
    /// Show closed cases too (hidden by default: the queue is work to do).
    pub closed: bool,
    pub risk: Option<RiskTier>,
    /// One status (asking for `Closed` shows closed cases).
    pub status: Option<CaseStatus>,
    pub case_type: Option<CaseType>,
    pub priority: Option<Priority>,
    pub sla: Option<SlaStatus>,
    /// Assigned to this user (an id, or a name as the API gives it).
    pub assignee: Option<String>,
    /// An approval is requested from me and still pending.
    pub awaiting_me: bool,
}

impl Quick {
    /// Its filters in words, for the line over the queue (empty: none).
    pub fn words(&self) -> Vec<String> {
        let mut out: Vec<String> = [
            (self.mine, "mine"),
            (self.unassigned, "unassigned"),
            (self.breached, "breached"),
            (self.high_risk, "high risk"),
            (self.awaiting_me, "awaiting my approval"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| w.to_string())
        .collect();
        let mut put = |what: &str, v: Option<&str>| {
            if let Some(v) = v {
                out.push(format!("{what} {v}"));
            }
        };
        put("risk", self.risk.map(RiskTier::as_str));
        put("status", self.status.map(CaseStatus::as_str));
        put("type", self.case_type.map(CaseType::as_str));
        put("priority", self.priority.map(Priority::as_str));
        put("SLA", self.sla.map(SlaStatus::as_str));
        put("assignee", self.assignee.as_deref());
        if self.closed {
            out.push("+closed".into());
        }
        out
    }
}

/// A saved view: a name, the filters it sets and its sort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub quick: Quick,
    pub sort: Sort,
}

/// The built-in view of an approver's work.
pub const AWAITING_MY_APPROVAL: &str = "Awaiting my approval";

impl View {
    /// The views shown when the config names none.
    pub fn defaults() -> Vec<View> {
        let v = |name: &str, quick: Quick| View {
            name: name.into(),
            quick,
            sort: Sort::default(),
        };
        vec![
            v("Open", Quick::default()),
            v(
                "Mine",
                Quick {
                    mine: true,
                    ..Quick::default()
                },
            ),
            v(
                "Unassigned",
                Quick {
                    unassigned: true,
                    ..Quick::default()
                },
            ),
            v(
                "Breached",
                Quick {
                    breached: true,
                    ..Quick::default()
                },
            ),
            v(
                "High risk",
                Quick {
                    high_risk: true,
                    ..Quick::default()
                },
            ),
            v(
                AWAITING_MY_APPROVAL,
                Quick {
                    awaiting_me: true,
                    ..Quick::default()
                },
            ),
        ]
    }
}

/// Whether a case passes the filters.
pub fn passes(c: &CaseRow, q: &Quick, me: Option<&str>) -> bool {
    let assignee = c.assigned_to.map(|u| u.id.as_str());
    let status = c.status.known();
    let tier = c.risk_tier.and_then(|t| t.known());
    let sla = c.sla_status.and_then(|s| s.known());
    (q.closed || status != Some(CaseStatus::Closed) || q.status == Some(CaseStatus::Closed))
        && (!q.mine || (me.is_some() && assignee == me))
        && (!q.unassigned || assignee.is_none())
        && (!q.breached || sla == Some(SlaStatus::Breached))
        && (!q.high_risk || tier == Some(RiskTier::High))
        && q.risk.is_none_or(|r| tier == Some(r))
        && q.status.is_none_or(|s| status == Some(s))
        && q.case_type
            .is_none_or(|t| c.case_type.and_then(|x| x.known()) == Some(t))
        && q.priority
            .is_none_or(|p| c.priority.and_then(|x| x.known()) == Some(p))
        && q.sla.is_none_or(|s| sla == Some(s))
        && q.assignee.as_deref().is_none_or(|a| {
            c.assigned_to.is_some_and(|u| {
                u.id.eq_ignore_ascii_case(a)
                    || u.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(a))
            })
        })
        && (!q.awaiting_me || me.is_some_and(|m| c.awaiting_approval.iter().any(|u| u == m)))
}

/// The text the filter searches on a case: its reference, primary entity and external
/// reference, lower-cased.
pub fn haystack(c: &CaseRow) -> String {
    format!(
        "{} {} {}",
        c.name,
        c.primary_entity.unwrap_or(""),
        c.external_reference.unwrap_or("")
    )
    .to_lowercase()
}

/// Filters and sorts `cases` as the queue would with no text filter: the CLI's `cases list`.
pub fn select(mut cases: Vec<Case>, q: &Quick, sort: Sort, me: Option<&str>) -> Vec<Case> {
    cases.retain(|c| passes(&c.row(), q, me));
    cases.sort_by(|a, b| sort.compare(&a.row(), &b.row()));
    cases
}

/// Case index by token, holding no copy of the tokens (at 100,000 cases they would be several
/// megabytes): each entry is a case's position, found by its token's hash and checked against
/// the case itself.
#[derive(Default)]
struct TokenIndex {
    table: hashbrown::HashTable<u32>,
    hasher: std::collections::hash_map::RandomState,
}

impl std::fmt::Debug for TokenIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenIndex({} cases)", self.table.len())
    }
}

impl TokenIndex {
    fn build(cases: &Rows) -> TokenIndex {
        use std::hash::BuildHasher;
        let mut index = TokenIndex::default();
        index.table.reserve(cases.len(), |_| 0);
        for (i, c) in cases.iter().enumerate() {
            let hash = index.hasher.hash_one(c.token);
            // A token twice: the later case wins, as in a map built in order.
            match index
                .table
                .find_mut(hash, |&j| cases.get(j as usize).token == c.token)
            {
                Some(j) => *j = i as u32,
                None => {
                    index.table.insert_unique(hash, i as u32, |&j| {
                        index.hasher.hash_one(cases.get(j as usize).token)
                    });
                }
            }
        }
        index
    }

    /// The position of the case with this token in `cases` (the slice it was built over).
    fn get(&self, cases: &Rows, token: &str) -> Option<usize> {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(token);
        self.table
            .find(hash, |&j| {
                (j as usize) < cases.len() && cases.get(j as usize).token == token
            })
            .map(|&j| j as usize)
    }
}

/// Up to this many cases, a filter key waits for its matches (a few milliseconds); above, it
/// takes what is ready within [`MATCH_WAIT_MS`] and the rest arrives as `Action::Matched`.
pub const SYNC_MATCH_LIMIT: usize = 20_000;

/// How long a filter key waits for matches in a large queue: a quarter of a frame, so the key is
/// on screen within the frame whatever the matching costs.
const MATCH_WAIT_MS: u64 = 4;

/// The queue and its view.
#[derive(Debug, Default)]
pub struct Queue {
    /// Every case loaded, in the order the API gave them.
    pub cases: Rows,
    /// Indices into `cases` of the rows shown, in display order.
    pub view: Vec<usize>,
    /// The selected case's token; the row follows it across refreshes.
    pub selected: Option<String>,
    /// First row drawn (kept so the selection stays visible).
    pub offset: usize,
    pub filter: String,
    pub quick: Quick,
    pub sort: Sort,
    pub loaded: bool,
    /// Cases the API found for a filter text (names beyond what is loaded: UBOs, directors):
    /// shown with the local matches while the filter reads exactly that.
    pub found: Option<(String, std::collections::HashSet<String>)>,
    /// Bumped with every change of the filter text: a search answer or a debounce that is
    /// not for the latest text is dropped.
    pub search_gen: u64,
    /// The API is being asked about this text.
    pub searching: Option<String>,
    /// Why the API was not asked (a vendor without search), said on the filter line.
    pub search_note: Option<String>,
    /// The fuzzy matcher, given every case once per load (at once for a large queue, whose
    /// first filter key must not wait for it; at the first filter otherwise).
    matcher: Option<Matcher>,
    /// Told when matches that were not ready are (see [`Matcher`]).
    pub waker: Waker,
    /// The filter's matches are being worked out: the rows shown are the last ones found.
    pub matching: bool,
    /// Once they arrive, the best match is selected (the user was typing, not moving).
    select_first: bool,
    /// How long a filter key waits for a large queue's matches, in ms (`None`: [`MATCH_WAIT_MS`]).
    pub match_wait_ms: Option<u64>,
    /// Case index by token, built once per load: lookups stay O(1) at 100,000 cases.
    index: TokenIndex,
    /// The selection's row in the view, when known (checked against `selected` before use).
    row_hint: std::cell::Cell<Option<usize>>,
    /// The widest case name, in bytes (the queue's name column).
    pub name_width: usize,
    /// Each case's place in urgency order, computed once per load: sorting a view is then a
    /// sort of small integers.
    rank: Vec<u32>,
}

impl Queue {
    /// Replaces the loaded cases and rebuilds the view, keeping the selected case selected.
    pub fn set_cases(&mut self, cases: Vec<Case>, me: Option<&str>) {
        self.set_rows(cases.into_iter().collect(), me);
    }

    /// [`set_cases`](Queue::set_cases), with the rows built already (off the console's thread).
    pub fn set_rows(&mut self, cases: Rows, me: Option<&str>) {
        // The old view indexes the old cases: take the selection's row before replacing them.
        let row = self.selected_row();
        let shown = self.shown_tokens();
        self.cases = cases;
        self.reload(me, row);
        self.keep_shown(shown);
    }

    /// The rows shown, by token, while a large queue's filter is being matched: kept on screen
    /// across a reload until the new matches arrive.
    fn shown_tokens(&self) -> Option<Vec<String>> {
        (!self.filter.trim().is_empty() && self.cases.len() > SYNC_MATCH_LIMIT).then(|| {
            self.view
                .iter()
                .map(|&i| self.cases.get(i).token.to_string())
                .collect()
        })
    }

    fn keep_shown(&mut self, shown: Option<Vec<String>>) {
        if let (true, Some(shown)) = (self.matching, shown) {
            self.view = shown
                .iter()
                .filter_map(|t| self.index.get(&self.cases, t))
                .collect();
        }
    }

    /// The best match is selected once the filter's matches are in (now, or when they arrive).
    pub fn select_best_match(&mut self) {
        self.select_first = true;
        if !self.matching {
            self.select_first = false;
            self.select_row(0);
        }
    }

    /// Rebuilds everything computed per load from `cases`, then the view.
    fn reload(&mut self, me: Option<&str>, row: Option<usize>) {
        let cases = &self.cases;
        self.index = TokenIndex::build(cases);
        self.name_width = cases.iter().map(|c| c.name.len()).max().unwrap_or(0);
        self.rerank();
        self.loaded = true;
        self.view.clear();
        self.row_hint.set(None);
        self.refilter(me, row);
    }

    /// Each case's place in the sort, computed once per load or change of sort.
    fn rerank(&mut self) {
        let cases = &self.cases;
        let mut order: Vec<usize> = (0..cases.len()).collect();
        if self.sort == Sort::default() {
            let keys: Vec<_> = cases.iter().map(|c| urgency(&c)).collect();
            order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        } else {
            let sort = self.sort;
            let rows: Vec<CaseRow> = cases.iter().collect();
            order.sort_by(|&a, &b| sort.compare(&rows[a], &rows[b]));
        }
        self.rank = vec![0; cases.len()];
        for (r, &i) in order.iter().enumerate() {
            self.rank[i] = r as u32;
        }
        // The matcher's items, in this order; given now to a large queue's matcher, so the
        // first filter key does not wait for 100,000 of them.
        if self.matcher.is_some() || cases.len() > SYNC_MATCH_LIMIT {
            self.matcher
                .get_or_insert_with(|| Matcher::new(&self.waker))
                .set_items(&self.cases, &order);
        }
    }

    /// Case indices in queue order (the order of `rank`).
    fn order(&self) -> Vec<usize> {
        let mut order = vec![0; self.rank.len()];
        for (i, &r) in self.rank.iter().enumerate() {
            order[r as usize] = i;
        }
        order
    }

    /// Sorts the queue another way, keeping the selection.
    pub fn set_sort(&mut self, sort: Sort, me: Option<&str>) {
        if self.sort != sort {
            self.sort = sort;
            self.rerank();
            self.rebuild(me);
        }
    }

    /// Adds or replaces several cases at once (found by the API), keeping the selection.
    pub fn merge(&mut self, found: Vec<Case>, me: Option<&str>) {
        if found.is_empty() {
            return;
        }
        let row = self.selected_row();
        let shown = self.shown_tokens();
        for case in found {
            match self.index.get(&self.cases, &case.token) {
                Some(i) => self.cases.set(i, &case),
                None => self.cases.push(&case),
            }
        }
        self.reload(me, row);
        self.keep_shown(shown);
    }

    /// The loaded case `text` names exactly (reference, token or external reference).
    pub fn exact(&self, text: &str) -> Option<CaseRow<'_>> {
        let t = text.trim();
        if let Some(c) = self.get(t) {
            return Some(c);
        }
        self.cases.iter().find(|c| c.is_named(t))
    }

    /// Puts one case read again in place of its row (or adds it), keeping the selection. Used
    /// when a review of it lands: the row shows the change at once, not at the next poll.
    /// In place: the queue is never copied for it (at 100,000 cases that copy was 90 MB).
    pub fn upsert(&mut self, case: Case, me: Option<&str>) {
        self.merge(vec![case], me);
    }

    /// A loaded case by token.
    pub fn get(&self, token: &str) -> Option<CaseRow<'_>> {
        self.index
            .get(&self.cases, token)
            .map(|i| self.cases.get(i))
    }

    /// A loaded case by token, owned (for what keeps it: a flow, a form).
    pub fn case(&self, token: &str) -> Option<Case> {
        self.get(token).map(|c| c.to_case())
    }

    /// The token of the case at view row `row`.
    pub fn token_at(&self, row: usize) -> Option<&str> {
        self.view.get(row).map(|&i| self.cases.get(i).token)
    }

    /// Position of the selection in the view: O(1) when the hint is right, which it is after
    /// every move; a search of the view otherwise.
    pub fn selected_row(&self) -> Option<usize> {
        let token = self.selected.as_deref()?;
        if let Some(r) = self.row_hint.get()
            && self
                .view
                .get(r)
                .is_some_and(|&i| self.cases.get(i).token == token)
        {
            return Some(r);
        }
        let found = self
            .view
            .iter()
            .position(|&i| self.cases.get(i).token == token);
        self.row_hint.set(found);
        found
    }

    /// The selected case.
    pub fn selected_case(&self) -> Option<CaseRow<'_>> {
        self.selected_row().map(|r| self.cases.get(self.view[r]))
    }

    /// Recomputes the visible rows after a change of data, filter or quick filters.
    pub fn rebuild(&mut self, me: Option<&str>) {
        let row = self.selected_row();
        self.refilter(me, row);
    }

    fn refilter(&mut self, me: Option<&str>, previous_row: Option<usize>) {
        let mut q = self.quick.clone();
        if self.filter.trim().is_empty() {
            let mut view: Vec<usize> = (0..self.cases.len())
                .filter(|&i| passes(&self.cases.get(i), &q, me))
                .collect();
            view.sort_unstable_by_key(|&i| self.rank[i]);
            self.view = view;
            self.matching = false;
        } else {
            // A search finds closed cases too (each row says it is closed): looking for a case
            // by name must not depend on a toggle.
            q.closed = true;
            if self.matcher.is_none() {
                let mut m = Matcher::new(&self.waker);
                m.set_items(&self.cases, &self.order());
                self.matcher = Some(m);
            }
            let wait = (self.cases.len() > SYNC_MATCH_LIMIT)
                .then_some(self.match_wait_ms.unwrap_or(MATCH_WAIT_MS));
            // Best score first, equal scores in queue order; a literal substring (a reference
            // typed in full) before any scattered match.
            let literal = self.filter.trim().to_lowercase();
            let found = self
                .matcher
                .as_mut()
                .and_then(|m| m.find(&self.filter, &literal, wait));
            let Some(found) = found else {
                // Not ready: the last rows stay until these arrive (`Action::Matched`).
                self.matching = true;
                return;
            };
            self.matching = false;
            let (literal, scattered): (Vec<_>, Vec<_>) = found
                .into_iter()
                .filter(|&(i, _)| passes(&self.cases.get(i), &q, me))
                .partition(|&(_, literal)| literal);
            let mut view: Vec<usize> = literal.into_iter().map(|(i, _)| i).collect();
            let scattered = scattered.into_iter().map(|(i, _)| i);
            let at = view.len();
            view.extend(scattered);
            // What the API found for exactly this text (a director's or UBO's name) and the
            // filters let through, in the queue's order: after the loaded cases that contain
            // the text as it was typed, before those that only match it scattered.
            if let Some((text, tokens)) = &self.found
                && text.trim() == self.filter.trim()
            {
                let mut matched = view.clone();
                matched.sort_unstable();
                let mut extra: Vec<usize> = tokens
                    .iter()
                    .filter_map(|t| self.index.get(&self.cases, t))
                    .filter(|i| matched.binary_search(i).is_err())
                    .filter(|&i| passes(&self.cases.get(i), &q, me))
                    .collect();
                extra.sort_unstable_by_key(|&i| self.rank[i]);
                view.splice(at..at, extra);
            }
            self.view = view;
        }
        if std::mem::take(&mut self.select_first) {
            self.select_row(0);
        }
        // The selection follows its case; if the case left the view, stay at the same height.
        if self.selected_row().is_none() {
            let row = previous_row
                .unwrap_or(0)
                .min(self.view.len().saturating_sub(1));
            self.selected = self.token_at(row).map(str::to_string);
        }
    }

    /// How many loaded cases each view would show.
    pub fn counts(&self, views: &[View], me: Option<&str>) -> Vec<usize> {
        views
            .iter()
            .map(|v| {
                self.cases
                    .iter()
                    .filter(|c| passes(c, &v.quick, me))
                    .count()
            })
            .collect()
    }

    /// Moves the selection by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        self.select_first = false;
        if self.view.is_empty() {
            return;
        }
        let row = self.selected_row().unwrap_or(0) as isize;
        let last = self.view.len() as isize - 1;
        self.select_row((row + delta).clamp(0, last) as usize);
    }

    /// Selects a row of the view.
    pub fn select_row(&mut self, row: usize) {
        let row = row.min(self.view.len().saturating_sub(1));
        if let Some(token) = self.token_at(row) {
            self.selected = Some(token.to_string());
            self.row_hint.set(Some(row));
        }
    }

    /// Adjusts `offset` so the selection is inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let Some(row) = self.selected_row() else {
            self.offset = 0;
            return;
        };
        if height == 0 {
            return;
        }
        if row < self.offset {
            self.offset = row;
        } else if row >= self.offset + height {
            self.offset = row + 1 - height;
        }
        self.offset = self
            .offset
            .min(self.view.len().saturating_sub(height.min(self.view.len())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Wire;
    use proptest::prelude::*;

    fn case(i: usize, name: &str) -> Case {
        Case {
            token: format!("cas_{i}"),
            name: format!("CAS-{i:06}"),
            case_type: None,
            status: Wire::Known(CaseStatus::InProgress),
            priority: None,
            entity_category: None,
            primary_entity: Some(name.to_string()),
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
            summary: None,
            external_reference: None,
            created_at: None,
            updated_at: None,
            closed_at: None,
            awaiting_approval: Vec::new(),
            version: None,
            source: None,
        }
    }

    proptest! {
        /// Narrowing while typing gives exactly the rows, in the order, that filtering from
        /// scratch gives.
        #[test]
        fn typing_narrows_to_what_a_fresh_filter_finds(
            names in prop::collection::vec("[abcé ]{0,8}", 0..60),
            query in "[abcé ]{1,5}",
        ) {
            let cases: Vec<Case> = names.iter().enumerate().map(|(i, n)| case(i, n)).collect();
            let mut typed = Queue::default();
            typed.set_cases(cases.clone(), None);
            for c in query.chars() {
                typed.filter.push(c);
                typed.rebuild(None);
            }
            let mut fresh = Queue::default();
            fresh.set_cases(cases, None);
            fresh.filter = query.clone();
            fresh.rebuild(None);
            prop_assert_eq!(typed.view, fresh.view);
        }
    }
}
