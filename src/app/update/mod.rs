//! The pure `update`: an [`Action`] changes the [`State`] and returns the [`Effect`]s to start.
//! No I/O, no clock reads. The work is split by where the keyboard is:
//! - this module: the dispatch, data arriving from the runtime, and commands of the queue and
//!   the detail;
//! - `drawer`: keys and paste in an open review drawer, and what its outcome starts;
//! - `modes`: the outbox view, the command palette and the filter line;
//! - `preconditions`: reading a case again before judging a drawer's preconditions;
//! - `flows`: opening each review drawer (or saying why it cannot open);
//! - `form`: the case and entity forms: opening them, their keys, and what a creation that
//!   landed opens.

mod acting;
mod drawer;
mod find;
mod flows;
mod form;
mod modes;
mod preconditions;
mod reading;

pub use super::action::{Action, CasePart, Effect};
pub use super::command::Command;
pub(crate) use flows::unsupported;
pub(crate) use preconditions::read_only_why;

use drawer::{flow_key, paste};
use flows::start_flow;
use form::{case_form_loaded, created, open_case, reveal, start_form};
use modes::{filter_key, outbox_key, overview_key, palette_key};
use preconditions::{has_preconditions, rechecked};
use reading::open;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::flow::{self, Choice, Flow, FlowKind, Outcome};
use super::keymap::Context;
use super::power;
use super::state::{Connection, Detail, Focus, Loadable, Mode, OutboxRow, State, Tab};
use crate::domain::model::{Alert, Case, User};
use crate::domain::row::CaseRow;
use crate::domain::{AlertStatus, AssessmentStatus, CaseStatus, ResolutionAction, ReviewerStatus};
use crate::provider::{Capabilities, Feature, ProviderError, Vendor};

/// Rows a page key moves.
pub const PAGE: isize = 10;

