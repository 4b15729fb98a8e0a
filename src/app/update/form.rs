//! Creating from the console: the case form (`N`) and the entity form (`+`) in the drawer, its
//! keys, what it sends, and what happens when it lands (the new case opens; the Entities tab
//! reloads). A form is a [`Flow`] of kind [`FlowKind::NewCase`] or [`FlowKind::AddEntity`] with
//! a [`FormState`]: the outbox, the draft store, read-only and the steps after the read-back
//! are the review drawer's own.

use super::drawer::flow_outcome;
use super::*;
use crate::app::form::{FormState, PARENT_PATH};
use crate::domain::form::{Choice as FormChoice, Form, Kind};
use crate::domain::review::Submission;
use crate::provider::api::Created;

/// Today, for dates that may not be in the future: the view's clock, in UTC.
fn today(state: &State) -> jiff::civil::Date {
    state.data.now.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// Opens the case form or the entity form, or says why it cannot.
pub(super) fn start_form(state: &mut State, c: Command) -> Vec<Effect> {
    if state.data.read_only {
        state.ui.flash = Some(format!("Read-only: {}.", read_only_why(state)));
        return vec![];
    }
    let id = state.ui.next_flow;
    if c == Command::NewCase {
        let mut f = Flow::new(id, "", "", FlowKind::NewCase, vec![]);
        f.opened_at = Some(state.data.now);
        let mut effects = vec![];
        match state.data.case_form.clone() {
            Some(Loadable::Ready(form)) => install(state, &mut f, form),
            Some(Loadable::Unavailable(why)) => {
                state.ui.flash = Some(why);
                return vec![];
            }
            // Asked already: the answer fills this drawer.
            Some(Loadable::Loading) => {}
            None | Some(Loadable::Failed(_)) => {
                state.data.case_form = Some(Loadable::Loading);
                effects.push(Effect::LoadCaseForm);
            }
        }
        state.ui.next_flow += 1;
        state.flow = Some(f);
        return effects;
    }
    let Some(d) = state.detail.as_ref() else {
        state.ui.flash = Some("Open a case first: an entity is added to the open case.".into());
        return vec![];
    };
    let Some(case) = state.queue.case(&d.token) else {
        state.ui.flash = Some("The open case is no longer in the queue.".into());
        return vec![];
    };
    if case.status.known() == Some(CaseStatus::Closed) {
        state.ui.flash = Some(format!("{} is closed.", case.name));
        return vec![];
    }
    let Some(mut form) = state.settings.entity_form.clone() else {
        let vendor = state.caps_of(&case.row()).vendor;
        let why = crate::provider::api::cannot_create(
            vendor,
            &Submission::AddEntity {
                case: case.token.clone(),
                body: serde_json::Value::Null,
            },
        );
        state.ui.flash = Some(format!("{why}."));
        return vec![];
    };
    // The parent in the ownership tree: one of the case's entities, picked.
    if let Loadable::Ready(list) = &d.entities
        && !list.is_empty()
        && let Some(field) = form.fields.iter_mut().find(|f| f.path == PARENT_PATH)
    {
        field.kind = Kind::Choice(
            list.iter()
                .map(|e| {
                    let role = e.role.as_ref().map_or("", |r| r.as_str());
                    let kind = e.entity_type.as_ref().map_or("", |t| t.as_str());
                    let what = [kind, role]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    FormChoice::new(e.token.clone(), format!("{} ({what})", e.name))
                })
                .collect(),
        );
    }
    let mut f = Flow::new(id, &case.token, &case.name, FlowKind::AddEntity, vec![]);
    f.opened_at = Some(state.data.now);
    install(state, &mut f, form);
    state.ui.next_flow += 1;
    state.flow = Some(f);
    vec![]
}

/// Puts the form into the drawer, with the draft saved for it if there is one.
fn install(state: &mut State, f: &mut Flow, form: Form) {
    let today = today(state);
    let mut fs = FormState::new(form, user_choices(state), today);
    if let Some((draft, _)) = state.data.drafts.get(&f.draft_key())
        && fs.restore(draft, today)
    {
        state.ui.flash = Some("Draft restored.".into());
    }
    f.form = Some(Box::new(fs));
}

/// Who a case can be assigned to: me first, then the users who can write, by name.
fn user_choices(state: &State) -> Vec<FormChoice> {
    let me = state.data.me.as_ref();
    let mut out: Vec<FormChoice> = me
        .map(|u| FormChoice::new(u.id.clone(), format!("me · {}", u.name)))
        .into_iter()
        .collect();
    let mut users: Vec<&User> = state
        .data
        .users
        .values()
        .filter(|u| u.can_write && Some(&u.id) != me.map(|m| &m.id))
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    out.extend(
        users
            .iter()
            .map(|u| FormChoice::new(u.id.clone(), format!("{} ({})", u.name, u.id))),
    );
    out
}

/// The provider's case form arrived: it fills the drawer waiting for it, or the drawer says
/// why it could not be read; without a form, the drawer closes with the reason.
pub(super) fn case_form_loaded(
    state: &mut State,
    result: Result<Option<Form>, ProviderError>,
) -> Vec<Effect> {
    let waiting = state
        .flow
        .as_ref()
        .is_some_and(|f| f.kind == FlowKind::NewCase && f.form.is_none());
    match result {
        Ok(Some(form)) => {
            state.data.case_form = Some(Loadable::Ready(form.clone()));
            if waiting && let Some(mut f) = state.flow.take() {
                install(state, &mut f, form);
                state.flow = Some(f);
            }
        }
        Ok(None) => {
            let why = crate::provider::api::cannot_create(
                state.settings.caps.vendor,
                &Submission::CreateCase {
                    body: serde_json::Value::Null,
                    reference: None,
                },
            );
            let why = format!("{why}.");
            state.data.case_form = Some(Loadable::Unavailable(why.clone()));
            if waiting {
                state.flow = None;
                state.ui.flash = Some(why);
            }
        }
        Err(e) => {
            state.data.case_form = Some(Loadable::Failed(e.clone()));
            if waiting && let Some(f) = state.flow.as_mut() {
                f.step = flow::Step::Failed(e);
            }
        }
    }
    vec![]
}

/// Keys in a form's drawer.
pub(super) fn form_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    let today = today(state);
    let readback = state.settings.keymap.lookup(Context::Readback, &key);
    let closes = state.settings.keymap.lookup(Context::Editor, &key) == Some(CloseDrawer);
    let step_command = state
        .flow
        .as_ref()
        .and_then(|f| state.settings.keymap.lookup(f.context(), &key));
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    if f.form.is_none() {
        // Loading, or the form could not be read: Esc closes; after a failure any other key
        // asks again.
        if closes {
            state.flow = None;
        } else if matches!(f.step, flow::Step::Failed(_)) {
            f.step = flow::Step::Edit;
            state.data.case_form = Some(Loadable::Loading);
            return vec![Effect::LoadCaseForm];
        }
        return vec![];
    }
    let duplicate = f.form.as_ref().is_some_and(|x| x.duplicate.is_some());
    let (editing, confirming) = (f.step == flow::Step::Edit, f.step == flow::Step::Confirm);
    match readback {
        _ if editing => edit_key(state, key, today),
        Some(OpenExisting) if confirming && duplicate => open_existing(state),
        Some(c @ (Down | Up | PageDown | PageUp)) if confirming => {
            if let Some(form) = f.form.as_mut() {
                let by = match c {
                    Down => 1,
                    Up => -1,
                    PageDown => PAGE as i32,
                    _ => -(PAGE as i32),
                };
                form.scroll = (i32::from(form.scroll) + by).clamp(0, 500) as u16;
            }
            vec![]
        }
        _ => {
            let outcome = f.key(key, step_command);
            flow_outcome(state, outcome)
        }
    }
}

