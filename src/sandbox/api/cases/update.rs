//! Changing an open case: `PATCH` (status, assignment, metadata) and escalation, with the SLA
//! clock paused in Client Input and resumed on leaving it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Transaction, params};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    CaseState, MAX_REASON, assignable, invalid_transition, load_by_id, refuse_closed, state_of,
};
use crate::domain::CaseStatus;
use crate::domain::lifecycle::{self, Route};
use crate::sandbox::api::extract::{Body, Ctx, Path, present, text};
use crate::sandbox::api::render::json_col;
use crate::sandbox::api::write::apply;
use crate::sandbox::api::{ApiError, AppState, audit};
use crate::sandbox::store;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PatchCase {
    pub status: Option<CaseStatus>,
    #[serde(default, deserialize_with = "present")]
    pub assigned_to: Option<Option<String>>,
    pub metadata: Option<Map<String, Value>>,
}

/// Moves a case to `to`, keeping the SLA clock right around Client Input.
fn set_status(
    tx: &Transaction<'_>,
    c: &CaseState,
    to: CaseStatus,
    now: i64,
) -> rusqlite::Result<()> {
    let (due, paused) = match (c.status, to) {
        (CaseStatus::ClientInput, t) if t != CaseStatus::ClientInput => (
            lifecycle::effective_deadline(c.sla_due_at, c.sla_paused_at, now),
            None,
        ),
        (_, CaseStatus::ClientInput) => (c.sla_due_at, Some(now)),
        _ => (c.sla_due_at, c.sla_paused_at),
    };
    tx.prepare_cached("UPDATE cases SET status = ?2, sla_due_at = ?3, sla_paused_at = ?4, updated_at = ?5 WHERE id = ?1")?
        .execute(params![c.id, to.as_str(), due, paused, now])?;
    Ok(())
}

pub async fn patch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<PatchCase>,
) -> Result<Response, ApiError> {
    let b = body.value;
    if b.status.is_none() && b.assigned_to.is_none() && b.metadata.is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Nothing to change: send at least one of status, assigned_to, metadata.",
        ));
    }
    if let Some(Some(a)) = &b.assigned_to {
        assignable(&state.users, "assigned_to", a)?;
    }
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let c = state_of(tx, &token)?;
        if let Some(to) = b.status {
            if let Err(msg) = lifecycle::check_transition(c.status, to, Route::Patch) {
                return Err(invalid_transition(c.status, to, msg));
            }
        } else {
            refuse_closed(&c)?;
        }
        if let Some(to) = b.status {
            set_status(tx, &c, to, op.now)?;
            audit::record(
                tx,
                op,
                Some(c.id),
                "CASE_STATUS_CHANGE",
                "case",
                &c.token,
                json!({ "before": { "status": c.status }, "after": { "status": to } }),
            )?;
        }
        if let Some(assignee) = &b.assigned_to
            && *assignee != c.assigned_to
        {
            tx.prepare_cached("UPDATE cases SET assigned_to = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![c.id, assignee, op.now])?;
            audit::record(
                tx,
                op,
                Some(c.id),
                "CASE_ASSIGNMENT",
                "case",
                &c.token,
                json!({ "before": { "assigned_to": c.assigned_to }, "after": { "assigned_to": assignee } }),
            )?;
        }
        if let Some(meta) = &b.metadata {
            let before: String = tx.query_row("SELECT metadata FROM cases WHERE id = ?1", [c.id], |r| r.get(0))?;
            let after = Value::Object(meta.clone());
            tx.prepare_cached("UPDATE cases SET metadata = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![c.id, after.to_string(), op.now])?;
            audit::record(
                tx,
                op,
                Some(c.id),
                "CASE_UPDATED",
                "case",
                &c.token,
                json!({ "before": { "metadata": json_col(&before) }, "after": { "metadata": after } }),
            )?;
        }
        store::touch_case(tx, c.id, op.now)?;
        Ok(serde_json::to_value(load_by_id(tx, c.id, op.now)?).unwrap_or(Value::Null))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Escalate

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Escalate {
    pub reason: Option<String>,
    pub escalate_to: Option<String>,
}

pub async fn escalate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<Escalate>,
) -> Result<Response, ApiError> {
    let b = body.value;
    text("reason", &b.reason, MAX_REASON, true)?;
    if let Some(to) = &b.escalate_to {
        assignable(&state.users, "escalate_to", to)?;
    }
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let c = state_of(tx, &token)?;
        if let Err(msg) = lifecycle::check_transition(c.status, CaseStatus::Escalated, Route::Escalate) {
            return Err(invalid_transition(c.status, CaseStatus::Escalated, msg));
        }
        set_status(tx, &c, CaseStatus::Escalated, op.now)?;
        tx.prepare_cached(
            "UPDATE cases SET escalated_to = ?2, escalation_reason = ?3, escalated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![c.id, b.escalate_to, b.reason, op.now])?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            "CASE_ESCALATION",
            "case",
            &c.token,
            json!({
                "before": { "status": c.status },
                "after": { "status": "Escalated", "escalated_to": b.escalate_to },
                "rationale": b.reason,
            }),
        )?;
        Ok(serde_json::to_value(load_by_id(tx, c.id, op.now)?).unwrap_or(Value::Null))
    })
    .await
}
