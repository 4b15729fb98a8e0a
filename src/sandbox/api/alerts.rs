//! Alerts: list and read, resolve, escalate, and the bulk resolve / acknowledge / assign routes.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::cases::{MAX_REASON, assignable};
use super::extract::{Body, Ctx, Params, Path, text};
use super::list::{self, ListSpec, Parent};
use super::render::{get_response, json_col, read_clock, ts, ts_opt};
use super::write::{Op, apply};
use super::{ApiError, AppState, audit};
use crate::domain::lifecycle;
use crate::domain::{
    AlertStatus, AlertType, AssessmentStatus, Priority, ResolutionAction, SlaStatus,
};
use crate::sandbox::store;

pub const MAX_RATIONALE: usize = 5000;
pub const MAX_CONDITIONS: usize = 2000;
pub const MAX_NOTE: usize = 1000;
pub const MAX_BULK: usize = 50;

#[derive(Serialize, Debug)]
pub struct AlertOut {
    pub token: String,
    pub case_token: String,
    pub entity_token: String,
    pub entity_name: String,
    #[serde(rename = "type")]
    pub alert_type: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub priority: String,
    pub priority_score: f64,
    pub match_score: Option<f64>,
    pub sla_deadline: String,
    pub sla_status: SlaStatus,
    pub sla_hours_remaining: Option<f64>,
    pub source_data: Value,
    pub ai_assessment: Option<String>,
    pub resolution_action: Option<String>,
    pub resolution_rationale: Option<String>,
    pub conditions: Option<String>,
    pub is_false_positive: bool,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub assigned_to: Option<String>,
    pub escalated_to: Option<String>,
    pub escalation_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub const COLS: &str = "a.id, a.token, c.token AS case_token, e.token AS entity_token, e.full_name AS entity_name, a.type, \
    a.category, a.title, a.description, a.status, a.priority, a.priority_score, a.match_score, a.sla_due_at, \
    a.source_data, a.ai_assessment, a.resolution_action, a.resolution_rationale, a.conditions, a.is_false_positive, \
    a.resolved_by, a.resolved_at, a.assigned_to, a.escalated_to, a.escalation_reason, a.created_at, a.updated_at";
pub const FROM: &str =
    "alerts a JOIN cases c ON c.id = a.case_id JOIN entities e ON e.id = a.entity_id";
const SORTS: &[(&str, &str)] = &[
    ("priority_score", "a.priority_score"),
    ("created_at", "a.created_at"),
    ("updated_at", "a.updated_at"),
    ("sla_due_date", "a.sla_due_at"),
    ("sla_deadline", "a.sla_due_at"),
    ("match_score", "COALESCE(a.match_score, -1)"),
];

pub fn row(r: &Row<'_>, now: i64) -> rusqlite::Result<AlertOut> {
    let status: String = r.get("status")?;
    let priority: String = r.get("priority")?;
    let p: Priority = priority.parse().unwrap_or(Priority::Medium);
    let due: i64 = r.get("sla_due_at")?;
    let resolved_at: Option<i64> = r.get("resolved_at")?;
    let settled = status
        .parse::<AlertStatus>()
        .map(AlertStatus::is_settled)
        .unwrap_or(false);
    let (sla_status, remaining) = match (settled, resolved_at) {
        (true, Some(at)) => (
            if at > due {
                SlaStatus::Breached
            } else {
                SlaStatus::OnTrack
            },
            None,
        ),
        _ => (
            lifecycle::alert_sla_status(due, p, now),
            Some(((due - now) as f64 / 360.0).round() / 10.0),
        ),
    };
    Ok(AlertOut {
        token: r.get("token")?,
        case_token: r.get("case_token")?,
        entity_token: r.get("entity_token")?,
        entity_name: r.get("entity_name")?,
        alert_type: r.get("type")?,
        category: r.get("category")?,
        title: r.get("title")?,
        description: r.get("description")?,
        status,
        priority,
        priority_score: r.get("priority_score")?,
        match_score: r.get("match_score")?,
        sla_deadline: ts(due),
        sla_status,
        sla_hours_remaining: remaining,
        source_data: json_col(&r.get::<_, String>("source_data")?),
        ai_assessment: r.get("ai_assessment")?,
        resolution_action: r.get("resolution_action")?,
        resolution_rationale: r.get("resolution_rationale")?,
        conditions: r.get("conditions")?,
        is_false_positive: r.get("is_false_positive")?,
        resolved_by: r.get("resolved_by")?,
        resolved_at: ts_opt(resolved_at),
        assigned_to: r.get("assigned_to")?,
        escalated_to: r.get("escalated_to")?,
        escalation_reason: r.get("escalation_reason")?,
        created_at: ts(r.get("created_at")?),
        updated_at: ts(r.get("updated_at")?),
    })
}

fn load(conn: &Connection, token: &str, now: i64) -> Result<AlertOut, ApiError> {
    conn.prepare_cached(&format!("SELECT {COLS} FROM {FROM} WHERE a.token = ?1"))?
        .query_row([token], |r| row(r, now))
        .optional()?
        .ok_or_else(|| ApiError::not_found("alert", token))
}

/// Every alert of a case, highest priority first.
pub fn for_case(conn: &Connection, case_id: i64, now: i64) -> Result<Vec<AlertOut>, ApiError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM {FROM} WHERE a.case_id = ?1 ORDER BY a.priority_score DESC, a.id"
        ))?
        .query_map([case_id], |r| row(r, now))?
        .collect::<Result<_, _>>()?)
}

