//! Persona's JSON:API shapes, decoded tolerantly into `domain::model` records.
//!
//! Every request asks for `Key-Inflection: kebab`, so attributes are read in kebab-case only
//! (`sla-expires-at`, `assignee-id`, ...). A document is `{data, included, links}`; each
//! resource is `{type, id, attributes, relationships}`. Related objects (accounts, inquiries,
//! reports, verifications, case comments) arrive side-loaded in `included` and are found through
//! the case's `relationships`. A field that cannot be read is left empty; only ids are required.

use jiff::Timestamp;
use serde_json::Value;

use crate::domain::model::{Case, Check, Comment, Entity, UserRef};
use crate::domain::{
    CaseStatus, CheckCategory, CheckResult, CheckStatus, CommentType, Decision, EntityRole,
    EntityType, SlaStatus, Wire, lifecycle,
};
use crate::provider::settings::PersonaSettings;

/// A JSON:API document: `data` (one resource or a list), what came side-loaded, and the next
/// page's link.
#[derive(Clone, Debug)]
pub struct Document {
    pub data: Value,
    pub included: Vec<Value>,
    /// `links.next`: a relative URL with the cursor in `page[after]`, or `None` on the last page.
    pub next: Option<String>,
}

/// Reads a document; an error says what was wrong with it.
pub fn document(body: &[u8]) -> Result<Document, String> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| format!("not the JSON:API document expected: {e}"))?;
    let mut map = match v {
        Value::Object(map) => map,
        other => {
            return Err(format!(
                "expected a JSON:API document, got {}",
                kind(&other)
            ));
        }
    };
    let data = map.remove("data").ok_or("no `data` in the document")?;
    let included = match map.remove("included") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("`included` is {}, not a list", kind(&other))),
    };
    let next = map
        .get("links")
        .and_then(|l| l.get("next"))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string);
    Ok(Document {
        data,
        included,
        next,
    })
}

/// The `page[after]` cursor of a `links.next` URL (`/api/v1/cases?page%5Bafter%5D=case_…`).
pub fn cursor(next: &str) -> Option<String> {
    let query = next.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page[after]")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

/// The errors body, `{"errors": [{title, details, source: {pointer}}]}`, as one line:
/// `Record invalid: Status is unknown (at /meta/status); …`. `None` when it is not that shape.
pub fn error_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let errors = v.get("errors")?.as_array()?;
    let parts: Vec<String> = errors
        .iter()
        .filter_map(|e| {
            let title = text(e, "title");
            let details = text(e, "details").or_else(|| text(e, "detail"));
            let source = e.get("source").unwrap_or(&Value::Null);
            let pointer = text(source, "pointer").or_else(|| text(source, "parameter"));
            let mut line = match (title, details) {
                (Some(t), Some(d)) if t != d => format!("{t}: {d}"),
                (Some(t), _) => t,
                (None, Some(d)) => d,
                (None, None) => return pointer.map(|p| format!("invalid (at {p})")),
            };
            if let Some(p) = pointer {
                line.push_str(&format!(" (at {p})"));
            }
            Some(line)
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The first title in an errors body (`Stale object error`, `Record not found`).
pub fn error_title(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("errors")?
        .as_array()?
        .iter()
        .find_map(|e| text(e, "title"))
}

/// A resource's `attributes`, or null.
pub fn attributes(res: &Value) -> &Value {
    res.get("attributes").unwrap_or(&Value::Null)
}

/// A non-blank string attribute.
pub fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

fn time(v: &Value, key: &str) -> Option<Timestamp> {
    text(v, key).and_then(|s| s.parse::<Timestamp>().ok())
}

fn id(res: &Value) -> Option<&str> {
    res.get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn rtype(res: &Value) -> &str {
    res.get("type").and_then(Value::as_str).unwrap_or("")
}

/// A template field's value as text: a plain value (`"ok"`) or `{type, value}`.
pub fn field_text(fields: &Value, key: &str) -> Option<String> {
    let f = fields.get(key)?;
    let v = match f {
        Value::Object(_) => f.get("value")?,
        other => other,
    };
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The resources a relationship links to, as `(type, id)`.
fn linked<'a>(res: &'a Value, relationship: &str) -> Vec<(&'a str, &'a str)> {
    res.get("relationships")
        .and_then(|r| r.get(relationship))
        .and_then(|r| r.get("data"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|l| Some((rtype(l), id(l)?)))
                .collect()
        })
        .unwrap_or_default()
}

fn find<'a>(included: &'a [Value], kind: &str, wanted: &str) -> Option<&'a Value> {
    included
        .iter()
        .find(|r| rtype(r) == kind && id(r) == Some(wanted))
}

fn join_names(parts: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A person's name from an account's, inquiry's, verification's or report's attributes:
/// `name-first`/`name-middle`/`name-last`, else the account's `fields.name` hash, else the
/// inquiry's `fields.name-first`/`name-last`.
pub fn person_name(a: &Value) -> Option<String> {
    join_names(["name-first", "name-middle", "name-last"].map(|k| text(a, k)))
        .or_else(|| {
            let name = a.get("fields")?.get("name")?.get("value")?;
            join_names(["first", "middle", "last"].map(|k| field_text(name, k)))
        })
        .or_else(|| {
            let fields = a.get("fields")?;
            join_names(["name-first", "name-middle", "name-last"].map(|k| field_text(fields, k)))
        })
}

/// A name kept in the case's own template fields, if it has one under a usual key.
fn name_in_fields(fields: &Value) -> Option<String> {
    [
        "name",
        "full-name",
        "full_name",
        "entity-name",
        "entity_name",
        "business-name",
        "business_name",
    ]
    .iter()
    .find_map(|k| field_text(fields, k))
    .or_else(|| {
        join_names([
            field_text(fields, "name-first").or_else(|| field_text(fields, "name_first")),
            field_text(fields, "name-last").or_else(|| field_text(fields, "name_last")),
        ])
    })
}

fn is_business(account: &Value) -> bool {
    text(attributes(account), "account-type-name").is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("business") || t.contains("company")
    })
}

