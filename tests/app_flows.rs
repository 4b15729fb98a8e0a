//! Review flows in the reducer: key → drawer → submission, errors in place, preconditions.

mod common;

use common::records::{NOW, alert, assessment, case};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::flow::{FlowKind, Step, Submission};
use docket::app::state::Tab;
use docket::app::update::{CasePart, Command};
use docket::app::{Action, Effect, State, update};
use docket::domain::model::{Alert, Assessment, Case, Reviewer, User, UserRef};
use docket::domain::{
    AlertStatus, AssessmentStatus, CaseStatus, Decision, ResolutionAction, ReviewerStatus,
    RiskTier, Wire,
};
use docket::provider::ProviderError;
use jiff::Timestamp;

fn me() -> User {
    common::records::user("usr_me", "Me", "analyst")
}

/// A state with the case open on the alerts tab and everything loaded.
fn open(status: CaseStatus, alerts: Vec<Alert>, risk: Assessment) -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(&mut s, Action::MeLoaded(Some(me())));
    update(
        &mut s,
        Action::UsersLoaded(vec![
            me(),
            User {
                id: "usr_ap".into(),
                name: "Approver".into(),
                email: None,
                role: Some("approver".into()),
                can_write: true,
            },
        ]),
    );
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![case(status)]).into(),
            at: now,
        },
    );
    if status == CaseStatus::Closed {
        update(&mut s, Action::Command(Command::ToggleClosed));
    }
    update(&mut s, Action::Command(Command::Open));
    let t = || "cas_1".to_string();
    update(
        &mut s,
        Action::CaseLoaded {
            token: t(),
            part: Box::new(CasePart::Alerts(Ok(alerts))),
        },
    );
    update(
        &mut s,
        Action::CaseLoaded {
            token: t(),
            part: Box::new(CasePart::Risk(Ok(Some(Box::new(risk))))),
        },
    );
    update(
        &mut s,
        Action::CaseLoaded {
            token: t(),
            part: Box::new(CasePart::Reviewers(Ok(Some(vec![])))),
        },
    );
    s.detail.as_mut().unwrap().tab = Tab::Alerts;
    s
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    common::reducer::step(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn step(s: &State) -> &Step {
    &s.flow.as_ref().expect("a drawer is open").step
}

fn two_open() -> State {
    open(
        CaseStatus::InProgress,
        vec![
            alert("alt_1", AlertStatus::Open),
            alert("alt_2", AlertStatus::Acknowledged),
            alert("alt_3", AlertStatus::Resolved),
        ],
        assessment(AssessmentStatus::Active, RiskTier::Low),
    )
}

#[test]
fn approve_an_alert_with_a_rationale() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('a'));
    assert_eq!(*step(&s), Step::Edit);
    // Nothing typed: the rationale is required, said in place.
    ctrl(&mut s, 's');
    assert_eq!(*step(&s), Step::Edit, "the editor keeps the keyboard");
    assert!(
        s.flow
            .as_ref()
            .unwrap()
            .problem
            .as_deref()
            .is_some_and(|m| m.contains("Rationale is required")),
        "{:?}",
        s.flow.as_ref().unwrap().problem
    );
    // The next key is typed, not swallowed, and the problem goes with the edit.
    typed(&mut s, "Name-only match; DOB differs.");
    assert_eq!(
        s.flow.as_ref().unwrap().body(),
        "Name-only match; DOB differs."
    );
    assert_eq!(s.flow.as_ref().unwrap().problem, None);
    ctrl(&mut s, 's');
    assert_eq!(*step(&s), Step::Confirm);
    let lines = s.flow.as_ref().unwrap().summary_lines().join("\n");
    assert!(
        lines.contains("Approve 1 alert") && lines.contains("alt_1") && lines.contains("Name-only"),
        "{lines}"
    );
    let effects = key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    let [
        Effect::Submit {
            flow: f,
            title,
            submission,
            expect,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!((*f, title.as_str()), (flow, "Approve 1 alert"));
    assert_eq!(
        *submission,
        Submission::Resolve {
            tokens: vec!["alt_1".into()],
            action: ResolutionAction::Approve,
            rationale: "Name-only match; DOB differs.".into(),
            false_positive: false,
            conditions: None,
        }
    );
    // It asks the runtime to check the case has not changed since the drawer opened.
    let (case, seen) = expect.as_ref().unwrap();
    assert_eq!(
        (case.as_str(), seen.status.as_str(), seen.open_alerts),
        ("cas_1", "In Progress", Some(2))
    );
    assert_eq!(*step(&s), Step::Submitting);
    // Keys do nothing while it is in flight.
    key(&mut s, KeyCode::Esc);
    assert_eq!(*step(&s), Step::Submitting);
    let effects = update(
        &mut s,
        Action::Submitted {
            flow,
            result: Ok("Approve alt_1: now Resolved".into()),
        },
    );
    assert!(s.flow.is_none());
    assert_eq!(
        effects,
        [
            Effect::DeleteDraft {
                key: "cas_1:resolve:Approve:false:alt_1".into()
            },
            Effect::LoadQueue,
            Effect::LoadCase("cas_1".into())
        ]
    );
    assert!(s.ui.flash.as_deref().unwrap().contains("now Resolved"));
}

#[test]
fn an_api_error_is_shown_in_place_and_the_text_is_kept() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('e'));
    // Escalate to: the escalation contact (the first choice).
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "Possible sanctions nexus");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    let err = ProviderError::Api {
        status: 422,
        code: "INVALID_ALERT_STATE".into(),
        message: "Alert alt_1 is already Escalated.".into(),
        request_id: Some("req_42".into()),
        retry_after: None,
    };
    update(
        &mut s,
        Action::Submitted {
            flow,
            result: Err(err.clone()),
        },
    );
    assert_eq!(*step(&s), Step::Failed(err));
    key(&mut s, KeyCode::Enter);
    assert_eq!(*step(&s), Step::Edit);
    assert_eq!(s.flow.as_ref().unwrap().body(), "Possible sanctions nexus");
    // A late answer for a flow that is gone changes nothing.
    update(
        &mut s,
        Action::Submitted {
            flow: flow + 99,
            result: Ok("x".into()),
        },
    );
    assert!(s.flow.is_some());
}