fn spec(params: &Params) -> Result<ListSpec<'static>, ApiError> {
    let mut spec = ListSpec {
        columns: COLS,
        from: FROM,
        narrow: None,
        id: "a.id",
        filters: vec![],
        params: vec![],
        sorts: SORTS,
        default_sort: "-priority_score",
        splits: &[],
    };
    spec.filter_enum::<AlertStatus>("a.status", params, "status")?;
    spec.filter_enum::<AlertType>("a.type", params, "type")?;
    spec.filter_enum::<Priority>("a.priority", params, "priority")?;
    let strings = |name: &str| {
        params
            .strings(name)
            .into_iter()
            .map(SqlValue::Text)
            .collect::<Vec<_>>()
    };
    spec.filter_in("a.category", strings("category"));
    spec.filter_in("c.token", strings("case_token"));
    spec.filter_in("e.token", strings("entity_token"));
    spec.filter_in("a.assigned_to", strings("assigned_to"));
    if let Some(since) = params.time("updated_since")? {
        spec.filter("a.updated_at >= ?", [SqlValue::Integer(since)]);
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

pub async fn list_for_entity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = spec(&params)?;
    let parent = Parent {
        table: "entities",
        what: "entity",
        column: "a.entity_id",
        token,
    };
    list::respond(&state.db, &ctx.headers, params, spec, Some(parent), row).await
}

pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let alert = state
        .db
        .read(move |conn| load(conn, &token, read_clock()))
        .await?;
    Ok(get_response(&ctx.headers, &alert, None))
}

// ---------------------------------------------------------------------------------------------
// Resolve

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub action: Option<ResolutionAction>,
    pub rationale: Option<String>,
    pub is_false_positive: Option<bool>,
    pub conditions: Option<String>,
}

/// A checked resolution.
#[derive(Clone, Debug)]
pub struct Resolution {
    pub action: ResolutionAction,
    pub rationale: String,
    pub is_false_positive: bool,
    pub conditions: Option<String>,
}

impl Resolution {
    fn check(
        action: Option<ResolutionAction>,
        rationale: Option<String>,
        fp: Option<bool>,
        conditions: Option<String>,
    ) -> Result<Self, ApiError> {
        let action = action.ok_or_else(|| ApiError::validation("action", "is required"))?;
        text("rationale", &rationale, MAX_RATIONALE, true)?;
        text("conditions", &conditions, MAX_CONDITIONS, false)?;
        let fp = fp.unwrap_or(false);
        match action {
            ResolutionAction::ApproveWithConditions => {
                text("conditions", &conditions, MAX_CONDITIONS, true)?
            }
            _ if conditions.is_some() => {
                return Err(ApiError::validation(
                    "conditions",
                    "is only accepted with action \"Approve with Conditions\"",
                ));
            }
            _ => {}
        }
        if fp
            && matches!(
                action,
                ResolutionAction::Escalate | ResolutionAction::RequestDocument
            )
        {
            return Err(ApiError::validation(
                "is_false_positive",
                format!(
                    "cannot be combined with action {action:?}; a false positive is settled, not escalated or pending",
                    action = action.as_str()
                ),
            ));
        }
        Ok(Resolution {
            action,
            rationale: rationale.unwrap_or_default(),
            is_false_positive: fp,
            conditions,
        })
    }

