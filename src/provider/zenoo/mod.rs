//! The client for Zenoo's case-management API (and the embedded sandbox, which speaks it).
//!
//! It sends `X-API-KEY` through the shared request builder ([`crate::provider::http`], which
//! also caps how much of a response it reads), decodes errors in both of Zenoo's shapes with
//! their request id, and uses the sandbox's extensions (ETag, `sort`, `q`, `updated_since`,
//! `/v1/me`) only as optimisations: against a plain Zenoo API the same calls work, with sorting
//! and filtering left to the caller.

pub mod case_detail;
mod create;
pub mod provider;
pub mod wire;
pub mod writes;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::Value;

use super::http::{self, Answer, Api, Dialect, ErrorBody, Ids, Path};
use super::transport::Transport;
use super::{ApiKey, ProviderError};
use crate::domain::CaseStatus;
use crate::domain::model::{Alert, Case, Page, User};
use wire::Envelope;

pub use crate::provider::http::MAX_RESPONSE_BYTES;

/// What to ask the case list for. Filters the API does not support are ignored by it; callers
/// filter again on their side.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseQuery {
    pub statuses: Vec<CaseStatus>,
    pub assigned_to: Option<String>,
    pub sort: Option<String>,
    pub q: Option<String>,
    pub updated_since: Option<jiff::Timestamp>,
    pub limit: Option<u32>,
}

/// A GET answer that may be "not modified".
#[derive(Clone, Debug, PartialEq)]
pub enum Fetched<T> {
    Fresh { value: T, etag: Option<String> },
    NotModified,
}

/// What [`ZenooClient::probe`] saw.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub status: u16,
    pub request_id: Option<String>,
    /// The server's clock (`Date` header), when it sent one.
    pub server_date: Option<jiff::Timestamp>,
    pub elapsed: std::time::Duration,
}

/// A connection to one Zenoo-compatible API.
#[derive(Clone, Debug)]
pub struct ZenooClient {
    api: Api,
}

/// Zenoo's request id header, and its error bodies (either shape); no status has a name of its
/// own: a body without a code is `HTTP_<status>`.
static DIALECT: Dialect = Dialect {
    vendor: "Zenoo",
    request_id_headers: &["x-request-id"],
    named_statuses: &[],
    error_body,
};

/// What an error body says, in either of Zenoo's shapes; nothing when it is not JSON (a
/// proxy's HTML page, say).
fn error_body(answer: &Answer) -> ErrorBody {
    let parsed: wire::ErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
    ErrorBody {
        code: parsed.error,
        message: parsed.message,
        request_id: parsed.request_id,
        retry_after: None,
    }
}

impl ZenooClient {
    /// A client for `base_url` (e.g. `https://instance.prod.onboardapp.io`) with the default
    /// transport: platform roots, loopback-only plain http, connect and request timeouts.
    pub fn new(base_url: &str, key: ApiKey) -> Result<Self, ProviderError> {
        Self::with_transport(base_url, key, &Transport::default())
    }

    /// A client for `base_url` with the given transport settings.
    pub fn with_transport(
        base_url: &str,
        key: ApiKey,
        transport: &Transport,
    ) -> Result<Self, ProviderError> {
        let api = Api::builder(transport, base_url, &DIALECT)?
            .key_header("x-api-key", &key)?
            .build()?;
        Ok(ZenooClient { api })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        self.api.base()
    }

    /// A `{data, meta}` answer.
    fn decode(answer: &Answer) -> Result<Envelope<Value>, ProviderError> {
        serde_json::from_slice::<Envelope<Value>>(&answer.body)
            .map_err(|e| answer.unexpected(format!("not the {{data, meta}} JSON expected: {e}")))
    }

    async fn get(
        &self,
        path: &Path,
        query: &[(&str, String)],
        etag: Option<&str>,
    ) -> Result<Fetched<Envelope<Value>>, ProviderError> {
        let mut call = self.api.get(path).query(query);
        if let Some(e) = etag {
            call = call.header(IF_NONE_MATCH, e);
        }
        let answer = call.answer().await?;
        if answer.status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        let answer = self.api.check(answer)?;
        let etag = answer
            .headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let value = Self::decode(&answer)?;
        Ok(Fetched::Fresh { value, etag })
    }

    async fn get_fresh(
        &self,
        path: &Path,
        query: &[(&str, String)],
    ) -> Result<Envelope<Value>, ProviderError> {
        match self.get(path, query, None).await? {
            Fetched::Fresh { value, .. } => Ok(value),
            Fetched::NotModified => Err(ProviderError::Decode {
                endpoint: format!("GET {path}"),
                message: "304 Not Modified to a request that was not conditional".into(),
                request_id: None,
            }),
        }
    }

    fn bad(endpoint: &str, env: &Envelope<Value>, message: String) -> ProviderError {
        ProviderError::Decode {
            endpoint: endpoint.to_string(),
            message,
            request_id: env.meta.request_id.clone(),
        }
    }