#[test]
fn marked_alerts_resolve_together_and_conditions_are_required() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char(' ')); // a settled alert cannot be marked
    assert!(s.ui.flash.as_deref().unwrap().contains("already settled"));
    assert_eq!(s.detail.as_ref().unwrap().marked.len(), 2);
    key(&mut s, KeyCode::Char('w'));
    let FlowKind::Resolve { tokens, .. } = &s.flow.as_ref().unwrap().kind else {
        panic!()
    };
    assert_eq!(tokens, &["alt_1", "alt_2"]);
    typed(&mut s, "Accept with monitoring");
    ctrl(&mut s, 's');
    assert_eq!(*step(&s), Step::Edit, "the editor keeps the keyboard");
    assert!(
        s.flow
            .as_ref()
            .unwrap()
            .problem
            .as_deref()
            .is_some_and(|m| m.contains("Conditions are required")),
        "{:?}",
        s.flow.as_ref().unwrap().problem
    );
    // Tab moves to the conditions at once.
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "Annual refresh");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Char('y'));
    let Effect::Submit {
        submission: Submission::Resolve {
            tokens, conditions, ..
        },
        ..
    } = &effects[0]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(tokens.len(), 2);
    assert_eq!(conditions.as_deref(), Some("Annual refresh"));
}

#[test]
fn the_status_picker_offers_only_valid_transitions() {
    let mut s = open(
        CaseStatus::InReview,
        vec![],
        assessment(AssessmentStatus::Active, RiskTier::Low),
    );
    key(&mut s, KeyCode::Char('s'));
    let labels: Vec<&str> = s
        .flow
        .as_ref()
        .unwrap()
        .choices
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(labels, ["In Progress", "Internal Review", "Client Input"]);
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    assert_eq!(*step(&s), Step::Confirm);
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        &effects[0],
        Effect::Submit {
            submission: Submission::Status {
                to: CaseStatus::InternalReview,
                ..
            },
            ..
        }
    ));
}

#[test]
fn closing_lists_exactly_what_is_missing_instead_of_sending() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('C'));
    let Step::Blocked(reasons) = step(&s) else {
        panic!("{:?}", step(&s))
    };
    // Each blocking alert is named under its line, and can be gone to.
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].contains("2 alerts are not resolved"));
    assert_eq!(reasons[1].trim(), "alt_1 · Open · PEP Match");
    assert_eq!(reasons[2].trim(), "alt_2 · Acknowledged · PEP Match");
    assert!(reasons[3].contains("Active, not Approved"));
    // j moves to the second alert; Enter closes the drawer and puts the cursor on it.
    key(&mut s, KeyCode::Char('j'));
    s.detail.as_mut().unwrap().tab = Tab::Summary;
    key(&mut s, KeyCode::Enter);
    assert!(s.flow.is_none());
    let d = s.detail.as_ref().unwrap();
    assert_eq!((d.tab, d.alert_row), (Tab::Alerts, 1));
    // The risk line goes to the Risk tab.
    key(&mut s, KeyCode::Char('C'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Risk);
    // Any other key just closes.
    key(&mut s, KeyCode::Char('C'));
    key(&mut s, KeyCode::Char('x'));
    assert!(s.flow.is_none());

    // High risk, everything settled and approved, but no second approver.
    let mut s = open(
        CaseStatus::InProgress,
        vec![alert("alt_3", AlertStatus::Resolved)],
        assessment(AssessmentStatus::Approved, RiskTier::High),
    );
    key(&mut s, KeyCode::Char('C'));
    let Step::Blocked(reasons) = step(&s) else {
        panic!()
    };
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].contains("Approver other than you"));

    // With an approval from someone else, it proceeds: decision, then summary.
    let mut s = open(
        CaseStatus::InProgress,
        vec![alert("alt_3", AlertStatus::FalsePositive)],
        assessment(AssessmentStatus::Approved, RiskTier::High),
    );
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_1".into(),
            part: Box::new(CasePart::Reviewers(Ok(Some(vec![Reviewer {
                token: "rev_1".into(),
                user: UserRef {
                    id: "usr_ap".into(),
                    name: None,
                },
                role: Some("Approver".into()),
                status: Wire::Known(ReviewerStatus::Approved),
                notes: None,
            }])))),
        },
    );
    key(&mut s, KeyCode::Char('C'));
    assert_eq!(*step(&s), Step::Pick);
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "Sanctioned owner confirmed.");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[0], Effect::Submit { submission: Submission::Close { decision: Decision::Decline, summary, .. }, .. } if summary == "Sanctioned owner confirmed.")
    );
}

#[test]
fn read_only_and_missing_preconditions_say_why() {
    let mut s = two_open();
    s.data.read_only = true;
    key(&mut s, KeyCode::Char('a'));
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().contains("Read-only"));

    let mut s = two_open();
    key(&mut s, KeyCode::Char('V'));
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().contains("no pending review"));

    // Assign to me: one key, sent at once, with the case as seen (the conflict check holds).
    let effects = key(&mut s, KeyCode::Char('m'));
    assert!(
        matches!(&effects[0], Effect::Submit { submission: Submission::Assign { user: Some(u), .. }, expect: Some(_), .. } if u == "usr_me"),
        "{effects:?}"
    );
}

