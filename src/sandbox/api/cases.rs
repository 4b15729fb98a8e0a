//! Cases: list, read, create, update (status, assignment, metadata), close, escalate,
//! reviewers (four-eyes), comments and the compliance report.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};

use super::extract::{Body, Ctx, Params, Path, text};
use super::list::{self, ListSpec, Parent};
use super::render::{PageMeta, get_response, json_col, now, read_clock, ts, ts_opt};
use super::write::{Op, apply, apply_with_status};
use super::{ApiError, AppState, audit, random_alnum};
use crate::domain::lifecycle::{self, Route};
use crate::domain::{
    AssessmentStatus, CaseStatus, CaseType, CommentType, Decision, EntityRole, EntityType,
    Priority, ReviewerRole, ReviewerStatus, RiskTier, SlaStatus, UserRole,
};
use crate::sandbox::store::{self, NewCase, NewCheck, NewEntity};

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
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
}

pub const COLS: &str = "c.id, c.token, c.name, c.type, c.status, c.priority, c.entity_category, c.assigned_to, \
    c.sla_due_at, c.sla_warning_days, c.sla_paused_at, c.risk_tier, c.risk_score, c.decision, c.summary, \
    c.escalated_to, c.escalation_reason, c.escalated_at, c.external_reference, c.metadata, c.open_alerts_count, \
    c.total_alerts_count, c.total_entities_count, c.version, c.created_at, c.updated_at, c.closed_at, \
    e.token AS entity_token, e.full_name AS entity_name";
pub const FROM: &str = "cases c LEFT JOIN entities e ON e.id = c.primary_entity_id";

/// Effective deadline of a case row in SQL (`:now` is the clock).
const DEADLINE_SQL: &str = "(c.sla_due_at + CASE WHEN c.sla_paused_at IS NULL THEN 0 ELSE MAX(0, :now - c.sla_paused_at) END)";

/// Open cases by effective deadline, then closed ones: the order a work queue is read in.
const URGENCY_SQL: &str = "(CASE WHEN c.status = 'Closed' THEN 1000000000000 ELSE 0 END + (c.sla_due_at + CASE WHEN c.sla_paused_at IS NULL THEN 0 ELSE MAX(0, :now - c.sla_paused_at) END))";

const SORTS: &[(&str, &str)] = &[
    ("urgency", URGENCY_SQL),
    ("created_at", "c.created_at"),
    ("updated_at", "c.updated_at"),
    ("sla_deadline", DEADLINE_SQL),
    ("priority", "c.priority_rank"),
    ("risk_score", "COALESCE(c.risk_score, -1)"),
    ("open_alerts_count", "c.open_alerts_count"),
    ("name", "c.name"),
];

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

// ---------------------------------------------------------------------------------------------
// Reads

