//! Cases: what every case endpoint shares (the case as the API shows it, what a write needs to
//! know about a case, the guards writes apply), and the routes' handlers re-exported.
//!
//! One file per concern: `read` lists and reads cases (and the compliance report), `create`
//! opens a case with its entity (and holds the entity body and its validation, which the entity
//! routes share), `update` changes status, assignment and metadata and escalates, `close`
//! closes against the domain's preconditions, `reviewers` is four-eyes approval, `comments` the
//! case's thread.

mod close;
mod comments;
mod create;
mod read;
mod reviewers;
mod update;
#[cfg(test)]
mod walk_tests;

use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;

use super::ApiError;
use super::render::{json_col, ts, ts_opt};
use crate::domain::lifecycle;
use crate::domain::{CaseStatus, RiskTier, SlaStatus};

pub use close::{CloseCase, close, close_blockers};
pub use comments::{AddComment, Author, CommentOut, add_comment, initials, list_comments};
pub use create::{
    Address, CreateCase, EntityIn, Placement, check_provider, create, create_entity,
    filing_country, full_name, insert_entity, place_entity, today, validate_entity,
    validate_fields, validate_required,
};
pub use read::{compliance_report, get_one, list};
pub use reviewers::{
    AddReviewer, ReviewerDecision, ReviewerOut, add_reviewer, approve_reviewer, list_reviewers,
    reject_reviewer, reviewers_of,
};
pub use update::{Escalate, PatchCase, escalate, patch};

pub const MAX_SUMMARY: usize = 5000;
pub const MAX_REASON: usize = 2000;
pub const MAX_COMMENT: usize = 10_000;
pub const MAX_EXTERNAL_REFERENCE: usize = 255;

/// A case as the API shows it.
#[derive(Serialize, Clone, Debug)]
pub struct CaseOut {
    pub token: String,
    pub name: String,
    #[serde(rename = "type")]
    pub case_type: String,
    pub status: String,
    pub priority: String,
    pub entity_category: String,
    pub entity_token: Option<String>,
    pub entity_name: Option<String>,
    pub assigned_to: Option<String>,
    pub sla_deadline: String,
    pub sla_status: SlaStatus,
    pub sla_paused: bool,
    pub sla_hours_remaining: Option<f64>,
    pub open_alerts_count: i64,
    pub total_alerts_count: i64,
    pub total_entities_count: i64,
    pub risk_tier: Option<String>,
    pub risk_score: Option<f64>,
    pub decision: Option<String>,
    pub summary: Option<String>,
    pub escalated_to: Option<String>,
    pub escalation_reason: Option<String>,
    pub escalation_date: Option<String>,
    pub external_reference: Option<String>,
    pub metadata: Value,
    /// Extension: moves on every change to the case or anything on it.
    pub version: i64,
    /// Extension: the users an approval is requested from and still pending (an `Approver`
    /// reviewer `Invited` or `Reviewing`), so a queue can show an approver's own work.
    pub awaiting_approval: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
}

pub const COLS: &str = "c.id, c.token, c.name, c.type, c.status, c.priority, c.entity_category, c.assigned_to, \
    c.sla_due_at, c.sla_warning_days, c.sla_paused_at, c.risk_tier, c.risk_score, c.decision, c.summary, \
    c.escalated_to, c.escalation_reason, c.escalated_at, c.external_reference, c.metadata, c.open_alerts_count, \
    c.total_alerts_count, c.total_entities_count, c.version, c.created_at, c.updated_at, c.closed_at, \
    e.token AS entity_token, e.full_name AS entity_name, \
    (SELECT group_concat(r.user_id, ',') FROM reviewers r WHERE r.case_id = c.id AND r.role = 'Approver' \
     AND r.status IN ('Invited', 'Reviewing')) AS awaiting_approval";
pub const FROM: &str = "cases c LEFT JOIN entities e ON e.id = c.primary_entity_id";

