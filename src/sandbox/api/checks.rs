//! Checks: list per case or entity, read, and waive with a reason.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::cases::MAX_REASON;
use super::extract::{Body, Ctx, Params, Path, text};
use super::list::{self, ListSpec, Parent};
use super::render::{get_response, json_col, ts, ts_opt};
use super::write::apply;
use super::{ApiError, AppState, audit};
use crate::domain::{CheckCategory, CheckStatus, WaiveReason};
use crate::sandbox::store;

#[derive(Serialize, Debug)]
pub struct CheckOut {
    pub token: String,
    pub case_token: String,
    pub entity_token: String,
    pub entity_name: String,
    pub type_code: String,
    pub name: String,
    pub category: String,
    pub status: String,
    pub result: Option<String>,
    pub provider: String,
    pub execution_method: String,
    pub result_data: Value,
    pub alerts_generated: i64,
    pub waive_reason: Option<String>,
    pub waive_notes: Option<String>,
    pub retry_count: i64,
    pub valid_until: Option<String>,
    pub executed_at: Option<String>,
    pub completed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str = "k.token, c.token AS case_token, e.token AS entity_token, e.full_name AS entity_name, k.type_code, k.name, \
    k.category, k.status, k.result, k.provider, k.execution_method, k.result_data, k.alerts_generated, k.waive_reason, \
    k.waive_notes, k.retry_count, k.valid_until, k.executed_at, k.completed_at, k.created_at, k.updated_at";
const FROM: &str =
    "checks k JOIN cases c ON c.id = k.case_id JOIN entities e ON e.id = k.entity_id";
const SORTS: &[(&str, &str)] = &[
    ("created_at", "k.created_at"),
    ("updated_at", "k.updated_at"),
];

fn row(r: &Row<'_>, _now: i64) -> rusqlite::Result<CheckOut> {
    Ok(CheckOut {
        token: r.get("token")?,
        case_token: r.get("case_token")?,
        entity_token: r.get("entity_token")?,
        entity_name: r.get("entity_name")?,
        type_code: r.get("type_code")?,
        name: r.get("name")?,
        category: r.get("category")?,
        status: r.get("status")?,
        result: r.get("result")?,
        provider: r.get("provider")?,
        execution_method: r.get("execution_method")?,
        result_data: json_col(&r.get::<_, String>("result_data")?),
        alerts_generated: r.get("alerts_generated")?,
        waive_reason: r.get("waive_reason")?,
        waive_notes: r.get("waive_notes")?,
        retry_count: r.get("retry_count")?,
        valid_until: ts_opt(r.get("valid_until")?),
        executed_at: ts_opt(r.get("executed_at")?),
        completed_at: ts_opt(r.get("completed_at")?),
        created_at: ts(r.get("created_at")?),
        updated_at: ts(r.get("updated_at")?),
    })
}

/// Every check of a case.
pub fn for_case(conn: &Connection, case_id: i64) -> Result<Vec<CheckOut>, ApiError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM {FROM} WHERE k.case_id = ?1 ORDER BY k.id"
        ))?
        .query_map([case_id], |r| row(r, 0))?
        .collect::<Result<_, _>>()?)
}

fn spec(params: &Params) -> Result<ListSpec<'static>, ApiError> {
    let mut spec = ListSpec {
        columns: COLS,
        from: FROM,
        narrow: None,
        id: "k.id",
        filters: vec![],
        params: vec![],
        sorts: SORTS,
        default_sort: "created_at",
        splits: &[],
    };
    spec.filter_enum::<CheckStatus>("k.status", params, "status")?;
    spec.filter_enum::<CheckCategory>("k.category", params, "category")?;
    Ok(spec)
}

async fn list_by(
    state: AppState,
    ctx: Ctx,
    params: Params,
    parent: Parent,
) -> Result<Response, ApiError> {
    let spec = spec(&params)?;
    list::respond(&state.db, &ctx.headers, params, spec, Some(parent), row).await
}

pub async fn list_for_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let parent = Parent {
        table: "cases",
        what: "case",
        column: "k.case_id",
        token,
    };
    list_by(state, ctx, params, parent).await
}

pub async fn list_for_entity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let parent = Parent {
        table: "entities",
        what: "entity",
        column: "k.entity_id",
        token,
    };
    list_by(state, ctx, params, parent).await
}

fn load(conn: &Connection, token: &str) -> Result<CheckOut, ApiError> {
    conn.prepare_cached(&format!("SELECT {COLS} FROM {FROM} WHERE k.token = ?1"))?
        .query_row([token], |r| row(r, 0))
        .optional()?
        .ok_or_else(|| ApiError::not_found("check", token))
}

pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let check = state.db.read(move |conn| load(conn, &token)).await?;
    Ok(get_response(&ctx.headers, &check, None))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Waive {
    pub reason: Option<WaiveReason>,
    pub notes: Option<String>,
}

pub async fn waive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<Waive>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let reason = b
        .reason
        .ok_or_else(|| ApiError::validation("reason", "is required"))?;
    text("notes", &b.notes, MAX_REASON, reason == WaiveReason::Other)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let found: Option<(i64, i64, String, String)> = tx
            .query_row(
                "SELECT k.id, k.case_id, k.status, c.status FROM checks k JOIN cases c ON c.id = k.case_id WHERE k.token = ?1",
                [&token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (id, case_id, status, case_status) = found.ok_or_else(|| ApiError::not_found("check", &token))?;
        if case_status == "Closed" {
            return Err(ApiError::unprocessable("CASE_CLOSED", "The check's case is Closed."));
        }
        // Zenoo's UI offers Waive on Pending and Awaiting Document checks only.
        if !matches!(status.as_str(), "Pending" | "Awaiting Document") {
            return Err(ApiError::unprocessable(
                "INVALID_CHECK_STATE",
                format!("Check {token} is {status}; only Pending or Awaiting Document checks can be waived."),
            )
            .with("current_status", status));
        }
        tx.execute(
            "UPDATE checks SET status = 'Waived', waive_reason = ?2, waive_notes = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, reason.as_str(), b.notes, op.now],
        )?;
        store::touch_case(tx, case_id, op.now)?;
        audit::record(
            tx,
            op,
            Some(case_id),
            "CHECK_WAIVED",
            "check",
            &token,
            json!({ "before": { "status": status }, "after": { "status": "Waived", "waive_reason": reason }, "rationale": b.notes }),
        )?;
        Ok(serde_json::to_value(load(tx, &token)?).unwrap_or(Value::Null))
    })
    .await
}
