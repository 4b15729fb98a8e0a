//! Loading the queue and keeping its local copy: one copy in the console's state, kept current
//! with what the provider says changed; the cache written row by row on its own thread.

use super::*;
use crate::provider::{QueueChange, watermark};

/// A write to the local copy of the queue, done in order on the cache's own thread.
pub(super) enum CacheWrite {
    /// These cases, as written by a whole walk (its id) or a poll's changes (0).
    Rows { walk: i64, cases: Vec<Case> },
    /// A walk starts (`since: None`), or the queue is known whole up to `since`; `walk` names
    /// the whole walk that just finished, whose unseen rows are dropped.
    Mark {
        walk: Option<i64>,
        since: Option<jiff::Timestamp>,
    },
}

/// Starts the thread that writes the queue's local copy, in the order the writes are sent; it
/// ends when the console does.
pub(super) fn cache_writer(outbox: Outbox) -> std::sync::mpsc::Sender<CacheWrite> {
    let (tx, rx) = std::sync::mpsc::channel::<CacheWrite>();
    std::thread::spawn(move || {
        yield_to_the_console();
        for w in rx {
            match w {
                CacheWrite::Rows { walk, cases } => outbox.queue_cache_put(walk, &cases),
                CacheWrite::Mark { walk, since } => outbox.queue_cache_mark(walk, since),
            }
        }
    });
    tx
}

/// The cache's writes are for the next start: this thread gives way to the walk and the screen
/// (the two cores an SSH host may have are busy decoding pages and drawing them).
#[cfg(target_os = "linux")]
fn yield_to_the_console() {
    // SAFETY: plain system calls on this thread's own id; no memory is passed.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_the_console() {}

/// Reads the last known queue (off the first frame's path: a large cache takes a moment to
/// decode), shows it, and only then asks the API what changed since it was known whole: a
/// warm start costs the API a poll, not a walk.
pub(super) fn start(runner: &Runner) {
    let runner = runner.clone();
    tokio::task::spawn_blocking(move || {
        if let Some((cases, at, since)) = runner.outbox.queue_cache_get() {
            *lock_since(&runner.since) = since;
            let _ = runner.tx.send(Action::QueueCached { cases, at });
        }
        runner.run(Effect::LoadQueue);
    });
}

fn lock_since(
    m: &std::sync::Mutex<Option<jiff::Timestamp>>,
) -> std::sync::MutexGuard<'_, Option<jiff::Timestamp>> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Runner {
    /// One queue load at a time: a poll during a manual refresh is dropped.
    pub(super) fn load_queue(&self) {
        if self.queue_busy.swap(true, Ordering::SeqCst) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let action = this.changes().await;
            this.queue_busy.store(false, Ordering::SeqCst);
            let _ = this.tx.send(action);
        });
    }

    async fn changes(&self) -> Action {
        let since = *lock_since(&self.since);
        let walk = jiff::Timestamp::now().as_millisecond().max(1);
        let (tx, cache) = (self.tx.clone(), self.cache.clone());
        let first = AtomicBool::new(true);
        // Each page of a whole walk: the first (most urgent) shown at once when more follow,
        // every one kept in the cache as it arrives.
        let page = move |cases: &[Case], more: bool| {
            if first.swap(false, Ordering::SeqCst) {
                let _ = cache.send(CacheWrite::Mark {
                    walk: None,
                    since: None,
                });
                if more {
                    let _ = tx.send(Action::QueuePartial {
                        cases: cases.to_vec(),
                    });
                }
            }
            let _ = cache.send(CacheWrite::Rows {
                walk,
                cases: cases.to_vec(),
            });
        };
        let at = now();
        match self.client.queue_changes(since, &page).await {
            Ok(QueueChange::Whole(cases)) => {
                let mark = watermark(&cases);
                self.known_whole(Some(walk), mark);
                Action::QueueLoaded { cases, at }
            }
            Ok(QueueChange::Changed(cases)) => {
                let mark = since.max(watermark(&cases));
                let _ = self.cache.send(CacheWrite::Rows {
                    walk: 0,
                    cases: cases.clone(),
                });
                self.known_whole(None, mark);
                Action::QueueChanged { cases, at }
            }
            Ok(QueueChange::Unchanged) => Action::QueueUnchanged { at },
            Err(e) => Action::QueueFailed(e),
        }
    }

    /// The queue is known whole up to `since`: the next poll asks from there.
    fn known_whole(&self, walk: Option<i64>, since: Option<jiff::Timestamp>) {
        *lock_since(&self.since) = since;
        let _ = self.cache.send(CacheWrite::Mark { walk, since });
    }
}
