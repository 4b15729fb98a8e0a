//! Response bodies: the `{data, meta}` wrapper, conditional GETs and time formatting.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::extract::hex;
use super::list::Page;

/// Formats Unix seconds as ISO 8601 UTC (`2026-11-07T05:31:56Z`).
pub fn ts(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Optional variant of [`ts`].
pub fn ts_opt(secs: Option<i64>) -> Option<String> {
    secs.map(ts)
}

/// Current time in Unix seconds.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Reads compute time-derived fields (a paused case's moving deadline, `sla_status`,
/// `sla_hours_remaining`) on a clock that ticks once a minute, so an unchanged queue keeps its
/// ETag (and a poll stays a 304) for up to a minute instead of changing every second.
pub const READ_CLOCK_SECS: i64 = 60;

/// The clock reads render with: now, rounded down to [`READ_CLOCK_SECS`].
pub fn read_clock() -> i64 {
    let n = now();
    n - n.rem_euclid(READ_CLOCK_SECS)
}

/// Pagination facts for `meta`.
pub struct PageMeta {
    pub cursor: Option<String>,
    pub has_more: bool,
    pub total: Option<i64>,
}

impl<T> From<&Page<T>> for PageMeta {
    fn from(p: &Page<T>) -> Self {
        PageMeta {
            cursor: p.cursor.clone(),
            has_more: p.has_more,
            total: Some(p.total),
        }
    }
}

fn meta(request_id: &str, page: Option<&PageMeta>) -> Value {
    match page {
        Some(p) => {
            let mut m = json!({
                "request_id": request_id,
                "page": { "cursor": p.cursor, "has_more": p.has_more },
            });
            if let Some(t) = p.total {
                m["total"] = json!(t);
            }
            m
        }
        None => json!({
            "request_id": request_id,
            "page": { "cursor": null, "has_more": false },
        }),
    }
}

/// The standard wrapper around `data`.
pub fn envelope(data: &impl Serialize, request_id: &str, page: Option<&PageMeta>) -> Value {
    json!({ "data": data, "meta": meta(request_id, page) })
}

/// A JSON response with the given status.
pub fn json_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A GET answer: `data` in the wrapper, with a strong ETag over the data, `has_more` and
/// `total`, and 304 when the client already holds that version. Neither the request id nor
/// the cursor is in the tag: a cursor carries the clock of its walk, which moves every second
/// while the page stays the same, and the cursor the client already holds stays valid (a row
/// added since changes `total`, and so the tag).
pub fn get_response(
    headers: &HeaderMap,
    data: &impl Serialize,
    page: Option<&PageMeta>,
) -> Response {
    // Serialise once, straight from the typed rows; the tag and the body share the text.
    let data = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    let page_json = page.map_or_else(String::new, |p| json!([p.has_more, p.total]).to_string());
    let mut hasher = Sha256::new();
    hasher.update(data.as_bytes());
    hasher.update(page_json.as_bytes());
    let etag = format!("\"{}\"", &hex(&hasher.finalize())[..32]);
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));

    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == etag || t.strip_prefix("W/").is_some_and(|w| w == etag))
        });
    if matches {
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        resp.headers_mut().insert(header::ETAG, etag_value);
        return resp;
    }
    let meta = meta(&super::request_id(), page).to_string();
    let body = format!("{{\"data\":{data},\"meta\":{meta}}}");
    let mut resp = json_response(StatusCode::OK, body);
    resp.headers_mut().insert(header::ETAG, etag_value);
    resp
}

/// Parses a JSON column, falling back to an empty object on damage rather than failing a read.
pub fn json_col(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!({}))
}
