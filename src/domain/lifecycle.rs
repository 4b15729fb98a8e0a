//! The case lifecycle: which status changes are allowed, and how SLA deadlines are kept.
//!
//! Zenoo documents that a state machine exists but not its matrix; this is docket's reading of
//! it (see docs/api.md, "Lifecycle"). The sandbox enforces it and the console offers only what
//! it allows, so both sides agree by construction.

use super::{CaseStatus, CaseType, Priority, SlaStatus};

/// How a status change is requested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `PATCH /v1/cases/{token}` with a `status`.
    Patch,
    /// `POST /v1/cases/{token}/escalate`.
    Escalate,
    /// `POST /v1/cases/{token}/close`.
    Close,
}

/// Statuses a `PATCH` may move a case to from `from`.
pub fn patch_targets(from: CaseStatus) -> &'static [CaseStatus] {
    use CaseStatus::*;
    match from {
        New => &[InProgress, ClientInput],
        InProgress => &[InReview, InternalReview, ClientInput],
        InReview => &[InProgress, InternalReview, ClientInput],
        InternalReview => &[InProgress, InReview],
        ClientInput => &[InProgress],
        Escalated => &[InProgress, InReview, InternalReview],
        Closed => &[],
    }
}

/// Whether a case in `from` may be escalated.
pub fn can_escalate(from: CaseStatus) -> bool {
    !matches!(from, CaseStatus::Escalated | CaseStatus::Closed)
}

/// Whether a case in `from` may be closed (preconditions aside).
pub fn can_close(from: CaseStatus) -> bool {
    use CaseStatus::*;
    matches!(from, InProgress | InReview | InternalReview | Escalated)
}

/// Why a requested transition is refused, in words for the analyst.
pub fn check_transition(from: CaseStatus, to: CaseStatus, route: Route) -> Result<(), String> {
    if from == CaseStatus::Closed {
        return Err(format!(
            "Cannot transition from 'Closed' to '{to}'. Closed is terminal."
        ));
    }
    match (route, to) {
        (Route::Patch, CaseStatus::Closed) => Err(format!(
            "Cannot transition from '{from}' to 'Closed' with PATCH. Use POST /v1/cases/{{case_token}}/close, which records the decision."
        )),
        (Route::Patch, CaseStatus::Escalated) => Err(format!(
            "Cannot transition from '{from}' to 'Escalated' with PATCH. Use POST /v1/cases/{{case_token}}/escalate, which records the reason."
        )),
        (Route::Patch, _) if from == to => Err(format!("The case is already '{from}'.")),
        (Route::Patch, _) if patch_targets(from).contains(&to) => Ok(()),
        (Route::Patch, _) => Err(format!(
            "Cannot transition from '{from}' to '{to}'. Allowed from '{from}': {}.",
            list(patch_targets(from))
        )),
        (Route::Escalate, _) if can_escalate(from) => Ok(()),
        (Route::Escalate, _) => Err(format!("Cannot escalate a case that is '{from}'.")),
        (Route::Close, _) if can_close(from) => Ok(()),
        (Route::Close, _) => Err(format!(
            "Cannot transition from '{from}' to 'Closed'. A case closes from In Progress, In Review, Internal Review or Escalated."
        )),
    }
}

/// The smallest share a UBO holds, in percent. Zenoo's API pages say "more than 25%", its
/// guides "25% or more"; the sandbox and the forms take 25 itself as a UBO share, so a 25%
/// owner is never refused as a UBO and then also refused as a Shareholder.
pub const UBO_THRESHOLD: f64 = 25.0;

/// Why an entity may not be added to a case in `status`, in words for the analyst. Any open case
/// takes new parties (its ownership tree grows as the review finds owners and directors); a
/// Closed case is final, so a party found later belongs on a new Review case.
pub fn check_add_entity(status: CaseStatus) -> Result<(), String> {
    if status.is_terminal() {
        return Err(format!(
            "Cannot add an entity to a case that is '{status}'. A closed case is final; open a Review case for the customer instead."
        ));
    }
    Ok(())
}