/// The keymap context the state is in.
pub fn context(state: &State) -> Context {
    match (state.ui.focus, state.detail.as_ref().map(|d| d.tab)) {
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
            if state.ui.mode == Mode::Help {
                return reading::help_key(state, key);
            }
            if state.flow.is_some() {
                // F1 (a key that is never text) opens help over the drawer.
                if !matches!(key.code, KeyCode::Char(_))
                    && state.settings.keymap.lookup(Context::Normal, &key)
                        == Some(Command::ToggleHelp)
                {
                    return command(state, Command::ToggleHelp);
                }
                return flow_key(state, key);
            }
            if state.ui.confirm_other.is_some() {
                return acting::answer(state, key);
            }
            if state.ui.confirm_quit {
                state.ui.confirm_quit = false;
                if state.settings.keymap.lookup(context(state), &key) == Some(Command::Quit) {
                    state.ui.should_quit = true;
                } else {
                    state.ui.flash = Some("Staying.".into());
                }
                return vec![];
            }
            match state.ui.mode {
                Mode::Outbox => outbox_key(state, key),
                Mode::Filter => filter_key(state, key),
                Mode::Palette => palette_key(state, key),
                Mode::Overview => overview_key(state, key),
                Mode::Sort => find::sort_key(state, key),
                Mode::Help => reading::help_key(state, key),
                Mode::Normal => match state.settings.keymap.lookup(context(state), &key) {
                    Some(c) => {
                        power::remember(state, c);
                        command(state, c)
                    }
                    None => vec![],
                },
            }
        }
        Action::Command(c) => command(state, c),
        Action::CaseFormLoaded(result) => case_form_loaded(state, result),
        Action::Created {
            flow,
            created: made,
            case,
        } => created(state, flow, made, case),
        Action::OpenCase(token) => open_case(state, token),
        Action::SearchDue(generation) => find::search_due(state, generation),
        Action::SearchResults { query, result } => find::search_results(state, query, result),
        Action::CaseFound { query, result } => find::case_found(state, query, result),
        Action::ViewSaved { view, path } => find::view_saved(state, view, path),
        Action::Clock(now) => {
            state.data.now = now;
            vec![]
        }
        Action::Resize(w, h) => {
            state.ui.screen = Some((w, h));
            vec![]
        }
        Action::MeLoaded(me) => {
            state.data.me = me;
            state.data.me_answered = true;
            let me = state.data.me.as_ref().map(|u| u.id.clone());
            state.queue.rebuild(me.as_deref());
            state.recount();
            // A key the API says cannot write makes the console read-only, like the flag.
            if let Some(u) = state.data.me.as_ref().filter(|u| !u.can_write) {
                state.data.read_only = true;
                // Short enough for the status bar at 80 columns; the user's name is beside it.
                state.data.read_only_why = Some(format!(
                    "the key cannot write ({})",
                    u.role.as_deref().unwrap_or("no role")
                ));
            }
            // Only now may the outbox send: it knows whose entries are whose, and that this
            // key may write. Read-only sends nothing, by any path.
            if state.data.read_only || state.data.key_refused.is_some() {
                vec![]
            } else {
                vec![Effect::StartSender]
            }
        }
        Action::Today(n) => {
            state.data.stats.today = n;
            vec![]
        }
        Action::Flash(text) => {
            state.ui.flash = Some(text);
            vec![]
        }
        Action::KeyRefused(e) => {
            state.ui.flash = Some(format!(
                "✖ The API refused the key ({e}): check it with `docket doctor`; nothing more is sent or polled until docket restarts."
            ));
            state.data.key_refused = Some(e.clone());
            state.data.connection = Connection::Failed(e);
            state.data.retry_at = None;
            vec![]
        }
        Action::ApiAnswered => {
            // The outbox just reached the API: the queue is tried now, not at the next backoff.
            if matches!(state.data.connection, Connection::Failed(_))
                && state.data.key_refused.is_none()
            {
                state.data.connection = Connection::Connecting;
                state.data.retry_at = None;
                return vec![Effect::LoadQueue];
            }
            vec![]
        }
        Action::CaseRefreshed(case) => {
            let me = state.data.me.as_ref().map(|u| u.id.clone());
            let token = case.token.clone();
            state.queue.upsert(*case, me.as_deref());
            state.recount();
            reveal(state);
            // The open case shows it too.
            if state.detail.as_ref().is_some_and(|d| d.token == token) {
                return vec![Effect::LoadCase(token)];
            }
            vec![]
        }
        Action::CaseRefreshFailed { token, error } => {
            // A case waiting to be shown (just opened) cannot be: say so rather than wait.
            if state.ui.reveal.as_deref() == Some(token.as_str()) {
                state.ui.reveal = None;
                state.ui.flash = Some(format!("Cannot read {token}: {error}"));
            }
            vec![]
        }
        Action::Rechecked {
            request,
            case,
            record,
            parts,
            at,
        } => rechecked(state, request, case, record.map(|r| *r), parts, at),
        Action::UsersLoaded(users) => find::users_loaded(state, users),
        Action::QueueLoaded { cases, at } => {
            queue_arrived(state, at, |q, me| q.set_rows(cases, me))
        }
        Action::QueueChanged { cases, at } => queue_arrived(state, at, |q, me| q.merge(cases, me)),
        Action::Matched => {
            if state.queue.matching {
                let me = state.data.me.as_ref().map(|u| u.id.clone());
                state.queue.rebuild(me.as_deref());
            }
            vec![]
        }
        // Shown only when nothing is on screen yet: a queue already shown (from the cache or
        // the last load) stays until the whole new one is in.
        Action::QueuePartial { cases } => {
            if !state.queue.loaded {
                let me = state.data.me.as_ref().map(|u| u.id.clone());
                state.queue.set_cases(cases, me.as_deref());
                state.recount();
                state.data.connection = Connection::Online;
                state.ui.flash = Some("Loading the rest of the queue…".into());
            }
            vec![]
        }
        Action::RetryScheduled { secs } => {
            state.data.retry_at = Some(
                Timestamp::from_second(state.data.now.as_second() + secs as i64)
                    .unwrap_or(state.data.now),
            );
            vec![]
        }
        Action::QueueCached { cases, at } => {
            if !state.queue.loaded {
                let me = state.data.me.as_ref().map(|u| u.id.clone());
                state.queue.set_rows(cases, me.as_deref());
                state.recount();
                state.data.last_sync = Some(at);
                state.ui.flash = Some("Showing the last known queue until the API answers.".into());
            }
            vec![]
        }
        Action::PollDue => {
            if state.ui.frozen {
                vec![]
            } else {
                vec![Effect::LoadQueue]
            }
        }
        Action::QueueUnchanged { at } => {
            state.data.retry_at = None;
            state.data.connection = Connection::Online;
            state.data.last_sync = Some(at);
            vec![]
        }
        Action::QueueFailed(e) => {
            if e.is_key_refused() {
                return update(state, Action::KeyRefused(e));
            }
            state.data.connection = Connection::Failed(e);
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
            let Some(f) = state.flow.as_ref().filter(|f| f.id == flow) else {
                return vec![];
            };
            if f.bulk.is_empty() {
                return update(state, Action::Submitted { flow, result });
            }
            // People by name, never `usr_…`, where the console knows them.
            let result = result
                .map(|what| state.with_names(&what))
                .map_err(|e| state.with_names(&e.to_string()));
            let Some(f) = state.flow.as_mut().filter(|f| f.id == flow) else {
                return vec![];
            };
            if let Some(b) = f.bulk.iter_mut().find(|b| b.entry == Some(entry)) {
                b.result = Some(result);
            }
            if f.bulk.iter().all(|b| b.result.is_some()) {
                let ok = f
                    .bulk
                    .iter()
                    .filter(|b| matches!(b.result, Some(Ok(_))))
                    .count();
                let refused = f.bulk.len() - ok;
                state.ui.flash = Some(if refused == 0 {
                    format!("✓ {}: all {ok} landed", f.title())
                } else {
                    format!(
                        "{}: {ok} landed, {refused} refused (see the drawer)",
                        f.title()
                    )
                });
                state.ui.queue_marks.clear();
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
                state.data.sent_drafts.insert(key.clone(), f.body());
                state.data.drafts.remove(&key);
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
            state.ui.flash = Some(state.with_names(&text));
            vec![Effect::LoadQueue]
        }
        Action::OutboxCounts(counts) => {
            // Said once in words when other authors' reviews are found waiting here.
            if state.data.outbox.held.is_empty()
                && let Some((who, n)) = counts.held.first()
            {
                state.ui.flash = Some(format!(
                    "{n} {} by {who} held for their key · Ctrl-O to export or discard",
                    if *n == 1 { "review" } else { "reviews" },
                ));
            }
            state.data.outbox = counts;
            vec![]
        }
        Action::DraftSaved {
            key,
            text,
            conditions,
        } => {
            // A debounced save of a text the outbox already holds: it must not come back in the
            // next drawer of the same kind, in memory or on disk.
            if state.data.sent_drafts.get(&key) == Some(&text) {
                return vec![Effect::DeleteDraftIf { key, text }];
            }
            if let Some(f) = state
                .flow
                .as_mut()
                .filter(|f| f.draft_key() == key && f.body() == text)
            {
                f.draft_saved = true;
            }
            state.data.drafts.insert(key, (text, conditions));
            vec![]
        }
        Action::OutboxEntries(rows) => {
            state.ui.outbox_row = state.ui.outbox_row.min(rows.len().saturating_sub(1));
            state.data.pending = rows
                .iter()
                .filter(|r| r.mine && !r.failed)
                .flat_map(OutboxRow::touches)
                .collect();
            state.data.refused = rows
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
            state.data.outbox_rows = rows;
            vec![]
        }
        Action::DraftsLoaded(list) => {
            state.data.drafts = list.into_iter().map(|(k, t, c)| (k, (t, c))).collect();
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
                            .data
                            .stats
                            .durations
                            .push(state.data.now.as_second() - opened.as_second());
                    }
                    state.data.drafts.remove(&key);
                    state.flow = None;
                    let what = format!("✓ {what}");
                    state.ui.flash = Some(state.with_names(&what));
                    if let Some(d) = state.detail.as_mut() {
                        d.marked.clear();
                    }
                    let mut effects = vec![Effect::DeleteDraft { key }, Effect::LoadQueue];
                    // A new case has no token until it lands (see `Action::Created`).
                    if !case.is_empty() {
                        effects.push(Effect::LoadCase(case));
                    }
                    effects
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

pub(super) fn settled(a: &Alert) -> bool {
    a.status.known().is_some_and(AlertStatus::is_settled)
}

pub(super) fn command(state: &mut State, c: Command) -> Vec<Effect> {
    use Command::*;
    let me = state.data.me.as_ref().map(|u| u.id.clone());
    state.ui.flash = None;
    if let Some(effects) = reading::reading_command(state, c) {
        return effects;
    }
    let on_alerts = state.ui.focus == Focus::Detail
        && state.detail.as_ref().is_some_and(|d| d.tab == Tab::Alerts);
    match c {
        Quit => {
            let pending = state.data.outbox.pending;
            if pending > 0 && !state.data.read_only && state.data.key_refused.is_none() {
                state.ui.confirm_quit = true;
                state.ui.flash = Some(format!(
                    "{pending} review(s) not sent yet: they will go out at the next start. Quit again to quit, any other key to stay."
                ));
            } else {
                state.ui.should_quit = true;
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
        Down | Up | PageDown | PageUp | Top | Bottom if state.ui.focus == Focus::Detail => {}
        Down => state.queue.move_by(1),
        Up => state.queue.move_by(-1),
        PageDown => state.queue.move_by(PAGE),
        PageUp => state.queue.move_by(-PAGE),
        Top => state.queue.select_row(0),
        Bottom => state.queue.select_row(usize::MAX),
        Open => return open(state),
        Back => {
            if state.ui.focus == Focus::Detail {
                state.ui.focus = Focus::Queue;
            } else if !state.ui.queue_marks.is_empty() {
                state.ui.queue_marks.clear();
                state.ui.flash = Some("Marks cleared.".into());
            } else {
                state.detail = None;
            }
        }
        SwitchFocus => {
            state.ui.focus = match state.ui.focus {
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
                state.ui.focus = Focus::Detail;
            }
        }
        StartFilter => {
            state.ui.mode = Mode::Filter;
            state.ui.focus = Focus::Queue;
        }
        Refresh => {
            let mut effects = vec![Effect::LoadQueue];
            if let Some(d) = &state.detail {
                effects.push(Effect::LoadCase(d.token.clone()));
            }
            return effects;
        }
        ToggleHelp => {
            state.ui.mode = Mode::Help;
            state.ui.help_scroll = 0;
        }
        Overview => state.ui.mode = Mode::Overview,
        ShowOutbox => {
            state.ui.mode = Mode::Outbox;
            state.ui.confirm_discard = None;
        }
        Freeze => {
            state.ui.frozen = !state.ui.frozen;
            state.ui.flash = Some(if state.ui.frozen {
                "Frozen: no updates until f again (r still refreshes).".into()
            } else {
                "Updates resumed.".into()
            });
        }
        SelectView(n) => match state.settings.views.len() {
            len if usize::from(n) <= len && n > 0 => {
                state.ui.view = usize::from(n) - 1;
                find::select_view(state, me.as_deref());
            }
            len => {
                state.ui.flash = Some(format!(
                    "No view {n}: there are {len} saved views (v goes to the next one)."
                ))
            }
        },
        NextView => {
            if !state.settings.views.is_empty() {
                state.ui.view = (state.ui.view + 1) % state.settings.views.len();
                find::select_view(state, me.as_deref());
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
        Mark if state.ui.focus == Focus::Queue => {
            if let Some(t) = state.queue.selected.clone() {
                if !state.ui.queue_marks.remove(&t) {
                    state.ui.queue_marks.insert(t.clone());
                }
                state.ui.mark_anchor = Some(t);
            }
        }
        MarkRange => {
            let q = &state.queue;
            let row_of = |t: &str| q.view.iter().position(|&i| q.cases.get(i).token == t);
            if let (Some(cur), Some(anchor)) = (
                q.selected_row(),
                state.ui.mark_anchor.as_deref().and_then(row_of),
            ) {
                let (a, b) = (cur.min(anchor), cur.max(anchor));
                let tokens: Vec<String> = q.view[a..=b]
                    .iter()
                    .map(|&i| q.cases.get(i).token.to_string())
                    .collect();
                state.ui.queue_marks.extend(tokens);
            } else {
                state.ui.flash =
                    Some("Mark a case with space first, then move and press M.".into());
            }
        }
        Mark => {
            if let Some(d) = state.detail.as_mut().filter(|_| on_alerts)
                && let Some(a) = d.current_alert()
            {
                let t = a.token.clone();
                if settled(a) {
                    state.ui.flash = Some("That alert is already settled.".into());
                } else if !d.marked.remove(&t) {
                    d.marked.insert(t);
                }
            }
        }
        SortBy => find::open_sort(state),
        SaveView => return find::save_view(state),
        PullNext => return power::pull_next(state),
        Palette => power::open_palette(state),
        CopyName | CopyToken | CopyLink | OpenInBrowser => return power::copy_or_open(state, c),
        NewCase | AddEntity => return start_form(state, c),
        _ => return start_flow(state, c, None),
    }
    vec![]
}

/// The queue walked whole (`arrived` replaces what was loaded) or only what changed since
/// (merged into the one copy): shown, counted, the open case reloaded if its row moved.
fn queue_arrived(
    state: &mut State,
    at: Timestamp,
    arrived: impl FnOnce(&mut super::queue::Queue, Option<&str>),
) -> Vec<Effect> {
    let me = state.data.me.as_ref().map(|u| u.id.clone());
    // The open case reloads when the queue says it changed.
    let open = state.detail.as_ref().map(|d| d.token.clone());
    let fingerprint =
        |c: Option<CaseRow>| c.map(|c| (c.version, c.updated_at, c.status.clone(), c.open_alerts));
    let before = open
        .as_deref()
        .and_then(|t| fingerprint(state.queue.get(t)));
    arrived(&mut state.queue, me.as_deref());
    let after = open
        .as_deref()
        .and_then(|t| fingerprint(state.queue.get(t)));
    state.recount();
    reveal(state);
    state.data.connection = Connection::Online;
    state.data.last_sync = Some(at);
    state.data.retry_at = None;
    if matches!(
        state.ui.flash.as_deref(),
        Some(
            "Loading the rest of the queue…"
                | "Showing the last known queue until the API answers."
        )
    ) {
        state.ui.flash = None;
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
