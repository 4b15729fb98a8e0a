//! KarmaCheck's JSON shapes, decoded tolerantly into `domain::model` records.
//!
//! Shapes as published in KarmaCheck's API reference: `CaseSummary` (`GET /case/list`,
//! `/case/list/all`, `/case/id/{caseId}`, always inside `{cases: [...]}`), `CaseData` (inside
//! `{data: [...]}`, `data` left out when a service type has none), the token exchange's
//! `{id, username, token, groupProfileId}` and the error body
//! `{"message": string | string[], "error": "<reason phrase>", "statusCode": n}`.
//!
//! Many vocabularies travel both as a name and as an id (`caseStatus` / `caseStatusId`); the
//! name is used when present, else the documented id is translated. A field that cannot be read
//! is left empty rather than failing the record; only `id` is required.

use jiff::Timestamp;
use serde_json::Value;

use crate::domain::model::{Alert, Case, Check, Entity};
use crate::domain::{
    AlertStatus, AlertType, CaseStatus, CaseType, CheckCategory, CheckResult, CheckStatus,
    Decision, EntityRole, EntityType, Wire,
};

/// The service types a case's data is read by (`GET /case/id/{caseId}/data/{serviceTypeId}`):
/// the documented id, and its name.
pub const SERVICE_TYPES: [(&str, &str); 5] = [
    ("30bc2c03-c8dd-409a-8da6-e0070ea6a681", "Screening"),
    ("a3b74b1b-b665-40be-bad2-2a49c801cf3f", "Legal"),
    ("service-type-payment", "Payment"),
    ("service-type-idv", "Identity"),
    ("service-type-shipment", "Shipment"),
];

/// Primary case statuses by id (`CaseStatusID`).
const CASE_STATUS_IDS: [(&str, &str); 4] = [
    ("d894b8a0-937e-46b1-8799-15bad611844f", "Pending"),
    ("93827364-937e-46b1-8799-777366485997", "Blocked"),
    ("22334455-937e-46b1-8799-887766554433", "Complete"),
    ("47463524-937e-46b1-8799-873f63e7b402", "Adjudicated"),
];

/// Secondary case statuses by id (`CaseSecondaryStatusID`).
const SECONDARY_STATUS_IDS: [(&str, &str); 7] = [
    (
        "8e0c9756-a42f-4a7d-b8e2-412a0f6b9dea",
        "Waiting for Authorization",
    ),
    (
        "c5f240cb-5221-451c-8bd1-4be5bf348ce5",
        "Authorization in Progress",
    ),
    (
        "b2c707af-091f-4d07-9546-4a1453f939e5",
        "Waiting for Parental Consent",
    ),
    (
        "status-type-verifying-cand-input",
        "Verifying Candidate Input",
    ),
    ("status-type-reviewing-order", "Reviewing Order"),
    ("status-type-consider", "Consider"),
    ("4155584b-708c-4108-86a8-8f3321b9b17c", "Canceled"),
];

/// Case results by id (`CaseResultID`).
const RESULT_IDS: [(&str, &str); 5] = [
    ("8c94f0d9-57c9-4c7b-be95-5ec309cff330", "Open"),
    ("bbbd9fa2-598f-43f6-8363-b8b55e7aa777", "Placed"),
    ("14bba02d-e6c7-45bf-a993-e28c306303c6", "Pre-Adverse Action"),
    ("result-type-dispute-adverse", "Dispute Adverse Action"),
    ("d082a629-5dff-4303-83ae-897776ebcb17", "Adverse Action"),
];

/// Adverse action statuses by id (`AdverseActionStatusID`).
const ADVERSE_STATUS_IDS: [(&str, &str); 4] = [
    ("bb34dc52-4e3b-4baf-8e0b-b6603f9e2a84", "Pre-Adverse"),
    ("ebbcb8e0-a0e7-43fb-930e-e52db4032d47", "Dispute"),
    ("d61950cb-00aa-4839-9da5-0c97f236c813", "Cancel"),
    ("fb32cc36-7eb6-47fa-ad4a-2635e99f197a", "Post"),
];

