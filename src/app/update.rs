//! Actions, the keymap's commands, and the pure `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::flow::{self, Choice, Flow, FlowKind, Outcome, Submission};
use super::keymap::Context;
use super::power;
use super::state::{Connection, Detail, Focus, Loadable, Mode, OutboxRow, State, Tab};
use crate::domain::model::{
    Alert, Assessment, AuditEntry, Case, Check, Comment, Entity, Reviewer, User,
};
use crate::domain::{AlertStatus, AssessmentStatus, CaseStatus, ResolutionAction, ReviewerStatus};
use crate::provider::{Capabilities, Feature, ProviderError, Vendor};

/// One part of an open case, as loaded.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CasePart {
    Alerts(Result<Vec<Alert>, ProviderError>),
    Entities(Result<Vec<Entity>, ProviderError>),
    Risk(Result<Option<Box<Assessment>>, ProviderError>),
    Checks(Result<Vec<Check>, ProviderError>),
    Timeline(Result<Vec<AuditEntry>, ProviderError>),
    Comments(Result<Vec<Comment>, ProviderError>),
    Reviewers(Result<Option<Vec<Reviewer>>, ProviderError>),
}

impl CasePart {
    /// A name for the part, used as a cache key.
    pub fn name(&self) -> &'static str {
        match self {
            CasePart::Alerts(_) => "alerts",
            CasePart::Entities(_) => "entities",
            CasePart::Risk(_) => "risk",
            CasePart::Checks(_) => "checks",
            CasePart::Timeline(_) => "timeline",
            CasePart::Comments(_) => "comments",
            CasePart::Reviewers(_) => "reviewers",
        }
    }

    /// Why the part could not be read, if it could not.
    pub fn error(&self) -> Option<&ProviderError> {
        match self {
            CasePart::Alerts(r) => r.as_ref().err(),
            CasePart::Entities(r) => r.as_ref().err(),
            CasePart::Risk(r) => r.as_ref().err(),
            CasePart::Checks(r) => r.as_ref().err(),
            CasePart::Timeline(r) => r.as_ref().err(),
            CasePart::Comments(r) => r.as_ref().err(),
            CasePart::Reviewers(r) => r.as_ref().err(),
        }
    }

    pub fn is_ok(&self) -> bool {
        match self {
            CasePart::Alerts(r) => r.is_ok(),
            CasePart::Entities(r) => r.is_ok(),
            CasePart::Risk(r) => r.is_ok(),
            CasePart::Checks(r) => r.is_ok(),
            CasePart::Timeline(r) => r.is_ok(),
            CasePart::Comments(r) => r.is_ok(),
            CasePart::Reviewers(r) => r.is_ok(),
        }
    }
}

/// Everything that can happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): goes to the editor or the filter.
    Paste(String),
    /// A command from somewhere other than a key (the palette, a test).
    Command(Command),
    /// The clock moved (sent with other events, never on a timer of its own).
    Clock(Timestamp),
    MeLoaded(Option<User>),
    UsersLoaded(Vec<User>),
    QueueLoaded {
        cases: Vec<Case>,
        at: Timestamp,
    },
    QueueUnchanged {
        at: Timestamp,
    },
    /// The first page of a large queue, while the rest loads.
    QueuePartial {
        cases: Vec<Case>,
    },
    QueueFailed(ProviderError),
    /// The poll interval elapsed.
    PollDue,
    /// The last queue known from an earlier run, shown until the API answers.
    QueueCached {
        cases: Vec<Case>,
        at: Timestamp,
    },
    /// The queue will be tried again in `secs` (backing off after a failure).
    RetryScheduled {
        secs: u64,
    },
    CaseLoaded {
        token: String,
        part: Box<CasePart>,
    },
    /// A submission finished: a line saying what landed, or why not.
    Submitted {
        flow: u64,
        result: Result<String, ProviderError>,
    },
    /// The case changed since the flow opened; nothing was sent.
    Conflict {
        flow: u64,
        changes: Vec<String>,
    },
    /// The flow's submission is on disk as outbox entry `entry`.
    Enqueued {
        flow: u64,
        entry: i64,
    },
    /// An outbox entry written by a flow landed or was refused for good.
    EntryDone {
        flow: u64,
        entry: i64,
        result: Result<String, ProviderError>,
    },
    /// Not landed yet; the outbox retries.
    Retrying {
        flow: u64,
        attempts: u32,
        error: ProviderError,
    },
    /// An entry from an earlier run landed or failed.
    OutboxNews(String),
    /// A line for the status bar.
    Flash(String),
    OutboxCounts(crate::domain::review::Counts),
    /// Reviews this identity landed today (from the local audit log).
    Today(u32),
    /// The API refused the key (401): stop, say so, point to `docket doctor`.
    KeyRefused(ProviderError),
    /// The outbox reached the API: it answers again.
    ApiAnswered,
    /// One case read again (after a review of it landed).
    CaseRefreshed(Box<Case>),
    /// The parts a drawer's preconditions depend on, read again just now (`request` is the
    /// number of the `Effect::Recheck`).
    Rechecked {
        request: u64,
        case: String,
        parts: Vec<CasePart>,
        at: Timestamp,
    },
    /// The entries not yet landed.
    OutboxEntries(Vec<super::state::OutboxRow>),
    /// Drafts saved by earlier runs: (key, text, conditions).
    DraftsLoaded(Vec<(String, String, String)>),
    /// A draft reached the disk.
    DraftSaved {
        key: String,
        text: String,
        conditions: String,
    },
}

/// What a key can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Back,
    SwitchFocus,
    NextTab,
    PrevTab,
    StartFilter,
    Refresh,
    /// Stop (or resume) polling: the queue holds still while you read.
    Freeze,
    /// The next saved view.
    NextView,
    /// The outbox: what is pending or refused.
    ShowOutbox,
    ToggleHelp,
    ToggleMine,
    ToggleUnassigned,
    ToggleBreached,
    ToggleHighRisk,
    ToggleClosed,
    ClearFilters,
    // Alert actions (alerts tab): on the marked alerts, or the one under the cursor.
    Mark,
    Resolve(ResolutionAction),
    FalsePositive,
    EscalateAlert,
    Acknowledge,
    // Case actions.
    ChangeStatus,
    AssignToMe,
    Assign,
    EscalateCase,
    ApproveRisk,
    OverrideRisk,
    Comment,
    RequestApprover,
    ApproveReview,
    RejectReview,
    Close,
    // Power-user commands.
    /// Take the most urgent unassigned case in the view: assign it to me and open it.
    PullNext,
    /// The command palette: fuzzy search over every command available here.
    Palette,
    /// Copy the case's name, token or dashboard link (OSC 52: works over SSH and in tmux).
    CopyName,
    CopyToken,
    CopyLink,
    /// Open the case in the vendor's web dashboard (or show and copy its URL).
    OpenInBrowser,
    /// Mark every case from the last marked one to the cursor (a visual range).
    MarkRange,
}

