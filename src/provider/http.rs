//! The one way a provider talks to its API, and the plumbing every provider shares.
//!
//! An [`Api`] is one vendor's API: its base URL and a client that sends the vendor's fixed
//! headers on every request, set once when the client is built; the key among them is marked
//! sensitive, so that no `Debug` shows it. [`Api::call`] starts a [`Call`], the one request
//! builder: a [`Path`] of percent-encoded segments below the base URL, a query, a JSON body,
//! an idempotency key ([`check_key`]). Its answer is read with a size cap
//! ([`MAX_RESPONSE_BYTES`]), and every answer that is not a success becomes
//! [`ProviderError::Api`] along one path ([`Api::error`]). What differs between vendors is
//! their [`Dialect`]: how their error bodies read, where their request id is, which statuses
//! they name. Each vendor keeps its wire shapes and what they mean.

use std::fmt;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::transport::Transport;
use super::{ApiKey, ProviderError};

/// Largest response body read, in bytes; a larger one is an error, not an out-of-memory.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Longest `Idempotency-Key` sent.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The code of each status an API may name; a vendor's [`Dialect::named_statuses`] says which
/// of these it uses, and any other status is `HTTP_<status>`.
const STATUS_CODES: &[(u16, &str)] = &[
    (400, "BAD_REQUEST"),
    (401, "UNAUTHORIZED"),
    (403, "FORBIDDEN"),
    (404, "NOT_FOUND"),
    (409, "CONFLICT"),
    (422, "VALIDATION_ERROR"),
    (429, "RATE_LIMITED"),
];

/// How one vendor's API answers, beyond its wire shapes.
pub struct Dialect {
    /// The vendor's name, for messages (`the Persona API key …`).
    pub vendor: &'static str,
    /// Headers that may carry the request id, tried in order.
    pub request_id_headers: &'static [&'static str],
    /// The statuses whose code is their name in the shared table (`NOT_FOUND`) rather than
    /// `HTTP_<status>`, when the error body gives none.
    pub named_statuses: &'static [u16],
    /// The error-body hook: what an error answer says, in the vendor's shape.
    pub error_body: fn(&Answer) -> ErrorBody,
}

/// What an error answer says, as the vendor's hook reads it. Whatever it leaves `None` is filled
/// in alike for every vendor: the code from the status, the message from the plain body, the
/// request id from the headers. A `Retry-After` header wins over the hook's wait.
#[derive(Debug, Default)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<u64>,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The call it answers, e.g. `GET /cases`, as errors name it.
    pub endpoint: String,
    /// From the first of the vendor's request-id headers present.
    pub request_id: Option<String>,
}

impl Answer {
    /// The body as JSON, or a decode error naming the call and its request id.
    pub fn json(&self) -> Result<Value, ProviderError> {
        serde_json::from_slice(&self.body).map_err(|e| self.unexpected(format!("not JSON: {e}")))
    }

    /// The answer is not what the call promises: `message` says how.
    pub fn unexpected(&self, message: String) -> ProviderError {
        ProviderError::Decode {
            endpoint: self.endpoint.clone(),
            message,
            request_id: self.request_id.clone(),
        }
    }
}

/// A path below an API's base URL, each segment percent-encoded: `Path::of(&["cases", id])` is
/// `/cases/{id}`. Encoding keeps a segment one segment, but `.` and `..` stay what they are:
/// ids are checked with [`segment`] first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    pub fn of(segments: &[&str]) -> Path {
        let mut path = String::new();
        for s in segments {
            path.push('/');
            for b in s.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    path.push(char::from(b));
                } else {
                    path.push_str(&format!("%{b:02X}"));
                }
            }
        }
        Path(path)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ids a vendor puts in its paths.
#[derive(Clone, Copy, Debug)]
pub enum Ids {
    /// 1 to 128 ASCII letters, digits, `_` and `-`: Zenoo's tokens, Persona's ids, KarmaCheck's
    /// UUIDs and slugs.
    Tokens,
    /// 1 to 20 ASCII digits: Amiqus's integer ids.
    Integers,
}

/// `id`, when it is one of `ids` and so safe in a path; otherwise `Invalid`, saying it is not
/// `what` (`a Persona id`).
pub fn segment(id: &str, ids: Ids, what: impl fmt::Display) -> Result<&str, ProviderError> {
    let ok = match ids {
        Ids::Tokens => {
            !id.is_empty()
                && id.len() <= 128
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        Ids::Integers => !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()),
    };
    if ok {
        Ok(id)
    } else {
        Err(ProviderError::Invalid(format!("{id:?} is not {what}")))
    }
}

