//! `GET /v1/me` and `GET /v1/users` (sandbox extensions: Zenoo documents no user endpoints).

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::extract::Ctx;
use super::render::{PageMeta, get_response};
use super::{ApiError, AppState, User};

#[derive(Serialize)]
pub struct UserOut<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub title: &'a str,
    pub role: &'a str,
    pub can_write: bool,
}

impl<'a> From<&'a User> for UserOut<'a> {
    fn from(u: &'a User) -> Self {
        UserOut {
            id: &u.user_id,
            user_id: &u.user_id,
            name: &u.name,
            email: &u.email,
            title: &u.title,
            role: u.role.as_str(),
            can_write: u.role.can_write(),
        }
    }
}

pub async fn me(ctx: Ctx) -> Response {
    get_response(&ctx.headers, &UserOut::from(&ctx.user), None)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let mut users: Vec<&User> = state.users.values().collect();
    users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    let out: Vec<UserOut<'_>> = users.into_iter().map(UserOut::from).collect();
    let meta = PageMeta {
        cursor: None,
        has_more: false,
        total: Some(out.len() as i64),
    };
    Ok(get_response(&ctx.headers, &out, Some(&meta)))
}
