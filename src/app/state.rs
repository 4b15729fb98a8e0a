//! Everything the console knows, in one value the UI draws from.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::Timestamp;

use super::flow::Flow;
use super::keymap::Keymap;
use super::queue::{Queue, View};
use crate::domain::model::{Alert, Assessment, AuditEntry, Check, Comment, Entity, Reviewer, User};
use crate::domain::row::CaseRow;
use crate::provider::{Capabilities, ProviderError, Vendor};

/// Something being fetched.
#[derive(Clone, Debug, PartialEq)]
pub enum Loadable<T> {
    Loading,
    Ready(T),
    Failed(ProviderError),
    /// The provider cannot read this part: said once, never a spinner.
    Unavailable(String),
}

/// The link to the API.
#[derive(Clone, Debug, PartialEq)]
pub enum Connection {
    Connecting,
    Online,
    /// The last attempt failed; the data shown is what was loaded before.
    Failed(ProviderError),
}

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Queue,
    Detail,
}

/// What the keys currently mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// The outbox view: every entry not yet landed.
    Outbox,
    /// Typing the queue filter.
    Filter,
    Help,
    /// The command palette.
    Palette,
    /// The overview: the open cases as charts, over the main area.
    Overview,
    /// The sort picker.
    Sort,
}

/// Tabs of the case detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Summary,
    Entities,
    Alerts,
    Risk,
    Checks,
    Activity,
}

/// Whether a provider with `caps` has data for a detail tab.
pub fn tab_available(caps: &Capabilities, tab: Tab) -> bool {
    match tab {
        Tab::Summary => true,
        Tab::Entities => caps.entities,
        Tab::Alerts => caps.alerts,
        Tab::Risk => caps.risk,
        Tab::Checks => caps.checks,
        Tab::Activity => caps.timeline || caps.comments,
    }
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Summary,
        Tab::Entities,
        Tab::Alerts,
        Tab::Risk,
        Tab::Checks,
        Tab::Activity,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Summary => "Summary",
            Tab::Entities => "Entities",
            Tab::Alerts => "Alerts",
            Tab::Risk => "Risk",
            Tab::Checks => "Checks",
            Tab::Activity => "Activity",
        }
    }
}

/// The open case and everything loaded about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub token: String,
    pub tab: Tab,
    pub alerts: Loadable<Vec<Alert>>,
    pub entities: Loadable<Vec<Entity>>,
    pub risk: Loadable<Option<Assessment>>,
    pub checks: Loadable<Vec<Check>>,
    pub timeline: Loadable<Vec<AuditEntry>>,
    pub comments: Loadable<Vec<Comment>>,
    pub reviewers: Loadable<Option<Vec<Reviewer>>>,
    /// Cursor in the alerts tab.
    pub alert_row: usize,
    /// Alerts marked for a bulk action.
    pub marked: BTreeSet<String>,
    /// Cursor on the ownership tree (the Entities tab), in the tree's drawing order.
    pub entity_row: usize,
    /// How far the Activity tab is scrolled, in lines.
    pub activity_scroll: u16,
    /// An alert or an entity open full height over the tab, until Esc.
    pub reading: Option<Reading>,
}

/// What is open full height in the case pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The alert with this token: its hit data, AI assessment and outcome.
    Alert { token: String, scroll: u16 },
    /// The entity with this token: its particulars, ownership path, alerts and checks.
    Entity { token: String, scroll: u16 },
}

impl Reading {
    pub fn scroll(&self) -> u16 {
        match self {
            Reading::Alert { scroll, .. } | Reading::Entity { scroll, .. } => *scroll,
        }
    }
    pub fn scroll_mut(&mut self) -> &mut u16 {
        match self {
            Reading::Alert { scroll, .. } | Reading::Entity { scroll, .. } => scroll,
        }
    }
}

