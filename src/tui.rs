//! The console's runtime: the terminal, the event loop and the network tasks.
//!
//! Events (keys, resizes, task results, the poll timer, signals) become actions; `update`
//! changes the state; the frame is drawn only when it differs from the last one written, and
//! then inside a synchronized-output bracket, so an idle console writes nothing at all. The
//! first frame is drawn before any network call returns.

use std::io::{self, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use color_eyre::eyre::Result;
use crossterm::event::{Event, EventStream};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{cursor, event, execute, terminal};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::app::update::CasePart;
use crate::app::{Action, Effect, State, update};
use crate::domain::model::Case;
use crate::provider::Provider;
use crate::provider::ProviderError;
use crate::sync::outbox::{Backoff, Event as OutboxEvent, Outbox};
use crate::ui::{Theme, view};

/// How the console was started.
pub struct Options {
    pub profile: String,
    /// The key's fingerprint: with the profile, the identity outbox entries and drafts belong to.
    pub key_fp: String,
    pub client: Arc<dyn Provider>,
    /// Shown in the status line at start (a warning about the key's file, say).
    pub notice: Option<String>,
    /// Dashboard URL templates by source (`""` for a single profile).
    pub dashboard_urls: std::collections::HashMap<String, String>,
    /// Canned rationales from the config.
    pub snippets: Vec<crate::app::flow::Snippet>,
    /// Notifications; `None`: off.
    pub notify: Option<crate::app::power::Notify>,
    pub read_only: bool,
    pub poll: Duration,
    /// The user id to act as when the API cannot say who the key belongs to.
    pub user: Option<String>,
    /// The local store (outbox, drafts, cache), opened after the first frame is drawn: creating
    /// it syncs to disk, which must not delay the first frame.
    pub store: std::path::PathBuf,
    pub theme: Theme,
    pub keymap: crate::app::keymap::Keymap,
    pub views: Option<Vec<crate::app::queue::View>>,
}

/// Puts the terminal back however the console ends: return, error, panic or signal.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Restores the terminal before any panic message is printed.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// Runs the console until the user quits or a signal arrives.
pub async fn run(opts: Options) -> Result<()> {
    let mut stdout = io::stdout();
    terminal::enable_raw_mode()?;
    let _guard = TerminalGuard;
    // Clear with a plain sequence: ratatui's clear() may ask the terminal where the cursor is,
    // which a terminal that never answers turns into an error.
    execute!(
        stdout,
        terminal::EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All),
        cursor::Hide,
        // A paste arrives as one event, not as keys that could trigger commands.
        event::EnableBracketedPaste
    )?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;

    let theme = opts.theme.clone();
    let mut state = State::new(opts.profile.clone(), now());
    state.read_only = opts.read_only;
    state.flash = opts.notice.clone();
    state.caps = opts.client.capabilities().clone();
    state.source_caps = opts.client.sources().into_iter().collect();
    state.keymap = opts.keymap.clone();
    if let Some(views) = &opts.views {
        state.views = views.clone();
    }
    state.dashboard_urls = opts.dashboard_urls.clone();
    state.snippets = opts.snippets.clone();
    state.notify = opts.notify.clone();
    // The first frame first: nothing below may delay it.
    let mut last: Option<Buffer> = None;
    draw(&mut term, &state, &theme, &mut last)?;

    let identity = crate::sync::identity::Identity::new(&opts.profile, &opts.key_fp);
    let outbox = Outbox::open(&opts.store, &identity).map_err(|e| {
        color_eyre::eyre::eyre!("cannot open the local store {}: {e}", opts.store.display())
    })?;
    let (tx, mut rx) = unbounded_channel::<Action>();
    // The outbox's sender starts once the console knows who the key is and that it may write
    // (see `Effect::StartSender`); until then nothing is sent.
    let (otx, mut orx) = unbounded_channel::<OutboxEvent>();
    let runner = Runner {
        client: opts.client.clone(),
        tx: tx.clone(),
        queue_busy: Arc::new(AtomicBool::new(false)),
        outbox: outbox.clone(),
        flows: Arc::new(std::sync::Mutex::new(Default::default())),
        drafts: Arc::new(std::sync::Mutex::new(Default::default())),
        sender: Arc::new(std::sync::Mutex::new(None)),
        outbox_events: otx,
    };
    runner.today();
    update(&mut state, Action::DraftsLoaded(outbox.drafts()));
    runner.relist();
    draw(&mut term, &state, &theme, &mut last)?;

    // Then the last known queue, marked with its age, while the API is asked (read off the
    // first frame's path: a large cache takes a moment to decode).
    {
        let (outbox, tx) = (outbox.clone(), tx.clone());
        tokio::task::spawn_blocking(move || {
            if let Some((cases, at)) = outbox.cache_get::<Vec<Case>>("queue") {
                let _ = tx.send(Action::QueueCached { cases, at });
            }
        });
    }
    runner.load_user(opts.user.clone());
    runner.run(Effect::LoadQueue);
    // Outbox news arrive as actions (the sender itself starts on `Effect::StartSender`).

    let mut events = EventStream::new();
    // The queue is already loading; the next poll comes one interval after it answers, or
    // later (exponential backoff, honouring Retry-After) while the API fails.
    let mut next_poll = tokio::time::Instant::now() + opts.poll;
    let mut backoff: Option<Duration> = None;
    let mut signals = Signals::new()?;

    loop {
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Some(Action::Key(k)),
                Some(Ok(Event::Paste(text))) => Some(Action::Paste(text)),
                Some(Ok(Event::Resize(..))) => None,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(a) = rx.recv() => {
                match &a {
                    Action::QueueLoaded { .. } | Action::QueueUnchanged { .. } => {
                        backoff = None;
                        next_poll = tokio::time::Instant::now() + opts.poll;
                    }
                    // A refused key is not retried: waiting will not make it valid.
                    Action::QueueFailed(e) if e.is_key_refused() => {
                        next_poll = tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600);
                    }
                    Action::QueueFailed(e) => {
                        let wait = match e {
                            ProviderError::Api { retry_after: Some(s), .. } => Duration::from_secs(*s),
                            _ => Duration::ZERO,
                        };
                        let b = backoff.map_or(Duration::from_secs(5), |b| (b * 2).min(Duration::from_secs(300)));
                        backoff = Some(b);
                        let delay = b.max(wait).min(opts.poll.max(Duration::from_secs(300)));
                        next_poll = tokio::time::Instant::now() + delay;
                        update(&mut state, Action::RetryScheduled { secs: delay.as_secs() });
                    }
                    _ => {}
                }
                Some(a)
            }
            _ = tokio::time::sleep_until(next_poll) => {
                next_poll = tokio::time::Instant::now() + backoff.unwrap_or(opts.poll);
                Some(Action::PollDue)
            }
            Some(e) = orx.recv() => {
                runner.outbox_event(e);
                continue;
            }
            _ = signals.recv() => break,
        };
        update(&mut state, Action::Clock(now()));
        if let Some(action) = action {
            for effect in update(&mut state, action) {
                runner.run(effect);
            }
        }
        if state.should_quit {
            break;
        }
        draw(&mut term, &state, &theme, &mut last)?;
    }
    // Nothing typed is lost on the way out.
    runner.flush_drafts();
    if let Some(sender) = runner
        .sender
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        sender.abort();
    }
    Ok(())
}

