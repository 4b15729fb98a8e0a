//! Cursor pagination for every list endpoint.
//!
//! Pages are cut by keyset (the sort value and the row id of the last item), so a walk returns
//! each row exactly once even while rows are added. Sort expressions that depend on the clock
//! (the SLA deadline of a paused case moves with time) are evaluated at the instant of the first
//! page, which the cursor carries, so the order cannot shift under a walk.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row};
use serde::{Deserialize, Serialize};

use axum::http::HeaderMap;
use axum::response::Response;

use super::ApiError;
use super::extract::Params;
use super::render::{PageMeta, get_response, read_clock};
use crate::sandbox::db::Db;
use crate::sandbox::store;

pub const DEFAULT_LIMIT: i64 = 25;
pub const MAX_LIMIT: i64 = 100;

/// What a list query selects, from where, filtered how, sortable by what.
pub struct ListSpec<'a> {
    /// Select list (without the sort and id columns, which are added).
    pub columns: &'a str,
    /// FROM clause, joins included.
    pub from: &'a str,
    /// The FROM clause without joins, when the filters and sorts use only its table: counting
    /// and ordering then read narrow rows (and covering indexes), and only the page's rows are
    /// joined.
    pub narrow: Option<&'a str>,
    /// The unique row id used to break ties, e.g. `c.id`.
    pub id: &'a str,
    /// WHERE fragments, ANDed; `?` placeholders bound from `params` in order.
    pub filters: Vec<String>,
    pub params: Vec<SqlValue>,
    /// Sorts the client may ask for: (name, SQL expression). `:now` in an expression stands for
    /// the page's clock.
    pub sorts: &'a [(&'a str, &'a str)],
    /// Sort used when none is given, e.g. `-created_at`.
    pub default_sort: &'a str,
    /// Sorts an index cannot serve as one expression (they read the clock), each cut into
    /// parts an index can serve: see [`Split`].
    pub splits: &'a [Split<'a>],
}

/// A sort cut into disjoint parts that together cover every row. On the rows of a part the
/// sort's value is `key + plus`, where `key` is what the part's index is built on and `plus` is
/// constant for the page (a number, or `:now`). Each part is then one index range, and the page
/// merges a page from each: no scan of the table and no sort of it, however deep the page.
pub struct Split<'a> {
    pub sort: &'a str,
    pub parts: &'a [Part<'a>],
}

pub struct Part<'a> {
    /// Which rows, e.g. `c.sla_paused_at IS NULL` (also the condition of its partial index).
    pub when: &'a str,
    /// The indexed expression the part is ordered by.
    pub key: &'a str,
    /// What the sort's value adds to `key` on this part: `0` or `:now`.
    pub plus: &'a str,
}

impl ListSpec<'_> {
    pub fn filter(&mut self, sql: impl Into<String>, params: impl IntoIterator<Item = SqlValue>) {
        self.filters.push(sql.into());
        self.params.extend(params);
    }

    /// `col IN (...)` over the values of an enum query parameter, checked against the enum.
    pub fn filter_enum<T: std::str::FromStr + std::fmt::Display>(
        &mut self,
        col: &'static str,
        params: &Params,
        name: &str,
    ) -> Result<(), ApiError>
    where
        T::Err: std::fmt::Display,
    {
        self.filter_in(col, params.enum_values::<T>(name)?);
        Ok(())
    }

    /// `col IN (?, ?, ...)` for a non-empty list of values. `col` is written into the SQL, so
    /// it is a name fixed in the code; the values are bound.
    pub fn filter_in(&mut self, col: &'static str, values: Vec<SqlValue>) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.filter(format!("{col} IN ({marks})"), values);
    }
}

/// Restricts a list to the children of one parent row, found by its token.
pub struct Parent {
    pub table: &'static str,
    pub what: &'static str,
    pub column: &'static str,
    pub token: String,
}

/// Runs one page of `spec` (within `parent`, if given) and answers it as a conditional GET.
pub async fn respond<T, M>(
    db: &Db,
    headers: &HeaderMap,
    params: Params,
    mut spec: ListSpec<'static>,
    parent: Option<Parent>,
    map: M,
) -> Result<Response, ApiError>
where
    T: Serialize + Send + 'static,
    M: Fn(&Row<'_>, i64) -> rusqlite::Result<T> + Send + 'static,
{
    let page = db
        .read(move |conn| {
            if let Some(p) = parent {
                let id = store::id_of(conn, p.table, &p.token)?
                    .ok_or_else(|| ApiError::not_found(p.what, &p.token))?;
                spec.filter(format!("{} = ?", p.column), [SqlValue::Integer(id)]);
            }
            run(conn, spec, &params, read_clock(), map)
        })
        .await?;
    Ok(get_response(
        headers,
        &page.items,
        Some(&PageMeta::from(&page)),
    ))
}

/// One page of results.
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursor: Option<String>,
    pub has_more: bool,
    pub total: i64,
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    /// The sort it was issued for.
    s: String,
    /// Sort value of the last row returned.
    v: CursorValue,
    /// Id of the last row returned.
    i: i64,
    /// The clock of the first page.
    n: i64,
    /// The number of matching rows, counted at the first page: counting again on every page
    /// would read the whole table each time, and a walk reports one total anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<i64>,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum CursorValue {
    Int(i64),
    Real(f64),
    Text(String),
    Null,
}

