//! Risk assessments: the current one of a case, recalculation, tier override and approval.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::cases::MAX_REASON;
use super::extract::{Body, Ctx, Path, text};
use super::render::{get_response, json_col, ts, ts_opt};
use super::write::apply;
use super::{ApiError, AppState, audit, random_alnum};
use crate::domain::{AssessmentStatus, RiskTier};
use crate::sandbox::store;

#[derive(Serialize, Debug)]
pub struct AssessmentOut {
    pub token: String,
    pub case_token: String,
    pub status: String,
    pub overall_score: f64,
    pub tier: String,
    /// The tier in force: the override if there is one, else the computed tier.
    pub effective_tier: String,
    pub dimensions: Value,
    pub due_diligence_path: String,
    pub review_frequency: String,
    pub override_tier: Option<String>,
    pub override_justification: Option<String>,
    pub overridden_by: Option<String>,
    pub overridden_at: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub model_version: String,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const SELECT: &str = "SELECT r.token, c.token, r.status, r.overall_score, r.tier, r.dimensions, r.override_tier, \
    r.override_justification, r.overridden_by, r.overridden_at, r.approved_by, r.approved_at, r.model_version, \
    r.created_by, r.created_at, r.updated_at, r.id, r.case_id FROM risk_assessments r JOIN cases c ON c.id = r.case_id";

fn row(r: &Row<'_>) -> rusqlite::Result<AssessmentOut> {
    let tier: String = r.get(4)?;
    let override_tier: Option<String> = r.get(6)?;
    let effective = override_tier.clone().unwrap_or_else(|| tier.clone());
    let eff: RiskTier = effective.parse().unwrap_or(RiskTier::Medium);
    Ok(AssessmentOut {
        token: r.get(0)?,
        case_token: r.get(1)?,
        status: r.get(2)?,
        overall_score: r.get(3)?,
        tier,
        effective_tier: effective,
        dimensions: json_col(&r.get::<_, String>(5)?),
        due_diligence_path: eff.due_diligence().as_str().to_string(),
        review_frequency: eff.review_frequency().to_string(),
        override_tier,
        override_justification: r.get(7)?,
        overridden_by: r.get(8)?,
        overridden_at: ts_opt(r.get(9)?),
        approved_by: r.get(10)?,
        approved_at: ts_opt(r.get(11)?),
        model_version: r.get(12)?,
        created_by: r.get(13)?,
        created_at: ts(r.get(14)?),
        updated_at: ts(r.get(15)?),
    })
}

/// The assessment in force for a case (the newest one not superseded).
pub fn current_for(conn: &Connection, case_id: i64) -> Result<Option<AssessmentOut>, ApiError> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE r.case_id = ?1 AND r.status != 'Superseded' ORDER BY r.id DESC LIMIT 1"
        ))?
        .query_row([case_id], row)
        .optional()?)
}

fn by_token(conn: &Connection, token: &str) -> Result<AssessmentOut, ApiError> {
    conn.prepare_cached(&format!("{SELECT} WHERE r.token = ?1"))?
        .query_row([token], row)
        .optional()?
        .ok_or_else(|| ApiError::not_found("risk assessment", token))
}

pub async fn current(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let out = state
        .db
        .read(move |conn| {
            let id = store::id_of(conn, "cases", &token)?
                .ok_or_else(|| ApiError::not_found("case", &token))?;
            current_for(conn, id)?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "NOT_FOUND",
                    format!("Case {token} has no risk assessment yet."),
                )
            })
        })
        .await?;
    Ok(get_response(&ctx.headers, &out, None))
}

pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let out = state.db.read(move |conn| by_token(conn, &token)).await?;
    Ok(get_response(&ctx.headers, &out, None))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Recalculate {
    pub model_token: Option<String>,
    pub override_data: Option<Map<String, Value>>,
}

pub async fn recalculate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<Recalculate>,
) -> Result<Response, ApiError> {
    if let Some(m) = &body.value.model_token
        && m != "default"
    {
        return Err(ApiError::validation(
            "model_token",
            format!("the sandbox has one risk model, \"default\"; got {m:?}"),
        ));
    }
    if body
        .value
        .override_data
        .as_ref()
        .is_some_and(|m| !m.is_empty())
    {
        return Err(ApiError::validation(
            "override_data",
            "is not supported by the sandbox's model; override the tier instead",
        ));
    }
    apply(&state, &ctx, &body.hash, StatusCode::CREATED, move |tx, op| {
        let c = super::cases::state_of(tx, &token)?;
        if c.status.is_terminal() {
            return Err(ApiError::unprocessable("CASE_CLOSED", format!("Case {} is Closed.", c.name)));
        }
        let before = current_for(tx, c.id)?;
        let scored = crate::domain::risk::score(&store::risk_facts(tx, c.id)?);
        let rtoken = format!("rsk_{}", random_alnum(12));
        store::insert_assessment(tx, c.id, &rtoken, AssessmentStatus::Active, &scored, Some(&op.actor.user_id), op.now)?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            "RISK_ASSESSMENT_CREATED",
            "risk_assessment",
            &rtoken,
            json!({
                "before": before.map(|b| json!({ "token": b.token, "status": b.status, "tier": b.effective_tier, "overall_score": b.overall_score })),
                "after": { "status": "Active", "tier": scored.tier, "overall_score": scored.overall_score },
            }),
        )?;
        Ok(serde_json::to_value(by_token(tx, &rtoken)?).unwrap_or(Value::Null))
    })
    .await
}

