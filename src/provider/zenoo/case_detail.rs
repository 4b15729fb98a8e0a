//! What a case's detail view reads: its entities, risk assessment, checks, timeline, comments
//! and reviewers, decoded tolerantly into `domain::model` records.
//!
//! As in [`super::wire`], every documented variant of a field name is accepted (`full_name` /
//! `name` / `company_name` / `first_name last_name`, `author.user_id` / `author.id`,
//! `score_contribution` / `contribution`, dimensions as an object keyed by name or as a list),
//! a field that cannot be read is left empty, and only the token is required.
//!
//! Every list is walked to its end (100 a page, following `meta.page.cursor` while `has_more`,
//! stopping should a server hand back a cursor it already gave).

use serde_json::Value;

use super::wire::{self, count, number, required_token, text, time, user_ref, vocab};
use super::{ZenooClient, segment};
use crate::domain::Wire;
use crate::domain::model::{
    Assessment, AuditEntry, Check, Comment, Entity, Reviewer, RiskDimension, RiskFactor, UserRef,
};
use crate::provider::ProviderError;
use crate::provider::http::Path;

/// The dimensions in the order the model lists them; others follow in the order received.
const DIMENSION_ORDER: &[&str] = &["customer", "geographic", "product_service", "transaction"];

/// A value of any scalar kind as text (a factor's `value` may be a number or a flag).
fn scalar(v: &Value, keys: &[&str]) -> Option<String> {
    text(v, keys).or_else(|| {
        keys.iter()
            .filter_map(|k| v.get(*k))
            .find_map(Value::as_bool)
            .map(|b| b.to_string())
    })
}

/// A text field that is blank counts as absent.
fn non_blank(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .filter_map(|k| text(v, &[*k]))
        .find(|s| !s.trim().is_empty())
}

/// A user id given as `"usr_1"` or `{id|user_id, name}`.
fn user_id(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| user_ref(v, k)).map(|u| u.id)
}

/// An address object (`line1`, `line2`, `city`, `state`, `postal_code`, `country`; the data
/// model's `address_line_1`, `postcode` too) on one line, its parts in that order.
fn address_line(a: &Value) -> Option<String> {
    if !a.is_object() {
        return None;
    }
    let part = |keys: &[&str]| non_blank(a, keys);
    let city = match (
        part(&["city", "town"]),
        part(&["postal_code", "postcode", "zip"]),
    ) {
        (Some(c), Some(p)) => Some(format!("{c} {p}")),
        (c, p) => c.or(p),
    };
    let parts: Vec<String> = [
        part(&["line1", "address_line_1", "street"]),
        part(&["line2", "address_line_2"]),
        city,
        part(&["state", "region"]),
        part(&["country"]),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Decodes an entity as listed within a case (`GET /v1/entities?case_token=…`).
pub fn entity(v: &Value) -> Result<Entity, String> {
    let token = required_token(v, "entity")?;
    let person = match (non_blank(v, &["first_name"]), non_blank(v, &["last_name"])) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (f, l) => f.or(l),
    };
    let name = non_blank(v, &["full_name", "name", "company_name"])
        .or(person)
        .unwrap_or_else(|| token.clone());
    let checks = v.get("checks_summary").unwrap_or(&Value::Null);
    let alerts = v.get("alerts_summary").unwrap_or(&Value::Null);
    let address = v.get("address").unwrap_or(&Value::Null);
    Ok(Entity {
        entity_type: vocab(v, &["type", "entity_type"]),
        name,
        role: vocab(v, &["role"]),
        ownership_percentage: number(v, &["ownership_percentage"]),
        parent_token: text(v, &["parent_token", "parent_entity_token"]),
        country: non_blank(v, &["country"]).or_else(|| non_blank(address, &["country"])),
        nationality: text(v, &["nationality"]),
        date_of_birth: text(v, &["date_of_birth"]),
        address: address_line(address).or_else(|| non_blank(v, &["address"])),
        registration_number: text(v, &["registration_number"]),
        verification_status: vocab(v, &["verification_status"]),
        open_alerts: count(alerts, &["open"]).or_else(|| count(v, &["open_alerts_count"])),
        checks_total: count(checks, &["total"]),
        checks_complete: count(checks, &["complete"]),
        token,
    })
}

fn factor(v: &Value) -> Option<RiskFactor> {
    if !v.is_object() {
        return None;
    }
    Some(RiskFactor {
        name: text(v, &["name", "factor"]).unwrap_or_default(),
        value: scalar(v, &["value"]).unwrap_or_default(),
        contribution: number(
            v,
            &["score_contribution", "contribution", "points", "score"],
        )
        .unwrap_or(0.0),
    })
}

fn dimension(key: String, v: &Value) -> RiskDimension {
    RiskDimension {
        key,
        score: number(v, &["score"]).unwrap_or(0.0),
        weight: number(v, &["weight"]),
        tier: vocab(v, &["tier"]),
        factors: v
            .get("factors")
            .and_then(Value::as_array)
            .map(|fs| fs.iter().filter_map(factor).collect())
            .unwrap_or_default(),
    }
}

/// `{customer: {...}, ...}` (the API), or `[{key|name|dimension, ...}]`.
fn dimensions(v: &Value) -> Vec<RiskDimension> {
    let mut out: Vec<RiskDimension> = match v.get("dimensions") {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(_, d)| d.is_object())
            .map(|(k, d)| dimension(k.clone(), d))
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter(|d| d.is_object())
            .map(|d| {
                let key = text(d, &["key", "name", "dimension"]).unwrap_or_default();
                dimension(key, d)
            })
            .collect(),
        _ => Vec::new(),
    };
    // Stable: the known four first, in model order; anything else after, as received.
    out.sort_by_key(|d| {
        DIMENSION_ORDER
            .iter()
            .position(|k| *k == d.key)
            .unwrap_or(DIMENSION_ORDER.len())
    });
    out
}

