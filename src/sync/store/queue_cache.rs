//! The last known queue, kept row by row: a whole walk writes each page as it arrives and then
//! drops the rows it did not see; a poll that found ten changed cases writes ten rows. The
//! newest `updated_at` of a queue known whole is kept beside it, so the next start asks the API
//! only for what changed since.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::domain::model::Case;

/// The key, in the small `cache` table, of the queue's watermark (ms since the epoch).
const SINCE: &str = "queue:since";
/// The key of when the queue's rows were last written.
const WRITTEN: &str = "queue:at";
/// The key of when a whole walk last finished.
const WALKED: &str = "queue:walked";
/// A kept queue whose last whole walk is older than this is walked again rather than brought up
/// to date with what changed: changes say nothing of cases that left the queue.
const WALK_AT_LEAST_EVERY_MS: i64 = 24 * 3600 * 1000;
/// Rows decoded at a time.
const CHUNK: usize = 4096;

impl Store {
    /// Keeps these cases (token, JSON) as written by `walk` (a whole walk's id, or 0 for a
    /// poll's changes), in one transaction.
    pub fn queue_cache_put(
        &mut self,
        walk: i64,
        rows: &[(String, String)],
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO queue_cache (profile, token, json, walk) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(profile, token) DO UPDATE SET json = excluded.json, \
                 walk = CASE WHEN excluded.walk = 0 THEN queue_cache.walk ELSE excluded.walk END",
            )?;
            for (token, json) in rows {
                put.execute(params![self.identity.profile, token, json, walk])?;
            }
        }
        tx.execute(
            "INSERT INTO cache (profile, key, json, at) VALUES (?1, ?2, '', ?3) \
             ON CONFLICT(profile, key) DO UPDATE SET at = excluded.at",
            params![self.identity.profile, WRITTEN, super::now_ms()],
        )?;
        tx.commit()
    }

    /// A whole walk finished: the cases it did not see are gone from the queue, and `since`
    /// (ms) is what the next poll asks from. Written last, so a walk cut short (a crash, a
    /// failed page) leaves no watermark and the next start walks again.
    pub fn queue_cache_done(
        &mut self,
        walk: Option<i64>,
        since_ms: Option<i64>,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        if let Some(walk) = walk {
            tx.execute(
                "DELETE FROM queue_cache WHERE profile = ?1 AND walk <> ?2",
                params![self.identity.profile, walk],
            )?;
            tx.execute(
                "INSERT INTO cache (profile, key, json, at) VALUES (?1, ?2, '', ?3) \
                 ON CONFLICT(profile, key) DO UPDATE SET at = excluded.at",
                params![self.identity.profile, WALKED, super::now_ms()],
            )?;
            // The whole queue as one text, as docket kept it before: no longer read.
            tx.execute(
                "DELETE FROM cache WHERE profile = ?1 AND key = 'queue'",
                params![self.identity.profile],
            )?;
        }
        match since_ms {
            Some(ms) => tx.execute(
                "INSERT INTO cache (profile, key, json, at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(profile, key) DO UPDATE SET json = excluded.json, at = excluded.at",
                params![
                    self.identity.profile,
                    SINCE,
                    ms.to_string(),
                    super::now_ms()
                ],
            )?,
            None => tx.execute(
                "DELETE FROM cache WHERE profile = ?1 AND key = ?2",
                params![self.identity.profile, SINCE],
            )?,
        };
        tx.commit()
    }

    /// A walk is starting: until it finishes, the rows are not known whole.
    pub fn queue_cache_forget_since(&mut self) -> rusqlite::Result<()> {
        self.queue_cache_done(None, None)
    }

    /// Every cached case (rows this build cannot read are skipped), when the rows were last
    /// written (ms), and the watermark (ms) if a whole queue was known.
    pub fn queue_cache_get(&self) -> rusqlite::Result<(Vec<Case>, Option<i64>, Option<i64>)> {
        let mut cases = Vec::new();
        let (written, since) = self.queue_cache_read(|chunk| cases.extend(chunk))?;
        Ok((cases, written, since))
    }

    /// [`queue_cache_get`](Store::queue_cache_get), the cases handed to `take` a few thousand at
    /// a time as they are decoded: neither the queue's text nor all its cases are held at once.
    pub fn queue_cache_read(
        &self,
        mut take: impl FnMut(Vec<Case>),
    ) -> rusqlite::Result<(Option<i64>, Option<i64>)> {
        let mut stmt = self
            .conn
            .prepare("SELECT json FROM queue_cache WHERE profile = ?1")?;
        let mut rows = stmt.query(params![self.identity.profile])?;
        let mut whole = true;
        // Read a few thousand rows, decode them on every core while nothing else is read, and
        // so on: the text of the whole queue is never held at once.
        let mut chunk: Vec<String> = Vec::with_capacity(CHUNK);
        let mut decode = |chunk: &mut Vec<String>| {
            use rayon::prelude::*;
            let decoded: Vec<Option<Case>> = chunk
                .par_iter()
                .map(|json| serde_json::from_str(json).ok())
                .collect();
            chunk.clear();
            // One written by another build: shown without it, and not taken as the whole queue
            // (the next load walks everything instead of asking what changed).
            whole &= decoded.iter().all(Option::is_some);
            take(decoded.into_iter().flatten().collect());
        };
        while let Some(row) = rows.next()? {
            chunk.push(row.get::<_, String>(0)?);
            if chunk.len() == CHUNK {
                decode(&mut chunk);
            }
        }
        decode(&mut chunk);
        let get = |key: &str| {
            self.conn
                .query_row(
                    "SELECT json, at FROM cache WHERE profile = ?1 AND key = ?2",
                    params![self.identity.profile, key],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
                )
                .optional()
        };
        let written = get(WRITTEN)?.map(|(_, at)| at);
        let walked = get(WALKED)?.map(|(_, at)| at);
        let fresh = walked.is_some_and(|at| super::now_ms() - at < WALK_AT_LEAST_EVERY_MS);
        let since = get(SINCE)?
            .and_then(|(ms, _)| ms.parse().ok())
            .filter(|_| whole && fresh);
        Ok((written, since))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseStatus, Wire};
    use crate::sync::identity::Identity;

    fn case(token: &str, name: &str) -> Case {
        serde_json::from_value(serde_json::json!({
            "token": token, "name": name, "status": "In Progress",
            "case_type": null, "priority": null, "entity_category": null,
            "primary_entity": null, "primary_entity_token": null, "assigned_to": null,
            "sla_deadline": null, "sla_status": null, "sla_paused": false,
            "open_alerts": null, "total_entities": null, "risk_tier": null,
            "risk_score": null, "decision": null, "summary": null,
            "external_reference": null, "created_at": null, "updated_at": null,
            "closed_at": null, "version": null,
        }))
        .unwrap()
    }

    fn rows(cases: &[Case]) -> Vec<(String, String)> {
        cases
            .iter()
            .map(|c| (c.token.clone(), serde_json::to_string(c).unwrap()))
            .collect()
    }

    fn names(store: &Store) -> Vec<String> {
        let mut n: Vec<String> = store
            .queue_cache_get()
            .unwrap()
            .0
            .into_iter()
            .map(|c| c.name)
            .collect();
        n.sort();
        n
    }

    /// A whole walk writes page by page and then drops what it did not see; a poll's changes
    /// touch only their rows; the watermark exists only while the queue is known whole, and
    /// each profile keeps its own.
    #[test]
    fn the_queue_is_kept_row_by_row_and_pruned_by_a_whole_walk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let mut store = Store::open(&path, &Identity::new("sandbox", "fp")).unwrap();
        let (a, b, c) = (case("cas_a", "A"), case("cas_b", "B"), case("cas_c", "C"));
        store.queue_cache_forget_since().unwrap();
        store
            .queue_cache_put(1, &rows(&[a.clone(), b.clone()]))
            .unwrap();
        assert_eq!(store.queue_cache_get().unwrap().2, None, "a walk under way");
        store.queue_cache_put(1, &rows(&[c])).unwrap();
        store.queue_cache_done(Some(1), Some(5_000)).unwrap();
        assert_eq!(names(&store), ["A", "B", "C"]);
        assert_eq!(store.queue_cache_get().unwrap().2, Some(5_000));

        // A poll: B changed, D is new; A and C stand.
        let mut b2 = b.clone();
        b2.status = Wire::Known(CaseStatus::Closed);
        store
            .queue_cache_put(0, &rows(&[b2, case("cas_d", "D")]))
            .unwrap();
        store.queue_cache_done(None, Some(6_000)).unwrap();
        let (cases, _, since) = store.queue_cache_get().unwrap();
        assert_eq!(since, Some(6_000));
        assert_eq!(cases.len(), 4);
        assert!(
            cases
                .iter()
                .any(|c| c.name == "B" && c.status.known() == Some(CaseStatus::Closed))
        );

        // The next whole walk sees A and D only: B and C are gone from the queue.
        store.queue_cache_forget_since().unwrap();
        store
            .queue_cache_put(2, &rows(&[a, case("cas_d", "D")]))
            .unwrap();
        store.queue_cache_done(Some(2), Some(7_000)).unwrap();
        assert_eq!(names(&store), ["A", "D"]);

        // A whole walk more than a day old: walked again rather than brought up to date.
        store
            .conn
            .execute(
                "UPDATE cache SET at = at - ?1 WHERE key = 'queue:walked'",
                [WALK_AT_LEAST_EVERY_MS + 1],
            )
            .unwrap();
        assert_eq!(store.queue_cache_get().unwrap().2, None);
        store.queue_cache_forget_since().unwrap();
        store
            .queue_cache_put(3, &rows(&[case("cas_a", "A"), case("cas_d", "D")]))
            .unwrap();
        store.queue_cache_done(Some(3), Some(8_000)).unwrap();
        assert_eq!(store.queue_cache_get().unwrap().2, Some(8_000));

        // A row this build cannot read is left out, and the queue is no longer known whole.
        store
            .queue_cache_put(0, &[("cas_x".into(), "{\"token\": 7}".into())])
            .unwrap();
        let (cases, _, since) = store.queue_cache_get().unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(since, None);

        // Another profile's queue is its own.
        let other = Store::open(&path, &Identity::new("other", "fp")).unwrap();
        assert!(other.queue_cache_get().unwrap().0.is_empty());
        assert_eq!(other.queue_cache_get().unwrap().2, None);
    }
}
