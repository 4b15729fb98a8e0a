//! The review actions: resolving and escalating alerts (one at a time or in bulk), moving,
//! escalating and closing cases, comments, four-eyes reviews and risk approval.
//!
//! Every write carries an `Idempotency-Key` chosen by the caller, so that a retry after a lost
//! answer (a timeout, a 503) replays the first answer instead of acting twice. Each returns the
//! record as the API left it. A refusal is [`ProviderError::Api`] with the API's code, message
//! and request id. Keys are sent, never logged or put into an error.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::case_detail;
use super::wire::{self, Envelope, count, text};
use super::{ZenooClient, segment};
use crate::domain::model::{Alert, Assessment, Case, Comment, Reviewer};
use crate::domain::{CaseStatus, CommentType, Decision, ResolutionAction, ReviewerRole, RiskTier};
use crate::provider::ProviderError;

/// Most alerts one bulk request may carry; longer lists are split.
pub const BULK_LIMIT: usize = 50;

/// Longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// What a bulk action did, summed over every request it took.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub succeeded: u32,
    pub failed: u32,
    /// `(alert token, error code, message)` for each alert the API refused.
    pub errors: Vec<(String, String, String)>,
}

/// An idempotency key must be 1 to 255 visible ASCII characters. The message does not repeat it.
fn check_key(key: &str) -> Result<(), ProviderError> {
    if key.is_empty()
        || key.len() > MAX_IDEMPOTENCY_KEY
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ProviderError::Invalid(format!(
            "an idempotency key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"
        )));
    }
    Ok(())
}

