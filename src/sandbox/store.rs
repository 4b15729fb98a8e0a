//! Row-level writes and shared reads of the sandbox database, used by both the seeder and the
//! API so that seeded data and data created over HTTP are built by the same code.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::seed::corpus;
use crate::domain::risk::{self, AlertFacts, EntityFacts, RiskFacts, Scored};
use crate::domain::{
    AlertStatus, AssessmentStatus, CaseType, EntityRole, RiskTier, VerificationStatus,
};

/// A case row to insert.
pub struct NewCase<'a> {
    pub token: &'a str,
    pub name: &'a str,
    pub case_type: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub priority_rank: i64,
    pub entity_category: &'a str,
    pub assigned_to: Option<&'a str>,
    pub sla_due_at: i64,
    pub sla_warning_days: i64,
    pub sla_paused_at: Option<i64>,
    pub decision: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub escalated_to: Option<&'a str>,
    pub escalation_reason: Option<&'a str>,
    pub escalated_at: Option<i64>,
    pub external_reference: Option<&'a str>,
    pub metadata: &'a str,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    /// The primary entity (id, name), when it exists already.
    pub primary_entity: Option<(i64, &'a str)>,
}

pub fn insert_case(conn: &Connection, c: &NewCase<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO cases (token, name, type, status, priority, priority_rank, entity_category, assigned_to, \
         sla_due_at, sla_warning_days, sla_paused_at, decision, summary, escalated_to, escalation_reason, escalated_at, \
         external_reference, metadata, created_at, updated_at, closed_at, search_text, primary_entity_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
    )?
    .execute(params![
        c.token,
        c.name,
        c.case_type,
        c.status,
        c.priority,
        c.priority_rank,
        c.entity_category,
        c.assigned_to,
        c.sla_due_at,
        c.sla_warning_days,
        c.sla_paused_at,
        c.decision,
        c.summary,
        c.escalated_to,
        c.escalation_reason,
        c.escalated_at,
        c.external_reference,
        c.metadata,
        c.created_at,
        c.updated_at,
        c.closed_at,
        search_text(&[
            c.name,
            c.token,
            c.external_reference.unwrap_or(""),
            c.primary_entity.map_or("", |(_, n)| n),
        ]),
        c.primary_entity.map(|(id, _)| id),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Lower-cased text that `q` searches in.
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// An entity row to insert.
pub struct NewEntity<'a> {
    pub token: &'a str,
    pub entity_type: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub full_name: &'a str,
    pub company_name: Option<&'a str>,
    pub registration_number: Option<&'a str>,
    pub date_of_birth: Option<&'a str>,
    pub nationality: Option<&'a str>,
    pub country: &'a str,
    pub address: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub verification_status: &'a str,
    pub risk_rating: Option<&'a str>,
    pub external_reference: Option<&'a str>,
    pub metadata: &'a str,
    pub created_at: i64,
}

pub fn insert_entity(conn: &Connection, e: &NewEntity<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO entities (token, type, first_name, last_name, full_name, company_name, registration_number, \
         date_of_birth, nationality, country, address, industry, email, phone, verification_status, risk_rating, \
         external_reference, metadata, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
    )?
    .execute(params![
        e.token,
        e.entity_type,
        e.first_name,
        e.last_name,
        e.full_name,
        e.company_name,
        e.registration_number,
        e.date_of_birth,
        e.nationality,
        e.country,
        e.address,
        e.industry,
        e.email,
        e.phone,
        e.verification_status,
        e.risk_rating,
        e.external_reference,
        e.metadata,
        e.created_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Puts an entity on a case in a role; what `q` searches on the case then has its name.
pub fn link_entity(
    conn: &Connection,
    case_id: i64,
    entity_id: i64,
    role: EntityRole,
    ownership: Option<f64>,
    parent: Option<i64>,
    depth: i64,
) -> rusqlite::Result<()> {
    add_link(conn, case_id, entity_id, role, ownership, parent, depth)?;
    refresh_search_text(conn, case_id)
}

/// Puts an entity on a case without refreshing its search text: the seeder refreshes it once
/// per case, when every entity is on it.
pub fn add_link(
    conn: &Connection,
    case_id: i64,
    entity_id: i64,
    role: EntityRole,
    ownership: Option<f64>,
    parent: Option<i64>,
    depth: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO case_entities (case_id, entity_id, role, ownership_percentage, parent_entity_id, depth) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![case_id, entity_id, role.as_str(), ownership, parent, depth])?;
    Ok(())
}

/// Rebuilds what `q` searches on a case: its name, token, external reference and the name of
/// every entity on it (directors and UBOs too, not only the primary entity).
pub fn refresh_search_text(conn: &Connection, case_id: i64) -> rusqlite::Result<()> {
    let (name, token, ext, primary): (String, String, Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT c.name, c.token, c.external_reference, e.full_name FROM cases c \
             LEFT JOIN entities e ON e.id = c.primary_entity_id WHERE c.id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let names: Vec<String> = conn
        .prepare_cached(
            "SELECT e.full_name FROM case_entities ce JOIN entities e ON e.id = ce.entity_id \
             WHERE ce.case_id = ?1 ORDER BY ce.depth, e.id",
        )?
        .query_map([case_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut parts: Vec<&str> = vec![&name, &token, ext.as_deref().unwrap_or("")];
    parts.push(primary.as_deref().unwrap_or(""));
    for n in &names {
        if Some(n.as_str()) != primary.as_deref() {
            parts.push(n);
        }
    }
    let text = search_text(&parts);
    conn.prepare_cached("UPDATE cases SET search_text = ?2 WHERE id = ?1 AND search_text != ?2")?
        .execute(params![case_id, text])?;
    Ok(())
}

/// A check row to insert.
pub struct NewCheck<'a> {
    pub token: &'a str,
    pub case_id: i64,
    pub entity_id: i64,
    pub type_code: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub status: &'a str,
    pub result: Option<&'a str>,
    pub provider: &'a str,
    pub result_data: &'a str,
    pub alerts_generated: i64,
    pub valid_until: Option<i64>,
    pub executed_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub created_at: i64,
}

pub fn insert_check(conn: &Connection, c: &NewCheck<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO checks (token, case_id, entity_id, type_code, name, category, status, result, provider, \
         execution_method, result_data, alerts_generated, valid_until, executed_at, completed_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'API', ?10, ?11, ?12, ?13, ?14, ?15, COALESCE(?14, ?15))",
    )?
    .execute(params![
        c.token,
        c.case_id,
        c.entity_id,
        c.type_code,
        c.name,
        c.category,
        c.status,
        c.result,
        c.provider,
        c.result_data,
        c.alerts_generated,
        c.valid_until,
        c.executed_at,
        c.completed_at,
        c.created_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The checks a role requires (Zenoo's entity-lifecycle table): (type code, name, category).
pub fn required_checks(
    role: EntityRole,
    is_company: bool,
    high_risk: bool,
) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut v = Vec::new();
    if is_company {
        v.push(("COMPANY_REGISTRY", "Company registry lookup", "Company"));
        v.push(("SCR_SANCTIONS", "Sanctions screening", "Screening"));
        v.push(("SCR_ADVERSE_MEDIA", "Adverse media screening", "Screening"));
        return v;
    }
    v.push(("SCR_PEP", "PEP and sanctions screening", "Screening"));
    if role != EntityRole::Shareholder {
        v.push(("SCR_ADVERSE_MEDIA", "Adverse media screening", "Screening"));
    }
    v.push(("IDV_DOCUMENT", "Identity document verification", "Identity"));
    if role == EntityRole::Ubo {
        v.push(("IDV_ADDRESS", "Address verification", "Identity"));
    }
    if high_risk && matches!(role, EntityRole::Ubo | EntityRole::Director) {
        v.push(("EDD_SOURCE_OF_WEALTH", "Source of wealth", "EDD"));
    }
    v
}

/// An alert row to insert.
pub struct NewAlert<'a> {
    pub token: &'a str,
    pub case_id: i64,
    pub entity_id: i64,
    pub check_id: Option<i64>,
    pub alert_type: &'a str,
    pub category: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub priority_score: f64,
    pub match_score: Option<f64>,
    pub title: &'a str,
    pub description: &'a str,
    pub source_data: &'a str,
    pub ai_assessment: Option<&'a str>,
    pub resolution_action: Option<&'a str>,
    pub resolution_rationale: Option<&'a str>,
    pub conditions: Option<&'a str>,
    pub is_false_positive: bool,
    pub resolved_by: Option<&'a str>,
    pub resolved_at: Option<i64>,
    pub assigned_to: Option<&'a str>,
    pub sla_due_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert_alert(conn: &Connection, a: &NewAlert<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO alerts (token, case_id, entity_id, check_id, type, category, status, priority, priority_score, \
         match_score, title, description, source_data, ai_assessment, resolution_action, resolution_rationale, \
         conditions, is_false_positive, resolved_by, resolved_at, assigned_to, sla_due_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
    )?
    .execute(params![
        a.token,
        a.case_id,
        a.entity_id,
        a.check_id,
        a.alert_type,
        a.category,
        a.status,
        a.priority,
        a.priority_score,
        a.match_score,
        a.title,
        a.description,
        a.source_data,
        a.ai_assessment,
        a.resolution_action,
        a.resolution_rationale,
        a.conditions,
        a.is_false_positive,
        a.resolved_by,
        a.resolved_at,
        a.assigned_to,
        a.sla_due_at,
        a.created_at,
        a.updated_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Composite alert priority on Zenoo's 0..=290 scale: priority band + match score + category
/// weight.
pub fn priority_score(priority: crate::domain::Priority, match_score: f64, category: &str) -> f64 {
    let band = match priority {
        crate::domain::Priority::Critical => 100.0,
        crate::domain::Priority::High => 70.0,
        crate::domain::Priority::Medium => 40.0,
        crate::domain::Priority::Low => 10.0,
    };
    let weight = match category {
        "Sanctions Hit" => 90.0,
        "PEP Match" => 60.0,
        "Watchlist Match" => 55.0,
        "Adverse Media" => 45.0,
        "Document Tampering Suspected" => 50.0,
        "Unusual Transaction Pattern" | "Source of Funds Unclear" => 40.0,
        _ => 25.0,
    };
    (band + match_score.clamp(0.0, 100.0) + weight).min(290.0)
}

/// Stores a new assessment for a case, superseding the active one, and mirrors tier and score
/// onto the case.
pub fn insert_assessment(
    conn: &Connection,
    case_id: i64,
    token: &str,
    status: AssessmentStatus,
    scored: &Scored,
    created_by: Option<&str>,
    at: i64,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "UPDATE risk_assessments SET status = 'Superseded', updated_at = ?2 \
         WHERE case_id = ?1 AND status != 'Superseded'",
    )?
    .execute(params![case_id, at])?;
    let dims = serde_json::to_string(&scored.dimensions).unwrap_or_else(|_| "{}".into());
    conn.prepare_cached(
        "INSERT INTO risk_assessments (token, case_id, status, overall_score, tier, dimensions, model_version, \
         created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        token,
        case_id,
        status.as_str(),
        scored.overall_score,
        scored.tier.as_str(),
        dims,
        risk::MODEL_VERSION,
        created_by,
        at,
    ])?;
    let id = conn.last_insert_rowid();
    mirror_risk(conn, case_id, scored.tier, scored.overall_score)?;
    Ok(id)
}

/// Copies the effective tier and score of the current assessment onto the case row.
pub fn mirror_risk(
    conn: &Connection,
    case_id: i64,
    tier: RiskTier,
    score: f64,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE cases SET risk_tier = ?2, risk_score = ?3 WHERE id = ?1")?
        .execute(params![case_id, tier.as_str(), score])?;
    Ok(())
}

/// Recounts a case's alerts and entities after a change.
pub fn refresh_counts(conn: &Connection, case_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE cases SET \
           open_alerts_count = (SELECT COUNT(*) FROM alerts WHERE case_id = ?1 AND status NOT IN ('Resolved', 'False Positive')), \
           total_alerts_count = (SELECT COUNT(*) FROM alerts WHERE case_id = ?1), \
           total_entities_count = (SELECT COUNT(DISTINCT entity_id) FROM case_entities WHERE case_id = ?1) \
         WHERE id = ?1",
    )?
    .execute([case_id])?;
    Ok(())
}

/// Sets the primary entity of a case and refreshes its search text.
pub fn set_primary(conn: &Connection, case_id: i64, entity_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE cases SET primary_entity_id = ?2 WHERE id = ?1")?
        .execute(params![case_id, entity_id])?;
    refresh_search_text(conn, case_id)
}

/// Marks a case as changed now: every change to a case or anything on it does this, once per
/// request, so that `updated_since` polling sees it and `version` (which, unlike a time with
/// one-second resolution, moves on every change) changes the case's representation and ETag.
pub fn touch_case(conn: &Connection, case_id: i64, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE cases SET updated_at = MAX(updated_at, ?2), version = version + 1 WHERE id = ?1",
    )?
    .execute(params![case_id, now])?;
    Ok(())
}

/// One audit entry.
pub struct AuditRow<'a> {
    pub token: &'a str,
    pub case_id: Option<i64>,
    pub event_type: &'a str,
    pub severity: &'a str,
    pub actor_id: &'a str,
    pub actor_type: &'a str,
    pub target_type: &'a str,
    pub target_token: &'a str,
    pub details: &'a Value,
    pub request_id: Option<&'a str>,
    pub created_at: i64,
}

pub fn insert_audit(conn: &Connection, a: &AuditRow<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (token, case_id, event_type, severity, actor_id, actor_type, target_type, target_token, \
         details, request_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        a.token,
        a.case_id,
        a.event_type,
        a.severity,
        a.actor_id,
        a.actor_type,
        a.target_type,
        a.target_token,
        a.details.to_string(),
        a.request_id,
        a.created_at,
    ])?;
    Ok(())
}

/// Geographic risk of a country code under the sandbox's illustrative model.
pub fn country_risk(code: &str) -> RiskTier {
    match corpus::country(code).map(|c| c.risk) {
        Some(corpus::GeoRisk::High) => RiskTier::High,
        Some(corpus::GeoRisk::Medium) => RiskTier::Medium,
        Some(corpus::GeoRisk::Low) => RiskTier::Low,
        None => RiskTier::Medium,
    }
}

/// Product risk of an industry under the sandbox's illustrative model.
pub fn industry_risk(industry: &str) -> RiskTier {
    match corpus::INDUSTRIES
        .iter()
        .find(|(n, _)| *n == industry)
        .map(|(_, r)| *r)
    {
        Some(corpus::GeoRisk::High) => RiskTier::High,
        Some(corpus::GeoRisk::Low) => RiskTier::Low,
        _ => RiskTier::Medium,
    }
}

/// Transaction profile kept in a case's metadata.
pub fn transaction_profile(metadata: &Value) -> (f64, bool, f64, String) {
    let p = &metadata["transaction_profile"];
    (
        p["expected_monthly_volume_eur"].as_f64().unwrap_or(0.0),
        p["cash_intensive"].as_bool().unwrap_or(false),
        p["cross_border_share"].as_f64().unwrap_or(0.0),
        p["channel"].as_str().unwrap_or("Online only").to_string(),
    )
}

/// Gathers what the risk model needs about a case from the database.
pub fn risk_facts(conn: &Connection, case_id: i64) -> rusqlite::Result<RiskFacts> {
    let (case_type, metadata): (String, String) = conn
        .prepare_cached("SELECT type, metadata FROM cases WHERE id = ?1")?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let metadata: Value = serde_json::from_str(&metadata).unwrap_or(Value::Null);
    let mut industry = None;
    let mut entities = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT ce.role, e.type, e.country, e.verification_status, ce.depth, e.industry \
         FROM case_entities ce JOIN entities e ON e.id = ce.entity_id WHERE ce.case_id = ?1",
    )?;
    let mut rows = stmt.query([case_id])?;
    while let Some(r) = rows.next()? {
        let role: String = r.get(0)?;
        let role: EntityRole = role.parse().unwrap_or(EntityRole::Shareholder);
        let etype: String = r.get(1)?;
        let country: String = r.get(2)?;
        let vs: String = r.get(3)?;
        if role == EntityRole::Primary
            && let Some(ind) = r.get::<_, Option<String>>(5)?
        {
            let tier = industry_risk(&ind);
            industry = Some((ind, tier));
        }
        entities.push(EntityFacts {
            role,
            is_company: etype == "Company",
            country_risk: country_risk(&country),
            country,
            verification: vs.parse().unwrap_or(VerificationStatus::InProgress),
            depth: r.get::<_, i64>(4)?.max(0) as u32,
        });
    }
    let mut alerts = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT category, status, is_false_positive, COALESCE(match_score, 0) FROM alerts WHERE case_id = ?1",
    )?;
    let mut rows = stmt.query([case_id])?;
    while let Some(r) = rows.next()? {
        let status: String = r.get(1)?;
        alerts.push(AlertFacts {
            category: r.get(0)?,
            status: status.parse().unwrap_or(AlertStatus::Open),
            is_false_positive: r.get(2)?,
            match_score: r.get(3)?,
        });
    }
    let (monthly_volume_eur, cash_intensive, cross_border_share, channel) =
        transaction_profile(&metadata);
    Ok(RiskFacts {
        case_type: case_type.parse().unwrap_or(CaseType::Review),
        entities,
        alerts,
        industry,
        monthly_volume_eur,
        cash_intensive,
        cross_border_share,
        channel,
    })
}

/// The id of a row by its token, if present. `table` is written into the SQL, so it must be a
/// name fixed in the code (`'static`), never client text.
pub fn id_of(conn: &Connection, table: &'static str, token: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(&format!("SELECT id FROM {table} WHERE token = ?1"))?
        .query_row([token], |r| r.get(0))
        .optional()
}

/// The next human case reference, `CAS-000123`.
pub fn next_case_name(conn: &Connection) -> rusqlite::Result<String> {
    let max: Option<i64> = conn.query_row("SELECT MAX(id) FROM cases", [], |r| r.get(0))?;
    Ok(format!("CAS-{:06}", max.unwrap_or(0) + 1))
}

/// The id of a row by its external reference, if present (`table` as in [`id_of`]).
pub fn id_of_ext(
    conn: &Connection,
    table: &'static str,
    ext: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(&format!(
        "SELECT id FROM {table} WHERE external_reference = ?1"
    ))?
    .query_row([ext], |r| r.get(0))
    .optional()
}
