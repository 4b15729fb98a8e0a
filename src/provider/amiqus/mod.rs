//! Amiqus ID (API v2) as a [`Provider`].
//!
//! An Amiqus case is one reason to verify a client (onboarding, renewal…). Its evidence is the
//! records (requests) attached to it as case items, each a set of steps; a step of type
//! `check.*` carries a check. The console's "alerts" are the steps whose check needs a person's
//! decision (status `refer`, `rejected` or `failed`, or a response whose result is `consider`),
//! resolved with a step review (`approved` / `rejected` with a message); closing the case is a
//! case review (`approved` / `rejected`, which cannot carry a rationale), and so is changing its
//! status (`awaiting_response`, `action_required`, `reviewed_pending_decision`, `on_hold`).
//!
//! Auth is `Authorization: Bearer <personal access token>`. Lists are `paginated_list` pages,
//! walked 100 at a time by page number. Amiqus has neither ETags nor idempotency keys: every
//! queue poll is a full read, and a retried write first looks whether it already landed.
//!
//! A case is opened from the case form in up to four calls (client, case, request, link), each
//! skipped when what it makes is already there (see [`create`]).

pub mod create;
pub mod review;
pub mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::ProviderError;
use super::http::{self, Answer, Api, Dialect, ErrorBody, Ids, Path};
use super::settings::Connect;
use crate::domain::ResolutionAction;
use crate::domain::form::Form;
use crate::domain::model::{Alert, AuditEntry, Case, Check, Entity, User};
use crate::domain::review::Submission;
use crate::provider::api::{Capabilities, Created, Provider, Vendor};
use wire::StepEvidence;

/// Headers that may carry a request id. Amiqus documents none; these are the usual ones a
/// gateway in front of it would add.
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "request-id", "x-amzn-requestid"];

/// Items per page (Amiqus's maximum).
const PAGE_LIMIT: &str = "100";

/// Pages walked at most for one list: 100,000 items, far beyond a real queue, and a stop should
/// a server keep saying there is more.
const MAX_PAGES: u32 = 1000;

/// What the queue expands: the client for the subject's name, assignees for "assigned to".
const QUEUE_EXPAND: &str = "client,assignees";

/// An Amiqus ID API (`https://id.amiqus.co/api/v2`).
#[derive(Debug)]
pub struct AmiqusProvider {
    api: Api,
    caps: Capabilities,
    queue_statuses: Vec<String>,
    /// Step reviews that landed, by the idempotency key of the submission that sent them: a
    /// batch that failed half-way and is retried skips the reviews it already posted.
    landed: Mutex<HashMap<String, HashSet<String>>>,
}

/// A JSON answer and the request id it came with.
struct Json {
    value: Value,
    request_id: Option<String>,
}

impl AmiqusProvider {
    /// Opens a connection: checks the URL against the transport rules, builds the client.
    /// Nothing is sent.
    pub fn new(c: Connect) -> Result<Self, ProviderError> {
        let api = Api::builder(&c.transport, &c.base_url, &DIALECT)?
            .bearer(&c.key)?
            .build()?;
        let mut caps = Capabilities::none(Vendor::Amiqus);
        caps.alerts = true;
        caps.resolve_alerts = true;
        caps.resolution_actions = vec![ResolutionAction::Approve, ResolutionAction::Decline];
        caps.entities = true;
        caps.checks = true;
        caps.timeline = true;
        caps.close = true;
        // A case review sets any case status, not only a decision.
        caps.change_status = true;
        caps.vendor_statuses = wire::CHANGE_STATUSES.map(String::from).to_vec();
        Ok(AmiqusProvider {
            api,
            caps,
            queue_statuses: c
                .amiqus
                .queue_statuses
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            landed: Mutex::new(HashMap::new()),
        })
    }

    /// A GET whose answer must be JSON.
    async fn get(&self, path: &Path, query: &[(&str, String)]) -> Result<Json, ProviderError> {
        let answer = self.api.get(path).query(query).send().await?;
        Ok(Json {
            value: answer.json()?,
            request_id: answer.request_id,
        })
    }

