//! KarmaCheck's background-check API as a [`Provider`].
//!
//! A case is one background check on one candidate; its "case data" (one record per ordered
//! service) are the checks, and those KarmaCheck flags (`consider`, `not_found`, `error`) are
//! shown as read-only alerts. The review verbs are the two adjudications: place (approve) and
//! start pre-adverse action (decline, with a reason KarmaCheck sends to the candidate).
//!
//! Authentication is a token exchange: the API key and the group's client access token are
//! posted to `POST /auth/api` for a bearer token, exchanged on first use and kept. Tokens do not
//! expire but can be revoked, so a 401 or 403 on a later call exchanges once more and retries
//! that call once. None of the three secrets is logged, put in an error, or shown by `Debug`.
//!
//! Cases are opened with `POST /case/create` from the case form (see [`create`]).

pub mod create;
pub mod wire;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::http::{self, Answer, Api, Call, Dialect, ErrorBody, Ids, Path};
use super::{ApiKey, Connect, ProviderError};
use crate::domain::Decision;
use crate::domain::form::Form;
use crate::domain::model::{Alert, Case, Check, Entity};
use crate::domain::review::Submission;
use crate::provider::api::{Capabilities, Created, Irreversible, Provider, Vendor};
use wire::{CaseData, CaseSummary};

/// Headers that may carry a request id (KarmaCheck documents none; a gateway may add one).
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "x-amzn-requestid"];

/// How long one case's data is reused: the console asks for a case's checks and alerts at the
/// same moment, and both are read from the same five requests.
const DATA_TTL: Duration = Duration::from_secs(2);

/// A case's data as last read.
struct DataCache {
    case: String,
    at: Instant,
    data: Arc<Vec<CaseData>>,
}

/// A connection to KarmaCheck's API for one group (one client access token).
pub struct KarmaCheckProvider {
    api: Api,
    key: ApiKey,
    client_token: ApiKey,
    include_archived: bool,
    caps: Capabilities,
    /// The bearer token from `POST /auth/api`, once exchanged.
    bearer: tokio::sync::Mutex<Option<ApiKey>>,
    data: tokio::sync::Mutex<Option<DataCache>>,
}

impl fmt::Debug for KarmaCheckProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KarmaCheckProvider")
            .field("base", &self.api.base())
            .field("include_archived", &self.include_archived)
            .finish_non_exhaustive()
    }
}

impl KarmaCheckProvider {
    /// A provider for `c.base_url` (e.g. `https://api-stage.karmacheck.io`). Needs the API key
    /// and, in `secondary_key`, the group's client access token. Nothing is sent until the first
    /// call.
    pub fn new(c: Connect) -> Result<Self, ProviderError> {
        if c.key.expose().trim().is_empty() {
            return Err(ProviderError::Invalid(
                "KarmaCheck needs an API key (apiKey) to exchange for a token".into(),
            ));
        }
        let client_token = c
            .secondary_key
            .filter(|k| !k.expose().trim().is_empty())
            .ok_or_else(|| {
                ProviderError::Invalid(
                    "KarmaCheck needs the group's client access token as well as the API key: \
                     set it in the environment variable named by client_token_env (default \
                     DOCKET_KARMACHECK_CLIENT_TOKEN) or give a client_token_cmd in the profile's \
                     [karmacheck] settings"
                        .into(),
                )
            })?;
        // No key on the client: the bearer token changes, and goes with each call.
        let api = Api::builder(&c.transport, &c.base_url, &DIALECT)?.build()?;
        Ok(KarmaCheckProvider {
            api,
            key: c.key,
            client_token,
            include_archived: c.karmacheck.include_archived,
            caps: Capabilities {
                alerts: true,
                checks: true,
                entities: true,
                close: true,
                decision_note: Some(
                    "Approve places the case; KarmaCheck has no field for the summary, so it \
                     stays in docket's local audit log. Decline starts pre-adverse action, which \
                     cannot be undone: KarmaCheck emails the candidate a pre-adverse notice with \
                     the summary, word for word, as the reason."
                        .into(),
                ),
                irreversible: vec![Irreversible {
                    decision: Decision::Decline,
                    effect: "starts pre-adverse action: KarmaCheck emails the candidate a \
                             pre-adverse notice"
                        .into(),
                    summary_sent_to: Some("the candidate".into()),
                }],
                ..Capabilities::none(Vendor::KarmaCheck)
            },
            bearer: tokio::sync::Mutex::new(None),
            data: tokio::sync::Mutex::new(None),
        })
    }

