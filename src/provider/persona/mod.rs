//! Persona's Cases API as a [`Provider`].
//!
//! Persona (withpersona.com) speaks JSON:API: `Authorization: Bearer <key>`, the API version
//! pinned with `Persona-Version`, kebab-case keys asked for with `Key-Inflection: kebab`, cursor
//! pages (`page[after]`, `links.next`), and `{"errors": [{title, details, source}]}` bodies with a
//! `Request-Id` header.
//!
//! What it offers a reviewer, and how docket maps it:
//! - the queue is `GET /cases` (one template's, when the profile names it), walked to the end;
//! - a case's detail is one `GET /cases/{id}?include=…`: its inquiries, verifications and
//!   reports are its checks, its accounts its entities, its case comments (read-only: Persona has
//!   no endpoint to add one) its comments;
//! - statuses are per template, so the profile says which exist, which end a case and which mean
//!   approve and decline; a decision is `POST /cases/{id}/set-status`, with the rationale first
//!   written to a template field (`PATCH /cases/{id}`) when the profile names one;
//! - assignment is by email (`POST /cases/{id}/assign`); there is no unassign;
//! - a case is opened with `POST /cases` from the case form (see [`create`]).
//!
//! Persona has no screening alerts as objects of their own (a watchlist report's matches are
//! shown as that report's check, result Refer), no risk assessment, no audit trail for cases,
//! no reviewers, no escalation and no `/me`.

pub mod create;
pub mod wire;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Map, Value, json};

use super::http::{self, Answer, Api, Call, Dialect, ErrorBody, Ids, Path, check_key};
use super::settings::PersonaSettings;
use super::{Connect, ProviderError};
use crate::domain::Decision;
use crate::domain::form::Form;
use crate::domain::model::{Case, Check, Comment, Entity, User};
use crate::domain::review::Submission;
use crate::provider::api::{Capabilities, Created, Provider, Vendor};
use wire::Document;

/// Headers that carry Persona's request id, in the order tried.
const REQUEST_ID: &[&str] = &["request-id", "x-request-id"];

/// What a case's detail view asks to have side-loaded.
const DETAIL_INCLUDE: &str = "case-comments,inquiries,reports,verifications,accounts";

/// Largest page Persona serves.
const PAGE_SIZE: u32 = 100;

/// A queue longer than this many pages is refused rather than walked for ever.
const MAX_PAGES: usize = 1000;

/// How long one case's detail document serves the panes that read it (checks, comments,
/// entities), so that opening a case costs one request, not one per pane.
const DETAIL_TTL: Duration = Duration::from_secs(5);

/// One case's detail document, as last fetched.
struct Cached {
    case: String,
    at: Instant,
    doc: Arc<Document>,
}

/// A connection to Persona's Cases API.
pub struct PersonaProvider {
    api: Api,
    settings: PersonaSettings,
    user: Option<String>,
    caps: Capabilities,
    /// Held while a detail document is fetched, so concurrent panes share one request.
    detail: tokio::sync::Mutex<Option<Cached>>,
}