fn case_filters(params: &Params, now: i64) -> Result<ListSpec<'static>, ApiError> {
    let mut spec = ListSpec {
        columns: COLS,
        from: FROM,
        narrow: Some("cases c"),
        id: "c.id",
        filters: vec![],
        params: vec![],
        sorts: SORTS,
        default_sort: "-created_at",
    };
    let text = |v: Vec<String>| v.into_iter().map(SqlValue::Text).collect::<Vec<_>>();
    spec.filter_enum::<CaseStatus>("c.status", params, "status")?;
    spec.filter_enum::<CaseType>("c.type", params, "type")?;
    spec.filter_enum::<EntityType>("c.entity_category", params, "entity_category")?;
    spec.filter_enum::<RiskTier>("c.risk_tier", params, "risk_tier")?;
    spec.filter_enum::<Priority>("c.priority", params, "priority")?;
    let assignees = params.strings("assigned_to");
    if !assignees.is_empty() {
        let unassigned = assignees.iter().any(|a| a == "none");
        let named: Vec<String> = assignees.into_iter().filter(|a| a != "none").collect();
        let mut parts = Vec::new();
        if unassigned {
            parts.push("c.assigned_to IS NULL".to_string());
        }
        if !named.is_empty() {
            parts.push(format!(
                "c.assigned_to IN ({})",
                vec!["?"; named.len()].join(", ")
            ));
        }
        spec.filter(format!("({})", parts.join(" OR ")), text(named));
    }
    let sla = params.enums::<SlaStatus>("sla_status")?;
    if !sla.is_empty() {
        let d = DEADLINE_SQL.replace(":now", &format!("({now})"));
        let parts: Vec<String> = sla
            .iter()
            .map(|s| match s {
                SlaStatus::Breached => format!("{d} < {now}"),
                SlaStatus::Critical => format!("({d} >= {now} AND {d} <= {now} + 86400)"),
                SlaStatus::Warning => {
                    format!("({d} > {now} + 86400 AND {d} <= {now} + c.sla_warning_days * 86400)")
                }
                SlaStatus::OnTrack => {
                    format!("({d} > {now} + 86400 AND {d} > {now} + c.sla_warning_days * 86400)")
                }
            })
            .collect();
        spec.filter(
            format!("(c.status != 'Closed' AND ({}))", parts.join(" OR ")),
            [],
        );
    }
    if let Some(q) = params.str("q") {
        let q = q.trim().to_lowercase();
        if q.chars().count() > 200 {
            return Err(ApiError::validation("q", "must be at most 200 characters"));
        }
        if q.chars().count() >= 3 {
            // The trigram index answers substrings of three characters or more.
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            spec.filter(
                "c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)",
                [SqlValue::Text(phrase)],
            );
        } else if !q.is_empty() {
            spec.filter("instr(c.search_text, ?) > 0", [SqlValue::Text(q)]);
        }
    }
    if let Some(since) = params.time("updated_since")? {
        spec.filter("c.updated_at >= ?", [SqlValue::Integer(since)]);
    }
    if let Some(ext) = params.str("external_reference") {
        spec.filter("c.external_reference = ?", [SqlValue::Text(ext.into())]);
    }
    Ok(spec)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = case_filters(&params, read_clock())?;
    list::respond(&state.db, &ctx.headers, params, spec, None, row).await
}

pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let case = state
        .db
        .read(move |conn| load(conn, &token, read_clock()))
        .await?;
    Ok(get_response(&ctx.headers, &case, None))
}

// ---------------------------------------------------------------------------------------------
// Create

/// Address of an entity.
#[derive(Deserialize, Serialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// Body of an entity created inline.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EntityIn {
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub nationality: Option<String>,
    pub company_name: Option<String>,
    pub registration_number: Option<String>,
    pub country: Option<String>,
    pub address: Option<Address>,
    pub industry: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_reference: Option<String>,
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    #[serde(rename = "type")]
    pub case_type: CaseType,
    pub entity_category: EntityType,
    pub assigned_to: Option<String>,
    pub entity: Option<EntityIn>,
    pub external_reference: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    /// Extension: drives the SLA window. Default Medium.
    pub priority: Option<Priority>,
}

fn short(field: &str, v: &Option<String>, max: usize) -> Result<(), ApiError> {
    text(field, v, max, false)
}

fn validate_entity(e: &EntityIn, category: EntityType) -> Result<(), ApiError> {
    if e.entity_type != category {
        return Err(ApiError::validation(
            "entity.type",
            format!("is {} but entity_category is {}", e.entity_type, category),
        ));
    }
    for (f, v) in [
        ("entity.first_name", &e.first_name),
        ("entity.last_name", &e.last_name),
        ("entity.company_name", &e.company_name),
        ("entity.registration_number", &e.registration_number),
        ("entity.industry", &e.industry),
        ("entity.email", &e.email),
        ("entity.phone", &e.phone),
    ] {
        short(f, v, 255)?;
    }
    short(
        "entity.external_reference",
        &e.external_reference,
        MAX_EXTERNAL_REFERENCE,
    )?;
    for (f, v) in [
        ("entity.nationality", &e.nationality),
        ("entity.country", &e.country),
    ] {
        if let Some(c) = v
            && !(c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()))
        {
            return Err(ApiError::validation(
                f,
                format!("expected an ISO 3166-1 alpha-2 code such as \"DE\", got {c:?}"),
            ));
        }
    }
    if let Some(d) = &e.date_of_birth
        && d.parse::<jiff::civil::Date>().is_err()
    {
        return Err(ApiError::validation(
            "entity.date_of_birth",
            format!("expected YYYY-MM-DD, got {d:?}"),
        ));
    }
    match e.entity_type {
        EntityType::Person => {
            text("entity.first_name", &e.first_name, 255, true)?;
            text("entity.last_name", &e.last_name, 255, true)?;
            if e.date_of_birth.is_none() && e.nationality.is_none() {
                return Err(ApiError::validation(
                    "entity.date_of_birth",
                    "a person needs date_of_birth or nationality",
                ));
            }
        }
        EntityType::Company => {
            text("entity.company_name", &e.company_name, 255, true)?;
            if e.country.is_none() {
                return Err(ApiError::validation(
                    "entity.country",
                    "a company needs a country",
                ));
            }
        }
    }
    Ok(())
}

