//! What happens and what to do about it: every event becomes an [`Action`]; `update` answers
//! with [`Effect`]s, the network and disk work the runtime starts. Parts of a case arrive as
//! [`CasePart`]s.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use super::command::Command;
use super::flow;
use super::power;
use super::rows::Rows;
use crate::domain::model::{
    Alert, Assessment, AuditEntry, Case, Check, Comment, Entity, Reviewer, User,
};
use crate::domain::review::Submission;
use crate::provider::ProviderError;

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
    /// The terminal's size (columns, rows), at the start and on every resize.
    Resize(u16, u16),
    MeLoaded(Option<User>),
    UsersLoaded(Vec<User>),
    /// The whole queue, walked again (its rows built where the pages arrived).
    QueueLoaded {
        cases: Rows,
        at: Timestamp,
    },
    /// Only these cases changed (or are new) since the queue was last known whole; the rest
    /// stand as loaded.
    QueueChanged {
        cases: Vec<Case>,
        at: Timestamp,
    },
    QueueUnchanged {
        at: Timestamp,
    },
    /// The filter's matches, not ready when its text changed, are (a large queue).
    Matched,
    /// The first page of a large queue, while the rest loads.
    QueuePartial {
        cases: Vec<Case>,
    },
    QueueFailed(ProviderError),
    /// The poll interval elapsed.
    PollDue,
    /// The last queue known from an earlier run, shown until the API answers.
    QueueCached {
        cases: Rows,
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
    /// Reading one case again failed.
    CaseRefreshFailed {
        token: String,
        error: ProviderError,
    },
    /// The parts a drawer's preconditions depend on, read again just now (`request` is the
    /// number of the `Effect::Recheck`).
    Rechecked {
        request: u64,
        case: String,
        /// The case record as read just before its parts: the drawer's copy to detect later
        /// changes against (`None` when it could not be read).
        record: Option<Box<Case>>,
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
    /// The vendor's case form (`None`: the API cannot open cases).
    CaseFormLoaded(Result<Option<crate::domain::form::Form>, ProviderError>),
    /// A creation landed: what it made or found. `flow` is the drawer that wrote it in this
    /// run; `case` is the case it opened (its token) or added an entity to.
    Created {
        flow: Option<u64>,
        created: crate::provider::api::Created,
        case: Option<String>,
    },
    /// Open a case by token (selecting it in the queue once it is there).
    OpenCase(String),
    /// The filter text has not changed for a moment: search the API if it is still `generation`.
    SearchDue(u64),
    /// What the API found for a filter text (`None`: the API cannot search).
    SearchResults {
        query: String,
        result: Result<Option<Vec<Case>>, ProviderError>,
    },
    /// The case a reference named, looked up on the server (`None`: no such case).
    CaseFound {
        query: String,
        result: Result<Option<Box<Case>>, ProviderError>,
    },
    /// A view was written to the config file at `path`.
    ViewSaved {
        view: super::queue::View,
        path: String,
    },
}

/// Work for the runtime: network calls whose results come back as actions.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    LoadQueue,
    /// Answer with `Action::SearchDue(generation)` once typing pauses (the debounce).
    SearchSoon {
        generation: u64,
    },
    /// Ask the API which cases `text` finds (every name on a case, closed ones too).
    Search(String),
    /// Look up the case a reference names exactly, on the server.
    FindCase(String),
    /// Append a view to the config file, keeping the rest of it.
    SaveView(super::queue::View),
    LoadCase(String),
    /// Ask the provider for its case form.
    LoadCaseForm,
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
    /// Delete the draft under `key` only if it still holds `text` (a stale save).
    DeleteDraftIf {
        key: String,
        text: String,
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
