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
//! - assignment is by email (`POST /cases/{id}/assign`); there is no unassign.
//!
//! Persona has no screening alerts as objects of their own (a watchlist report's matches are
//! shown as that report's check, result Refer), no risk assessment, no audit trail for cases,
//! no reviewers, no escalation and no `/me`.

pub mod wire;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::{Map, Value, json};

use super::http::{self, Answer};
use super::settings::PersonaSettings;
use super::{Connect, ProviderError};
use crate::domain::Decision;
use crate::domain::model::{Case, Check, Comment, Entity, User};
use crate::domain::review::Submission;
use crate::provider::api::{Capabilities, Provider, Vendor};
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

/// Longest `Idempotency-Key` sent.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// One case's detail document, as last fetched.
struct Cached {
    case: String,
    at: Instant,
    doc: Arc<Document>,
}

/// A connection to Persona's Cases API.
pub struct PersonaProvider {
    http: reqwest::Client,
    base: String,
    /// `Bearer <key>`, marked sensitive.
    auth: HeaderValue,
    settings: PersonaSettings,
    user: Option<String>,
    caps: Capabilities,
    /// Held while a detail document is fetched, so concurrent panes share one request.
    detail: tokio::sync::Mutex<Option<Cached>>,
}

impl fmt::Debug for PersonaProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonaProvider")
            .field("base", &self.base)
            .field("settings", &self.settings)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl PersonaProvider {
    /// A provider for the profile's base URL (e.g. `https://api.withpersona.com/api/v1`),
    /// checked against the transport rules before anything is sent.
    pub fn new(c: Connect) -> Result<Self, ProviderError> {
        c.transport.check_url(&c.base_url)?;
        let base = c.base_url.trim_end_matches('/').to_string();
        let http = c.transport.client()?;
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", c.key.expose())).map_err(|_| {
                ProviderError::Invalid(
                    "the Persona API key has characters that cannot be sent in a header".into(),
                )
            })?;
        auth.set_sensitive(true);
        let settings = c.persona;
        if HeaderValue::from_str(&settings.api_version).is_err() || settings.api_version.is_empty()
        {
            return Err(ProviderError::Invalid(format!(
                "persona.api_version {:?} is not a Persona-Version (a date such as 2025-12-08)",
                settings.api_version
            )));
        }
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
            http,
            base,
            auth,
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

    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Result<Answer, ProviderError> {
        let endpoint = format!("{method} {path}");
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, self.auth.clone())
            .header("Persona-Version", &self.settings.api_version)
            .header("Key-Inflection", "kebab")
            .header(ACCEPT, "application/json");
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(k) = idempotency_key {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        http::send(&endpoint, req, REQUEST_ID).await
    }

    /// Sends one request and reads the JSON:API document it answers, or the API's error.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Result<Document, ProviderError> {
        let endpoint = format!("{method} {path}");
        let answer = self
            .send(method, path, query, body, idempotency_key)
            .await?;
        if !answer.status.is_success() {
            return Err(error(&answer));
        }
        wire::document(&answer.body).map_err(|message| ProviderError::Decode {
            endpoint,
            message,
            request_id: http::header(&answer.headers, REQUEST_ID),
        })
    }

    /// A case's detail document: fresh, or the one fetched for it within [`DETAIL_TTL`].
    async fn detail(&self, case: &str, fresh: bool) -> Result<Arc<Document>, ProviderError> {
        let path = format!("/cases/{}", segment(case)?);
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
                Method::GET,
                &path,
                &[("include", DETAIL_INCLUDE.to_string())],
                None,
                None,
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
        path: &str,
        body: &Value,
        key: &str,
    ) -> Result<Case, ProviderError> {
        check_key(key)?;
        let endpoint = format!("{method} {path}");
        let doc = self.call(method, path, &[], Some(body), Some(key)).await?;
        wire::case(&doc.data, &doc.included, &self.settings).map_err(|message| {
            ProviderError::Decode {
                endpoint,
                message,
                request_id: None,
            }
        })
    }

    async fn set_status(&self, case: &str, status: &str, key: &str) -> Result<Case, ProviderError> {
        let path = format!("/cases/{}/set-status", segment(case)?);
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
            self.write(Method::PATCH, &format!("/cases/{id}"), &body, &field_key)
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
        crate::provider::http::without_scheme(&self.base)
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
            let doc = self.call(Method::GET, "/cases", &q, None, None).await?;
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
                let path = format!("/cases/{}/assign", segment(case)?);
                let body = json!({ "meta": { "user-email-address": email } });
                let r = self.write(Method::POST, &path, &body, key).await;
                (case, r.map(|c| format!("{} assigned to {email}", c.name)))
            }
            Submission::Assign { user: None, .. } => {
                return Err(ProviderError::Invalid(
                    "Persona has no unassign: a case can only be assigned to someone else".into(),
                ));
            }
            other => return Err(refusal(other)),
        };
        // Whatever happened, the case may have changed.
        self.forget(case).await;
        result
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

/// An error answer as the API described it, or a plain description when the body is not
/// Persona's errors JSON (a proxy's HTML page, say).
fn error(answer: &Answer) -> ProviderError {
    let status = answer.status.as_u16();
    let code = match status {
        400 => "BAD_REQUEST".to_string(),
        401 => "UNAUTHORIZED".to_string(),
        403 => "FORBIDDEN".to_string(),
        404 => "NOT_FOUND".to_string(),
        409 => "CONFLICT".to_string(),
        422 => "VALIDATION_ERROR".to_string(),
        429 => "RATE_LIMITED".to_string(),
        n => format!("HTTP_{n}"),
    };
    ProviderError::Api {
        status,
        code,
        message: wire::error_message(&answer.body).unwrap_or_else(|| http::plain_message(answer)),
        request_id: http::header(&answer.headers, REQUEST_ID),
        retry_after: retry_after(status, &answer.headers),
    }
}

/// `Retry-After`; on a 429 without one, `RateLimit-Reset` (seconds until the window resets).
fn retry_after(status: u16, headers: &HeaderMap) -> Option<u64> {
    http::retry_after(headers).or_else(|| {
        (status == 429)
            .then(|| http::header(headers, &["ratelimit-reset"]))
            .flatten()
            .and_then(|v| v.trim().parse().ok())
    })
}

/// An id safe to put in a path: Persona ids are a prefix, `_` and letters and digits.
fn segment(id: &str) -> Result<&str, ProviderError> {
    if !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(id)
    } else {
        Err(ProviderError::Invalid(format!(
            "{id:?} is not a Persona id"
        )))
    }
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