/// Creates an entity and attaches it to a case, with the checks its role requires.
pub fn create_entity(
    tx: &Connection,
    op: &Op,
    case_id: i64,
    e: &EntityIn,
    role: EntityRole,
) -> Result<(i64, String), ApiError> {
    let token = format!("ent_{}", random_alnum(12));
    let full_name = match e.entity_type {
        EntityType::Company => e.company_name.clone().unwrap_or_default(),
        EntityType::Person => format!(
            "{} {}",
            e.first_name.as_deref().unwrap_or(""),
            e.last_name.as_deref().unwrap_or("")
        )
        .trim()
        .to_string(),
    };
    let country = e
        .country
        .clone()
        .or_else(|| e.nationality.clone())
        .or_else(|| e.address.as_ref().and_then(|a| a.country.clone()))
        .unwrap_or_else(|| "GB".into());
    let address = e
        .address
        .as_ref()
        .map(|a| serde_json::to_string(a).unwrap_or_default());
    let metadata = Value::Object(e.metadata.clone().unwrap_or_default()).to_string();
    if let Some(ext) = &e.external_reference
        && store::id_of_ext(tx, "entities", ext)?.is_some()
    {
        return Err(ApiError::unprocessable(
            "DUPLICATE_EXTERNAL_REFERENCE",
            format!("An entity with external_reference {ext:?} already exists."),
        ));
    }
    let id = store::insert_entity(
        tx,
        &NewEntity {
            token: &token,
            entity_type: e.entity_type.as_str(),
            first_name: e.first_name.as_deref(),
            last_name: e.last_name.as_deref(),
            full_name: &full_name,
            company_name: e.company_name.as_deref(),
            registration_number: e.registration_number.as_deref(),
            date_of_birth: e.date_of_birth.as_deref(),
            nationality: e.nationality.as_deref(),
            country: &country,
            address: address.as_deref(),
            industry: e.industry.as_deref(),
            email: e.email.as_deref(),
            phone: e.phone.as_deref(),
            verification_status: "Not Started",
            risk_rating: None,
            external_reference: e.external_reference.as_deref(),
            metadata: &metadata,
            created_at: op.now,
        },
    )?;
    store::link_entity(tx, case_id, id, role, None, None, 0)?;
    for (code, name, category) in
        store::required_checks(role, e.entity_type == EntityType::Company, false)
    {
        store::insert_check(
            tx,
            &NewCheck {
                token: &format!("chk_{}", random_alnum(12)),
                case_id,
                entity_id: id,
                type_code: code,
                name,
                category,
                status: "Pending",
                result: None,
                provider: check_provider(code),
                result_data: "{}",
                alerts_generated: 0,
                valid_until: None,
                executed_at: None,
                completed_at: None,
                created_at: op.now,
            },
        )?;
    }
    Ok((id, token))
}