/// Decodes a risk assessment.
pub fn assessment(v: &Value) -> Result<Assessment, String> {
    let token = required_token(v, "risk assessment")?;
    let tier = vocab(v, &["tier"]);
    let override_tier = vocab(v, &["override_tier"]);
    Ok(Assessment {
        status: vocab(v, &["status"]).unwrap_or(Wire::Other(String::new())),
        overall_score: number(v, &["overall_score", "score"]),
        effective_tier: vocab(v, &["effective_tier"])
            .or_else(|| override_tier.clone())
            .or_else(|| tier.clone()),
        tier,
        dimensions: dimensions(v),
        due_diligence_path: text(v, &["due_diligence_path"]),
        review_frequency: text(v, &["review_frequency"]),
        override_tier,
        override_justification: text(v, &["override_justification"]),
        overridden_by: user_id(v, &["overridden_by"]),
        approved_by: user_id(v, &["approved_by"]),
        approved_at: time(v, &["approved_at"]),
        token,
    })
}

/// Decodes a check.
pub fn check(v: &Value) -> Result<Check, String> {
    let token = required_token(v, "check")?;
    let type_code = text(v, &["type_code"]);
    Ok(Check {
        entity_name: text(v, &["entity_name"]),
        name: non_blank(v, &["name", "check_name"])
            .or_else(|| type_code.clone())
            .unwrap_or_else(|| token.clone()),
        type_code,
        category: vocab(v, &["category"]),
        status: vocab(v, &["status"]).unwrap_or(Wire::Other(String::new())),
        result: vocab(v, &["result"]),
        provider: text(v, &["provider"]),
        completed_at: time(v, &["completed_at"]),
        token,
    })
}