/// Case data statuses by id (`CaseDataStatusID`).
const DATA_STATUS_IDS: [(&str, &str); 8] = [
    ("1a8490cb-084d-4209-bf2f-d46e41d760d6", "acknowledge"),
    ("e086eea7-e4b7-4c74-ac04-4c3b51c23a33", "clear"),
    ("f657c777-c38d-489b-ac26-dd9bf0a88724", "consider"),
    ("96e0420a-4396-4bd1-9b54-447f00eb3ed8", "not_found"),
    ("3d726502-d2e2-4d10-859b-8a218f22086d", "canceled"),
    ("case-data-status-complete", "complete"),
    ("8f29e0de-10f2-4c84-8379-16c6eb7cdf64", "pending"),
    ("case-data-status-error", "error"),
];

/// A non-empty string field (numbers are taken as their text).
pub(super) fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A vocabulary sent as `name_key`, or as `id_key` translated with `ids`.
fn named(v: &Value, name_key: &str, id_key: &str, ids: &[(&str, &str)]) -> Option<String> {
    text(v, name_key).or_else(|| {
        let id = text(v, id_key)?;
        Some(
            ids.iter()
                .find(|(i, _)| i.eq_ignore_ascii_case(id.trim()))
                .map_or(id, |(_, n)| (*n).to_string()),
        )
    })
}

/// An ISO 8601 time with offset, or epoch milliseconds (some detail objects use those).
fn time_of(v: &Value) -> Option<Timestamp> {
    match v {
        Value::String(s) => s.trim().parse::<Timestamp>().ok(),
        Value::Number(n) => n
            .as_i64()
            .and_then(|ms| Timestamp::from_millisecond(ms).ok()),
        _ => None,
    }
}

fn time(v: &Value, key: &str) -> Option<Timestamp> {
    v.get(key).and_then(time_of)
}

/// `0`/`1` integers (or booleans).
fn flag(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        Some(Value::String(s)) => s.trim() == "1" || s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b))
}

/// The name docket gives a KarmaCheck case: its id is a bare UUID, so the first block of it.
pub fn short_name(id: &str) -> String {
    let head: String = id.chars().take(8).collect();
    format!("KC-{head}")
}

/// The JSON kind of a value, for error messages.
pub use crate::provider::http::json_kind as kind;

/// What a case summary says, as far as the console uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseSummary {
    pub id: String,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub case_type: Option<String>,
    /// `Pending`, `Blocked`, `Complete`, `Adjudicated`.
    pub case_status: Option<String>,
    /// `Waiting for Authorization` … `Consider`, `Canceled`.
    pub secondary_status: Option<String>,
    /// `Open`, `Placed`, `Pre-Adverse Action`, `Dispute Adverse Action`, `Adverse Action`.
    pub result_type: Option<String>,
    /// `Pre-Adverse`, `Dispute`, `Cancel`, `Post`.
    pub adverse_action_status: Option<String>,
    pub candidate_id: Option<String>,
    pub candidate_email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub invitation_id: Option<String>,
    pub package_name: Option<String>,
    pub api_tracking_code: Option<String>,
    pub archived: bool,
}

