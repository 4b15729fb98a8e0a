//! Entries filed under a key their writer derived rather than a fresh one: an import's rows,
//! whose key comes from the file and the row. Writing the same rows again (a re-run after a
//! crash or `kill -9`) finds the entries the first run left instead of adding a second copy,
//! and sends again with the same key what had landed or been refused, so the server replays
//! its answer or names what it already holds.

use rusqlite::{OptionalExtension, params};

use super::{EntryState, Store, now_ms};
use crate::domain::review::Submission;
use crate::sync::identity::Author;

/// One submission to file under its own key.
#[derive(Clone, Copy, Debug)]
pub struct Keyed<'a> {
    pub title: &'a str,
    pub submission: &'a Submission,
    pub case: Option<&'a str>,
    pub key: &'a str,
}

/// What filing it found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filed {
    /// Written now.
    New(i64),
    /// An earlier run left it waiting: it goes out as it is.
    Waiting(i64),
    /// An earlier run saw it land or be refused: it goes out again with the same key.
    Again(i64),
    /// Another identity wrote an entry under this key: only its author sends it.
    Held { id: i64, author: String },
}

impl Filed {
    /// The entry it names.
    pub fn id(&self) -> i64 {
        match self {
            Filed::New(id) | Filed::Waiting(id) | Filed::Again(id) | Filed::Held { id, .. } => *id,
        }
    }
}

impl Store {
    /// Files every submission under its key as this identity, in one transaction (committed
    /// before it returns, like [`Store::enqueue`]), in order.
    pub fn enqueue_keyed(&self, items: &[Keyed<'_>]) -> rusqlite::Result<Vec<Filed>> {
        let tx = self.conn.unchecked_transaction()?;
        let now = now_ms();
        let i = &self.identity;
        let mut filed = Vec::with_capacity(items.len());
        for item in items {
            let json = serde_json::to_string(item.submission)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            let found = tx
                .query_row(
                    "SELECT id, state, key_fp, author_id, author_name FROM outbox \
                     WHERE idempotency_key = ?1",
                    [item.key],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            EntryState::parse(&r.get::<_, String>(1)?),
                            Author {
                                key_fp: r.get(2)?,
                                user_id: r.get(3)?,
                                user_name: r.get(4)?,
                            },
                        ))
                    },
                )
                .optional()?;
            filed.push(match found {
                Some((id, _, author)) if !i.owns(&author) => Filed::Held {
                    id,
                    author: author.display(),
                },
                Some((id, EntryState::Pending, _)) => Filed::Waiting(id),
                Some((id, _, _)) => {
                    tx.execute(
                        "UPDATE outbox SET state = 'pending', submission = ?2, title = ?3, \
                         last_error = NULL, next_attempt_at = ?4, done_at = NULL WHERE id = ?1",
                        params![id, json, item.title, now],
                    )?;
                    Filed::Again(id)
                }
                None => {
                    tx.execute(
                        "INSERT INTO outbox (profile, idempotency_key, title, submission, state, \
                         created_at, next_attempt_at, key_fp, author_id, author_name, case_token) \
                         VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5, ?6, ?7, ?8, ?9)",
                        params![
                            i.profile,
                            item.key,
                            item.title,
                            json,
                            now,
                            i.key_fp,
                            i.user_id,
                            i.user_name,
                            item.case.filter(|c| !c.is_empty()),
                        ],
                    )?;
                    Filed::New(tx.last_insert_rowid())
                }
            });
        }
        tx.commit()?;
        Ok(filed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::Submission;
    use crate::sync::identity::Identity;

    fn create(reference: &str) -> Submission {
        Submission::CreateCase {
            body: serde_json::json!({ "external_reference": reference }),
            reference: Some(reference.into()),
        }
    }

    #[test]
    fn filing_the_same_keys_again_finds_each_entry_instead_of_adding_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.db");
        let me = Identity::new("sandbox", "fp-me");
        let store = Store::open(&path, &me).unwrap();
        let subs: Vec<Submission> = ["r1", "r2", "r3"].into_iter().map(create).collect();
        let keys = ["k1", "k2", "k3"];
        let items: Vec<Keyed> = subs
            .iter()
            .zip(keys)
            .map(|(s, key)| Keyed {
                title: "New case",
                submission: s,
                case: None,
                key,
            })
            .collect();
        let first = store.enqueue_keyed(&items).unwrap();
        assert!(
            first.iter().all(|f| matches!(f, Filed::New(_))),
            "{first:?}"
        );

        // One landed, one was refused, one still waits; then the same file is filed again.
        store
            .record(first[0].id(), EntryState::Done, None, 0)
            .unwrap();
        store
            .record(first[1].id(), EntryState::Failed, None, 0)
            .unwrap();
        let again = store.enqueue_keyed(&items).unwrap();
        assert_eq!(
            again,
            vec![
                Filed::Again(first[0].id()),
                Filed::Again(first[1].id()),
                Filed::Waiting(first[2].id()),
            ]
        );
        let open = store.open_entries().unwrap();
        assert_eq!(open.len(), 3, "each key once, all pending again");
        assert!(open.iter().all(|e| e.state == EntryState::Pending));

        // Another key's author finds them held, and neither takes nor copies them.
        let other = Store::open(&path, &Identity::new("sandbox", "fp-other")).unwrap();
        let theirs = other.enqueue_keyed(&items[..1]).unwrap();
        assert!(matches!(theirs[0], Filed::Held { id, .. } if id == first[0].id()));
        assert_eq!(other.open_entries().unwrap().len(), 3);
    }
}
