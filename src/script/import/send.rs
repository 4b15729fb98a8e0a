//! Sending an import's rows through the outbox: filed in one commit under their own keys, sent
//! up to 4 at a time, with a progress bar on a terminal (a line every tenth otherwise), and
//! each row's outcome collected from the sender's events.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::super::deliver::authored_outbox;
use super::super::output::c;
use super::super::{Ctx, Failure};
use crate::domain::review::Submission;
use crate::provider::api::Created;
use crate::sync::outbox::{Backoff, Event};
use crate::sync::store::{Filed, Keyed};

/// Requests in flight at once.
const IN_FLIGHT: usize = 4;

/// One row to send.
pub struct Item {
    pub line: u64,
    pub key: String,
    pub reference: Option<String>,
    pub submission: Submission,
}

/// What became of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum RowOutcome {
    /// The case it opened, or found already there.
    Made(Created),
    /// Refused by the API (the text of the error, with its code and request id).
    Failed(String),
    /// Not landed yet: still in the outbox, with why when known.
    Queued(Option<String>),
}

/// Files every row and waits up to `wait_secs` for each to land or be refused.
pub async fn send(ctx: &Ctx, items: &[Item], wait_secs: u64) -> Result<Vec<RowOutcome>, Failure> {
    let outbox = authored_outbox(ctx).await?;
    let keyed: Vec<Keyed> = items
        .iter()
        .map(|i| Keyed {
            title: "New case",
            submission: &i.submission,
            case: None,
            key: &i.key,
        })
        .collect();
    let filed = outbox
        .enqueue_keyed(&keyed)
        .map_err(|e| Failure::other(e.to_string()))?;
    let mut outcomes = vec![RowOutcome::Queued(None); items.len()];
    let mut waiting: HashMap<i64, usize> = HashMap::new();
    for (row, f) in filed.iter().enumerate() {
        match f {
            Filed::Held { author, .. } => {
                outcomes[row] = RowOutcome::Failed(format!(
                    "an entry under this row's key was written by {}; only their key sends it",
                    c(author)
                ));
            }
            other => {
                waiting.insert(other.id(), row);
            }
        }
    }
    let again = filed.iter().filter(|f| !matches!(f, Filed::New(_))).count();
    if again > 0 {
        eprintln!(
            "docket: {again} of {} rows were filed by an earlier run of this file; they are sent under the same keys",
            items.len()
        );
    }

    let progress = Progress::new(items.len() as u64, items.len() - waiting.len());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = outbox.start(ctx.provider.clone(), tx, Backoff::default(), IN_FLIGHT);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait_secs);
    while !waiting.is_empty() {
        let event = tokio::select! {
            e = rx.recv() => e,
            _ = tokio::time::sleep_until(deadline) => None,
        };
        let Some(event) = event else { break };
        match event {
            Event::Landed {
                id, created, what, ..
            } => {
                if let Some(row) = waiting.remove(&id) {
                    outcomes[row] = match created {
                        Some(made) => RowOutcome::Made(made),
                        // A creation always says what it made; keep the line otherwise.
                        None => RowOutcome::Failed(format!("landed without a case: {what}")),
                    };
                    progress.advance();
                }
            }
            Event::Failed { id, error } => {
                if let Some(row) = waiting.remove(&id) {
                    outcomes[row] = RowOutcome::Failed(error.to_string());
                    // The file holds the row; running it again files it again.
                    if let Err(e) = outbox.discard(id) {
                        tracing::warn!(error = %e, "cannot discard refused outbox entry {id}");
                    }
                    progress.advance();
                }
            }
            Event::Retrying { id, error, .. } => {
                if let Some(row) = waiting.get(&id) {
                    outcomes[*row] = RowOutcome::Queued(Some(error.to_string()));
                }
            }
            Event::KeyRefused { error, .. } => {
                progress.finish();
                sender.abort();
                let mut f = Failure::provider("the API refused the key", error);
                f.message = format!(
                    "{}; check the key with `docket doctor`. {} rows stay queued and are sent by the next docket run whose key the API accepts",
                    f.message,
                    waiting.len()
                );
                f.queued = true;
                return Err(f);
            }
            Event::Counts(_) => {}
        }
    }
    progress.finish();
    sender.abort();
    let _ = sender.await;
    Ok(outcomes)
}

/// A bar on a terminal; otherwise a line on stderr at every tenth of the rows.
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: std::cell::Cell<u64>,
}

impl Progress {
    fn new(total: u64, done: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} rows · {per_sec} · {eta} left")
            {
                bar.set_style(style);
            }
            bar.set_position(done as u64);
            bar
        });
        Progress {
            bar,
            total,
            done: std::cell::Cell::new(done as u64),
        }
    }

    fn advance(&self) {
        let n = self.done.get() + 1;
        self.done.set(n);
        match &self.bar {
            Some(bar) => bar.set_position(n),
            None => {
                let step = (self.total / 10).max(1);
                if n.is_multiple_of(step) || n == self.total {
                    eprintln!("docket: {n} of {} rows settled", self.total);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