/// Who a case is about: its first side-loaded account with a name, else its first side-loaded
/// inquiry with one; else the first linked account or inquiry with the case's fields or a
/// `reference-id` for a name.
struct Subject {
    token: Option<String>,
    name: Option<String>,
    category: Option<EntityType>,
    reference: Option<String>,
}

fn subject(res: &Value, included: &[Value]) -> Subject {
    let linked: Vec<(&str, &str)> = linked(res, "accounts")
        .into_iter()
        .chain(linked(res, "inquiries"))
        .collect();
    let loaded: Vec<&Value> = linked
        .iter()
        .filter_map(|(kind, id)| find(included, kind, id))
        .collect();
    let category = |r: &Value| {
        if rtype(r) == "account" && is_business(r) {
            EntityType::Company
        } else {
            EntityType::Person
        }
    };
    if let Some((r, name)) = loaded
        .iter()
        .find_map(|r| person_name(attributes(r)).map(|n| (*r, n)))
    {
        return Subject {
            token: id(r).map(str::to_string),
            name: Some(name),
            category: Some(category(r)),
            reference: text(attributes(r), "reference-id"),
        };
    }
    let first = loaded.first().copied();
    let reference = loaded
        .iter()
        .find_map(|r| text(attributes(r), "reference-id"));
    let fields = attributes(res).get("fields").unwrap_or(&Value::Null);
    Subject {
        token: first
            .and_then(id)
            .or(linked.first().map(|(_, id)| *id))
            .map(str::to_string),
        name: name_in_fields(fields)
            .or_else(|| reference.clone())
            .or_else(|| text(attributes(res), "reference-id")),
        category: first.map(category),
        reference,
    }
}

fn same(a: &str, b: &str) -> bool {
    !a.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim())
}