    /// A POST of a JSON body. The answer's body is returned when it is JSON, `null` otherwise:
    /// once Amiqus said 2xx the write landed, and a body we cannot read must not turn that into
    /// a failure (which the outbox would retry).
    async fn post(&self, path: &Path, body: &Value) -> Result<Value, ProviderError> {
        let answer = self.api.call(Method::POST, path).json(body).send().await?;
        Ok(serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
    }

    /// Every item of a paginated list, 100 a page, walking pages to the end.
    async fn get_all(
        &self,
        path: &Path,
        query: &[(&str, String)],
    ) -> Result<Vec<Value>, ProviderError> {
        let mut out = Vec::new();
        let mut page: u32 = 1;
        loop {
            let mut q = query.to_vec();
            q.push(("limit", PAGE_LIMIT.to_string()));
            q.push(("page", page.to_string()));
            let got = self.get(path, &q).await?;
            let p = wire::paginated(got.value).map_err(|m| ProviderError::Decode {
                endpoint: format!("GET {path}"),
                message: m,
                request_id: got.request_id,
            })?;
            out.extend(p.items);
            if !p.more || page >= MAX_PAGES {
                break;
            }
            page += 1;
        }
        Ok(out)
    }

    /// A case as Amiqus sends it, with `expand`.
    async fn case_json(&self, id: &str, expand: &str) -> Result<Json, ProviderError> {
        self.get(&Path::of(&["cases", id]), &[("expand", expand.to_string())])
            .await
    }

    /// Every step of every record on a case, with each step's check expanded and, where the
    /// check has a response, the response fetched (`GET /checks/{id}?expand=response`).
    async fn evidence(&self, case: &str) -> Result<Vec<StepEvidence>, ProviderError> {
        let case_id = numeric(case, "case")?;
        let items = self
            .get_all(
                &Path::of(&["cases", case_id, "items"]),
                &[("expand", "entity".into())],
            )
            .await?;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for item in &items {
            let entity = item.get("entity").unwrap_or(&Value::Null);
            let is_record = wire::text(entity, "type").as_deref() == Some("record")
                || wire::text(entity, "object").as_deref() == Some("record");
            let Some(record_id) = wire::id(entity).filter(|_| is_record) else {
                continue;
            };
            if !seen.insert(record_id.clone()) {
                continue;
            }
            let record_id = numeric(&record_id, "record")?.to_string();
            let record = if entity.get("object").is_some() {
                entity.clone()
            } else {
                Value::Object(Default::default())
            };
            let steps = self
                .get_all(
                    &Path::of(&["records", &record_id, "steps"]),
                    &[("expand", "check,review".into())],
                )
                .await?;
            for step in steps {
                let check = match step.get("check") {
                    Some(c @ Value::Object(_)) => self.with_response(c.clone()).await?,
                    _ => Value::Null,
                };
                out.push(StepEvidence {
                    case_id: case_id.to_string(),
                    record_id: record_id.clone(),
                    record: record.clone(),
                    step,
                    check,
                });
            }
        }
        Ok(out)
    }

    /// The check with its response expanded, when Amiqus says one is available
    /// (`response: true`). Responses are in beta: a refusal other than a transient one leaves
    /// the check as it was rather than failing the case.
    async fn with_response(&self, check: Value) -> Result<Value, ProviderError> {
        if check.get("response") != Some(&Value::Bool(true)) {
            return Ok(check);
        }
        let Some(check_id) = wire::id(&check) else {
            return Ok(check);
        };
        let check_id = numeric(&check_id, "check")?;
        match self
            .get(
                &Path::of(&["checks", check_id]),
                &[("expand", "response".into())],
            )
            .await
        {
            Ok(got) if got.value.get("response").is_some_and(Value::is_object) => {
                let mut check = check;
                if let (Some(obj), Some(r)) = (check.as_object_mut(), got.value.get("response")) {
                    obj.insert("response".into(), r.clone());
                }
                Ok(check)
            }
            Ok(_) => Ok(check),
            Err(e) if e.is_transient() => Err(e),
            Err(e) => {
                tracing::debug!(check = check_id, error = %e, "amiqus: check response unavailable");
                Ok(check)
            }
        }
    }

    /// The latest review of a record step, newest first (`sort_by=created_at&order_by=desc`).
    async fn latest_step_review(
        &self,
        record: &str,
        step: &str,
    ) -> Result<Option<Value>, ProviderError> {
        let path = Path::of(&["records", record, "steps", step, "reviews"]);
        let got = self
            .get(
                &path,
                &[
                    ("sort_by", "created_at".into()),
                    ("order_by", "desc".into()),
                    ("limit", "1".into()),
                    ("page", "1".into()),
                ],
            )
            .await?;
        let p = wire::paginated(got.value).map_err(|m| ProviderError::Decode {
            endpoint: format!("GET {path}"),
            message: m,
            request_id: got.request_id,
        })?;
        Ok(p.items.into_iter().next())
    }

    /// Step tokens that already landed for this idempotency key.
    fn landed_for(&self, key: &str) -> HashSet<String> {
        let map = self.landed.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).cloned().unwrap_or_default()
    }

