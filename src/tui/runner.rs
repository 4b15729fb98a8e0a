//! Starts the network and disk work effects ask for, and sends the results back as actions.

use super::*;
use escape::open_url;

/// Starts network work and sends its results back as actions.
#[derive(Clone)]
pub(super) struct Runner {
    pub(super) client: Arc<dyn Provider>,
    pub(super) tx: UnboundedSender<Action>,
    pub(super) queue_busy: Arc<AtomicBool>,
    pub(super) outbox: Outbox,
    /// Outbox entries created by this run's drafts, and their flows.
    pub(super) flows: Arc<std::sync::Mutex<crate::sync::outbox::FlowIndex>>,
    /// Drafts typed but not yet written: key → (text, conditions).
    pub(super) drafts: Arc<std::sync::Mutex<std::collections::HashMap<String, (String, String)>>>,
    /// The outbox's sender, once started.
    pub(super) sender: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    pub(super) outbox_events: UnboundedSender<OutboxEvent>,
    /// The config file "save view" appends to.
    pub(super) config_path: Option<std::path::PathBuf>,
    /// The profile in use, whose own views (if it has any) a saved view joins.
    pub(super) profile_name: Option<String>,
    /// The newest `updated_at` of the queue as last known whole: polls ask for what changed
    /// since (not a copy of the queue: that is the state's alone).
    pub(super) since: Arc<std::sync::Mutex<Option<jiff::Timestamp>>>,
    /// The local copy of the queue, written on its own thread.
    pub(super) cache: std::sync::mpsc::Sender<queue_load::CacheWrite>,
}

/// How far before a flow's copy of a case was read this identity's own landed writes still
/// count as its own (a poll answered a moment after a write landed may not show it yet).
const SEEN_MARGIN_MS: i64 = 60_000;

/// How long typing must pause before a draft is written.
const DRAFT_DEBOUNCE: Duration = Duration::from_millis(300);

fn lock_index(
    m: &std::sync::Mutex<crate::sync::outbox::FlowIndex>,
) -> std::sync::MutexGuard<'_, crate::sync::outbox::FlowIndex> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

type Drafts = std::collections::HashMap<String, (String, String)>;