/// Opens a flow by key and walks it to its submission; returns the submission.
fn walk(s: &mut State, open: char, pick_down: usize, text: Option<&str>) -> Submission {
    key(s, KeyCode::Char(open));
    assert!(s.flow.is_some(), "no drawer for {open:?}: {:?}", s.ui.flash);
    if *step(s) == Step::Pick {
        for _ in 0..pick_down {
            key(s, KeyCode::Char('j'));
        }
        key(s, KeyCode::Enter);
    }
    if let Some(t) = text {
        assert_eq!(*step(s), Step::Edit, "{open:?}");
        typed(s, t);
        ctrl(s, 's');
    }
    assert_eq!(*step(s), Step::Confirm, "{open:?}");
    let effects = key(s, KeyCode::Enter);
    let Some(Effect::Submit {
        submission, flow, ..
    }) = effects.into_iter().next()
    else {
        panic!("{open:?} did not submit")
    };
    update(
        s,
        Action::Submitted {
            flow,
            result: Ok("done".into()),
        },
    );
    submission
}

#[test]
fn every_case_and_alert_action_has_a_flow_that_submits_what_it_says() {
    let mut s = two_open();
    assert!(matches!(
        walk(&mut s, 'x', 0, Some("True match")),
        Submission::Resolve {
            action: ResolutionAction::Decline,
            false_positive: false,
            ..
        }
    ));
    assert!(matches!(
        walk(&mut s, 'o', 0, Some("Need the passport")),
        Submission::Resolve {
            action: ResolutionAction::RequestDocument,
            ..
        }
    ));
    assert!(matches!(
        walk(&mut s, 't', 0, Some("Different DOB")),
        Submission::Resolve {
            action: ResolutionAction::Approve,
            false_positive: true,
            ..
        }
    ));
    assert!(
        matches!(walk(&mut s, 'A', 0, None), Submission::Acknowledge { tokens } if tokens == ["alt_1"])
    );
    assert!(
        matches!(
            walk(&mut s, 'u', 1, None),
            Submission::Assign { user: Some(u), .. } if u == "usr_me"
        ),
        "users are listed by name: Approver, Me"
    );
    assert!(
        matches!(walk(&mut s, 'E', 0, Some("Complex structure")), Submission::EscalateCase { reason, escalate_to: None, .. } if reason == "Complex structure"),
        "the first choice is the API's escalation contact"
    );
    assert!(
        matches!(walk(&mut s, 'E', 1, Some("Needs the MLRO")), Submission::EscalateCase { escalate_to: Some(to), .. } if to == "usr_ap"),
        "the users follow, by name (not me)"
    );
    assert!(
        matches!(walk(&mut s, 'e', 1, Some("Sanctions nexus")), Submission::EscalateAlert { token, escalate_to: Some(to), .. } if token == "alt_1" && to == "usr_ap")
    );
    assert!(
        matches!(walk(&mut s, 'n', 0, Some("Called the client")), Submission::Comment { body, .. } if body == "Called the client")
    );
    assert!(
        matches!(walk(&mut s, 'p', 0, Some("High risk: please check the UBO chain")), Submission::AddReviewer { user, message: Some(m), .. } if user == "usr_ap" && m == "High risk: please check the UBO chain")
    );
    assert!(
        matches!(
            walk(&mut s, 'p', 0, Some("")),
            Submission::AddReviewer { message: None, .. }
        ),
        "the message is optional"
    );
    assert!(
        matches!(walk(&mut s, 'R', 0, Some("")), Submission::ApproveRisk { assessment, notes: None } if assessment == "rsk_1")
    );
    assert!(matches!(
        walk(&mut s, 'O', 0, Some("Nominee director")),
        Submission::OverrideRisk { tier: RiskTier::High, justification, .. } if justification == "Nominee director"
    ));
    // Overriding needs a justification.
    key(&mut s, KeyCode::Char('O'));
    key(&mut s, KeyCode::Enter);
    ctrl(&mut s, 's');
    assert_eq!(*step(&s), Step::Edit, "the editor keeps the keyboard");
    assert!(
        s.flow
            .as_ref()
            .unwrap()
            .problem
            .as_deref()
            .is_some_and(|m| m.contains("Justification is required")),
        "{:?}",
        s.flow.as_ref().unwrap().problem
    );
}

#[test]
fn an_invited_approver_approves_or_rejects_with_notes() {
    let mut s = two_open();
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_1".into(),
            part: Box::new(CasePart::Reviewers(Ok(Some(vec![Reviewer {
                token: "rev_9".into(),
                user: UserRef {
                    id: "usr_me".into(),
                    name: None,
                },
                role: Some("Approver".into()),
                status: Wire::Known(ReviewerStatus::Invited),
                notes: None,
            }])))),
        },
    );
    // Rejecting needs notes; approving does not.
    key(&mut s, KeyCode::Char('X'));
    ctrl(&mut s, 's');
    assert!(s.flow.as_ref().unwrap().problem.is_some());
    key(&mut s, KeyCode::Esc);
    assert!(s.flow.is_none());
    assert!(matches!(
        walk(&mut s, 'V', 0, Some("")),
        Submission::DecideReview { reviewer, approve: true, notes: None, .. } if reviewer == "rev_9"
    ));
    assert!(matches!(
        walk(&mut s, 'X', 0, Some("Source of wealth unproven")),
        Submission::DecideReview { approve: false, notes: Some(n), .. } if n == "Source of wealth unproven"
    ));
}