/// Decodes one `CaseSummary`.
pub fn summary(v: &Value) -> Result<CaseSummary, String> {
    if !v.is_object() {
        return Err(format!("a case is {}, not an object", kind(v)));
    }
    let id = text(v, "id").ok_or("a case without an id")?;
    Ok(CaseSummary {
        created: time(v, "crStamp"),
        modified: time(v, "modStamp"),
        case_type: text(v, "caseType"),
        case_status: named(v, "caseStatus", "caseStatusId", &CASE_STATUS_IDS),
        secondary_status: named(
            v,
            "secondaryStatus",
            "secondaryCaseStatusId",
            &SECONDARY_STATUS_IDS,
        ),
        result_type: named(v, "resultType", "resultTypeId", &RESULT_IDS),
        adverse_action_status: named(
            v,
            "adverseActionStatusName",
            "adverseActionStatusId",
            &ADVERSE_STATUS_IDS,
        ),
        candidate_id: text(v, "candidateId"),
        candidate_email: text(v, "candidateEmail").or_else(|| text(v, "invitationEmail")),
        // Before onboarding there is no candidate yet, only the invitation's name.
        given_name: text(v, "candidateGivenName").or_else(|| text(v, "invitationGivenName")),
        family_name: text(v, "candidateFamilyName").or_else(|| text(v, "invitationFamilyName")),
        invitation_id: text(v, "caseInvitationId"),
        package_name: text(v, "packageName"),
        api_tracking_code: text(v, "apiTrackingCode"),
        archived: flag(v, "archived"),
        id,
    })
}

/// Decodes `{cases: [CaseSummary]}`. One bad case fails the list, naming it.
pub fn cases(body: &Value) -> Result<Vec<CaseSummary>, String> {
    match body.get("cases") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| summary(v).map_err(|e| format!("cases[{i}]: {e}")))
            .collect(),
        Some(other) => Err(format!("expected a list in cases, got {}", kind(other))),
        None => Err(format!(
            "expected {{cases: [...]}}, got {} without cases",
            kind(body)
        )),
    }
}

