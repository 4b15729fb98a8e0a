//! Acting on a case: asking first when it is someone else's, what a drawer offers beyond its
//! text (who to escalate to, who a comment can mention, which check to waive), and going to
//! what blocks a close.

use super::*;

/// Writes on someone else's case that are asked about first. Commenting and deciding a review
/// asked of me are what others' cases are for, and are never asked about.
fn asks_first(c: Command) -> bool {
    let spec = super::super::command::spec_of(c);
    spec.writes
        && matches!(
            spec.target,
            super::super::command::Target::Case
                | super::super::command::Target::OpenCase
                | super::super::command::Target::Alerts
        )
        && !matches!(
            c,
            Command::Comment | Command::ApproveReview | Command::RejectReview
        )
}

/// Whether the drawer for `c` waits for a yes because the case is assigned to someone else
/// (then the question is in the status bar, and `true` is returned). Once said yes to, a case
/// is not asked about again until a yes is given for another.
pub(super) fn ask_first(state: &mut State, c: Command, case: &Case) -> bool {
    if !state.settings.confirm_others || !asks_first(c) {
        return false;
    }
    let Some(owner) = case.assigned_to.as_ref() else {
        return false;
    };
    // Until the API says who I am, whose case it is cannot be told: my own would be asked
    // about (and a write needs to know me anyway).
    let Some(me) = state.data.me.as_ref().map(|u| u.id.as_str()) else {
        return false;
    };
    if me == owner.id || state.ui.others_ok.as_deref() == Some(case.token.as_str()) {
        return false;
    }
    let name = owner
        .name
        .clone()
        .or_else(|| state.data.users.get(&owner.id).map(|u| u.name.clone()))
        .unwrap_or_else(|| owner.id.clone());
    state.ui.confirm_other = Some((c, case.token.clone()));
    // Short enough for the status bar at 80 columns; the case is named in the pane above.
    state.ui.flash = Some(format!("{name}'s case. Act on it? (y/n)"));
    true
}

/// The answer to "act on someone else's case?": `y` opens the drawer, anything else stays.
pub(super) fn answer(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some((c, case)) = state.ui.confirm_other.take() else {
        return vec![];
    };
    if key.code == KeyCode::Char('y') && key.modifiers.difference(KeyModifiers::SHIFT).is_empty() {
        state.ui.flash = None;
        state.ui.others_ok = Some(case);
        return start_flow(state, c, None);
    }
    state.ui.flash = Some("Left as it is.".into());
    vec![]
}

/// What a drawer offers beyond its text, from what the API takes: who an escalation goes to,
/// who a comment can mention.
pub(super) fn dress(state: &State, caps: &Capabilities, f: &mut Flow) {
    let me = state.data.me.as_ref().map(|u| u.id.as_str());
    let mut people: Vec<&User> = state
        .data
        .users
        .values()
        .filter(|u| Some(u.id.as_str()) != me)
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    match &f.kind {
        FlowKind::EscalateCase | FlowKind::EscalateAlert { .. }
            if caps.escalate_to && f.choices.is_empty() =>
        {
            let mut choices = vec![Choice {
                value: String::new(),
                label: flow::NOBODY_NAMED.into(),
            }];
            choices.extend(people.iter().filter(|u| u.can_write).map(|u| Choice {
                value: u.id.clone(),
                label: match &u.role {
                    Some(role) => format!("{} ({}, {role})", u.name, u.id),
                    None => format!("{} ({})", u.name, u.id),
                },
            }));
            if choices.len() > 1 {
                f.choices = choices;
                f.picked = 0;
                f.step = flow::Step::Pick;
                f.pick_label = Some("Escalate to");
            }
        }
        FlowKind::Comment if caps.mentions => {
            f.people = people
                .iter()
                .map(|u| (u.id.clone(), u.name.clone()))
                .collect();
        }
        FlowKind::RequestApprover => f.pick_label = Some("Approver"),
        FlowKind::Assign => f.pick_label = Some("Assign to"),
        FlowKind::WaiveCheck { check: None } => f.pick_label = Some("Check to waive"),
        FlowKind::WaiveCheck { check: Some(_) } => f.pick_label = Some("Reason"),
        _ => {}
    }
}

/// The waiver drawer: the case's checks that can be waived (Pending or Awaiting Document, as
/// Zenoo's UI offers Waive), then the reasons; one such check is chosen already.
pub(super) fn waive_flow(detail: Option<&Detail>) -> Result<(FlowKind, Vec<Choice>), String> {
    use crate::domain::CheckStatus;
    let d = detail.ok_or("Open the case first: a waiver names one of its checks.")?;
    let checks = match &d.checks {
        Loadable::Ready(list) => list,
        Loadable::Loading => return Err("The checks are still loading.".into()),
        Loadable::Failed(e) => return Err(format!("The checks could not be loaded: {e}")),
        Loadable::Unavailable(why) => return Err(why.clone()),
    };
    let open: Vec<Choice> = checks
        .iter()
        .filter(|k| {
            matches!(
                k.status.known(),
                Some(CheckStatus::Pending | CheckStatus::AwaitingDocument)
            )
        })
        .map(|k| Choice {
            value: k.token.clone(),
            label: match &k.entity_name {
                Some(who) => format!("{} · {who} ({})", k.name, k.status),
                None => format!("{} ({})", k.name, k.status),
            },
        })
        .collect();
    match open.as_slice() {
        [] => {
            Err("No check on this case can be waived (only Pending or Awaiting Document).".into())
        }
        [one] => Ok((
            FlowKind::WaiveCheck {
                check: Some((one.value.clone(), one.label.clone())),
            },
            flow::waive_reasons(),
        )),
        _ => Ok((FlowKind::WaiveCheck { check: None }, open)),
    }
}

/// Closes the drawer and goes to what blocks it: the alert, the risk assessment, the
/// reviewers.
pub(super) fn jump(state: &mut State, to: flow::Jump) -> Vec<Effect> {
    state.flow = None;
    let Some(d) = state.detail.as_mut() else {
        return vec![];
    };
    match to {
        flow::Jump::Alert(token) => {
            d.tab = Tab::Alerts;
            if let Loadable::Ready(list) = &d.alerts
                && let Some(i) = list.iter().position(|a| a.token == token)
            {
                d.alert_row = i;
            }
        }
        flow::Jump::Risk => d.tab = Tab::Risk,
        flow::Jump::Summary => d.tab = Tab::Summary,
    }
    state.ui.focus = Focus::Detail;
    vec![]
}
