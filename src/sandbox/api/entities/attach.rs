//! Adding an entity to a case (`POST /v1/cases/{case_token}/entities`): an existing one by
//! `entity_token`, or one created inline from `entity{…}`, in a role, at a place in the case's
//! ownership tree, with the checks the role requires created Pending.
//!
//! The rules, in the order they are judged:
//! - the body: exactly one of `entity_token` and `entity`; a `role`; `ownership_percentage`
//!   between 0 and 100 (the share of the parent held), required for a UBO or Shareholder,
//!   optional for a Director (one who also holds shares) and refused for the Primary, which
//!   has no parent, as no `parent_entity_token` is allowed for it either (400);
//! - the caller may write (403), the case exists (404); the entity and the parent exist, and
//!   the parent is on this case (400, naming the field);
//! - the case is open (`lifecycle::check_add_entity`), a UBO holds 25% or more and is a person,
//!   the entity is not on the case already (one role per case), a Primary is the case's only
//!   one and of its `entity_category`, the parent is a company, and the shares held of one
//!   parent add up to no more than 100% (422).
//!
//! Without a parent, a non-primary entity sits under the case's primary entity when that is a
//! company, as the seeded trees do. Source of Wealth is required of a UBO or Director on a
//! High-risk case. The case's counts, `updated_at` and `version` move; its risk is not
//! recalculated (the analyst does that, `POST …/risk-assessments`, so an approved assessment
//! never changes under its approver).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::load_in_case;
use super::write::created_details;
use crate::domain::lifecycle;
use crate::domain::{EntityRole, EntityType, RiskTier};
use crate::sandbox::api::cases::{
    CaseState, EntityIn, Placement, insert_entity, place_entity, state_of, today, validate_entity,
};
use crate::sandbox::api::extract::{Body, Ctx, Path};
use crate::sandbox::api::write::apply;
use crate::sandbox::api::{ApiError, AppState, audit};
use crate::sandbox::store;

pub use crate::domain::lifecycle::UBO_THRESHOLD;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AddEntity {
    pub entity_token: Option<String>,
    pub entity: Option<EntityIn>,
    pub role: Option<EntityRole>,
    pub ownership_percentage: Option<f64>,
    pub parent_entity_token: Option<String>,
}

/// Which entity a request adds.
enum Subject {
    Existing(String),
    New(Box<EntityIn>),
}

/// A body that passed its own rules.
struct Request {
    subject: Subject,
    role: EntityRole,
    share: Option<f64>,
    parent: Option<String>,
}

/// The body's own rules (400).
fn validate(b: AddEntity) -> Result<Request, ApiError> {
    let subject = match (b.entity_token, b.entity) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "entity_token",
                "send entity_token (an existing entity) or entity (a new one), not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::validation(
                "entity_token",
                "is required, or send entity{} to create the entity",
            ));
        }
        (Some(t), None) if t.trim().is_empty() => {
            return Err(ApiError::validation("entity_token", "must not be blank"));
        }
        (Some(t), None) => Subject::Existing(t),
        (None, Some(e)) => {
            validate_entity(&e, "entity.", today())?;
            Subject::New(Box::new(e))
        }
    };
    let role = b.role.ok_or_else(|| {
        ApiError::validation("role", "is required: Primary, UBO, Director or Shareholder")
    })?;
    let owns = matches!(role, EntityRole::Ubo | EntityRole::Shareholder);
    match b.ownership_percentage {
        Some(p) if !(0.0..=100.0).contains(&p) => {
            return Err(ApiError::validation(
                "ownership_percentage",
                format!("must be between 0 and 100, got {p}"),
            ));
        }
        Some(_) if role == EntityRole::Primary => {
            return Err(ApiError::validation(
                "ownership_percentage",
                "is the share of a parent held; the Primary entity has no parent",
            ));
        }
        None if owns => {
            return Err(ApiError::validation(
                "ownership_percentage",
                format!("is required for a {role}: the share of its parent it holds"),
            ));
        }
        _ => {}
    }
    if role == EntityRole::Primary && b.parent_entity_token.is_some() {
        return Err(ApiError::validation(
            "parent_entity_token",
            "the Primary entity is the root of the case's tree and has no parent",
        ));
    }
    Ok(Request {
        subject,
        role,
        share: b.ownership_percentage,
        parent: b.parent_entity_token,
    })
}