    /// One cheap authenticated request (the first case), for `docket doctor`: how long it
    /// took, its request id and the server's clock from the `Date` header.
    pub async fn probe(&self) -> Result<Probe, ProviderError> {
        let started = std::time::Instant::now();
        let answer = self
            .api
            .get(&Path::of(&["v1", "cases"]))
            .query(&[("limit", "1".into())])
            .answer()
            .await?;
        let elapsed = started.elapsed();
        let answer = self.api.check(answer)?;
        Self::decode(&answer)?;
        let server_date = answer
            .headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| jiff::fmt::rfc2822::parse(v).ok())
            .map(|z| z.timestamp());
        Ok(Probe {
            status: answer.status.as_u16(),
            request_id: answer.request_id,
            server_date,
            elapsed,
        })
    }

    /// The calling user, or `None` where the API has no `/v1/me` (plain Zenoo).
    pub async fn me(&self) -> Result<Option<User>, ProviderError> {
        match self.get_fresh(&Path::of(&["v1", "me"]), &[]).await {
            Ok(env) => wire::user(&env.data)
                .map(Some)
                .map_err(|m| Self::bad("GET /v1/me", &env, m)),
            Err(ProviderError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every user, or `None` where the API has no `/v1/users` (plain Zenoo).
    pub async fn users(&self) -> Result<Option<Vec<User>>, ProviderError> {
        match self.get_fresh(&Path::of(&["v1", "users"]), &[]).await {
            Ok(env) => match &env.data {
                Value::Array(items) => items
                    .iter()
                    .map(wire::user)
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some)
                    .map_err(|m| Self::bad("GET /v1/users", &env, m)),
                other => Err(Self::bad(
                    "GET /v1/users",
                    &env,
                    format!("expected a list, got {}", wire::kind(other)),
                )),
            },
            Err(ProviderError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One page of cases. With `etag`, an unchanged page answers `NotModified`.
    pub async fn cases_page(
        &self,
        query: &CaseQuery,
        cursor: Option<&str>,
        etag: Option<&str>,
    ) -> Result<Fetched<Page<Case>>, ProviderError> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if !query.statuses.is_empty() {
            let s: Vec<&str> = query.statuses.iter().map(|s| s.as_str()).collect();
            q.push(("status", s.join(",")));
        }
        if let Some(a) = &query.assigned_to {
            q.push(("assigned_to", a.clone()));
        }
        if let Some(s) = &query.sort {
            q.push(("sort", s.clone()));
        }
        if let Some(t) = query.q.as_ref().filter(|t| !t.trim().is_empty()) {
            q.push(("q", t.clone()));
        }
        if let Some(t) = query.updated_since {
            q.push(("updated_since", t.to_string()));
        }
        q.push((
            "limit",
            query.limit.unwrap_or(100).clamp(1, 100).to_string(),
        ));
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        Ok(
            match self.get(&Path::of(&["v1", "cases"]), &q, etag).await? {
                Fetched::NotModified => Fetched::NotModified,
                Fetched::Fresh { value, etag } => {
                    let request_id = value.meta.request_id.clone();
                    let page =
                        wire::page(value, wire::case).map_err(|m| ProviderError::Decode {
                            endpoint: "GET /v1/cases".into(),
                            message: m,
                            request_id,
                        })?;
                    Fetched::Fresh { value: page, etag }
                }
            },
        )
    }

    /// One case.
    pub async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        let path = Path::of(&["v1", "cases", segment(token)?]);
        let env = self.get_fresh(&path, &[]).await?;
        wire::case(&env.data).map_err(|m| Self::bad(&format!("GET {path}"), &env, m))
    }

    /// One alert.
    pub async fn alert(&self, token: &str) -> Result<Alert, ProviderError> {
        let path = Path::of(&["v1", "alerts", segment(token)?]);
        let env = self.get_fresh(&path, &[]).await?;
        wire::alert(&env.data).map_err(|m| Self::bad(&format!("GET {path}"), &env, m))
    }

    /// Every alert of a case, walking all pages.
    pub async fn case_alerts(&self, case_token: &str) -> Result<Vec<Alert>, ProviderError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = vec![
                ("case_token", segment(case_token)?.to_string()),
                ("limit", "100".to_string()),
            ];
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let env = self.get_fresh(&Path::of(&["v1", "alerts"]), &q).await?;
            let request_id = env.meta.request_id.clone();
            let page = wire::page(env, wire::alert).map_err(|m| ProviderError::Decode {
                endpoint: "GET /v1/alerts".into(),
                message: m,
                request_id,
            })?;
            out.extend(page.items);
            match (page.has_more, page.cursor) {
                (true, Some(c)) if Some(&c) != cursor.as_ref() => cursor = Some(c),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// A token safe to put in a path: tokens are short and alphanumeric with `_` or `-`.
fn segment(token: &str) -> Result<&str, ProviderError> {
    http::segment(token, Ids::Tokens, "a valid token")
}