    fn target_status(&self) -> AlertStatus {
        match self.action {
            ResolutionAction::Escalate => AlertStatus::Escalated,
            ResolutionAction::RequestDocument => AlertStatus::Open,
            _ if self.is_false_positive => AlertStatus::FalsePositive,
            _ => AlertStatus::Resolved,
        }
    }
}

struct AlertState {
    id: i64,
    case_id: i64,
    status: AlertStatus,
    assigned_to: Option<String>,
}

fn alert_state(conn: &Connection, token: &str) -> Result<AlertState, ApiError> {
    let found = conn
        .prepare_cached(
            "SELECT a.id, a.case_id, a.status, a.assigned_to, c.status, c.name FROM alerts a JOIN cases c ON c.id = a.case_id WHERE a.token = ?1",
        )?
        .query_row([token], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let (id, case_id, status, assigned_to, case_status, case_name) =
        found.ok_or_else(|| ApiError::not_found("alert", token))?;
    if case_status == "Closed" {
        return Err(ApiError::unprocessable(
            "CASE_CLOSED",
            format!("Alert {token} belongs to {case_name}, which is Closed."),
        ));
    }
    Ok(AlertState {
        id,
        case_id,
        status: status.parse().unwrap_or(AlertStatus::Open),
        assigned_to,
    })
}

/// Re-scores the case's assessment in place while it is still Active (unapproved and not
/// overridden), so resolving alerts moves the scores; approved or overridden assessments stand
/// until someone recalculates.
fn rescore_active(conn: &Connection, op: &Op, case_id: i64) -> Result<(), ApiError> {
    let current: Option<(i64, String, String, f64)> = conn
        .prepare_cached(
            "SELECT id, token, status, overall_score FROM risk_assessments WHERE case_id = ?1 AND status != 'Superseded' ORDER BY id DESC LIMIT 1",
        )?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((id, token, status, before)) = current else {
        return Ok(());
    };
    if status != AssessmentStatus::Active.as_str() {
        return Ok(());
    }
    let scored = crate::domain::risk::score(&store::risk_facts(conn, case_id)?);
    if (scored.overall_score - before).abs() < f64::EPSILON {
        return Ok(());
    }
    conn.prepare_cached(
        "UPDATE risk_assessments SET overall_score = ?2, tier = ?3, dimensions = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![
        id,
        scored.overall_score,
        scored.tier.as_str(),
        serde_json::to_string(&scored.dimensions).unwrap_or_default(),
        op.now
    ])?;
    store::mirror_risk(conn, case_id, scored.tier, scored.overall_score)?;
    audit::record(
        conn,
        op,
        Some(case_id),
        "RISK_SCORE_CALCULATED",
        "risk_assessment",
        &token,
        json!({ "before": { "overall_score": before }, "after": { "overall_score": scored.overall_score, "tier": scored.tier } }),
    )?;
    Ok(())
}

