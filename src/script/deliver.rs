//! Writing one review to the outbox as this command's identity and waiting for it: it lands,
//! is refused, stays queued past `--wait-secs`, or was settled by a console sharing the store.

use super::output::{c, emit, to_json};
use super::{Ctx, EXIT_UNAVAILABLE, Failure, SendArgs, plural};
use crate::domain::review::Submission;
use crate::provider::ProviderError;
use crate::provider::api::Created;
use crate::sync::outbox::{Backoff, Event, Outbox};
use crate::sync::store::EntryState;
use std::time::Duration;

/// `--json` for a review that landed.
#[derive(serde::Serialize)]
struct Landed<'a> {
    ok: bool,
    entry: i64,
    landed: &'a str,
    /// For alert actions, one per alert, as when some are refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    results: Vec<serde_json::Value>,
    /// For a creation: what it made, or found already there.
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<Created>,
}

/// Who this command writes as: the key's identity and, where the API says, its user. A key the
/// API says cannot write is refused here, before anything is queued.
async fn author(ctx: &Ctx, outbox: &Outbox) -> Result<(), Failure> {
    let cache_key = format!("me:{}", ctx.key_fp);
    let me = match ctx.provider.me().await {
        Ok(Some(u)) => {
            outbox.cache_put(&cache_key, &u);
            Some(u)
        }
        Ok(None) => None,
        // The key itself refused: nothing would ever go out with it.
        Err(e) if e.is_key_refused() => {
            let mut f = Failure::provider("the API refused the key", e);
            f.message = format!(
                "{}; check the key with `docket doctor`. Nothing was queued",
                f.message
            );
            return Err(f);
        }
        // Offline: as last known for this key.
        Err(_) => outbox
            .cache_get::<crate::domain::model::User>(&cache_key)
            .map(|(u, _)| u),
    };
    if let Some(u) = &me
        && !u.can_write
    {
        return Err(Failure::usage(
            "read_only",
            format!(
                "read-only: the API says the key of {} ({}) cannot write; nothing was queued",
                c(&u.name),
                c(u.role.as_deref().unwrap_or("no role"))
            ),
        ));
    }
    let me = me.or_else(|| {
        ctx.user.as_ref().map(|id| crate::domain::model::User {
            id: id.clone(),
            name: id.clone(),
            email: None,
            role: None,
            can_write: true,
        })
    });
    outbox.set_user(me.as_ref());
    Ok(())
}

/// The local outbox, opened as this command's identity with its author known (a key the API
/// says cannot write is refused here, before anything is queued).
pub(super) async fn authored_outbox(ctx: &Ctx) -> Result<Outbox, Failure> {
    let store = crate::session::store_path().map_err(|e| Failure::other(e.to_string()))?;
    let identity = crate::sync::identity::Identity::new(&ctx.label, &ctx.key_fp);
    let outbox = Outbox::open(&store, &identity).map_err(|e| {
        Failure::other(format!(
            "cannot open the local store {}: {e}",
            store.display()
        ))
    })?;
    author(ctx, &outbox).await?;
    Ok(outbox)
}