/// An idempotency key must be 1 to 255 visible ASCII characters. The message does not repeat it.
pub fn check_key(key: &str) -> Result<(), ProviderError> {
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

/// One vendor's API: where it is, the client that reaches it with the vendor's headers, and how
/// its errors read. `Debug` shows the base URL only.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    dialect: &'static Dialect,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("vendor", &self.dialect.vendor)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// An [`Api`] being set up: the headers every request will carry.
pub struct ApiBuilder<'a> {
    transport: &'a Transport,
    base: String,
    dialect: &'static Dialect,
    headers: HeaderMap,
}

impl Api {
    /// Starts an API at `base_url`, checked against the transport rules first. Every request
    /// will ask for JSON. Nothing is sent.
    pub fn builder<'a>(
        transport: &'a Transport,
        base_url: &str,
        dialect: &'static Dialect,
    ) -> Result<ApiBuilder<'a>, ProviderError> {
        transport.check_url(base_url)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Ok(ApiBuilder {
            transport,
            base: base_url.trim_end_matches('/').to_string(),
            dialect,
            headers,
        })
    }

    /// The base URL, without a trailing `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request to `path` below the base URL.
    pub fn call(&self, method: Method, path: &Path) -> Call<'_> {
        Call {
            api: self,
            endpoint: format!("{method} {path}"),
            req: self.http.request(method, format!("{}{path}", self.base)),
        }
    }

    /// A GET of `path`.
    pub fn get(&self, path: &Path) -> Call<'_> {
        self.call(Method::GET, path)
    }

    /// The answer when it is a success, the API's error otherwise.
    pub fn check(&self, answer: Answer) -> Result<Answer, ProviderError> {
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(self.error(&answer))
        }
    }

    /// An answer that is not a success as [`ProviderError::Api`]: what the vendor's error body
    /// says, the rest filled in alike for every vendor (see [`ErrorBody`]).
    pub fn error(&self, answer: &Answer) -> ProviderError {
        let said = (self.dialect.error_body)(answer);
        let status = answer.status.as_u16();
        let code = said.code.unwrap_or_else(|| {
            STATUS_CODES
                .iter()
                .find(|(s, _)| *s == status && self.dialect.named_statuses.contains(s))
                .map_or_else(|| format!("HTTP_{status}"), |(_, c)| (*c).to_string())
        });
        ProviderError::Api {
            status,
            code,
            message: said.message.unwrap_or_else(|| plain_message(answer)),
            request_id: said.request_id.or_else(|| answer.request_id.clone()),
            retry_after: retry_after(&answer.headers).or(said.retry_after),
        }
    }
}

impl<'a> ApiBuilder<'a> {
    /// `Authorization: Bearer <key>`, on every request.
    pub fn bearer(self, key: &ApiKey) -> Result<Self, ProviderError> {
        let value = format!("Bearer {}", key.expose());
        self.secret(AUTHORIZATION, &value)
    }

    /// The key as it is in header `name` (lower case, e.g. `x-api-key`), on every request.
    pub fn key_header(self, name: &'static str, key: &ApiKey) -> Result<Self, ProviderError> {
        self.secret(HeaderName::from_static(name), key.expose())
    }

    fn secret(mut self, name: HeaderName, value: &str) -> Result<Self, ProviderError> {
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            ProviderError::Invalid(format!(
                "the {} API key has characters that cannot be sent in a header",
                self.dialect.vendor
            ))
        })?;
        value.set_sensitive(true);
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Header `name` (lower case) with `value`, on every request.
    pub fn header(mut self, name: &'static str, value: HeaderValue) -> Self {
        self.headers.insert(HeaderName::from_static(name), value);
        self
    }

    /// The API, with a client built to the transport's settings and these headers.
    pub fn build(self) -> Result<Api, ProviderError> {
        Ok(Api {
            http: self.transport.client_with(self.headers)?,
            base: self.base,
            dialect: self.dialect,
        })
    }
}

/// One request being built; [`Call::send`] sends it.
#[must_use = "a call does nothing until it is sent"]
pub struct Call<'a> {
    api: &'a Api,
    endpoint: String,
    req: reqwest::RequestBuilder,
}