    /// Exchanges the API key and the client access token for a bearer token.
    async fn exchange(&self) -> Result<ApiKey, ProviderError> {
        let body = json!({
            "apiKey": self.key.expose(),
            "clientAccessToken": self.client_token.expose(),
        });
        let answer = self
            .api
            .call(Method::POST, &Path::of(&["auth", "api"]))
            .json(&body)
            .send()
            .await?;
        // Never quote this body in an error: it carries the token.
        let v: Value = serde_json::from_slice(&answer.body).map_err(|_| {
            answer.unexpected("not the {id, username, token, groupProfileId} JSON expected".into())
        })?;
        let token = wire::auth_token(&v).map_err(|message| answer.unexpected(message))?;
        tracing::debug!("KarmaCheck: exchanged the API key for a bearer token");
        Ok(ApiKey::new(token))
    }

    /// The bearer token, exchanged on first use; `true` when this call exchanged it.
    async fn bearer(&self) -> Result<(ApiKey, bool), ProviderError> {
        let mut slot = self.bearer.lock().await;
        if let Some(t) = slot.as_ref() {
            return Ok((t.clone(), false));
        }
        let t = self.exchange().await?;
        *slot = Some(t.clone());
        Ok((t, true))
    }

    /// A new bearer token after `stale` was refused, unless another call already got one.
    async fn renew(&self, stale: &ApiKey) -> Result<ApiKey, ProviderError> {
        let mut slot = self.bearer.lock().await;
        if let Some(t) = slot.as_ref()
            && t.expose() != stale.expose()
        {
            return Ok(t.clone());
        }
        *slot = None;
        let t = self.exchange().await?;
        *slot = Some(t.clone());
        Ok(t)
    }

    /// A call with `token`, and `body` when there is one.
    fn request(
        &self,
        method: &Method,
        path: &Path,
        body: Option<&Value>,
        token: &ApiKey,
    ) -> Call<'_> {
        let call = self.api.call(method.clone(), path).bearer(token);
        match body {
            Some(b) => call.json(b),
            None => call,
        }
    }

    /// One authenticated call. A 401 or 403 with a token exchanged earlier (it may have been
    /// revoked) exchanges once more and sends the call once more.
    async fn call(
        &self,
        method: Method,
        path: &Path,
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        let (token, fresh) = self.bearer().await?;
        let answer = self.request(&method, path, body, &token).answer().await?;
        if !fresh
            && matches!(
                answer.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            )
        {
            let token = self.renew(&token).await?;
            return self.request(&method, path, body, &token).answer().await;
        }
        Ok(answer)
    }

    /// A GET's JSON, or the API's error.
    async fn get_json(&self, path: &Path) -> Result<Value, ProviderError> {
        let answer = self.call(Method::GET, path, None).await?;
        self.api.check(answer)?.json()
    }

    /// One case's summary (`GET /case/id/{caseId}` answers `{cases: [one]}`).
    async fn summary(&self, id: &str) -> Result<CaseSummary, ProviderError> {
        let id = segment(id)?;
        let path = Path::of(&["case", "id", id]);
        let v = self.get_json(&path).await?;
        let endpoint = format!("GET {path}");
        let list = wire::cases(&v).map_err(|m| decode_error(&endpoint, m))?;
        let only = list.len() == 1;
        list.into_iter()
            .find(|c| only || c.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| {
                decode_error(
                    &endpoint,
                    "the answer does not list the case asked for".into(),
                )
            })
    }

    /// One service type's data; a type the case has none of (404, no body, no `data`) is empty.
    async fn data_of_type(&self, id: &str, ty: &str) -> Result<Vec<CaseData>, ProviderError> {
        let path = Path::of(&["case", "id", id, "data", ty]);
        let answer = self.call(Method::GET, &path, None).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(vec![]);
        }
        let answer = self.api.check(answer)?;
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(vec![]);
        }
        let v = answer.json()?;
        wire::data_list(&v).map_err(|m| decode_error(&answer.endpoint, m))
    }

    /// Every case data record of a case, all service types read at once; reused for
    /// [`DATA_TTL`] so checks and alerts share one read.
    async fn case_data(&self, id: &str) -> Result<Arc<Vec<CaseData>>, ProviderError> {
        let id = segment(id)?;
        let mut slot = self.data.lock().await;
        if let Some(c) = slot.as_ref()
            && c.case == id
            && c.at.elapsed() < DATA_TTL
        {
            return Ok(c.data.clone());
        }
        let reads = wire::SERVICE_TYPES
            .iter()
            .map(|(ty, _)| self.data_of_type(id, ty));
        let mut all = Vec::new();
        for part in futures::future::join_all(reads).await {
            all.extend(part?);
        }
        let data = Arc::new(all);
        *slot = Some(DataCache {
            case: id.to_string(),
            at: Instant::now(),
            data: data.clone(),
        });
        Ok(data)
    }

    /// A write: success or the API's error. Cached case data is dropped either way.
    async fn write(
        &self,
        method: Method,
        path: &Path,
        body: Option<&Value>,
    ) -> Result<(), ProviderError> {
        let answer = self.call(method, path, body).await;
        *self.data.lock().await = None;
        self.api.check(answer?)?;
        Ok(())
    }

    /// Adjudicates a case as placed: `PUT /case/id/{caseId}/action/place`, no body.
    async fn place(&self, case: &str) -> Result<String, ProviderError> {
        let id = segment(case)?;
        self.write(
            Method::PUT,
            &Path::of(&["case", "id", id, "action", "place"]),
            None,
        )
        .await?;
        Ok(format!(
            "{} placed (Adjudicated, result Placed)",
            wire::short_name(id)
        ))
    }

    /// Starts pre-adverse action: `POST /case/id/{caseId}/action/preadverse` with the reason,
    /// which KarmaCheck puts in the notice it emails to the candidate.
    async fn preadverse(&self, case: &str, reason: &str) -> Result<String, ProviderError> {
        let id = segment(case)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ProviderError::Invalid(
                "KarmaCheck's pre-adverse action needs a reason: it is sent to the candidate in \
                 the pre-adverse action notice"
                    .into(),
            ));
        }
        self.write(
            Method::POST,
            &Path::of(&["case", "id", id, "action", "preadverse"]),
            Some(&json!({ "reason": reason })),
        )
        .await?;
        Ok(format!(
            "Pre-adverse action started on {}: KarmaCheck sends the candidate the notice with \
             your reason",
            wire::short_name(id)
        ))
    }
}