/// Draws the state; writes to the terminal only if the frame changed, bracketed by
/// synchronized-output sequences so the terminal shows it whole.
fn draw(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    state: &State,
    theme: &Theme,
    last: &mut Option<Buffer>,
) -> Result<()> {
    term.autoresize()?;
    let mut frame = term.get_frame();
    view(state, theme, &mut frame);
    let current = term.current_buffer_mut().clone();
    if last.as_ref() != Some(&current) {
        execute!(io::stdout(), BeginSynchronizedUpdate)?;
        term.flush()?;
        execute!(io::stdout(), EndSynchronizedUpdate)?;
        io::stdout().flush()?;
        *last = Some(current);
    }
    term.swap_buffers();
    Ok(())
}

/// Starts network work and sends its results back as actions.
#[derive(Clone)]
struct Runner {
    client: Arc<dyn Provider>,
    tx: UnboundedSender<Action>,
    queue_busy: Arc<AtomicBool>,
    outbox: Outbox,
    /// Outbox entries created by this run's drafts, and their flows.
    flows: Arc<std::sync::Mutex<crate::sync::outbox::FlowIndex>>,
    /// Drafts typed but not yet written: key → (text, conditions).
    drafts: Arc<std::sync::Mutex<std::collections::HashMap<String, (String, String)>>>,
    /// The outbox's sender, once started.
    sender: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    outbox_events: UnboundedSender<OutboxEvent>,
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
    fn flush_drafts(&self) {
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
    fn today(&self) {
        let midnight = jiff::Zoned::now()
            .start_of_day()
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0);
        let _ = self
            .tx
            .send(Action::Today(self.outbox.landed_since(midnight)));
    }

    /// Sends the outbox's rows and counts to the console.
    fn relist(&self) {
        match self.outbox.counts() {
            Ok(c) => self.outbox_event(OutboxEvent::Counts(c)),
            Err(e) => {
                let _ = self.tx.send(Action::OutboxNews(format!("✖ {e}")));
            }
        }
    }