    fn mark_landed(&self, key: &str, token: &str) {
        if key.is_empty() {
            return;
        }
        let mut map = self.landed.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_string())
            .or_default()
            .insert(token.to_string());
    }

    fn forget_landed(&self, key: &str) {
        let mut map = self.landed.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}

/// An id safe to put in a path: Amiqus ids are integers.
fn numeric<'a>(token: &'a str, what: &str) -> Result<&'a str, ProviderError> {
    http::segment(token, Ids::Integers, format_args!("an Amiqus ID {what} id"))
}

/// Seconds until `X-RateLimit-Reset` (epoch seconds), for a 429 without `Retry-After`.
fn until_reset(headers: &HeaderMap) -> Option<u64> {
    let reset: i64 = http::header(headers, &["x-ratelimit-reset"])?
        .trim()
        .parse()
        .ok()?;
    let now = jiff::Timestamp::now().as_second();
    u64::try_from(reset - now).ok().map(|s| s.max(1))
}

/// Amiqus's request ids, the statuses it names, and its error bodies.
static DIALECT: Dialect = Dialect {
    vendor: "Amiqus ID",
    request_id_headers: REQUEST_ID_HEADERS,
    named_statuses: &[401, 403, 404, 422, 429],
    error_body,
};

/// The message from any of Amiqus's error shapes (or a plain description of a body that is not
/// JSON); on a 429, the rate limit, and the wait until `X-RateLimit-Reset` should there be no
/// `Retry-After`.
fn error_body(answer: &Answer) -> ErrorBody {
    let body: Option<Value> = serde_json::from_slice(&answer.body).ok();
    let mut message = body
        .as_ref()
        .and_then(wire::error_message)
        .unwrap_or_else(|| http::plain_message(answer));
    let mut retry_after = None;
    if answer.status == StatusCode::TOO_MANY_REQUESTS {
        retry_after = until_reset(&answer.headers);
        if let Some(limit) = http::header(&answer.headers, &["x-ratelimit-limit"]) {
            message.push_str(&format!(" (rate limit {})", limit.trim()));
        }
    }
    ErrorBody {
        message: Some(message),
        retry_after,
        ..ErrorBody::default()
    }
}

#[async_trait]
impl Provider for AmiqusProvider {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn describe(&self) -> String {
        http::without_scheme(self.api.base())
    }

    /// `GET /me`: the user the token was issued for.
    async fn me(&self) -> Result<Option<User>, ProviderError> {
        let got = self.get(&Path::of(&["me"]), &[]).await?;
        wire::user(&got.value)
            .map(Some)
            .map_err(|m| ProviderError::Decode {
                endpoint: "GET /me".into(),
                message: m,
                request_id: got.request_id,
            })
    }

