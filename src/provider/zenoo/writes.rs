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
use crate::domain::model::{Alert, Assessment, Case, Check, Comment, Reviewer};
use crate::domain::{
    CaseStatus, CommentType, Decision, ResolutionAction, ReviewerRole, RiskTier, WaiveReason,
};
use crate::provider::http::{Path, check_key};
use crate::provider::{ItemOutcome, ItemResult, ProviderError};

/// Most alerts one bulk request may carry; longer lists are split.
pub const BULK_LIMIT: usize = 50;

pub use crate::provider::http::MAX_IDEMPOTENCY_KEY;

/// What a bulk action did, summed over every request it took.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub succeeded: u32,
    pub failed: u32,
    /// `(alert token, error code, message)` for each alert the API refused.
    pub errors: Vec<(String, String, String)>,
}

/// The path of a bulk alert action (`resolve`, `acknowledge`).
fn bulk_path(action: &str) -> Path {
    Path::of(&["v1", "alerts", "bulk", action])
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

/// The requests a bulk action takes: the tokens once each, in order, at most [`BULK_LIMIT`] a
/// request, the n-th with key `{key}-n`. Every key is checked before anything is sent.
fn bulk_requests<'a>(
    tokens: &'a [String],
    key: &str,
) -> Result<Vec<(Vec<&'a str>, String)>, ProviderError> {
    check_key(key)?;
    let mut seen = HashSet::new();
    let unique: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| seen.insert(*t))
        .collect();
    // The longest derived key must be valid too.
    check_key(&format!("{key}-{}", unique.len().div_ceil(BULK_LIMIT)))?;
    Ok(unique
        .chunks(BULK_LIMIT)
        .enumerate()
        .map(|(i, chunk)| (chunk.to_vec(), format!("{key}-{}", i + 1)))
        .collect())
}

