//! Request extractors: the authenticated caller, JSON bodies and query parameters, each turned
//! into a checked value or a precise 400/401 that names what was wrong.

use std::str::FromStr;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::limits::BodyReading;
use super::{ApiError, AppState, User};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// SHA-256 of an API key.
pub fn key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// The authenticated caller and what the write path needs to know about the request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub user: User,
    pub method: Method,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub headers: HeaderMap,
}

/// The key a request presents, trimmed, if any and not blank: `X-API-KEY`, else
/// `Authorization: Bearer`.
pub fn api_key(headers: &HeaderMap) -> Option<&str> {
    let key = match headers.get("x-api-key") {
        Some(v) => v.to_str().ok(),
        // Some Zenoo guides show bearer auth; accept it as a variant of the same key.
        None => headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ")),
    };
    key.map(str::trim).filter(|k| !k.is_empty())
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = api_key(&parts.headers)
            .ok_or_else(|| ApiError::unauthorized("Missing X-API-KEY header."))?;
        let user = state
            .users_by_key
            .get(&key_hash(key))
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Invalid API key."))?;
        let idempotency_key = match parts.headers.get("idempotency-key") {
            None => None,
            Some(v) => {
                let k = v.to_str().map_err(|_| {
                    ApiError::validation("Idempotency-Key", "must be visible ASCII")
                })?;
                let k = k.trim();
                if k.is_empty() || k.len() > MAX_IDEMPOTENCY_KEY {
                    return Err(ApiError::validation(
                        "Idempotency-Key",
                        format!("must be 1 to {MAX_IDEMPOTENCY_KEY} characters"),
                    ));
                }
                Some(k.to_string())
            }
        };
        Ok(Ctx {
            user,
            method: parts.method.clone(),
            path: parts.uri.path().to_string(),
            idempotency_key,
            headers: parts.headers.clone(),
        })
    }
}

/// Path parameters, as axum's `Path` but refused in the API's error shape: a segment that is
/// not UTF-8 once percent-decoded gives `400 VALIDATION_ERROR` (`field: "path"`).
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => Err(ApiError::validation("path", e.body_text())),
        }
    }
}

/// A JSON body decoded into `T`, with a canonical hash of its content for idempotency checks.
pub struct Body<T> {
    pub value: T,
    pub hash: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, ApiError> {
        // While the body arrives, a request that runs out of time is the client's doing (408).
        let reading = req.extensions().get::<BodyReading>().cloned();
        if let Some(r) = &reading {
            r.set(true);
        }
        let bytes = read_body(req).await;
        if let Some(r) = &reading {
            r.set(false);
        }
        decode(&bytes?)
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("The request body exceeds {MAX_BODY_BYTES} bytes."),
    )
    // The rest of the body stays unread, so the connection cannot carry another request.
    .closing()
}

/// Reads the whole body, refusing more than [`MAX_BODY_BYTES`]: at once when `Content-Length`
/// announces more, else as soon as more has arrived.
async fn read_body(req: Request) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let mut stream = req.into_body().into_data_stream();
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_BODY",
                format!("The request body could not be read: {e}."),
            )
            .closing()
        })?;
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// Decodes a body. An empty body reads as `{}` so that actions without fields need none.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<Body<T>, ApiError> {
    let raw: Value = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(bytes).map_err(|e| {
            ApiError::invalid_json(format!(
                "The body is not valid JSON: {e} (line {}, column {}).",
                e.line(),
                e.column()
            ))
        })?
    };
    if !raw.is_object() {
        return Err(ApiError::invalid_json("The body must be a JSON object."));
    }
    // serde_json's maps are ordered by key, so this serialisation is canonical.
    let hash = hex(&Sha256::digest(raw.to_string().as_bytes()));
    let value = serde_path_to_error::deserialize(raw).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", inner)
        } else {
            ApiError::validation(&path, inner)
        }
    })?;
    Ok(Body { value, hash })
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Query parameters, kept in order, with typed getters that name the parameter on error.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q)
            .map_err(|e| ApiError::validation("query", format!("malformed query string: {e}")))?;
        Ok(Params(pairs))
    }
}

impl Params {
    /// The last value given for `name`, if any and not empty.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every value of an enum filter: repeated parameters and comma-separated lists both work.
    pub fn enums<T: FromStr>(&self, name: &str) -> Result<Vec<T>, ApiError>
    where
        T::Err: std::fmt::Display,
    {
        let mut out = Vec::new();
        for (k, v) in &self.0 {
            if k != name {
                continue;
            }
            for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                out.push(part.parse().map_err(|e| ApiError::validation(name, e))?);
            }
        }
        Ok(out)
    }

    /// [`Params::enums`] as SQL text values, for `IN (...)` filters.
    pub fn enum_values<T: FromStr + std::fmt::Display>(
        &self,
        name: &str,
    ) -> Result<Vec<rusqlite::types::Value>, ApiError>
    where
        T::Err: std::fmt::Display,
    {
        Ok(self
            .enums::<T>(name)?
            .iter()
            .map(|v| rusqlite::types::Value::Text(v.to_string()))
            .collect())
    }

    /// Every value of a free-text filter (repeated or comma-separated).
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(',').map(|p| p.trim().to_string()))
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// A timestamp parameter (RFC 3339).
    pub fn time(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<jiff::Timestamp>()
                .map(|t| Some(t.as_second()))
                .map_err(|e| {
                    ApiError::validation(name, format!("expected an ISO 8601 UTC time: {e}"))
                }),
        }
    }

    /// A boolean parameter.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::validation(
                name,
                format!("expected true or false, got {v:?}"),
            )),
        }
    }
}

/// Checks a free-text field's length in characters and, if `required`, that it is not blank.
pub fn text(
    field: &str,
    value: &Option<String>,
    max: usize,
    required: bool,
) -> Result<(), ApiError> {
    match value {
        None if required => Err(ApiError::validation(field, "is required")),
        Some(v) if required && v.trim().is_empty() => {
            Err(ApiError::validation(field, "must not be blank"))
        }
        Some(v) if v.chars().count() > max => Err(ApiError::validation(
            field,
            format!(
                "must be at most {max} characters (got {})",
                v.chars().count()
            ),
        )),
        _ => Ok(()),
    }
}

/// For `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>`: tells a
/// field that is absent (`None`, leave it) from one sent as `null` (`Some(None)`, clear it).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::deserialize(d)?))
}