#[async_trait]
impl Provider for KarmaCheckProvider {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn describe(&self) -> String {
        http::without_scheme(self.api.base())
    }

    /// Every case of the group at once (`/case/list`, or `/case/list/all` with archived ones):
    /// KarmaCheck neither pages nor sends ETags.
    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        let path = if self.include_archived {
            Path::of(&["case", "list", "all"])
        } else {
            Path::of(&["case", "list"])
        };
        let v = self.get_json(&path).await?;
        let list = wire::cases(&v).map_err(|m| decode_error(&format!("GET {path}"), m))?;
        Ok(Some(list.iter().map(CaseSummary::to_case).collect()))
    }

    async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        Ok(self.summary(token).await?.to_case())
    }

    /// Case data KarmaCheck flags for review (`consider`, `not_found`, `error`); read-only.
    async fn alerts(&self, case: &str) -> Result<Vec<Alert>, ProviderError> {
        let data = self.case_data(case).await?;
        Ok(data.iter().filter_map(|d| d.to_alert(case)).collect())
    }

    /// The candidate.
    async fn entities(&self, case: &str) -> Result<Vec<Entity>, ProviderError> {
        Ok(vec![self.summary(case).await?.candidate()])
    }

    /// One check per case data record (ordered service).
    async fn checks(&self, case: &str) -> Result<Vec<Check>, ProviderError> {
        let data = self.case_data(case).await?;
        Ok(data.iter().map(CaseData::to_check).collect())
    }

    /// Approve places the case; Decline starts pre-adverse action with the summary as the
    /// candidate-facing reason. Nothing else has an API. No idempotency key is sent: KarmaCheck
    /// has none (see `already_applied`).
    async fn submit(
        &self,
        s: &Submission,
        _idempotency_key: &str,
    ) -> Result<String, ProviderError> {
        match s {
            Submission::Close {
                case,
                decision: Decision::Approve,
                ..
            } => self.place(case).await,
            Submission::Close {
                case,
                decision: Decision::Decline,
                summary,
            } => self.preadverse(case, summary).await,
            creation if creation.is_creation() => {
                self.create_case(creation).await.map(|c| c.describe())
            }
            other => Err(ProviderError::Invalid(format!(
                "KarmaCheck's API cannot {}",
                unsupported(other)
            ))),
        }
    }

    /// The case form, with the group's packages (see [`create`]).
    async fn case_form(&self) -> Result<Option<Form>, ProviderError> {
        self.case_form_now().await.map(Some)
    }

    /// `POST /case/create`; no key is sent (KarmaCheck has none: a retry meets its 409).
    async fn create(&self, s: &Submission, _key: &str) -> Result<Created, ProviderError> {
        self.create_case(s).await
    }

    /// Placed already (Adjudicated, Placed), or pre-adverse action already started (or gone
    /// further), read from the case.
    async fn already_applied(&self, s: &Submission) -> Option<String> {
        let Submission::Close { case, decision, .. } = s else {
            return None;
        };
        let c = self.summary(case).await.ok()?;
        let name = wire::short_name(&c.id);
        match decision {
            Decision::Approve => c.is_placed().then(|| format!("{name} placed")),
            Decision::Decline => c.in_adverse_action().then(|| {
                format!(
                    "Pre-adverse action started on {name} ({})",
                    c.result_type.as_deref().unwrap_or("adverse action")
                )
            }),
        }
    }
}