impl CaseSummary {
    /// The candidate's name, else the email the case was ordered for.
    pub fn candidate_name(&self) -> Option<String> {
        let name: Vec<&str> = [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if name.is_empty() {
            self.candidate_email.clone()
        } else {
            Some(name.join(" "))
        }
    }

    /// Placed: the case was adjudicated as meeting the criteria.
    pub fn is_placed(&self) -> bool {
        same(self.case_status.as_deref(), "Adjudicated")
            && same(self.result_type.as_deref(), "Placed")
    }

    /// Pre-adverse action was started (or went further: dispute, final adverse action).
    pub fn in_adverse_action(&self) -> bool {
        let result = self.result_type.as_deref();
        same(result, "Pre-Adverse Action")
            || same(result, "Dispute Adverse Action")
            || same(result, "Adverse Action")
            || ["Pre-Adverse", "Dispute", "Post"]
                .iter()
                .any(|s| same(self.adverse_action_status.as_deref(), s))
    }

    /// The four status fields folded into docket's: placed → Closed (Approve), final adverse
    /// action → Closed (Decline), canceled → Closed (no decision); everything else is shown as
    /// KarmaCheck says it, `Complete · Consider` and so on.
    pub fn status(&self) -> (Wire<CaseStatus>, Option<Decision>) {
        if self.is_placed() {
            return (Wire::Known(CaseStatus::Closed), Some(Decision::Approve));
        }
        if same(self.result_type.as_deref(), "Adverse Action") {
            return (Wire::Known(CaseStatus::Closed), Some(Decision::Decline));
        }
        if same(self.secondary_status.as_deref(), "Canceled") {
            return (Wire::Known(CaseStatus::Closed), None);
        }
        let result = self
            .result_type
            .as_deref()
            .filter(|r| !same(Some(r), "Open"));
        let parts: Vec<&str> = [
            self.case_status.as_deref(),
            self.secondary_status.as_deref(),
            result,
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
        let label = if parts.is_empty() {
            "Unknown".to_string()
        } else {
            parts.join(" · ")
        };
        (Wire::Other(label), None)
    }

    /// The queue's and the header's record.
    pub fn to_case(&self) -> Case {
        let (status, decision) = self.status();
        let closed = status.known() == Some(CaseStatus::Closed);
        Case {
            token: self.id.clone(),
            name: short_name(&self.id),
            case_type: self
                .package_name
                .as_deref()
                .or(self.case_type.as_deref())
                .map(Wire::<CaseType>::parse),
            status,
            priority: None,
            entity_category: Some(Wire::Known(EntityType::Person)),
            primary_entity: self.candidate_name(),
            primary_entity_token: self.candidate_id.clone(),
            assigned_to: None,
            sla_deadline: None,
            sla_status: None,
            sla_paused: false,
            open_alerts: None,
            total_entities: Some(1),
            risk_tier: None,
            risk_score: None,
            decision: decision.map(Wire::Known),
            summary: None,
            external_reference: self.api_tracking_code.clone(),
            created_at: self.created,
            updated_at: self.modified,
            // KarmaCheck keeps no "closed at"; a decided case's last change is its decision.
            closed_at: if closed { self.modified } else { None },
            awaiting_approval: Vec::new(),
            version: None,
            source: None,
        }
    }

    /// The candidate, the case's only entity.
    pub fn candidate(&self) -> Entity {
        Entity {
            token: self
                .candidate_id
                .clone()
                .or_else(|| self.invitation_id.clone())
                .unwrap_or_else(|| format!("{}-candidate", self.id)),
            entity_type: Some(Wire::Known(EntityType::Person)),
            name: self
                .candidate_name()
                .unwrap_or_else(|| "Candidate".to_string()),
            role: Some(Wire::Known(EntityRole::Primary)),
            ownership_percentage: None,
            parent_token: None,
            country: None,
            nationality: None,
            date_of_birth: None,
            address: None,
            registration_number: None,
            verification_status: None,
            open_alerts: None,
            checks_total: None,
            checks_complete: None,
        }
    }
}

/// A case data record's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataStatus {
    /// Done, positive.
    Acknowledge,
    /// Done, good.
    Clear,
    /// Done without prejudice.
    Complete,
    /// Done, needs review.
    Consider,
    /// Could not be verified.
    NotFound,
    /// Failed while processing.
    Error,
    Canceled,
    Pending,
    Other(String),
}

impl DataStatus {
    fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "acknowledge" => DataStatus::Acknowledge,
            "clear" => DataStatus::Clear,
            "complete" => DataStatus::Complete,
            "consider" => DataStatus::Consider,
            "not_found" => DataStatus::NotFound,
            "error" => DataStatus::Error,
            "canceled" | "cancelled" => DataStatus::Canceled,
            "pending" => DataStatus::Pending,
            _ => DataStatus::Other(s.to_string()),
        }
    }

    /// Consider, not found and error need a reviewer's eye.
    pub fn needs_review(&self) -> bool {
        matches!(
            self,
            DataStatus::Consider | DataStatus::NotFound | DataStatus::Error
        )
    }

    fn done(&self) -> bool {
        matches!(
            self,
            DataStatus::Acknowledge
                | DataStatus::Clear
                | DataStatus::Complete
                | DataStatus::Consider
                | DataStatus::NotFound
                | DataStatus::Error
        )
    }
}

/// What a case data record says, as far as the console uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseData {
    pub id: String,
    pub case_id: Option<String>,
    pub candidate_id: Option<String>,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub description: Option<String>,
    pub service_type: Option<String>,
    pub category: Option<String>,
    pub category_id: Option<String>,
    pub status: DataStatus,
    /// The status as KarmaCheck words it (`statusDisplayName`), else its name.
    pub status_text: String,
    pub pending_status: Option<String>,
    pub modified: Option<Timestamp>,
    /// `detailsObject`, else `details` parsed (it is the same object as a string).
    pub details: Option<Value>,
}