fn list(statuses: &[CaseStatus]) -> String {
    if statuses.is_empty() {
        return "none".into();
    }
    statuses
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SLA window of a case: days until due, and days before due when the warning starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaPolicy {
    pub due_days: i64,
    pub warning_days: i64,
    pub auto_escalate: bool,
}

/// SLA windows by case type and priority (Zenoo's case-lifecycle table; Perpetual rows are
/// docket's own, as Zenoo documents none).
pub fn sla_policy(case_type: CaseType, priority: Priority) -> SlaPolicy {
    use CaseType::*;
    use Priority::*;
    let (due_days, warning_days, auto_escalate) = match (case_type, priority) {
        (Onboarding, Critical) => (3, 1, true),
        (Onboarding, High) => (7, 2, true),
        (Onboarding, Medium) => (14, 3, false),
        (Onboarding, Low) => (21, 5, false),
        (Review, Critical) => (5, 1, true),
        (Review, High) => (14, 3, true),
        (Review, Medium) => (30, 7, false),
        (Review, Low) => (45, 10, false),
        (Perpetual, Critical) => (7, 2, true),
        (Perpetual, High) => (30, 5, false),
        (Perpetual, Medium) => (60, 10, false),
        (Perpetual, Low) => (90, 14, false),
    };
    SlaPolicy {
        due_days,
        warning_days,
        auto_escalate,
    }
}

pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;

/// The deadline in force at `now`: while the clock is paused (Client Input) the deadline moves
/// forward with time, so the paused interval is not counted.
pub fn effective_deadline(due_at: i64, paused_at: Option<i64>, now: i64) -> i64 {
    match paused_at {
        Some(p) if now > p => due_at + (now - p),
        _ => due_at,
    }
}

/// SLA status at `now` for a deadline, given the warning window in days.
///
/// Critical means due within 24 hours; Warning means inside the warning window.
pub fn sla_status(deadline: i64, warning_days: i64, now: i64) -> SlaStatus {
    let left = deadline - now;
    if left < 0 {
        SlaStatus::Breached
    } else if left <= DAY {
        SlaStatus::Critical
    } else if left <= warning_days * DAY {
        SlaStatus::Warning
    } else {
        SlaStatus::OnTrack
    }
}

/// Alert SLA: hours from creation to due, by priority; warning in the last quarter.
pub fn alert_sla_hours(priority: Priority) -> i64 {
    match priority {
        Priority::Critical => 24,
        Priority::High => 72,
        Priority::Medium => 168,
        Priority::Low => 336,
    }
}

/// Alert SLA status at `now`.
pub fn alert_sla_status(deadline: i64, priority: Priority, now: i64) -> SlaStatus {
    let left = deadline - now;
    let window = alert_sla_hours(priority) * HOUR;
    if left < 0 {
        SlaStatus::Breached
    } else if left <= window / 8 {
        SlaStatus::Critical
    } else if left <= window / 4 {
        SlaStatus::Warning
    } else {
        SlaStatus::OnTrack
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    #[test]
    fn closed_is_terminal_for_every_route() {
        for to in CaseStatus::ALL {
            for route in [Route::Patch, Route::Escalate, Route::Close] {
                assert!(check_transition(Closed, *to, route).is_err());
            }
        }
    }

    #[test]
    fn patch_cannot_reach_closed_or_escalated() {
        for from in CaseStatus::ALL {
            assert!(check_transition(*from, Closed, Route::Patch).is_err());
            assert!(check_transition(*from, Escalated, Route::Patch).is_err());
            assert!(!patch_targets(*from).contains(&Closed));
        }
    }

    #[test]
    fn every_open_status_can_reach_closed() {
        // Each non-terminal status has a path to a closable status through PATCH.
        for from in CaseStatus::ALL.iter().filter(|s| !s.is_terminal()) {
            let mut seen = vec![*from];
            let mut i = 0;
            while i < seen.len() {
                for t in patch_targets(seen[i]) {
                    if !seen.contains(t) {
                        seen.push(*t);
                    }
                }
                i += 1;
            }
            assert!(
                seen.iter().any(|s| can_close(*s)),
                "{from} cannot reach Closed"
            );
        }
    }

    #[test]
    fn entities_join_any_open_case_but_not_a_closed_one() {
        for status in CaseStatus::ALL {
            assert_eq!(
                check_add_entity(*status).is_ok(),
                *status != Closed,
                "{status}"
            );
        }
        assert!(check_add_entity(Closed).unwrap_err().contains("'Closed'"));
    }

    #[test]
    fn sla_status_bands() {
        let now = 1_000_000;
        assert_eq!(sla_status(now - 1, 3, now), SlaStatus::Breached);
        assert_eq!(sla_status(now + HOUR, 3, now), SlaStatus::Critical);
        assert_eq!(sla_status(now + 2 * DAY, 3, now), SlaStatus::Warning);
        assert_eq!(sla_status(now + 4 * DAY, 3, now), SlaStatus::OnTrack);
    }

    #[test]
    fn paused_clock_moves_the_deadline() {
        assert_eq!(effective_deadline(100, Some(50), 80), 130);
        assert_eq!(effective_deadline(100, None, 80), 100);
    }

    #[test]
    fn sla_table_matches_reference() {
        let p = sla_policy(CaseType::Onboarding, Priority::Medium);
        assert_eq!((p.due_days, p.warning_days), (14, 3));
        let p = sla_policy(CaseType::Review, Priority::Low);
        assert_eq!((p.due_days, p.warning_days), (45, 10));
    }
}

/// Why a case cannot close yet: one of Zenoo's close preconditions, unmet. The sandbox refuses
/// a close with these (as `CLOSE_PRECONDITIONS_UNMET`) and the console lists them instead of
/// sending a close that would fail: both call [`close_blockers`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseBlocker {
    /// Alerts neither resolved nor marked false positive: (token, status) each.
    OpenAlerts(Vec<(String, super::AlertStatus)>),
    /// The current risk assessment is not Approved (`None`: the case has none).
    RiskNotApproved {
        assessment: Option<(String, super::AssessmentStatus)>,
    },
    /// A High-risk case needs an approval from an Approver other than the person closing it.
    ApproverRequired,
}

impl CloseBlocker {
    /// The API's code for it.
    pub fn code(&self) -> &'static str {
        match self {
            CloseBlocker::OpenAlerts(_) => "open_alerts",
            CloseBlocker::RiskNotApproved { .. } => "risk_not_approved",
            CloseBlocker::ApproverRequired => "approver_required",
        }
    }

    /// In words; `closer` names who closes ("you" in the console).
    pub fn message(&self, closer: &str) -> String {
        match self {
            CloseBlocker::OpenAlerts(open) => match open.len() {
                1 => "1 alert is not resolved or marked false positive.".into(),
                n => format!("{n} alerts are not resolved or marked false positive."),
            },
            CloseBlocker::RiskNotApproved {
                assessment: Some((_, s)),
            } => format!("The risk assessment is {s}, not Approved."),
            CloseBlocker::RiskNotApproved { assessment: None } => {
                "The case has no risk assessment.".into()
            }
            CloseBlocker::ApproverRequired => {
                format!("A High-risk case needs an approval from an Approver other than {closer}.")
            }
        }
    }
}