impl fmt::Debug for PersonaProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonaProvider")
            .field("base", &self.api.base())
            .field("settings", &self.settings)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl PersonaProvider {
    /// A provider for the profile's base URL (e.g. `https://api.withpersona.com/api/v1`),
    /// checked against the transport rules before anything is sent.
    pub fn new(c: Connect) -> Result<Self, ProviderError> {
        let api = Api::builder(&c.transport, &c.base_url, &DIALECT)?.bearer(&c.key)?;
        let settings = c.persona;
        let version = HeaderValue::from_str(&settings.api_version)
            .ok()
            .filter(|_| !settings.api_version.is_empty())
            .ok_or_else(|| {
                ProviderError::Invalid(format!(
                    "persona.api_version {:?} is not a Persona-Version (a date such as 2025-12-08)",
                    settings.api_version
                ))
            })?;
        let api = api
            .header("persona-version", version)
            .header("key-inflection", HeaderValue::from_static("kebab"))
            .build()?;
        let mut caps = Capabilities::none(Vendor::Persona);
        caps.checks = true;
        caps.comments = true;
        caps.entities = true;
        caps.assign = true;
        caps.change_status = !settings.statuses.is_empty();
        caps.vendor_statuses = settings.statuses.clone();
        caps.close = true;
        caps.sla = true;
        caps.idempotency_keys = true;
        let mut provider = PersonaProvider {
            api,
            user: c.user.filter(|u| !u.trim().is_empty()),
            caps,
            detail: tokio::sync::Mutex::new(None),
            settings,
        };
        provider.caps.rationale_on_decision = provider.rationale_field().is_some();
        Ok(provider)
    }

    /// The template field that receives a decision's rationale, if the profile names one.
    fn rationale_field(&self) -> Option<&str> {
        self.settings
            .rationale_field
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
    }

    /// Sends one call and reads the JSON:API document it answers, or the API's error.
    async fn call(&self, call: Call<'_>) -> Result<Document, ProviderError> {
        let answer = call.send().await?;
        wire::document(&answer.body).map_err(|message| answer.unexpected(message))
    }

    /// A case's detail document: fresh, or the one fetched for it within [`DETAIL_TTL`].
    async fn detail(&self, case: &str, fresh: bool) -> Result<Arc<Document>, ProviderError> {
        let path = Path::of(&["cases", segment(case)?]);
        let mut slot = self.detail.lock().await;
        if !fresh
            && let Some(c) = slot.as_ref()
            && c.case == case
            && c.at.elapsed() < DETAIL_TTL
        {
            return Ok(c.doc.clone());
        }
        let doc = self
            .call(
                self.api
                    .get(&path)
                    .query(&[("include", DETAIL_INCLUDE.to_string())]),
            )
            .await?;
        if !doc.data.is_object() {
            return Err(ProviderError::Decode {
                endpoint: format!("GET {path}"),
                message: format!("expected a case in data, got {}", wire::kind(&doc.data)),
                request_id: None,
            });
        }
        let doc = Arc::new(doc);
        *slot = Some(Cached {
            case: case.to_string(),
            at: Instant::now(),
            doc: doc.clone(),
        });
        Ok(doc)
    }

    /// Forgets a cached detail document after a write to its case.
    async fn forget(&self, case: &str) {
        let mut slot = self.detail.lock().await;
        if slot.as_ref().is_some_and(|c| c.case == case) {
            *slot = None;
        }
    }

    /// One write whose answer is the case.
    async fn write(
        &self,
        method: Method,
        path: &Path,
        body: &Value,
        key: &str,
    ) -> Result<Case, ProviderError> {
        let call = self.api.call(method, path).idempotency_key(key)?.json(body);
        let endpoint = call.endpoint().to_string();
        let doc = self.call(call).await?;
        wire::case(&doc.data, &doc.included, &self.settings).map_err(|message| {
            ProviderError::Decode {
                endpoint,
                message,
                request_id: None,
            }
        })
    }

    async fn set_status(&self, case: &str, status: &str, key: &str) -> Result<Case, ProviderError> {
        let path = Path::of(&["cases", segment(case)?, "set-status"]);
        self.write(
            Method::POST,
            &path,
            &json!({ "meta": { "status": status } }),
            key,
        )
        .await
    }

    async fn close(
        &self,
        case: &str,
        decision: Decision,
        summary: &str,
        key: &str,
    ) -> Result<String, ProviderError> {
        let status = self.decision_status(decision)?;
        let id = segment(case)?;
        check_key(key)?;
        let field_key = format!("{key}-rationale");
        if let Some(field) = self.rationale_field()
            && !summary.trim().is_empty()
        {
            check_key(&field_key)?;
            let mut fields = Map::new();
            fields.insert(field.to_string(), json!(summary));
            let body = json!({ "data": { "attributes": { "fields": fields } } });
            self.write(Method::PATCH, &Path::of(&["cases", id]), &body, &field_key)
                .await?;
        }
        let c = self.set_status(id, status, key).await?;
        Ok(format!(
            "{} closed: {decision} (Persona status {status})",
            c.name
        ))
    }

    /// The status that records `decision`.
    fn decision_status(&self, decision: Decision) -> Result<&str, ProviderError> {
        let (status, setting) = match decision {
            Decision::Approve => (&self.settings.approve_status, "approve_status"),
            Decision::Decline => (&self.settings.decline_status, "decline_status"),
        };
        if status.trim().is_empty() {
            return Err(ProviderError::Invalid(format!(
                "the profile sets no persona.{setting}, so docket cannot tell which Persona \
                 status means {decision}"
            )));
        }
        Ok(status)
    }
}

