//! Opening each review drawer, or saying why it cannot open.

use super::*;

/// Opens the drawer for an action, or says why it cannot open. A drawer with preconditions
/// first reads the case again (`checked` is what that read said, once it has).
pub(super) fn start_flow(state: &mut State, c: Command, checked: Option<String>) -> Vec<Effect> {
    use Command::*;
    if state.data.read_only {
        state.ui.flash = Some(format!("Read-only: {}.", read_only_why(state)));
        return vec![];
    }
    if checked.is_none()
        && let Some(case) = state.detail.as_ref().map(|d| d.token.clone())
        && let Some(rec) = state.queue.get(&case)
        && has_preconditions(state.caps_of(&rec), c)
    {
        let request = state.ui.next_flow;
        state.ui.next_flow += 1;
        state.ui.rechecking = Some((request, c));
        state.ui.flash = Some("Reading the case again before judging…".into());
        return vec![Effect::Recheck { request, case }];
    }
    if state.ui.focus == Focus::Queue
        && !state.ui.queue_marks.is_empty()
        && matches!(c, AssignToMe | Assign | ChangeStatus | EscalateCase)
    {
        match bulk_flow(state, c) {
            Ok(f) => state.flow = Some(f),
            Err(why) => state.ui.flash = Some(why),
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
    let Some(c_rec) = state.queue.case(&case) else {
        return vec![];
    };
    if c_rec.status.known() == Some(CaseStatus::Closed) && !matches!(c, Comment) {
        state.ui.flash = Some(format!("{} is closed.", c_rec.name));
        return vec![];
    }
    // What the provider cannot do is refused here, with the reason, never sent to fail.
    let caps = state.caps_of(&c_rec.row()).clone();
    if let Some(why) = unsupported(&caps, c) {
        state.ui.flash = Some(format!("{why}."));
        return vec![];
    }
    // Someone else's case: asked first (the config can turn this off).
    if super::acting::ask_first(state, c, &c_rec) {
        return vec![];
    }
    let me = state.data.me.clone();
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
        AssignToMe if me.as_ref().is_some_and(|u| c_rec.assignee_is(&u.id)) => {
            Err(format!("{} is already assigned to you.", c_rec.name))
        }
        AssignToMe => match &me {
            Some(u) => Ok((
                FlowKind::AssignToMe,
                vec![Choice {
                    value: u.id.clone(),
                    label: u.name.clone(),
                }],
            )),
            None => Err(state.me_unknown()),
        },
        Unassign if c_rec.assigned_to.is_none() => {
            Err(format!("{} is not assigned to anyone.", c_rec.name))
        }
        Unassign => Ok((FlowKind::Unassign, vec![])),
        Assign => assignees(state).map(|choices| (FlowKind::Assign, choices)),
        EscalateCase => Ok((FlowKind::EscalateCase, vec![])),
        WaiveCheck => super::acting::waive_flow(detail),
        RecalculateRisk => Ok((FlowKind::RecalculateRisk, vec![])),
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
                .data
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
            let id = state.ui.next_flow;
            state.ui.next_flow += 1;
            let mut f = Flow::new(id, &case, &c_rec.name, kind, choices);
            super::acting::dress(state, &caps, &mut f);
            f.seen = Some(flow::Seen::of(
                &c_rec,
                state
                    .data
                    .last_sync
                    .unwrap_or(state.data.now)
                    .as_millisecond(),
            ));
            f.checked = checked;
            f.opened_at = Some(state.data.now);
            f.snippets = state.settings.snippets.clone();
            // On an alert, `{entity}` is the alert's subject (a director's PEP hit is written
            // up with the director's name); on the case, its primary entity.
            let alert = detail
                .filter(|d| d.tab == crate::app::state::Tab::Alerts)
                .and_then(|d| d.current_alert());
            let entity = alert
                .and_then(|a| a.entity_name.clone())
                .or_else(|| c_rec.primary_entity.clone())
                .unwrap_or_default();
            f.vars = vec![
                ("case", c_rec.name.clone()),
                ("entity", entity),
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
            if let Some((text, conditions)) = state.data.drafts.get(&f.draft_key()) {
                f.restore(text, conditions);
                state.ui.flash = Some("Draft restored.".into());
            }
            // Zenoo's close preconditions (alerts settled, risk approved, four eyes); other
            // vendors enforce their own rules.
            if caps.vendor == Vendor::Zenoo
                && let Err(blockers) = close_check(detail, me.as_ref(), &f.kind)
            {
                let (lines, jumps) = blockers.into_iter().unzip();
                f.step = flow::Step::Blocked(lines);
                f.jumps = jumps;
                f.jump_row = f.jumps.iter().position(Option::is_some).unwrap_or(0);
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
            if state.ui.flash.as_deref() == Some("Reading the case again before judging…") {
                state.ui.flash = None;
            }
            // One key: assigning to me and unassigning are sent at once.
            if matches!(f.kind, FlowKind::AssignToMe | FlowKind::Unassign)
                && matches!(f.step, flow::Step::Pick | flow::Step::Confirm)
                && let Some(s) = f.submission()
            {
                f.step = flow::Step::Submitting;
                state.flow = Some(f);
                return super::drawer::flow_outcome(state, Outcome::Submit(s));
            }
            state.flow = Some(f);
        }
        Err(why) => state.ui.flash = Some(why),
    }
    vec![]
}

/// The users a case can be assigned to, by name, as picker choices.
pub(super) fn assignees(state: &State) -> Result<Vec<Choice>, String> {
    let mut users: Vec<&User> = state.data.users.values().filter(|u| u.can_write).collect();
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
pub(super) fn bulk_flow(state: &mut State, c: Command) -> Result<Flow, String> {
    use Command::*;
    use flow::BulkAction;
    // In the order the analyst sees them.
    let q = &state.queue;
    let mut cases: Vec<CaseRow> = q
        .view
        .iter()
        .map(|&i| q.cases.get(i))
        .filter(|x| state.ui.queue_marks.contains(x.token))
        .collect();
    // Marked, then hidden by a filter: still marked, listed last.
    let hidden: Vec<CaseRow> = q
        .cases
        .iter()
        .filter(|x| {
            state.ui.queue_marks.contains(x.token) && !cases.iter().any(|c| c.token == x.token)
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
            let me = state.data.me.as_ref().ok_or_else(|| state.me_unknown())?;
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
            .map(|x| (x.token.to_string(), x.name.to_string()))
            .collect(),
    };
    let id = state.ui.next_flow;
    state.ui.next_flow += 1;
    let mut f = Flow::new(id, first.token, first.name, kind, choices);
    f.opened_at = Some(state.data.now);
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
        // The rest: the capability the command table declares.
        other => super::super::command::spec_of(other).feature?,
    };
    caps.why_not(feature)
}

pub(super) fn alert_flow(
    detail: Option<&Detail>,
    c: Command,
) -> Result<(FlowKind, Vec<Choice>), String> {
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

pub(super) fn close_flow(
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

/// For a close, the preconditions the console can see are unmet (listed, not sent to fail),
/// each line with where it can take the analyst: every alert blocking it is named.
pub(super) fn close_check(
    detail: Option<&Detail>,
    me: Option<&User>,
    kind: &FlowKind,
) -> Result<(), Vec<(String, Option<flow::Jump>)>> {
    if *kind != FlowKind::Close {
        return Ok(());
    }
    let Some(d) = detail else { return Ok(()) };
    let alerts = match &d.alerts {
        Loadable::Ready(a) => a,
        Loadable::Loading => {
            return Err(vec![(
                "The alerts are still loading; try again in a moment.".into(),
                None,
            )]);
        }
        Loadable::Failed(e) => {
            return Err(vec![(format!("The alerts could not be loaded: {e}"), None)]);
        }
        // The provider has no alerts: its own rules apply.
        Loadable::Unavailable(_) => return Ok(()),
    };
    let risk = match &d.risk {
        Loadable::Ready(r) => r,
        Loadable::Loading => {
            return Err(vec![(
                "The risk assessment is still loading; try again in a moment.".into(),
                None,
            )]);
        }
        Loadable::Failed(e) => {
            return Err(vec![(
                format!("The risk assessment could not be loaded: {e}"),
                None,
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
            a.token.clone(),
            a.status.known().unwrap_or(AssessmentStatus::Draft),
        )
    });
    let tier = risk.as_ref().and_then(|a| {
        a.effective_tier
            .as_ref()
            .or(a.tier.as_ref())
            .and_then(|t| t.known())
    });
    let approved_by: Vec<&str> = match &d.reviewers {
        Loadable::Ready(Some(list)) => list
            .iter()
            .filter(|r| r.status.known() == Some(ReviewerStatus::Approved))
            .map(|r| r.user.id.as_str())
            .collect(),
        _ => vec![],
    };
    use crate::domain::lifecycle::CloseBlocker;
    let mut blockers: Vec<(String, Option<flow::Jump>)> = Vec::new();
    for b in crate::domain::lifecycle::close_blockers(
        open,
        assessment,
        tier,
        &approved_by,
        me.map(|u| u.id.as_str()),
    ) {
        match &b {
            CloseBlocker::OpenAlerts(list) => {
                blockers.push((b.message("you"), None));
                for (token, status) in list {
                    let a = alerts.iter().find(|a| &a.token == token);
                    let what = a
                        .and_then(|a| a.category.clone().or_else(|| a.title.clone()))
                        .unwrap_or_default();
                    let who = a.and_then(|a| a.entity_name.clone()).unwrap_or_default();
                    let line = [token.as_str(), status.as_str(), &what, &who]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" · ");
                    blockers.push((format!("  {line}"), Some(flow::Jump::Alert(token.clone()))));
                }
            }
            CloseBlocker::RiskNotApproved { .. } => {
                blockers.push((b.message("you"), Some(flow::Jump::Risk)))
            }
            CloseBlocker::ApproverRequired => {
                blockers.push((b.message("you"), Some(flow::Jump::Summary)))
            }
        }
    }
    if blockers.is_empty() {
        Ok(())
    } else {
        Err(blockers)
    }
}
