//! Everything the console knows, in one value the UI draws from.

use std::collections::HashMap;

use jiff::Timestamp;

use super::queue::Queue;
use crate::domain::model::{Alert, User};
use crate::provider::ProviderError;

/// Something being fetched.
#[derive(Clone, Debug, PartialEq)]
pub enum Loadable<T> {
    Loading,
    Ready(T),
    Failed(ProviderError),
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
    /// Typing the queue filter.
    Filter,
    Help,
}

/// Tabs of the case detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Summary,
    Alerts,
}

impl Tab {
    pub const ALL: [Tab; 2] = [Tab::Summary, Tab::Alerts];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Summary => "Summary",
            Tab::Alerts => "Alerts",
        }
    }
}

/// The open case.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub token: String,
    pub tab: Tab,
    pub alerts: Loadable<Vec<Alert>>,
}

/// The console's whole state.
#[derive(Debug)]
pub struct State {
    /// Profile name shown in the status bar.
    pub profile: String,
    pub me: Option<User>,
    pub users: HashMap<String, User>,
    pub connection: Connection,
    /// When the queue was last loaded successfully.
    pub last_sync: Option<Timestamp>,
    /// The clock the view counts SLAs against; moved forward by the runtime with each action.
    pub now: Timestamp,
    pub queue: Queue,
    pub focus: Focus,
    pub mode: Mode,
    pub detail: Option<Detail>,
    pub read_only: bool,
    pub should_quit: bool,
}

impl State {
    pub fn new(profile: impl Into<String>, now: Timestamp) -> Self {
        State {
            profile: profile.into(),
            me: None,
            users: HashMap::new(),
            connection: Connection::Connecting,
            last_sync: None,
            now,
            queue: Queue::default(),
            focus: Focus::Queue,
            mode: Mode::Normal,
            detail: None,
            read_only: false,
            should_quit: false,
        }
    }

    /// A user's display name, falling back to the id.
    pub fn user_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.users.get(id).map_or(id, |u| u.name.as_str())
    }

    /// The calling user's id.
    pub fn me_id(&self) -> Option<&str> {
        self.me.as_ref().map(|u| u.id.as_str())
    }
}
