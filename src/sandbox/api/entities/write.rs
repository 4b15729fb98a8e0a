//! Creating an entity (`POST /v1/entities`) and changing one (`PATCH /v1/entities/{token}`),
//! through the entity body and validation that case creation uses.
//!
//! A repeated `external_reference` on create returns the entity that has it (200), as a repeated
//! one on a case create returns the case. An update changes only the fields sent (`null` clears
//! one), and the entity it leaves must still be whole (a person keeps a name and a date of birth
//! or nationality). An entity is shared by its cases: its update is written to the timeline of
//! each open case it is on, and those cases move (`updated_at`, `version`); a closed case's
//! record is not touched, so its timeline gets no entry (the audit log has it, by entity).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::load;
use crate::domain::EntityType;
use crate::sandbox::api::cases::{
    Address, EntityIn, filing_country, full_name, insert_entity, today, validate_entity,
    validate_fields, validate_required,
};
use crate::sandbox::api::extract::{Body, Ctx, Path, present};
use crate::sandbox::api::render::json_col;
use crate::sandbox::api::write::{Op, apply, apply_with_status};
use crate::sandbox::api::{ApiError, AppState, audit};
use crate::sandbox::store;

/// What an audit entry says of a new entity.
pub(super) fn created_details(e: &EntityIn, token: &str) -> Value {
    json!({ "after": {
        "entity_token": token,
        "type": e.entity_type,
        "full_name": full_name(e),
        "country": filing_country(e),
        "external_reference": e.external_reference,
    } })
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Body<EntityIn>,
) -> Result<Response, ApiError> {
    let e = body.value;
    validate_entity(&e, "", today())?;
    apply_with_status(&state, &ctx, &body.hash, move |tx, op| {
        // Zenoo's second idempotency mechanism: the entity that has the reference, unchanged.
        // Inside the transaction, so two concurrent creates cannot both miss it.
        if let Some(ext) = &e.external_reference
            && let Some(id) = store::id_of_ext(tx, "entities", ext)?
        {
            let token: String =
                tx.query_row("SELECT token FROM entities WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            return Ok((StatusCode::OK, to_json(load(tx, &token)?)));
        }
        let (_, token) = insert_entity(tx, op, &e)?;
        audit::record(
            tx,
            op,
            None,
            "ENTITY_CREATED",
            "entity",
            &token,
            created_details(&e, &token),
        )?;
        Ok((StatusCode::CREATED, to_json(load(tx, &token)?)))
    })
    .await
}

fn to_json(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `PATCH /v1/entities/{token}`: only the fields sent change; `null` clears a field.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PatchEntity {
    /// Accepted only as the entity's own type: a person cannot become a company.
    #[serde(rename = "type")]
    pub entity_type: Option<EntityType>,
    #[serde(default, deserialize_with = "present")]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub date_of_birth: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub nationality: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub registration_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub address: Option<Option<Address>>,
    #[serde(default, deserialize_with = "present")]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub external_reference: Option<Option<String>>,
    /// Replaces the whole object, as on a case.
    pub metadata: Option<Map<String, Value>>,
}

impl PatchEntity {
    /// The text fields, by name, with what was sent for each.
    fn texts(&self) -> [(&'static str, &Option<Option<String>>); 11] {
        [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("date_of_birth", &self.date_of_birth),
            ("nationality", &self.nationality),
            ("company_name", &self.company_name),
            ("registration_number", &self.registration_number),
            ("country", &self.country),
            ("industry", &self.industry),
            ("email", &self.email),
            ("phone", &self.phone),
            ("external_reference", &self.external_reference),
        ]
    }

    fn is_empty(&self) -> bool {
        self.entity_type.is_none()
            && self.address.is_none()
            && self.metadata.is_none()
            && self.texts().iter().all(|(_, v)| v.is_none())
    }

    /// `base` with the sent fields laid over it.
    fn over(&self, base: &EntityIn) -> EntityIn {
        let mut e = base.clone();
        for (name, sent) in self.texts() {
            if let Some(v) = sent {
                *slot(&mut e, name) = v.clone();
            }
        }
        if let Some(a) = &self.address {
            e.address = a.clone();
        }
        e
    }
}

/// A body with nothing in it, to check what a patch sends on its own.
fn blank() -> EntityIn {
    EntityIn {
        entity_type: EntityType::Person,
        first_name: None,
        last_name: None,
        date_of_birth: None,
        nationality: None,
        company_name: None,
        registration_number: None,
        country: None,
        address: None,
        industry: None,
        email: None,
        phone: None,
        external_reference: None,
        metadata: None,
    }
}

/// An entity body's text field by name.
fn slot<'a>(e: &'a mut EntityIn, name: &str) -> &'a mut Option<String> {
    match name {
        "first_name" => &mut e.first_name,
        "last_name" => &mut e.last_name,
        "date_of_birth" => &mut e.date_of_birth,
        "nationality" => &mut e.nationality,
        "company_name" => &mut e.company_name,
        "registration_number" => &mut e.registration_number,
        "country" => &mut e.country,
        "industry" => &mut e.industry,
        "email" => &mut e.email,
        "phone" => &mut e.phone,
        _ => &mut e.external_reference,
    }
}

/// An entity as stored: as a body (its address `None` when missing or not an address object),
/// with its id, and its address and metadata as stored text.
struct Stored {
    id: i64,
    body: EntityIn,
    address: Option<String>,
    metadata: String,
}

fn stored(conn: &Connection, token: &str) -> Result<Stored, ApiError> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(
        "SELECT id, type, first_name, last_name, date_of_birth, nationality, company_name, registration_number, \
         country, industry, email, phone, external_reference, address, metadata FROM entities WHERE token = ?1",
    )?
    .query_row([token], |r| {
        let address: Option<String> = r.get(13)?;
        let entity_type: String = r.get(1)?;
        Ok(Stored {
            id: r.get(0)?,
            body: EntityIn {
                entity_type: entity_type.parse().unwrap_or(EntityType::Person),
                first_name: r.get(2)?,
                last_name: r.get(3)?,
                date_of_birth: r.get(4)?,
                nationality: r.get(5)?,
                company_name: r.get(6)?,
                registration_number: r.get(7)?,
                country: r.get(8)?,
                address: address.as_deref().and_then(|a| serde_json::from_str(a).ok()),
                industry: r.get(9)?,
                email: r.get(10)?,
                phone: r.get(11)?,
                external_reference: r.get(12)?,
                metadata: None,
            },
            address,
            metadata: r.get(14)?,
        })
    })
    .optional()?
    .ok_or_else(|| ApiError::not_found("entity", token))
}