/// What the Persona API cannot do, as the analyst reads it.
fn refusal(s: &Submission) -> ProviderError {
    let what = match s {
        Submission::Resolve { .. } => "resolve alerts",
        Submission::EscalateAlert { .. } => "escalate alerts",
        Submission::Acknowledge { .. } => "acknowledge alerts",
        Submission::Status { .. } => {
            "move a case through docket's own statuses; choose one of the case template's \
             statuses instead"
        }
        Submission::EscalateCase { .. } => "escalate cases",
        Submission::ApproveRisk { .. } | Submission::OverrideRisk { .. } => {
            "approve or override a risk assessment"
        }
        Submission::Comment { .. } => "add comments (case comments are read-only)",
        Submission::AddReviewer { .. } | Submission::DecideReview { .. } => {
            "request or give a second approval"
        }
        Submission::WaiveCheck { .. } => "waive checks",
        Submission::RecalculateRisk { .. } => "recalculate a risk assessment",
        _ => "do this",
    };
    ProviderError::Invalid(format!("Persona's API cannot {what}"))
}

#[async_trait]
impl Provider for PersonaProvider {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn describe(&self) -> String {
        http::without_scheme(self.api.base())
    }

    /// Persona cannot say who a key belongs to; the profile's `user` (an email) is the answer.
    async fn me(&self) -> Result<Option<User>, ProviderError> {
        Ok(self.user.as_ref().map(|email| User {
            id: email.clone(),
            name: email.clone(),
            email: Some(email.clone()),
            role: None,
            can_write: true,
        }))
    }