/// What a submission asks that KarmaCheck's API cannot do, in words.
fn unsupported(s: &Submission) -> &'static str {
    match s {
        Submission::Resolve { .. } => "resolve alerts: case data results are read-only",
        Submission::EscalateAlert { .. } => "escalate alerts",
        Submission::Acknowledge { .. } => "acknowledge alerts",
        Submission::Status { .. } | Submission::SetStatus { .. } => {
            "change a case's status other than by placing it or starting pre-adverse action"
        }
        Submission::Assign { .. } => "assign cases",
        Submission::EscalateCase { .. } => "escalate cases",
        Submission::ApproveRisk { .. } | Submission::OverrideRisk { .. } => {
            "approve or override a risk assessment"
        }
        Submission::Comment { .. } => "add comments",
        Submission::AddReviewer { .. } | Submission::DecideReview { .. } => {
            "request or give a second approval"
        }
        Submission::Close { .. } => "close a case with that decision",
        Submission::WaiveCheck { .. } => "waive checks",
        Submission::RecalculateRisk { .. } => "recalculate a risk assessment",
        // `submit` hands creations to `create`; never reached.
        Submission::CreateCase { .. } | Submission::AddEntity { .. } => {
            "send a creation as a review"
        }
    }
}

/// KarmaCheck's request ids, the statuses it names, and its error bodies.
static DIALECT: Dialect = Dialect {
    vendor: "KarmaCheck",
    request_id_headers: REQUEST_ID_HEADERS,
    named_statuses: &[401, 403, 404, 409, 422],
    error_body,
};

/// The token exchange, as errors name it.
const EXCHANGE: &str = "POST /auth/api";

/// The message of `{message, error, statusCode}` (message lists joined), else the plain-text
/// body. A refused exchange says what was refused; KarmaCheck answers 403 for a case that does
/// not exist, so a 403 about a case (`/case/id/…`) says so.
fn error_body(answer: &Answer) -> ErrorBody {
    let status = answer.status.as_u16();
    let mut message = match wire::error_body(&answer.body) {
        Some(b) => b.message.or(b.error).unwrap_or_else(|| {
            answer
                .status
                .canonical_reason()
                .unwrap_or("no message")
                .to_string()
        }),
        None => http::plain_message(answer),
    };
    if answer.endpoint == EXCHANGE && matches!(status, 401 | 403) {
        message = format!(
            "KarmaCheck refused the API key and client access token ({EXCHANGE}): {message}"
        );
    } else if status == 403 && answer.endpoint.contains(" /case/id/") {
        message.push_str(
            " (KarmaCheck also answers 403 when the case does not exist or is not in this \
             token's group)",
        );
    }
    ErrorBody {
        message: Some(message),
        ..ErrorBody::default()
    }
}

fn decode_error(endpoint: &str, message: String) -> ProviderError {
    ProviderError::Decode {
        endpoint: endpoint.to_string(),
        message,
        request_id: None,
    }
}

/// An id safe to put in a path: KarmaCheck's are UUIDs or slugs.
fn segment(id: &str) -> Result<&str, ProviderError> {
    http::segment(id, Ids::Tokens, "a KarmaCheck case id")
}
