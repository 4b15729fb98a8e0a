//! The audit trail: `GET /v1/audit-logs`, `GET /v1/cases/{token}/timeline`, and the refusal of
//! any change to an entry (entries are also protected by triggers in the database).

use axum::extract::State;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row};
use serde::Serialize;
use serde_json::Value;

use super::extract::{Ctx, Params, Path};
use super::list::{self, ListSpec, Parent};
use super::render::{get_response, json_col, ts};
use super::write::Op;
use super::{ApiError, AppState, random_alnum};
use crate::sandbox::store::{self, AuditRow};

/// Severity of an audit event, per Zenoo's catalogue.
pub fn severity(event_type: &str) -> &'static str {
    match event_type {
        "CASE_ESCALATION" | "ALERT_ESCALATED" | "RISK_TIER_OVERRIDE" | "CHECK_WAIVED"
        | "CHECK_REJECTED" | "REVIEWER_REJECTED" => "WARNING",
        _ => "INFO",
    }
}

/// Appends an entry for a change made by `op.actor`.
pub fn record(
    conn: &Connection,
    op: &Op,
    case_id: Option<i64>,
    event_type: &str,
    target_type: &str,
    target_token: &str,
    details: Value,
) -> rusqlite::Result<()> {
    store::insert_audit(
        conn,
        &AuditRow {
            token: &format!("aud_{}", random_alnum(12)),
            case_id,
            event_type,
            severity: severity(event_type),
            actor_id: &op.actor.user_id,
            actor_type: "user",
            target_type,
            target_token,
            details: &details,
            request_id: Some(&op.request_id),
            created_at: op.now,
        },
    )
}

#[derive(Serialize)]
pub struct Actor {
    pub user_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Serialize)]
pub struct AuditOut {
    pub token: String,
    pub event_type: String,
    pub severity: String,
    pub actor: Actor,
    pub target_type: String,
    pub target_token: String,
    pub case_token: Option<String>,
    pub details: Value,
    pub request_id: Option<String>,
    pub ip_address: Option<String>,
    pub created_at: String,
}

const COLS: &str = "a.token, a.event_type, a.severity, a.actor_id, a.actor_type, COALESCE(u.name, 'System') AS actor_name, \
    a.target_type, a.target_token, c.token AS case_token, a.details, a.request_id, a.ip_address, a.created_at";
const FROM: &str =
    "audit a LEFT JOIN users u ON u.user_id = a.actor_id LEFT JOIN cases c ON c.id = a.case_id";
const SORTS: &[(&str, &str)] = &[("created_at", "a.created_at")];

fn row(r: &Row<'_>, _now: i64) -> rusqlite::Result<AuditOut> {
    Ok(AuditOut {
        token: r.get("token")?,
        event_type: r.get("event_type")?,
        severity: r.get("severity")?,
        actor: Actor {
            user_id: r.get("actor_id")?,
            name: r.get("actor_name")?,
            kind: r.get("actor_type")?,
        },
        target_type: r.get("target_type")?,
        target_token: r.get("target_token")?,
        case_token: r.get("case_token")?,
        details: json_col(&r.get::<_, String>("details")?),
        request_id: r.get("request_id")?,
        ip_address: r.get("ip_address")?,
        created_at: ts(r.get("created_at")?),
    })
}

/// Accepts both spellings seen in Zenoo's docs: `case.created` and `CASE_CREATED`.
fn normalize_event(e: &str) -> String {
    e.replace('.', "_").to_uppercase()
}

fn spec(params: &Params) -> Result<ListSpec<'static>, ApiError> {
    let mut spec = ListSpec {
        columns: COLS,
        from: FROM,
        narrow: Some("audit a"),
        id: "a.id",
        filters: vec![],
        params: vec![],
        sorts: SORTS,
        default_sort: "created_at",
        splits: &[],
    };
    let events: Vec<SqlValue> = params
        .strings("event_type")
        .iter()
        .map(|e| SqlValue::Text(normalize_event(e)))
        .collect();
    spec.filter_in("a.event_type", events);
    if let Some(actor) = params.str("actor") {
        spec.filter("a.actor_id = ?", [SqlValue::Text(actor.into())]);
    }
    let targets: Vec<SqlValue> = params
        .strings("target_type")
        .into_iter()
        .map(|t| match t.as_str() {
            "case" | "alert" | "check" | "entity" | "risk_assessment" | "comment" | "reviewer" => {
                Ok(SqlValue::Text(t))
            }
            _ => Err(ApiError::validation(
                "target_type",
                format!("unknown value {t:?}, expected one of: case, alert, check, entity, risk_assessment, comment, reviewer"),
            )),
        })
        .collect::<Result<_, _>>()?;
    spec.filter_in("a.target_type", targets);
    if let Some(t) = params.str("target_token") {
        spec.filter("a.target_token = ?", [SqlValue::Text(t.into())]);
    }
    if let Some(from) = params.time("from")? {
        spec.filter("a.created_at >= ?", [SqlValue::Integer(from)]);
    }
    if let Some(to) = params.time("to")? {
        spec.filter("a.created_at <= ?", [SqlValue::Integer(to)]);
    }
    Ok(spec)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = spec(&params)?;
    list::respond(&state.db, &ctx.headers, params, spec, None, row).await
}

pub async fn case_timeline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(case_token): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = spec(&params)?;
    let parent = Parent {
        table: "cases",
        what: "case",
        column: "a.case_id",
        token: case_token,
    };
    list::respond(&state.db, &ctx.headers, params, spec, Some(parent), row).await
}

pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let item = state
        .db
        .read(move |conn| {
            let sql = format!("SELECT {COLS} FROM {FROM} WHERE a.token = ?1");
            use rusqlite::OptionalExtension;
            conn.prepare_cached(&sql)?
                .query_row([&token], |r| row(r, 0))
                .optional()?
                .ok_or_else(|| ApiError::not_found("audit entry", &token))
        })
        .await?;
    Ok(get_response(&ctx.headers, &item, None))
}

pub async fn immutable(_ctx: Ctx) -> ApiError {
    ApiError::forbidden("Audit entries are immutable; they cannot be updated or deleted.")
}