/// Work for the runtime: network calls whose results come back as actions.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    LoadQueue,
    LoadCase(String),
    /// Write to the outbox and send; with `expect`, first check the case did not change since
    /// (by others). `replace`: earlier entries to discard first (refused if one is in flight).
    Submit {
        flow: u64,
        /// The case it is written on.
        case: String,
        title: String,
        submission: Submission,
        expect: Option<(String, Box<flow::Seen>)>,
        replace: Vec<i64>,
    },
    /// Start sending the outbox: the key's user is known and may write.
    StartSender,
    /// Write the entries other authors left to a file.
    ExportHeld,
    /// Read one case again and update its queue row.
    RefreshCase(String),
    /// Read again what a drawer's preconditions depend on (alerts, risk, reviewers).
    Recheck {
        request: u64,
        case: String,
    },
    /// Send a refused outbox entry again.
    Resend {
        flow: u64,
        entry: i64,
        submission: Submission,
    },
    /// From the outbox view: send an entry again as it is.
    ResendEntry {
        entry: i64,
        submission: Submission,
    },
    DiscardEntry {
        entry: i64,
    },
    SaveDraft {
        key: String,
        text: String,
        conditions: String,
    },
    DeleteDraft {
        key: String,
    },
    /// Write several submissions to the outbox and send them (a bulk flow), no conflict check.
    SubmitMany {
        flow: u64,
        items: Vec<(String, Submission)>,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Open a URL in a browser where there is one.
    OpenUrl(String),
    /// Tell the analyst: the bell and/or a desktop notification.
    Notify {
        text: String,
        bell: bool,
        desktop: power::Desktop,
    },
}

/// Rows a page key moves.
pub const PAGE: isize = 10;

/// The keymap context the state is in.
pub fn context(state: &State) -> Context {
    match (state.focus, state.detail.as_ref().map(|d| d.tab)) {
        (Focus::Detail, Some(Tab::Alerts)) => Context::Alerts,
        (Focus::Detail, _) => Context::Detail,
        _ => Context::Queue,
    }
}

