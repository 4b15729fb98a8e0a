//! Amiqus ID's JSON shapes (API v2), decoded tolerantly into `domain::model` records.
//!
//! Amiqus expands ID fields into objects on request (`expand=client,assignees`), one level deep,
//! so most fields arrive in more than one form: `client` as an id or a client object,
//! `assignees` as `null`, a list of ids, a `list` object of team members or a plain list,
//! `reviewed_by` as an id or a team member, a step's `review` as `null` (awaiting review),
//! `false` (not reviewable), an id or a step review. Every form is accepted. A field that cannot
//! be read is left empty rather than failing the record; only ids are required.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::domain::model::{Alert, AuditEntry, Case, Check, Entity, User, UserRef};
use crate::domain::{
    AlertStatus, AlertType, CaseStatus, CheckCategory, CheckResult, CheckStatus, Decision,
    EntityRole, EntityType, ResolutionAction, VerificationStatus, Wire,
};

/// A field as text: a string (blank counts as absent) or a number (Amiqus ids are integers).
pub fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The `id` of an object.
pub fn id(v: &Value) -> Option<String> {
    text(v, "id")
}

/// An ISO 8601 time (`2022-05-22T08:22:12Z`), or a bare date taken as midnight UTC.
fn time(v: &Value, key: &str) -> Option<Timestamp> {
    let s = text(v, key)?;
    s.parse::<Timestamp>().ok().or_else(|| {
        s.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

/// The JSON kind of a value, for error messages.
pub use crate::provider::http::json_kind as kind;

/// One page of a `paginated_list`: `{object, data, total, count, limit, current_page,
/// total_pages, links: null | {next, previous}}`.
#[derive(Debug)]
pub struct Paginated {
    pub items: Vec<Value>,
    /// Another page follows: `current_page < total_pages`, or, where those are missing,
    /// `links.next` is set. (The `next` URL itself is never followed: it could name another
    /// host, and the key would go with it.)
    pub more: bool,
}

/// Decodes a `paginated_list` (or a plain `list`, which has `has_more` instead of pages).
pub fn paginated(v: Value) -> Result<Paginated, String> {
    let Value::Object(mut obj) = v else {
        return Err(format!(
            "expected a paginated_list object, got {}",
            kind(&v)
        ));
    };
    let items = match obj.remove("data") {
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("expected a list in data, got {}", kind(&other))),
        None => return Err("a paginated_list without data".into()),
    };
    let page = |k: &str| obj.get(k).and_then(Value::as_u64);
    let next = obj
        .get("links")
        .and_then(|l| l.get("next"))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty());
    let more = match (page("current_page"), page("total_pages")) {
        (Some(current), Some(total)) => current < total,
        _ => next || obj.get("has_more").and_then(Value::as_bool) == Some(true),
    };
    Ok(Paginated {
        more: more && !items.is_empty(),
        items,
    })
}

/// A case status as the console shows it: `approved` and `rejected` are Amiqus's terminal
/// statuses, a closed case with that decision; every other status keeps Amiqus's own word.
pub fn case_status(status: &str) -> (Wire<CaseStatus>, Option<Wire<Decision>>) {
    match status.trim() {
        "approved" => (
            Wire::Known(CaseStatus::Closed),
            Some(Wire::Known(Decision::Approve)),
        ),
        "rejected" => (
            Wire::Known(CaseStatus::Closed),
            Some(Wire::Known(Decision::Decline)),
        ),
        other => (Wire::Other(other.to_string()), None),
    }
}

/// The Amiqus case status a decision sets.
pub fn decision_status(d: Decision) -> &'static str {
    match d {
        Decision::Approve => "approved",
        Decision::Decline => "rejected",
    }
}

/// A client's display name: `name.first_name last_name` (or the composed `name.name`,
/// `full_name`), or an organisation's `name` string.
pub fn client_name(client: &Value) -> Option<String> {
    match client.get("name")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        n @ Value::Object(_) => {
            let parts: Vec<String> = ["first_name", "last_name"]
                .iter()
                .filter_map(|k| text(n, k))
                .collect();
            if parts.is_empty() {
                text(n, "name")
                    .or_else(|| text(n, "full_name"))
                    .or_else(|| text(n, "complete_name"))
            } else {
                Some(parts.join(" "))
            }
        }
        _ => None,
    }
}