#[test]
fn a_closed_case_takes_only_comments_and_more_than_fifty_alerts_say_how_they_are_sent() {
    let mut s = open(
        CaseStatus::Closed,
        vec![],
        assessment(AssessmentStatus::Approved, RiskTier::Low),
    );
    key(&mut s, KeyCode::Char('s'));
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().contains("is closed"));
    assert!(matches!(
        walk(&mut s, 'n', 0, Some("Post-closure note")),
        Submission::Comment { .. }
    ));

    let many: Vec<Alert> = (0..60)
        .map(|i| alert(&format!("alt_{i}"), AlertStatus::Open))
        .collect();
    let mut s = open(
        CaseStatus::InProgress,
        many,
        assessment(AssessmentStatus::Active, RiskTier::Low),
    );
    for _ in 0..60 {
        key(&mut s, KeyCode::Char(' '));
        key(&mut s, KeyCode::Char('j'));
    }
    key(&mut s, KeyCode::Char('a'));
    typed(&mut s, "Batch cleared");
    ctrl(&mut s, 's');
    let lines = s.flow.as_ref().unwrap().summary_lines().join("\n");
    assert!(
        lines.contains("Approve 60 alerts")
            && lines.contains("and 54 more")
            && lines.contains("2 requests"),
        "{lines}"
    );
}

#[test]
fn drafts_are_saved_as_typed_kept_on_cancel_and_restored() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('a'));
    let effects = key(&mut s, KeyCode::Char('N'));
    assert_eq!(
        effects,
        [Effect::SaveDraft {
            key: "cas_1:resolve:Approve:false:alt_1".into(),
            text: "N".into(),
            conditions: String::new()
        }]
    );
    typed(&mut s, "ame only");
    key(&mut s, KeyCode::Esc);
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().contains("Draft kept"));

    // After a crash, the runtime hands the saved drafts back; reopening the flow restores it.
    update(
        &mut s,
        Action::DraftsLoaded(vec![(
            "cas_1:resolve:Approve:false:alt_1".into(),
            "Name only".into(),
            String::new(),
        )]),
    );
    key(&mut s, KeyCode::Char('a'));
    assert_eq!(s.flow.as_ref().unwrap().body(), "Name only");
    assert!(s.ui.flash.as_deref().unwrap().contains("Draft restored"));
    // A different action on the same alert starts blank.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('x'));
    assert_eq!(s.flow.as_ref().unwrap().body(), "");
    key(&mut s, KeyCode::Esc);
    // Discarding is explicit.
    key(&mut s, KeyCode::Char('a'));
    let effects = ctrl(&mut s, 'x');
    assert_eq!(
        effects,
        [Effect::DeleteDraft {
            key: "cas_1:resolve:Approve:false:alt_1".into()
        }]
    );
    assert!(s.flow.is_none());
    key(&mut s, KeyCode::Char('a'));
    assert_eq!(s.flow.as_ref().unwrap().body(), "");
}

#[test]
fn a_refused_entry_is_resent_not_duplicated() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('a'));
    typed(&mut s, "ok");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    update(&mut s, Action::Enqueued { flow, entry: 42 });
    update(
        &mut s,
        Action::Retrying {
            flow,
            attempts: 1,
            error: ProviderError::Transport {
                endpoint: "POST /v1/alerts/alt_1/resolve".into(),
                message: "cannot connect".into(),
            },
        },
    );
    assert!(s.flow.as_ref().unwrap().retrying.is_some());
    update(
        &mut s,
        Action::Submitted {
            flow,
            result: Err(ProviderError::Invalid("refused".into())),
        },
    );
    key(&mut s, KeyCode::Enter); // back to the text
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[0], Effect::Resend { entry: 42, .. }),
        "{effects:?}"
    );
}

#[test]
fn quitting_with_pending_reviews_asks_first() {
    let mut s = two_open();
    update(
        &mut s,
        Action::OutboxCounts(docket::sync::store::Counts {
            pending: 2,
            ..Default::default()
        }),
    );
    key(&mut s, KeyCode::Esc); // back to the queue
    key(&mut s, KeyCode::Char('q'));
    assert!(!s.ui.should_quit);
    assert!(
        s.ui.flash
            .as_deref()
            .unwrap()
            .contains("2 review(s) not sent yet")
    );
    key(&mut s, KeyCode::Char('j'));
    assert!(!s.ui.should_quit, "any other key stays");
    key(&mut s, KeyCode::Char('q'));
    key(&mut s, KeyCode::Char('q'));
    assert!(s.ui.should_quit);
}

#[test]
fn a_stale_case_is_reported_and_sending_anyway_is_a_choice() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('a'));
    typed(&mut s, "Careful rationale");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    update(
        &mut s,
        Action::Conflict {
            flow,
            changes: vec!["assignee: — → usr_lukas".into()],
        },
    );
    assert!(matches!(step(&s), Step::Conflict(c) if c[0].contains("usr_lukas")));
    // Back: the text is intact.
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(*step(&s), Step::Edit);
    assert_eq!(s.flow.as_ref().unwrap().body(), "Careful rationale");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    update(
        &mut s,
        Action::Conflict {
            flow,
            changes: vec!["status: In Progress → Escalated".into()],
        },
    );
    // Send anyway: no second check.
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[0], Effect::Submit { expect: None, .. }),
        "{effects:?}"
    );
}

#[test]
fn what_changed_is_said_in_words() {
    use docket::app::flow::Seen;
    let before = Seen {
        read_at_ms: 0,
        version: Some(3),
        updated_at: None,
        status: "In Progress".into(),
        assignee: None,
        open_alerts: Some(2),
        risk_tier: Some("Low".into()),
    };
    let mut after = before.clone();
    assert!(before.changes(&after).is_empty());
    after.version = Some(4);
    assert!(before.changes(&after)[0].contains("updated on the server"));
    after.status = "Escalated".into();
    after.assignee = Some("usr_lukas".into());
    let c = before.changes(&after);
    assert_eq!(
        c,
        ["status: In Progress → Escalated", "assignee: — → usr_lukas"]
    );
}