/// Keys while the form is being filled in: the keymap's editor and picker commands; other keys
/// are typed into the field with the keyboard.
fn edit_key(state: &mut State, key: KeyEvent, today: jiff::civil::Date) -> Vec<Effect> {
    use Command::*;
    let keymap = &state.settings.keymap;
    let Some(form) = state.flow.as_ref().and_then(|f| f.form.as_ref()) else {
        return vec![];
    };
    let picked = match keymap.lookup(Context::Picker, &key) {
        Some(c @ (PickNext | PickPrev)) if form.on_picker() => Some(c),
        _ => None,
    };
    let command = picked.or_else(|| keymap.lookup(Context::Editor, &key));
    if command == Some(CloseDrawer) {
        return flow_outcome(state, Outcome::Cancel);
    }
    // Only when the review opens: a scan of every loaded case for the same reference.
    let duplicate = (command == Some(Review) && form.problems.is_empty())
        .then(|| form.reference())
        .flatten()
        .and_then(|r| {
            state
                .queue
                .cases
                .iter()
                .find(|c| c.external_reference.map(str::trim) == Some(r.as_str()))
                .map(|c| (c.token.to_string(), c.name.to_string()))
        });
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    let new_case = f.kind == FlowKind::NewCase;
    let Some(form) = f.form.as_mut() else {
        return vec![];
    };
    let outcome = match command {
        Some(Review) if form.problems.is_empty() => {
            state.ui.flash = None;
            form.scroll = 0;
            form.duplicate = duplicate.filter(|_| new_case);
            f.step = flow::Step::Confirm;
            Outcome::Stay
        }
        Some(Review) => {
            form.tried = true;
            form.focus_first_problem();
            let n = form.problems.len();
            state.ui.flash = Some(format!(
                "Not ready to review: {n} {} (listed in the form).",
                if n == 1 { "problem" } else { "problems" }
            ));
            Outcome::Stay
        }
        Some(DiscardDraft) => Outcome::Discard,
        Some(c @ (SwitchField | PrevField)) => {
            form.move_focus(c == SwitchField);
            Outcome::Stay
        }
        Some(c @ (PickNext | PickPrev)) if form.pick(c == PickNext, today) => Outcome::Edited,
        Some(PickNext | PickPrev) => Outcome::Stay,
        _ if form.type_key(key, today) => Outcome::Edited,
        _ => Outcome::Stay,
    };
    flow_outcome(state, outcome)
}

