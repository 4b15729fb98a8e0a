//! The HTTP surface of the sandbox: a Zenoo-compatible case-management API.
//!
//! Layout: `mod.rs` wires the router and the cross-cutting layers (request ids, latency and
//! fault injection); `limits` holds the rate limit and the request deadline; `extract` turns
//! requests into checked inputs (the body size limit included); `list` implements cursor
//! pagination; `write` runs every change in one transaction with idempotency; one module per
//! resource holds its handlers and SQL.

pub mod alerts;
pub mod audit;
pub mod cases;
pub mod checks;
pub mod entities;
pub mod error;
pub mod extract;
pub mod limits;
pub mod list;
pub mod render;
pub mod risk;
pub mod users;
pub mod write;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rand::RngExt;

use super::db::Db;
use crate::domain::UserRole;
pub use error::ApiError;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served (empty outside a request).
pub fn request_id() -> String {
    REQUEST_ID.try_with(|id| id.clone()).unwrap_or_default()
}

/// A sandbox user, as authenticated from its API key.
#[derive(Clone, Debug)]
pub struct User {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub title: String,
    pub role: UserRole,
}

/// Fault injection for resilience tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    /// Fraction of write requests answered with 503; half of those after the change committed.
    pub fail_rate: f64,
    /// Delay added to every response.
    pub latency: Duration,
    /// Extra delay before a write is handled (tests use it to kill a client mid-request).
    pub write_latency: Duration,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Users by SHA-256 of their API key.
    pub users_by_key: Arc<HashMap<[u8; 32], User>>,
    /// Users by id.
    pub users: Arc<HashMap<String, User>>,
    pub faults: Faults,
}

/// Builds the router with every route and layer: `limiter` (if any) caps each caller's rate,
/// and no request may take longer than `request_timeout`.
pub fn router(
    state: AppState,
    limiter: Option<Arc<limits::Limiter>>,
    request_timeout: Duration,
) -> Router {
    let v1 = Router::new()
        .route("/me", get(users::me))
        .route("/users", get(users::list))
        .route("/cases", get(cases::list).post(cases::create))
        .route(
            "/cases/{case_token}",
            get(cases::get_one).patch(cases::patch),
        )
        .route("/cases/{case_token}/close", post(cases::close))
        .route("/cases/{case_token}/escalate", post(cases::escalate))
        .route(
            "/cases/{case_token}/reviewers",
            get(cases::list_reviewers).post(cases::add_reviewer),
        )
        .route(
            "/cases/{case_token}/reviewers/{reviewer_token}/approve",
            post(cases::approve_reviewer),
        )
        .route(
            "/cases/{case_token}/reviewers/{reviewer_token}/reject",
            post(cases::reject_reviewer),
        )
        .route(
            "/cases/{case_token}/comments",
            get(cases::list_comments).post(cases::add_comment),
        )
        .route("/cases/{case_token}/entities", post(entities::add_to_case))
        .route("/cases/{case_token}/timeline", get(audit::case_timeline))
        .route("/cases/{case_token}/checks", get(checks::list_for_case))
        .route("/cases/{case_token}/risk-assessment", get(risk::current))
        .route(
            "/cases/{case_token}/risk-assessments",
            post(risk::recalculate),
        )
        .route(
            "/cases/{case_token}/compliance-report",
            get(cases::compliance_report),
        )
        .route("/entities", get(entities::list).post(entities::create))
        .route(
            "/entities/{entity_token}",
            get(entities::get_one).patch(entities::patch),
        )
        .route(
            "/entities/{entity_token}/alerts",
            get(alerts::list_for_entity),
        )
        .route(
            "/entities/{entity_token}/checks",
            get(checks::list_for_entity),
        )
        .route("/alerts", get(alerts::list))
        .route("/alerts/bulk/resolve", post(alerts::bulk_resolve))
        .route("/alerts/bulk/acknowledge", post(alerts::bulk_acknowledge))
        .route("/alerts/bulk/assign", post(alerts::bulk_assign))
        .route("/alerts/{alert_token}", get(alerts::get_one))
        .route("/alerts/{alert_token}/resolve", post(alerts::resolve))
        .route("/alerts/{alert_token}/escalate", post(alerts::escalate))
        .route("/risk-assessments/{assessment_token}", get(risk::get_one))
        .route(
            "/risk-assessments/{assessment_token}/override",
            post(risk::override_tier),
        )
        .route(
            "/risk-assessments/{assessment_token}/approve",
            post(risk::approve),
        )
        .route("/checks/{check_token}", get(checks::get_one))
        .route("/checks/{check_token}/waive", post(checks::waive))
        .route("/audit-logs", get(audit::list))
        .route(
            "/audit-logs/{audit_token}",
            get(audit::get_one)
                .put(audit::immutable)
                .patch(audit::immutable)
                .delete(audit::immutable),
        );

    let mut app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/v1", v1)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), faults))
        // A bug in a handler answers 500 in the usual shape instead of dropping the connection;
        // its transaction was rolled back when the panic unwound through it.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(middleware::from_fn_with_state(
            request_timeout,
            limits::deadline,
        ));
    // Outside the deadline, so a refused request costs nothing but the check.
    if let Some(limiter) = limiter {
        app = app.layer(middleware::from_fn_with_state(limiter, limits::rate_limit));
    }
    app.layer(middleware::from_fn(with_request_id))
        .with_state(state)
}

fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = what, "handler panicked");
    ApiError::internal("The sandbox hit an internal error; nothing was changed.").into_response()
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("No route for {method} {}.", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("{method} is not allowed on {}.", uri.path()),
    )
}

/// A fresh request id: `req_` and 16 base-62 characters.
pub fn new_request_id() -> String {
    format!("req_{}", random_alnum(16))
}

/// Random base-62 text from the thread RNG.
pub fn random_alnum(n: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

async fn with_request_id(req: Request, next: Next) -> Response {
    let id = new_request_id();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    tracing::debug!(
        request_id = %id, %method, %path, status = resp.status().as_u16(),
        micros = started.elapsed().as_micros() as u64, "request"
    );
    resp
}

fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PATCH | Method::PUT | Method::DELETE
    )
}

/// Latency and failure injection. A failure either happens before the handler runs (nothing
/// changes) or after it committed (the change stands but the client sees 503), half each.
async fn faults(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let f = state.faults;
    if !f.latency.is_zero() {
        tokio::time::sleep(f.latency).await;
    }
    if !f.write_latency.is_zero() && is_write(req.method()) {
        tokio::time::sleep(f.write_latency).await;
    }
    if f.fail_rate <= 0.0 || !is_write(req.method()) || !req.uri().path().starts_with("/v1/") {
        return next.run(req).await;
    }
    let roll: f64 = rand::rng().random();
    if roll < f.fail_rate / 2.0 {
        return ApiError::unavailable("Injected failure before the change (--fail-rate).")
            .into_response();
    }
    let resp = next.run(req).await;
    // Only a change that happened can be "lost" after its commit; errors pass through.
    if roll < f.fail_rate && resp.status().is_success() {
        return ApiError::unavailable("Injected failure after the change committed (--fail-rate).")
            .into_response();
    }
    resp
}