    /// Every case (of the profile's template), newest first, 100 a page, following
    /// `links.next` to the last page. Persona has no conditional requests: always `Some`.
    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        const ENDPOINT: &str = "GET /cases";
        let bad = |message: String| ProviderError::Decode {
            endpoint: ENDPOINT.into(),
            message,
            request_id: None,
        };
        let template = self
            .settings
            .template_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let mut cases = Vec::new();
        let mut after: Option<String> = None;
        let mut seen = HashSet::new();
        for _ in 0..MAX_PAGES {
            let mut q = vec![("page[size]", PAGE_SIZE.to_string())];
            if let Some(t) = template {
                q.push(("filter[case-template-id]", t.to_string()));
            }
            if let Some(a) = &after {
                q.push(("page[after]", a.clone()));
            }
            let doc = self
                .call(self.api.get(&Path::of(&["cases"])).query(&q))
                .await?;
            let items = match &doc.data {
                Value::Array(items) => items,
                other => {
                    return Err(bad(format!(
                        "expected a list of cases in data, got {}",
                        wire::kind(other)
                    )));
                }
            };
            for (i, item) in items.iter().enumerate() {
                let c = wire::case(item, &doc.included, &self.settings)
                    .map_err(|m| bad(format!("case {}: {m}", cases.len() + i + 1)))?;
                cases.push(c);
            }
            let next = match &doc.next {
                Some(next) if !items.is_empty() => next,
                _ => return Ok(Some(cases)),
            };
            let cursor = wire::cursor(next)
                .ok_or_else(|| bad(format!("links.next {next:?} carries no page[after]")))?;
            if !seen.insert(cursor.clone()) {
                return Err(bad(format!(
                    "links.next hands back page[after]={cursor} a second time"
                )));
            }
            after = Some(cursor);
        }
        Err(bad(format!(
            "the queue is longer than {MAX_PAGES} pages of {PAGE_SIZE}; narrow it with \
             persona.template_id"
        )))
    }

    async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        let doc = self.detail(token, true).await?;
        wire::case(&doc.data, &doc.included, &self.settings).map_err(|message| {
            ProviderError::Decode {
                endpoint: format!("GET /cases/{token}"),
                message,
                request_id: None,
            }
        })
    }

    async fn entities(&self, case: &str) -> Result<Vec<Entity>, ProviderError> {
        Ok(wire::entities(&self.detail(case, false).await?.included))
    }

    async fn checks(&self, case: &str) -> Result<Vec<Check>, ProviderError> {
        Ok(wire::checks(&self.detail(case, false).await?.included))
    }

    async fn comments(&self, case: &str) -> Result<Vec<Comment>, ProviderError> {
        Ok(wire::comments(&self.detail(case, false).await?.included))
    }

    async fn submit(&self, s: &Submission, idempotency_key: &str) -> Result<String, ProviderError> {
        let key = idempotency_key;
        let (case, result) = match s {
            Submission::Close {
                case,
                decision,
                summary,
            } => (case, self.close(case, *decision, summary, key).await),
            Submission::SetStatus { case, status } => {
                if !self.settings.statuses.iter().any(|x| x == status) {
                    return Err(ProviderError::Invalid(format!(
                        "{status:?} is not one of the Persona statuses this profile lists ({})",
                        self.settings.statuses.join(", ")
                    )));
                }
                let r = self.set_status(case, status, key).await;
                (case, r.map(|c| format!("{} is now {status}", c.name)))
            }
            Submission::Assign {
                case,
                user: Some(email),
            } => {
                let email = email.trim();
                if email.is_empty() || !email.contains('@') {
                    return Err(ProviderError::Invalid(format!(
                        "Persona assigns cases by email address, and {email:?} is not one"
                    )));
                }
                let path = Path::of(&["cases", segment(case)?, "assign"]);
                let body = json!({ "meta": { "user-email-address": email } });
                let r = self.write(Method::POST, &path, &body, key).await;
                (case, r.map(|c| format!("{} assigned to {email}", c.name)))
            }
            Submission::Assign { user: None, .. } => {
                return Err(ProviderError::Invalid(
                    "Persona has no unassign: a case can only be assigned to someone else".into(),
                ));
            }
            creation if creation.is_creation() => {
                return self.create_case(creation, key).await.map(|c| c.describe());
            }
            other => return Err(refusal(other)),
        };
        // Whatever happened, the case may have changed.
        self.forget(case).await;
        result
    }

    /// The case form, its template picker filled from the profile (see [`create`]).
    async fn case_form(&self) -> Result<Option<Form>, ProviderError> {
        self.case_form_now().await.map(Some)
    }

    /// `POST /cases`; adding an entity is refused: Persona has no entity to add to a case.
    async fn create(&self, s: &Submission, key: &str) -> Result<Created, ProviderError> {
        self.create_case(s, key).await
    }

    async fn already_applied(&self, s: &Submission) -> Option<String> {
        match s {
            Submission::Close {
                case,
                decision,
                summary,
            } => {
                let target = self.decision_status(*decision).ok()?;
                let doc = self.detail(case, true).await.ok()?;
                let now = wire::case_status(&doc.data)?;
                let rationale_landed = match self.rationale_field() {
                    Some(field) if !summary.trim().is_empty() => {
                        wire::case_field(&doc.data, field).as_deref() == Some(summary.as_str())
                    }
                    _ => true,
                };
                (now == target && rationale_landed)
                    .then(|| format!("{} closed: {decision}", name_of(&doc.data, case)))
            }
            Submission::SetStatus { case, status } => {
                let doc = self.detail(case, true).await.ok()?;
                (wire::case_status(&doc.data).as_deref() == Some(status.as_str()))
                    .then(|| format!("{} is now {status}", name_of(&doc.data, case)))
            }
            Submission::Assign {
                case,
                user: Some(email),
            } => {
                let doc = self.detail(case, true).await.ok()?;
                wire::assignee(&doc.data)
                    .is_some_and(|a| a.trim().eq_ignore_ascii_case(email.trim()))
                    .then(|| format!("{} assigned to {email}", name_of(&doc.data, case)))
            }
            _ => None,
        }
    }
}

fn name_of(res: &Value, fallback: &str) -> String {
    wire::text(wire::attributes(res), "name").unwrap_or_else(|| fallback.to_string())
}

/// Persona's request ids, the statuses it names, and its `{"errors": [...]}` bodies.
static DIALECT: Dialect = Dialect {
    vendor: "Persona",
    request_id_headers: REQUEST_ID,
    named_statuses: &[400, 401, 403, 404, 409, 422, 429],
    error_body,
};

/// The message Persona's errors JSON gives (none when the body is not that, a proxy's HTML
/// page, say); on a 429 without `Retry-After`, `RateLimit-Reset` (seconds until the window
/// resets).
fn error_body(answer: &Answer) -> ErrorBody {
    ErrorBody {
        message: wire::error_message(&answer.body),
        retry_after: (answer.status.as_u16() == 429)
            .then(|| http::header(&answer.headers, &["ratelimit-reset"]))
            .flatten()
            .and_then(|v| v.trim().parse().ok()),
        ..ErrorBody::default()
    }
}

/// An id safe to put in a path: Persona ids are a prefix, `_` and letters and digits.
fn segment(id: &str) -> Result<&str, ProviderError> {
    http::segment(id, Ids::Tokens, "a Persona id")
}
