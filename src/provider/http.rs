//! HTTP plumbing every provider shares: send a request and read its answer with a size cap,
//! describe transport failures without repeating URLs, and pull the usual headers out.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::ProviderError;

/// Largest response body read, in bytes; a larger one is an error, not an out-of-memory.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Sends `req` and reads the answer, at most [`MAX_RESPONSE_BYTES`]. `endpoint` (e.g.
/// `GET /cases`) names the call in errors; `request_id_headers` are tried in order for the
/// request id of an over-long answer.
pub async fn send(
    endpoint: &str,
    req: reqwest::RequestBuilder,
    request_id_headers: &[&str],
) -> Result<Answer, ProviderError> {
    let mut resp = req.send().await.map_err(|e| ProviderError::Transport {
        endpoint: endpoint.to_string(),
        message: describe(&e),
    })?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| ProviderError::Transport {
        endpoint: endpoint.to_string(),
        message: describe(&e),
    })? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ProviderError::Decode {
                endpoint: endpoint.to_string(),
                message: format!("the response is larger than {MAX_RESPONSE_BYTES} bytes"),
                request_id: header(&headers, request_id_headers),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers,
        body,
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
