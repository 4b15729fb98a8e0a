//! The sender: sends what is due, up to `parallel` at once, oldest first where reviews share a
//! target, and records how each attempt ended. It follows its own answers in memory and reads
//! the store again when woken (something was written) or once a second while work is open.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::*;

/// How often the sender counts the outbox while answers keep coming.
const RECOUNT: Duration = Duration::from_millis(200);

/// How long the sender goes on from its copy of the open entries before reading them again.
const REREAD: Duration = Duration::from_secs(1);

/// Applies what the sender just recorded to its copy of the open entries; `false` when the
/// copy cannot follow (the entry is not in it) and the store must be read again.
fn follow(open: &mut Vec<Entry>, event: &Event) -> bool {
    let id = event_id(event);
    let Some(at) = open.iter().position(|e| e.id == id) else {
        return false;
    };
    match event {
        Event::Landed { .. } => {
            open.remove(at);
        }
        Event::Failed { error, .. } => {
            let e = &mut open[at];
            e.state = EntryState::Failed;
            e.attempts += 1;
            e.last_error = Some(error.clone());
        }
        Event::Retrying {
            attempts,
            error,
            retry_in,
            ..
        } => {
            let e = &mut open[at];
            e.attempts = *attempts;
            e.last_error = Some(error.clone());
            e.next_attempt_at_ms =
                jiff::Timestamp::now().as_millisecond() + retry_in.as_millis() as i64;
        }
        // Still pending and due; nothing more is sent with this key anyway.
        Event::KeyRefused { .. } => {}
        Event::Counts(_) => return false,
    }
    true
}

