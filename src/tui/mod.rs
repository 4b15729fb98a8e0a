//! The console's runtime: the terminal, the event loop and the network tasks.
//!
//! Events (keys, resizes, task results, the poll timer, signals) become actions; `update`
//! changes the state; the frame is drawn only when it differs from the last one written, and
//! then inside a synchronized-output bracket, so an idle console writes nothing at all. The
//! first frame is drawn before any network call returns.
//!
//! - `runner`: starts each effect's network or disk work and turns results into actions;
//! - `escape`: the sequences written between frames (clipboard, notifications) and the opener.

mod escape;
mod find;
mod queue_load;
mod runner;

pub use escape::{notification, osc52};
use runner::Runner;

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
    /// Acting on a case assigned to someone else asks first.
    pub confirm_others: bool,
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
    /// The config file "save view" writes to.
    pub config_path: Option<std::path::PathBuf>,
    /// The profile in use (from the config), if any.
    pub profile_name: Option<String>,
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
    state.data.read_only = opts.read_only;
    state.ui.flash = opts.notice.clone();
    state.settings.caps = opts.client.capabilities().clone();
    state.settings.source_caps = opts.client.sources().into_iter().collect();
    state.settings.keymap = opts.keymap.clone();
    if let Some(views) = &opts.views {
        state.settings.views = views.clone();
    }
    state.settings.dashboard_urls = opts.dashboard_urls.clone();
    state.settings.snippets = opts.snippets.clone();
    state.settings.notify = opts.notify.clone();
    state.settings.confirm_others = opts.confirm_others;
    state.settings.entity_form = opts.client.entity_form();
    if let Ok((w, h)) = terminal::size() {
        update(&mut state, Action::Resize(w, h));
    }
    // The first frame first: nothing below may delay it.
    let mut last: Option<Buffer> = None;
    draw(&mut term, &state, &theme, &mut last)?;

    let identity = crate::sync::identity::Identity::new(&opts.profile, &opts.key_fp);
    let outbox = Outbox::open(&opts.store, &identity).map_err(|e| {
        color_eyre::eyre::eyre!("cannot open the local store {}: {e}", opts.store.display())
    })?;
    let (tx, mut rx) = unbounded_channel::<Action>();
    // A large queue's filter matches arrive from the matcher's threads.
    {
        let tx = tx.clone();
        state.queue.waker.set(Box::new(move || {
            let _ = tx.send(Action::Matched);
        }));
    }
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
        config_path: opts.config_path.clone(),
        profile_name: opts.profile_name.clone(),
        since: Arc::new(std::sync::Mutex::new(None)),
        cache: queue_load::cache_writer(outbox.clone()),
    };
    runner.today();
    update(&mut state, Action::DraftsLoaded(outbox.drafts()));
    runner.relist();
    draw(&mut term, &state, &theme, &mut last)?;

    // Then the last known queue, marked with its age, and the API asked what changed.
    queue_load::start(&runner);
    runner.load_user(opts.user.clone());
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
                Some(Ok(Event::Resize(w, h))) => Some(Action::Resize(w, h)),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(a) = rx.recv() => {
                match &a {
                    Action::QueueLoaded { .. } | Action::QueueChanged { .. } | Action::QueueUnchanged { .. } => {
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
            let replaced = matches!(
                action,
                Action::QueueLoaded { .. }
                    | Action::QueueCached { .. }
                    | Action::QueueChanged { .. }
            );
            for effect in update(&mut state, action) {
                runner.run(effect);
            }
            if replaced {
                draw(&mut term, &state, &theme, &mut last)?;
                release_freed_memory();
            }
        }
        if state.ui.should_quit {
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

/// Hands the memory a queue load freed back to the system. The pages of a walk are decoded on
/// the runtime's threads and the queue rebuilt on this one; glibc keeps what they free in each
/// thread's arena, so without this the resident size would stay at the load's peak for good.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    // SAFETY: malloc_trim takes no pointers; it only returns free pages of glibc's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}