/// The provider the sandbox pretends runs a check.
pub fn check_provider(code: &str) -> &'static str {
    match code {
        "COMPANY_REGISTRY" => "Kyckr",
        c if c.starts_with("SCR_") => "WorldCheck",
        "IDV_ADDRESS" => "Experian",
        c if c.starts_with("IDV_") => "Sumsub",
        _ => "Manual",
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Body<CreateCase>,
) -> Result<Response, ApiError> {
    let b = body.value;
    if let Some(a) = &b.assigned_to {
        assignable(&state.users, "assigned_to", a)?;
    }
    short(
        "external_reference",
        &b.external_reference,
        MAX_EXTERNAL_REFERENCE,
    )?;
    if let Some(e) = &b.entity {
        validate_entity(e, b.entity_category)?;
    }
    apply_with_status(&state, &ctx, &body.hash, move |tx, op| {
        // A repeated external_reference returns the existing case unchanged (Zenoo's second
        // idempotency mechanism), with 200 rather than 201. Checked inside the transaction so
        // two concurrent creates cannot both pass it.
        if let Some(ext) = &b.external_reference
            && let Some(id) = store::id_of_ext(tx, "cases", ext)?
        {
            let existing = load_by_id(tx, id, op.now)?;
            return Ok((StatusCode::OK, serde_json::to_value(existing).unwrap_or(Value::Null)));
        }
        let priority = b.priority.unwrap_or(Priority::Medium);
        let policy = lifecycle::sla_policy(b.case_type, priority);
        let token = format!("cas_{}", random_alnum(12));
        let name = store::next_case_name(tx)?;
        let metadata = Value::Object(b.metadata.clone().unwrap_or_default()).to_string();
        let case_id = store::insert_case(
            tx,
            &NewCase {
                token: &token,
                name: &name,
                case_type: b.case_type.as_str(),
                status: CaseStatus::New.as_str(),
                priority: priority.as_str(),
                priority_rank: priority.rank(),
                entity_category: b.entity_category.as_str(),
                assigned_to: b.assigned_to.as_deref(),
                sla_due_at: op.now + policy.due_days * lifecycle::DAY,
                sla_warning_days: policy.warning_days,
                sla_paused_at: None,
                decision: None,
                summary: None,
                escalated_to: None,
                escalation_reason: None,
                escalated_at: None,
                external_reference: b.external_reference.as_deref(),
                metadata: &metadata,
                created_at: op.now,
                updated_at: op.now,
                closed_at: None,
                primary_entity: None,
            },
        )?;
        if let Some(e) = &b.entity {
            let (entity_id, _) = create_entity(tx, op, case_id, e, EntityRole::Primary)?;
            store::set_primary(tx, case_id, entity_id)?;
        }
        store::refresh_counts(tx, case_id)?;
        let scored = crate::domain::risk::score(&store::risk_facts(tx, case_id)?);
        let rsk = format!("rsk_{}", random_alnum(12));
        store::insert_assessment(tx, case_id, &rsk, AssessmentStatus::Active, &scored, Some(&op.actor.user_id), op.now)?;
        audit::record(
            tx,
            op,
            Some(case_id),
            "CASE_CREATED",
            "case",
            &token,
            json!({ "after": { "status": "New", "type": b.case_type, "priority": priority, "assigned_to": b.assigned_to } }),
        )?;
        audit::record(
            tx,
            op,
            Some(case_id),
            "RISK_SCORE_CALCULATED",
            "risk_assessment",
            &rsk,
            json!({ "after": { "tier": scored.tier, "overall_score": scored.overall_score } }),
        )?;
        let created = load_by_id(tx, case_id, op.now)?;
        Ok((StatusCode::CREATED, serde_json::to_value(created).unwrap_or(Value::Null)))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Update

/// Distinguishes a field that is absent from one sent as `null`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::deserialize(d)?))
}

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
        (CaseStatus::ClientInput, t) if t != CaseStatus::ClientInput => {
            let paused_for = c.sla_paused_at.map_or(0, |p| (now - p).max(0));
            (c.sla_due_at + paused_for, None)
        }
        (_, CaseStatus::ClientInput) => (c.sla_due_at, Some(now)),
        _ => (c.sla_due_at, c.sla_paused_at),
    };
    tx.prepare_cached("UPDATE cases SET status = ?2, sla_due_at = ?3, sla_paused_at = ?4, updated_at = ?5 WHERE id = ?1")?
        .execute(params![c.id, to.as_str(), due, paused, now])?;
    Ok(())
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
// Close

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

// ---------------------------------------------------------------------------------------------
// Reviewers (four-eyes)

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

// ---------------------------------------------------------------------------------------------
// Comments

#[derive(Serialize)]
pub struct Author {
    pub user_id: String,
    pub name: String,
    pub initials: String,
}

#[derive(Serialize)]
pub struct CommentOut {
    pub token: String,
    pub case_token: String,
    pub author: Author,
    #[serde(rename = "type")]
    pub comment_type: String,
    pub body: String,
    pub mentions: Value,
    pub reactions: Vec<Value>,
    pub created_at: String,
    pub updated_at: String,
}

pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

const COMMENT_COLS: &str = "m.token, c.token AS case_token, m.author_id, COALESCE(u.name, m.author_id) AS author_name, \
    m.type, m.body, m.mentions, m.created_at, m.updated_at";
const COMMENT_FROM: &str =
    "comments m JOIN cases c ON c.id = m.case_id LEFT JOIN users u ON u.user_id = m.author_id";
const COMMENT_SORTS: &[(&str, &str)] = &[("created_at", "m.created_at")];

fn comment_row(r: &Row<'_>, _now: i64) -> rusqlite::Result<CommentOut> {
    let name: String = r.get("author_name")?;
    Ok(CommentOut {
        token: r.get("token")?,
        case_token: r.get("case_token")?,
        author: Author {
            user_id: r.get("author_id")?,
            initials: initials(&name),
            name,
        },
        comment_type: r.get("type")?,
        body: r.get("body")?,
        mentions: json_col(&r.get::<_, String>("mentions")?),
        reactions: vec![],
        created_at: ts(r.get("created_at")?),
        updated_at: ts(r.get("updated_at")?),
    })
}

pub async fn list_comments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let mut spec = ListSpec {
        columns: COMMENT_COLS,
        from: COMMENT_FROM,
        narrow: None,
        id: "m.id",
        filters: vec![],
        params: vec![],
        sorts: COMMENT_SORTS,
        default_sort: "created_at",
    };
    spec.filter_enum::<CommentType>("m.type", &params, "type")?;
    let parent = Parent {
        table: "cases",
        what: "case",
        column: "m.case_id",
        token,
    };
    list::respond(
        &state.db,
        &ctx.headers,
        params,
        spec,
        Some(parent),
        comment_row,
    )
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AddComment {
    pub body: Option<String>,
    #[serde(rename = "type")]
    pub comment_type: Option<CommentType>,
    pub mentions: Option<Vec<String>>,
}

pub async fn add_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<AddComment>,
) -> Result<Response, ApiError> {
    let b = body.value;
    text("body", &b.body, MAX_COMMENT, true)?;
    let kind = b.comment_type.unwrap_or(CommentType::Comment);
    if kind == CommentType::System {
        return Err(ApiError::validation(
            "type",
            "System is reserved for generated entries",
        ));
    }
    let mentions = b.mentions.clone().unwrap_or_default();
    if mentions.len() > 50 {
        return Err(ApiError::validation("mentions", "at most 50 users"));
    }
    for (i, m) in mentions.iter().enumerate() {
        if !state.users.contains_key(m) {
            return Err(ApiError::validation(
                &format!("mentions[{i}]"),
                format!("no user with id {m:?}"),
            ));
        }
    }
    apply(&state, &ctx, &body.hash, StatusCode::CREATED, move |tx, op| {
        let c = state_of(tx, &token)?;
        let ctoken = format!("cmt_{}", random_alnum(12));
        tx.prepare_cached(
            "INSERT INTO comments (token, case_id, author_id, type, body, mentions, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?
        .execute(params![
            ctoken,
            c.id,
            op.actor.user_id,
            kind.as_str(),
            b.body,
            Value::from(mentions.clone()).to_string(),
            op.now
        ])?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            if kind == CommentType::Decision { "DECISION_RECORDED" } else { "COMMENT_ADDED" },
            "comment",
            &ctoken,
            json!({ "after": { "type": kind, "mentions": mentions } }),
        )?;
        let out = tx
            .prepare_cached(&format!("SELECT {COMMENT_COLS} FROM {COMMENT_FROM} WHERE m.token = ?1"))?
            .query_row([&ctoken], |r| comment_row(r, 0))?;
        Ok(serde_json::to_value(out).unwrap_or(Value::Null))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Compliance report

pub async fn compliance_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let report = state
        .db
        .read(move |conn| {
            let now = now();
            let case = load(conn, &token, now)?;
            let id = store::id_of(conn, "cases", &token)?
                .ok_or_else(|| ApiError::not_found("case", &token))?;
            let entities = super::entities::for_case(conn, id, now)?;
            let checks = super::checks::for_case(conn, id)?;
            let alerts = super::alerts::for_case(conn, id, now)?;
            let risk = super::risk::current_for(conn, id)?;
            let reviewers = reviewers_of(conn, id)?;
            Ok(json!({
                "case_token": case.token,
                "case_name": case.name,
                "case_type": case.case_type,
                "case_status": case.status,
                "decision": case.decision,
                "summary": case.summary,
                "risk_assessment": risk,
                "entities": entities,
                "checks": checks,
                "alerts": alerts,
                "reviewers": reviewers,
            }))
        })
        .await?;
    Ok(get_response(&ctx.headers, &report, None))
}