/// Decodes one `CaseData`.
pub fn case_data(v: &Value) -> Result<CaseData, String> {
    if !v.is_object() {
        return Err(format!("a case data record is {}, not an object", kind(v)));
    }
    let id = text(v, "id").ok_or("a case data record without an id")?;
    let status_name = named(v, "status", "statusId", &DATA_STATUS_IDS).unwrap_or_default();
    let details = v
        .get("detailsObject")
        .filter(|d| !d.is_null())
        .cloned()
        .or_else(|| {
            let s = text(v, "details")?;
            Some(serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s)))
        });
    Ok(CaseData {
        case_id: text(v, "caseId"),
        candidate_id: text(v, "candidateId"),
        service_id: text(v, "serviceId"),
        service_name: text(v, "serviceName"),
        description: text(v, "description"),
        service_type: text(v, "serviceTypeName"),
        category: text(v, "serviceCategory"),
        category_id: text(v, "serviceCategoryId"),
        status_text: text(v, "statusDisplayName").unwrap_or_else(|| status_name.clone()),
        status: DataStatus::parse(&status_name),
        pending_status: text(v, "pendingStatus").or_else(|| text(v, "pendingStatusId")),
        modified: time(v, "modStamp"),
        details,
        id,
    })
}

/// Decodes `{data: [CaseData]}`; no `data` (KarmaCheck leaves it out when a service type has
/// no records) is an empty list.
pub fn data_list(body: &Value) -> Result<Vec<CaseData>, String> {
    if !body.is_object() {
        return Err(format!("expected {{data: [...]}}, got {}", kind(body)));
    }
    match body.get("data") {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| case_data(v).map_err(|e| format!("data[{i}]: {e}")))
            .collect(),
        Some(other) => Err(format!("expected a list in data, got {}", kind(other))),
    }
}

impl CaseData {
    fn name(&self) -> String {
        self.service_name
            .clone()
            .or_else(|| self.description.clone())
            .or_else(|| self.service_id.clone())
            .unwrap_or_else(|| "Service".to_string())
    }

    fn detail(&self, key: &str) -> Option<&Value> {
        self.details.as_ref().and_then(|d| d.get(key))
    }

    /// When the service finished: the details' `dateCompleted`, else the last change.
    fn completed_at(&self) -> Option<Timestamp> {
        if !self.status.done() {
            return None;
        }
        self.detail("dateCompleted")
            .and_then(time_of)
            .or(self.modified)
    }