/// Applies `action`; returns the effects to start. Pure: no I/O, no clock reads.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Paste(text) => paste(state, &text),
        Action::Key(key) => {
            if key.kind == KeyEventKind::Release {
                return vec![];
            }
            if state.flow.is_some() {
                return flow_key(state, key);
            }
            if state.confirm_quit {
                state.confirm_quit = false;
                if state.keymap.lookup(context(state), &key) == Some(Command::Quit) {
                    state.should_quit = true;
                } else {
                    state.flash = Some("Staying.".into());
                }
                return vec![];
            }
            match state.mode {
                Mode::Outbox => outbox_key(state, key),
                Mode::Filter => filter_key(state, key),
                Mode::Palette => palette_key(state, key),
                Mode::Help => {
                    // Any key leaves help; quit still quits.
                    state.mode = Mode::Normal;
                    if state.keymap.lookup(context(state), &key) == Some(Command::Quit) {
                        state.should_quit = true;
                    }
                    vec![]
                }
                Mode::Normal => match state.keymap.lookup(context(state), &key) {
                    Some(c) => {
                        power::remember(state, c);
                        command(state, c)
                    }
                    None => vec![],
                },
            }
        }
        Action::Command(c) => command(state, c),
        Action::Clock(now) => {
            state.now = now;
            vec![]
        }
        Action::MeLoaded(me) => {
            state.me = me;
            let me = state.me.as_ref().map(|u| u.id.clone());
            state.queue.rebuild(me.as_deref());
            state.recount();
            // A key the API says cannot write makes the console read-only, like the flag.
            if let Some(u) = state.me.as_ref().filter(|u| !u.can_write) {
                state.read_only = true;
                // Short enough for the status bar at 80 columns; the user's name is beside it.
                state.read_only_why = Some(format!(
                    "the key cannot write ({})",
                    u.role.as_deref().unwrap_or("no role")
                ));
            }
            // Only now may the outbox send: it knows whose entries are whose, and that this
            // key may write. Read-only sends nothing, by any path.
            if state.read_only || state.key_refused.is_some() {
                vec![]
            } else {
                vec![Effect::StartSender]
            }
        }
        Action::Today(n) => {
            state.stats.today = n;
            vec![]
        }
        Action::Flash(text) => {
            state.flash = Some(text);
            vec![]
        }
        Action::KeyRefused(e) => {
            state.flash = Some(format!(
                "✖ The API refused the key ({e}): check it with `docket doctor`; nothing more is sent or polled until docket restarts."
            ));
            state.key_refused = Some(e.clone());
            state.connection = Connection::Failed(e);
            state.retry_at = None;
            vec![]
        }
        Action::ApiAnswered => {
            // The outbox just reached the API: the queue is tried now, not at the next backoff.
            if matches!(state.connection, Connection::Failed(_)) && state.key_refused.is_none() {
                state.connection = Connection::Connecting;
                state.retry_at = None;
                return vec![Effect::LoadQueue];
            }
            vec![]
        }
        Action::CaseRefreshed(case) => {
            let me = state.me.as_ref().map(|u| u.id.clone());
            let token = case.token.clone();
            state.queue.upsert(*case, me.as_deref());
            state.recount();
            // The open case shows it too.
            if state.detail.as_ref().is_some_and(|d| d.token == token) {
                return vec![Effect::LoadCase(token)];
            }
            vec![]
        }
        Action::Rechecked {
            request,
            case,
            parts,
            at,
        } => rechecked(state, request, case, parts, at),
        Action::UsersLoaded(users) => {
            state.users = users.into_iter().map(|u| (u.id.clone(), u)).collect();
            vec![]
        }
        Action::QueueLoaded { cases, at } => {
            let me = state.me.as_ref().map(|u| u.id.clone());
            // The open case reloads when the queue says it changed.
            let open = state.detail.as_ref().map(|d| d.token.clone());
            let fingerprint = |cases: &[Case], t: &str| {
                cases
                    .iter()
                    .find(|c| c.token == t)
                    .map(|c| (c.version, c.updated_at, c.status.clone(), c.open_alerts))
            };
            let before = open
                .as_deref()
                .and_then(|t| fingerprint(&state.queue.cases, t));
            let after = open.as_deref().and_then(|t| fingerprint(&cases, t));
            state.queue.set_cases(cases, me.as_deref());
            state.recount();
            state.connection = Connection::Online;
            state.last_sync = Some(at);
            state.retry_at = None;
            if matches!(
                state.flash.as_deref(),
                Some(
                    "Loading the rest of the queue…"
                        | "Showing the last known queue until the API answers."
                )
            ) {
                state.flash = None;
            }
            let mut effects = power::notifications(state);
            if let Some(t) = open
                && before.is_some()
                && before != after
            {
                effects.push(Effect::LoadCase(t));
            }
            effects
        }
        // Shown only when nothing is on screen yet: a queue already shown (from the cache or
        // the last load) stays until the whole new one is in.
        Action::QueuePartial { cases } => {
            if !state.queue.loaded {
                let me = state.me.as_ref().map(|u| u.id.clone());
                state.queue.set_cases(cases, me.as_deref());
                state.recount();
                state.connection = Connection::Online;
                state.flash = Some("Loading the rest of the queue…".into());
            }
            vec![]
        }
        Action::RetryScheduled { secs } => {
            state.retry_at = Some(
                Timestamp::from_second(state.now.as_second() + secs as i64).unwrap_or(state.now),
            );
            vec![]
        }
        Action::QueueCached { cases, at } => {
            if !state.queue.loaded {
                let me = state.me.as_ref().map(|u| u.id.clone());
                state.queue.set_cases(cases, me.as_deref());
                state.recount();
                state.last_sync = Some(at);
                state.flash = Some("Showing the last known queue until the API answers.".into());
            }
            vec![]
        }
        Action::PollDue => {
            if state.frozen {
                vec![]
            } else {
                vec![Effect::LoadQueue]
            }
        }
        Action::QueueUnchanged { at } => {
            state.retry_at = None;
            state.connection = Connection::Online;
            state.last_sync = Some(at);
            vec![]
        }
        Action::QueueFailed(e) => {
            if e.is_key_refused() {
                return update(state, Action::KeyRefused(e));
            }
            state.connection = Connection::Failed(e);
            vec![]
        }
        Action::CaseLoaded { token, part } => {
            if let Some(d) = state.detail.as_mut().filter(|d| d.token == token) {
                fn set<T>(slot: &mut Loadable<T>, r: Result<T, ProviderError>) {
                    *slot = match r {
                        Ok(v) => Loadable::Ready(v),
                        // Offline: what was shown (live or cached) stays; the status bar
                        // already says the API is unreachable.
                        Err(_) if matches!(slot, Loadable::Ready(_)) => return,
                        Err(e) => Loadable::Failed(e),
                    };
                }
                match *part {
                    CasePart::Alerts(r) => {
                        // Grouped by entity, most urgent first within each.
                        let r = r.map(|mut list| {
                            list.sort_by(|a, b| {
                                a.entity_name.cmp(&b.entity_name).then(
                                    b.priority_score
                                        .unwrap_or(0.0)
                                        .total_cmp(&a.priority_score.unwrap_or(0.0)),
                                )
                            });
                            list
                        });
                        set(&mut d.alerts, r);
                        // Marks on alerts that are gone or settled no longer apply.
                        if let Loadable::Ready(list) = &d.alerts {
                            d.marked
                                .retain(|t| list.iter().any(|a| &a.token == t && !settled(a)));
                            d.alert_row = d.alert_row.min(list.len().saturating_sub(1));
                        }
                    }
                    CasePart::Entities(r) => set(&mut d.entities, r),
                    CasePart::Risk(r) => set(&mut d.risk, r.map(|a| a.map(|b| *b))),
                    CasePart::Checks(r) => set(&mut d.checks, r),
                    CasePart::Timeline(r) => set(&mut d.timeline, r),
                    CasePart::Comments(r) => set(&mut d.comments, r),
                    CasePart::Reviewers(r) => set(&mut d.reviewers, r),
                }
            }
            vec![]
        }
        Action::Conflict { flow, changes } => {
            if let Some(f) = state.flow.as_mut().filter(|f| f.id == flow) {
                f.step = flow::Step::Conflict(changes);
            }
            vec![]
        }
        Action::Enqueued { flow, entry }
            if state
                .flow
                .as_ref()
                .is_some_and(|f| f.id == flow && !f.bulk.is_empty()) =>
        {
            if let Some(f) = state.flow.as_mut()
                && let Some(b) = f.bulk.iter_mut().find(|b| b.entry.is_none())
            {
                b.entry = Some(entry);
            }
            vec![]
        }
        Action::EntryDone {
            flow,
            entry,
            result,
        } => {
            let Some(f) = state.flow.as_mut().filter(|f| f.id == flow) else {
                return vec![];
            };
            if f.bulk.is_empty() {
                return update(state, Action::Submitted { flow, result });
            }
            if let Some(b) = f.bulk.iter_mut().find(|b| b.entry == Some(entry)) {
                b.result = Some(result.map_err(|e| e.to_string()));
            }
            if f.bulk.iter().all(|b| b.result.is_some()) {
                let ok = f
                    .bulk
                    .iter()
                    .filter(|b| matches!(b.result, Some(Ok(_))))
                    .count();
                let refused = f.bulk.len() - ok;
                state.flash = Some(if refused == 0 {
                    format!("✓ {}: all {ok} landed", f.title())
                } else {
                    format!(
                        "{}: {ok} landed, {refused} refused (see the drawer)",
                        f.title()
                    )
                });
                state.queue_marks.clear();
                return vec![Effect::LoadQueue];
            }
            vec![]
        }
        Action::Enqueued { flow, entry } => {
            // The outbox now holds the text durably (and shows it again if it is refused): the
            // draft has done its job, and must not reappear in the next flow of the same kind.
            if let Some(f) = state.flow.as_mut().filter(|f| f.id == flow) {
                f.entry = Some(entry);
                let key = f.draft_key();
                state.drafts.remove(&key);
                return vec![Effect::DeleteDraft { key }];
            }
            vec![]
        }
        Action::Retrying {
            flow,
            attempts,
            error,
        } => {
            if let Some(f) = state.flow.as_mut().filter(|f| f.id == flow) {
                f.retrying = Some((attempts, error));
            }
            vec![]
        }
        Action::OutboxNews(text) => {
            state.flash = Some(text);
            vec![Effect::LoadQueue]
        }
        Action::OutboxCounts(counts) => {
            // Said once in words when other authors' reviews are found waiting here.
            if state.outbox.held.is_empty()
                && let Some((who, n)) = counts.held.first()
            {
                state.flash = Some(format!(
                    "{n} {} by {who} held for their key · Ctrl-O to export or discard",
                    if *n == 1 { "review" } else { "reviews" },
                ));
            }
            state.outbox = counts;
            vec![]
        }
        Action::DraftSaved {
            key,
            text,
            conditions,
        } => {
            if let Some(f) = state
                .flow
                .as_mut()
                .filter(|f| f.draft_key() == key && f.body() == text)
            {
                f.draft_saved = true;
            }
            state.drafts.insert(key, (text, conditions));
            vec![]
        }
        Action::OutboxEntries(rows) => {
            state.outbox_row = state.outbox_row.min(rows.len().saturating_sub(1));
            state.pending = rows
                .iter()
                .filter(|r| r.mine && !r.failed)
                .flat_map(OutboxRow::touches)
                .collect();
            state.refused = rows
                .iter()
                .filter(|r| r.mine && r.failed)
                .flat_map(OutboxRow::touches)
                .collect();
            if let Some(f) = state.flow.as_mut()
                && let Some(entry) = f.entry
            {
                f.waits_for = rows
                    .iter()
                    .find(|r| r.id == entry)
                    .and_then(|r| r.waits_for);
            }
            state.outbox_rows = rows;
            vec![]
        }
        Action::DraftsLoaded(list) => {
            state.drafts = list.into_iter().map(|(k, t, c)| (k, (t, c))).collect();
            vec![]
        }
        Action::Submitted { flow: id, result } => {
            let Some(f) = state.flow.as_mut().filter(|f| f.id == id) else {
                return vec![];
            };
            match result {
                Ok(what) => {
                    let case = f.case_token.clone();
                    let key = f.draft_key();
                    if let Some(opened) = f.opened_at {
                        state
                            .stats
                            .durations
                            .push(state.now.as_second() - opened.as_second());
                    }
                    state.drafts.remove(&key);
                    state.flow = None;
                    state.flash = Some(format!("✓ {what}"));
                    if let Some(d) = state.detail.as_mut() {
                        d.marked.clear();
                    }
                    vec![
                        Effect::DeleteDraft { key },
                        Effect::LoadQueue,
                        Effect::LoadCase(case),
                    ]
                }
                Err(e) => {
                    f.retrying = None;
                    f.step = flow::Step::Failed(e);
                    vec![]
                }
            }
        }
    }
}