fn resolve_one(conn: &Connection, op: &Op, token: &str, r: &Resolution) -> Result<i64, ApiError> {
    let a = alert_state(conn, token)?;
    if a.status.is_settled() {
        return Err(ApiError::unprocessable(
            "ALERT_ALREADY_RESOLVED",
            format!("Alert {token} is already {}.", a.status),
        )
        .with("current_status", a.status.as_str()));
    }
    if a.status == AlertStatus::Escalated && r.action == ResolutionAction::Escalate {
        return Err(ApiError::unprocessable(
            "INVALID_ALERT_STATE",
            format!("Alert {token} is already Escalated."),
        )
        .with("current_status", a.status.as_str()));
    }
    let to = r.target_status();
    let settled = to.is_settled();
    conn.prepare_cached(
        "UPDATE alerts SET status = ?2, resolution_action = ?3, resolution_rationale = ?4, conditions = ?5, \
         is_false_positive = ?6, resolved_by = CASE WHEN ?7 THEN ?8 ELSE resolved_by END, \
         resolved_at = CASE WHEN ?7 THEN ?9 ELSE resolved_at END, \
         escalation_reason = CASE WHEN ?10 THEN ?4 ELSE escalation_reason END, updated_at = ?9 WHERE id = ?1",
    )?
    .execute(params![
        a.id,
        to.as_str(),
        r.action.as_str(),
        r.rationale,
        r.conditions,
        r.is_false_positive,
        settled,
        op.actor.user_id,
        op.now,
        r.action == ResolutionAction::Escalate,
    ])?;
    let event = match (to, r.action) {
        (AlertStatus::FalsePositive, _) => "ALERT_FALSE_POSITIVE",
        (AlertStatus::Escalated, _) => "ALERT_ESCALATED",
        (_, ResolutionAction::RequestDocument) => "ALERT_DOCUMENT_REQUESTED",
        _ => "ALERT_RESOLVED",
    };
    audit::record(
        conn,
        op,
        Some(a.case_id),
        event,
        "alert",
        token,
        json!({
            "before": { "status": a.status },
            "after": { "status": to, "action": r.action, "is_false_positive": r.is_false_positive },
            "rationale": r.rationale,
            "conditions": r.conditions,
        }),
    )?;
    store::refresh_counts(conn, a.case_id)?;
    store::touch_case(conn, a.case_id, op.now)?;
    Ok(a.case_id)
}

pub async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<Resolve>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let r = Resolution::check(b.action, b.rationale, b.is_false_positive, b.conditions)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let case_id = resolve_one(tx, op, &token, &r)?;
        rescore_active(tx, op, case_id)?;
        Ok(serde_json::to_value(load(tx, &token, op.now)?).unwrap_or(Value::Null))
    })
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EscalateAlert {
    pub reason: Option<String>,
    pub escalate_to: Option<String>,
}

