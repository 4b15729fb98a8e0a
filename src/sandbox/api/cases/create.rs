//! Opening a case: the body and its inline entity, their validation, and the entity with the
//! checks its role requires. The entity body, its validation, writing it and placing it on a
//! case with its checks are shared with the entity routes (`entities::write`, `::attach`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{MAX_EXTERNAL_REFERENCE, assignable, load_by_id};
use crate::domain::lifecycle;
use crate::domain::{AssessmentStatus, CaseStatus, CaseType, EntityRole, EntityType, Priority};
use crate::sandbox::api::entities::is_country;
use crate::sandbox::api::extract::{Body, Ctx, text};
use crate::sandbox::api::write::{Op, apply_with_status};
use crate::sandbox::api::{ApiError, AppState, audit, random_alnum};
use crate::sandbox::store::{self, NewCase, NewCheck, NewEntity};

/// Address of an entity.
#[derive(Deserialize, Serialize, Default, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// Body of an entity: `POST /v1/entities`, or inline in a case create or an add to a case.
#[derive(Deserialize, Clone, Debug)]
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

/// Today in UTC: a date of birth may not be later.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn country(field: &str, v: &Option<String>) -> Result<(), ApiError> {
    match v {
        Some(c) if !is_country(c) => Err(ApiError::validation(
            field,
            format!("expected an ISO 3166-1 alpha-2 code such as \"DE\", got {c:?}"),
        )),
        _ => Ok(()),
    }
}

/// Checks an entity body, naming fields with `prefix` (`"entity."` when it sits inside another
/// body): its fields ([`validate_fields`]) and what its type needs ([`validate_required`]).
/// Every entity write (case create, entity create, add to case) runs this one check; an entity
/// update runs its two halves, on what was sent and on the entity it makes.
pub fn validate_entity(
    e: &EntityIn,
    prefix: &str,
    today: jiff::civil::Date,
) -> Result<(), ApiError> {
    validate_fields(e, prefix, today)?;
    validate_required(e, prefix)
}