impl Call<'_> {
    /// `GET /cases`: the call as errors name it.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn query(mut self, query: &[(&str, String)]) -> Self {
        if !query.is_empty() {
            self.req = self.req.query(query);
        }
        self
    }

    pub fn json(mut self, body: &Value) -> Self {
        self.req = self.req.json(body);
        self
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        self.req = self.req.header(name, value);
        self
    }

    /// `Authorization: Bearer <token>` on this request only (a token that changes), marked
    /// sensitive.
    pub fn bearer(mut self, token: &ApiKey) -> Self {
        self.req = self.req.bearer_auth(token.expose());
        self
    }

    /// An `Idempotency-Key`, checked ([`check_key`]) before anything is sent.
    pub fn idempotency_key(mut self, key: &str) -> Result<Self, ProviderError> {
        check_key(key)?;
        self.req = self.req.header("Idempotency-Key", key);
        Ok(self)
    }

    /// Sends the request and reads its answer, whatever its status: for callers to whom a
    /// status other than success means something (304, a 404 that is "none").
    pub async fn answer(self) -> Result<Answer, ProviderError> {
        read(self.endpoint, self.req, self.api.dialect.request_id_headers).await
    }

    /// Sends the request: a success answer, or the API's error ([`Api::error`]).
    pub async fn send(self) -> Result<Answer, ProviderError> {
        let api = self.api;
        api.check(self.answer().await?)
    }
}

/// Sends `req` and reads the answer, at most [`MAX_RESPONSE_BYTES`]. `endpoint` (e.g.
/// `GET /cases`) names the call in errors; `request_id_headers` are tried in order for the
/// request id.
async fn read(
    endpoint: String,
    req: reqwest::RequestBuilder,
    request_id_headers: &[&str],
) -> Result<Answer, ProviderError> {
    let transport = |e: reqwest::Error| ProviderError::Transport {
        endpoint: endpoint.clone(),
        message: describe(&e),
    };
    let mut resp = req.send().await.map_err(transport)?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let request_id = header(&headers, request_id_headers);
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ProviderError::Decode {
                endpoint,
                message: format!("the response is larger than {MAX_RESPONSE_BYTES} bytes"),
                request_id,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers,
        body,
        endpoint,
        request_id,
    })
}

/// The first of `names` present in `headers`, as text.
pub fn header(headers: &HeaderMap, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        headers
            .get(*n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

/// `Retry-After` in whole seconds (the delta form; an HTTP date is ignored).
pub fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// A body that is not the JSON expected (a proxy's HTML page, say), as one short line; the
/// status's reason phrase when it is empty.
pub fn plain_message(answer: &Answer) -> String {
    let text = String::from_utf8_lossy(&answer.body);
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return answer
            .status
            .canonical_reason()
            .unwrap_or("no message")
            .to_string();
    }
    let mut t: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        t.push('…');
    }
    format!("non-JSON error body: {t}")
}

/// A transport error in words, without the URL (which may carry query text) repeated.
pub fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the response was cut off"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {detail}")
    }
}

/// The JSON kind of a value, for error messages ("expected a list, got an object").
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A URL without its scheme (`id.amiqus.co/api/v2`): where a provider connects, in words.
pub fn without_scheme(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).to_string()
}