impl From<CursorValue> for SqlValue {
    fn from(v: CursorValue) -> Self {
        match v {
            CursorValue::Int(i) => SqlValue::Integer(i),
            CursorValue::Real(r) => SqlValue::Real(r),
            CursorValue::Text(t) => SqlValue::Text(t),
            CursorValue::Null => SqlValue::Null,
        }
    }
}

impl From<SqlValue> for CursorValue {
    fn from(v: SqlValue) -> Self {
        match v {
            SqlValue::Integer(i) => CursorValue::Int(i),
            SqlValue::Real(r) => CursorValue::Real(r),
            SqlValue::Text(t) => CursorValue::Text(t),
            SqlValue::Null | SqlValue::Blob(_) => CursorValue::Null,
        }
    }
}

/// Reads `limit` (1..=100, default 25).
pub fn limit(params: &Params) -> Result<i64, ApiError> {
    match params.str("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::validation(
                "limit",
                format!("must be an integer from 1 to {MAX_LIMIT}, got {v:?}"),
            )),
        },
    }
}

/// Runs one page of `spec` as asked by `params` (`cursor`, `limit`, `sort`).
pub fn run<T>(
    conn: &Connection,
    mut spec: ListSpec<'_>,
    params: &Params,
    now: i64,
    map: impl Fn(&Row<'_>, i64) -> rusqlite::Result<T>,
) -> Result<Page<T>, ApiError> {
    let limit = limit(params)?;
    // `+name` and `name` are the same sort; the cursor remembers the canonical spelling.
    let asked = params.str("sort").unwrap_or(spec.default_sort);
    let sort_text = asked.strip_prefix('+').unwrap_or(asked).to_string();
    let (desc, sort_name) = match sort_text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sort_text.as_str()),
    };
    let expr = spec
        .sorts
        .iter()
        .find(|(name, _)| *name == sort_name)
        .map(|(_, e)| *e)
        .ok_or_else(|| {
            let names: Vec<&str> = spec.sorts.iter().map(|(n, _)| *n).collect();
            ApiError::validation(
                "sort",
                format!(
                    "unknown sort {sort_name:?}; expected one of {} (prefix - for descending)",
                    names.join(", ")
                ),
            )
        })?;

    let cursor = match params.str("cursor") {
        None => None,
        Some(c) => {
            let c: Cursor = URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(|| ApiError::validation("cursor", "is not a cursor this API issued"))?;
            // The clock is written into the SQL (below); only an instant this API could have
            // issued is accepted.
            if !(0..=now).contains(&c.n) {
                return Err(ApiError::validation(
                    "cursor",
                    "is not a cursor this API issued",
                ));
            }
            if c.s != sort_text {
                return Err(ApiError::validation(
                    "cursor",
                    format!("was issued for sort {:?}, not {sort_text:?}", c.s),
                ));
            }
            Some(c)
        }
    };
    let clock = cursor.as_ref().map_or(now, |c| c.n);
    // An integer in parentheses: the sort expressions come from the whitelist above, and the
    // clock, checked to be an instant, cannot become SQL syntax (`x-:now` with -5 would be `--`).
    let expr = expr.replace(":now", &format!("({clock})"));

    let where_all = if spec.filters.is_empty() {
        "1".to_string()
    } else {
        spec.filters.join(" AND ")
    };
    let key_from = spec.narrow.unwrap_or(spec.from);
    let total: i64 = match cursor.as_ref().and_then(|c| c.t) {
        Some(t) => t,
        None => conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM {key_from} WHERE {where_all}"
            ))?
            .query_row(rusqlite::params_from_iter(spec.params.iter()), |r| r.get(0))?,
    };

    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let split = spec
        .splits
        .iter()
        .find(|s| s.sort == sort_name)
        .filter(|_| spec.narrow.is_some());
    let mut keyset: Option<SqlValue> = None;
    let mut after_id = 0;
    if let Some(c) = cursor.as_ref().filter(|_| split.is_some()) {
        keyset = Some(c.v.clone().into());
        after_id = c.i;
    } else if let Some(c) = cursor.as_ref() {
        spec.filters.push(format!(
            "(({expr}) {cmp} ? OR (({expr}) = ? AND {id} {cmp} ?))",
            id = spec.id
        ));
        let v: SqlValue = c.v.clone().into();
        spec.params.push(v.clone());
        spec.params.push(v);
        spec.params.push(SqlValue::Integer(c.i));
    }
    let where_page = spec.filters.join(" AND ");
    let where_page = if where_page.is_empty() {
        "1".into()
    } else {
        where_page
    };
    let mut items = Vec::with_capacity(limit as usize);
    let mut last: Option<(SqlValue, i64)> = None;
    let mut has_more = false;
    if spec.narrow.is_some() {
        // Phase 1: order narrow rows; phase 2: join and map only the page.
        let (sql, params) = match split {
            Some(split) => split_page(&spec, split, clock, desc, limit + 1, keyset, after_id),
            None => (
                format!(
                    "SELECT ({expr}) AS sort_value__, {id} AS row_id__ FROM {key_from} \
                     WHERE {where_page} ORDER BY ({expr}) {dir}, {id} {dir} LIMIT {lim}",
                    id = spec.id,
                    lim = limit + 1,
                ),
                spec.params.clone(),
            ),
        };
        let mut keys: Vec<(SqlValue, i64)> = conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        if keys.len() as i64 > limit {
            has_more = true;
            keys.truncate(limit as usize);
        }
        if !keys.is_empty() {
            let marks = vec!["?"; keys.len()].join(", ");
            let sql = format!(
                "SELECT {cols}, {id} AS row_id__ FROM {from} WHERE {id} IN ({marks})",
                cols = spec.columns,
                id = spec.id,
                from = spec.from,
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            // `row_id__` is the last column (by position: a lookup by name reads every name).
            let id_at = stmt.column_count() - 1;
            let mut rows = stmt.query(rusqlite::params_from_iter(keys.iter().map(|(_, id)| id)))?;
            let mut by_id = std::collections::HashMap::with_capacity(keys.len());
            while let Some(row) = rows.next()? {
                by_id.insert(row.get::<_, i64>(id_at)?, map(row, now)?);
            }
            for (_, id) in &keys {
                if let Some(item) = by_id.remove(id) {
                    items.push(item);
                }
            }
        }
        last = keys.pop();
    } else {
        let sql = format!(
            "SELECT {cols}, ({expr}) AS sort_value__, {id} AS row_id__ FROM {from} WHERE {where_page} \
             ORDER BY ({expr}) {dir}, {id} {dir} LIMIT {lim}",
            cols = spec.columns,
            id = spec.id,
            from = spec.from,
            lim = limit + 1,
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(spec.params.iter()))?;
        while let Some(row) = rows.next()? {
            if items.len() as i64 == limit {
                has_more = true;
                break;
            }
            items.push(map(row, now)?);
            last = Some((row.get("sort_value__")?, row.get("row_id__")?));
        }
    }
    let cursor = match (has_more, last) {
        (true, Some((v, i))) => {
            let c = Cursor {
                s: sort_text.clone(),
                v: v.into(),
                i,
                n: clock,
                t: Some(total),
            };
            Some(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap_or_default()))
        }
        _ => None,
    };
    Ok(Page {
        items,
        cursor,
        has_more,
        total,
    })
}

