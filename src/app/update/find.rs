//! Finding a case: jumping to one named by its reference, asking the API about a filter text
//! (debounced), the sort picker, and saving the filters as a view.

use super::*;
use crate::app::find::{Sort, SortKey, looks_like_reference};
use crate::app::queue::View;

/// Shortest filter text worth asking the API about (its search works on three characters).
const SEARCH_MIN: usize = 3;

fn me_of(state: &State) -> Option<String> {
    state.data.me.as_ref().map(|u| u.id.clone())
}

/// Selects a loaded case and opens it, the filter reading its reference so its row is shown
/// whatever the view (closed cases included).
fn select_and_open(state: &mut State, token: String) -> Vec<Effect> {
    let me = me_of(state);
    let Some(name) = state.queue.get(&token).map(|c| c.name.to_string()) else {
        return vec![];
    };
    if !state
        .queue
        .view
        .iter()
        .any(|&i| state.queue.cases.get(i).token == token)
    {
        state.queue.filter = name.clone();
    }
    state.queue.selected = Some(token.clone());
    state.queue.rebuild(me.as_deref());
    state.ui.mode = Mode::Normal;
    if let Some(c) = state.queue.get(&token)
        && c.status.known() == Some(CaseStatus::Closed)
    {
        state.ui.flash = Some(format!(
            "{name} is closed{}.",
            c.decision
                .map_or(String::new(), |d| format!(" ({})", d.as_str()))
        ));
    }
    let mut effects = super::open(state);
    // Opening the case already open only moves the focus: it is read again all the same.
    if effects.is_empty() {
        effects.push(Effect::LoadCase(token));
    }
    effects
}

/// Text typed in the filter or the palette that names a case: the loaded one it names exactly
/// is opened; a reference nothing loaded has is looked up on the server. `None`: not a
/// reference (the text stays a filter, or a palette query).
pub(super) fn jump(state: &mut State, text: &str) -> Option<Vec<Effect>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(token) = state.queue.exact(text).map(|c| c.token.to_string()) {
        return Some(select_and_open(state, token));
    }
    if !looks_like_reference(text) {
        return None;
    }
    state.ui.mode = Mode::Normal;
    state.ui.flash = Some(format!(
        "Looking up {}…",
        crate::text::sanitize::clean(text)
    ));
    Some(vec![Effect::FindCase(text.to_string())])
}

/// The case a reference named, from the server.
pub(super) fn case_found(
    state: &mut State,
    query: String,
    result: Result<Option<Box<Case>>, ProviderError>,
) -> Vec<Effect> {
    let shown = crate::text::sanitize::clean(&query).into_owned();
    match result {
        Ok(Some(case)) => {
            let me = me_of(state);
            let token = case.token.clone();
            state.queue.merge(vec![*case], me.as_deref());
            state.recount();
            state.ui.flash = None;
            select_and_open(state, token)
        }
        Ok(None) => {
            state.ui.flash = Some(format!("No case {shown}."));
            vec![]
        }
        Err(e) => {
            state.ui.flash = Some(format!("Cannot look up {shown}: {e}"));
            vec![]
        }
    }
}

/// Why the filter searched only the loaded cases, in words.
fn no_search(state: &State) -> String {
    if state.settings.source_caps.is_empty() {
        format!(
            "loaded cases only: {}'s API has no search",
            state.settings.caps.vendor.title()
        )
    } else {
        "loaded cases only: none of these profiles' APIs can search".into()
    }
}

/// The filter text changed: the API is asked once typing pauses, where it can search.
pub(super) fn filter_changed(state: &mut State) -> Vec<Effect> {
    let note = (!state.settings.caps.search).then(|| no_search(state));
    let q = &mut state.queue;
    q.search_gen += 1;
    q.searching = None;
    if q.filter.trim().chars().count() < SEARCH_MIN {
        q.search_note = None;
        return vec![];
    }
    q.search_note = note;
    if q.search_note.is_some() {
        return vec![];
    }
    vec![Effect::SearchSoon {
        generation: q.search_gen,
    }]
}

/// Typing paused: ask the API about the text if it is still the one typed.
pub(super) fn search_due(state: &mut State, generation: u64) -> Vec<Effect> {
    let q = &mut state.queue;
    let text = q.filter.trim().to_string();
    if generation != q.search_gen || text.chars().count() < SEARCH_MIN {
        return vec![];
    }
    q.searching = Some(text.clone());
    vec![Effect::Search(text)]
}

/// The API's answer about a filter text: its cases join the rows while the filter reads it.
pub(super) fn search_results(
    state: &mut State,
    query: String,
    result: Result<Option<Vec<Case>>, ProviderError>,
) -> Vec<Effect> {
    let me = me_of(state);
    if state.queue.searching.as_deref() == Some(query.as_str()) {
        state.queue.searching = None;
    }
    match result {
        Ok(Some(cases)) => {
            let tokens = cases.iter().map(|c| c.token.clone()).collect();
            state.queue.found = Some((query.clone(), tokens));
            // Cases already loaded keep the copy the queue polls; new ones (not in the queue
            // yet) are added.
            let new: Vec<Case> = cases
                .into_iter()
                .filter(|c| state.queue.get(&c.token).is_none())
                .collect();
            if new.is_empty() {
                state.queue.rebuild(me.as_deref());
            } else {
                state.queue.merge(new, me.as_deref());
                state.recount();
            }
        }
        Ok(None) => state.queue.search_note = Some(no_search(state)),
        Err(e) => {
            // Said on the filter line: the rows are the loaded cases' matches only.
            state.queue.search_note = Some(format!("loaded cases only: the search failed: {e}"));
        }
    }
    vec![]
}