fn settled(a: &Alert) -> bool {
    a.status.known().is_some_and(AlertStatus::is_settled)
}

fn flow_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.should_quit = true;
        return vec![];
    }
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    let outcome = f.key(key);
    flow_outcome(state, outcome)
}

/// Pasted text goes where typed text would: the drawer's editor, or the filter.
fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(f) = state.flow.as_mut() {
        let outcome = f.paste(text);
        return flow_outcome(state, outcome);
    }
    if state.mode == Mode::Filter {
        let room = 100usize.saturating_sub(state.queue.filter.chars().count());
        let line: String = crate::app::flow::plain_paste(text)
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .take(room)
            .collect();
        state.queue.filter.push_str(&line);
        let me = state.me.as_ref().map(|u| u.id.clone());
        state.queue.rebuild(me.as_deref());
        state.queue.select_row(0);
    }
    vec![]
}

fn flow_outcome(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    let draft = |f: &Flow| Effect::SaveDraft {
        key: f.draft_key(),
        text: f.body(),
        conditions: f.conditions_text(),
    };
    match outcome {
        Outcome::Stay => vec![],
        Outcome::SubmitMany(items) => {
            if let FlowKind::Bulk { cases, .. } = &f.kind {
                f.bulk = cases
                    .iter()
                    .map(|(_, name)| flow::BulkResult {
                        name: name.clone(),
                        entry: None,
                        result: None,
                    })
                    .collect();
            }
            vec![Effect::SubmitMany { flow: f.id, items }]
        }
        Outcome::Edited => {
            f.draft_saved = false;
            vec![draft(f)]
        }
        Outcome::Cancel => {
            // The draft stays: reopening the same flow brings the text back.
            let keep = f.kind.needs_text() && !f.body().is_empty();
            state.flow = None;
            if keep {
                state.flash = Some("Draft kept: reopen the same action to continue.".into());
            }
            vec![]
        }
        Outcome::Discard => {
            let key = f.draft_key();
            state.drafts.remove(&key);
            state.flow = None;
            state.flash = Some("Draft discarded.".into());
            vec![Effect::DeleteDraft { key }]
        }
        // Read-only may have been learnt after the drawer opened: nothing is written, the text
        // stays.
        Outcome::Submit(_) if state.read_only => {
            let why = read_only_why(state);
            if let Some(f) = state.flow.as_mut() {
                f.step = flow::Step::Failed(ProviderError::Invalid(format!("Read-only: {why}.")));
            }
            vec![]
        }
        Outcome::Submit(submission) => match f.entry {
            // Sent before and refused: send the same entry again (same key if unchanged).
            Some(entry) => vec![Effect::Resend {
                flow: f.id,
                entry,
                submission,
            }],
            None => {
                // Reviews of the same target still waiting: say so before writing another.
                if !f.behind_ok && !submission.is_additive() {
                    let targets = submission.targets();
                    let earlier: Vec<(i64, String)> = state
                        .outbox_rows
                        .iter()
                        .filter(|r| {
                            r.mine
                                && !r.submission.is_additive()
                                && r.submission.targets().iter().any(|t| targets.contains(t))
                        })
                        .map(|r| {
                            let noun = r
                                .submission
                                .targets()
                                .into_iter()
                                .find(|t| targets.contains(t))
                                .map_or("target", |t| t.noun());
                            let state_word = if r.failed {
                                "was refused and waits for you (Ctrl-O)"
                            } else {
                                "is still waiting to be sent"
                            };
                            (
                                r.id,
                                format!("a {} of this {noun} {state_word}", r.submission.verb()),
                            )
                        })
                        .collect();
                    if !earlier.is_empty() {
                        f.step = flow::Step::Behind(earlier);
                        return vec![];
                    }
                }
                vec![Effect::Submit {
                    flow: f.id,
                    case: f.case_token.clone(),
                    title: f.title(),
                    submission,
                    expect: if f.force {
                        None
                    } else {
                        f.seen.clone().map(|s| (f.case_token.clone(), Box::new(s)))
                    },
                    replace: std::mem::take(&mut f.replace),
                }]
            }
        },
    }
}

fn outbox_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let n = state.outbox_rows.len();
    let confirm = state.confirm_discard.take();
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => state.mode = Mode::Normal,
        KeyCode::Char('j') | KeyCode::Down => {
            state.outbox_row = (state.outbox_row + 1).min(n.saturating_sub(1))
        }
        KeyCode::Char('k') | KeyCode::Up => state.outbox_row = state.outbox_row.saturating_sub(1),
        KeyCode::Char('x') => {
            if state.outbox.held.is_empty() {
                state.flash = Some("No entries of other authors to export.".into());
            } else {
                return vec![Effect::ExportHeld];
            }
        }
        KeyCode::Char('s' | 'e')
            if state
                .outbox_rows
                .get(state.outbox_row)
                .is_some_and(|r| !r.mine) =>
        {
            if let Some(r) = state.outbox_rows.get(state.outbox_row) {
                state.flash = Some(format!(
                    "Entry {} was written by {}: only their key sends it. x exports it, d d discards it.",
                    r.id, r.author
                ));
            }
        }
        KeyCode::Char('s' | 'e') if state.read_only => {
            state.flash = Some(format!("Read-only: {}.", read_only_why(state)));
        }
        KeyCode::Char('s') => {
            if let Some(r) = state.outbox_rows.get(state.outbox_row) {
                state.flash = Some(format!("Sending entry {} again.", r.id));
                return vec![Effect::ResendEntry {
                    entry: r.id,
                    submission: r.submission.clone(),
                }];
            }
        }
        KeyCode::Char('d') => {
            if let Some(r) = state.outbox_rows.get(state.outbox_row) {
                if confirm == Some(r.id) {
                    state.flash = Some(format!("Discarded entry {}.", r.id));
                    return vec![Effect::DiscardEntry { entry: r.id }];
                }
                state.confirm_discard = Some(r.id);
                state.flash = Some(format!(
                    "Press d again to discard entry {} ({}).",
                    r.id, r.title
                ));
            }
        }
        KeyCode::Char('e') => {
            if let Some(r) = state.outbox_rows.get(state.outbox_row).cloned() {
                match Flow::from_entry(state.next_flow, r.id, &r.title, &r.submission) {
                    Some(f) => {
                        state.next_flow += 1;
                        state.flow = Some(f);
                        state.mode = Mode::Normal;
                    }
                    None => {
                        state.flash = Some(
                            "This entry has no text to edit; send it again or discard it.".into(),
                        )
                    }
                }
            }
        }
        _ => {}
    }
    vec![]
}