/// A Persona status in docket's terms. A status the profile lists as an end status is Closed,
/// with the decision it stands for (approve or decline status; else the case's `resolution`
/// compared the same way, else that text as it came); any other status is shown as it came.
pub fn status(
    status: &str,
    resolution: Option<&str>,
    s: &PersonaSettings,
) -> (Wire<CaseStatus>, Option<Wire<Decision>>) {
    if !s.end_statuses.iter().any(|e| same(e, status)) {
        return (Wire::Other(status.to_string()), None);
    }
    let decide = |x: &str| {
        if same(&s.approve_status, x) {
            Some(Wire::Known(Decision::Approve))
        } else if same(&s.decline_status, x) {
            Some(Wire::Known(Decision::Decline))
        } else {
            None
        }
    };
    let decision = decide(status)
        .or_else(|| resolution.and_then(decide))
        .unwrap_or_else(|| Wire::Other(resolution.unwrap_or(status).to_string()));
    (Wire::Known(CaseStatus::Closed), Some(decision))
}

/// Where a case stands against its SLA: Persona sends only the deadline (`sla-expires-at`),
/// no breach flag, so it is read against `now`: Breached once past, Critical within its last 24
/// hours, else On Track (Persona has no warning window). A resolved case has none: its clock
/// stopped.
pub fn sla_status(
    deadline: Option<Timestamp>,
    resolved: bool,
    now: Timestamp,
) -> Option<Wire<SlaStatus>> {
    let deadline = deadline.filter(|_| !resolved)?;
    Some(Wire::Known(lifecycle::sla_status(
        deadline.as_second(),
        1,
        now.as_second(),
    )))
}

/// A case's raw `status`.
pub fn case_status(res: &Value) -> Option<String> {
    text(attributes(res), "status")
}

/// A case's `assignee-id`.
pub fn assignee(res: &Value) -> Option<String> {
    text(attributes(res), "assignee-id")
}

/// A case's template field, as text.
pub fn case_field(res: &Value, field: &str) -> Option<String> {
    field_text(attributes(res).get("fields")?, field)
}

/// Decodes a case; `included` is searched for what its relationships name.
pub fn case(res: &Value, included: &[Value], s: &PersonaSettings) -> Result<Case, String> {
    if !res.is_object() {
        return Err(format!("expected a case object, got {}", kind(res)));
    }
    match rtype(res) {
        "" | "case" => {}
        other => return Err(format!("expected a case, got a {other:?}")),
    }
    let token = id(res).ok_or("a case without an id")?.to_string();
    let a = attributes(res);
    let resolution = text(a, "resolution");
    let (status, decision) = status(
        a.get("status").and_then(Value::as_str).unwrap_or(""),
        resolution.as_deref(),
        s,
    );
    let resolved = status.known() == Some(CaseStatus::Closed) || time(a, "resolved-at").is_some();
    let who = subject(res, included);
    let accounts = res
        .get("relationships")
        .and_then(|r| r.get("accounts"))
        .and_then(|r| r.get("data"))
        .and_then(Value::as_array)
        .map(|a| u32::try_from(a.len()).unwrap_or(u32::MAX));
    Ok(Case {
        name: text(a, "name").unwrap_or_else(|| token.clone()),
        case_type: None,
        status,
        priority: None,
        entity_category: who.category.map(Wire::Known),
        primary_entity: who.name,
        primary_entity_token: who.token,
        assigned_to: text(a, "assignee-id").map(|email| UserRef {
            id: email,
            name: None,
        }),
        sla_deadline: time(a, "sla-expires-at"),
        sla_status: sla_status(time(a, "sla-expires-at"), resolved, Timestamp::now()),
        sla_paused: false,
        open_alerts: None,
        total_entities: accounts,
        risk_tier: None,
        risk_score: None,
        decision,
        summary: resolution,
        external_reference: text(a, "reference-id").or(who.reference),
        created_at: time(a, "created-at"),
        updated_at: time(a, "updated-at"),
        closed_at: time(a, "resolved-at"),
        awaiting_approval: Vec::new(),
        version: None,
        source: None,
        token,
    })
}