impl Detail {
    /// The detail of a case whose provider can do `caps`: parts it cannot read are marked so
    /// from the start, and never shown as loading.
    pub fn for_caps(token: String, caps: &Capabilities) -> Detail {
        let mut d = Detail::new(token);
        let why = |what: &str| format!("{}'s API has no {what}.", caps.vendor.title());
        if !caps.alerts {
            d.alerts = Loadable::Unavailable(why("alerts"));
        }
        if !caps.entities {
            d.entities = Loadable::Unavailable(why("entities"));
        }
        if !caps.risk {
            d.risk = Loadable::Unavailable(why("risk assessment"));
        }
        if !caps.checks {
            d.checks = Loadable::Unavailable(why("checks"));
        }
        if !caps.timeline {
            d.timeline = Loadable::Unavailable(why("timeline"));
        }
        if !caps.comments {
            d.comments = Loadable::Unavailable(why("comments"));
        }
        if !caps.reviewers {
            // `None`: the API has no reviewers; the summary leaves the section out.
            d.reviewers = Loadable::Ready(None);
        }
        d
    }

    pub fn new(token: String) -> Detail {
        Detail {
            token,
            tab: Tab::Summary,
            alerts: Loadable::Loading,
            entities: Loadable::Loading,
            risk: Loadable::Loading,
            checks: Loadable::Loading,
            timeline: Loadable::Loading,
            comments: Loadable::Loading,
            reviewers: Loadable::Loading,
            alert_row: 0,
            marked: BTreeSet::new(),
            entity_row: 0,
            activity_scroll: 0,
            reading: None,
        }
    }

    /// The alert under the cursor.
    pub fn current_alert(&self) -> Option<&Alert> {
        match &self.alerts {
            Loadable::Ready(list) => list.get(self.alert_row.min(list.len().saturating_sub(1))),
            _ => None,
        }
    }
}

/// The console's whole state: how it was set up, what it has learnt, what the analyst is
/// doing, and the three panes (queue, open case, review drawer), each keeping its own data and
/// cursor.
#[derive(Debug)]
pub struct State {
    pub settings: Settings,
    pub data: Data,
    pub ui: Ui,
    pub queue: Queue,
    /// The open case.
    pub detail: Option<Detail>,
    /// The review drawer, when a flow is open.
    pub flow: Option<Flow>,
}

/// Fixed when the console starts: the profile, what its provider can do, keys, views and the
/// config's extras.
#[derive(Debug)]
pub struct Settings {
    /// Profile name shown in the status bar.
    pub profile: String,
    pub keymap: Keymap,
    /// Saved views, shown as tabs over the queue.
    pub views: Vec<View>,
    /// What the provider can do; panes and actions it lacks are hidden or refused with why.
    pub caps: Capabilities,
    /// Several profiles merged: each source's capabilities, by `Case::source`.
    pub source_caps: HashMap<String, Capabilities>,
    /// Dashboard URL templates by source (`""` for a single profile).
    pub dashboard_urls: HashMap<String, String>,
    /// Canned rationales from the config.
    pub snippets: Vec<super::flow::Snippet>,
    /// Notification settings; `None`: off.
    pub notify: Option<super::power::Notify>,
    /// The form an entity is added to a case with; `None`: the API cannot.
    pub entity_form: Option<crate::domain::form::Form>,
    /// Acting on a case assigned to someone else asks first (`confirm_on_others_cases`).
    pub confirm_others: bool,
}

/// What the API, the clock and the outbox have said.
#[derive(Debug)]
pub struct Data {
    pub me: Option<User>,
    /// The API has said who the key belongs to (or that it cannot): until then `me` is
    /// unknown because nobody has answered yet, not because it cannot be known.
    pub me_answered: bool,
    pub users: HashMap<String, User>,
    pub connection: Connection,
    /// When the queue was last loaded successfully.
    pub last_sync: Option<Timestamp>,
    /// The clock the view counts SLAs against; moved forward by the runtime with each action.
    pub now: Timestamp,
    /// When the queue will be tried again after a failure.
    pub retry_at: Option<Timestamp>,
    /// Nothing may be written: started with `--read-only` (or the profile's `read_only`), or
    /// the API says the key cannot write. `read_only_why` says which, for the status bar.
    pub read_only: bool,
    pub read_only_why: Option<String>,
    /// The API refused the key (401): polling and sending stop until docket is restarted.
    pub key_refused: Option<ProviderError>,
    /// Cases per view, recounted when the cases or the user change.
    pub view_counts: Vec<usize>,
    /// Outbox entries: this identity's pending and failed ones, other authors' held ones.
    pub outbox: crate::domain::review::Counts,
    /// Outbox entries not yet landed, for the outbox view.
    pub outbox_rows: Vec<OutboxRow>,
    /// What this identity's entries not yet landed touch: the queue row, the alert row and the
    /// case header carry a pending mark until they land.
    pub pending: HashSet<crate::domain::review::Target>,
    /// What this identity's refused entries (waiting for the analyst) touch.
    pub refused: HashSet<crate::domain::review::Target>,
    /// Saved drafts: flow key → (text, conditions).
    pub drafts: HashMap<String, (String, String)>,
    /// Texts already written to the outbox, by draft key: a save of the same text that arrives
    /// afterwards (the debounced write racing the submission) must not bring it back.
    pub sent_drafts: HashMap<String, String>,
    /// The cases needing attention as of the last load (`None` before the first).
    pub alerting: Option<HashSet<String>>,
    /// Reviews landed today and how long they took.
    pub stats: super::power::Stats,
    /// The vendor's case form, once asked for (`Unavailable`: the API cannot open cases).
    pub case_form: Option<Loadable<crate::domain::form::Form>>,
}