/// Pasted text goes into the field with the keyboard.
pub(super) fn form_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let today = today(state);
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    let changed = f.step == flow::Step::Edit
        && f.form
            .as_mut()
            .is_some_and(|form| form.paste(&crate::app::flow::plain_paste(text), today));
    if changed {
        flow_outcome(state, Outcome::Edited)
    } else {
        vec![]
    }
}

/// From the read-back: the loaded case with the same external reference opens instead; the
/// form is not sent, and its draft goes.
fn open_existing(state: &mut State) -> Vec<Effect> {
    let Some(f) = state.flow.take() else {
        return vec![];
    };
    let Some((token, name)) = f.form.as_ref().and_then(|form| form.duplicate.clone()) else {
        return vec![];
    };
    let key = f.draft_key();
    state.data.drafts.remove(&key);
    let reference = f.form.as_ref().and_then(|form| form.reference());
    state.ui.flash = Some(format!(
        "Opened {name}, which has external reference {}; nothing was sent.",
        reference.unwrap_or_default()
    ));
    let mut effects = vec![Effect::DeleteDraft { key }];
    effects.extend(open_case(state, token));
    effects
}

/// A creation landed. Its drawer closes (its draft goes); a new case (or the existing one the
/// server answered with) opens, an entity's case reloads on its Entities tab. Said in the
/// status bar as [`Created::describe`] says it.
pub(super) fn created(
    state: &mut State,
    flow: Option<u64>,
    made: Created,
    case: Option<String>,
) -> Vec<Effect> {
    let ours = state
        .flow
        .as_ref()
        .is_some_and(|f| Some(f.id) == flow && f.kind.is_form());
    let mut effects = vec![Effect::LoadQueue];
    if ours && let Some(f) = state.flow.take() {
        if let Some(opened) = f.opened_at {
            state
                .data
                .stats
                .durations
                .push(state.data.now.as_second() - opened.as_second());
        }
        let key = f.draft_key();
        state.data.drafts.remove(&key);
        effects.push(Effect::DeleteDraft { key });
    }
    state.ui.flash = Some(format!(
        "{} {}",
        if made.existing { "ⓘ" } else { "✓" },
        made.describe()
    ));
    let is_case = case.as_deref() == Some(made.token.as_str());
    // Opened when its drawer was still open, or left to the outbox with nothing else open.
    if is_case && (ours || (flow.is_some() && state.flow.is_none())) {
        effects.extend(open_case(state, made.token));
    } else if !is_case
        && let Some(case) = case
        && let Some(d) = state.detail.as_mut().filter(|d| d.token == case)
    {
        if ours {
            d.tab = Tab::Entities;
            state.ui.focus = Focus::Detail;
        }
        effects.push(Effect::LoadCase(case));
    }
    effects
}

/// Opens a case by token: selected in the queue once it is there (read it now if it is not),
/// its detail loading.
pub(super) fn open_case(state: &mut State, token: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    state.ui.reveal = Some(token.clone());
    reveal(state);
    if state.queue.get(&token).is_none() {
        effects.push(Effect::RefreshCase(token.clone()));
    }
    if state.detail.as_ref().is_none_or(|d| d.token != token) {
        let caps = state.queue.get(&token).map_or_else(
            || state.settings.caps.clone(),
            |c| state.caps_of(&c).clone(),
        );
        state.detail = Some(Detail::for_caps(token.clone(), &caps));
        effects.push(Effect::LoadCase(token));
    }
    state.ui.focus = Focus::Detail;
    effects
}

/// Selects the case waiting to be revealed once the queue has it.
pub(super) fn reveal(state: &mut State) {
    let Some(token) = state.ui.reveal.clone() else {
        return;
    };
    if state.queue.get(&token).is_none() {
        return;
    }
    state.ui.reveal = None;
    let q = &state.queue;
    if let Some(row) = q.view.iter().position(|&i| q.cases.get(i).token == token) {
        state.queue.select_row(row);
    }
}