/// Opens the sort picker on the current sort.
pub(super) fn open_sort(state: &mut State) {
    state.ui.sort_row = SortKey::ALL
        .iter()
        .position(|k| *k == state.queue.sort.key)
        .unwrap_or(0);
    state.ui.mode = Mode::Sort;
}

/// Keys in the sort picker: move, Enter sorts (the current key again: the other way), Esc
/// closes.
pub(super) fn sort_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    let n = SortKey::ALL.len();
    match state.settings.keymap.lookup(Context::Queue, &key) {
        Some(Down) => state.ui.sort_row = (state.ui.sort_row + 1).min(n - 1),
        Some(Up) => state.ui.sort_row = state.ui.sort_row.saturating_sub(1),
        Some(Top) => state.ui.sort_row = 0,
        Some(Bottom) => state.ui.sort_row = n - 1,
        Some(Back | SortBy) => state.ui.mode = Mode::Normal,
        Some(Quit) => state.ui.should_quit = true,
        Some(Open) => {
            let key = SortKey::ALL[state.ui.sort_row.min(n - 1)];
            let current = state.queue.sort;
            let sort = if current.key == key {
                current.reversed()
            } else {
                Sort::by(key)
            };
            let me = me_of(state);
            state.queue.set_sort(sort, me.as_deref());
            state.ui.mode = Mode::Normal;
            state.ui.flash = Some(format!(
                "Sorted by {} ({}).",
                sort.label(),
                if sort.descending == key.natural_descending() {
                    key.words().to_string()
                } else {
                    format!("reversed: {}", key.words())
                }
            ));
        }
        _ => {}
    }
    vec![]
}

/// Saves the current filters and sort as a view, named after them.
pub(super) fn save_view(state: &mut State) -> Vec<Effect> {
    let q = &state.queue;
    let mut words = q.quick.words();
    if q.sort != Sort::default() {
        words.push(format!("by {}", q.sort.key.name()));
    }
    let base = if words.is_empty() {
        "Open".to_string()
    } else {
        let mut w = words.join(", ");
        if let Some(first) = w.get(..1) {
            w = first.to_uppercase() + &w[1..];
        }
        w
    };
    if let Some(v) = state
        .settings
        .views
        .iter()
        .find(|v| v.quick == q.quick && v.sort == q.sort)
    {
        state.ui.flash = Some(format!(
            "The view {:?} already has these filters and sort.",
            v.name
        ));
        return vec![];
    }
    let mut name = base.clone();
    let mut n = 2;
    while state.settings.views.iter().any(|v| v.name == name) {
        name = format!("{base} {n}");
        n += 1;
    }
    let note = if q.filter.trim().is_empty() {
        ""
    } else {
        " (the text filter is not part of a view)"
    };
    state.ui.flash = Some(format!("Saving the view {name:?}{note}…"));
    vec![Effect::SaveView(View {
        name,
        quick: q.quick.clone(),
        sort: q.sort,
    })]
}

/// A view reached the config file: it joins the tabs, selected.
pub(super) fn view_saved(state: &mut State, view: View, path: String) -> Vec<Effect> {
    let name = view.name.clone();
    state.settings.views.push(view);
    state.ui.view = state.settings.views.len() - 1;
    state.recount();
    let place = state.settings.views.len();
    let key = if place <= 9 {
        format!(" (key {place})")
    } else {
        String::new()
    };
    state.ui.flash = Some(format!(
        "Saved view {name:?}{key} to {}",
        crate::text::sanitize::clean(&path)
    ));
    vec![]
}

/// Shows the current view: its filters and its sort.
pub(super) fn select_view(state: &mut State, me: Option<&str>) {
    let v = &state.settings.views[state.ui.view];
    state.queue.quick = v.quick.clone();
    let sort = v.sort;
    state.queue.set_sort(sort, me);
    state.queue.rebuild(me);
}

/// The users the API lists: a view naming its assignee by name (the API's cases carry only
/// the id) filters on the id from now on.
pub(super) fn users_loaded(state: &mut State, users: Vec<User>) -> Vec<Effect> {
    state.data.users = users.into_iter().map(|u| (u.id.clone(), u)).collect();
    let users = &state.data.users;
    let by_name = |a: &mut Option<String>| {
        if let Some(u) = a.as_deref().and_then(|n| {
            users
                .values()
                .find(|u| u.name.eq_ignore_ascii_case(n.trim()))
        }) {
            *a = Some(u.id.clone());
        }
    };
    for v in &mut state.settings.views {
        by_name(&mut v.quick.assignee);
    }
    by_name(&mut state.queue.quick.assignee);
    let me = me_of(state);
    state.queue.rebuild(me.as_deref());
    state.recount();
    vec![]
}