/// Where each column of [`COLS`] sits in a row. `row` reads by position: finding a value by its
/// column's name compares the names of the columns before it, for every value of every row,
/// which was a quarter of the time a page of 100 cases took. A test holds these to `COLS`.
pub mod at {
    pub const ID: usize = 0;
    pub const TOKEN: usize = 1;
    pub const NAME: usize = 2;
    pub const TYPE: usize = 3;
    pub const STATUS: usize = 4;
    pub const PRIORITY: usize = 5;
    pub const ENTITY_CATEGORY: usize = 6;
    pub const ASSIGNED_TO: usize = 7;
    pub const SLA_DUE_AT: usize = 8;
    pub const SLA_WARNING_DAYS: usize = 9;
    pub const SLA_PAUSED_AT: usize = 10;
    pub const RISK_TIER: usize = 11;
    pub const RISK_SCORE: usize = 12;
    pub const DECISION: usize = 13;
    pub const SUMMARY: usize = 14;
    pub const ESCALATED_TO: usize = 15;
    pub const ESCALATION_REASON: usize = 16;
    pub const ESCALATED_AT: usize = 17;
    pub const EXTERNAL_REFERENCE: usize = 18;
    pub const METADATA: usize = 19;
    pub const OPEN_ALERTS_COUNT: usize = 20;
    pub const TOTAL_ALERTS_COUNT: usize = 21;
    pub const TOTAL_ENTITIES_COUNT: usize = 22;
    pub const VERSION: usize = 23;
    pub const CREATED_AT: usize = 24;
    pub const UPDATED_AT: usize = 25;
    pub const CLOSED_AT: usize = 26;
    pub const ENTITY_TOKEN: usize = 27;
    pub const ENTITY_NAME: usize = 28;
    pub const AWAITING_APPROVAL: usize = 29;
}

pub fn row(r: &Row<'_>, now: i64) -> rusqlite::Result<CaseOut> {
    let status: String = r.get(at::STATUS)?;
    let due: i64 = r.get(at::SLA_DUE_AT)?;
    let paused: Option<i64> = r.get(at::SLA_PAUSED_AT)?;
    let closed_at: Option<i64> = r.get(at::CLOSED_AT)?;
    let warning_days: i64 = r.get(at::SLA_WARNING_DAYS)?;
    let (deadline, sla_status, remaining) = match closed_at {
        Some(at) => {
            let deadline = lifecycle::effective_deadline(due, paused, at);
            let s = if at > deadline {
                SlaStatus::Breached
            } else {
                SlaStatus::OnTrack
            };
            (deadline, s, None)
        }
        None => {
            let deadline = lifecycle::effective_deadline(due, paused, now);
            let hours = ((deadline - now) as f64 / 360.0).round() / 10.0;
            (
                deadline,
                lifecycle::sla_status(deadline, warning_days, now),
                Some(hours),
            )
        }
    };
    Ok(CaseOut {
        token: r.get(at::TOKEN)?,
        name: r.get(at::NAME)?,
        case_type: r.get(at::TYPE)?,
        status,
        priority: r.get(at::PRIORITY)?,
        entity_category: r.get(at::ENTITY_CATEGORY)?,
        entity_token: r.get(at::ENTITY_TOKEN)?,
        entity_name: r.get(at::ENTITY_NAME)?,
        assigned_to: r.get(at::ASSIGNED_TO)?,
        sla_deadline: ts(deadline),
        sla_status,
        sla_paused: paused.is_some() && closed_at.is_none(),
        sla_hours_remaining: remaining,
        open_alerts_count: r.get(at::OPEN_ALERTS_COUNT)?,
        total_alerts_count: r.get(at::TOTAL_ALERTS_COUNT)?,
        total_entities_count: r.get(at::TOTAL_ENTITIES_COUNT)?,
        risk_tier: r.get(at::RISK_TIER)?,
        risk_score: r.get(at::RISK_SCORE)?,
        decision: r.get(at::DECISION)?,
        summary: r.get(at::SUMMARY)?,
        escalated_to: r.get(at::ESCALATED_TO)?,
        escalation_reason: r.get(at::ESCALATION_REASON)?,
        escalation_date: ts_opt(r.get(at::ESCALATED_AT)?),
        external_reference: r.get(at::EXTERNAL_REFERENCE)?,
        metadata: json_col(&r.get::<_, String>(at::METADATA)?),
        version: r.get(at::VERSION)?,
        awaiting_approval: r
            .get::<_, Option<String>>(at::AWAITING_APPROVAL)?
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        created_at: ts(r.get(at::CREATED_AT)?),
        updated_at: ts(r.get(at::UPDATED_AT)?),
        closed_at: ts_opt(closed_at),
    })
}

/// Reads one case by token.
pub fn load(conn: &Connection, token: &str, now: i64) -> Result<CaseOut, ApiError> {
    conn.prepare_cached(&format!("SELECT {COLS} FROM {FROM} WHERE c.token = ?1"))?
        .query_row([token], |r| row(r, now))
        .optional()?
        .ok_or_else(|| ApiError::not_found("case", token))
}

/// Reads one case by id.
pub fn load_by_id(conn: &Connection, id: i64, now: i64) -> Result<CaseOut, ApiError> {
    conn.prepare_cached(&format!("SELECT {COLS} FROM {FROM} WHERE c.id = ?1"))?
        .query_row([id], |r| row(r, now))
        .optional()?
        .ok_or_else(|| ApiError::not_found("case", &id.to_string()))
}