/// Keys in the command palette: type to narrow, arrows to move, Enter runs, Esc closes.
fn palette_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let n = power::palette_items(state).len();
    let Some(p) = state.palette.as_mut() else {
        state.mode = Mode::Normal;
        return vec![];
    };
    match key.code {
        KeyCode::Esc => {
            state.palette = None;
            state.mode = Mode::Normal;
        }
        KeyCode::Char('c') if ctrl => state.should_quit = true,
        KeyCode::Down | KeyCode::Tab => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        KeyCode::Char('n') if ctrl => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        KeyCode::Up | KeyCode::BackTab => p.selected = p.selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl => p.selected = p.selected.saturating_sub(1),
        KeyCode::Char('u') if ctrl => {
            p.query.clear();
            p.selected = 0;
        }
        KeyCode::Backspace => {
            p.query.pop();
            p.selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            if p.query.chars().count() < 60 {
                p.query.push(c);
            }
            p.selected = 0;
        }
        KeyCode::Enter => {
            let chosen = power::palette_items(state)
                .get(state.palette.as_ref().map_or(0, |p| p.selected))
                .map(|i| i.command);
            state.palette = None;
            state.mode = Mode::Normal;
            if let Some(c) = chosen {
                power::remember(state, c);
                return command(state, c);
            }
        }
        _ => {}
    }
    vec![]
}

fn filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let me = state.me.as_ref().map(|u| u.id.clone());
    match key.code {
        KeyCode::Esc => {
            state.queue.filter.clear();
            state.mode = Mode::Normal;
        }
        KeyCode::Enter => state.mode = Mode::Normal,
        KeyCode::Backspace => {
            state.queue.filter.pop();
        }
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.should_quit = true;
            return vec![];
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.queue.filter.clear();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            if state.queue.filter.chars().count() < 100 {
                state.queue.filter.push(c);
            }
        }
        KeyCode::Down => {
            state.queue.move_by(1);
            return vec![];
        }
        KeyCode::Up => {
            state.queue.move_by(-1);
            return vec![];
        }
        _ => return vec![],
    }
    state.queue.rebuild(me.as_deref());
    // While typing, the best match is the one selected (as in fzf).
    state.queue.select_row(0);
    vec![]
}

fn open(state: &mut State) -> Vec<Effect> {
    let Some(token) = state.queue.selected.clone() else {
        return vec![];
    };
    if state.detail.as_ref().is_some_and(|d| d.token == token) {
        state.focus = Focus::Detail;
        return vec![];
    }
    let caps = state
        .queue
        .get(&token)
        .map_or_else(|| state.caps.clone(), |c| state.caps_of(c).clone());
    state.detail = Some(Detail::for_caps(token.clone(), &caps));
    state.focus = Focus::Detail;
    vec![Effect::LoadCase(token)]
}