pub async fn add_to_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(case_token): Path<String>,
    body: Body<AddEntity>,
) -> Result<Response, ApiError> {
    let Request {
        subject,
        role,
        share,
        parent,
    } = validate(body.value)?;
    apply(&state, &ctx, &body.hash, StatusCode::CREATED, move |tx, op| {
        let c = state_of(tx, &case_token)?;
        let target = match &subject {
            Subject::Existing(t) => Target::Known(entity(tx, t)?.ok_or_else(|| {
                ApiError::validation("entity_token", format!("no entity with token {t:?}"))
            })?),
            Subject::New(e) => Target::New(e),
        };
        let parent = match &parent {
            Some(t) => Some(on_case(tx, &c, t)?.ok_or_else(|| {
                ApiError::validation(
                    "parent_entity_token",
                    format!("{t} is not an entity on case {}; add the parent first", c.name),
                )
            })?),
            None => None,
        };
        if let Err(msg) = lifecycle::check_add_entity(c.status) {
            return Err(ApiError::unprocessable("CASE_CLOSED", msg)
                .with("case_token", c.token.clone())
                .with("current_status", c.status.as_str()));
        }
        let kind = match &target {
            Target::Known(k) => k.kind,
            Target::New(e) => e.entity_type,
        };
        rules(tx, &c, role, kind, share, &target)?;
        let parent = match parent {
            Some(p) => Some(p),
            None if role != EntityRole::Primary => primary_company(tx, c.id)?,
            None => None,
        };
        if let Some(p) = &parent {
            if p.kind != EntityType::Company {
                return Err(ApiError::unprocessable(
                    "PARENT_NOT_A_COMPANY",
                    format!(
                        "{} ({}) is a person; a {role} sits under the company it owns or directs.",
                        p.name, p.token
                    ),
                ));
            }
            if let Some(s) = share {
                held_of(tx, &c, p, s)?;
            }
        }
        let (entity_id, entity_token) = match target {
            Target::Known(k) => (k.id, k.token),
            Target::New(e) => {
                let (id, token) = insert_entity(tx, op, e)?;
                audit::record(tx, op, Some(c.id), "ENTITY_CREATED", "entity", &token, created_details(e, &token))?;
                (id, token)
            }
        };
        let at = Placement {
            role,
            ownership: share,
            parent: parent.as_ref().map(|p| p.id),
            depth: match (&parent, role) {
                (Some(p), _) => p.depth + 1,
                (None, EntityRole::Primary) => 0,
                (None, _) => 1,
            },
        };
        let high_risk = c.risk_tier == Some(RiskTier::High);
        let checks = place_entity(tx, op, c.id, entity_id, kind == EntityType::Company, at, high_risk)?;
        if role == EntityRole::Primary {
            store::set_primary(tx, c.id, entity_id)?;
        }
        store::refresh_counts(tx, c.id)?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            "ENTITY_ADDED",
            "entity",
            &entity_token,
            json!({ "after": {
                "role": role,
                "ownership_percentage": share,
                "parent_entity_token": parent.as_ref().map(|p| p.token.clone()),
                "depth": at.depth,
                "checks_created": checks,
            } }),
        )?;
        Ok(serde_json::to_value(load_in_case(tx, c.id, entity_id)?).unwrap_or(Value::Null))
    })
    .await
}

/// The entity being added: found by its token, or to be created from the body.
enum Target<'a> {
    Known(Known),
    New(&'a EntityIn),
}

/// An entity as the rules need it; `depth` is its depth on the case being added to (0 when it
/// is not on it).
struct Known {
    id: i64,
    token: String,
    name: String,
    kind: EntityType,
    depth: i64,
}

fn known(r: &rusqlite::Row<'_>) -> rusqlite::Result<Known> {
    let kind: String = r.get(3)?;
    Ok(Known {
        id: r.get(0)?,
        token: r.get(1)?,
        name: r.get(2)?,
        kind: kind.parse().unwrap_or(EntityType::Person),
        depth: r.get(4)?,
    })
}

