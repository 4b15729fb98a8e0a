//! Reading cases: the filtered, sorted, paginated list, one case, and the compliance report
//! (the case with its entities, checks, alerts, risk and reviewers).

use axum::extract::State;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use serde_json::json;

use super::{COLS, FROM, load, reviewers_of, row};
use crate::domain::{CaseStatus, CaseType, EntityType, Priority, RiskTier, SlaStatus};
use crate::sandbox::api::extract::{Ctx, Params, Path};
use crate::sandbox::api::list::{self, ListSpec, Part, Split};
use crate::sandbox::api::render::{get_response, now, read_clock};
use crate::sandbox::api::{ApiError, AppState};
use crate::sandbox::store;

/// Effective deadline of a case row in SQL (`:now` is the clock).
const DEADLINE_SQL: &str = "(c.sla_due_at + CASE WHEN c.sla_paused_at IS NULL THEN 0 ELSE MAX(0, :now - c.sla_paused_at) END)";

/// Open cases by effective deadline, then closed ones: the order a work queue is read in.
pub(super) const URGENCY_SQL: &str = "(CASE WHEN c.status = 'Closed' THEN 1000000000000 ELSE 0 END + (c.sla_due_at + CASE WHEN c.sla_paused_at IS NULL THEN 0 ELSE MAX(0, :now - c.sla_paused_at) END))";

/// The urgency order cut into parts an index serves (`cases_urgency*` in the schema): a case
/// not paused sorts by its deadline; a paused one by its deadline plus the time paused so far,
/// which is `due - paused_at` (indexed) plus the clock; one paused in the future (a clock set
/// back) by its deadline alone. A test walks both ways and compares.
pub(super) const URGENCY_SPLIT: &[Split] = &[Split {
    sort: "urgency",
    parts: &[
        Part {
            when: "c.sla_paused_at IS NULL",
            key: URGENCY_KEY,
            plus: "0",
        },
        Part {
            // `+` keeps SQLite from reading this part through `cases_paused` and sorting it.
            when: "c.sla_paused_at IS NOT NULL AND +c.sla_paused_at <= :now",
            key: URGENCY_PAUSED_KEY,
            plus: ":now",
        },
        Part {
            when: "c.sla_paused_at IS NOT NULL AND c.sla_paused_at > :now",
            key: URGENCY_KEY,
            plus: "0",
        },
    ],
}];

/// Written exactly as in the expression indexes, which SQLite matches by their text's shape.
pub(super) const URGENCY_KEY: &str =
    "CASE WHEN c.status = 'Closed' THEN 1000000000000 ELSE 0 END + c.sla_due_at";
pub(super) const URGENCY_PAUSED_KEY: &str =
    "CASE WHEN c.status = 'Closed' THEN 1000000000000 ELSE 0 END + c.sla_due_at - c.sla_paused_at";

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

pub(super) fn case_filters(params: &Params, now: i64) -> Result<ListSpec<'static>, ApiError> {
    let mut spec = ListSpec {
        columns: COLS,
        from: FROM,
        narrow: Some("cases c"),
        id: "c.id",
        filters: vec![],
        params: vec![],
        sorts: SORTS,
        default_sort: "-created_at",
        splits: URGENCY_SPLIT,
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
            let entities = crate::sandbox::api::entities::for_case(conn, id, now)?;
            let checks = crate::sandbox::api::checks::for_case(conn, id)?;
            let alerts = crate::sandbox::api::alerts::for_case(conn, id, now)?;
            let risk = crate::sandbox::api::risk::current_for(conn, id)?;
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