    fn check_category(&self) -> Option<Wire<CheckCategory>> {
        let by_category = match self.category_id.as_deref() {
            Some("service-cat-idv") => Some(CheckCategory::Identity),
            Some("service-cat-payment") => Some(CheckCategory::Financial),
            Some(c) if c.starts_with("service-cat-") => Some(CheckCategory::Screening),
            _ => None,
        };
        if let Some(c) = by_category {
            return Some(Wire::Known(c));
        }
        match self.service_type.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("Identity") => {
                Some(Wire::Known(CheckCategory::Identity))
            }
            Some(t) if t.eq_ignore_ascii_case("Payment") => {
                Some(Wire::Known(CheckCategory::Financial))
            }
            Some(t) => Some(Wire::parse(t)),
            None => None,
        }
    }

    fn alert_type(&self) -> Option<Wire<AlertType>> {
        self.check_category().map(|c| match c.known() {
            Some(CheckCategory::Identity) => Wire::Known(AlertType::Identity),
            Some(CheckCategory::Financial) => Wire::Known(AlertType::Financial),
            Some(CheckCategory::Screening) => Wire::Known(AlertType::Screening),
            _ => Wire::Other(c.as_str().to_string()),
        })
    }

    /// The record as a check: clear, acknowledge and complete pass; consider and not found
    /// are complete but referred; error failed (and referred).
    pub fn to_check(&self) -> Check {
        let (status, result) = match &self.status {
            DataStatus::Clear | DataStatus::Acknowledge | DataStatus::Complete => {
                (Wire::Known(CheckStatus::Complete), Some(CheckResult::Pass))
            }
            DataStatus::Consider | DataStatus::NotFound => {
                (Wire::Known(CheckStatus::Complete), Some(CheckResult::Refer))
            }
            DataStatus::Error => (Wire::Known(CheckStatus::Failed), Some(CheckResult::Refer)),
            DataStatus::Canceled => (Wire::Known(CheckStatus::Cancelled), None),
            DataStatus::Pending => (
                match &self.pending_status {
                    Some(p) => Wire::Other(format!("Pending · {p}")),
                    None => Wire::Known(CheckStatus::Pending),
                },
                None,
            ),
            DataStatus::Other(s) => (
                Wire::Other(if self.status_text.is_empty() {
                    s.clone()
                } else {
                    self.status_text.clone()
                }),
                None,
            ),
        };
        Check {
            token: self.id.clone(),
            entity_name: None,
            name: self.name(),
            type_code: self.service_id.clone(),
            category: self.check_category(),
            status,
            result: result.map(Wire::Known),
            provider: self
                .detail("source")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string),
            completed_at: self.completed_at(),
        }
    }

    /// The record as a (read-only) alert, when it needs review.
    pub fn to_alert(&self, case: &str) -> Option<Alert> {
        if !self.status.needs_review() {
            return None;
        }
        let mut description = vec![match self.status {
            DataStatus::NotFound => format!("{}: could not be verified", self.status_text),
            DataStatus::Error => format!("{}: failed during processing", self.status_text),
            _ => self.status_text.clone(),
        }];
        let records = self
            .detail("records")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if records > 0 {
            description.push(format!(
                "{records} record{} found",
                if records == 1 { "" } else { "s" }
            ));
        }
        if let Some(info) = self
            .detail("additionalInfo")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            description.push(info.to_string());
        }
        Some(Alert {
            token: self.id.clone(),
            case_token: Some(self.case_id.clone().unwrap_or_else(|| case.to_string())),
            entity_token: self.candidate_id.clone(),
            entity_name: None,
            alert_type: self.alert_type(),
            category: self.category.clone().or_else(|| self.service_type.clone()),
            title: Some(self.name()),
            description: Some(description.join("; ")),
            status: Wire::Known(AlertStatus::Open),
            priority: None,
            priority_score: None,
            match_score: None,
            sla_deadline: None,
            sla_status: None,
            source_data: self.details.clone(),
            ai_assessment: None,
            resolution_action: None,
            resolution_rationale: None,
            conditions: None,
            is_false_positive: false,
            resolved_by: None,
            resolved_at: None,
            assigned_to: None,
            updated_at: self.modified,
        })
    }
}

/// The error body's readable parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// `message`, a string or the strings of a list joined with "; ".
    pub message: Option<String>,
    /// `error`, the status's reason phrase.
    pub error: Option<String>,
}

/// Parses `{"message": string | string[], "error": …, "statusCode": n}`; `None` when the body
/// is not a JSON object (plain text such as `Invalid case`, or a proxy's page).
pub fn error_body(body: &[u8]) -> Option<ErrorBody> {
    let v: Value = serde_json::from_slice(body).ok()?;
    if !v.is_object() {
        return None;
    }
    let message = match v.get("message") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Array(items)) => {
            let parts: Vec<String> = items
                .iter()
                .map(|m| match m {
                    Value::String(s) => s.trim().to_string(),
                    other => other.to_string(),
                })
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    };
    Some(ErrorBody {
        message,
        error: text(&v, "error"),
    })
}

/// The bearer token from the exchange's `{id, username, token, groupProfileId}`. Errors never
/// quote the body: it carries the token.
pub fn auth_token(body: &Value) -> Result<String, String> {
    match body.get("token") {
        Some(Value::String(t)) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        Some(other) => Err(format!(
            "expected the token as a string, got {}",
            kind(other)
        )),
        None => Err(format!(
            "expected {{id, username, token, groupProfileId}}, got {} without a token",
            kind(body)
        )),
    }
}
