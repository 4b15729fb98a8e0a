//! The case queue: ordering (most urgent SLA first), quick filters, fuzzy filtering, and a
//! selection that follows the case rather than the row.

use jiff::Timestamp;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::domain::model::Case;
use crate::domain::{CaseStatus, RiskTier, SlaStatus};

/// Quick filters, combinable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quick {
    pub mine: bool,
    pub unassigned: bool,
    pub breached: bool,
    pub high_risk: bool,
    /// Show closed cases too (hidden by default: the queue is work to do).
    pub closed: bool,
}

/// A saved view: a name and the quick filters it sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub quick: Quick,
}

impl View {
    /// The views shown when the config names none.
    pub fn defaults() -> Vec<View> {
        let v = |name: &str, quick: Quick| View {
            name: name.into(),
            quick,
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
        ]
    }
}

/// Whether a case passes quick filters.
pub fn passes(c: &Case, q: Quick, me: Option<&str>) -> bool {
    let assignee = c.assigned_to.as_ref().map(|u| u.id.as_str());
    (q.closed || c.status.known() != Some(CaseStatus::Closed))
        && (!q.mine || (me.is_some() && assignee == me))
        && (!q.unassigned || assignee.is_none())
        && (!q.breached
            || c.sla_status.as_ref().and_then(|s| s.known()) == Some(SlaStatus::Breached))
        && (!q.high_risk || c.risk_tier.as_ref().and_then(|t| t.known()) == Some(RiskTier::High))
}

/// The queue and its view.
#[derive(Debug, Default)]
pub struct Queue {
    /// Every case loaded, in the order the API gave them.
    pub cases: Vec<Case>,
    /// Indices into `cases` of the rows shown, in display order.
    pub view: Vec<usize>,
    /// The selected case's token; the row follows it across refreshes.
    pub selected: Option<String>,
    /// First row drawn (kept so the selection stays visible).
    pub offset: usize,
    pub filter: String,
    pub quick: Quick,
    pub loaded: bool,
    /// Per case, the lower-cased text the filter searches, built once per load.
    hay: Vec<String>,
    /// The last filter query and the rows it matched (in `cases` order), for narrowing: a
    /// query that extends it can only match a subset of those rows.
    narrowed: Option<(String, Quick, Option<String>, Vec<usize>)>,
    /// Case index by token, built once per load: lookups stay O(1) at 100,000 cases.
    index: std::collections::HashMap<String, usize>,
    /// The selection's row in the view, when known (checked against `selected` before use).
    row_hint: std::cell::Cell<Option<usize>>,
    /// The widest case name, in bytes (the queue's name column).
    pub name_width: usize,
    /// Each case's place in urgency order, computed once per load: sorting a view is then a
    /// sort of small integers.
    rank: Vec<u32>,
}

/// Urgency key: open cases by effective deadline (breached first), closed ones last.
fn urgency(c: &Case) -> (u8, i64, &str) {
    let closed = c.status.known() == Some(CaseStatus::Closed);
    let deadline = c.sla_deadline.map_or(i64::MAX, Timestamp::as_second);
    (u8::from(closed), deadline, c.name.as_str())
}

