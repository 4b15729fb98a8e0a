//! Reviewers on a case (four-eyes): who is invited, and the invited approver's own approve or
//! reject.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{MAX_REASON, refuse_closed, state_of};
use crate::domain::{ReviewerRole, ReviewerStatus, UserRole};
use crate::sandbox::api::extract::{Body, Ctx, Path, text};
use crate::sandbox::api::render::{PageMeta, get_response, ts, ts_opt};
use crate::sandbox::api::write::apply;
use crate::sandbox::api::{ApiError, AppState, audit, random_alnum};
use crate::sandbox::store;

#[derive(Serialize)]
pub struct ReviewerOut {
    pub token: String,
    pub case_token: String,
    pub user_id: String,
    pub name: String,
    pub role: String,
    pub status: String,
    pub message: Option<String>,
    pub notes: Option<String>,
    pub invited_by: String,
    pub invited_at: String,
    pub responded_at: Option<String>,
}

const REVIEWER_SQL: &str = "SELECT r.token, c.token, r.user_id, COALESCE(u.name, r.user_id), r.role, r.status, r.message, \
    r.notes, r.invited_by, r.invited_at, r.responded_at FROM reviewers r JOIN cases c ON c.id = r.case_id \
    LEFT JOIN users u ON u.user_id = r.user_id";

fn reviewer_row(r: &Row<'_>) -> rusqlite::Result<ReviewerOut> {
    Ok(ReviewerOut {
        token: r.get(0)?,
        case_token: r.get(1)?,
        user_id: r.get(2)?,
        name: r.get(3)?,
        role: r.get(4)?,
        status: r.get(5)?,
        message: r.get(6)?,
        notes: r.get(7)?,
        invited_by: r.get(8)?,
        invited_at: ts(r.get(9)?),
        responded_at: ts_opt(r.get(10)?),
    })
}

pub fn reviewers_of(conn: &Connection, case_id: i64) -> Result<Vec<ReviewerOut>, ApiError> {
    Ok(conn
        .prepare_cached(&format!(
            "{REVIEWER_SQL} WHERE r.case_id = ?1 ORDER BY r.id"
        ))?
        .query_map([case_id], reviewer_row)?
        .collect::<Result<_, _>>()?)
}

pub async fn list_reviewers(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let items = state
        .db
        .read(move |conn| {
            let id = store::id_of(conn, "cases", &token)?
                .ok_or_else(|| ApiError::not_found("case", &token))?;
            reviewers_of(conn, id)
        })
        .await?;
    let meta = PageMeta {
        cursor: None,
        has_more: false,
        total: Some(items.len() as i64),
    };
    Ok(get_response(&ctx.headers, &items, Some(&meta)))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AddReviewer {
    pub user_id: Option<String>,
    pub role: Option<ReviewerRole>,
    pub message: Option<String>,
}

pub async fn add_reviewer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<AddReviewer>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let user_id = b
        .user_id
        .clone()
        .ok_or_else(|| ApiError::validation("user_id", "is required"))?;
    text("message", &b.message, MAX_REASON, false)?;
    let user =
        state.users.get(&user_id).cloned().ok_or_else(|| {
            ApiError::validation("user_id", format!("no user with id {user_id:?}"))
        })?;
    if user.role != UserRole::Approver {
        return Err(ApiError::unprocessable(
            "NOT_AN_APPROVER",
            format!(
                "{} ({}) has the {} role; only approvers can be added as Approver.",
                user.name, user.user_id, user.role
            ),
        ));
    }
    let role = b.role.unwrap_or(ReviewerRole::Approver);
    apply(&state, &ctx, &body.hash, StatusCode::CREATED, move |tx, op| {
        let c = state_of(tx, &token)?;
        refuse_closed(&c)?;
        let active: i64 = tx.query_row(
            "SELECT COUNT(*) FROM reviewers WHERE case_id = ?1 AND user_id = ?2 AND status IN ('Invited', 'Reviewing', 'Approved')",
            params![c.id, user_id],
            |r| r.get(0),
        )?;
        if active > 0 {
            return Err(ApiError::unprocessable(
                "REVIEWER_EXISTS",
                format!("{} is already a reviewer on {}.", user.name, c.name),
            ));
        }
        let rtoken = format!("rev_{}", random_alnum(12));
        tx.execute(
            "INSERT INTO reviewers (token, case_id, user_id, role, status, message, invited_by, invited_at) \
             VALUES (?1, ?2, ?3, ?4, 'Invited', ?5, ?6, ?7)",
            params![rtoken, c.id, user_id, role.as_str(), b.message, op.actor.user_id, op.now],
        )?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            "REVIEWER_ADDED",
            "reviewer",
            &rtoken,
            json!({ "after": { "user_id": user_id, "role": role, "status": "Invited" }, "rationale": b.message }),
        )?;
        let out = tx
            .prepare_cached(&format!("{REVIEWER_SQL} WHERE r.token = ?1"))?
            .query_row([&rtoken], reviewer_row)?;
        Ok(serde_json::to_value(out).unwrap_or(Value::Null))
    })
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ReviewerDecision {
    pub notes: Option<String>,
}

async fn decide(
    state: AppState,
    ctx: Ctx,
    case_token: String,
    reviewer_token: String,
    body: Body<ReviewerDecision>,
    approve: bool,
) -> Result<Response, ApiError> {
    let b = body.value;
    text("notes", &b.notes, MAX_REASON, !approve)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let c = state_of(tx, &case_token)?;
        refuse_closed(&c)?;
        let found: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT id, user_id, status FROM reviewers WHERE token = ?1 AND case_id = ?2",
                params![reviewer_token, c.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (rid, user_id, status) = found.ok_or_else(|| ApiError::not_found("reviewer", &reviewer_token))?;
        if user_id != op.actor.user_id {
            return Err(ApiError::forbidden(format!(
                "Only the invited approver ({user_id}) can record this decision."
            )));
        }
        let status: ReviewerStatus = status.parse().unwrap_or(ReviewerStatus::Removed);
        if !matches!(status, ReviewerStatus::Invited | ReviewerStatus::Reviewing) {
            return Err(ApiError::unprocessable(
                "REVIEW_ALREADY_DECIDED",
                format!("This review is already {status}."),
            ));
        }
        let to = if approve { ReviewerStatus::Approved } else { ReviewerStatus::Rejected };
        tx.execute(
            "UPDATE reviewers SET status = ?2, notes = ?3, responded_at = ?4 WHERE id = ?1",
            params![rid, to.as_str(), b.notes, op.now],
        )?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            if approve { "REVIEWER_APPROVED" } else { "REVIEWER_REJECTED" },
            "reviewer",
            &reviewer_token,
            json!({ "before": { "status": status }, "after": { "status": to }, "rationale": b.notes }),
        )?;
        let out = tx
            .prepare_cached(&format!("{REVIEWER_SQL} WHERE r.id = ?1"))?
            .query_row([rid], reviewer_row)?;
        Ok(serde_json::to_value(out).unwrap_or(Value::Null))
    })
    .await
}

pub async fn approve_reviewer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((case_token, reviewer_token)): Path<(String, String)>,
    body: Body<ReviewerDecision>,
) -> Result<Response, ApiError> {
    decide(state, ctx, case_token, reviewer_token, body, true).await
}

pub async fn reject_reviewer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((case_token, reviewer_token)): Path<(String, String)>,
    body: Body<ReviewerDecision>,
) -> Result<Response, ApiError> {
    decide(state, ctx, case_token, reviewer_token, body, false).await
}