fn lock_drafts(m: &std::sync::Mutex<Drafts>) -> std::sync::MutexGuard<'_, Drafts> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Runner {
    /// Writes every draft typed since the last write.
    pub(super) fn flush_drafts(&self) {
        let pending: Drafts = std::mem::take(&mut *lock_drafts(&self.drafts));
        for (key, (text, conditions)) in pending {
            self.outbox.save_draft(&key, &text, &conditions);
            let _ = self.tx.send(Action::DraftSaved {
                key,
                text,
                conditions,
            });
        }
    }

    /// Reviews this identity landed since local midnight, by this and earlier sessions.
    pub(super) fn today(&self) {
        let midnight = jiff::Zoned::now()
            .start_of_day()
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0);
        let _ = self
            .tx
            .send(Action::Today(self.outbox.landed_since(midnight)));
    }

    /// Sends the outbox's rows and counts to the console.
    pub(super) fn relist(&self) {
        match self.outbox.counts() {
            Ok(c) => self.outbox_event(OutboxEvent::Counts(c)),
            Err(e) => {
                let _ = self.tx.send(Action::OutboxNews(format!("✖ {e}")));
            }
        }
    }

    /// Turns the outbox's events into actions for the flows (or the status bar).
    pub(super) fn outbox_event(&self, e: OutboxEvent) {
        let flow_of = |id: i64| lock_index(&self.flows).get(&id).copied();
        let action = match e {
            OutboxEvent::Counts(counts) => {
                let entries = match self.outbox.entries() {
                    Ok(e) => e,
                    Err(e) => {
                        let _ = self.tx.send(Action::OutboxNews(format!("✖ {e}")));
                        return;
                    }
                };
                let identity = self.outbox.identity();
                let waits = crate::sync::outbox::waiting_for(&entries, |a| identity.owns(a));
                let rows = entries
                    .into_iter()
                    .map(|e| crate::app::state::OutboxRow {
                        id: e.id,
                        failed: e.state == crate::sync::store::EntryState::Failed,
                        attempts: e.attempts,
                        last_error: e.last_error.map(|e| e.to_string()),
                        mine: identity.owns(&e.author),
                        author: e.author.display(),
                        waits_for: waits.get(&e.id).copied(),
                        case: e.case,
                        title: e.title,
                        submission: e.submission,
                    })
                    .collect();
                let _ = self.tx.send(Action::OutboxEntries(rows));
                Action::OutboxCounts(counts)
            }
            OutboxEvent::Landed {
                id,
                what,
                case,
                created,
            } => {
                // The API answers again: offline ends now, not at the next backoff.
                let _ = self.tx.send(Action::ApiAnswered);
                self.today();
                // The row of the case changed (or just opened) shows now, not at the next poll.
                if let Some(case) = &case {
                    self.run(Effect::RefreshCase(case.clone()));
                }
                match (created, flow_of(id)) {
                    // A creation: what it made (or found) opens, from this run's drawer.
                    (Some(made), Some(flow)) => Action::Created {
                        flow: Some(flow),
                        created: made,
                        case,
                    },
                    (Some(made), None) => {
                        Action::OutboxNews(format!("✓ Sent from the outbox: {}", made.describe()))
                    }
                    (None, Some(flow)) => Action::EntryDone {
                        flow,
                        entry: id,
                        result: Ok(what),
                    },
                    (None, None) => Action::OutboxNews(format!("✓ Sent from the outbox: {what}")),
                }
            }
            OutboxEvent::Failed { id, error } => {
                // A refusal is an answer too.
                let _ = self.tx.send(Action::ApiAnswered);
                match flow_of(id) {
                    Some(flow) => Action::EntryDone {
                        flow,
                        entry: id,
                        result: Err(error),
                    },
                    None => Action::OutboxNews(format!("✖ An outbox entry was refused: {error}")),
                }
            }
            OutboxEvent::KeyRefused { error, .. } => Action::KeyRefused(error),
            OutboxEvent::Retrying {
                id,
                attempts,
                error,
                ..
            } => match flow_of(id) {
                Some(flow) => Action::Retrying {
                    flow,
                    attempts,
                    error,
                },
                None => return,
            },
        };
        let _ = self.tx.send(action);
    }

    /// Asks the API who the key belongs to (remembered per key, for offline starts), tells the
    /// outbox, then the console: `MeLoaded` decides whether the sender may start.
    pub(super) fn load_user(&self, configured: Option<String>) {
        let (client, tx, outbox) = (self.client.clone(), self.tx.clone(), self.outbox.clone());
        tokio::spawn(async move {
            let me_key = format!("me:{}", outbox.identity().key_fp);
            // Live when the API answers (and remembered), else as last known.
            let users = match client.users().await {
                Ok(Some(u)) => {
                    outbox.cache_put("users", &u);
                    Some(u)
                }
                Ok(None) => None,
                Err(_) => outbox
                    .cache_get::<Vec<crate::domain::model::User>>("users")
                    .map(|(u, _)| u),
            };
            let me = match client.me().await {
                Ok(Some(me)) => {
                    outbox.cache_put(&me_key, &me);
                    Some(me)
                }
                Err(e) if e.is_key_refused() => {
                    let _ = tx.send(Action::KeyRefused(e));
                    None
                }
                Err(_)
                    if outbox
                        .cache_get::<crate::domain::model::User>(&me_key)
                        .is_some() =>
                {
                    outbox
                        .cache_get::<crate::domain::model::User>(&me_key)
                        .map(|(u, _)| u)
                }
                // A plain Zenoo API has no /v1/me: act as the profile's user.
                _ => configured.map(|id| {
                    let known = users
                        .as_ref()
                        .and_then(|u| u.iter().find(|x| x.id == id).cloned());
                    known.unwrap_or(crate::domain::model::User {
                        name: id.clone(),
                        id,
                        email: None,
                        role: None,
                        can_write: true,
                    })
                }),
            };
            if let Some(users) = users {
                let _ = tx.send(Action::UsersLoaded(users));
            }
            outbox.set_user(me.as_ref());
            let _ = tx.send(Action::MeLoaded(me));
        });
    }

    pub(super) fn run(&self, effect: Effect) {
        match effect {
            Effect::SearchSoon { .. }
            | Effect::Search(_)
            | Effect::FindCase(_)
            | Effect::SaveView(_) => self.find(effect),
            Effect::Copy(text) => {
                // Between frames, straight to the terminal: it (or tmux, with set-clipboard)
                // puts the text on the clipboard, also over SSH.
                let mut out = io::stdout();
                let _ = out.write_all(osc52(&text).as_bytes());
                let _ = out.flush();
            }
            Effect::OpenUrl(url) => open_url(&url),
            Effect::Notify {
                text,
                bell,
                desktop,
            } => {
                let tmux = std::env::var_os("TMUX").is_some();
                let mut out = io::stdout();
                let _ = out.write_all(notification(&text, bell, desktop, tmux).as_bytes());
                let _ = out.flush();
            }
            Effect::LoadQueue => self.load_queue(),
            Effect::LoadCaseForm => {
                let (client, tx) = (self.client.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let _ = tx.send(Action::CaseFormLoaded(client.case_form().await));
                });
            }
            Effect::LoadCase(token) => {
                // Each part loads on its own and arrives when ready.
                // What was last seen of this case shows at once; live data replaces it.
                for name in [
                    "alerts",
                    "entities",
                    "risk",
                    "checks",
                    "timeline",
                    "comments",
                    "reviewers",
                ] {
                    if let Some((part, _)) = self
                        .outbox
                        .cache_get::<CasePart>(&format!("case:{token}:{name}"))
                    {
                        let _ = self.tx.send(Action::CaseLoaded {
                            token: token.clone(),
                            part: Box::new(part),
                        });
                    }
                }
                let caps = self.client.capabilities_for(&token);
                let load = |part: fn(
                    Arc<dyn Provider>,
                    String,
                )
                    -> futures::future::BoxFuture<'static, CasePart>| {
                    let (client, tx, token) = (self.client.clone(), self.tx.clone(), token.clone());
                    let outbox = self.outbox.clone();
                    tokio::spawn(async move {
                        let part = part(client, token.clone()).await;
                        // Kept for the next time the case is opened while the API is away.
                        if part.is_ok() {
                            let (outbox, copy, key) = (
                                outbox.clone(),
                                part.clone(),
                                format!("case:{token}:{}", part.name()),
                            );
                            tokio::task::spawn_blocking(move || outbox.cache_put(&key, &copy));
                        }
                        let _ = tx.send(Action::CaseLoaded {
                            token,
                            part: Box::new(part),
                        });
                    });
                };
                // Parts the provider does not have are not asked for; the panes say so.
                if caps.alerts {
                    load(|c, t| Box::pin(async move { CasePart::Alerts(c.alerts(&t).await) }));
                }
                if caps.entities {
                    load(|c, t| Box::pin(async move { CasePart::Entities(c.entities(&t).await) }));
                }
                if caps.risk {
                    load(|c, t| {
                        Box::pin(async move {
                            CasePart::Risk(c.risk(&t).await.map(|a| a.map(Box::new)))
                        })
                    });
                }
                if caps.checks {
                    load(|c, t| Box::pin(async move { CasePart::Checks(c.checks(&t).await) }));
                }
                if caps.timeline {
                    load(|c, t| Box::pin(async move { CasePart::Timeline(c.timeline(&t).await) }));
                }
                if caps.comments {
                    load(|c, t| Box::pin(async move { CasePart::Comments(c.comments(&t).await) }));
                }
                if caps.reviewers {
                    load(|c, t| {
                        Box::pin(async move { CasePart::Reviewers(c.reviewers(&t).await) })
                    });
                }
            }
            Effect::Submit {
                flow,
                case,
                title,
                submission,
                expect,
                replace,
            } => {
                let this = self.clone();
                tokio::spawn(async move {
                    // Replacing earlier entries: they go first, or nothing is written (one
                    // already on its way cannot be taken back).
                    let replace_was_empty = replace.is_empty();
                    for earlier in replace {
                        if let Err(e) = this.outbox.discard(earlier) {
                            let _ = this.tx.send(Action::Submitted {
                                flow,
                                result: Err(e),
                            });
                            return;
                        }
                    }
                    if !replace_was_empty {
                        this.relist();
                    }
                    // Stale? Say so before sending. If the API cannot be reached, the check
                    // cannot be made and the outbox takes the review.
                    //
                    // Only changes by others count: what this identity itself landed or queued
                    // on the case since the flow's copy was read is expected.
                    if let Some((case, seen)) = &expect
                        && let Ok(now) = this.client.case(case).await
                    {
                        let mine = this
                            .outbox
                            .own_since(case, seen.read_at_ms - SEEN_MARGIN_MS);
                        let changes = seen.changes_by_others(
                            &crate::app::flow::Seen::of(&now, seen.read_at_ms),
                            &mine,
                        );
                        if !changes.is_empty() {
                            let _ = this.tx.send(Action::Conflict { flow, changes });
                            return;
                        }
                    }
                    // On disk, with its key, before any request leaves.
                    match this.outbox.enqueue(&title, &submission, Some(&case)) {
                        Ok(entry) => {
                            lock_index(&this.flows).insert(entry, flow);
                            let _ = this.tx.send(Action::Enqueued { flow, entry });
                            // Marked pending (and, if it waits behind another, said so) at once.
                            this.relist();
                        }
                        Err(e) => {
                            let _ = this.tx.send(Action::Submitted {
                                flow,
                                result: Err(e),
                            });
                        }
                    }
                });
            }
            Effect::SubmitMany { flow, items } => {
                // Each case its own outbox entry, written before anything is sent; each lands
                // (or is refused) on its own, and the drawer shows each result.
                for (title, submission) in items {
                    let case = submission.target().to_string();
                    match self.outbox.enqueue(&title, &submission, Some(&case)) {
                        Ok(entry) => {
                            lock_index(&self.flows).insert(entry, flow);
                            let _ = self.tx.send(Action::Enqueued { flow, entry });
                        }
                        Err(e) => {
                            let _ = self.tx.send(Action::OutboxNews(format!(
                                "✖ {title}: not written to the outbox: {e}"
                            )));
                        }
                    }
                }
                self.relist();
            }
            Effect::Resend {
                flow,
                entry,
                submission,
            } => {
                lock_index(&self.flows).insert(entry, flow);
                if let Err(e) = self.outbox.resend(entry, &submission) {
                    let _ = self.tx.send(Action::Submitted {
                        flow,
                        result: Err(e),
                    });
                }
                self.relist();
            }
            Effect::SaveDraft {
                key,
                text,
                conditions,
            } => {
                // Debounced: the last text per key is written once typing pauses.
                let mut pending = lock_drafts(&self.drafts);
                let first = pending.is_empty();
                pending.insert(key, (text, conditions));
                drop(pending);
                if first {
                    let this = self.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(DRAFT_DEBOUNCE).await;
                        this.flush_drafts();
                    });
                }
            }
            Effect::ResendEntry { entry, submission } => {
                if let Err(e) = self.outbox.resend(entry, &submission) {
                    let _ = self.tx.send(Action::OutboxNews(format!("✖ {e}")));
                }
                self.relist();
            }
            Effect::DiscardEntry { entry } => {
                if let Err(e) = self.outbox.discard(entry) {
                    let _ = self.tx.send(Action::OutboxNews(format!("✖ {e}")));
                }
                self.relist();
            }
            Effect::ExportHeld => {
                let dir = self.outbox.state_dir().unwrap_or_else(std::env::temp_dir);
                let news = match self.outbox.export_held(&dir) {
                    Ok((path, n)) => format!(
                        "Exported {n} held {} to {}",
                        if n == 1 { "entry" } else { "entries" },
                        path.display()
                    ),
                    Err(e) => format!("✖ {e}"),
                };
                let _ = self.tx.send(Action::Flash(news));
            }
            Effect::StartSender => {
                let mut slot = self.sender.lock().unwrap_or_else(|p| p.into_inner());
                if slot.is_none() {
                    *slot = Some(self.outbox.start(
                        self.client.clone(),
                        self.outbox_events.clone(),
                        Backoff::default(),
                        4,
                    ));
                }
            }
            Effect::RefreshCase(token) => {
                let (client, tx) = (self.client.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let _ = tx.send(match client.case(&token).await {
                        Ok(case) => Action::CaseRefreshed(Box::new(case)),
                        Err(error) => Action::CaseRefreshFailed { token, error },
                    });
                });
            }
            Effect::Recheck { request, case } => {
                let (client, tx) = (self.client.clone(), self.tx.clone());
                let caps = self.client.capabilities_for(&case);
                tokio::spawn(async move {
                    // The record first: what changes after it shows as a conflict later.
                    let record = client.case(&case).await.ok().map(Box::new);
                    let (alerts, risk, reviewers) = tokio::join!(
                        async {
                            if caps.alerts {
                                Some(client.alerts(&case).await)
                            } else {
                                None
                            }
                        },
                        async {
                            if caps.risk {
                                Some(client.risk(&case).await)
                            } else {
                                None
                            }
                        },
                        async {
                            if caps.reviewers {
                                Some(client.reviewers(&case).await)
                            } else {
                                None
                            }
                        },
                    );
                    let mut parts = Vec::new();
                    parts.extend(alerts.map(CasePart::Alerts));
                    parts.extend(risk.map(|r| CasePart::Risk(r.map(|a| a.map(Box::new)))));
                    parts.extend(reviewers.map(CasePart::Reviewers));
                    let _ = tx.send(Action::Rechecked {
                        request,
                        case,
                        record,
                        parts,
                        at: now(),
                    });
                });
            }
            Effect::DeleteDraftIf { key, text } => {
                {
                    let mut pending = lock_drafts(&self.drafts);
                    if pending.get(&key).is_some_and(|(t, _)| *t == text) {
                        pending.remove(&key);
                    }
                }
                self.outbox.delete_draft_if(&key, &text);
            }
            Effect::DeleteDraft { key } => {
                lock_drafts(&self.drafts).remove(&key);
                self.outbox.delete_draft(&key);
            }
        }
    }
}