impl Queue {
    /// Replaces the loaded cases and rebuilds the view, keeping the selected case selected.
    pub fn set_cases(&mut self, cases: Vec<Case>, me: Option<&str>) {
        // The old view indexes the old cases: take the selection's row before replacing them.
        let row = self.selected_row();
        self.hay = cases
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.name,
                    c.primary_entity.as_deref().unwrap_or(""),
                    c.external_reference.as_deref().unwrap_or("")
                )
                .to_lowercase()
            })
            .collect();
        self.index = cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.token.clone(), i))
            .collect();
        self.name_width = cases.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut order: Vec<usize> = (0..cases.len()).collect();
        order.sort_by(|&a, &b| urgency(&cases[a]).cmp(&urgency(&cases[b])));
        self.rank = vec![0; cases.len()];
        for (r, i) in order.into_iter().enumerate() {
            self.rank[i] = r as u32;
        }
        self.cases = cases;
        self.loaded = true;
        self.view.clear();
        self.narrowed = None;
        self.row_hint.set(None);
        self.refilter(me, row);
    }

    /// Puts one case read again in place of its row (or adds it), keeping the selection. Used
    /// when a review of it lands: the row shows the change at once, not at the next poll.
    pub fn upsert(&mut self, case: Case, me: Option<&str>) {
        let mut cases = self.cases.clone();
        match self.index.get(&case.token) {
            Some(&i) if i < cases.len() => cases[i] = case,
            _ => cases.push(case),
        }
        self.set_cases(cases, me);
    }

    /// A loaded case by token.
    pub fn get(&self, token: &str) -> Option<&Case> {
        self.index.get(token).map(|&i| &self.cases[i])
    }

    /// Position of the selection in the view: O(1) when the hint is right, which it is after
    /// every move; a search of the view otherwise.
    pub fn selected_row(&self) -> Option<usize> {
        let token = self.selected.as_deref()?;
        if let Some(r) = self.row_hint.get()
            && self
                .view
                .get(r)
                .is_some_and(|&i| self.cases[i].token == token)
        {
            return Some(r);
        }
        let found = self.view.iter().position(|&i| self.cases[i].token == token);
        self.row_hint.set(found);
        found
    }

    /// The selected case.
    pub fn selected_case(&self) -> Option<&Case> {
        self.selected_row().map(|r| &self.cases[self.view[r]])
    }

    /// Recomputes the visible rows after a change of data, filter or quick filters.
    pub fn rebuild(&mut self, me: Option<&str>) {
        let row = self.selected_row();
        self.refilter(me, row);
    }

    fn refilter(&mut self, me: Option<&str>, previous_row: Option<usize>) {
        let q = self.quick;
        if self.filter.trim().is_empty() {
            let mut view: Vec<usize> = (0..self.cases.len())
                .filter(|&i| passes(&self.cases[i], q, me))
                .collect();
            view.sort_unstable_by_key(|&i| self.rank[i]);
            self.view = view;
            self.narrowed = None;
        } else {
            // Typing on: the new query extends the last one, so only the rows that matched
            // it can match now. At 100,000 cases most keystrokes look at a few hundred rows.
            let candidates: Vec<usize> = match self.narrowed.take() {
                Some((last, lq, lme, rows))
                    if lq == q && lme.as_deref() == me && self.filter.starts_with(&last) =>
                {
                    rows
                }
                _ => (0..self.cases.len())
                    .filter(|&i| passes(&self.cases[i], q, me))
                    .collect(),
            };
            let view = fuzzy(&self.rank, &self.hay, candidates, &self.filter);
            let mut matched = view.clone();
            matched.sort_unstable();
            self.narrowed = Some((self.filter.clone(), q, me.map(str::to_string), matched));
            self.view = view;
        }
        // The selection follows its case; if the case left the view, stay at the same height.
        if self.selected_row().is_none() {
            let row = previous_row
                .unwrap_or(0)
                .min(self.view.len().saturating_sub(1));
            self.selected = self.view.get(row).map(|&i| self.cases[i].token.clone());
        }
    }

    /// How many loaded cases each view would show.
    pub fn counts(&self, views: &[View], me: Option<&str>) -> Vec<usize> {
        views
            .iter()
            .map(|v| self.cases.iter().filter(|c| passes(c, v.quick, me)).count())
            .collect()
    }

    /// Moves the selection by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
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
        if let Some(&i) = self.view.get(row) {
            self.selected = Some(self.cases[i].token.clone());
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

/// Orders `rows` by fuzzy score against name, primary entity and external reference; rows that
/// do not match drop out.
fn fuzzy(rank: &[u32], hay: &[String], rows: Vec<usize>, filter: &str) -> Vec<usize> {
    let pattern = Pattern::new(
        filter,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    // A literal substring (a reference typed in full) outranks any scattered match.
    let literal = filter.trim().to_lowercase();
    let mut scored: Vec<(u32, u32, usize)> = rows
        .into_iter()
        .filter_map(|i| {
            let h = hay.get(i)?;
            let bonus = if h.contains(&literal) { 1 << 20 } else { 0 };
            pattern
                .score(Utf32Str::new(h, &mut buf), &mut matcher)
                .map(|s| (s + bonus, rank.get(i).copied().unwrap_or(u32::MAX), i))
        })
        .collect();
    // Best score first; equal scores in urgency order.
    scored.sort_unstable_by_key(|&(score, r, _)| (std::cmp::Reverse(score), r));
    scored.into_iter().map(|(_, _, i)| i).collect()
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
