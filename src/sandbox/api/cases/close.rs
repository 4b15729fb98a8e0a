//! Closing a case: the decision and summary, refused with each unmet precondition named (the
//! rule is the domain's, which the console applies too).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{CaseState, MAX_SUMMARY, invalid_transition, load_by_id, state_of};
use crate::domain::lifecycle::{self, Route};
use crate::domain::{CaseStatus, Decision};
use crate::sandbox::api::extract::{Body, Ctx, Path, text};
use crate::sandbox::api::write::apply;
use crate::sandbox::api::{ApiError, AppState, audit};
use crate::sandbox::store;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CloseCase {
    pub decision: Option<Decision>,
    pub summary: Option<String>,
}

/// Why a case cannot close yet: each unmet precondition, named (the rule itself is
/// [`lifecycle::close_blockers`](crate::domain::lifecycle::close_blockers), which the console
/// applies too).
pub fn close_blockers(
    conn: &Connection,
    c: &CaseState,
    closer: &str,
) -> Result<Vec<Value>, ApiError> {
    use crate::domain::lifecycle::{self, CloseBlocker};
    use crate::domain::{AlertStatus, AssessmentStatus};
    let open: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT token, status FROM alerts WHERE case_id = ?1 AND status NOT IN ('Resolved', 'False Positive') ORDER BY id",
        )?
        .query_map([c.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(Iterator::collect)?;
    let risk: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT token, status FROM risk_assessments WHERE case_id = ?1 AND status != 'Superseded' ORDER BY id DESC LIMIT 1",
        )?
        .query_row([c.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let approved_by: Vec<String> = conn
        .prepare_cached(
            "SELECT user_id FROM reviewers WHERE case_id = ?1 AND role = 'Approver' AND status = 'Approved'",
        )?
        .query_map([c.id], |r| r.get(0))
        .and_then(Iterator::collect)?;
    let approved_by: Vec<&str> = approved_by.iter().map(String::as_str).collect();
    let blockers = lifecycle::close_blockers(
        open.iter()
            .map(|(t, s)| (t.clone(), s.parse().unwrap_or(AlertStatus::Open)))
            .collect(),
        risk.as_ref()
            .map(|(t, s)| (t.clone(), s.parse().unwrap_or(AssessmentStatus::Draft))),
        c.risk_tier,
        &approved_by,
        Some(closer),
    );
    Ok(blockers
        .iter()
        .map(|b| {
            let message = b.message("the person closing it");
            match b {
                CloseBlocker::OpenAlerts(open) => json!({
                    "code": b.code(),
                    "message": message,
                    "alert_tokens": open.iter().map(|(t, _)| t).collect::<Vec<_>>(),
                    "alert_statuses": open.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
                }),
                CloseBlocker::RiskNotApproved {
                    assessment: Some((t, _)),
                } => json!({ "code": b.code(), "message": message, "assessment_token": t }),
                _ => json!({ "code": b.code(), "message": message }),
            }
        })
        .collect())
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<CloseCase>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let decision = b
        .decision
        .ok_or_else(|| ApiError::validation("decision", "is required (Approve or Decline)"))?;
    text("summary", &b.summary, MAX_SUMMARY, false)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let c = state_of(tx, &token)?;
        if let Err(msg) = lifecycle::check_transition(c.status, CaseStatus::Closed, Route::Close) {
            return Err(invalid_transition(c.status, CaseStatus::Closed, msg));
        }
        let unmet = close_blockers(tx, &c, &op.actor.user_id)?;
        if !unmet.is_empty() {
            let reasons: Vec<&str> = unmet.iter().filter_map(|u| u["message"].as_str()).collect();
            return Err(ApiError::unprocessable(
                "CLOSE_PRECONDITIONS_UNMET",
                format!("Case {} cannot close: {}", c.name, reasons.join(" ")),
            )
            .with("unmet", unmet));
        }
        tx.prepare_cached(
            "UPDATE cases SET status = 'Closed', decision = ?2, summary = ?3, closed_at = ?4, updated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![c.id, decision.as_str(), b.summary, op.now])?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            "CASE_CLOSURE",
            "case",
            &c.token,
            json!({
                "before": { "status": c.status },
                "after": { "status": "Closed", "decision": decision },
                "rationale": b.summary,
            }),
        )?;
        Ok(serde_json::to_value(load_by_id(tx, c.id, op.now)?).unwrap_or(Value::Null))
    })
    .await
}