#[test]
fn the_outbox_view_resends_edits_and_discards() {
    use docket::app::state::{Mode, OutboxRow};
    let mut s = two_open();
    let resolve = Submission::Resolve {
        tokens: vec!["alt_1".into()],
        action: ResolutionAction::Approve,
        rationale: "First try".into(),
        false_positive: false,
        conditions: None,
    };
    let rows = vec![
        OutboxRow {
            id: 7,
            title: "Approve 1 alert".into(),
            failed: true,
            attempts: 1,
            last_error: Some("CASE_CLOSED".into()),
            submission: resolve.clone(),
            mine: true,
            author: "Amara Okafor".into(),
            waits_for: None,
            case: Some("cas_1".into()),
        },
        OutboxRow {
            id: 8,
            title: "Acknowledge 1 alert".into(),
            failed: false,
            attempts: 3,
            last_error: None,
            submission: Submission::Acknowledge {
                tokens: vec!["alt_2".into()],
            },
            mine: true,
            author: "Amara Okafor".into(),
            waits_for: None,
            case: Some("cas_1".into()),
        },
    ];
    update(&mut s, Action::OutboxEntries(rows));
    ctrl(&mut s, 'o');
    assert_eq!(s.ui.mode, Mode::Outbox);
    assert_eq!(
        key(&mut s, KeyCode::Char('s')),
        [Effect::ResendEntry {
            entry: 7,
            submission: resolve
        }]
    );
    key(&mut s, KeyCode::Char('j'));
    assert!(
        key(&mut s, KeyCode::Char('d')).is_empty(),
        "the first d only asks"
    );
    assert_eq!(
        key(&mut s, KeyCode::Char('d')),
        [Effect::DiscardEntry { entry: 8 }]
    );
    // Edit the refused one: its text comes back in a drawer, and sending goes to the same entry.
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('e'));
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(s.flow.as_ref().unwrap().body(), "First try");
    typed(&mut s, ", corrected");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[0], Effect::Resend { entry: 7, submission: Submission::Resolve { rationale, .. }, .. } if rationale == "First try, corrected"),
        "{effects:?}"
    );
}

#[test]
fn once_in_the_outbox_a_draft_gives_way_so_the_next_comment_starts_blank() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "First note");
    update(
        &mut s,
        Action::DraftSaved {
            key: "cas_1:comment".into(),
            text: "First note".into(),
            conditions: String::new(),
        },
    );
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    let effects = update(&mut s, Action::Enqueued { flow, entry: 3 });
    assert_eq!(
        effects,
        [Effect::DeleteDraft {
            key: "cas_1:comment".into()
        }]
    );
    key(&mut s, KeyCode::Esc); // left to the outbox
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(
        s.flow.as_ref().unwrap().body(),
        "",
        "the next comment starts blank"
    );
}

#[test]
fn a_paste_lands_in_the_editor_as_text_and_is_saved_as_a_draft() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(*step(&s), Step::Edit);
    // A bracketed paste with line breaks, a tab and escape sequences a terminal would obey.
    let effects = update(
        &mut s,
        Action::Paste(
            "Registry extract:\r\n\tDirector: Ola\x1b]52;c;cm0gLXJm\x07 Nordmann\x1b[2J\rq".into(),
        ),
    );
    let f = s.flow.as_ref().unwrap();
    assert_eq!(f.body(), "Registry extract:\n    Director: Ola Nordmann\nq");
    // Pasted text is an edit like typing: the draft is saved.
    assert!(
        matches!(effects.as_slice(), [Effect::SaveDraft { text, .. }] if text == &f.body()),
        "{effects:?}"
    );
    // A paste is never a command: 'q' in it did not quit.
    assert!(!s.ui.should_quit);
}

#[test]
fn a_paste_into_the_filter_is_one_line_and_outside_an_editor_does_nothing() {
    let mut s = two_open();
    // No editor and no filter: ignored, not read as keys.
    assert!(update(&mut s, Action::Paste("qqq".into())).is_empty());
    assert!(!s.ui.should_quit);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('/'));
    update(&mut s, Action::Paste("CAS-\x1b[31m000001\nextra".into()));
    assert_eq!(s.queue.filter, "CAS-000001 extra");
}

/// Capabilities like Amiqus ID's: alerts resolved with approve or decline only, a close with a
/// decision it cannot store a summary for, no risk, no assignment, no status changes.
fn amiqus_like() -> docket::provider::Capabilities {
    use docket::provider::{Capabilities, Vendor};
    let mut c = Capabilities::none(Vendor::Amiqus);
    c.alerts = true;
    c.resolve_alerts = true;
    c.resolution_actions = vec![ResolutionAction::Approve, ResolutionAction::Decline];
    c.entities = true;
    c.checks = true;
    c.timeline = true;
    c.close = true;
    c
}

