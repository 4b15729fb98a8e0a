//! The urgency order read along its indexes: the same rows in the same order as the plain
//! expression, and an index range (not a scan) at any depth.

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::read::{URGENCY_SPLIT, URGENCY_SQL, case_filters};
use crate::sandbox::api::extract::{Params, key_hash};
use crate::sandbox::api::list;
use crate::sandbox::{db, seed};

const NOW: i64 = 1_790_000_000;

fn seeded(dir: &tempfile::TempDir, cases: usize) -> Connection {
    let path = dir.path().join("walk.db");
    let conn = db::open_for_seeding(&path).unwrap();
    for u in seed::USERS {
        conn.execute(
            "INSERT INTO users (user_id, name, email, title, role, key_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![u.user_id, u.name, u.email, u.title, u.role.as_str(), key_hash(u.user_id).to_vec()],
        )
        .unwrap();
    }
    seed::seed(&conn, cases, 11, NOW).unwrap();
    // A pause in the future of the clock (a clock set back): the third part of the split.
    conn.execute(
        "UPDATE cases SET sla_paused_at = ?1 WHERE id IN (SELECT id FROM cases WHERE sla_paused_at IS NOT NULL LIMIT 3)",
        [NOW + 7200],
    )
    .unwrap();
    db::finish_seeding(&conn).unwrap();
    conn
}

fn params(pairs: &[(&str, &str)]) -> Params {
    Params(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// Every token of a walk, page by page, through the list code the API serves.
fn walk(conn: &Connection, pairs: &[(&str, &str)]) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut p = pairs.to_vec();
        if let Some(c) = &cursor {
            p.push(("cursor", c));
        }
        let p = params(&p);
        let spec = case_filters(&p, NOW).unwrap();
        let page = list::run(conn, spec, &p, NOW, |r, _| r.get::<_, String>("token")).unwrap();
        tokens.extend(page.items);
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => return tokens,
        }
    }
}

fn plain(conn: &Connection, filter: &str, dir: &str) -> Vec<String> {
    let expr = URGENCY_SQL.replace(":now", &format!("({NOW})"));
    conn.prepare(&format!(
        "SELECT c.token FROM cases c WHERE {filter} ORDER BY ({expr}) {dir}, c.id {dir}"
    ))
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn the_split_walk_returns_the_plain_order() {
    let dir = tempfile::tempdir().unwrap();
    let conn = seeded(&dir, 600);
    let paused: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM cases WHERE sla_paused_at IS NOT NULL AND sla_paused_at <= ?1",
            [NOW],
            |r| r.get(0),
        )
        .unwrap();
    assert!(paused > 5, "the seed pauses some cases ({paused})");

    let all = walk(&conn, &[("sort", "urgency"), ("limit", "37")]);
    assert_eq!(all.len(), 600);
    assert_eq!(all, plain(&conn, "1", "ASC"));

    let desc = walk(&conn, &[("sort", "-urgency"), ("limit", "50")]);
    assert_eq!(desc, plain(&conn, "1", "DESC"));

    let open = walk(
        &conn,
        &[
            ("sort", "urgency"),
            ("limit", "20"),
            ("status", "Client Input,In Review"),
        ],
    );
    assert_eq!(
        open,
        plain(&conn, "c.status IN ('Client Input', 'In Review')", "ASC")
    );
}

#[test]
fn a_deep_page_is_an_index_range_in_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let conn = seeded(&dir, 400);
    let p = params(&[("sort", "urgency")]);
    let spec = case_filters(&p, NOW).unwrap();
    let (sql, binds) = list::split_page(
        &spec,
        &URGENCY_SPLIT[0],
        NOW,
        false,
        101,
        Some(SqlValue::Integer(NOW + 86_400)),
        200,
    );
    let plan: Vec<String> = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map(rusqlite::params_from_iter(binds.iter()), |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let reads: Vec<&String> = plan.iter().filter(|l| l.contains(" c ")).collect();
    assert_eq!(reads.len(), 3, "one read per part: {plan:#?}");
    for (read, index) in
        reads
            .iter()
            .zip(["cases_urgency ", "cases_urgency_paused ", "cases_paused "])
    {
        assert!(
            read.starts_with("SEARCH c USING INDEX ") && read.contains(index),
            "expected a range on {index}: {plan:#?}"
        );
    }
}
