//! The single path every change takes: one IMMEDIATE transaction that checks the caller may
//! write, replays or refuses a reused `Idempotency-Key`, applies the change, appends the audit
//! entries and stores the response under the key, all or nothing.

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::Value;

use super::extract::Ctx;
use super::render::{envelope, json_response, now};
use super::{ApiError, AppState, User, request_id};

/// How long a key protects against a repeat.
pub const IDEMPOTENCY_WINDOW_SECS: i64 = 24 * 3600;

/// The context a change runs in.
pub struct Op {
    pub actor: User,
    pub request_id: String,
    pub now: i64,
}

enum Outcome {
    Fresh(StatusCode, String),
    Replay(StatusCode, String),
}

/// Applies `change` as `ctx.user`, answering `status` with its result wrapped in `{data, meta}`.
pub async fn apply<F>(
    state: &AppState,
    ctx: &Ctx,
    body_hash: &str,
    status: StatusCode,
    change: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(&Transaction<'_>, &Op) -> Result<Value, ApiError> + Send + 'static,
{
    apply_with_status(state, ctx, body_hash, move |tx, op| {
        change(tx, op).map(|v| (status, v))
    })
    .await
}

/// Like [`apply`], for changes that choose their own success status.
pub async fn apply_with_status<F>(
    state: &AppState,
    ctx: &Ctx,
    body_hash: &str,
    change: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(&Transaction<'_>, &Op) -> Result<(StatusCode, Value), ApiError> + Send + 'static,
{
    if !ctx.user.role.can_write() {
        return Err(ApiError::forbidden(format!(
            "The {} role is read-only; {} {} is a write.",
            ctx.user.role, ctx.method, ctx.path
        )));
    }
    let op = Op {
        actor: ctx.user.clone(),
        request_id: request_id(),
        now: now(),
    };
    let key = ctx.idempotency_key.clone();
    let method = ctx.method.to_string();
    let path = ctx.path.clone();
    let hash = body_hash.to_string();
    let outcome = state
        .db
        .write(move |tx| {
            if let Some(key) = &key {
                let prior: Option<(String, String, String, i64, String, i64)> = tx
                    .prepare_cached(
                        "SELECT method, path, body_hash, status, response, created_at \
                         FROM idempotency WHERE user_id = ?1 AND key = ?2",
                    )?
                    .query_row(params![op.actor.user_id, key], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                    })
                    .optional()?;
                if let Some((m, p, h, st, resp, at)) = prior {
                    if op.now - at < IDEMPOTENCY_WINDOW_SECS {
                        if m == method && p == path && h == hash {
                            let st = StatusCode::from_u16(st as u16).unwrap_or(StatusCode::OK);
                            return Ok(Outcome::Replay(st, resp));
                        }
                        return Err(ApiError::unprocessable(
                            "IDEMPOTENCY_KEY_REUSED",
                            format!(
                                "Idempotency-Key '{key}' was already used within 24 hours for a different request ({m} {p}); \
                                 send a new key for a new request."
                            ),
                        ));
                    }
                    tx.prepare_cached("DELETE FROM idempotency WHERE user_id = ?1 AND key = ?2")?
                        .execute(params![op.actor.user_id, key])?;
                }
            }
            let (status, data) = change(tx, &op)?;
            let body = envelope(&data, &op.request_id, None).to_string();
            if let Some(key) = &key {
                tx.prepare_cached(
                    "INSERT INTO idempotency (user_id, key, method, path, body_hash, status, response, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    op.actor.user_id,
                    key,
                    method,
                    path,
                    hash,
                    status.as_u16(),
                    body,
                    op.now
                ])?;
            }
            Ok(Outcome::Fresh(status, body))
        })
        .await?;
    Ok(match outcome {
        Outcome::Fresh(st, body) => json_response(st, body),
        Outcome::Replay(st, body) => {
            let mut resp = json_response(st, body);
            resp.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            resp
        }
    })
}

/// Removes keys older than the window.
pub fn purge_expired(tx: &rusqlite::Connection, now: i64) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM idempotency WHERE created_at < ?1",
        [now - IDEMPOTENCY_WINDOW_SECS],
    )
}