#[test]
fn what_a_vendor_cannot_do_is_refused_with_the_reason_and_never_sent() {
    let mut s = two_open();
    s.settings.caps = amiqus_like();
    for (k, why) in [
        ('s', "Amiqus ID's API cannot change a case's status"),
        ('m', "Amiqus ID's API cannot assign cases"),
        ('U', "Amiqus ID's API cannot assign cases"),
        ('W', "Amiqus ID's API cannot waive checks"),
        (
            'O',
            "Amiqus ID's API cannot approve or override a risk assessment",
        ),
        ('n', "Amiqus ID's API cannot add comments"),
        ('E', "Amiqus ID's API cannot escalate cases"),
        (
            'w',
            "Amiqus ID's API cannot resolve an alert with Approve with Conditions",
        ),
        ('t', "Amiqus ID's API cannot mark an alert a false positive"),
    ] {
        let effects = key(&mut s, KeyCode::Char(k));
        assert!(effects.is_empty(), "{k}: {effects:?}");
        assert!(s.flow.is_none(), "{k} opened a drawer");
        assert_eq!(
            s.ui.flash.as_deref(),
            Some(format!("{why}.").as_str()),
            "{k}"
        );
    }
    // What it can do still works: approve an alert with a rationale.
    key(&mut s, KeyCode::Char('a'));
    assert_eq!(*step(&s), Step::Edit);
}

#[test]
fn tabs_a_vendor_has_no_data_for_are_skipped() {
    let mut s = two_open();
    let mut caps = amiqus_like();
    caps.entities = false;
    s.settings.caps = caps;
    assert_eq!(
        s.tabs(),
        [Tab::Summary, Tab::Alerts, Tab::Checks, Tab::Activity]
    );
    s.detail.as_mut().unwrap().tab = Tab::Summary;
    update(&mut s, Action::Command(Command::NextTab));
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Alerts);
    update(&mut s, Action::Command(Command::NextTab));
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Checks);
    update(&mut s, Action::Command(Command::PrevTab));
    update(&mut s, Action::Command(Command::PrevTab));
    update(&mut s, Action::Command(Command::PrevTab));
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Activity);
}

#[test]
fn a_vendor_close_skips_zenoo_preconditions_and_says_the_summary_stays_local() {
    // Open alerts and an unapproved risk would block a Zenoo close; Amiqus has its own rules.
    let mut s = two_open();
    s.settings.caps = amiqus_like();
    key(&mut s, KeyCode::Char('C'));
    assert_eq!(*step(&s), Step::Pick);
    let note = s.flow.as_ref().unwrap().note.clone().unwrap();
    assert!(
        note.contains("Amiqus ID cannot store a summary") && note.contains("local audit log"),
        "{note}"
    );
    key(&mut s, KeyCode::Enter); // Approve
    typed(&mut s, "All checks clear.");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::Submit { submission: Submission::Close { decision: Decision::Approve, summary, .. }, .. }] if summary == "All checks clear."),
        "{effects:?}"
    );
}

#[test]
fn vendor_statuses_are_offered_by_name() {
    use docket::provider::{Capabilities, Vendor};
    let mut s = two_open();
    let mut caps = Capabilities::none(Vendor::Persona);
    caps.change_status = true;
    caps.vendor_statuses = vec!["Open".into(), "In Progress".into(), "Needs Info".into()];
    s.settings.caps = caps;
    key(&mut s, KeyCode::Char('s'));
    let labels: Vec<String> = s
        .flow
        .as_ref()
        .unwrap()
        .choices
        .iter()
        .map(|c| c.label.clone())
        .collect();
    // The current status is not offered.
    assert_eq!(labels, ["Open", "Needs Info"]);
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::Submit { submission: Submission::SetStatus { case, status }, .. }] if case == "cas_1" && status == "Needs Info"),
        "{effects:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Power-user flow: palette, pull-next, snippets, copy, notifications, stats, bulk work.

/// A queue of four open cases: two unassigned with different SLAs and priorities, one mine, one
/// someone else's; nothing open.
fn queue_of_four() -> State {
    use docket::domain::Priority;
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(&mut s, Action::MeLoaded(Some(me())));
    let mk = |t: &str, sla_h: i64, prio: Priority, who: Option<&str>| {
        let mut c = case(CaseStatus::InProgress);
        c.token = t.into();
        c.name = format!("CAS-{t}");
        c.sla_deadline = Timestamp::from_second(NOW + sla_h * 3600).ok();
        c.priority = Some(Wire::Known(prio));
        c.assigned_to = who.map(|id| UserRef {
            id: id.into(),
            name: None,
        });
        c
    };
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![
                mk("a", 1, Priority::High, Some("usr_me")),
                mk("b", 30, Priority::Low, None),
                mk("c", 5, Priority::Critical, None),
                mk("d", 2, Priority::Medium, Some("usr_x")),
            ])
            .into(),
            at: now,
        },
    );
    s
}

#[test]
fn pull_next_assigns_the_most_urgent_unassigned_case_to_me_and_opens_it() {
    let mut s = queue_of_four();
    let effects = key(&mut s, KeyCode::Char('P'));
    // c: unassigned with the nearest SLA (5h beats 30h; a and d are assigned).
    assert_eq!(s.detail.as_ref().unwrap().token, "c");
    assert_eq!(s.queue.selected.as_deref(), Some("c"));
    assert!(
        effects.contains(&Effect::LoadCase("c".into())),
        "{effects:?}"
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Submit { submission: Submission::Assign { case, user: Some(u) }, expect: Some(_), .. } if case == "c" && u == "usr_me")),
        "{effects:?}"
    );
    assert_eq!(*step(&s), Step::Submitting);
    // Read-only: nothing happens but a reason.
    let mut ro = queue_of_four();
    ro.data.read_only = true;
    assert!(key(&mut ro, KeyCode::Char('P')).is_empty());
    assert!(ro.ui.flash.as_deref().unwrap().contains("Read-only"));
}