/// Zenoo's close preconditions, judged on what is known of the case: its alerts not yet settled,
/// its current assessment (token and status), its effective risk tier, and the users whose
/// approval as Approver stands. Empty when it may close.
pub fn close_blockers(
    open_alerts: Vec<(String, super::AlertStatus)>,
    assessment: Option<(String, super::AssessmentStatus)>,
    tier: Option<super::RiskTier>,
    approved_by: &[&str],
    closer: Option<&str>,
) -> Vec<CloseBlocker> {
    let mut out = Vec::new();
    if !open_alerts.is_empty() {
        out.push(CloseBlocker::OpenAlerts(open_alerts));
    }
    if !matches!(assessment, Some((_, super::AssessmentStatus::Approved))) {
        out.push(CloseBlocker::RiskNotApproved { assessment });
    }
    if tier == Some(super::RiskTier::High) && !approved_by.iter().any(|u| Some(*u) != closer) {
        out.push(CloseBlocker::ApproverRequired);
    }
    out
}

#[cfg(test)]
mod close_tests {
    use super::*;
    use crate::domain::{AlertStatus, AssessmentStatus, RiskTier};

    #[test]
    fn a_high_risk_case_needs_someone_elses_approval_and_every_rule_is_named() {
        let open = vec![("alt_1".to_string(), AlertStatus::Open)];
        let active = Some(("rsk_1".to_string(), AssessmentStatus::Active));
        let approved = Some(("rsk_1".to_string(), AssessmentStatus::Approved));
        let all = close_blockers(
            open,
            active,
            Some(RiskTier::High),
            &["usr_me"],
            Some("usr_me"),
        );
        let codes: Vec<&str> = all.iter().map(CloseBlocker::code).collect();
        assert_eq!(
            codes,
            ["open_alerts", "risk_not_approved", "approver_required"]
        );
        assert_eq!(
            all[0].message("you"),
            "1 alert is not resolved or marked false positive."
        );
        assert!(all[2].message("you").ends_with("other than you."));
        // Approved by someone else: it may close.
        let ok = close_blockers(
            vec![],
            approved.clone(),
            Some(RiskTier::High),
            &["usr_ap"],
            Some("usr_me"),
        );
        assert!(ok.is_empty());
        // Low risk needs no second approval; no assessment at all is named.
        assert!(close_blockers(vec![], approved, Some(RiskTier::Low), &[], None).is_empty());
        assert_eq!(
            close_blockers(vec![], None, None, &[], None)[0].message("you"),
            "The case has no risk assessment."
        );
    }
}
