//! A case's comment thread: listing (paginated, by type) and adding, with mentions checked
//! against the users.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{MAX_COMMENT, state_of};
use crate::domain::CommentType;
use crate::sandbox::api::extract::{Body, Ctx, Params, Path, text};
use crate::sandbox::api::list::{self, ListSpec, Parent};
use crate::sandbox::api::render::{json_col, ts};
use crate::sandbox::api::write::apply;
use crate::sandbox::api::{ApiError, AppState, audit, random_alnum};
use crate::sandbox::store;

#[derive(Serialize)]
pub struct Author {
    pub user_id: String,
    pub name: String,
    pub initials: String,
}

#[derive(Serialize)]
pub struct CommentOut {
    pub token: String,
    pub case_token: String,
    pub author: Author,
    #[serde(rename = "type")]
    pub comment_type: String,
    pub body: String,
    pub mentions: Value,
    pub reactions: Vec<Value>,
    pub created_at: String,
    pub updated_at: String,
}

pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

const COMMENT_COLS: &str = "m.token, c.token AS case_token, m.author_id, COALESCE(u.name, m.author_id) AS author_name, \
    m.type, m.body, m.mentions, m.created_at, m.updated_at";
const COMMENT_FROM: &str =
    "comments m JOIN cases c ON c.id = m.case_id LEFT JOIN users u ON u.user_id = m.author_id";
const COMMENT_SORTS: &[(&str, &str)] = &[("created_at", "m.created_at")];

fn comment_row(r: &Row<'_>, _now: i64) -> rusqlite::Result<CommentOut> {
    let name: String = r.get("author_name")?;
    Ok(CommentOut {
        token: r.get("token")?,
        case_token: r.get("case_token")?,
        author: Author {
            user_id: r.get("author_id")?,
            initials: initials(&name),
            name,
        },
        comment_type: r.get("type")?,
        body: r.get("body")?,
        mentions: json_col(&r.get::<_, String>("mentions")?),
        reactions: vec![],
        created_at: ts(r.get("created_at")?),
        updated_at: ts(r.get("updated_at")?),
    })
}

pub async fn list_comments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let mut spec = ListSpec {
        columns: COMMENT_COLS,
        from: COMMENT_FROM,
        narrow: None,
        id: "m.id",
        filters: vec![],
        params: vec![],
        sorts: COMMENT_SORTS,
        default_sort: "created_at",
        splits: &[],
    };
    spec.filter_enum::<CommentType>("m.type", &params, "type")?;
    let parent = Parent {
        table: "cases",
        what: "case",
        column: "m.case_id",
        token,
    };
    list::respond(
        &state.db,
        &ctx.headers,
        params,
        spec,
        Some(parent),
        comment_row,
    )
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AddComment {
    pub body: Option<String>,
    #[serde(rename = "type")]
    pub comment_type: Option<CommentType>,
    pub mentions: Option<Vec<String>>,
}

pub async fn add_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    body: Body<AddComment>,
) -> Result<Response, ApiError> {
    let b = body.value;
    text("body", &b.body, MAX_COMMENT, true)?;
    let kind = b.comment_type.unwrap_or(CommentType::Comment);
    if kind == CommentType::System {
        return Err(ApiError::validation(
            "type",
            "System is reserved for generated entries",
        ));
    }
    let mentions = b.mentions.clone().unwrap_or_default();
    if mentions.len() > 50 {
        return Err(ApiError::validation("mentions", "at most 50 users"));
    }
    for (i, m) in mentions.iter().enumerate() {
        if !state.users.contains_key(m) {
            return Err(ApiError::validation(
                &format!("mentions[{i}]"),
                format!("no user with id {m:?}"),
            ));
        }
    }
    apply(&state, &ctx, &body.hash, StatusCode::CREATED, move |tx, op| {
        let c = state_of(tx, &token)?;
        let ctoken = format!("cmt_{}", random_alnum(12));
        tx.prepare_cached(
            "INSERT INTO comments (token, case_id, author_id, type, body, mentions, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?
        .execute(params![
            ctoken,
            c.id,
            op.actor.user_id,
            kind.as_str(),
            b.body,
            Value::from(mentions.clone()).to_string(),
            op.now
        ])?;
        store::touch_case(tx, c.id, op.now)?;
        audit::record(
            tx,
            op,
            Some(c.id),
            if kind == CommentType::Decision { "DECISION_RECORDED" } else { "COMMENT_ADDED" },
            "comment",
            &ctoken,
            json!({ "after": { "type": kind, "mentions": mentions } }),
        )?;
        let out = tx
            .prepare_cached(&format!("SELECT {COMMENT_COLS} FROM {COMMENT_FROM} WHERE m.token = ?1"))?
            .query_row([&ctoken], |r| comment_row(r, 0))?;
        Ok(serde_json::to_value(out).unwrap_or(Value::Null))
    })
    .await
}