    /// Turns the outbox's events into actions for the flows (or the status bar).
    fn outbox_event(&self, e: OutboxEvent) {
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
            OutboxEvent::Landed { id, what, case } => {
                // The API answers again: offline ends now, not at the next backoff.
                let _ = self.tx.send(Action::ApiAnswered);
                self.today();
                // The row of the case changed shows the change now, not at the next poll.
                if let Some(case) = case {
                    self.run(Effect::RefreshCase(case));
                }
                match flow_of(id) {
                    Some(flow) => Action::EntryDone {
                        flow,
                        entry: id,
                        result: Ok(what),
                    },
                    None => Action::OutboxNews(format!("✓ Sent from the outbox: {what}")),
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
    fn load_user(&self, configured: Option<String>) {
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

    fn run(&self, effect: Effect) {
        match effect {
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
            Effect::LoadQueue => {
                // One queue load at a time: a poll during a manual refresh is dropped.
                if self.queue_busy.swap(true, Ordering::SeqCst) {
                    return;
                }
                let this = self.clone();
                tokio::spawn(async move {
                    let action = match this.load_queue().await {
                        Ok(Some(cases)) => {
                            let (outbox, copy) = (this.outbox.clone(), cases.clone());
                            tokio::task::spawn_blocking(move || outbox.cache_put("queue", &copy));
                            Action::QueueLoaded { cases, at: now() }
                        }
                        Ok(None) => Action::QueueUnchanged { at: now() },
                        Err(e) => Action::QueueFailed(e),
                    };
                    this.queue_busy.store(false, Ordering::SeqCst);
                    let _ = this.tx.send(action);
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
                    if let Ok(case) = client.case(&token).await {
                        let _ = tx.send(Action::CaseRefreshed(Box::new(case)));
                    }
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
            Effect::DeleteDraft { key } => {
                lock_drafts(&self.drafts).remove(&key);
                self.outbox.delete_draft(&key);
            }
        }
    }

    /// Every case, or `None` when the first page is unchanged since the last load.
    /// The queue; a large one shows its first (most urgent) page while the rest loads.
    async fn load_queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        let tx = self.tx.clone();
        let first = move |cases: Vec<Case>| {
            let _ = tx.send(Action::QueuePartial { cases });
        };
        self.client.queue_with(&first).await
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard ("c"), base64 as the spec wants.
/// Control characters in `text` are removed first: it must not smuggle a sequence of its own.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    )
}

/// The bytes that ring the bell and raise a desktop notification (OSC 9 or OSC 777) with
/// `text`. Inside tmux the notification is wrapped for passthrough (tmux needs
/// `allow-passthrough on`). Control characters are removed from `text`, and `;` too for
/// OSC 777, whose fields it separates.
pub fn notification(
    text: &str,
    bell: bool,
    desktop: crate::app::power::Desktop,
    tmux: bool,
) -> String {
    use crate::app::power::Desktop;
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let seq = match desktop {
        Desktop::Osc9 => format!("\x1b]9;{text}\x07"),
        Desktop::Osc777 => format!("\x1b]777;notify;docket;{}\x07", text.replace(';', ",")),
        Desktop::None => String::new(),
    };
    let seq = if tmux && !seq.is_empty() {
        format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    };
    format!("{}{seq}", if bell { "\x07" } else { "" })
}

/// Opens a URL with the desktop's opener when there is a desktop; over SSH there usually is
/// not, and the URL is already on screen and on the clipboard. The opener's own output never
/// reaches the console's terminal.
fn open_url(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        Some("open")
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        Some("xdg-open")
    } else {
        None
    };
    if let Some(cmd) = opener {
        let _ = std::process::Command::new(cmd)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
}

/// SIGTERM and SIGHUP end the console cleanly (the guard restores the terminal).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn osc52_is_well_formed_and_carries_the_text() {
        let seq = osc52("CAS-000123 Müller");
        let body = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|r| r.strip_suffix('\x07'))
            .expect("ESC ] 52 ; c ; <base64> BEL");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "CAS-000123 Müller");
        // Text cannot end the sequence early or start one of its own.
        let sneaky = osc52("a\x07\x1b]52;c;evil\x07b");
        assert_eq!(sneaky.matches('\x07').count(), 1);
        assert_eq!(sneaky.matches('\x1b').count(), 1);
    }

    #[test]
    fn notifications_ring_and_notify_and_pass_through_tmux() {
        use crate::app::power::Desktop;
        assert_eq!(
            notification("2 new; look", true, Desktop::Osc9, false),
            "\x07\x1b]9;2 new; look\x07"
        );
        assert_eq!(
            notification("2 new; look\x1b[2J", false, Desktop::Osc777, false),
            "\x1b]777;notify;docket;2 new, look[2J\x07"
        );
        assert_eq!(notification("x", true, Desktop::None, true), "\x07");
        assert_eq!(
            notification("x", false, Desktop::Osc9, true),
            "\x1bPtmux;\x1b\x1b]9;x\x07\x1b\\"
        );
    }
}