#[test]
fn the_palette_finds_a_command_runs_it_and_lists_it_first_next_time() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char(':'));
    assert_eq!(s.ui.mode, docket::app::state::Mode::Palette);
    let all = docket::app::power::palette_items(&s);
    assert!(all.iter().any(|i| i.label == "close case" && i.keys == "C"));
    assert!(!all.iter().any(|i| i.label == "palette"));
    typed(&mut s, "clos cas");
    let found = docket::app::power::palette_items(&s);
    assert_eq!(found[0].label, "close case", "{found:?}");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.ui.mode, docket::app::state::Mode::Normal);
    assert_eq!(s.flow.as_ref().unwrap().kind, FlowKind::Close);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char(':'));
    assert_eq!(docket::app::power::palette_items(&s)[0].label, "close case");
    key(&mut s, KeyCode::Esc);
    assert!(s.ui.palette.is_none());

    // Read-only hides every write; a vendor's missing actions are not offered either.
    let mut ro = two_open();
    ro.data.read_only = true;
    key(&mut ro, KeyCode::Char(':'));
    let labels: Vec<String> = docket::app::power::palette_items(&ro)
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert!(labels.contains(&"refresh".to_string()));
    assert!(!labels.contains(&"close case".to_string()), "{labels:?}");
    let mut vendor = two_open();
    vendor.settings.caps = amiqus_like();
    key(&mut vendor, KeyCode::Char(':'));
    let labels: Vec<String> = docket::app::power::palette_items(&vendor)
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert!(labels.contains(&"approve alert".to_string()));
    assert!(!labels.contains(&"assign".to_string()), "{labels:?}");
}

#[test]
fn a_snippet_is_found_by_typing_and_inserted_with_its_placeholders_filled() {
    use docket::app::flow::Snippet;
    let mut s = two_open();
    s.settings.snippets = vec![
        Snippet {
            name: "Name-only match".into(),
            text: "Name-only {category} hit on {entity} ({score}%), {case}; {me}. {nope}".into(),
        },
        Snippet {
            name: "Confirmed".into(),
            text: "Confirmed.".into(),
        },
    ];
    key(&mut s, KeyCode::Char('a'));
    typed(&mut s, "Checked: ");
    ctrl(&mut s, 't');
    assert!(s.flow.as_ref().unwrap().picker.is_some());
    typed(&mut s, "name only");
    let effects = key(&mut s, KeyCode::Enter);
    let f = s.flow.as_ref().unwrap();
    assert!(f.picker.is_none());
    assert_eq!(
        f.body(),
        "Checked: Name-only PEP Match hit on Nordlicht Logistik GmbH (80%), CAS-000001; Me. {nope}"
    );
    assert!(
        matches!(effects.as_slice(), [Effect::SaveDraft { .. }]),
        "{effects:?}"
    );
}

#[test]
fn copy_and_open_ask_the_runtime_and_say_what_they_did() {
    let mut s = two_open();
    assert_eq!(
        key(&mut s, KeyCode::Char('y')),
        [Effect::Copy("CAS-000001".into())]
    );
    assert_eq!(
        key(&mut s, KeyCode::Char('Y')),
        [Effect::Copy("cas_1".into())]
    );
    // No template: the reason, nothing copied.
    assert!(ctrl(&mut s, 'y').is_empty());
    assert!(s.ui.flash.as_deref().unwrap().contains("dashboard_url"));
    s.settings.dashboard_urls.insert(
        String::new(),
        "https://app.example/cases/{token}?n={name}".into(),
    );
    let url = "https://app.example/cases/cas_1?n=CAS-000001".to_string();
    assert_eq!(ctrl(&mut s, 'y'), [Effect::Copy(url.clone())]);
    assert_eq!(
        key(&mut s, KeyCode::Char('B')),
        [Effect::OpenUrl(url.clone()), Effect::Copy(url)]
    );
}

#[test]
fn a_new_critical_case_in_a_watched_view_notifies_once_and_not_at_start() {
    use docket::app::power::{Desktop, Notify};
    use docket::domain::Priority;
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    s.settings.notify = Some(Notify {
        views: vec!["Open".into()],
        bell: true,
        desktop: Desktop::Osc777,
    });
    let mut critical = case(CaseStatus::InProgress);
    critical.priority = Some(Wire::Known(Priority::Critical));
    let load = |s: &mut State, cases: Vec<Case>| {
        update(
            s,
            Action::QueueLoaded {
                cases: cases.into(),
                at: now,
            },
        )
    };
    // The first load is the baseline, even with a Critical case in it.
    assert!(load(&mut s, vec![critical.clone()]).is_empty());
    let mut new = critical.clone();
    new.token = "cas_2".into();
    new.name = "CAS-000002".into();
    let effects = load(&mut s, vec![critical.clone(), new.clone()]);
    assert_eq!(
        effects,
        [Effect::Notify {
            text: "1 case(s) need attention: CAS-000002".into(),
            bell: true,
            desktop: Desktop::Osc777,
        }]
    );
    assert!(load(&mut s, vec![critical, new]).is_empty(), "told once");
}

#[test]
fn the_status_bar_counts_reviews_and_their_median_time() {
    let mut s = two_open();
    s.data.stats.today = 2;
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "Noted.");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    s.data.now = Timestamp::from_second(NOW + 130).unwrap();
    update(
        &mut s,
        Action::Submitted {
            flow,
            result: Ok("Comment added".into()),
        },
    );
    // The count comes from the local audit log, which the runtime reads when a review lands
    // (from a drawer or from the outbox alike).
    update(&mut s, Action::Today(3));
    assert_eq!(s.data.stats.today, 3);
    assert_eq!(s.data.stats.line().unwrap(), "3 today · ~2m10s each");
}