fn entity(tx: &Connection, token: &str) -> rusqlite::Result<Option<Known>> {
    tx.prepare_cached("SELECT id, token, full_name, type, 0 FROM entities WHERE token = ?1")?
        .query_row([token], known)
        .optional()
}

/// The entity `token` if it is on case `c`, at its shallowest place there.
fn on_case(tx: &Connection, c: &CaseState, token: &str) -> rusqlite::Result<Option<Known>> {
    tx.prepare_cached(
        "SELECT e.id, e.token, e.full_name, e.type, MIN(ce.depth) FROM case_entities ce \
         JOIN entities e ON e.id = ce.entity_id WHERE ce.case_id = ?1 AND e.token = ?2 GROUP BY e.id",
    )?
    .query_row(params![c.id, token], known)
    .optional()
}

/// The case's primary entity, if it is a company (where owners and directors sit by default).
fn primary_company(tx: &Connection, case_id: i64) -> rusqlite::Result<Option<Known>> {
    tx.prepare_cached(
        "SELECT e.id, e.token, e.full_name, e.type, 0 FROM cases c JOIN entities e ON e.id = c.primary_entity_id \
         WHERE c.id = ?1 AND e.type = 'Company'",
    )?
    .query_row([case_id], known)
    .optional()
}

/// The rules that depend on the role and the case (422).
fn rules(
    tx: &Connection,
    c: &CaseState,
    role: EntityRole,
    kind: EntityType,
    share: Option<f64>,
    target: &Target<'_>,
) -> Result<(), ApiError> {
    if role == EntityRole::Ubo {
        if let Some(s) = share.filter(|s| *s < UBO_THRESHOLD) {
            return Err(ApiError::unprocessable(
                "BELOW_UBO_THRESHOLD",
                format!(
                    "A UBO holds {UBO_THRESHOLD}% or more; {s}% makes a Shareholder. Add it with role Shareholder."
                ),
            )
            .with("field", "ownership_percentage"));
        }
        if kind == EntityType::Company {
            return Err(ApiError::unprocessable(
                "UBO_NOT_A_PERSON",
                "A UBO is a natural person; add a company that owns a share as a Shareholder, and its owners under it.",
            ));
        }
    }
    if let Target::Known(e) = target {
        let role_there: Option<String> = tx
            .query_row(
                "SELECT role FROM case_entities WHERE case_id = ?1 AND entity_id = ?2",
                params![c.id, e.id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(r) = role_there {
            return Err(ApiError::unprocessable(
                "ENTITY_ALREADY_ON_CASE",
                format!(
                    "{} is already on case {} as {r}; an entity has one role per case.",
                    e.name, c.name
                ),
            )
            .with("role", r));
        }
    }
    if role == EntityRole::Primary {
        let (primary, category): (Option<i64>, String) = tx.query_row(
            "SELECT primary_entity_id, entity_category FROM cases WHERE id = ?1",
            [c.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if primary.is_some() {
            return Err(ApiError::unprocessable(
                "PRIMARY_EXISTS",
                format!(
                    "Case {} already has its Primary entity; a case has one.",
                    c.name
                ),
            ));
        }
        if kind.as_str() != category {
            return Err(ApiError::unprocessable(
                "ENTITY_CATEGORY_MISMATCH",
                format!(
                    "Case {} is about a {category}; its Primary entity cannot be a {kind}.",
                    c.name
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a share that would take what is held of `parent` on the case past 100%.
fn held_of(tx: &Connection, c: &CaseState, parent: &Known, share: f64) -> Result<(), ApiError> {
    let held: f64 = tx.query_row(
        "SELECT COALESCE(SUM(ownership_percentage), 0) FROM case_entities \
         WHERE case_id = ?1 AND parent_entity_id = ?2",
        params![c.id, parent.id],
        |r| r.get(0),
    )?;
    if held + share > 100.0 + 1e-9 {
        return Err(ApiError::unprocessable(
            "OWNERSHIP_OVER_100",
            format!(
                "{held}% of {} is already held on case {}; another {share}% would make {}%.",
                parent.name,
                c.name,
                held + share
            ),
        )
        .with("field", "ownership_percentage"));
    }
    Ok(())
}