/// What the analyst is doing: focus, mode, overlays, marks and pending confirmations.
#[derive(Debug)]
pub struct Ui {
    pub focus: Focus,
    pub mode: Mode,
    /// The current saved view (tab over the queue).
    pub view: usize,
    /// Polling paused by the user.
    pub frozen: bool,
    /// A one-line message for the status bar (last submission, a refusal).
    pub flash: Option<String>,
    /// The command palette, while open.
    pub palette: Option<super::power::Palette>,
    /// Commands run lately, most recent first (the palette lists them first).
    pub recent: Vec<super::update::Command>,
    /// Cursor in the outbox view.
    pub outbox_row: usize,
    /// How far `?` help is scrolled.
    pub help_scroll: u16,
    /// `d` was pressed once on this entry: the next `d` discards it.
    pub confirm_discard: Option<i64>,
    /// Quit was asked with reviews still pending: the next quit confirms.
    pub confirm_quit: bool,
    /// A write on someone else's case waits for a yes: (command, case token).
    pub confirm_other: Option<(super::update::Command, String)>,
    /// The case a yes was given for: not asked again about it (until a yes for another).
    pub others_ok: Option<String>,
    /// Cases marked in the queue for bulk work.
    pub queue_marks: BTreeSet<String>,
    /// The last case marked: where a range mark starts.
    pub mark_anchor: Option<String>,
    /// A drawer with preconditions waits for a fresh read of the case: (request, command).
    pub rechecking: Option<(u64, super::update::Command)>,
    /// The id the next drawer gets.
    pub next_flow: u64,
    /// A case to select in the queue once it is there (one just created).
    pub reveal: Option<String>,
    /// Cursor in the sort picker.
    pub sort_row: usize,
    /// The terminal's size as the runtime last said it (columns, rows): scrolling stops at the
    /// end of what is drawn.
    pub screen: Option<(u16, u16)>,
    pub should_quit: bool,
}

/// One outbox entry as the outbox view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxRow {
    pub id: i64,
    pub title: String,
    pub failed: bool,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub submission: super::flow::Submission,
    /// Written by this identity: only then is it sent from here.
    pub mine: bool,
    /// Who wrote it, for people.
    pub author: String,
    /// The earlier entry of the same target it waits for.
    pub waits_for: Option<i64>,
    /// The case it was written on, when known.
    pub case: Option<String>,
}

impl OutboxRow {
    /// What it orders against and marks as pending: its targets and the case it was written on.
    pub fn touches(&self) -> Vec<crate::domain::review::Target> {
        self.submission.order_keys(self.case.as_deref())
    }
}

