//! Reading in full: Enter on an alert or on an entity of the ownership tree opens it full
//! height; j/k, the page keys, g and G scroll it; Esc goes back to the list. The cursor of the
//! ownership tree and the scroll of the Activity tab live here too.

use super::*;
use crate::app::reading::{self, activity_size, reader_size};
use crate::app::state::Reading;

/// Opens the case under the queue's cursor (or moves to it when it is open already).
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let Some(token) = state.queue.selected.clone() else {
        return vec![];
    };
    if state.detail.as_ref().is_some_and(|d| d.token == token) {
        state.ui.focus = Focus::Detail;
        return vec![];
    }
    let caps = state.queue.get(&token).map_or_else(
        || state.settings.caps.clone(),
        |c| state.caps_of(&c).clone(),
    );
    state.detail = Some(Detail::for_caps(token.clone(), &caps));
    state.ui.focus = Focus::Detail;
    vec![Effect::LoadCase(token)]
}

/// A command as the case pane reads it, or `None` when it is not about reading (it goes on to
/// the usual handling: an alert action on the alert being read acts on that alert).
pub(super) fn reading_command(state: &mut State, c: Command) -> Option<Vec<Effect>> {
    use Command::*;
    if state.ui.focus != Focus::Detail {
        return None;
    }
    let d = state.detail.as_ref()?;
    let moves = matches!(c, Down | Up | PageDown | PageUp | Top | Bottom);
    if d.reading.is_some() {
        match c {
            _ if moves => {
                let (w, h) = state.ui.screen.unwrap_or((80, 24));
                let rows = reader_size(w, h).1 as isize;
                let max = reading::max_scroll(state);
                if let Some(r) = state.detail.as_mut().and_then(|d| d.reading.as_mut()) {
                    *r.scroll_mut() = scrolled(r.scroll(), c, rows, max);
                }
            }
            Back => {
                if let Some(d) = state.detail.as_mut() {
                    d.reading = None;
                }
            }
            Open => {}
            // Another tab: what was open full height closes with the tab it was opened from.
            NextTab | PrevTab => {
                if let Some(d) = state.detail.as_mut() {
                    d.reading = None;
                }
                return None;
            }
            _ => return None,
        }
        return Some(vec![]);
    }
    match (d.tab, c) {
        (Tab::Alerts, Open) => {
            let token = d.current_alert()?.token.clone();
            if let Some(d) = state.detail.as_mut() {
                d.reading = Some(Reading::Alert { token, scroll: 0 });
            }
        }
        (Tab::Entities, Open) => {
            let token = reading::current_entity(d)?.token.clone();
            if let Some(d) = state.detail.as_mut() {
                d.reading = Some(Reading::Entity { token, scroll: 0 });
            }
        }
        (Tab::Entities, _) if moves => {
            let n = match &d.entities {
                Loadable::Ready(list) => list.len(),
                _ => 0,
            };
            if let Some(d) = state.detail.as_mut() {
                let last = n.saturating_sub(1) as isize;
                d.entity_row =
                    scrolled(d.entity_row.min(last as usize) as u16, c, PAGE, last as u16) as usize;
            }
        }
        (Tab::Activity, _) if moves => {
            let rows = activity_size(state).1 as isize;
            let max = reading::max_scroll(state);
            if let Some(d) = state.detail.as_mut() {
                d.activity_scroll = scrolled(d.activity_scroll, c, rows, max);
            }
        }
        _ => return None,
    }
    Some(vec![])
}

/// `at` moved by a movement command, within `0..=max`; a page is `page` rows less one, so a
/// line of the last page stays in sight.
fn scrolled(at: u16, c: Command, page: isize, max: u16) -> u16 {
    use Command::*;
    let at = at.min(max) as isize;
    let page = (page - 1).max(1);
    let to = match c {
        Down => at + 1,
        Up => at - 1,
        PageDown => at + page,
        PageUp => at - page,
        Top => 0,
        _ => max as isize,
    };
    to.clamp(0, max as isize) as u16
}

/// Keys over `?` help: the movement keys scroll it, quit quits, any other key closes it.
pub(super) fn help_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    let c = state.settings.keymap.lookup(Context::Normal, &key);
    match c {
        Some(c @ (Down | Up | PageDown | PageUp | Top | Bottom)) => {
            let (_, h) = state.ui.screen.unwrap_or((80, 24));
            let rows = crate::app::help::rows_shown(h) as isize;
            let max = crate::app::help::max_scroll(state);
            state.ui.help_scroll = scrolled(state.ui.help_scroll, c, rows, max);
        }
        Some(Quit) if state.flow.is_none() => state.ui.should_quit = true,
        _ => state.ui.mode = Mode::Normal,
    }
    vec![]
}
