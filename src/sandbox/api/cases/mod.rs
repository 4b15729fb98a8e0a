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

pub fn row(r: &Row<'_>, now: i64) -> rusqlite::Result<CaseOut> {
    let status: String = r.get("status")?;
    let due: i64 = r.get("sla_due_at")?;
    let paused: Option<i64> = r.get("sla_paused_at")?;
    let closed_at: Option<i64> = r.get("closed_at")?;
    let warning_days: i64 = r.get("sla_warning_days")?;
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
        token: r.get("token")?,
        name: r.get("name")?,
        case_type: r.get("type")?,
        status,
        priority: r.get("priority")?,
        entity_category: r.get("entity_category")?,
        entity_token: r.get("entity_token")?,
        entity_name: r.get("entity_name")?,
        assigned_to: r.get("assigned_to")?,
        sla_deadline: ts(deadline),
        sla_status,
        sla_paused: paused.is_some() && closed_at.is_none(),
        sla_hours_remaining: remaining,
        open_alerts_count: r.get("open_alerts_count")?,
        total_alerts_count: r.get("total_alerts_count")?,
        total_entities_count: r.get("total_entities_count")?,
        risk_tier: r.get("risk_tier")?,
        risk_score: r.get("risk_score")?,
        decision: r.get("decision")?,
        summary: r.get("summary")?,
        escalated_to: r.get("escalated_to")?,
        escalation_reason: r.get("escalation_reason")?,
        escalation_date: ts_opt(r.get("escalated_at")?),
        external_reference: r.get("external_reference")?,
        metadata: json_col(&r.get::<_, String>("metadata")?),
        version: r.get("version")?,
        awaiting_approval: r
            .get::<_, Option<String>>("awaiting_approval")?
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        created_at: ts(r.get("created_at")?),
        updated_at: ts(r.get("updated_at")?),
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
