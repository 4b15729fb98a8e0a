//! Zenoo's JSON shapes, decoded tolerantly into `domain::model` records.
//!
//! Zenoo's own pages disagree on names (`sla_deadline` / `due_date` / `sla_due_date`,
//! `closed_at` / `completed_at`, `resolution_rationale` / `resolution_notes`, `assigned_to` as an
//! id or as `{id, name, email}`, `Company` / `company`); every documented variant is accepted.
//! A field that cannot be read is left empty rather than failing the record; only the token is
//! required.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use crate::domain::model::{Alert, Case, Page, User, UserRef};
use crate::domain::{Wire, WireEnum};

/// `{data, meta}` around any payload.
#[derive(Deserialize, Debug)]
pub struct Envelope<T> {
    pub data: T,
    #[serde(default)]
    pub meta: Meta,
}

#[derive(Deserialize, Debug, Default)]
pub struct Meta {
    pub request_id: Option<String>,
    #[serde(default)]
    pub page: PageMeta,
    pub total: Option<u64>,
}

#[derive(Deserialize, Debug, Default)]
pub struct PageMeta {
    pub cursor: Option<String>,
    #[serde(default)]
    pub has_more: bool,
}

/// The error body: `{error, message, request_id}`, and the 422 `invalid_transition` variant.
#[derive(Deserialize, Debug, Default)]
pub struct ErrorBody {
    pub error: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

pub(super) fn text(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().filter_map(|k| v.get(*k)).find_map(|x| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

pub(super) fn number(v: &Value, keys: &[&str]) -> Option<f64> {
    keys.iter().filter_map(|k| v.get(*k)).find_map(|x| match x {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

pub(super) fn count(v: &Value, keys: &[&str]) -> Option<u32> {
    number(v, keys).filter(|n| *n >= 0.0).map(|n| n as u32)
}

pub(super) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn vocab<T: WireEnum>(v: &Value, keys: &[&str]) -> Option<Wire<T>> {
    text(v, keys)
        .filter(|s| !s.is_empty())
        .map(|s| Wire::parse(&s))
}

/// An ISO 8601 time, or a bare date (taken as midnight UTC).
pub(super) fn time(v: &Value, keys: &[&str]) -> Option<Timestamp> {
    let s = text(v, keys)?;
    s.parse::<Timestamp>().ok().or_else(|| {
        s.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

/// `"usr_1"` or `{"id": "usr_1", "name": "…"}` (or `user_id`).
pub(super) fn user_ref(v: &Value, key: &str) -> Option<UserRef> {
    match v.get(key)? {
        Value::String(id) if !id.is_empty() => Some(UserRef {
            id: id.clone(),
            name: None,
        }),
        obj @ Value::Object(_) => Some(UserRef {
            id: text(obj, &["id", "user_id"])?,
            name: text(obj, &["name"]),
        }),
        _ => None,
    }
}

pub(super) fn required_token(v: &Value, what: &str) -> Result<String, String> {
    text(v, &["token", "id"]).ok_or_else(|| format!("a {what} without a token"))
}

/// Decodes a case.
pub fn case(v: &Value) -> Result<Case, String> {
    let token = required_token(v, "case")?;
    Ok(Case {
        name: text(v, &["name", "reference"]).unwrap_or_else(|| token.clone()),
        case_type: vocab(v, &["type", "case_type"]),
        status: vocab(v, &["status"]).unwrap_or(Wire::Other(String::new())),
        priority: vocab(v, &["priority"]),
        entity_category: vocab(v, &["entity_category", "entity_type"]),
        primary_entity: text(v, &["entity_name"]),
        primary_entity_token: text(v, &["entity_token"]),
        assigned_to: user_ref(v, "assigned_to"),
        sla_deadline: time(v, &["sla_deadline", "sla_due_date", "due_date"]),
        sla_status: vocab(v, &["sla_status"]),
        sla_paused: flag(v, "sla_paused"),
        open_alerts: count(v, &["open_alerts_count"]),
        total_entities: count(v, &["total_entities_count"]),
        risk_tier: vocab(v, &["risk_tier"]),
        risk_score: number(v, &["risk_score"]),
        decision: vocab(v, &["decision"]),
        summary: text(v, &["summary", "resolution_notes"]),
        external_reference: text(v, &["external_reference"]),
        created_at: time(v, &["created_at", "start_date"]),
        updated_at: time(v, &["updated_at"]),
        closed_at: time(v, &["closed_at", "completed_at"]),
        version: number(v, &["version"]).map(|n| n as i64),
        source: None,
        awaiting_approval: v
            .get("awaiting_approval")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        token,
    })
}

/// Decodes an alert.
pub fn alert(v: &Value) -> Result<Alert, String> {
    Ok(Alert {
        token: required_token(v, "alert")?,
        case_token: text(v, &["case_token"]),
        entity_token: text(v, &["entity_token"]),
        entity_name: text(v, &["entity_name"]),
        alert_type: vocab(v, &["type"]),
        category: text(v, &["category"]),
        title: text(v, &["title"]),
        description: text(v, &["description"]),
        status: vocab(v, &["status"]).unwrap_or(Wire::Other(String::new())),
        priority: vocab(v, &["priority"]),
        priority_score: number(v, &["priority_score"]),
        match_score: number(v, &["match_score"]),
        sla_deadline: time(v, &["sla_deadline", "sla_due_date"]),
        sla_status: vocab(v, &["sla_status"]),
        source_data: v.get("source_data").filter(|s| !s.is_null()).cloned(),
        ai_assessment: text(v, &["ai_assessment"]),
        resolution_action: vocab(v, &["resolution_action"]),
        resolution_rationale: text(v, &["resolution_rationale", "resolution_notes"]),
        conditions: text(v, &["conditions"]),
        is_false_positive: flag(v, "is_false_positive"),
        resolved_by: user_ref(v, "resolved_by"),
        resolved_at: time(v, &["resolved_at"]),
        assigned_to: user_ref(v, "assigned_to"),
        updated_at: time(v, &["updated_at"]),
    })
}

/// Decodes a user (`/v1/me`, `/v1/users`).
pub fn user(v: &Value) -> Result<User, String> {
    let id = text(v, &["user_id", "id"]).ok_or("a user without an id")?;
    Ok(User {
        name: text(v, &["name"]).unwrap_or_else(|| id.clone()),
        email: text(v, &["email"]),
        role: text(v, &["role"]),
        can_write: v.get("can_write").and_then(Value::as_bool).unwrap_or(true),
        id,
    })
}

/// Decodes a list page with `decode` for each item. One bad item fails the page, naming it.
pub fn page<T>(
    env: Envelope<Value>,
    decode: impl Fn(&Value) -> Result<T, String>,
) -> Result<Page<T>, String> {
    let items = match &env.data {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| decode(v).map_err(|e| format!("item {i}: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(format!("expected a list in data, got {}", kind(other))),
    };
    Ok(Page {
        items,
        cursor: env.meta.page.cursor,
        has_more: env.meta.page.has_more,
        total: env.meta.total,
    })
}

/// The JSON kind of a value, for error messages.
pub use crate::provider::http::json_kind as kind;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseStatus, EntityType, RiskTier};
    use serde_json::json;

    #[test]
    fn the_api_shape_decodes() {
        let c = case(&json!({
            "token": "cas_1", "name": "CAS-000001", "type": "Onboarding", "status": "In Progress",
            "entity_category": "Company", "assigned_to": "usr_a", "sla_deadline": "2026-11-07T05:31:56Z",
            "sla_status": "On Track", "open_alerts_count": 3, "risk_tier": "High", "risk_score": 71.5,
        }))
        .unwrap();
        assert_eq!(c.status, Wire::Known(CaseStatus::InProgress));
        assert_eq!(c.assigned_to.unwrap().id, "usr_a");
        assert_eq!(c.open_alerts, Some(3));
        assert_eq!(c.risk_tier, Some(Wire::Known(RiskTier::High)));
        assert_eq!(c.sla_deadline.unwrap().to_string(), "2026-11-07T05:31:56Z");
    }

    #[test]
    fn the_data_model_variants_decode() {
        let c = case(&json!({
            "token": "cas_2", "name": "AML-2026-0042", "status": "On Hold", "entity_type": "company",
            "assigned_to": { "id": "usr_b", "name": "Lukas", "email": "l@x" },
            "due_date": "2026-12-01", "completed_at": "2026-11-30T10:00:00Z", "resolution_notes": "ok",
            "risk_score": "40", "open_alerts_count": null,
        }))
        .unwrap();
        assert_eq!(c.status, Wire::Other("On Hold".into()));
        assert_eq!(c.entity_category, Some(Wire::Known(EntityType::Company)));
        assert_eq!(
            c.assigned_to.as_ref().unwrap().name.as_deref(),
            Some("Lukas")
        );
        assert_eq!(c.sla_deadline.unwrap().to_string(), "2026-12-01T00:00:00Z");
        assert!(c.closed_at.is_some());
        assert_eq!(c.summary.as_deref(), Some("ok"));
        assert_eq!(c.risk_score, Some(40.0));
        assert_eq!(c.open_alerts, None);
    }

    #[test]
    fn wrong_types_leave_fields_empty_but_a_missing_token_fails() {
        let c = case(&json!({ "token": "cas_3", "status": 7, "sla_deadline": "soon", "open_alerts_count": -2 })).unwrap();
        assert_eq!(c.status.as_str(), "7");
        assert_eq!(c.sla_deadline, None);
        assert_eq!(c.open_alerts, None);
        assert!(case(&json!({ "name": "x" })).is_err());
        let env: Envelope<Value> =
            serde_json::from_value(json!({ "data": [{ "token": "a" }, { "name": "b" }] })).unwrap();
        let err = page(env, case).unwrap_err();
        assert!(err.contains("item 1"), "{err}");
    }
}