/// `data` of a bulk answer: `{resolved|acknowledged|assigned, failed, errors[]}`.
fn bulk_outcome(v: &Value) -> Result<BulkOutcome, String> {
    if !v.is_object() {
        return Err(format!("expected an object, got {}", wire::kind(v)));
    }
    let errors: Vec<(String, String, String)> = v
        .get("errors")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|e| {
                    (
                        text(e, &["alert_token", "token"]).unwrap_or_default(),
                        text(e, &["error", "code"]).unwrap_or_default(),
                        text(e, &["message"]).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let failed =
        count(v, &["failed"]).unwrap_or_else(|| u32::try_from(errors.len()).unwrap_or(u32::MAX));
    Ok(BulkOutcome {
        succeeded: count(v, &["resolved", "acknowledged", "assigned", "succeeded"]).unwrap_or(0),
        failed,
        errors,
    })
}

/// The body of a resolution, single or bulk.
fn resolution(
    action: ResolutionAction,
    rationale: &str,
    is_false_positive: bool,
    conditions: Option<&str>,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("action".into(), json!(action));
    body.insert("rationale".into(), json!(rationale));
    body.insert("is_false_positive".into(), json!(is_false_positive));
    if let Some(c) = conditions {
        body.insert("conditions".into(), json!(c));
    }
    body
}

/// `{field: text}` when there is text to send, `{}` otherwise.
fn optional(field: &str, value: Option<&str>) -> Map<String, Value> {
    let mut body = Map::new();
    if let Some(v) = value {
        body.insert(field.into(), json!(v));
    }
    body
}

impl ZenooClient {
    /// Sends one write with its idempotency key and returns the decoded `{data, meta}`.
    async fn post_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        key: &str,
    ) -> Result<Envelope<Value>, ProviderError> {
        check_key(key)?;
        let endpoint = format!("{method} {path}");
        let answer = self
            .send(
                method,
                path,
                &[],
                Some(body),
                &[("Idempotency-Key", key.to_string())],
            )
            .await?;
        if !answer.status.is_success() {
            return Err(Self::error(&answer));
        }
        Self::decode(&endpoint, &answer)
    }

    /// A write whose answer is one record.
    async fn write<T>(
        &self,
        method: Method,
        path: &str,
        body: Map<String, Value>,
        key: &str,
        decode: fn(&Value) -> Result<T, String>,
    ) -> Result<T, ProviderError> {
        let endpoint = format!("{method} {path}");
        let env = self
            .post_json(method, path, &Value::Object(body), key)
            .await?;
        decode(&env.data).map_err(|m| Self::bad(&endpoint, &env, m))
    }

    /// A bulk alert action over any number of alerts: duplicates are dropped and the rest sent
    /// in requests of at most [`BULK_LIMIT`], the n-th with key `{key}-n`, so that each request
    /// is idempotent on its own. If one fails, the error is returned; repeating the whole call
    /// with the same key and tokens replays the requests that had succeeded and retries the rest.
    async fn bulk(
        &self,
        path: &str,
        tokens: &[String],
        fields: Map<String, Value>,
        key: &str,
    ) -> Result<BulkOutcome, ProviderError> {
        check_key(key)?;
        let mut seen = HashSet::new();
        let unique: Vec<&str> = tokens
            .iter()
            .map(String::as_str)
            .filter(|t| seen.insert(*t))
            .collect();
        // The longest derived key must be valid too, before anything is sent.
        check_key(&format!("{key}-{}", unique.len().div_ceil(BULK_LIMIT)))?;
        let mut total = BulkOutcome::default();
        for (i, chunk) in unique.chunks(BULK_LIMIT).enumerate() {
            let mut body = fields.clone();
            body.insert("alert_tokens".into(), json!(chunk));
            let chunk_key = format!("{key}-{}", i + 1);
            let env = self
                .post_json(Method::POST, path, &Value::Object(body), &chunk_key)
                .await?;
            let part =
                bulk_outcome(&env.data).map_err(|m| Self::bad(&format!("POST {path}"), &env, m))?;
            total.succeeded = total.succeeded.saturating_add(part.succeeded);
            total.failed = total.failed.saturating_add(part.failed);
            total.errors.extend(part.errors);
        }
        Ok(total)
    }

    /// Resolves one alert. `conditions` goes with `Approve with Conditions` only.
    pub async fn resolve_alert(
        &self,
        alert_token: &str,
        action: ResolutionAction,
        rationale: &str,
        is_false_positive: bool,
        conditions: Option<&str>,
        key: &str,
    ) -> Result<Alert, ProviderError> {
        let path = format!("/v1/alerts/{}/resolve", segment(alert_token)?);
        let body = resolution(action, rationale, is_false_positive, conditions);
        self.write(Method::POST, &path, body, key, wire::alert)
            .await
    }

    /// Escalates one alert, optionally to a named user.
    pub async fn escalate_alert(
        &self,
        alert_token: &str,
        reason: &str,
        escalate_to: Option<&str>,
        key: &str,
    ) -> Result<Alert, ProviderError> {
        let path = format!("/v1/alerts/{}/escalate", segment(alert_token)?);
        let mut body = optional("escalate_to", escalate_to);
        body.insert("reason".into(), json!(reason));
        self.write(Method::POST, &path, body, key, wire::alert)
            .await
    }

    /// Resolves many alerts alike; see [`BulkOutcome`] for what failed and why.
    pub async fn bulk_resolve(
        &self,
        tokens: &[String],
        action: ResolutionAction,
        rationale: &str,
        is_false_positive: bool,
        conditions: Option<&str>,
        key: &str,
    ) -> Result<BulkOutcome, ProviderError> {
        let fields = resolution(action, rationale, is_false_positive, conditions);
        self.bulk("/v1/alerts/bulk/resolve", tokens, fields, key)
            .await
    }

    /// Acknowledges many Open alerts.
    pub async fn bulk_acknowledge(
        &self,
        tokens: &[String],
        key: &str,
    ) -> Result<BulkOutcome, ProviderError> {
        self.bulk("/v1/alerts/bulk/acknowledge", tokens, Map::new(), key)
            .await
    }

    /// Moves a case to `status` and/or assigns it: `assigned_to` `Some(Some(id))` assigns,
    /// `Some(None)` unassigns, `None` leaves the assignee alone.
    pub async fn update_case(
        &self,
        case_token: &str,
        status: Option<CaseStatus>,
        assigned_to: Option<Option<&str>>,
        key: &str,
    ) -> Result<Case, ProviderError> {
        let path = format!("/v1/cases/{}", segment(case_token)?);
        let mut body = Map::new();
        if let Some(s) = status {
            body.insert("status".into(), json!(s));
        }
        if let Some(a) = assigned_to {
            body.insert("assigned_to".into(), a.map_or(Value::Null, |id| json!(id)));
        }
        if body.is_empty() {
            return Err(ProviderError::Invalid(
                "nothing to change: give a status or an assignee".into(),
            ));
        }
        self.write(Method::PATCH, &path, body, key, wire::case)
            .await
    }

    /// Escalates a case, optionally to a named user.
    pub async fn escalate_case(
        &self,
        case_token: &str,
        reason: &str,
        escalate_to: Option<&str>,
        key: &str,
    ) -> Result<Case, ProviderError> {
        let path = format!("/v1/cases/{}/escalate", segment(case_token)?);
        let mut body = optional("escalate_to", escalate_to);
        body.insert("reason".into(), json!(reason));
        self.write(Method::POST, &path, body, key, wire::case).await
    }

    /// Closes a case with a decision. The API refuses with `CLOSE_PRECONDITIONS_UNMET` while
    /// alerts are open, the assessment is unapproved or a High-risk case lacks an approval.
    pub async fn close_case(
        &self,
        case_token: &str,
        decision: Decision,
        summary: &str,
        key: &str,
    ) -> Result<Case, ProviderError> {
        let path = format!("/v1/cases/{}/close", segment(case_token)?);
        let mut body = Map::new();
        body.insert("decision".into(), json!(decision));
        body.insert("summary".into(), json!(summary));
        self.write(Method::POST, &path, body, key, wire::case).await
    }

    /// Adds a comment to a case; the answer names its author.
    pub async fn add_comment(
        &self,
        case_token: &str,
        body: &str,
        comment_type: CommentType,
        key: &str,
    ) -> Result<Comment, ProviderError> {
        let path = format!("/v1/cases/{}/comments", segment(case_token)?);
        let mut fields = Map::new();
        fields.insert("body".into(), json!(body));
        fields.insert("type".into(), json!(comment_type));
        self.write(Method::POST, &path, fields, key, case_detail::comment)
            .await
    }

    /// Invites `user_id` to review a case as its Approver.
    pub async fn add_reviewer(
        &self,
        case_token: &str,
        user_id: &str,
        key: &str,
    ) -> Result<Reviewer, ProviderError> {
        let path = format!("/v1/cases/{}/reviewers", segment(case_token)?);
        let mut body = Map::new();
        body.insert("user_id".into(), json!(user_id));
        body.insert("role".into(), json!(ReviewerRole::Approver));
        self.write(Method::POST, &path, body, key, case_detail::reviewer)
            .await
    }

    /// Records the calling reviewer's approval or rejection (a rejection needs notes).
    pub async fn decide_review(
        &self,
        case_token: &str,
        reviewer_token: &str,
        approve: bool,
        notes: Option<&str>,
        key: &str,
    ) -> Result<Reviewer, ProviderError> {
        let path = format!(
            "/v1/cases/{}/reviewers/{}/{}",
            segment(case_token)?,
            segment(reviewer_token)?,
            if approve { "approve" } else { "reject" }
        );
        let body = optional("notes", notes);
        self.write(Method::POST, &path, body, key, case_detail::reviewer)
            .await
    }

    /// Approves a risk assessment (not the caller's own override).
    pub async fn approve_risk(
        &self,
        assessment_token: &str,
        notes: Option<&str>,
        key: &str,
    ) -> Result<Assessment, ProviderError> {
        let path = format!(
            "/v1/risk-assessments/{}/approve",
            segment(assessment_token)?
        );
        let body = optional("notes", notes);
        self.write(Method::POST, &path, body, key, case_detail::assessment)
            .await
    }

    /// Overrides an assessment's tier, with a justification; any approval is dropped.
    pub async fn override_risk(
        &self,
        assessment_token: &str,
        tier: RiskTier,
        justification: &str,
        key: &str,
    ) -> Result<Assessment, ProviderError> {
        let path = format!(
            "/v1/risk-assessments/{}/override",
            segment(assessment_token)?
        );
        let mut body = Map::new();
        body.insert("tier".into(), json!(tier));
        body.insert("justification".into(), json!(justification));
        self.write(Method::POST, &path, body, key, case_detail::assessment)
            .await
    }

    /// Computes a new assessment for a case, superseding the current one.
    pub async fn recalculate_risk(
        &self,
        case_token: &str,
        key: &str,
    ) -> Result<Assessment, ProviderError> {
        let path = format!("/v1/cases/{}/risk-assessments", segment(case_token)?);
        self.write(
            Method::POST,
            &path,
            Map::new(),
            key,
            case_detail::assessment,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_answers_decode_whatever_the_count_is_called() {
        let o = bulk_outcome(&json!({ "resolved": 3, "failed": 1, "errors": [
            { "alert_token": "alt_1", "error": "ALERT_ALREADY_RESOLVED", "message": "done" } ] }))
        .unwrap();
        assert_eq!((o.succeeded, o.failed), (3, 1));
        assert_eq!(o.errors[0].1, "ALERT_ALREADY_RESOLVED");
        let o = bulk_outcome(&json!({ "acknowledged": 2, "errors": [ { "token": "alt_2" } ] }))
            .unwrap();
        assert_eq!((o.succeeded, o.failed), (2, 1));
        assert!(bulk_outcome(&json!([])).is_err());
    }

    #[test]
    fn keys_are_checked_without_being_repeated() {
        assert!(check_key("k-1").is_ok());
        for bad in ["", "has space", "é", &"x".repeat(256)] {
            let err = check_key(bad).unwrap_err().to_string();
            assert!(bad.is_empty() || !err.contains(bad), "{err}");
        }
    }

    #[test]
    fn a_resolution_sends_conditions_only_when_given() {
        let b = resolution(ResolutionAction::Approve, "why", false, None);
        assert!(!b.contains_key("conditions"));
        assert_eq!(b["action"], "Approve");
        let b = resolution(
            ResolutionAction::ApproveWithConditions,
            "why",
            false,
            Some("c"),
        );
        assert_eq!(b["conditions"], "c");
    }
}