#[test]
fn marked_cases_are_assigned_together_with_a_result_per_case() {
    let mut s = queue_of_four();
    // Cursor on the first row; mark it, move two down, mark the range.
    update(&mut s, Action::Command(Command::Top));
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('M'));
    assert_eq!(s.ui.queue_marks.len(), 3);
    key(&mut s, KeyCode::Char('m'));
    let f = s.flow.as_ref().unwrap();
    assert!(matches!(&f.kind, FlowKind::Bulk { cases, .. } if cases.len() == 3));
    assert_eq!(f.title(), "Assign 3 cases");
    assert_eq!(*step(&s), Step::Pick);
    key(&mut s, KeyCode::Enter); // me
    assert_eq!(*step(&s), Step::Confirm);
    let lines = s.flow.as_ref().unwrap().summary_lines().join("\n");
    assert!(lines.contains("Cases: CAS-"), "{lines}");
    let effects = key(&mut s, KeyCode::Enter);
    let [Effect::SubmitMany { flow, items }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(items.len(), 3);
    assert!(
        items.iter().all(
            |(_, sub)| matches!(sub, Submission::Assign { user: Some(u), .. } if u == "usr_me")
        )
    );
    let flow = *flow;
    for entry in [11, 12, 13] {
        update(&mut s, Action::Enqueued { flow, entry });
    }
    update(
        &mut s,
        Action::EntryDone {
            flow,
            entry: 12,
            result: Err(ProviderError::Api {
                status: 422,
                code: "INVALID_TRANSITION".into(),
                message: "Closed meanwhile.".into(),
                request_id: Some("req_9".into()),
                retry_after: None,
            }),
        },
    );
    let effects = update(
        &mut s,
        Action::EntryDone {
            flow,
            entry: 11,
            result: Ok("assigned".into()),
        },
    );
    assert!(effects.is_empty(), "one still in flight");
    let effects = update(
        &mut s,
        Action::EntryDone {
            flow,
            entry: 13,
            result: Ok("assigned".into()),
        },
    );
    assert_eq!(effects, [Effect::LoadQueue]);
    let f = s.flow.as_ref().unwrap();
    assert!(matches!(&f.bulk[1].result, Some(Err(e)) if e.contains("INVALID_TRANSITION")));
    assert!(
        s.ui.flash
            .as_deref()
            .unwrap()
            .contains("2 landed, 1 refused")
    );
    assert!(s.ui.queue_marks.is_empty());
    // The drawer stays to show the results; Esc closes it.
    key(&mut s, KeyCode::Esc);
    assert!(s.flow.is_none());
}

#[test]
fn the_drawers_steps_take_their_keys_from_the_keymap() {
    use docket::app::keymap::Context;
    let mut s = two_open();
    // Remapped in the config: `s` sends from the read-back, `b` goes back to the text, and
    // Enter no longer sends.
    s.settings
        .keymap
        .bind(Context::Readback, "s".parse().unwrap(), Some(Command::Send));
    s.settings.keymap.bind(
        Context::Readback,
        "b".parse().unwrap(),
        Some(Command::BackToText),
    );
    s.settings
        .keymap
        .bind(Context::Readback, "enter".parse().unwrap(), None);
    key(&mut s, KeyCode::Char('a'));
    typed(&mut s, "Name-only match; DOB differs.");
    ctrl(&mut s, 's');
    assert_eq!(*step(&s), Step::Confirm);
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(*step(&s), Step::Confirm, "Enter is unbound here now");
    key(&mut s, KeyCode::Char('b'));
    assert_eq!(*step(&s), Step::Edit, "back to the text");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Char('s'));
    assert!(
        matches!(effects.as_slice(), [Effect::Submit { .. }, ..]),
        "{effects:?}"
    );
}

#[test]
fn snippets_name_the_alerts_subject_and_ctrl_t_without_any_says_so() {
    let mut s = two_open();
    if let Some(docket::app::state::Loadable::Ready(list)) =
        s.detail.as_mut().map(|d| &mut d.alerts)
    {
        list[0].entity_name = Some("Jonas Weber".into());
    }
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Alerts);
    // Without snippets, Ctrl-T says where they come from, and the editor keeps the keyboard.
    key(&mut s, KeyCode::Char('a'));
    ctrl(&mut s, 't');
    let f = s.flow.as_ref().unwrap();
    assert_eq!(f.step, Step::Edit);
    assert!(
        f.problem
            .as_deref()
            .is_some_and(|p| p.contains("[[snippets]]")),
        "{:?}",
        f.problem
    );
    // On an alert, {entity} is the alert's subject, not the case's primary entity.
    let subject = s
        .detail
        .as_ref()
        .and_then(|d| d.current_alert())
        .and_then(|a| a.entity_name.clone());
    let vars = &s.flow.as_ref().unwrap().vars;
    let entity = vars
        .iter()
        .find(|(k, _)| *k == "entity")
        .map(|(_, v)| v.clone());
    assert_eq!(subject.as_deref(), Some("Jonas Weber"));
    assert_eq!(entity, subject);
}

#[test]
fn editing_a_refused_case_review_names_the_case_once_in_the_title() {
    let mut s = two_open();
    let name = s.queue.get("cas_1").unwrap().name.to_string();
    let rows = vec![docket::app::state::OutboxRow {
        id: 9,
        title: format!("Escalate {name}"),
        failed: true,
        attempts: 1,
        last_error: Some("INVALID_TRANSITION".into()),
        submission: Submission::EscalateCase {
            escalate_to: None,
            case: "cas_1".into(),
            reason: "MLRO".into(),
        },
        mine: true,
        author: "Amara Okafor".into(),
        waits_for: None,
        case: Some("cas_1".into()),
    }];
    update(&mut s, Action::OutboxEntries(rows));
    ctrl(&mut s, 'o');
    key(&mut s, KeyCode::Char('e'));
    assert_eq!(s.flow.as_ref().unwrap().title(), format!("Escalate {name}"));
}