/// Person for a client, Company for an organisation.
fn client_kind(client: &Value) -> EntityType {
    if client.get("object").and_then(Value::as_str) == Some("organisation") {
        EntityType::Company
    } else {
        EntityType::Person
    }
}

/// A team member given as an id, a `team_member` object, or an `assignee` wrapping one.
pub fn user_ref(v: &Value) -> Option<UserRef> {
    match v {
        Value::Number(n) => Some(UserRef {
            id: n.to_string(),
            name: None,
        }),
        Value::String(s) if !s.trim().is_empty() => Some(UserRef {
            id: s.clone(),
            name: None,
        }),
        Value::Object(_) => match v.get("team_member").filter(|m| !m.is_null()) {
            Some(member) => user_ref(member),
            None => Some(UserRef {
                id: id(v)?,
                name: text(v, "name"),
            }),
        },
        _ => None,
    }
}

/// A case's `assignees`: `null`, `[187, 947]`, `{object: "list", data: [team_member…]}` or a
/// plain list of team members.
pub fn assignees(v: Option<&Value>) -> Vec<UserRef> {
    let items = match v {
        Some(Value::Array(items)) => items,
        Some(obj @ Value::Object(_)) => match obj.get("data") {
            Some(Value::Array(items)) => items,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    items.iter().filter_map(user_ref).collect()
}

/// Decodes a case (`GET /cases`, `GET /cases/{id}`).
pub fn case(v: &Value) -> Result<Case, String> {
    let token = id(v).ok_or("a case without an id")?;
    let (status, decision) = case_status(&text(v, "status").unwrap_or_default());
    let client = v.get("client").unwrap_or(&Value::Null);
    let (primary_entity, primary_entity_token, entity_category) = match client {
        Value::Object(_) => (
            client_name(client),
            id(client),
            Some(Wire::Known(client_kind(client))),
        ),
        Value::Number(n) => (None, Some(n.to_string()), None),
        _ => (None, None, None),
    };
    let total_entities = primary_entity_token.as_ref().map(|_| 1);
    Ok(Case {
        name: text(v, "name").unwrap_or_else(|| format!("Case {token}")),
        case_type: None,
        status,
        priority: None,
        entity_category,
        primary_entity,
        primary_entity_token,
        assigned_to: assignees(v.get("assignees")).into_iter().next(),
        sla_deadline: None,
        sla_status: None,
        sla_paused: false,
        open_alerts: None,
        total_entities,
        risk_tier: None,
        risk_score: None,
        decision,
        summary: None,
        external_reference: text(v, "reference"),
        created_at: time(v, "created_at"),
        updated_at: time(v, "updated_at"),
        closed_at: None,
        awaiting_approval: Vec::new(),
        version: None,
        source: None,
        token,
    })
}

/// The case's client as its one entity (role Primary). `None` when the case does not carry the
/// client expanded or as an id.
pub fn client_entity(case: &Value) -> Option<Entity> {
    let client = case.get("client")?;
    let (token, name, kind) = match client {
        Value::Object(_) => {
            let token = id(client)?;
            let name = client_name(client).unwrap_or_else(|| format!("Client {token}"));
            (token, name, client_kind(client))
        }
        Value::Number(n) => (n.to_string(), format!("Client {n}"), EntityType::Person),
        _ => return None,
    };
    // The client's status is the team's decision on the person, not a verification run: the
    // two that say "done" map, `pending` is shown in Amiqus's word.
    let verification_status = text(client, "status").map(|s| match s.as_str() {
        "approved" => Wire::Known(VerificationStatus::Verified),
        "rejected" => Wire::Known(VerificationStatus::Failed),
        other => Wire::Other(other.to_string()),
    });
    Some(Entity {
        token,
        entity_type: Some(Wire::Known(kind)),
        name,
        role: Some(Wire::Known(EntityRole::Primary)),
        ownership_percentage: None,
        parent_token: None,
        country: None,
        nationality: None,
        date_of_birth: text(client, "dob"),
        address: None,
        registration_number: text(client, "company_number"),
        verification_status,
        open_alerts: None,
        checks_total: None,
        checks_complete: None,
    })
}

/// A team member (`GET /team/members`). Read-only members cannot write.
pub fn team_member(v: &Value) -> Result<User, String> {
    let id = id(v).ok_or("a team member without an id")?;
    let role = text(v, "role");
    Ok(User {
        name: text(v, "name")
            .or_else(|| text(v, "email"))
            .unwrap_or_else(|| id.clone()),
        email: text(v, "email"),
        can_write: role.as_deref() != Some("read-only"),
        role,
        id,
    })
}

/// The token's user (`GET /me`).
pub fn user(v: &Value) -> Result<User, String> {
    let id = id(v).ok_or("a user without an id")?;
    Ok(User {
        name: text(v, "name")
            .or_else(|| text(v, "email"))
            .unwrap_or_else(|| id.clone()),
        email: text(v, "email"),
        role: None,
        can_write: v.get("is_disabled").and_then(Value::as_bool) != Some(true),
        id,
    })
}

/// A case review (`GET /cases/{id}/reviews`) as an audit entry.
pub fn case_review(case_id: &str, v: &Value) -> Result<AuditEntry, String> {
    let token = id(v).ok_or("a case review without an id")?;
    let mut details = Map::new();
    for k in ["from_status", "status"] {
        if let Some(s) = v.get(k).filter(|s| !s.is_null()) {
            details.insert(k.into(), s.clone());
        }
    }
    Ok(AuditEntry {
        token,
        event_type: "CASE_REVIEW".into(),
        severity: None,
        actor: v.get("reviewed_by").and_then(user_ref),
        target_type: Some("case".into()),
        target_token: Some(case_id.to_string()),
        details: Some(Value::Object(details)),
        request_id: None,
        at: time(v, "created_at"),
    })
}

/// One step of a record on a case, with the record it belongs to and its check (expanded, with
/// the check's response merged in when it was fetched).
#[derive(Clone, Debug)]
pub struct StepEvidence {
    pub case_id: String,
    pub record_id: String,
    /// The record as the case's items gave it (`expand=entity`), or `{}`.
    pub record: Value,
    pub step: Value,
    pub check: Value,
}

/// The step's check kind: `photo_id`, `identity`, `watchlist`… (the step's `check.*` type, or
/// the check's own `type`).
pub fn check_kind(step: &Value, check: &Value) -> String {
    text(step, "type")
        .and_then(|t| t.strip_prefix("check.").map(str::to_string))
        .or_else(|| text(check, "type"))
        .unwrap_or_else(|| "check".into())
}

/// A check kind in words.
pub fn check_label(kind: &str) -> String {
    match kind {
        "photo_id" => "Photo ID".into(),
        "identity" => "Identity report".into(),
        "watchlist" => "Watchlist".into(),
        "criminal_record" => "Criminal record".into(),
        "credit" => "Credit report".into(),
        "banking_information" => "Banking information".into(),
        "reference" | "employment_referencing" => "Employment referencing".into(),
        "employment_history" => "Employment history".into(),
        "video" => "Video".into(),
        "face_capture" => "Face capture".into(),
        "nhs_esr" => "NHS ESR".into(),
        "hscni_access_ni" => "HSCNI Access NI".into(),
        "thorntons_onboarding" => "Thorntons onboarding".into(),
        "dummy" => "Test check".into(),
        other => {
            let words = other.replace(['_', '.'], " ");
            let mut c = words.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_else(|| "Check".into())
        }
    }
}

fn check_category(kind: &str) -> Option<CheckCategory> {
    match kind {
        "photo_id" | "identity" | "video" | "face_capture" => Some(CheckCategory::Identity),
        "watchlist" | "criminal_record" => Some(CheckCategory::Screening),
        "credit" | "banking_information" => Some(CheckCategory::Financial),
        _ => None,
    }
}

fn alert_type(kind: &str) -> Option<AlertType> {
    match kind {
        "photo_id" | "identity" | "video" | "face_capture" => Some(AlertType::Identity),
        "watchlist" | "criminal_record" => Some(AlertType::Screening),
        "credit" | "banking_information" => Some(AlertType::Financial),
        _ => None,
    }
}

/// The response's overall `result` (`clear` / `consider`), where the response was fetched.
fn response_result(check: &Value) -> Option<String> {
    check.get("response").and_then(|r| text(r, "result"))
}

/// Whether a check needs a person's decision: its status is `refer`, `rejected` or `failed`, or
/// its response's result is `consider`.
pub fn needs_decision(check: &Value) -> bool {
    matches!(
        text(check, "status").as_deref(),
        Some("refer" | "rejected" | "failed")
    ) || response_result(check).as_deref() == Some("consider")
}

/// The step's latest review, when it is expanded into an object.
fn latest_review(step: &Value) -> Option<&Value> {
    step.get("review").filter(|r| r.is_object())
}

/// Whether the step can be reviewed at all (`review: false` says it cannot).
fn reviewable(step: &Value) -> bool {
    step.get("review") != Some(&Value::Bool(false))
}

/// The record's client name (`record.name`, a Name object).
fn record_person(record: &Value) -> Option<String> {
    client_name(record)
}

/// A step whose check needs a decision, as an alert with token `"{record}/{step}"`. `None` for
/// steps without a check, checks that need nothing, and steps Amiqus says cannot be reviewed
/// (resolving them would be refused).
pub fn alert(e: &StepEvidence) -> Option<Alert> {
    if !e.check.is_object() || !needs_decision(&e.check) || !reviewable(&e.step) {
        return None;
    }
    let step_id = id(&e.step)?;
    let kind = check_kind(&e.step, &e.check);
    let label = check_label(&kind);
    let status = text(&e.check, "status").unwrap_or_else(|| "unknown".into());
    let result = response_result(&e.check);
    let review = latest_review(&e.step);
    let review_status = review.and_then(|r| text(r, "status"));
    let resolution_action = match review_status.as_deref() {
        Some("approved") => Some(ResolutionAction::Approve),
        Some("rejected") => Some(ResolutionAction::Decline),
        _ => None,
    };
    let title = match &result {
        Some(r) => format!("{label}: {status}, result {r}"),
        None => format!("{label}: {status}"),
    };
    let mut description = format!(
        "{label} check {} on request {} is {status}",
        id(&e.check).unwrap_or_else(|| "?".into()),
        e.record_id
    );
    if let Some(r) = &result {
        description.push_str(&format!("; its response's result is {r}"));
    }
    description.push('.');
    let resolved = resolution_action.is_some();
    Some(Alert {
        token: format!("{}/{step_id}", e.record_id),
        case_token: Some(e.case_id.clone()),
        entity_token: text(&e.record, "client"),
        entity_name: record_person(&e.record),
        alert_type: alert_type(&kind).map(Wire::Known),
        category: Some(kind),
        title: Some(title),
        description: Some(description),
        status: Wire::Known(if resolved {
            AlertStatus::Resolved
        } else {
            AlertStatus::Open
        }),
        priority: None,
        priority_score: None,
        match_score: None,
        sla_deadline: None,
        sla_status: None,
        source_data: Some(e.check.clone()),
        ai_assessment: None,
        resolution_action: resolution_action.map(Wire::Known),
        resolution_rationale: review.filter(|_| resolved).and_then(|r| text(r, "message")),
        conditions: None,
        is_false_positive: false,
        resolved_by: review
            .filter(|_| resolved)
            .and_then(|r| r.get("reviewed_by"))
            .and_then(user_ref),
        resolved_at: review
            .filter(|_| resolved)
            .and_then(|r| time(r, "created_at")),
        assigned_to: None,
        updated_at: time(&e.check, "updated_at"),
    })
}

/// A step with a check, as a check. `None` for steps without one (documents, forms).
pub fn check(e: &StepEvidence) -> Option<Check> {
    if !e.check.is_object() {
        return None;
    }
    let kind = check_kind(&e.step, &e.check);
    let raw = text(&e.check, "status").unwrap_or_default();
    let status = match raw.as_str() {
        "pending" => Wire::Known(CheckStatus::Pending),
        "submitted" => Wire::Known(CheckStatus::InProgress),
        "accepted" | "refer" | "rejected" => Wire::Known(CheckStatus::Complete),
        "failed" => Wire::Known(CheckStatus::Failed),
        other => Wire::Other(other.to_string()),
    };
    let consider = response_result(&e.check).as_deref() == Some("consider");
    let result = match raw.as_str() {
        "accepted" if consider => Some(CheckResult::Refer),
        "accepted" => Some(CheckResult::Pass),
        "refer" => Some(CheckResult::Refer),
        "rejected" => Some(CheckResult::Fail),
        _ => None,
    };
    Some(Check {
        token: id(&e.check)
            .or_else(|| id(&e.step).map(|s| format!("{}/{s}", e.record_id)))
            .unwrap_or_default(),
        entity_name: record_person(&e.record),
        name: check_label(&kind),
        type_code: text(&e.step, "type").or(Some(kind.clone())),
        category: check_category(&kind).map(Wire::Known),
        status,
        result: result.map(Wire::Known),
        provider: None,
        completed_at: time(&e.step, "completed_at"),
    })
}

/// The readable message of an error body: `{error}` (401, 404), `{message}` (403, 500),
/// `{"errors": ["…"]}`, or the 422 per-field form `{"<dot.path>": ["msg", …]}`, which becomes
/// `field: msg msg; other.field: msg`.
pub fn error_message(v: &Value) -> Option<String> {
    let obj = v.as_object()?;
    if let Some(e) = text(v, "error") {
        return Some(e);
    }
    let fields = field_errors(obj);
    if !fields.is_empty() {
        return Some(fields);
    }
    match obj.get("errors") {
        Some(Value::Array(items)) => {
            let msgs: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if !msgs.is_empty() {
                return Some(msgs.join("; "));
            }
        }
        Some(Value::Object(inner)) => {
            let fields = field_errors(inner);
            if !fields.is_empty() {
                return Some(fields);
            }
        }
        _ => {}
    }
    text(v, "message")
}

/// `{"status": ["a", "b"], "message": ["c"]}` as `message: c; status: a b`. Keys whose value
/// is not a list of strings are not field errors and are skipped.
fn field_errors(obj: &Map<String, Value>) -> String {
    obj.iter()
        .filter(|(k, _)| k.as_str() != "errors")
        .filter_map(|(field, msgs)| {
            let msgs: Vec<&str> = msgs.as_array()?.iter().filter_map(Value::as_str).collect();
            (!msgs.is_empty()).then(|| format!("{field}: {}", msgs.join(" ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The body of a case review.
pub fn case_review_body(d: Decision) -> Value {
    json!({ "status": decision_status(d) })
}

/// The case statuses "change status" offers, in the order a case usually moves through them.
/// A case review (`POST /cases/{id}/reviews`) accepts any case status; `approved` and
/// `rejected` are decisions, taken by closing the case, and `pending` is deprecated.
pub const CHANGE_STATUSES: [&str; 4] = [
    "awaiting_response",
    "action_required",
    "reviewed_pending_decision",
    "on_hold",
];

/// The body of a case review that moves a case to `status`.
pub fn status_review_body(status: &str) -> Value {
    json!({ "status": status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assignee_form_decodes() {
        assert!(assignees(None).is_empty());
        assert!(assignees(Some(&Value::Null)).is_empty());
        let ids = assignees(Some(&json!([187, 947])));
        assert_eq!(ids[0].id, "187");
        let listed = assignees(Some(&json!({
            "object": "list",
            "data": [{ "object": "team_member", "id": 187, "name": "Ross Green" }],
            "total": 1, "count": 1, "limit": 10, "has_more": false,
        })));
        assert_eq!(listed[0].name.as_deref(), Some("Ross Green"));
        let wrapped = assignees(Some(&json!([{
            "object": "assignee", "id": 34535, "type": "team_member",
            "team_member": { "object": "team_member", "id": 121, "name": "Lorraine Baines" },
        }])));
        assert_eq!(wrapped[0].id, "121");
    }

    #[test]
    fn terminal_statuses_close_the_case_and_others_keep_amiqus_words() {
        let (s, d) = case_status("approved");
        assert_eq!(s, Wire::Known(CaseStatus::Closed));
        assert_eq!(d, Some(Wire::Known(Decision::Approve)));
        let (s, d) = case_status("rejected");
        assert_eq!(d, Some(Wire::Known(Decision::Decline)));
        assert_eq!(s.as_str(), "Closed");
        let (s, d) = case_status("reviewed_pending_decision");
        assert_eq!(s, Wire::Other("reviewed_pending_decision".into()));
        assert_eq!(d, None);
    }

    #[test]
    fn a_case_needs_only_an_id() {
        let c = case(&json!({ "id": 9, "client": 12, "status": null, "assignees": null })).unwrap();
        assert_eq!(c.name, "Case 9");
        assert_eq!(c.primary_entity_token.as_deref(), Some("12"));
        assert_eq!(c.status, Wire::Other(String::new()));
        assert!(case(&json!({ "name": "x" })).is_err());
    }

    #[test]
    fn pages_end_on_the_last_page_or_without_a_next_link() {
        let p = paginated(
            json!({ "object": "paginated_list", "data": [1], "current_page": 1,
            "total_pages": 2, "links": { "next": "https://x/cases?page=2", "previous": null } }),
        )
        .unwrap();
        assert!(p.more);
        let p = paginated(json!({ "data": [1], "current_page": 2, "total_pages": 2,
            "links": { "next": null, "previous": "https://x/cases?page=1" } }))
        .unwrap();
        assert!(!p.more);
        let p = paginated(json!({ "data": [1], "links": null })).unwrap();
        assert!(!p.more);
        let p = paginated(json!({ "data": [], "current_page": 1, "total_pages": 5 })).unwrap();
        assert!(!p.more, "an empty page ends the walk");
        assert!(paginated(json!([1, 2])).is_err());
        assert!(paginated(json!({ "data": {} })).is_err());
    }

    #[test]
    fn error_bodies_read_in_every_documented_form() {
        let m = |v: Value| error_message(&v).unwrap();
        assert_eq!(
            m(json!({ "error": "Unauthenticated." })),
            "Unauthenticated."
        );
        assert_eq!(
            m(json!({ "message": "This action is unauthorized." })),
            "This action is unauthorized."
        );
        assert_eq!(
            m(json!({ "errors": ["At least one property is required"] })),
            "At least one property is required"
        );
        assert_eq!(
            m(json!({
                "status": ["The selected status is invalid."],
                "message": ["The message field is required when status is rejected.", "Too short."],
            })),
            "message: The message field is required when status is rejected. Too short.; \
             status: The selected status is invalid."
        );
        assert_eq!(
            m(json!({ "message": "The given data was invalid.",
                "errors": { "fields.type": ["Value must be a string"] } })),
            "fields.type: Value must be a string"
        );
        assert_eq!(error_message(&json!({ "other": 1 })), None);
    }

    #[test]
    fn check_kinds_read_as_words() {
        assert_eq!(check_label("photo_id"), "Photo ID");
        assert_eq!(check_label("new_kind.of_check"), "New kind of check");
        assert_eq!(check_label(""), "Check");
        let step = json!({ "type": "check.watchlist" });
        assert_eq!(
            check_kind(&step, &json!({ "type": "identity" })),
            "watchlist"
        );
        assert_eq!(
            check_kind(&json!({}), &json!({ "type": "credit" })),
            "credit"
        );
    }
}