impl Outbox {
    /// Starts the sender: up to `parallel` entries in flight at once.
    pub fn start(
        &self,
        client: Arc<dyn Provider>,
        events: UnboundedSender<Event>,
        backoff: Backoff,
        parallel: usize,
    ) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move { this.sender(client, events, backoff, parallel.max(1)).await })
    }

    async fn sender(
        &self,
        client: Arc<dyn Provider>,
        events: UnboundedSender<Event>,
        backoff: Backoff,
        parallel: usize,
    ) {
        type Done = (Entry, Result<(String, Option<Created>), ProviderError>);
        let mut tasks: JoinSet<Done> = JoinSet::new();
        let count = |this: &Outbox| match this.counts() {
            Ok(c) => {
                let _ = events.send(Event::Counts(c));
            }
            Err(e) => tracing::warn!(error = %e, "cannot count the outbox"),
        };
        // After a 401 nothing more is sent: the key will not be accepted by waiting.
        let mut key_refused = false;
        // What an earlier run left in its backoff is tried now.
        if let Err(e) = lock(&self.store).due_now() {
            tracing::warn!(error = %e, "cannot read the outbox");
        }
        count(self);
        // The open entries as last read. After an answer the sender knows what changed and
        // updates this copy; the store is read again when something was written from outside
        // the sender (woken), and at least every `REREAD` for writers in other processes.
        // Reading every entry after every answer made a thousand-row import quadratic.
        let mut open: Vec<Entry> = Vec::new();
        let mut read_at: Option<std::time::Instant> = None;
        // Counts go out after an answer when nothing else is in flight, and otherwise at most
        // every `RECOUNT` while answers keep coming (an import's thousand answers need not be
        // counted a thousand times; the last one always is).
        let mut counted_at = std::time::Instant::now();
        let mut count_owed = false;
        // A 429 pauses every entry, not only the one refused: sending others at once would
        // only be refused too.
        let mut paused_until: Option<tokio::time::Instant> = None;
        loop {
            if count_owed && (tasks.is_empty() || counted_at.elapsed() >= RECOUNT) {
                count(self);
                counted_at = std::time::Instant::now();
                count_owed = false;
            }
            let now = jiff::Timestamp::now().as_millisecond();
            if read_at.is_none_or(|at| at.elapsed() >= REREAD) {
                open = match self.entries() {
                    Ok(open) => open,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read the outbox");
                        Vec::new()
                    }
                };
                read_at = Some(std::time::Instant::now());
            }
            let identity = self.identity();
            let waits = waiting_for(&open, |a| identity.owns(a));
            let mut next_due: Option<i64> = None;
            for e in open.iter().filter(|e| {
                e.state == EntryState::Pending
                    && identity.owns(&e.author)
                    && !waits.contains_key(&e.id)
            }) {
                let mut flying = lock(&self.in_flight);
                if key_refused || flying.contains(&e.id) {
                    continue;
                }
                if e.next_attempt_at_ms > now {
                    next_due = Some(
                        next_due.map_or(e.next_attempt_at_ms, |d| d.min(e.next_attempt_at_ms)),
                    );
                    continue;
                }
                if flying.len() >= parallel
                    || paused_until.is_some_and(|t| t > tokio::time::Instant::now())
                {
                    continue;
                }
                flying.insert(e.id);
                drop(flying);
                let (client, e) = (client.clone(), e.clone());
                tasks.spawn(async move {
                    // A retry first looks whether the change is already there: a server
                    // that ignores Idempotency-Key may have applied the first attempt.
                    if e.attempts > 0
                        && let Some(what) = client.already_applied(&e.submission).await
                    {
                        return (e, Ok((format!("{what} (it had already landed)"), None)));
                    }
                    let r = if e.submission.is_creation() {
                        client
                            .create(&e.submission, &e.idempotency_key)
                            .await
                            .map(|made| (made.describe(), Some(made)))
                    } else {
                        client
                            .submit(&e.submission, &e.idempotency_key)
                            .await
                            .map(|what| (what, None))
                    };
                    (e, r)
                });
            }
            let mut wait = next_due.map_or(Duration::from_secs(3600), |d| {
                Duration::from_millis((d - now).max(0) as u64)
            });
            if let Some(t) = paused_until {
                wait = wait.min(t.saturating_duration_since(tokio::time::Instant::now()));
            }
            tokio::select! {
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    let Ok((e, result)) = done else {
                        read_at = None;
                        continue;
                    };
                    let event = self.settle(&client, &backoff, e, result, &mut key_refused);
                    lock(&self.in_flight).remove(&event_id(&event));
                    if let Event::Retrying { error, .. } = &event
                        && let Some(wait) = rate_limited(error)
                    {
                        paused_until = Some(tokio::time::Instant::now() + wait);
                    }
                    if !follow(&mut open, &event) {
                        read_at = None;
                    }
                    // Counts first: whoever reacts to the event sees the outbox as it now is.
                    if tasks.is_empty() || counted_at.elapsed() >= RECOUNT {
                        count(self);
                        counted_at = std::time::Instant::now();
                        count_owed = false;
                    } else {
                        count_owed = true;
                    }
                    if events.send(event).is_err() {
                        return;
                    }
                }
                _ = self.wake.notified() => read_at = None,
                // Idle (nothing open), it sleeps until woken, as before.
                _ = tokio::time::sleep(if open.is_empty() { wait } else { wait.min(REREAD) }) => {}
            }
        }
    }

    /// Records how an attempt ended and says what to tell the console.
    fn settle(
        &self,
        client: &Arc<dyn Provider>,
        backoff: &Backoff,
        e: Entry,
        result: Result<(String, Option<Created>), ProviderError>,
        key_refused: &mut bool,
    ) -> Event {
        let store = lock(&self.store);
        let id = e.id;
        let logged = |r: rusqlite::Result<()>| {
            if let Err(err) = r {
                tracing::error!(error = %err, "cannot record outbox entry {id}");
            }
        };
        match result {
            Ok((what, created)) => {
                logged(store.record(id, EntryState::Done, None, 0));
                // The local audit log keeps every landed review with its text and author,
                // noting where the vendor could not keep the text itself.
                let caps = client.capabilities_for(e.submission.target());
                let kept = caps.vendor_keeps_text(&e.submission);
                logged(store.audit(caps.vendor.title(), &e, &what, kept));
                Event::Landed {
                    id,
                    what,
                    // A case just opened is the one to show.
                    case: match (&e.submission, &created) {
                        (Submission::CreateCase { .. }, Some(made)) => Some(made.token.clone()),
                        _ => e.case.clone(),
                    },
                    created,
                }
            }
            Err(error @ ProviderError::Api { status: 401, .. }) => {
                *key_refused = true;
                // Still pending, due at once: the next start with an accepted key sends it.
                logged(store.record(id, EntryState::Pending, Some(&error), 0));
                Event::KeyRefused { id, error }
            }
            Err(error) if error.is_transient() => {
                let wait = backoff.delay(e.attempts, &error);
                let at = jiff::Timestamp::now().as_millisecond() + wait.as_millis() as i64;
                logged(store.record(id, EntryState::Pending, Some(&error), at));
                Event::Retrying {
                    id,
                    attempts: e.attempts + 1,
                    error,
                    retry_in: wait,
                }
            }
            Err(error) => {
                // A bulk whose other items landed: those are done (and logged); the entry keeps
                // only what is left, so a resend or an edit never sends a landed item again.
                if let ProviderError::Bulk { items, .. } = &error
                    && let Some((landed, left)) = split_bulk(&e.submission, items)
                {
                    let caps = client.capabilities_for(e.submission.target());
                    let done = Entry {
                        submission: landed,
                        ..e.clone()
                    };
                    let n = done.submission.targets().len();
                    logged(store.audit(
                        caps.vendor.title(),
                        &done,
                        &format!("{n} of the bulk landed; the rest was refused"),
                        caps.vendor_keeps_text(&done.submission),
                    ));
                    logged(store.narrow(id, &left, &new_key()));
                }
                logged(store.record(id, EntryState::Failed, Some(&error), 0));
                Event::Failed { id, error }
            }
        }
    }
}

/// A bulk submission split by a per-item answer: (what landed, what is left), or `None` when
/// nothing landed (or it is not a bulk of alerts).
fn split_bulk(
    s: &Submission,
    items: &[crate::provider::ItemResult],
) -> Option<(Submission, Submission)> {
    let landed: Vec<String> = items
        .iter()
        .filter(|i| i.landed())
        .map(|i| i.token.clone())
        .collect();
    if landed.is_empty() {
        return None;
    }
    let with = |s: &Submission, keep: &dyn Fn(&String) -> bool| {
        let mut s = s.clone();
        if let Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } = &mut s {
            tokens.retain(|t| keep(t));
        }
        s
    };
    match s {
        Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens }
            if tokens.iter().any(|t| !landed.contains(t)) =>
        {
            Some((
                with(s, &|t| landed.contains(t)),
                with(s, &|t| !landed.contains(t)),
            ))
        }
        _ => None,
    }
}

fn event_id(e: &Event) -> i64 {
    match e {
        Event::Landed { id, .. }
        | Event::Failed { id, .. }
        | Event::Retrying { id, .. }
        | Event::KeyRefused { id, .. } => *id,
        Event::Counts(_) => 0,
    }
}
