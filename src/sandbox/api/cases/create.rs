//! Opening a case: the body and its inline entity, their validation, and the entity with the
//! checks its role requires (which adding an entity to a case reuses).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{MAX_EXTERNAL_REFERENCE, assignable, load_by_id};
use crate::domain::lifecycle;
use crate::domain::{AssessmentStatus, CaseStatus, CaseType, EntityRole, EntityType, Priority};
use crate::sandbox::api::extract::{Body, Ctx, text};
use crate::sandbox::api::write::{Op, apply_with_status};
use crate::sandbox::api::{ApiError, AppState, audit, random_alnum};
use crate::sandbox::store::{self, NewCase, NewCheck, NewEntity};

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