fn command(state: &mut State, c: Command) -> Vec<Effect> {
    use Command::*;
    let me = state.me.as_ref().map(|u| u.id.clone());
    state.flash = None;
    let on_alerts =
        state.focus == Focus::Detail && state.detail.as_ref().is_some_and(|d| d.tab == Tab::Alerts);
    match c {
        Quit => {
            let pending = state.outbox.pending;
            if pending > 0 && !state.read_only && state.key_refused.is_none() {
                state.confirm_quit = true;
                state.flash = Some(format!(
                    "{pending} review(s) not sent yet: they will go out at the next start. Quit again to quit, any other key to stay."
                ));
            } else {
                state.should_quit = true;
            }
        }
        Down | Up | PageDown | PageUp | Top | Bottom if on_alerts => {
            if let Some(d) = state.detail.as_mut()
                && let Loadable::Ready(list) = &d.alerts
            {
                let last = list.len().saturating_sub(1) as isize;
                let row = d.alert_row as isize;
                d.alert_row = match c {
                    Down => row + 1,
                    Up => row - 1,
                    PageDown => row + PAGE,
                    PageUp => row - PAGE,
                    Top => 0,
                    _ => last,
                }
                .clamp(0, last.max(0)) as usize;
            }
        }
        Down | Up | PageDown | PageUp | Top | Bottom if state.focus == Focus::Detail => {}
        Down => state.queue.move_by(1),
        Up => state.queue.move_by(-1),
        PageDown => state.queue.move_by(PAGE),
        PageUp => state.queue.move_by(-PAGE),
        Top => state.queue.select_row(0),
        Bottom => state.queue.select_row(usize::MAX),
        Open => return open(state),
        Back => {
            if state.focus == Focus::Detail {
                state.focus = Focus::Queue;
            } else if !state.queue_marks.is_empty() {
                state.queue_marks.clear();
                state.flash = Some("Marks cleared.".into());
            } else {
                state.detail = None;
            }
        }
        SwitchFocus => {
            state.focus = match state.focus {
                Focus::Queue if state.detail.is_some() => Focus::Detail,
                _ => Focus::Queue,
            }
        }
        NextTab | PrevTab => {
            // Only the tabs the provider has data for.
            let tabs = state.tabs();
            if let Some(d) = state.detail.as_mut() {
                let i = tabs.iter().position(|t| *t == d.tab).unwrap_or(0);
                let n = tabs.len();
                d.tab = tabs[if c == NextTab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                state.focus = Focus::Detail;
            }
        }
        StartFilter => {
            state.mode = Mode::Filter;
            state.focus = Focus::Queue;
        }
        Refresh => {
            let mut effects = vec![Effect::LoadQueue];
            if let Some(d) = &state.detail {
                effects.push(Effect::LoadCase(d.token.clone()));
            }
            return effects;
        }
        ToggleHelp => state.mode = Mode::Help,
        ShowOutbox => {
            state.mode = Mode::Outbox;
            state.confirm_discard = None;
        }
        Freeze => {
            state.frozen = !state.frozen;
            state.flash = Some(if state.frozen {
                "Frozen: no updates until f again (r still refreshes).".into()
            } else {
                "Updates resumed.".into()
            });
        }
        NextView => {
            if !state.views.is_empty() {
                state.view = (state.view + 1) % state.views.len();
                state.queue.quick = state.views[state.view].quick;
                state.queue.rebuild(me.as_deref());
            }
        }
        ToggleMine | ToggleUnassigned | ToggleBreached | ToggleHighRisk | ToggleClosed
        | ClearFilters => {
            let quick = &mut state.queue.quick;
            match c {
                ToggleMine => quick.mine = !quick.mine,
                ToggleUnassigned => quick.unassigned = !quick.unassigned,
                ToggleBreached => quick.breached = !quick.breached,
                ToggleHighRisk => quick.high_risk = !quick.high_risk,
                ToggleClosed => quick.closed = !quick.closed,
                _ => {
                    *quick = Default::default();
                    state.queue.filter.clear();
                }
            }
            state.queue.rebuild(me.as_deref());
        }
        // In the queue: mark cases for bulk work.
        Mark if state.focus == Focus::Queue => {
            if let Some(t) = state.queue.selected.clone() {
                if !state.queue_marks.remove(&t) {
                    state.queue_marks.insert(t.clone());
                }
                state.mark_anchor = Some(t);
            }
        }
        MarkRange => {
            let q = &state.queue;
            let row_of = |t: &str| q.view.iter().position(|&i| q.cases[i].token == t);
            if let (Some(cur), Some(anchor)) = (
                q.selected_row(),
                state.mark_anchor.as_deref().and_then(row_of),
            ) {
                let (a, b) = (cur.min(anchor), cur.max(anchor));
                let tokens: Vec<String> = q.view[a..=b]
                    .iter()
                    .map(|&i| q.cases[i].token.clone())
                    .collect();
                state.queue_marks.extend(tokens);
            } else {
                state.flash = Some("Mark a case with space first, then move and press M.".into());
            }
        }
        Mark => {
            if let Some(d) = state.detail.as_mut().filter(|_| on_alerts)
                && let Some(a) = d.current_alert()
            {
                let t = a.token.clone();
                if settled(a) {
                    state.flash = Some("That alert is already settled.".into());
                } else if !d.marked.remove(&t) {
                    d.marked.insert(t);
                }
            }
        }
        PullNext => return power::pull_next(state),
        Palette => power::open_palette(state),
        CopyName | CopyToken | CopyLink | OpenInBrowser => return power::copy_or_open(state, c),
        _ => return start_flow(state, c, None),
    }
    vec![]
}

/// Why nothing may be written, in words.
pub(crate) fn read_only_why(state: &State) -> String {
    state
        .read_only_why
        .clone()
        .unwrap_or_else(|| "docket was started with --read-only".into())
}

/// Whether a command's drawer judges preconditions on what the provider can read (Zenoo's
/// close rules: alerts settled, risk approved, four eyes; an approvable assessment; a pending
/// review of mine): the case is read again before they are judged.
fn has_preconditions(caps: &Capabilities, c: Command) -> bool {
    match c {
        Command::Close => caps.vendor == Vendor::Zenoo,
        Command::ApproveRisk => caps.risk,
        Command::ApproveReview | Command::RejectReview => caps.reviewers,
        _ => false,
    }
}

/// The parts read again for a drawer arrived: judge its preconditions on them.
fn rechecked(
    state: &mut State,
    request: u64,
    case: String,
    parts: Vec<CasePart>,
    at: Timestamp,
) -> Vec<Effect> {
    let Some((asked, c)) = state.rechecking else {
        return vec![];
    };
    if asked != request {
        return vec![];
    }
    state.rechecking = None;
    let failed: Vec<String> = parts
        .iter()
        .filter_map(CasePart::error)
        .map(|e| e.to_string())
        .collect();
    for part in parts {
        update(
            state,
            Action::CaseLoaded {
                token: case.clone(),
                part: Box::new(part),
            },
        );
    }
    // Only if the analyst is still on that case and has not opened something else meanwhile.
    if state.flow.is_some() || state.detail.as_ref().is_none_or(|d| d.token != case) {
        return vec![];
    }
    // Said as of the moment it was read; the status bar clock is the same clock.
    let ago = (state.now.as_second() - at.as_second()).max(0);
    let when = if ago < 5 {
        "just now".to_string()
    } else {
        format!("{ago}s ago")
    };
    let said = match failed.first() {
        None => format!("Read {when}: {}", read_summary(state)),
        Some(e) => format!(
            "Could not read the case again ({e}); judged from what was loaded: {}",
            read_summary(state)
        ),
    };
    let effects = start_flow(state, c, Some(said.clone()));
    if state.flow.is_none()
        && let Some(why) = state.flash.take()
    {
        state.flash = Some(format!("{why} ({said})"));
    }
    effects
}

/// What the open case's alerts, risk and reviewers say, in one line.
fn read_summary(state: &State) -> String {
    let Some(d) = state.detail.as_ref() else {
        return String::new();
    };
    let mut out = Vec::new();
    if let Loadable::Ready(list) = &d.alerts {
        let open = list.iter().filter(|a| !settled(a)).count();
        out.push(format!("{} alerts, {open} open", list.len()));
    }
    match &d.risk {
        Loadable::Ready(Some(a)) => out.push(format!(
            "risk {}{}",
            a.status,
            a.effective_tier
                .as_ref()
                .or(a.tier.as_ref())
                .map(|t| format!(", {t}"))
                .unwrap_or_default()
        )),
        Loadable::Ready(None) => out.push("no risk assessment".into()),
        _ => {}
    }
    if let Loadable::Ready(Some(list)) = &d.reviewers {
        let approved: Vec<&str> = list
            .iter()
            .filter(|r| r.status.known() == Some(ReviewerStatus::Approved))
            .map(|r| r.user.name.as_deref().unwrap_or(r.user.id.as_str()))
            .collect();
        out.push(if approved.is_empty() {
            "no approval yet".into()
        } else {
            format!("approved by {}", approved.join(", "))
        });
    }
    out.join(" · ")
}

/// Opens the drawer for an action, or says why it cannot open. A drawer with preconditions
/// first reads the case again (`checked` is what that read said, once it has).
fn start_flow(state: &mut State, c: Command, checked: Option<String>) -> Vec<Effect> {
    use Command::*;
    if state.read_only {
        state.flash = Some(format!("Read-only: {}.", read_only_why(state)));
        return vec![];
    }
    if checked.is_none()
        && let Some(case) = state.detail.as_ref().map(|d| d.token.clone())
        && let Some(rec) = state.queue.get(&case)
        && has_preconditions(state.caps_of(rec), c)
    {
        let request = state.next_flow;
        state.next_flow += 1;
        state.rechecking = Some((request, c));
        state.flash = Some("Reading the case again before judging…".into());
        return vec![Effect::Recheck { request, case }];
    }
    if state.focus == Focus::Queue
        && !state.queue_marks.is_empty()
        && matches!(c, AssignToMe | Assign | ChangeStatus | EscalateCase)
    {
        match bulk_flow(state, c) {
            Ok(f) => state.flow = Some(f),
            Err(why) => state.flash = Some(why),
        }
        return vec![];
    }
    let Some(case) = state
        .detail
        .as_ref()
        .map(|d| d.token.clone())
        .or_else(|| state.queue.selected.clone())
    else {
        return vec![];
    };
    let Some(c_rec) = state.queue.get(&case).cloned() else {
        return vec![];
    };
    if c_rec.status.known() == Some(CaseStatus::Closed) && !matches!(c, Comment) {
        state.flash = Some(format!("{} is closed.", c_rec.name));
        return vec![];
    }
    // What the provider cannot do is refused here, with the reason, never sent to fail.
    let caps = state.caps_of(&c_rec).clone();
    if let Some(why) = unsupported(&caps, c) {
        state.flash = Some(format!("{why}."));
        return vec![];
    }
    let me = state.me.clone();
    let detail = state.detail.as_ref().filter(|d| d.token == case);
    let kind_and_choices: Result<(FlowKind, Vec<Choice>), String> = match c {
        Resolve(_) | FalsePositive | EscalateAlert | Acknowledge => alert_flow(detail, c),
        ChangeStatus if !caps.vendor_statuses.is_empty() => {
            let choices: Vec<Choice> = caps
                .vendor_statuses
                .iter()
                .filter(|s| s.as_str() != c_rec.status.as_str())
                .map(|s| Choice {
                    value: s.clone(),
                    label: s.clone(),
                })
                .collect();
            if choices.is_empty() {
                Err("No other status is configured for this profile.".into())
            } else {
                Ok((FlowKind::SetVendorStatus, choices))
            }
        }
        ChangeStatus => match c_rec.status.known() {
            Some(s) => {
                let choices = flow::status_choices(s);
                if choices.is_empty() {
                    Err(format!("No status change is possible from {s}."))
                } else {
                    Ok((FlowKind::ChangeStatus, choices))
                }
            }
            None => Err(format!(
                "Unknown status {:?}: no transition is known.",
                c_rec.status.as_str()
            )),
        },
        AssignToMe => match &me {
            Some(u) => Ok((
                FlowKind::AssignToMe,
                vec![Choice {
                    value: u.id.clone(),
                    label: u.name.clone(),
                }],
            )),
            None => Err("Your user id is not known (set `user` in the profile).".into()),
        },
        Assign => assignees(state).map(|choices| (FlowKind::Assign, choices)),
        EscalateCase => Ok((FlowKind::EscalateCase, vec![])),
        ApproveRisk | OverrideRisk => match detail.map(|d| &d.risk) {
            Some(Loadable::Ready(Some(a))) => {
                if c == ApproveRisk {
                    if a.status.known() == Some(AssessmentStatus::Approved) {
                        Err("The risk assessment is already approved.".into())
                    } else if a.overridden_by.is_some()
                        && a.overridden_by.as_deref() == me.as_ref().map(|u| u.id.as_str())
                    {
                        Err("You overrode this tier; another user must approve it.".into())
                    } else {
                        Ok((
                            FlowKind::ApproveRisk {
                                assessment: a.token.clone(),
                            },
                            vec![],
                        ))
                    }
                } else {
                    Ok((
                        FlowKind::OverrideRisk {
                            assessment: a.token.clone(),
                        },
                        ["High", "Medium", "Low"]
                            .iter()
                            .map(|t| Choice {
                                value: (*t).into(),
                                label: (*t).into(),
                            })
                            .collect(),
                    ))
                }
            }
            Some(Loadable::Ready(None)) => Err("The case has no risk assessment.".into()),
            _ => Err("Open the case and wait for its risk assessment.".into()),
        },
        Comment => Ok((FlowKind::Comment, vec![])),
        RequestApprover => {
            let mut approvers: Vec<&User> = state
                .users
                .values()
                .filter(|u| u.role.as_deref() == Some("approver"))
                .collect();
            approvers.sort_by(|a, b| a.name.cmp(&b.name));
            if approvers.is_empty() {
                Err("No approver is known to this API.".into())
            } else {
                Ok((
                    FlowKind::RequestApprover,
                    approvers
                        .iter()
                        .map(|u| Choice {
                            value: u.id.clone(),
                            label: u.name.clone(),
                        })
                        .collect(),
                ))
            }
        }
        ApproveReview | RejectReview => {
            let mine = detail.and_then(|d| match &d.reviewers {
                Loadable::Ready(Some(list)) => list
                    .iter()
                    .find(|r| {
                        Some(r.user.id.as_str()) == me.as_ref().map(|u| u.id.as_str())
                            && matches!(
                                r.status.known(),
                                Some(ReviewerStatus::Invited | ReviewerStatus::Reviewing)
                            )
                    })
                    .map(|r| r.token.clone()),
                _ => None,
            });
            match mine {
                Some(reviewer) => Ok((
                    FlowKind::DecideReview {
                        reviewer,
                        approve: c == ApproveReview,
                    },
                    vec![],
                )),
                None => Err("You have no pending review on this case.".into()),
            }
        }
        Close => close_flow(detail, me.as_ref()),
        _ => return vec![],
    };
    match kind_and_choices {
        Ok((kind, choices)) => {
            let id = state.next_flow;
            state.next_flow += 1;
            let mut f = Flow::new(id, &case, &c_rec.name, kind, choices);
            f.seen = Some(flow::Seen::of(
                &c_rec,
                state.last_sync.unwrap_or(state.now).as_millisecond(),
            ));
            f.checked = checked;
            f.opened_at = Some(state.now);
            f.snippets = state.snippets.clone();
            let alert = detail.and_then(|d| d.current_alert());
            f.vars = vec![
                ("case", c_rec.name.clone()),
                ("entity", c_rec.primary_entity.clone().unwrap_or_default()),
                (
                    "category",
                    alert.and_then(|a| a.category.clone()).unwrap_or_default(),
                ),
                (
                    "score",
                    alert
                        .and_then(|a| a.match_score)
                        .map(|s| format!("{s:.0}"))
                        .unwrap_or_default(),
                ),
                (
                    "me",
                    me.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
                ),
            ];
            if let Some((text, conditions)) = state.drafts.get(&f.draft_key()) {
                f.restore(text, conditions);
                state.flash = Some("Draft restored.".into());
            }
            // Zenoo's close preconditions (alerts settled, risk approved, four eyes); other
            // vendors enforce their own rules.
            if caps.vendor == Vendor::Zenoo
                && let Err(blockers) = &close_check(detail, me.as_ref(), &f.kind)
            {
                f.step = flow::Step::Blocked(blockers.clone());
            }
            if f.kind == FlowKind::Close {
                f.note = match (&caps.decision_note, caps.rationale_on_decision) {
                    (Some(note), _) => Some(note.clone()),
                    (None, false) => Some(format!(
                        "{} cannot store a summary with its decision: docket keeps it in its \
                         local audit log (docket audit-log).",
                        caps.vendor.title()
                    )),
                    (None, true) => None,
                };
            }
            if state.flash.as_deref() == Some("Reading the case again before judging…") {
                state.flash = None;
            }
            state.flow = Some(f);
        }
        Err(why) => state.flash = Some(why),
    }
    vec![]
}

/// The users a case can be assigned to, by name, as picker choices.
fn assignees(state: &State) -> Result<Vec<Choice>, String> {
    let mut users: Vec<&User> = state.users.values().filter(|u| u.can_write).collect();
    users.sort_by(|a, b| a.name.cmp(&b.name));
    if users.is_empty() {
        return Err("No user list from this API.".into());
    }
    Ok(users
        .iter()
        .map(|u| Choice {
            value: u.id.clone(),
            label: format!("{} ({})", u.name, u.id),
        })
        .collect())
}

/// One action on every marked case of the queue: assign, change status or escalate.
fn bulk_flow(state: &mut State, c: Command) -> Result<Flow, String> {
    use Command::*;
    use flow::BulkAction;
    // In the order the analyst sees them.
    let q = &state.queue;
    let mut cases: Vec<&Case> = q
        .view
        .iter()
        .map(|&i| &q.cases[i])
        .filter(|x| state.queue_marks.contains(&x.token))
        .collect();
    // Marked, then hidden by a filter: still marked, listed last.
    let hidden: Vec<&Case> = q
        .cases
        .iter()
        .filter(|x| {
            state.queue_marks.contains(&x.token) && !cases.iter().any(|c| c.token == x.token)
        })
        .collect();
    cases.extend(hidden);
    if cases.is_empty() {
        return Err("The marked cases are no longer in the queue.".into());
    }
    if let Some(closed) = cases
        .iter()
        .find(|x| x.status.known() == Some(CaseStatus::Closed))
    {
        return Err(format!("{} is closed; unmark it first.", closed.name));
    }
    for x in &cases {
        if let Some(why) = unsupported(state.caps_of(x), c) {
            return Err(format!("{}: {why}.", x.name));
        }
    }
    let (action, choices) = match c {
        AssignToMe => {
            let me = state
                .me
                .as_ref()
                .ok_or("Your user id is not known (set `user` in the profile).")?;
            (
                BulkAction::Assign,
                vec![Choice {
                    value: me.id.clone(),
                    label: me.name.clone(),
                }],
            )
        }
        Assign => (BulkAction::Assign, assignees(state)?),
        ChangeStatus => {
            // Only statuses every marked case may move to.
            let mut common: Option<Vec<Choice>> = None;
            for x in &cases {
                let from = x.status.known().ok_or_else(|| {
                    format!("{}: unknown status {:?}.", x.name, x.status.as_str())
                })?;
                let mine = flow::status_choices(from);
                common = Some(match common {
                    None => mine,
                    Some(prev) => prev.into_iter().filter(|ch| mine.contains(ch)).collect(),
                });
            }
            let choices = common.unwrap_or_default();
            if choices.is_empty() {
                return Err("No status change is valid for every marked case.".into());
            }
            (BulkAction::Status, choices)
        }
        EscalateCase => (BulkAction::Escalate, vec![]),
        _ => return Err("That action does not work on several cases.".into()),
    };
    let first = cases[0];
    let kind = FlowKind::Bulk {
        action,
        cases: cases
            .iter()
            .map(|x| (x.token.clone(), x.name.clone()))
            .collect(),
    };
    let id = state.next_flow;
    state.next_flow += 1;
    let mut f = Flow::new(id, &first.token, &first.name, kind, choices);
    f.opened_at = Some(state.now);
    Ok(f)
}

/// Why the provider cannot do what a command asks, or `None`.
pub(crate) fn unsupported(caps: &Capabilities, c: Command) -> Option<String> {
    use Command::*;
    let feature = match c {
        Resolve(action) => {
            if let Some(why) = caps.why_not(Feature::ResolveAlerts) {
                return Some(why);
            }
            if !caps.resolution_actions.contains(&action) {
                return Some(format!(
                    "{}'s API cannot resolve an alert with {action}",
                    caps.vendor.title()
                ));
            }
            return None;
        }
        FalsePositive => {
            return (!caps.false_positive).then(|| {
                format!(
                    "{}'s API cannot mark an alert a false positive",
                    caps.vendor.title()
                )
            });
        }
        EscalateAlert => Feature::EscalateAlerts,
        Acknowledge => Feature::AcknowledgeAlerts,
        ChangeStatus => Feature::ChangeStatus,
        AssignToMe | Assign => Feature::Assign,
        EscalateCase => Feature::EscalateCase,
        ApproveRisk | OverrideRisk => Feature::Risk,
        Comment => Feature::AddComment,
        RequestApprover | ApproveReview | RejectReview => Feature::Reviewers,
        Close => Feature::Close,
        _ => return None,
    };
    caps.why_not(feature)
}

fn alert_flow(detail: Option<&Detail>, c: Command) -> Result<(FlowKind, Vec<Choice>), String> {
    let d = detail.ok_or("Open a case first.")?;
    let Loadable::Ready(list) = &d.alerts else {
        return Err("The alerts are still loading.".into());
    };
    let targets: Vec<String> = if d.marked.is_empty() {
        let a = d.current_alert().ok_or("This case has no alerts.")?;
        if settled(a) && c != Command::EscalateAlert {
            return Err(format!("Alert {} is already {}.", a.token, a.status));
        }
        vec![a.token.clone()]
    } else {
        list.iter()
            .filter(|a| d.marked.contains(&a.token))
            .map(|a| a.token.clone())
            .collect()
    };
    Ok((
        match c {
            Command::Resolve(action) => FlowKind::Resolve {
                tokens: targets,
                action,
                false_positive: false,
            },
            Command::FalsePositive => FlowKind::Resolve {
                tokens: targets,
                action: ResolutionAction::Approve,
                false_positive: true,
            },
            Command::Acknowledge => FlowKind::Acknowledge { tokens: targets },
            _ => {
                if targets.len() > 1 {
                    return Err("Escalate one alert at a time (unmark the others).".into());
                }
                FlowKind::EscalateAlert {
                    token: targets[0].clone(),
                }
            }
        },
        vec![],
    ))
}

fn close_flow(
    detail: Option<&Detail>,
    _me: Option<&User>,
) -> Result<(FlowKind, Vec<Choice>), String> {
    detail.ok_or("Open the case first: closing checks its alerts, risk and approvers.")?;
    Ok((
        FlowKind::Close,
        vec![
            Choice {
                value: "Approve".into(),
                label: "Approve".into(),
            },
            Choice {
                value: "Decline".into(),
                label: "Decline".into(),
            },
        ],
    ))
}

/// For a close, the preconditions the console can see are unmet (listed, not sent to fail).
fn close_check(
    detail: Option<&Detail>,
    me: Option<&User>,
    kind: &FlowKind,
) -> Result<(), Vec<String>> {
    if *kind != FlowKind::Close {
        return Ok(());
    }
    let Some(d) = detail else { return Ok(()) };
    let alerts = match &d.alerts {
        Loadable::Ready(a) => a,
        Loadable::Loading => {
            return Err(vec![
                "The alerts are still loading; try again in a moment.".into(),
            ]);
        }
        Loadable::Failed(e) => return Err(vec![format!("The alerts could not be loaded: {e}")]),
        // The provider has no alerts: its own rules apply.
        Loadable::Unavailable(_) => return Ok(()),
    };
    let risk = match &d.risk {
        Loadable::Ready(r) => r,
        Loadable::Loading => {
            return Err(vec![
                "The risk assessment is still loading; try again in a moment.".into(),
            ]);
        }
        Loadable::Failed(e) => {
            return Err(vec![format!(
                "The risk assessment could not be loaded: {e}"
            )]);
        }
        Loadable::Unavailable(_) => return Ok(()),
    };
    let open: Vec<(String, AlertStatus)> = alerts
        .iter()
        .filter(|a| !settled(a))
        .map(|a| {
            (
                a.token.clone(),
                a.status.known().unwrap_or(AlertStatus::Open),
            )
        })
        .collect();
    let assessment = risk.as_ref().map(|a| {
        (
            a.status.known().unwrap_or(AssessmentStatus::Draft),
            a.effective_tier
                .as_ref()
                .or(a.tier.as_ref())
                .and_then(|t| t.known()),
        )
    });
    let approvers: Vec<(String, ReviewerStatus)> = match &d.reviewers {
        Loadable::Ready(Some(list)) => list
            .iter()
            .filter_map(|r| Some((r.user.id.clone(), r.status.known()?)))
            .collect(),
        _ => vec![],
    };
    let blockers = flow::close_blockers(&open, assessment, &approvers, me.map(|u| u.id.as_str()));
    if blockers.is_empty() {
        Ok(())
    } else {
        Err(blockers)
    }
}
