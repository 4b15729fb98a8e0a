//! The bulk path (`open_for_seeding`: no journal, the planner blind to bound values, the search
//! index and most indexes built at the end) must give the database the plain path gives: a
//! serving connection with every index and the search triggers in place from the start.

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::sandbox::api::extract::key_hash;
use crate::sandbox::{db, seed};

const NOW: i64 = 1_790_000_000;
const CASES: usize = 150;

fn users(conn: &Connection) {
    for u in seed::USERS {
        conn.execute(
            "INSERT INTO users (user_id, name, email, title, role, key_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![u.user_id, u.name, u.email, u.title, u.role.as_str(), key_hash(u.user_id).to_vec()],
        )
        .unwrap();
    }
}

/// Every row of every table (the search index's own tables aside), in rowid order, and what the
/// search index finds for each part of each case's search text.
fn contents(conn: &Connection) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'cases_fts%' \
             AND name NOT LIKE 'sqlite_%' AND name != 'meta' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in &tables {
        out.push(format!("== {t}"));
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let row: Vec<Value> = (0..n).map(|i| r.get(i).unwrap()).collect();
            out.push(format!("{row:?}"));
        }
    }
    let texts: Vec<(i64, String)> = conn
        .prepare("SELECT id, search_text FROM cases ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut find = conn
        .prepare(
            "SELECT group_concat(rowid) FROM (SELECT rowid FROM cases_fts WHERE cases_fts \
             MATCH ?1 ORDER BY rowid)",
        )
        .unwrap();
    for (id, text) in texts {
        for part in text.split('\u{1f}').filter(|p| p.chars().count() >= 3) {
            let phrase = format!("\"{}\"", part.replace('"', "\"\""));
            let hits: Option<String> = find.query_row([&phrase], |r| r.get(0)).unwrap();
            out.push(format!("{id} {phrase} -> {hits:?}"));
        }
    }
    out
}

#[test]
fn the_bulk_path_seeds_what_the_plain_path_seeds() {
    let dir = tempfile::tempdir().unwrap();

    let bulk = db::open_for_seeding(&dir.path().join("bulk.db")).unwrap();
    let tx = bulk.unchecked_transaction().unwrap();
    users(&tx);
    let bulk_stats = seed::seed(&tx, CASES, 7, NOW).unwrap();
    tx.commit().unwrap();
    db::finish_seeding(&bulk).unwrap();

    let plain = db::open_writer(&dir.path().join("plain.db")).unwrap();
    db::create_indexes(&plain).unwrap();
    let tx = plain.unchecked_transaction().unwrap();
    users(&tx);
    let plain_stats = seed::seed(&tx, CASES, 7, NOW).unwrap();
    tx.commit().unwrap();

    assert_eq!(format!("{bulk_stats:?}"), format!("{plain_stats:?}"));
    let (b, p) = (contents(&bulk), contents(&plain));
    assert!(b.iter().any(|l| l.starts_with("== cases")) && b.len() > 1000);
    assert_eq!(b.len(), p.len());
    for (b, p) in b.iter().zip(&p) {
        assert_eq!(b, p);
    }
    bulk.execute(
        "INSERT INTO cases_fts(cases_fts) VALUES ('integrity-check')",
        [],
    )
    .unwrap();
}