/// Decodes an audit entry (`actor {user_id, name, type}`, `created_at`).
pub fn audit_entry(v: &Value) -> Result<AuditEntry, String> {
    Ok(AuditEntry {
        token: required_token(v, "audit entry")?,
        event_type: text(v, &["event_type", "event", "action"]).unwrap_or_default(),
        severity: text(v, &["severity"]),
        actor: user_ref(v, "actor").or_else(|| {
            text(v, &["actor_id", "user_id"]).map(|id| UserRef {
                id,
                name: text(v, &["actor_name"]),
            })
        }),
        target_type: text(v, &["target_type"]),
        target_token: text(v, &["target_token"]),
        details: v.get("details").filter(|d| !d.is_null()).cloned(),
        request_id: text(v, &["request_id"]),
        at: time(v, &["created_at", "timestamp", "at"]),
    })
}

/// Decodes a comment (`author {user_id|id, name}`).
pub fn comment(v: &Value) -> Result<Comment, String> {
    Ok(Comment {
        token: required_token(v, "comment")?,
        author: user_ref(v, "author").or_else(|| {
            text(v, &["author_id", "user_id"]).map(|id| UserRef {
                id,
                name: text(v, &["author_name"]),
            })
        }),
        comment_type: vocab(v, &["type", "comment_type"]),
        body: text(v, &["body", "text", "content"]).unwrap_or_default(),
        at: time(v, &["created_at"]),
    })
}

/// Decodes a reviewer (`user_id`, `name`; or `user {id, name}`).
pub fn reviewer(v: &Value) -> Result<Reviewer, String> {
    let token = required_token(v, "reviewer")?;
    let user = match text(v, &["user_id"]) {
        Some(id) => UserRef {
            id,
            name: text(v, &["name", "user_name"]),
        },
        None => user_ref(v, "user").unwrap_or(UserRef {
            id: String::new(),
            name: text(v, &["name"]),
        }),
    };
    Ok(Reviewer {
        token,
        user,
        role: text(v, &["role"]),
        status: vocab(v, &["status"]).unwrap_or(Wire::Other(String::new())),
        notes: text(v, &["notes"]),
    })
}

impl ZenooClient {
    /// Every item of a list, walking all pages with `query` repeated on each.
    async fn walk<T>(
        &self,
        path: &Path,
        query: &[(&str, String)],
        decode: fn(&Value) -> Result<T, String>,
    ) -> Result<Vec<T>, ProviderError> {
        let endpoint = format!("GET {path}");
        let mut out = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = query.to_vec();
            q.push(("limit", "100".to_string()));
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let env = self.get_fresh(path, &q).await?;
            let request_id = env.meta.request_id.clone();
            let page = wire::page(env, decode).map_err(|message| ProviderError::Decode {
                endpoint: endpoint.clone(),
                message,
                request_id,
            })?;
            out.extend(page.items);
            match (page.has_more, page.cursor) {
                (true, Some(c)) if !c.is_empty() && !seen.contains(&c) => {
                    seen.push(c.clone());
                    cursor = Some(c);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    /// Every entity on a case, with its role, ownership and place in the tree.
    pub async fn case_entities(&self, case_token: &str) -> Result<Vec<Entity>, ProviderError> {
        let q = [("case_token", segment(case_token)?.to_string())];
        self.walk(&Path::of(&["v1", "entities"]), &q, entity).await
    }

    /// The case's current risk assessment, or `None` when it has none.
    pub async fn risk_assessment(
        &self,
        case_token: &str,
    ) -> Result<Option<Assessment>, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "risk-assessment"]);
        match self.get_fresh(&path, &[]).await {
            Ok(env) => assessment(&env.data)
                .map(Some)
                .map_err(|m| Self::bad(&format!("GET {path}"), &env, m)),
            Err(ProviderError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every check on a case.
    pub async fn case_checks(&self, case_token: &str) -> Result<Vec<Check>, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "checks"]);
        self.walk(&path, &[], check).await
    }