pub async fn patch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<PatchEntity>,
) -> Result<Response, ApiError> {
    let p = body.value;
    if p.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Nothing to change: send at least one entity field.",
        ));
    }
    // What was sent, on its own; what the type needs is judged on the entity it makes, below.
    validate_fields(&p.over(&blank()), "", today())?;
    apply(&state, &ctx, &body.hash, StatusCode::OK, move |tx, op| {
        let cur = stored(tx, &token)?;
        if let Some(t) = p.entity_type
            && t != cur.body.entity_type
        {
            return Err(ApiError::validation(
                "type",
                format!(
                    "cannot change from {} to {t}; create a new entity instead",
                    cur.body.entity_type
                ),
            ));
        }
        let mut next = p.over(&cur.body);
        validate_required(&next, "")?;
        // A person's cleared country is filed again as on create (nationality, address, GB).
        next.country = Some(filing_country(&next));
        if let Some(Some(ext)) = &p.external_reference
            && let Some(other) = store::id_of_ext(tx, "entities", ext)?
            && other != cur.id
        {
            return Err(ApiError::unprocessable(
                "DUPLICATE_EXTERNAL_REFERENCE",
                format!("Another entity already has external_reference {ext:?}."),
            ));
        }
        let (before, after) = changes(&p, &cur, &next);
        if !after.is_empty() {
            write(tx, op, &p, &cur, &next)?;
            record(tx, op, &token, cur.id, before, after)?;
        }
        Ok(serde_json::to_value(load(tx, &token)?).unwrap_or(Value::Null))
    })
    .await
}

