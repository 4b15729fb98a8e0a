//! Entities: list (optionally within a case, with roles and ownership) and read, here; `write`
//! creates and updates them, `attach` adds one to a case in a role (with the checks the role
//! requires). Country fields are checked against `domain::country`.
//!
//! The entity body and its validation live with case creation (`cases::create`), which
//! creates its primary entity inline; every entity write shares them.

mod attach;
mod write;

pub use crate::domain::country::is_alpha2 as is_country;
pub use attach::{AddEntity, add_to_case};
pub use write::{PatchEntity, create, patch};

use axum::extract::State;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{Value, json};

use super::extract::{Ctx, Params, Path};
use super::list::{self, ListSpec};
use super::render::{PageMeta, get_response, json_col, read_clock, ts};
use super::{ApiError, AppState};
use crate::domain::{EntityRole, EntityType, VerificationStatus};
use crate::sandbox::store;

#[derive(Serialize, Debug)]
pub struct Summary {
    pub total: i64,
    pub complete: i64,
    pub pending: i64,
    pub failed: i64,
}

#[derive(Serialize, Debug)]
pub struct AlertSummary {
    pub total: i64,
    pub open: i64,
    pub resolved: i64,
}

#[derive(Serialize, Debug)]
pub struct EntityOut {
    pub token: String,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub full_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub registration_number: Option<String>,
    pub date_of_birth: Option<String>,
    pub nationality: Option<String>,
    pub country: String,
    pub address: Value,
    pub industry: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub verification_status: String,
    pub risk_rating: Option<String>,
    pub external_reference: Option<String>,
    pub metadata: Value,
    pub checks_summary: Summary,
    pub alerts_summary: AlertSummary,
    /// Only within a case: the role there, ownership and the owning entity (for the tree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_percentage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<i64>,
    /// Only on a single entity: every case it is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<Value>>,
    pub created_at: String,
    pub updated_at: String,
}

const BASE_COLS: &str = "e.id, e.token, e.type, e.full_name, e.first_name, e.last_name, e.company_name, e.registration_number, \
    e.date_of_birth, e.nationality, e.country, e.address, e.industry, e.email, e.phone, e.verification_status, e.risk_rating, \
    e.external_reference, e.metadata, e.created_at, e.updated_at, \
    (SELECT COUNT(*) FROM checks k WHERE k.entity_id = e.id) AS checks_total, \
    (SELECT COUNT(*) FROM checks k WHERE k.entity_id = e.id AND k.status IN ('Complete', 'Waived', 'Reused')) AS checks_complete, \
    (SELECT COUNT(*) FROM checks k WHERE k.entity_id = e.id AND k.status IN ('Pending', 'Queued', 'In Progress', 'Awaiting Document', 'Awaiting Client', 'Retry Scheduled')) AS checks_pending, \
    (SELECT COUNT(*) FROM checks k WHERE k.entity_id = e.id AND (k.status = 'Failed' OR k.result = 'Fail')) AS checks_failed, \
    (SELECT COUNT(*) FROM alerts a WHERE a.entity_id = e.id) AS alerts_total, \
    (SELECT COUNT(*) FROM alerts a WHERE a.entity_id = e.id AND a.status NOT IN ('Resolved', 'False Positive')) AS alerts_open";

fn base(r: &Row<'_>) -> rusqlite::Result<EntityOut> {
    let alerts_total: i64 = r.get("alerts_total")?;
    let alerts_open: i64 = r.get("alerts_open")?;
    Ok(EntityOut {
        token: r.get("token")?,
        entity_type: r.get("type")?,
        full_name: r.get("full_name")?,
        first_name: r.get("first_name")?,
        last_name: r.get("last_name")?,
        company_name: r.get("company_name")?,
        registration_number: r.get("registration_number")?,
        date_of_birth: r.get("date_of_birth")?,
        nationality: r.get("nationality")?,
        country: r.get("country")?,
        address: r
            .get::<_, Option<String>>("address")?
            .map(|a| json_col(&a))
            .unwrap_or(Value::Null),
        industry: r.get("industry")?,
        email: r.get("email")?,
        phone: r.get("phone")?,
        verification_status: r.get("verification_status")?,
        risk_rating: r.get("risk_rating")?,
        external_reference: r.get("external_reference")?,
        metadata: json_col(&r.get::<_, String>("metadata")?),
        checks_summary: Summary {
            total: r.get("checks_total")?,
            complete: r.get("checks_complete")?,
            pending: r.get("checks_pending")?,
            failed: r.get("checks_failed")?,
        },
        alerts_summary: AlertSummary {
            total: alerts_total,
            open: alerts_open,
            resolved: alerts_total - alerts_open,
        },
        case_token: None,
        role: None,
        ownership_percentage: None,
        parent_token: None,
        depth: None,
        cases: None,
        created_at: ts(r.get("created_at")?),
        updated_at: ts(r.get("updated_at")?),
    })
}

fn in_case(r: &Row<'_>, _now: i64) -> rusqlite::Result<EntityOut> {
    let mut e = base(r)?;
    e.case_token = r.get("case_token")?;
    e.role = r.get("role")?;
    e.ownership_percentage = r.get("ownership_percentage")?;
    e.parent_token = r.get("parent_token")?;
    e.depth = r.get("depth")?;
    Ok(e)
}