/// Writes the submission to the outbox as this identity, starts the sender, and waits for that
/// entry to land or be refused, at most `--wait-secs`. Entries other keys left are held, never
/// sent with this one.
pub(super) async fn deliver(
    ctx: &Ctx,
    title: &str,
    submission: &Submission,
    send: &SendArgs,
) -> Result<(), Failure> {
    let outbox = authored_outbox(ctx).await?;
    // The case it acts on, when it names one: it orders the entry behind the case's others.
    let case = submission.targets().into_iter().find_map(|t| match t {
        crate::domain::review::Target::Case(c) => Some(c),
        _ => None,
    });
    let id = outbox
        .enqueue(title, submission, case.as_deref())
        .map_err(|e| Failure::other(e.to_string()))?;
    if let Ok(counts) = outbox.counts() {
        for (who, n) in &counts.held {
            eprintln!(
                "docket: {} by {} {} held in the outbox: only their key sends {} (see the console's outbox, Ctrl-O)",
                plural(*n as usize, "review"),
                c(who),
                if *n == 1 { "is" } else { "are" },
                if *n == 1 { "it" } else { "them" },
            );
        }
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // One at a time, oldest first: entries an earlier run left go out before this one, and none
    // is cut off in flight when this one settles.
    let sender = outbox.start(ctx.provider.clone(), tx, Backoff::default(), 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(send.wait_secs);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last: Option<ProviderError> = None;
    let outcome = 'wait: loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(event) => {
                    if let Some(o) = on_event(event, id, &mut last) {
                        break o;
                    }
                }
                None => break Outcome::Waiting,
            },
            _ = tick.tick() => {
                // A console running on the same store may have sent it with its own sender.
                while let Ok(event) = rx.try_recv() {
                    if let Some(o) = on_event(event, id, &mut last) {
                        break 'wait o;
                    }
                }
                if let Some(o) = settled_elsewhere(&outbox, id, submission) {
                    break o;
                }
            }
            _ = tokio::time::sleep_until(deadline) => break Outcome::Waiting,
        }
    };
    sender.abort();
    let _ = sender.await;
    // The store can say the entry landed (the tick above) before this sender's event for it is
    // read; the event, with what a creation made, is in the channel once the sender is done.
    let outcome = match outcome {
        Outcome::Landed(what, None) => {
            let mut found = Outcome::Landed(what, None);
            while let Ok(event) = rx.try_recv() {
                if let Event::Landed {
                    id: e,
                    what,
                    created,
                    ..
                } = event
                    && e == id
                {
                    found = Outcome::Landed(what, created);
                }
            }
            found
        }
        other => other,
    };
    match outcome {
        Outcome::Landed(what, created) => {
            if send.json {
                let results = match submission {
                    Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } => {
                        tokens
                            .iter()
                            .map(|t| serde_json::json!({ "alert": t, "landed": true }))
                            .collect()
                    }
                    _ => vec![],
                };
                emit(&to_json(&Landed {
                    ok: true,
                    entry: id,
                    landed: &what,
                    results,
                    created,
                }));
            } else {
                emit(&c(&what));
            }
            Ok(())
        }
        Outcome::Refused(error) => {
            // The caller has the refusal and the text; a failed entry left behind would wait
            // in the console's outbox for a resend nobody is going to make.
            if let Err(e) = outbox.discard(id) {
                tracing::warn!(error = %e, "cannot discard refused outbox entry {id}");
            }
            let mut f = Failure::provider(&format!("{title}: refused"), error);
            f.entry = Some(id);
            Err(f)
        }
        Outcome::KeyRefused(error) => {
            let mut f = Failure::provider(&format!("{title}: the API refused the key"), error);
            f.message = format!(
                "{}; check the key with `docket doctor`. The review stays queued as entry {id} and is sent by the next docket run whose key the API accepts",
                f.message
            );
            f.entry = Some(id);
            f.queued = true;
            Err(f)
        }
        Outcome::Discarded => Err(Failure {
            entry: Some(id),
            ..Failure::other(format!(
                "{title}: outbox entry {id} was discarded before it was sent (from a console sharing the local store)"
            ))
        }),
        Outcome::Waiting => {
            let why = last
                .as_ref()
                .map(|e| format!(" (last attempt: {e})"))
                .unwrap_or_default();
            let message = format!(
                "{title}: not landed within {}s{why}; it stays queued in the outbox as entry {id} and a later docket run (the console, or another review) sends it",
                send.wait_secs
            );
            let mut f = match last {
                Some(e) => {
                    let mut f = Failure::provider(title, e);
                    f.message = message;
                    f.exit = EXIT_UNAVAILABLE;
                    f
                }
                None => Failure::new(EXIT_UNAVAILABLE, "timeout", message),
            };
            f.entry = Some(id);
            f.queued = true;
            Err(f)
        }
    }
}

/// Where the entry being waited for stands.
enum Outcome {
    /// What landed, and for a creation what it made.
    Landed(String, Option<Created>),
    Refused(ProviderError),
    /// The API refused the key (401); the entry stays queued.
    KeyRefused(ProviderError),
    /// Someone discarded it from the outbox before it was sent.
    Discarded,
    /// Still queued.
    Waiting,
}

/// Handles one outbox event: the entry's outcome if the event settles it. Retries of the entry,
/// and the fate of entries an earlier run left pending, are told on stderr.
fn on_event(event: Event, id: i64, last: &mut Option<ProviderError>) -> Option<Outcome> {
    match event {
        Event::Landed {
            id: e,
            what,
            created,
            ..
        } if e == id => return Some(Outcome::Landed(what, created)),
        Event::Failed { id: e, error } if e == id => return Some(Outcome::Refused(error)),
        Event::KeyRefused { error, .. } => return Some(Outcome::KeyRefused(error)),
        Event::Retrying {
            id: e,
            error,
            retry_in,
            ..
        } if e == id => {
            eprintln!(
                "docket: not sent yet ({}); trying again in {:.1}s",
                c(&error.to_string()),
                retry_in.as_secs_f64()
            );
            *last = Some(error);
        }
        Event::Landed { id: e, what, .. } => {
            eprintln!(
                "docket: outbox entry {e} from an earlier run landed: {}",
                c(&what)
            );
        }
        Event::Failed { id: e, error } => {
            eprintln!(
                "docket: outbox entry {e} from an earlier run was refused: {}",
                c(&error.to_string())
            );
        }
        Event::Retrying { .. } | Event::Counts { .. } => {}
    }
    None
}

/// The entry's outcome when another sender on the same store (a console) settled it.
fn settled_elsewhere(outbox: &Outbox, id: i64, submission: &Submission) -> Option<Outcome> {
    match outbox.entries().ok()?.into_iter().find(|e| e.id == id) {
        Some(e) if e.state == EntryState::Failed => Some(Outcome::Refused(
            e.last_error
                .unwrap_or_else(|| ProviderError::Invalid("refused".into())),
        )),
        Some(_) => None,
        // No longer open: it landed (the local audit log has it), or it was discarded.
        None => Some(
            outbox
                .audit_log(false, 50)
                .ok()?
                .into_iter()
                .find(|r| r.submission.as_ref() == Some(submission))
                .map_or(Outcome::Discarded, |r| Outcome::Landed(r.outcome, None)),
        ),
    }
}