impl State {
    pub fn new(profile: impl Into<String>, now: Timestamp) -> Self {
        State {
            settings: Settings {
                profile: profile.into(),
                keymap: Keymap::default(),
                views: View::defaults(),
                caps: Capabilities::all(Vendor::Zenoo),
                source_caps: HashMap::new(),
                dashboard_urls: HashMap::new(),
                snippets: Vec::new(),
                notify: None,
                entity_form: None,
                confirm_others: true,
            },
            data: Data {
                me: None,
                me_answered: false,
                users: HashMap::new(),
                connection: Connection::Connecting,
                last_sync: None,
                now,
                retry_at: None,
                read_only: false,
                read_only_why: None,
                key_refused: None,
                view_counts: vec![],
                outbox: Default::default(),
                outbox_rows: Vec::new(),
                pending: Default::default(),
                refused: Default::default(),
                drafts: HashMap::new(),
                sent_drafts: HashMap::new(),
                alerting: None,
                stats: super::power::Stats::default(),
                case_form: None,
            },
            ui: Ui {
                focus: Focus::Queue,
                mode: Mode::Normal,
                view: 0,
                frozen: false,
                flash: None,
                palette: None,
                recent: Vec::new(),
                outbox_row: 0,
                help_scroll: 0,
                confirm_discard: None,
                confirm_quit: false,
                confirm_other: None,
                others_ok: None,
                queue_marks: BTreeSet::new(),
                mark_anchor: None,
                rechecking: None,
                next_flow: 1,
                reveal: None,
                sort_row: 0,
                screen: None,
                should_quit: false,
            },
            queue: Queue::default(),
            detail: None,
            flow: None,
        }
    }

    /// What can be done with a case: its source's capabilities, or the provider's.
    pub fn caps_of(&self, case: &CaseRow) -> &Capabilities {
        case.source
            .and_then(|s| self.settings.source_caps.get(s))
            .unwrap_or(&self.settings.caps)
    }

    /// The capabilities for the open case (or the provider's when none is open).
    pub fn detail_caps(&self) -> &Capabilities {
        self.detail
            .as_ref()
            .and_then(|d| self.queue.get(&d.token))
            .map_or(&self.settings.caps, |c| self.caps_of(&c))
    }

    /// The detail tabs there is data for, in order.
    pub fn tabs(&self) -> Vec<Tab> {
        let caps = self.detail_caps();
        Tab::ALL
            .into_iter()
            .filter(|t| tab_available(caps, *t))
            .collect()
    }

    /// Why who "me" is cannot be used yet, in one line for a refusal.
    pub fn me_unknown(&self) -> String {
        if self.data.me_answered {
            "Your user id is not known (set `user` in the profile).".into()
        } else {
            "Who you are is not known yet: the API has not answered. Try again in a moment.".into()
        }
    }

    /// A user's display name, falling back to the id.
    pub fn user_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.data.users.get(id).map_or(id, |u| u.name.as_str())
    }

    /// The name of the person a record names: the name it carries, else the name of a user the
    /// console knows by that id, else the id (never hidden: it is what the API said).
    pub fn person(&self, u: &crate::domain::model::UserRef) -> String {
        u.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.user_name(&u.id).to_string())
    }

    /// `text` with every known user id (`usr_lukas`) replaced by that person's name, for
    /// messages built from what the API answered with ids only.
    pub fn with_names(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let is_id = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        while let Some(at) = rest.find(|c: char| is_id(c)) {
            out.push_str(&rest[..at]);
            let word_len = rest[at..]
                .find(|c: char| !is_id(c))
                .unwrap_or(rest.len() - at);
            let word = &rest[at..at + word_len];
            match self.data.users.get(word) {
                Some(u) => out.push_str(&u.name),
                None => out.push_str(word),
            }
            rest = &rest[at + word_len..];
        }
        out.push_str(rest);
        out
    }

    /// Recounts the views.
    pub fn recount(&mut self) {
        let me = self.data.me.as_ref().map(|u| u.id.clone());
        self.data.view_counts = self.queue.counts(&self.settings.views, me.as_deref());
    }

    /// Whether a review of this identity on the case (or one of its alerts) has not landed.
    pub fn case_pending(&self, token: &str) -> bool {
        self.pending_mark(crate::domain::review::Target::Case(token.to_string()))
            .is_some()
    }

    /// Whether a review of this identity on the alert has not landed.
    pub fn alert_pending(&self, token: &str) -> bool {
        self.pending_mark(crate::domain::review::Target::Alert(token.to_string()))
            .is_some()
    }

    /// The mark a target carries while a review of it has not landed: `✖` when one was refused
    /// and waits for the analyst, `⟳` while one waits to be sent.
    pub fn pending_mark(&self, target: crate::domain::review::Target) -> Option<&'static str> {
        if self.data.refused.contains(&target) {
            Some("✖")
        } else if self.data.pending.contains(&target) {
            Some("⟳")
        } else {
            None
        }
    }
}