fn plain(r: &Row<'_>, _now: i64) -> rusqlite::Result<EntityOut> {
    base(r)
}

const ROLE_ORDER: &str =
    "CASE ce.role WHEN 'Primary' THEN 0 WHEN 'UBO' THEN 1 WHEN 'Director' THEN 2 ELSE 3 END";

fn case_cols() -> String {
    format!(
        "{BASE_COLS}, c.token AS case_token, ce.role, ce.ownership_percentage, p.token AS parent_token, ce.depth"
    )
}
const CASE_FROM: &str = "case_entities ce JOIN entities e ON e.id = ce.entity_id JOIN cases c ON c.id = ce.case_id \
    LEFT JOIN entities p ON p.id = ce.parent_entity_id";

/// Every entity of a case in tree order (primary, then owners by depth and role).
pub fn for_case(conn: &Connection, case_id: i64, now: i64) -> Result<Vec<EntityOut>, ApiError> {
    let sql = format!(
        "SELECT {} FROM {CASE_FROM} WHERE ce.case_id = ?1 ORDER BY ce.depth, {ROLE_ORDER}, e.id",
        case_cols()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([case_id], |r| in_case(r, now))?
        .collect::<Result<_, _>>()?)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Params,
) -> Result<Response, ApiError> {
    let types: Vec<SqlValue> = params.enum_values::<EntityType>("type")?;
    let statuses: Vec<SqlValue> =
        params.enum_values::<VerificationStatus>("verification_status")?;
    let roles: Vec<SqlValue> = params.enum_values::<EntityRole>("role")?;
    let case_token = params.str("case_token").map(str::to_string);
    if case_token.is_none() && !roles.is_empty() {
        return Err(ApiError::validation(
            "role",
            "filters roles within a case; give case_token too",
        ));
    }
    let page = state
        .db
        .read(move |conn| {
            let cols = case_cols();
            let mut spec = match &case_token {
                Some(t) => {
                    let id = store::id_of(conn, "cases", t)?
                        .ok_or_else(|| ApiError::not_found("case", t))?;
                    let mut s = ListSpec {
                        columns: &cols,
                        from: CASE_FROM,
                        narrow: None,
                        id: "e.id",
                        filters: vec![],
                        params: vec![],
                        sorts: &[("created_at", "e.created_at"), ("name", "e.full_name")],
                        default_sort: "created_at",
                        splits: &[],
                    };
                    s.filter("ce.case_id = ?", [SqlValue::Integer(id)]);
                    s.filter_in("ce.role", roles);
                    s
                }
                None => ListSpec {
                    columns: BASE_COLS,
                    from: "entities e",
                    narrow: Some("entities e"),
                    id: "e.id",
                    filters: vec![],
                    params: vec![],
                    sorts: &[("created_at", "e.created_at"), ("name", "e.full_name")],
                    default_sort: "created_at",
                    splits: &[],
                },
            };
            spec.filter_in("e.type", types);
            spec.filter_in("e.verification_status", statuses);
            let map = if case_token.is_some() { in_case } else { plain };
            list::run(conn, spec, &params, read_clock(), map)
        })
        .await?;
    Ok(get_response(
        &ctx.headers,
        &page.items,
        Some(&PageMeta::from(&page)),
    ))
}

/// One entity as `GET /v1/entities/{token}` shows it: with every case it is on.
pub fn load(conn: &Connection, token: &str) -> Result<EntityOut, ApiError> {
    let mut e = conn
        .prepare_cached(&format!(
            "SELECT {BASE_COLS} FROM entities e WHERE e.token = ?1"
        ))?
        .query_row([token], base)
        .optional()?
        .ok_or_else(|| ApiError::not_found("entity", token))?;
    let cases = conn
        .prepare_cached(
            "SELECT c.token, c.name, ce.role, ce.ownership_percentage FROM case_entities ce \
             JOIN cases c ON c.id = ce.case_id JOIN entities e ON e.id = ce.entity_id WHERE e.token = ?1 ORDER BY c.id",
        )?
        .query_map([token], |r| {
            Ok(json!({
                "case_token": r.get::<_, String>(0)?,
                "case_name": r.get::<_, String>(1)?,
                "role": r.get::<_, String>(2)?,
                "ownership_percentage": r.get::<_, Option<f64>>(3)?,
            }))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    e.cases = Some(cases);
    Ok(e)
}

/// One entity as a case's entity list shows it (role, ownership, parent, depth).
pub fn load_in_case(
    conn: &Connection,
    case_id: i64,
    entity_id: i64,
) -> Result<EntityOut, ApiError> {
    let sql = format!(
        "SELECT {} FROM {CASE_FROM} WHERE ce.case_id = ?1 AND ce.entity_id = ?2",
        case_cols()
    );
    conn.prepare_cached(&sql)?
        .query_row([case_id, entity_id], |r| in_case(r, 0))
        .optional()?
        .ok_or_else(|| ApiError::not_found("entity on case", &entity_id.to_string()))
}

pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let entity = state.db.read(move |conn| load(conn, &token)).await?;
    Ok(get_response(&ctx.headers, &entity, None))
}
