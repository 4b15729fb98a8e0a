//! Actions, the keymap's commands, and the pure `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::state::{Connection, Detail, Focus, Loadable, Mode, State, Tab};
use crate::domain::model::{Alert, Case, User};
use crate::provider::ProviderError;

/// Everything that can happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Key(KeyEvent),
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
    QueueFailed(ProviderError),
    AlertsLoaded {
        token: String,
        result: Result<Vec<Alert>, ProviderError>,
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
    ToggleHelp,
    ToggleMine,
    ToggleUnassigned,
    ToggleBreached,
    ToggleHighRisk,
    ToggleClosed,
    ClearFilters,
}

/// Work for the runtime: network calls whose results come back as actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    LoadQueue,
    LoadAlerts(String),
}

/// Rows a page key moves.
pub const PAGE: isize = 10;

/// The default keymap of the normal mode, vim keys and arrows alike.
pub fn command_for(key: &KeyEvent) -> Option<Command> {
    use Command::*;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Quit),
            KeyCode::Char('d') => Some(PageDown),
            KeyCode::Char('u') => Some(PageUp),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char('q') => Quit,
        KeyCode::Char('j') | KeyCode::Down => Down,
        KeyCode::Char('k') | KeyCode::Up => Up,
        KeyCode::PageDown => PageDown,
        KeyCode::PageUp => PageUp,
        KeyCode::Char('g') | KeyCode::Home => Top,
        KeyCode::Char('G') | KeyCode::End => Bottom,
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => Open,
        KeyCode::Esc | KeyCode::Char('h') | KeyCode::Left => Back,
        KeyCode::Tab => SwitchFocus,
        KeyCode::Char(']') => NextTab,
        KeyCode::Char('[') | KeyCode::BackTab => PrevTab,
        KeyCode::Char('/') => StartFilter,
        KeyCode::Char('r') => Refresh,
        KeyCode::Char('?') => ToggleHelp,
        KeyCode::Char('1') => ToggleMine,
        KeyCode::Char('2') => ToggleUnassigned,
        KeyCode::Char('3') => ToggleBreached,
        KeyCode::Char('4') => ToggleHighRisk,
        KeyCode::Char('c') => ToggleClosed,
        KeyCode::Char('0') => ClearFilters,
        _ => return None,
    })
}

/// Applies `action`; returns the effects to start. Pure: no I/O, no clock reads.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) => {
            if key.kind == KeyEventKind::Release {
                return vec![];
            }
            match state.mode {
                Mode::Filter => filter_key(state, key),
                Mode::Help => {
                    // Any key leaves help; q still quits.
                    state.mode = Mode::Normal;
                    if command_for(&key) == Some(Command::Quit) {
                        state.should_quit = true;
                    }
                    vec![]
                }
                Mode::Normal => match command_for(&key) {
                    Some(c) => command(state, c),
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
            vec![]
        }
        Action::UsersLoaded(users) => {
            state.users = users.into_iter().map(|u| (u.id.clone(), u)).collect();
            vec![]
        }
        Action::QueueLoaded { cases, at } => {
            let me = state.me.as_ref().map(|u| u.id.clone());
            state.queue.set_cases(cases, me.as_deref());
            state.connection = Connection::Online;
            state.last_sync = Some(at);
            vec![]
        }
        Action::QueueUnchanged { at } => {
            state.connection = Connection::Online;
            state.last_sync = Some(at);
            vec![]
        }
        Action::QueueFailed(e) => {
            state.connection = Connection::Failed(e);
            vec![]
        }
        Action::AlertsLoaded { token, result } => {
            if let Some(d) = state.detail.as_mut().filter(|d| d.token == token) {
                d.alerts = match result {
                    Ok(a) => Loadable::Ready(a),
                    Err(e) => Loadable::Failed(e),
                };
            }
            vec![]
        }
    }
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
        KeyCode::Down => state.queue.move_by(1),
        KeyCode::Up => state.queue.move_by(-1),
        _ => return vec![],
    }
    state.queue.rebuild(me.as_deref());
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
    state.detail = Some(Detail {
        token: token.clone(),
        tab: Tab::Summary,
        alerts: Loadable::Loading,
    });
    state.focus = Focus::Detail;
    vec![Effect::LoadAlerts(token)]
}

fn command(state: &mut State, c: Command) -> Vec<Effect> {
    use Command::*;
    let me = state.me.as_ref().map(|u| u.id.clone());
    let quick = &mut state.queue.quick;
    match c {
        Quit => state.should_quit = true,
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
            if let Some(d) = state.detail.as_mut() {
                let i = Tab::ALL.iter().position(|t| *t == d.tab).unwrap_or(0);
                let n = Tab::ALL.len();
                d.tab = Tab::ALL[if c == NextTab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
            }
        }
        StartFilter => {
            state.mode = Mode::Filter;
            state.focus = Focus::Queue;
        }
        Refresh => {
            let mut effects = vec![Effect::LoadQueue];
            if let Some(d) = &state.detail {
                effects.push(Effect::LoadAlerts(d.token.clone()));
            }
            return effects;
        }
        ToggleHelp => state.mode = Mode::Help,
        ToggleMine => quick.mine = !quick.mine,
        ToggleUnassigned => quick.unassigned = !quick.unassigned,
        ToggleBreached => quick.breached = !quick.breached,
        ToggleHighRisk => quick.high_risk = !quick.high_risk,
        ToggleClosed => quick.closed = !quick.closed,
        ClearFilters => {
            *quick = Default::default();
            state.queue.filter.clear();
        }
    }
    if matches!(
        c,
        ToggleMine
            | ToggleUnassigned
            | ToggleBreached
            | ToggleHighRisk
            | ToggleClosed
            | ClearFilters
    ) {
        state.queue.rebuild(me.as_deref());
    }
    vec![]
}
