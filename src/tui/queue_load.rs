//! Loading the queue and keeping its local copy: one copy in the console's state, kept current
//! with what the provider says changed; the cache written row by row on its own thread.

use super::*;
use crate::app::rows::Rows;
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
        // Each few thousand cases become rows as they are decoded: the cases are never all
        // held at once, and the console's thread gets the rows ready-made.
        let mut rows = Rows::default();
        let read = runner.outbox.queue_cache_read(|chunk| {
            for c in &chunk {
                rows.push(c);
            }
        });
        if let (Some((at, since)), false) = (read, rows.is_empty()) {
            rows.shrink_to_fit();
            *lock_since(&runner.since) = since;
            let _ = runner.tx.send(Action::QueueCached { cases: rows, at });
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
        // The walk's rows and its watermark, built as the pages arrive.
        let built = Arc::new(std::sync::Mutex::new((Rows::default(), None)));
        let building = built.clone();
        // Each page of a whole walk: the first (most urgent) shown at once when more follow,
        // every one made rows and then kept in the cache as it arrives.
        let page = move |cases: Vec<Case>, more: bool| {
            if first.swap(false, Ordering::SeqCst) {
                let _ = cache.send(CacheWrite::Mark {
                    walk: None,
                    since: None,
                });
                if more {
                    let _ = tx.send(Action::QueuePartial {
                        cases: cases.clone(),
                    });
                }
            }
            {
                let mut built = building.lock().unwrap_or_else(|p| p.into_inner());
                for c in &cases {
                    built.0.push(c);
                }
                built.1 = built.1.max(watermark(&cases));
            }
            let _ = cache.send(CacheWrite::Rows { walk, cases });
        };
        let at = now();
        let change = self.client.queue_changes(since, &page).await;
        match change {
            Ok(QueueChange::Whole) => {
                let (mut cases, mark) =
                    std::mem::take(&mut *built.lock().unwrap_or_else(|p| p.into_inner()));
                cases.shrink_to_fit();
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