pub async fn escalate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<EscalateAlert>,
) -> Result<Response, ApiError> {
    let b = body.value;
    text("reason", &b.reason, MAX_REASON, true)?;
    if let Some(to) = &b.escalate_to {
        assignable(&state.users, "escalate_to", to)?;
    }
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let a = alert_state(tx, &token)?;
        if a.status.is_settled() || a.status == AlertStatus::Escalated {
            return Err(ApiError::unprocessable(
                "INVALID_ALERT_STATE",
                format!("Alert {token} is {} and cannot be escalated.", a.status),
            )
            .with("current_status", a.status.as_str()));
        }
        tx.prepare_cached(
            "UPDATE alerts SET status = 'Escalated', escalated_to = ?2, escalation_reason = ?3, updated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![a.id, b.escalate_to, b.reason, op.now])?;
        audit::record(
            tx,
            op,
            Some(a.case_id),
            "ALERT_ESCALATED",
            "alert",
            &token,
            json!({ "before": { "status": a.status }, "after": { "status": "Escalated", "escalated_to": b.escalate_to }, "rationale": b.reason }),
        )?;
        store::refresh_counts(tx, a.case_id)?;
        store::touch_case(tx, a.case_id, op.now)?;
        Ok(serde_json::to_value(load(tx, &token, op.now)?).unwrap_or(Value::Null))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Bulk

fn check_tokens(tokens: &Option<Vec<String>>) -> Result<Vec<String>, ApiError> {
    let tokens = tokens
        .clone()
        .ok_or_else(|| ApiError::validation("alert_tokens", "is required"))?;
    if tokens.is_empty() || tokens.len() > MAX_BULK {
        return Err(ApiError::validation(
            "alert_tokens",
            format!("must list 1 to {MAX_BULK} alerts (got {})", tokens.len()),
        ));
    }
    let mut seen = HashSet::new();
    for (i, t) in tokens.iter().enumerate() {
        if !seen.insert(t) {
            return Err(ApiError::validation(
                &format!("alert_tokens[{i}]"),
                format!("{t:?} is listed twice"),
            ));
        }
    }
    Ok(tokens)
}

fn item_error(token: &str, e: &ApiError) -> Value {
    json!({ "alert_token": token, "error": e.code, "message": e.message })
}

/// Runs `each` on every token in its own savepoint, so one failure undoes only its own
/// changes; returns (succeeded, errors).
fn per_alert(
    conn: &Connection,
    tokens: &[String],
    mut each: impl FnMut(&Connection, &str) -> Result<Option<i64>, ApiError>,
) -> Result<(i64, Vec<Value>, HashSet<i64>), ApiError> {
    let mut ok = 0;
    let mut errors = Vec::new();
    let mut cases = HashSet::new();
    for t in tokens {
        conn.execute_batch("SAVEPOINT bulk_item")?;
        match each(conn, t) {
            Ok(case) => {
                conn.execute_batch("RELEASE bulk_item")?;
                cases.extend(case);
                ok += 1;
            }
            Err(e) if e.status.is_client_error() => {
                conn.execute_batch("ROLLBACK TO bulk_item; RELEASE bulk_item")?;
                errors.push(item_error(t, &e));
            }
            Err(e) => return Err(e),
        }
    }
    Ok((ok, errors, cases))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BulkResolve {
    pub alert_tokens: Option<Vec<String>>,
    pub action: Option<ResolutionAction>,
    pub rationale: Option<String>,
    pub is_false_positive: Option<bool>,
    /// Extension: lets bulk "Approve with Conditions" work.
    pub conditions: Option<String>,
}

pub async fn bulk_resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Body<BulkResolve>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let tokens = check_tokens(&b.alert_tokens)?;
    let r = Resolution::check(b.action, b.rationale, b.is_false_positive, b.conditions)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let (ok, errors, cases) =
            per_alert(tx, &tokens, |c, t| resolve_one(c, op, t, &r).map(Some))?;
        for case_id in cases {
            rescore_active(tx, op, case_id)?;
        }
        Ok(json!({ "resolved": ok, "failed": errors.len(), "errors": errors }))
    })
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BulkAcknowledge {
    pub alert_tokens: Option<Vec<String>>,
}

pub async fn bulk_acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Body<BulkAcknowledge>,
) -> Result<Response, ApiError> {
    let tokens = check_tokens(&body.value.alert_tokens)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let (ok, errors, _) = per_alert(tx, &tokens, |c, t| {
            let a = alert_state(c, t)?;
            if a.status != AlertStatus::Open {
                return Err(ApiError::unprocessable(
                    "INVALID_ALERT_STATE",
                    format!("Alert {t} is {}; only Open alerts can be acknowledged.", a.status),
                ));
            }
            let assignee = a.assigned_to.clone().unwrap_or_else(|| op.actor.user_id.clone());
            c.prepare_cached("UPDATE alerts SET status = 'Acknowledged', assigned_to = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![a.id, assignee, op.now])?;
            audit::record(
                c,
                op,
                Some(a.case_id),
                "ALERT_ACKNOWLEDGED",
                "alert",
                t,
                json!({ "before": { "status": a.status, "assigned_to": a.assigned_to }, "after": { "status": "Acknowledged", "assigned_to": assignee } }),
            )?;
            store::touch_case(c, a.case_id, op.now)?;
            Ok(Some(a.case_id))
        })?;
        Ok(json!({ "acknowledged": ok, "failed": errors.len(), "errors": errors }))
    })
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BulkAssign {
    pub alert_tokens: Option<Vec<String>>,
    pub user_id: Option<String>,
    pub note: Option<String>,
}

pub async fn bulk_assign(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Body<BulkAssign>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let tokens = check_tokens(&b.alert_tokens)?;
    let user_id = b
        .user_id
        .clone()
        .ok_or_else(|| ApiError::validation("user_id", "is required"))?;
    assignable(&state.users, "user_id", &user_id)?;
    text("note", &b.note, MAX_NOTE, false)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let (ok, errors, _) = per_alert(tx, &tokens, |c, t| {
            let a = alert_state(c, t)?;
            if a.status.is_settled() {
                return Err(ApiError::unprocessable(
                    "INVALID_ALERT_STATE",
                    format!("Alert {t} is {}; settled alerts are not reassigned.", a.status),
                ));
            }
            c.prepare_cached("UPDATE alerts SET assigned_to = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![a.id, user_id, op.now])?;
            audit::record(
                c,
                op,
                Some(a.case_id),
                "ALERT_ASSIGNMENT",
                "alert",
                t,
                json!({ "before": { "assigned_to": a.assigned_to }, "after": { "assigned_to": user_id }, "rationale": b.note }),
            )?;
            store::touch_case(c, a.case_id, op.now)?;
            Ok(Some(a.case_id))
        })?;
        Ok(json!({ "assigned": ok, "failed": errors.len(), "errors": errors }))
    })
    .await
}