/// The fields that change, as they were and as they become.
fn changes(
    p: &PatchEntity,
    cur: &Stored,
    next: &EntityIn,
) -> (Map<String, Value>, Map<String, Value>) {
    let (mut before, mut after) = (Map::new(), Map::new());
    let mut cur_body = cur.body.clone();
    let mut next_body = next.clone();
    for (name, sent) in p.texts() {
        let (was, now) = (
            slot(&mut cur_body, name).clone(),
            slot(&mut next_body, name).clone(),
        );
        if sent.is_some() && was != now {
            before.insert(name.into(), json!(was));
            after.insert(name.into(), json!(now));
        }
    }
    if let Some(a) = &p.address {
        let was = cur.address.as_deref().map(json_col).unwrap_or(Value::Null);
        let now = json!(a);
        if was != now {
            before.insert("address".into(), was);
            after.insert("address".into(), now);
        }
    }
    if let Some(m) = &p.metadata {
        let (was, now) = (json_col(&cur.metadata), Value::Object(m.clone()));
        if was != now {
            before.insert("metadata".into(), was);
            after.insert("metadata".into(), now);
        }
    }
    (before, after)
}

fn write(
    tx: &Connection,
    op: &Op,
    p: &PatchEntity,
    cur: &Stored,
    e: &EntityIn,
) -> Result<(), ApiError> {
    let address = match &p.address {
        Some(a) => a
            .as_ref()
            .map(|a| serde_json::to_string(a).unwrap_or_default()),
        None => cur.address.clone(),
    };
    let metadata = match &p.metadata {
        Some(m) => Value::Object(m.clone()).to_string(),
        None => cur.metadata.clone(),
    };
    tx.prepare_cached(
        "UPDATE entities SET first_name = ?2, last_name = ?3, full_name = ?4, company_name = ?5, \
         registration_number = ?6, date_of_birth = ?7, nationality = ?8, country = ?9, address = ?10, \
         industry = ?11, email = ?12, phone = ?13, external_reference = ?14, metadata = ?15, updated_at = ?16 \
         WHERE id = ?1",
    )?
    .execute(params![
        cur.id,
        e.first_name,
        e.last_name,
        full_name(e),
        e.company_name,
        e.registration_number,
        e.date_of_birth,
        e.nationality,
        filing_country(e),
        address,
        e.industry,
        e.email,
        e.phone,
        e.external_reference,
        metadata,
        op.now,
    ])?;
    Ok(())
}

/// Writes the update to the timeline of every open case the entity is on (moving those cases),
/// or to the audit log alone when it is on none; and keeps the search text of every case it is
/// on in step with its name.
fn record(
    tx: &Connection,
    op: &Op,
    token: &str,
    id: i64,
    before: Map<String, Value>,
    after: Map<String, Value>,
) -> Result<(), ApiError> {
    let details = json!({ "before": before, "after": after });
    let open: Vec<i64> = tx
        .prepare_cached(
            "SELECT DISTINCT c.id FROM case_entities ce JOIN cases c ON c.id = ce.case_id \
             WHERE ce.entity_id = ?1 AND c.status <> 'Closed' ORDER BY c.id",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for case_id in &open {
        audit::record(
            tx,
            op,
            Some(*case_id),
            "ENTITY_UPDATED",
            "entity",
            token,
            details.clone(),
        )?;
        store::touch_case(tx, *case_id, op.now)?;
    }
    if open.is_empty() {
        audit::record(tx, op, None, "ENTITY_UPDATED", "entity", token, details)?;
    }
    // Every case it is on (closed ones too: they are searched as well) or is the primary of.
    let on: Vec<i64> = tx
        .prepare_cached(
            "SELECT case_id FROM case_entities WHERE entity_id = ?1 \
             UNION SELECT id FROM cases WHERE primary_entity_id = ?1",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for case_id in on {
        store::refresh_search_text(tx, case_id)?;
    }
    Ok(())
}