/// `government-id` → `Government ID`.
fn humanise(slug: &str) -> String {
    slug.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "id" | "aamva" | "tin" | "ssn" | "pep" | "sar" => w.to_ascii_uppercase(),
            _ => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

fn check_status(
    raw: Option<&str>,
    known: impl Fn(&str) -> Option<CheckStatus>,
) -> Wire<CheckStatus> {
    match raw {
        Some(s) => known(s).map_or_else(|| Wire::Other(s.to_string()), Wire::Known),
        None => Wire::Other(String::new()),
    }
}

fn inquiry_check(r: &Value, token: String) -> Check {
    let a = attributes(r);
    let raw = text(a, "status");
    let status = check_status(raw.as_deref(), |s| match s {
        "created" => Some(CheckStatus::Pending),
        "pending" => Some(CheckStatus::InProgress),
        "completed" | "approved" | "declined" | "needs_review" => Some(CheckStatus::Complete),
        "failed" => Some(CheckStatus::Failed),
        _ => None,
    });
    let result = match raw.as_deref() {
        Some("approved") => Some(CheckResult::Pass),
        Some("declined") => Some(CheckResult::Fail),
        Some("needs_review") => Some(CheckResult::Refer),
        _ => None,
    };
    Check {
        token,
        entity_name: person_name(a),
        name: "Inquiry".into(),
        type_code: Some("inquiry".into()),
        category: Some(Wire::Known(CheckCategory::Identity)),
        status,
        result: result.map(Wire::Known),
        provider: Some("Persona".into()),
        completed_at: time(a, "decisioned-at")
            .or_else(|| time(a, "completed-at"))
            .or_else(|| time(a, "failed-at")),
    }
}

fn verification_check(r: &Value, token: String, kind: &str) -> Check {
    let a = attributes(r);
    let raw = text(a, "status");
    let status = check_status(raw.as_deref(), |s| match s {
        "initiated" => Some(CheckStatus::Pending),
        "submitted" => Some(CheckStatus::InProgress),
        "passed" | "failed" | "confirmed" => Some(CheckStatus::Complete),
        "requires_retry" => Some(CheckStatus::AwaitingClient),
        "canceled" | "cancelled" => Some(CheckStatus::Cancelled),
        _ => None,
    });
    let result = match raw.as_deref() {
        Some("passed" | "confirmed") => Some(CheckResult::Pass),
        Some("failed") => Some(CheckResult::Fail),
        _ => None,
    };
    Check {
        token,
        entity_name: person_name(a),
        name: format!("{} verification", humanise(kind)),
        type_code: Some(rtype(r).to_string()),
        category: Some(Wire::Known(CheckCategory::Identity)),
        status,
        result: result.map(Wire::Known),
        provider: Some("Persona".into()),
        completed_at: time(a, "completed-at"),
    }
}

fn report_check(r: &Value, token: String, kind: &str) -> Check {
    let a = attributes(r);
    let raw = text(a, "status");
    let status = check_status(raw.as_deref(), |s| match s {
        "pending" => Some(CheckStatus::Pending),
        "ready" => Some(CheckStatus::Complete),
        "errored" => Some(CheckStatus::Failed),
        _ => None,
    });
    // A screening match needs a person to look at it: Refer, not Fail.
    let result = match (raw.as_deref(), a.get("has-match").and_then(Value::as_bool)) {
        (Some("ready"), Some(true)) => Some(CheckResult::Refer),
        (Some("ready"), Some(false)) => Some(CheckResult::Pass),
        _ => None,
    };
    let category = if [
        "watchlist",
        "politically-exposed",
        "adverse-media",
        "sanction",
    ]
    .iter()
    .any(|k| kind.contains(k))
    {
        Some(CheckCategory::Screening)
    } else if kind.starts_with("business") {
        Some(CheckCategory::Company)
    } else {
        None
    };
    Check {
        token,
        entity_name: text(a, "term").or_else(|| person_name(a)),
        name: format!("{} report", humanise(kind)),
        type_code: Some(rtype(r).to_string()),
        category: category.map(Wire::Known),
        status,
        result: result.map(Wire::Known),
        provider: Some("Persona".into()),
        completed_at: time(a, "completed-at"),
    }
}

/// The side-loaded inquiries, verifications and reports, in that order, as checks.
pub fn checks(included: &[Value]) -> Vec<Check> {
    let mut inquiries = Vec::new();
    let mut verifications = Vec::new();
    let mut reports = Vec::new();
    for r in included {
        let Some(token) = id(r).map(str::to_string) else {
            continue;
        };
        let t = rtype(r);
        if t == "inquiry" {
            inquiries.push(inquiry_check(r, token));
        } else if let Some(kind) = t.strip_prefix("verification/") {
            verifications.push(verification_check(r, token, kind));
        } else if let Some(kind) = t.strip_prefix("report/") {
            reports.push(report_check(r, token, kind));
        }
    }
    inquiries.extend(verifications);
    inquiries.extend(reports);
    inquiries
}

/// The side-loaded `case-comment` objects, as sent. A comment from a user is a Comment; one
/// from anything else (a workflow run) is System.
pub fn comments(included: &[Value]) -> Vec<Comment> {
    included
        .iter()
        .filter(|r| rtype(r) == "case-comment")
        .filter_map(|r| {
            let a = attributes(r);
            let kind = text(a, "commenter-type");
            Some(Comment {
                token: id(r)?.to_string(),
                author: text(a, "commenter-id").map(|id| UserRef { id, name: None }),
                comment_type: kind.map(|k| {
                    Wire::Known(if k == "user" {
                        CommentType::Comment
                    } else {
                        CommentType::System
                    })
                }),
                body: a
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                at: time(a, "created-at"),
            })
        })
        .collect()
}

/// The side-loaded accounts, as people (a business account type, as a company). The first is
/// the case's primary entity.
pub fn entities(included: &[Value]) -> Vec<Entity> {
    included
        .iter()
        .filter(|r| rtype(r) == "account")
        .filter_map(|r| {
            let token = id(r)?.to_string();
            let a = attributes(r);
            let fields = a.get("fields").unwrap_or(&Value::Null);
            let country = text(a, "country-code")
                .or_else(|| text(a, "address-country-code"))
                .or_else(|| {
                    fields
                        .get("address")
                        .and_then(|f| f.get("value"))
                        .and_then(|v| field_text(v, "country_code"))
                });
            Some(Entity {
                entity_type: Some(Wire::Known(if is_business(r) {
                    EntityType::Company
                } else {
                    EntityType::Person
                })),
                name: person_name(a)
                    .or_else(|| text(a, "reference-id"))
                    .unwrap_or_else(|| token.clone()),
                role: None,
                ownership_percentage: None,
                parent_token: None,
                country,
                nationality: None,
                date_of_birth: text(a, "birthdate").or_else(|| field_text(fields, "birthdate")),
                address: None,
                registration_number: None,
                verification_status: None,
                open_alerts: None,
                checks_total: None,
                checks_complete: None,
                token,
            })
        })
        .enumerate()
        .map(|(i, mut e)| {
            if i == 0 {
                e.role = Some(Wire::Known(EntityRole::Primary));
            }
            e
        })
        .collect()
}

/// The JSON kind of a value, for error messages.
pub use crate::provider::http::json_kind as kind;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sla_is_read_from_the_deadline_against_now() {
        let now: Timestamp = "2026-12-03T08:00:00Z".parse().unwrap();
        let at = |s: &str| Some(s.parse::<Timestamp>().unwrap());
        let known = |w: Option<Wire<SlaStatus>>| w.and_then(|w| w.known());
        assert_eq!(
            known(sla_status(at("2026-11-03T08:00:00Z"), false, now)),
            Some(SlaStatus::Breached),
            "30 days past"
        );
        assert_eq!(
            known(sla_status(at("2026-12-03T07:59:59Z"), false, now)),
            Some(SlaStatus::Breached),
            "a second past"
        );
        assert_eq!(
            known(sla_status(at("2026-12-03T20:00:00Z"), false, now)),
            Some(SlaStatus::Critical)
        );
        assert_eq!(
            known(sla_status(at("2026-12-10T08:00:00Z"), false, now)),
            Some(SlaStatus::OnTrack)
        );
        assert_eq!(sla_status(None, false, now), None, "no SLA set");
        assert_eq!(
            sla_status(at("2026-11-03T08:00:00Z"), true, now),
            None,
            "a resolved case's clock stopped"
        );
    }
}
