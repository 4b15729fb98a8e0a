//! The client for Zenoo's case-management API (and the embedded sandbox, which speaks it).
//!
//! It sends `X-API-KEY`, caps how much of a response it reads, decodes errors in both of
//! Zenoo's shapes with their request id, and uses the sandbox's extensions (ETag, `sort`, `q`,
//! `updated_since`, `/v1/me`) only as optimisations: against a plain Zenoo API the same calls
//! work, with sorting and filtering left to the caller.

pub mod case_detail;
pub mod provider;
pub mod wire;
pub mod writes;

use reqwest::header::{ETAG, HeaderMap, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::http::{self, Answer};
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
    http: reqwest::Client,
    base: String,
    key: ApiKey,
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
        transport.check_url(base_url)?;
        let base = base_url.trim_end_matches('/').to_string();
        let http = transport.client()?;
        Ok(ZenooClient { http, base, key })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        headers: &[(&str, String)],
    ) -> Result<Answer, ProviderError> {
        let endpoint = format!("{method} {path}");
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("X-API-KEY", self.key.expose())
            .header("Accept", "application/json");
        if !query.is_empty() {
            req = req.query(query);
        }
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        http::send(&endpoint, req, &["x-request-id"]).await
    }

    /// Turns a non-success answer into the API's error, in either of Zenoo's shapes, or a plain
    /// description when the body is not JSON (a proxy's HTML page, say).
    fn error(answer: &Answer) -> ProviderError {
        let parsed: wire::ErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
        let retry_after = http::retry_after(&answer.headers);
        let message = parsed
            .message
            .unwrap_or_else(|| http::plain_message(answer));
        ProviderError::Api {
            status: answer.status.as_u16(),
            code: parsed
                .error
                .unwrap_or_else(|| format!("HTTP_{}", answer.status.as_u16())),
            message,
            request_id: request_id(&answer.headers, parsed.request_id),
            retry_after,
        }
    }

    fn decode(endpoint: &str, answer: &Answer) -> Result<Envelope<Value>, ProviderError> {
        serde_json::from_slice::<Envelope<Value>>(&answer.body).map_err(|e| ProviderError::Decode {
            endpoint: endpoint.to_string(),
            message: format!("not the {{data, meta}} JSON expected: {e}"),
            request_id: request_id(&answer.headers, None),
        })
    }

    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        etag: Option<&str>,
    ) -> Result<Fetched<Envelope<Value>>, ProviderError> {
        let headers: Vec<(&str, String)> = etag
            .map(|e| vec![(IF_NONE_MATCH.as_str(), e.to_string())])
            .unwrap_or_default();
        let answer = self.send(Method::GET, path, query, None, &headers).await?;
        if answer.status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !answer.status.is_success() {
            return Err(Self::error(&answer));
        }
        let etag = answer
            .headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let value = Self::decode(&format!("GET {path}"), &answer)?;
        Ok(Fetched::Fresh { value, etag })
    }

    async fn get_fresh(
        &self,
        path: &str,
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
            .send(
                Method::GET,
                "/v1/cases",
                &[("limit", "1".into())],
                None,
                &[],
            )
            .await?;
        let elapsed = started.elapsed();
        if !answer.status.is_success() {
            return Err(Self::error(&answer));
        }
        Self::decode("GET /v1/cases", &answer)?;
        let server_date = answer
            .headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| jiff::fmt::rfc2822::parse(v).ok())
            .map(|z| z.timestamp());
        Ok(Probe {
            status: answer.status.as_u16(),
            request_id: request_id(&answer.headers, None),
            server_date,
            elapsed,
        })
    }

    /// The calling user, or `None` where the API has no `/v1/me` (plain Zenoo).
    pub async fn me(&self) -> Result<Option<User>, ProviderError> {
        match self.get_fresh("/v1/me", &[]).await {
            Ok(env) => wire::user(&env.data)
                .map(Some)
                .map_err(|m| Self::bad("GET /v1/me", &env, m)),
            Err(ProviderError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every user, or `None` where the API has no `/v1/users` (plain Zenoo).
    pub async fn users(&self) -> Result<Option<Vec<User>>, ProviderError> {
        match self.get_fresh("/v1/users", &[]).await {
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
        Ok(match self.get("/v1/cases", &q, etag).await? {
            Fetched::NotModified => Fetched::NotModified,
            Fetched::Fresh { value, etag } => {
                let request_id = value.meta.request_id.clone();
                let page = wire::page(value, wire::case).map_err(|m| ProviderError::Decode {
                    endpoint: "GET /v1/cases".into(),
                    message: m,
                    request_id,
                })?;
                Fetched::Fresh { value: page, etag }
            }
        })
    }

    /// One case.
    pub async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        let path = format!("/v1/cases/{}", segment(token)?);
        let env = self.get_fresh(&path, &[]).await?;
        wire::case(&env.data).map_err(|m| Self::bad(&format!("GET {path}"), &env, m))
    }

    /// One alert.
    pub async fn alert(&self, token: &str) -> Result<Alert, ProviderError> {
        let path = format!("/v1/alerts/{}", segment(token)?);
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
            let env = self.get_fresh("/v1/alerts", &q).await?;
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
    if !token.is_empty()
        && token.len() <= 128
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(token)
    } else {
        Err(ProviderError::Invalid(format!(
            "{token:?} is not a valid token"
        )))
    }
}

fn request_id(headers: &HeaderMap, from_body: Option<String>) -> Option<String> {
    from_body.or_else(|| {
        headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}