struct Current {
    id: i64,
    case_id: i64,
    status: AssessmentStatus,
    tier: String,
    override_tier: Option<String>,
    overridden_by: Option<String>,
}

fn current_by_token(conn: &Connection, token: &str) -> Result<Current, ApiError> {
    let found = conn
        .query_row(
            "SELECT r.id, r.case_id, r.status, r.tier, r.override_tier, r.overridden_by, c.status, c.name \
             FROM risk_assessments r JOIN cases c ON c.id = r.case_id WHERE r.token = ?1",
            [token],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .optional()?;
    let (id, case_id, status, tier, override_tier, overridden_by, case_status, case_name) =
        found.ok_or_else(|| ApiError::not_found("risk assessment", token))?;
    if case_status == "Closed" {
        return Err(ApiError::unprocessable(
            "CASE_CLOSED",
            format!("Case {case_name} is Closed."),
        ));
    }
    let status: AssessmentStatus = status.parse().unwrap_or(AssessmentStatus::Superseded);
    if status == AssessmentStatus::Superseded {
        return Err(ApiError::unprocessable(
            "ASSESSMENT_SUPERSEDED",
            format!(
                "Risk assessment {token} was superseded; act on the case's current assessment."
            ),
        ));
    }
    Ok(Current {
        id,
        case_id,
        status,
        tier,
        override_tier,
        overridden_by,
    })
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub tier: Option<RiskTier>,
    pub justification: Option<String>,
}

pub async fn override_tier(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<Override>,
) -> Result<Response, ApiError> {
    let b = body.value;
    let tier = b
        .tier
        .ok_or_else(|| ApiError::validation("tier", "is required"))?;
    text("justification", &b.justification, MAX_REASON, true)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let cur = current_by_token(tx, &token)?;
        let before = cur.override_tier.clone().unwrap_or_else(|| cur.tier.clone());
        // An override replaces any earlier approval: the new tier has not been approved.
        tx.execute(
            "UPDATE risk_assessments SET status = 'Overridden', override_tier = ?2, override_justification = ?3, \
             overridden_by = ?4, overridden_at = ?5, approved_by = NULL, approved_at = NULL, updated_at = ?5 WHERE id = ?1",
            params![cur.id, tier.as_str(), b.justification, op.actor.user_id, op.now],
        )?;
        let score: f64 = tx.query_row("SELECT overall_score FROM risk_assessments WHERE id = ?1", [cur.id], |r| r.get(0))?;
        store::mirror_risk(tx, cur.case_id, tier, score)?;
        store::touch_case(tx, cur.case_id, op.now)?;
        audit::record(
            tx,
            op,
            Some(cur.case_id),
            "RISK_TIER_OVERRIDE",
            "risk_assessment",
            &token,
            json!({ "before": { "tier": before, "status": cur.status }, "after": { "tier": tier, "status": "Overridden" }, "rationale": b.justification }),
        )?;
        Ok(serde_json::to_value(by_token(tx, &token)?).unwrap_or(Value::Null))
    })
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Approve {
    pub notes: Option<String>,
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<Approve>,
) -> Result<Response, ApiError> {
    let b = body.value;
    text("notes", &b.notes, MAX_REASON, false)?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let cur = current_by_token(tx, &token)?;
        if cur.status == AssessmentStatus::Approved {
            return Err(ApiError::unprocessable(
                "ASSESSMENT_ALREADY_APPROVED",
                format!("Risk assessment {token} is already approved."),
            ));
        }
        // Maker-checker: whoever overrode the tier cannot also approve it.
        if cur.overridden_by.as_deref() == Some(op.actor.user_id.as_str()) {
            return Err(ApiError::forbidden(
                "You overrode this tier; another user must approve it (maker-checker).",
            ));
        }
        tx.execute(
            "UPDATE risk_assessments SET status = 'Approved', approved_by = ?2, approved_at = ?3, updated_at = ?3 WHERE id = ?1",
            params![cur.id, op.actor.user_id, op.now],
        )?;
        store::touch_case(tx, cur.case_id, op.now)?;
        audit::record(
            tx,
            op,
            Some(cur.case_id),
            "RISK_ASSESSMENT_APPROVED",
            "risk_assessment",
            &token,
            json!({ "before": { "status": cur.status }, "after": { "status": "Approved", "tier": cur.override_tier.unwrap_or(cur.tier) }, "rationale": b.notes }),
        )?;
        Ok(serde_json::to_value(by_token(tx, &token)?).unwrap_or(Value::Null))
    })
    .await
}