    /// `GET /team/members`, every page.
    async fn users(&self) -> Result<Option<Vec<User>>, ProviderError> {
        let items = self.get_all(&Path::of(&["team", "members"]), &[]).await?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| wire::team_member(v).map_err(|m| format!("item {i}: {m}")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(|m| ProviderError::Decode {
                endpoint: "GET /team/members".into(),
                message: m,
                request_id: None,
            })
    }

    /// The cases in the configured statuses, most recently updated first, every page. Amiqus
    /// has no conditional requests, so this is always a fresh list.
    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if !self.queue_statuses.is_empty() {
            q.push(("status", self.queue_statuses.join(",")));
        }
        q.push(("expand", QUEUE_EXPAND.into()));
        q.push(("sort_by", "updated_at".into()));
        q.push(("order_by", "desc".into()));
        let items = self.get_all(&Path::of(&["cases"]), &q).await?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| wire::case(v).map_err(|m| format!("item {i}: {m}")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(|m| ProviderError::Decode {
                endpoint: "GET /cases".into(),
                message: m,
                request_id: None,
            })
    }

    async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        let id = numeric(token, "case")?;
        let got = self.case_json(id, "client,items,assignees").await?;
        wire::case(&got.value).map_err(|m| ProviderError::Decode {
            endpoint: format!("GET /cases/{id}"),
            message: m,
            request_id: got.request_id,
        })
    }

    async fn alerts(&self, case: &str) -> Result<Vec<Alert>, ProviderError> {
        Ok(self
            .evidence(case)
            .await?
            .iter()
            .filter_map(wire::alert)
            .collect())
    }

    /// The case's client, the one subject of an Amiqus case.
    async fn entities(&self, case: &str) -> Result<Vec<Entity>, ProviderError> {
        let id = numeric(case, "case")?;
        let got = self.case_json(id, "client").await?;
        Ok(wire::client_entity(&got.value).into_iter().collect())
    }

    async fn checks(&self, case: &str) -> Result<Vec<Check>, ProviderError> {
        Ok(self
            .evidence(case)
            .await?
            .iter()
            .filter_map(wire::check)
            .collect())
    }

    /// The case's reviews (status changes made by team members), oldest first.
    async fn timeline(&self, case: &str) -> Result<Vec<AuditEntry>, ProviderError> {
        let id = numeric(case, "case")?;
        let path = Path::of(&["cases", id, "reviews"]);
        let items = self
            .get_all(&path, &[("expand", "reviewed_by".into())])
            .await?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| wire::case_review(id, v).map_err(|m| format!("item {i}: {m}")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| ProviderError::Decode {
                endpoint: format!("GET {path}"),
                message: m,
                request_id: None,
            })
    }

    async fn submit(&self, s: &Submission, idempotency_key: &str) -> Result<String, ProviderError> {
        review::submit(self, s, idempotency_key).await
    }

    async fn already_applied(&self, s: &Submission) -> Option<String> {
        review::already_applied(self, s).await
    }

    /// The case form, offering the step types `GET /steps` lists that docket can send.
    async fn case_form(&self) -> Result<Option<Form>, ProviderError> {
        self.case_form_now().await.map(Some)
    }

    /// Client, case, request and link, each found before it is made again (see [`create`]).
    async fn create(&self, s: &Submission, key: &str) -> Result<Created, ProviderError> {
        self.create_case(s, key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ApiKey;

    #[test]
    fn only_integer_ids_go_into_paths() {
        assert_eq!(numeric("8723", "case").unwrap(), "8723");
        for bad in ["", "87a", "../me", "1/2", "123456789012345678901", " 1"] {
            assert!(numeric(bad, "case").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_key_is_never_shown() {
        let c = Connect::new(
            Vendor::Amiqus,
            "https://id.amiqus.co/api/v2/",
            ApiKey::new("aq_secret_token"),
        );
        let p = AmiqusProvider::new(c).unwrap();
        assert!(!format!("{p:?}").contains("aq_secret_token"));
        assert_eq!(p.describe(), "id.amiqus.co/api/v2");
        let e = AmiqusProvider::new(Connect::new(
            Vendor::Amiqus,
            "http://id.amiqus.co/api/v2",
            ApiKey::new("aq_secret_token"),
        ))
        .unwrap_err();
        assert!(!e.to_string().contains("aq_secret_token"));
    }
}