/// The fields present, each on its own: lengths, ISO country codes (the address's included),
/// and the date of birth (`YYYY-MM-DD`, not after `today`).
pub fn validate_fields(
    e: &EntityIn,
    prefix: &str,
    today: jiff::civil::Date,
) -> Result<(), ApiError> {
    let f = |name: &str| format!("{prefix}{name}");
    for (name, v) in [
        ("first_name", &e.first_name),
        ("last_name", &e.last_name),
        ("company_name", &e.company_name),
        ("registration_number", &e.registration_number),
        ("industry", &e.industry),
        ("email", &e.email),
        ("phone", &e.phone),
    ] {
        short(&f(name), v, 255)?;
    }
    short(
        &f("external_reference"),
        &e.external_reference,
        MAX_EXTERNAL_REFERENCE,
    )?;
    country(&f("nationality"), &e.nationality)?;
    country(&f("country"), &e.country)?;
    if let Some(a) = &e.address {
        for (name, v) in [
            ("address.line1", &a.line1),
            ("address.line2", &a.line2),
            ("address.city", &a.city),
            ("address.state", &a.state),
            ("address.postal_code", &a.postal_code),
        ] {
            short(&f(name), v, 255)?;
        }
        country(&f("address.country"), &a.country)?;
    }
    if let Some(d) = &e.date_of_birth {
        // jiff also reads other ISO 8601 spellings (`19840302`); the API takes one.
        let date = (d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
            .then(|| d.parse::<jiff::civil::Date>().ok())
            .flatten()
            .ok_or_else(|| {
                ApiError::validation(
                    &f("date_of_birth"),
                    format!("expected a date as YYYY-MM-DD, got {d:?}"),
                )
            })?;
        if date > today {
            return Err(ApiError::validation(
                &f("date_of_birth"),
                format!("{d} is in the future (today is {today})"),
            ));
        }
    }
    Ok(())
}

/// What the entity's type needs: a person a first and last name plus a date of birth or a
/// nationality, a company its name and country.
pub fn validate_required(e: &EntityIn, prefix: &str) -> Result<(), ApiError> {
    let f = |name: &str| format!("{prefix}{name}");
    match e.entity_type {
        EntityType::Person => {
            text(&f("first_name"), &e.first_name, 255, true)?;
            text(&f("last_name"), &e.last_name, 255, true)?;
            if e.date_of_birth.is_none() && e.nationality.is_none() {
                return Err(ApiError::validation(
                    &f("date_of_birth"),
                    "a person needs date_of_birth or nationality",
                ));
            }
        }
        EntityType::Company => {
            text(&f("company_name"), &e.company_name, 255, true)?;
            if e.country.is_none() {
                return Err(ApiError::validation(
                    &f("country"),
                    "a company needs a country",
                ));
            }
        }
    }
    Ok(())
}

/// The name an entity is listed under: the company name, or first and last name.
pub fn full_name(e: &EntityIn) -> String {
    match e.entity_type {
        EntityType::Company => e.company_name.clone().unwrap_or_default(),
        EntityType::Person => format!(
            "{} {}",
            e.first_name.as_deref().unwrap_or(""),
            e.last_name.as_deref().unwrap_or("")
        )
        .trim()
        .to_string(),
    }
}

/// The country an entity is filed under: its own, else its nationality, else its address's
/// (GB when it has none of them).
pub fn filing_country(e: &EntityIn) -> String {
    e.country
        .clone()
        .or_else(|| e.nationality.clone())
        .or_else(|| e.address.as_ref().and_then(|a| a.country.clone()))
        .unwrap_or_else(|| "GB".into())
}

/// Writes a new entity (validated already), refusing an `external_reference` another entity
/// has (422 `DUPLICATE_EXTERNAL_REFERENCE`, naming that entity). Returns its id and token.
pub fn insert_entity(tx: &Connection, op: &Op, e: &EntityIn) -> Result<(i64, String), ApiError> {
    if let Some(ext) = &e.external_reference
        && let Some(id) = store::id_of_ext(tx, "entities", ext)?
    {
        let existing: String =
            tx.query_row("SELECT token FROM entities WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        return Err(ApiError::unprocessable(
            "DUPLICATE_EXTERNAL_REFERENCE",
            format!(
                "An entity with external_reference {ext:?} already exists ({existing}); add it by entity_token instead."
            ),
        )
        .with("entity_token", existing));
    }
    let token = format!("ent_{}", random_alnum(12));
    let address = e
        .address
        .as_ref()
        .map(|a| serde_json::to_string(a).unwrap_or_default());
    let metadata = Value::Object(e.metadata.clone().unwrap_or_default()).to_string();
    let id = store::insert_entity(
        tx,
        &NewEntity {
            token: &token,
            entity_type: e.entity_type.as_str(),
            first_name: e.first_name.as_deref(),
            last_name: e.last_name.as_deref(),
            full_name: &full_name(e),
            company_name: e.company_name.as_deref(),
            registration_number: e.registration_number.as_deref(),
            date_of_birth: e.date_of_birth.as_deref(),
            nationality: e.nationality.as_deref(),
            country: &filing_country(e),
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
    Ok((id, token))
}

/// Where an entity sits on a case: its role, its share of its parent, the parent (the entity
/// it owns or directs) and its depth in the ownership tree (0 = the primary).
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub role: EntityRole,
    pub ownership: Option<f64>,
    pub parent: Option<i64>,
    pub depth: i64,
}

/// Puts an entity on a case and creates, Pending, the checks its role requires there (Source
/// of Wealth too for a UBO or Director when `high_risk`). Returns the checks' type codes.
pub fn place_entity(
    tx: &Connection,
    op: &Op,
    case_id: i64,
    entity_id: i64,
    is_company: bool,
    at: Placement,
    high_risk: bool,
) -> Result<Vec<&'static str>, ApiError> {
    store::link_entity(
        tx,
        case_id,
        entity_id,
        at.role,
        at.ownership,
        at.parent,
        at.depth,
    )?;
    let checks = store::required_checks(at.role, is_company, high_risk);
    for (code, name, category) in &checks {
        store::insert_check(
            tx,
            &NewCheck {
                token: &format!("chk_{}", random_alnum(12)),
                case_id,
                entity_id,
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
    Ok(checks.into_iter().map(|(code, _, _)| code).collect())
}

/// Creates an entity and attaches it to a case at the root in `role`, with the checks its role
/// requires.
pub fn create_entity(
    tx: &Connection,
    op: &Op,
    case_id: i64,
    e: &EntityIn,
    role: EntityRole,
) -> Result<(i64, String), ApiError> {
    let (id, token) = insert_entity(tx, op, e)?;
    let at = Placement {
        role,
        ownership: None,
        parent: None,
        depth: 0,
    };
    place_entity(
        tx,
        op,
        case_id,
        id,
        e.entity_type == EntityType::Company,
        at,
        false,
    )?;
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
        if e.entity_type != b.entity_category {
            return Err(ApiError::validation(
                "entity.type",
                format!(
                    "is {} but entity_category is {}",
                    e.entity_type, b.entity_category
                ),
            ));
        }
        validate_entity(e, "entity.", today())?;
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