/// What the write paths need to know about a case.
pub struct CaseState {
    pub id: i64,
    pub token: String,
    pub name: String,
    pub status: CaseStatus,
    pub assigned_to: Option<String>,
    pub sla_due_at: i64,
    pub sla_paused_at: Option<i64>,
    pub risk_tier: Option<RiskTier>,
}

pub fn state_of(conn: &Connection, token: &str) -> Result<CaseState, ApiError> {
    let found = conn
        .prepare_cached(
            "SELECT id, token, name, status, assigned_to, sla_due_at, sla_paused_at, risk_tier FROM cases WHERE token = ?1",
        )?
        .query_row([token], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let (id, token, name, status, assigned_to, sla_due_at, sla_paused_at, tier) =
        found.ok_or_else(|| ApiError::not_found("case", token))?;
    Ok(CaseState {
        id,
        token,
        name,
        status: status
            .parse()
            .map_err(|_| ApiError::internal("stored case status is damaged"))?,
        assigned_to,
        sla_due_at,
        sla_paused_at,
        risk_tier: tier.and_then(|t| t.parse().ok()),
    })
}

fn refuse_closed(c: &CaseState) -> Result<(), ApiError> {
    if c.status == CaseStatus::Closed {
        return Err(ApiError::unprocessable(
            "CASE_CLOSED",
            format!("Case {} is Closed; closed cases cannot change.", c.name),
        )
        .with("case_token", c.token.clone()));
    }
    Ok(())
}

/// Checks that `user_id` names a user who can do work.
pub fn assignable(
    state_users: &std::collections::HashMap<String, super::User>,
    field: &str,
    user_id: &str,
) -> Result<(), ApiError> {
    match state_users.get(user_id) {
        None => Err(ApiError::validation(
            field,
            format!("no user with id {user_id:?}"),
        )),
        Some(u) if !u.role.can_write() => Err(ApiError::validation(
            field,
            format!("user {user_id:?} is an auditor and cannot be given work"),
        )),
        Some(_) => Ok(()),
    }
}

fn invalid_transition(from: CaseStatus, to: CaseStatus, message: String) -> ApiError {
    ApiError::unprocessable("invalid_transition", message)
        .with("current_status", from.as_str())
        .with("requested_status", to.as_str())
        .with(
            "allowed_statuses",
            lifecycle::patch_targets(from)
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
        )
}

#[cfg(test)]
mod tests {
    use super::{COLS, FROM, at};

    /// `row` reads by position: each position must be the column it stands for in `COLS`.
    #[test]
    fn positions_are_the_columns_of_cols() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::sandbox::db::open_writer(&dir.path().join("cols.db")).unwrap();
        let stmt = conn.prepare(&format!("SELECT {COLS} FROM {FROM}")).unwrap();
        let names: Vec<&str> = stmt.column_names().collect();
        let expect = [
            (at::ID, "id"),
            (at::TOKEN, "token"),
            (at::NAME, "name"),
            (at::TYPE, "type"),
            (at::STATUS, "status"),
            (at::PRIORITY, "priority"),
            (at::ENTITY_CATEGORY, "entity_category"),
            (at::ASSIGNED_TO, "assigned_to"),
            (at::SLA_DUE_AT, "sla_due_at"),
            (at::SLA_WARNING_DAYS, "sla_warning_days"),
            (at::SLA_PAUSED_AT, "sla_paused_at"),
            (at::RISK_TIER, "risk_tier"),
            (at::RISK_SCORE, "risk_score"),
            (at::DECISION, "decision"),
            (at::SUMMARY, "summary"),
            (at::ESCALATED_TO, "escalated_to"),
            (at::ESCALATION_REASON, "escalation_reason"),
            (at::ESCALATED_AT, "escalated_at"),
            (at::EXTERNAL_REFERENCE, "external_reference"),
            (at::METADATA, "metadata"),
            (at::OPEN_ALERTS_COUNT, "open_alerts_count"),
            (at::TOTAL_ALERTS_COUNT, "total_alerts_count"),
            (at::TOTAL_ENTITIES_COUNT, "total_entities_count"),
            (at::VERSION, "version"),
            (at::CREATED_AT, "created_at"),
            (at::UPDATED_AT, "updated_at"),
            (at::CLOSED_AT, "closed_at"),
            (at::ENTITY_TOKEN, "entity_token"),
            (at::ENTITY_NAME, "entity_name"),
            (at::AWAITING_APPROVAL, "awaiting_approval"),
        ];
        assert_eq!(
            names.len(),
            expect.len(),
            "every column of COLS has a position"
        );
        for (pos, name) in expect {
            assert_eq!(names[pos], name, "position {pos}");
        }
    }
}