    /// The case's audit trail, oldest first.
    pub async fn case_timeline(&self, case_token: &str) -> Result<Vec<AuditEntry>, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "timeline"]);
        self.walk(&path, &[], audit_entry).await
    }

    /// Every comment on a case, oldest first.
    pub async fn case_comments(&self, case_token: &str) -> Result<Vec<Comment>, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "comments"]);
        self.walk(&path, &[], comment).await
    }

    /// Every reviewer on a case, or `None` where the API cannot list them (plain Zenoo has no
    /// such route: 404 or 405).
    pub async fn case_reviewers(
        &self,
        case_token: &str,
    ) -> Result<Option<Vec<Reviewer>>, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "reviewers"]);
        match self.walk(&path, &[], reviewer).await {
            Ok(items) => Ok(Some(items)),
            Err(ProviderError::Api {
                status: 404 | 405, ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        AssessmentStatus, CommentType, EntityRole, EntityType, ReviewerStatus, RiskTier,
    };
    use serde_json::json;

    #[test]
    fn an_entity_address_reads_on_one_line_from_either_spelling() {
        let e = entity(&json!({
            "token": "ent_1", "full_name": "Ava McAllister",
            "address": { "line1": "12 Harbour Rd", "line2": null, "city": "Cork",
                         "postal_code": "T12 1AB", "state": null, "country": "IE" },
        }))
        .unwrap();
        assert_eq!(
            e.address.as_deref(),
            Some("12 Harbour Rd, Cork T12 1AB, IE")
        );
        assert_eq!(
            e.country.as_deref(),
            Some("IE"),
            "the country from the address"
        );
        let e = entity(&json!({
            "token": "ent_2", "full_name": "B",
            "address": { "address_line_1": "1 Main St", "postcode": "D02" },
        }))
        .unwrap();
        assert_eq!(e.address.as_deref(), Some("1 Main St, D02"));
        let e = entity(&json!({ "token": "ent_3", "full_name": "C", "address": null })).unwrap();
        assert_eq!(e.address, None);
    }

    #[test]
    fn entity_names_come_from_any_documented_field() {
        let e = entity(&json!({
            "token": "ent_1", "type": "Company", "full_name": "Acme Ltd", "company_name": "ACME",
            "role": "Primary", "country": "GB", "checks_summary": { "total": 3, "complete": 1 },
            "alerts_summary": { "open": 2 }, "depth": 0,
        }))
        .unwrap();
        assert_eq!(e.name, "Acme Ltd");
        assert_eq!(e.role, Some(Wire::Known(EntityRole::Primary)));
        assert_eq!(e.entity_type, Some(Wire::Known(EntityType::Company)));
        assert_eq!(
            (e.checks_total, e.checks_complete, e.open_alerts),
            (Some(3), Some(1), Some(2))
        );

        let dm = entity(&json!({ "id": "ent_2", "type": "person", "name": "Jo Bloggs", "role": "UBO", "ownership_percentage": "25.5", "parent_token": "ent_1" })).unwrap();
        assert_eq!(dm.name, "Jo Bloggs");
        assert_eq!(dm.entity_type, Some(Wire::Known(EntityType::Person)));
        assert_eq!(dm.ownership_percentage, Some(25.5));
        assert_eq!(dm.parent_token.as_deref(), Some("ent_1"));

        let co = entity(&json!({ "token": "ent_3", "company_name": "Beta GmbH", "full_name": "", "address": { "country": "DE" } })).unwrap();
        assert_eq!(co.name, "Beta GmbH");
        assert_eq!(co.country.as_deref(), Some("DE"));
        let p = entity(&json!({ "token": "ent_4", "first_name": "Ana", "last_name": "Silva" }))
            .unwrap();
        assert_eq!(p.name, "Ana Silva");
        let bare =
            entity(&json!({ "token": "ent_5", "role": 3, "checks_summary": "n/a" })).unwrap();
        assert_eq!(bare.name, "ent_5");
        assert_eq!(bare.checks_total, None);
        assert!(entity(&json!({ "name": "no token" })).is_err());
    }

    #[test]
    fn dimensions_keyed_by_name_decode_in_model_order() {
        let a = assessment(&json!({
            "token": "rsk_1", "status": "Overridden", "overall_score": 61.2, "tier": "High",
            "override_tier": "Medium", "overridden_by": { "id": "usr_a", "name": "A" },
            "dimensions": {
                "transaction": { "score": 6, "weight": 0.2, "tier": "Low", "factors": [] },
                "customer": { "score": "45", "weight": 0.35, "tier": "Medium", "factors": [
                    { "name": "Baseline", "value": "10", "score_contribution": 10 },
                    { "name": "Cash intensive", "value": true, "contribution": 25 },
                    "junk"
                ] },
                "geographic": { "score": 75, "factors": "none" },
                "channel": { "score": 10 },
                "product_service": 7,
            },
        }))
        .unwrap();
        let keys: Vec<&str> = a.dimensions.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["customer", "geographic", "transaction", "channel"]);
        assert_eq!(a.status, Wire::Known(AssessmentStatus::Overridden));
        assert_eq!(a.effective_tier, Some(Wire::Known(RiskTier::Medium)));
        assert_eq!(a.overridden_by.as_deref(), Some("usr_a"));
        let customer = &a.dimensions[0];
        assert_eq!(customer.score, 45.0);
        assert_eq!(customer.factors.len(), 2);
        assert_eq!(customer.factors[1].value, "true");
        assert_eq!(customer.factors[1].contribution, 25.0);
        assert!(a.dimensions[1].factors.is_empty());

        let listed = assessment(
            &json!({ "token": "rsk_2", "dimensions": [ { "key": "customer", "score": 1 } ] }),
        )
        .unwrap();
        assert_eq!(listed.dimensions[0].key, "customer");
        assert_eq!(listed.status.as_str(), "");
    }

    #[test]
    fn comments_audit_entries_and_reviewers_accept_both_shapes() {
        let c = comment(&json!({ "token": "cmt_1", "author": { "user_id": "usr_a", "name": "Amara" }, "type": "Decision", "body": "ok", "created_at": "2026-01-02T03:04:05Z" })).unwrap();
        assert_eq!(c.author.as_ref().unwrap().id, "usr_a");
        assert_eq!(c.comment_type, Some(Wire::Known(CommentType::Decision)));
        assert!(c.at.is_some());
        let dm = comment(&json!({ "id": "cmt_2", "author": { "id": "usr_b", "name": "B", "email": "b@x" }, "body": "hi" })).unwrap();
        assert_eq!(dm.author.unwrap().name.as_deref(), Some("B"));

        let e = audit_entry(&json!({
            "token": "aud_1", "event_type": "CASE_CREATED", "severity": "INFO",
            "actor": { "user_id": "system", "name": "System", "type": "system" },
            "details": { "after": {} }, "ip_address": null, "created_at": "2026-01-02T03:04:05Z",
        }))
        .unwrap();
        assert_eq!(
            e.actor,
            Some(UserRef {
                id: "system".into(),
                name: Some("System".into())
            })
        );
        assert!(e.details.is_some() && e.at.is_some());
        assert!(audit_entry(&json!({ "event_type": "X" })).is_err());

        let r = reviewer(&json!({ "token": "rev_1", "user_id": "usr_s", "name": "Sofía", "role": "Approver", "status": "Approved" })).unwrap();
        assert_eq!(r.user.id, "usr_s");
        assert_eq!(r.status, Wire::Known(ReviewerStatus::Approved));
        let r =
            reviewer(&json!({ "token": "rev_2", "user": { "id": "usr_t", "name": "T" } })).unwrap();
        assert_eq!(r.user.name.as_deref(), Some("T"));
    }

    #[test]
    fn a_check_is_named_by_name_then_type_code() {
        let k = check(&json!({ "token": "chk_1", "type_code": "SCR_PEP", "status": "Complete", "result": "Pass", "category": "Screening" })).unwrap();
        assert_eq!(k.name, "SCR_PEP");
        assert_eq!(k.status.as_str(), "Complete");
    }
}