/// The first page of keys of a split sort: each part's page read along its own index, merged.
/// `filters` and their parameters apply to every part; the keyset (`after`, `after_id`) is
/// moved into each part's key by subtracting the part's `plus`.
pub(crate) fn split_page(
    spec: &ListSpec<'_>,
    split: &Split<'_>,
    clock: i64,
    desc: bool,
    lim: i64,
    after: Option<SqlValue>,
    after_id: i64,
) -> (String, Vec<SqlValue>) {
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let from = spec.narrow.unwrap_or(spec.from);
    let id = spec.id;
    let mut params = Vec::new();
    let mut selects = Vec::new();
    for part in split.parts {
        let plus = part.plus.replace(":now", &format!("({clock})"));
        let key = part.key.replace(":now", &format!("({clock})"));
        let when = part.when.replace(":now", &format!("({clock})"));
        let mut wheres: Vec<String> = spec.filters.clone();
        wheres.push(when);
        params.extend(spec.params.iter().cloned());
        if let Some(v) = &after {
            // `key >= v AND (key > v OR id > i)`: the first term is a range on the part's
            // expression index, which SQLite does not make of a row value over an expression.
            let bound = if part.plus == "0" {
                "?".to_string()
            } else {
                format!("(? - {plus})")
            };
            wheres.push(format!(
                "({key}) {cmp}= {bound} AND (({key}) {cmp} {bound} OR {id} {cmp} ?)"
            ));
            params.extend([v.clone(), v.clone(), SqlValue::Integer(after_id)]);
        }
        selects.push(format!(
            "SELECT * FROM (SELECT ({key}) + {plus} AS sort_value__, {id} AS row_id__ FROM {from} \
             WHERE {} ORDER BY ({key}) {dir}, {id} {dir} LIMIT {lim})",
            wheres.join(" AND ")
        ));
    }
    let sql = format!(
        "SELECT sort_value__, row_id__ FROM ({}) ORDER BY sort_value__ {dir}, row_id__ {dir} LIMIT {lim}",
        selects.join(" UNION ALL ")
    );
    (sql, params)
}