/// The host (and port) of a URL, for the status bar: no scheme, path or credentials.
pub fn host_of(url: &str) -> String {
    let rest = without_scheme(url);
    let host = rest.split('/').next().unwrap_or(&rest);
    host.rsplit('@').next().unwrap_or(host).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    static PLAIN: Dialect = Dialect {
        vendor: "Test",
        request_id_headers: &["x-request-id", "request-id"],
        named_statuses: &[404, 429],
        error_body: |_| ErrorBody::default(),
    };

    static SAYS: Dialect = Dialect {
        error_body: |a| ErrorBody {
            code: Some("OWN".into()),
            message: Some(format!("{} said no", a.endpoint)),
            request_id: Some("body_req".into()),
            retry_after: Some(9),
        },
        ..PLAIN
    };

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Answer {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            request_id: header(&h, PLAIN.request_id_headers),
            headers: h,
            body: body.as_bytes().to_vec(),
            endpoint: "GET /x".into(),
        }
    }

    fn api(dialect: &'static Dialect) -> Api {
        Api::builder(&Transport::default(), "http://127.0.0.1:9/base/", dialect)
            .unwrap()
            .bearer(&ApiKey::new("sk_secret"))
            .unwrap()
            .build()
            .unwrap()
    }

    #[test]
    fn segments_are_percent_encoded_one_by_one() {
        assert_eq!(
            Path::of(&["v1", "cases", "cas_1-a"]).to_string(),
            "/v1/cases/cas_1-a"
        );
        assert_eq!(
            Path::of(&["cases", "a b/c?d", "é"]).to_string(),
            "/cases/a%20b%2Fc%3Fd/%C3%A9"
        );
        let a = api(&PLAIN);
        assert_eq!(a.base(), "http://127.0.0.1:9/base");
        assert_eq!(
            a.call(Method::PATCH, &Path::of(&["c", "1"])).endpoint(),
            "PATCH /c/1"
        );
    }

    #[test]
    fn ids_go_into_paths_only_when_they_are_ids() {
        assert_eq!(
            segment("cas_1-A", Ids::Tokens, "a token").unwrap(),
            "cas_1-A"
        );
        assert!(segment(&"a".repeat(128), Ids::Tokens, "a token").is_ok());
        for bad in ["", "..", "a/b", "a b", "é", &"a".repeat(129)] {
            assert!(segment(bad, Ids::Tokens, "a token").is_err(), "{bad:?}");
        }
        assert_eq!(segment("8723", Ids::Integers, "an id").unwrap(), "8723");
        for bad in ["", "87a", "-1", "123456789012345678901"] {
            assert!(segment(bad, Ids::Integers, "an id").is_err(), "{bad:?}");
        }
        let e = segment("../me", Ids::Tokens, format_args!("a {} id", "case")).unwrap_err();
        assert_eq!(e.to_string(), "\"../me\" is not a case id");
    }

    #[test]
    fn keys_are_checked_without_being_repeated() {
        assert!(check_key("k-1").is_ok());
        assert!(check_key(&"x".repeat(MAX_IDEMPOTENCY_KEY)).is_ok());
        for bad in ["", "has space", "é", &"x".repeat(256)] {
            let err = check_key(bad).unwrap_err().to_string();
            assert!(bad.is_empty() || !err.contains(bad), "{err}");
        }
    }

    #[test]
    fn what_the_hook_leaves_out_is_filled_in_alike() {
        let plain = api(&PLAIN);
        let e = plain.error(&answer(404, &[("request-id", "r1")], "<html>gone</html>"));
        assert_eq!(
            e,
            ProviderError::Api {
                status: 404,
                code: "NOT_FOUND".into(),
                message: "non-JSON error body: <html>gone</html>".into(),
                request_id: Some("r1".into()),
                retry_after: None,
            }
        );
        // A status the vendor does not name, even one the table knows, is HTTP_<status>.
        let e = plain.error(&answer(422, &[], ""));
        assert!(
            matches!(&e, ProviderError::Api { code, message, .. }
                if code == "HTTP_422" && message == "Unprocessable Entity"),
            "{e:?}"
        );
        // The hook wins, but Retry-After wins over its wait.
        let says = api(&SAYS);
        let e = says.error(&answer(
            429,
            &[("x-request-id", "r2"), ("retry-after", "3")],
            "",
        ));
        assert_eq!(
            e,
            ProviderError::Api {
                status: 429,
                code: "OWN".into(),
                message: "GET /x said no".into(),
                request_id: Some("body_req".into()),
                retry_after: Some(3),
            }
        );
        assert!(matches!(
            says.error(&answer(503, &[], "")),
            ProviderError::Api {
                retry_after: Some(9),
                ..
            }
        ));
        assert!(says.check(answer(204, &[], "")).is_ok());
        assert!(says.check(answer(304, &[], "")).is_err());
    }

    #[test]
    fn the_key_is_refused_unquoted_and_never_shown() {
        let a = api(&PLAIN);
        assert!(!format!("{a:?}").contains("sk_secret"));
        let e = Api::builder(&Transport::default(), "http://127.0.0.1:9", &PLAIN)
            .unwrap()
            .key_header("x-api-key", &ApiKey::new("line\nbreak"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("Test API key") && !e.contains("break"), "{e}");
        assert!(Api::builder(&Transport::default(), "http://example.com", &PLAIN).is_err());
    }

    #[test]
    fn a_body_that_is_not_what_was_promised_names_the_call_and_request() {
        let a = answer(200, &[("x-request-id", "r3")], "{nope");
        let e = a.json().unwrap_err();
        assert!(
            matches!(&e, ProviderError::Decode { endpoint, message, request_id }
                if endpoint == "GET /x" && message.starts_with("not JSON")
                    && request_id.as_deref() == Some("r3")),
            "{e:?}"
        );
    }
}