/// What one bulk answer says of each alert it carried. Alerts listed in `errors[]` were refused
/// with that code and message. The rest landed, unless the API counted more failures than it
/// listed (Zenoo's bulk acknowledge lists none): when every unlisted alert must have failed,
/// each is refused without a reason; otherwise which of them failed cannot be told.
fn per_alert(chunk: &[&str], part: &BulkOutcome, request_id: Option<&str>) -> Vec<ItemResult> {
    let listed = |t: &str| part.errors.iter().find(|(token, _, _)| token == t);
    let matched = chunk.iter().filter(|t| listed(t).is_some()).count();
    let unlisted = chunk.len() - matched;
    let unlisted_failed = (part.failed as usize).saturating_sub(matched).min(unlisted);
    chunk
        .iter()
        .map(|t| {
            let outcome = match listed(t) {
                Some((_, code, message)) => ItemOutcome::Refused {
                    code: (!code.is_empty()).then(|| code.clone()),
                    message: message.clone(),
                },
                None if unlisted_failed == 0 => ItemOutcome::Landed,
                None if unlisted_failed == unlisted => ItemOutcome::Refused {
                    code: None,
                    message: "refused; the API did not say why".into(),
                },
                None => ItemOutcome::Unknown {
                    message: format!(
                        "the API counted {unlisted_failed} of {unlisted} alerts as failed \
                         without saying which; this one may not have landed"
                    ),
                },
            };
            ItemResult {
                token: (*t).to_string(),
                outcome,
                request_id: request_id.map(str::to_string),
            }
        })
        .collect()
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
        path: &Path,
        body: &Value,
        key: &str,
    ) -> Result<Envelope<Value>, ProviderError> {
        Ok(self.post_answer(method, path, body, key).await?.0)
    }

    /// Like `post_json`, also saying whether the record was there before this request: a
    /// create answers 200 (not 201) with the record its external reference already names, and
    /// a server replaying an earlier answer to the same key says `Idempotent-Replayed: true`.
    pub(super) async fn post_answer(
        &self,
        method: Method,
        path: &Path,
        body: &Value,
        key: &str,
    ) -> Result<(Envelope<Value>, bool), ProviderError> {
        let answer = self
            .api
            .call(method, path)
            .idempotency_key(key)?
            .json(body)
            .send()
            .await?;
        let mut env = Self::decode(&answer)?;
        if env.meta.request_id.is_none() {
            env.meta.request_id = answer.request_id;
        }
        let replayed = answer
            .headers
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        Ok((env, replayed || answer.status == reqwest::StatusCode::OK))
    }

    /// A write whose answer is one record.
    async fn write<T>(
        &self,
        method: Method,
        path: &Path,
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
        path: &Path,
        tokens: &[String],
        fields: Map<String, Value>,
        key: &str,
    ) -> Result<BulkOutcome, ProviderError> {
        let mut total = BulkOutcome::default();
        for (chunk, chunk_key) in bulk_requests(tokens, key)? {
            let mut body = fields.clone();
            body.insert("alert_tokens".into(), json!(chunk));
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

    /// Like [`ZenooClient::bulk`], but says what became of each alert, with the request that
    /// carried it. A request the API refuses as a whole (a 4xx) refuses each of its alerts with
    /// its code and message, and the other requests are still sent; no answer, a 429 or a 5xx
    /// is returned as the error (the whole call is then retried, its landed requests replayed).
    /// When the only request is refused as a whole, that refusal is returned as it came.
    async fn bulk_each(
        &self,
        path: &Path,
        tokens: &[String],
        fields: Map<String, Value>,
        key: &str,
    ) -> Result<Vec<ItemResult>, ProviderError> {
        let requests = bulk_requests(tokens, key)?;
        let single = requests.len() == 1;
        let mut items = Vec::new();
        for (chunk, chunk_key) in requests {
            let mut body = fields.clone();
            body.insert("alert_tokens".into(), json!(chunk));
            let env = match self
                .post_json(Method::POST, path, &Value::Object(body), &chunk_key)
                .await
            {
                Ok(env) => env,
                Err(e @ ProviderError::Api { .. }) if !e.is_transient() => {
                    if single {
                        return Err(e);
                    }
                    let ProviderError::Api {
                        code,
                        message,
                        request_id,
                        ..
                    } = e
                    else {
                        unreachable!("matched above")
                    };
                    items.extend(chunk.iter().map(|t| ItemResult {
                        token: (*t).to_string(),
                        outcome: ItemOutcome::Refused {
                            code: Some(code.clone()),
                            message: message.clone(),
                        },
                        request_id: request_id.clone(),
                    }));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let part =
                bulk_outcome(&env.data).map_err(|m| Self::bad(&format!("POST {path}"), &env, m))?;
            items.extend(per_alert(&chunk, &part, env.meta.request_id.as_deref()));
        }
        Ok(items)
    }

    /// Resolves many alerts alike and says what became of each (see
    /// [`ZenooClient::bulk_each`]).
    pub async fn bulk_resolve_each(
        &self,
        tokens: &[String],
        action: ResolutionAction,
        rationale: &str,
        is_false_positive: bool,
        conditions: Option<&str>,
        key: &str,
    ) -> Result<Vec<ItemResult>, ProviderError> {
        let fields = resolution(action, rationale, is_false_positive, conditions);
        self.bulk_each(&bulk_path("resolve"), tokens, fields, key)
            .await
    }

    /// Acknowledges many Open alerts and says what became of each.
    pub async fn bulk_acknowledge_each(
        &self,
        tokens: &[String],
        key: &str,
    ) -> Result<Vec<ItemResult>, ProviderError> {
        self.bulk_each(&bulk_path("acknowledge"), tokens, Map::new(), key)
            .await
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
        let path = Path::of(&["v1", "alerts", segment(alert_token)?, "resolve"]);
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
        let path = Path::of(&["v1", "alerts", segment(alert_token)?, "escalate"]);
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
        self.bulk(&bulk_path("resolve"), tokens, fields, key).await
    }

    /// Acknowledges many Open alerts.
    pub async fn bulk_acknowledge(
        &self,
        tokens: &[String],
        key: &str,
    ) -> Result<BulkOutcome, ProviderError> {
        self.bulk(&bulk_path("acknowledge"), tokens, Map::new(), key)
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
        let path = Path::of(&["v1", "cases", segment(case_token)?]);
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
        let path = Path::of(&["v1", "cases", segment(case_token)?, "escalate"]);
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
        let path = Path::of(&["v1", "cases", segment(case_token)?, "close"]);
        let mut body = Map::new();
        body.insert("decision".into(), json!(decision));
        body.insert("summary".into(), json!(summary));
        self.write(Method::POST, &path, body, key, wire::case).await
    }

    /// Adds a comment to a case; the answer names its author. `mentions` are the user ids
    /// written as `@user_id` in the body, who are notified (sent only when there are some).
    pub async fn add_comment(
        &self,
        case_token: &str,
        body: &str,
        comment_type: CommentType,
        mentions: &[String],
        key: &str,
    ) -> Result<Comment, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "comments"]);
        let mut fields = Map::new();
        fields.insert("body".into(), json!(body));
        fields.insert("type".into(), json!(comment_type));
        if !mentions.is_empty() {
            fields.insert("mentions".into(), json!(mentions));
        }
        self.write(Method::POST, &path, fields, key, case_detail::comment)
            .await
    }

    /// Invites `user_id` to review a case as its Approver, with an optional message to them.
    pub async fn add_reviewer(
        &self,
        case_token: &str,
        user_id: &str,
        message: Option<&str>,
        key: &str,
    ) -> Result<Reviewer, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "reviewers"]);
        let mut body = optional("message", message);
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
        let path = Path::of(&[
            "v1",
            "cases",
            segment(case_token)?,
            "reviewers",
            segment(reviewer_token)?,
            if approve { "approve" } else { "reject" },
        ]);
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
        let path = Path::of(&[
            "v1",
            "risk-assessments",
            segment(assessment_token)?,
            "approve",
        ]);
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
        let path = Path::of(&[
            "v1",
            "risk-assessments",
            segment(assessment_token)?,
            "override",
        ]);
        let mut body = Map::new();
        body.insert("tier".into(), json!(tier));
        body.insert("justification".into(), json!(justification));
        self.write(Method::POST, &path, body, key, case_detail::assessment)
            .await
    }

    /// Waives a check with one of the API's reasons; notes are required for `Other`.
    pub async fn waive_check(
        &self,
        check_token: &str,
        reason: WaiveReason,
        notes: Option<&str>,
        key: &str,
    ) -> Result<Check, ProviderError> {
        let path = Path::of(&["v1", "checks", segment(check_token)?, "waive"]);
        let mut body = optional("notes", notes);
        body.insert("reason".into(), json!(reason));
        self.write(Method::POST, &path, body, key, case_detail::check)
            .await
    }

    /// Computes a new assessment for a case, superseding the current one.
    pub async fn recalculate_risk(
        &self,
        case_token: &str,
        key: &str,
    ) -> Result<Assessment, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(case_token)?, "risk-assessments"]);
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
    fn each_alert_of_a_bulk_answer_is_landed_or_refused_with_its_reason() {
        let chunk = ["alt_1", "alt_2", "alt_3"];
        let outcome = |failed, errors: Vec<(&str, &str, &str)>| BulkOutcome {
            succeeded: 3 - failed,
            failed,
            errors: errors
                .into_iter()
                .map(|(t, c, m)| (t.into(), c.into(), m.into()))
                .collect(),
        };
        let outcomes = |o: &BulkOutcome| -> Vec<ItemOutcome> {
            let items = per_alert(&chunk, o, Some("req_1"));
            assert!(
                items
                    .iter()
                    .all(|i| i.request_id.as_deref() == Some("req_1"))
            );
            assert_eq!(
                items.iter().map(|i| i.token.as_str()).collect::<Vec<_>>(),
                chunk
            );
            items.into_iter().map(|i| i.outcome).collect()
        };
        let refused = |code: &str, message: &str| ItemOutcome::Refused {
            code: Some(code.into()),
            message: message.into(),
        };

        // Itemised, as the sandbox answers.
        let o = outcome(1, vec![("alt_2", "ALERT_ALREADY_RESOLVED", "done")]);
        assert_eq!(
            outcomes(&o),
            [
                ItemOutcome::Landed,
                refused("ALERT_ALREADY_RESOLVED", "done"),
                ItemOutcome::Landed
            ]
        );
        // A code without a message, as Zenoo documents bulk resolve's errors.
        let o = outcome(1, vec![("alt_3", "NOT_FOUND", "")]);
        assert_eq!(outcomes(&o)[2], refused("NOT_FOUND", ""));

        // Counts only, as Zenoo documents bulk acknowledge: all failed, or none.
        let all = outcomes(&outcome(3, vec![]));
        assert!(
            all.iter().all(
                |o| matches!(o, ItemOutcome::Refused { code: None, message } if !message.is_empty())
            ),
            "{all:?}"
        );
        assert!(
            outcomes(&outcome(0, vec![]))
                .iter()
                .all(|o| *o == ItemOutcome::Landed)
        );
        // Some failed, not said which: neither landed nor refused can be claimed.
        let some = outcomes(&outcome(2, vec![("alt_1", "X", "m")]));
        assert_eq!(some[0], refused("X", "m"));
        assert!(
            some[1..]
                .iter()
                .all(|o| matches!(o, ItemOutcome::Unknown { .. })),
            "{some:?}"
        );
        let some = outcomes(&outcome(1, vec![]));
        assert!(
            some.iter()
                .all(|o| matches!(o, ItemOutcome::Unknown { .. })),
            "{some:?}"
        );
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
