//! The write rules in the reducer: the outbox sends only once the key is known to write;
//! read-only (flag or key) refuses every write; a second review of a target still waiting asks
//! first; pending work is marked; the analyst's own changes are not conflicts; preconditions
//! are judged on a fresh read; a refused key stops everything and says where to look.

mod common;

use common::records::{alert, assessment, case, case as case_record, now, user};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::flow::{Seen, Step, Submission};
use docket::app::state::{Connection, Loadable, Mode, OutboxRow, Tab};
use docket::app::update::{CasePart, Command};
use docket::app::{Action, Effect, State, update};
use docket::domain::model::{Reviewer, UserRef};
use docket::domain::{
    AlertStatus, AssessmentStatus, CaseStatus, ResolutionAction, ReviewerStatus, RiskTier, Wire,
};
use docket::provider::ProviderError;

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn step(s: &State) -> &Step {
    &s.flow.as_ref().expect("a drawer is open").step
}

fn reviewer(status: ReviewerStatus) -> Reviewer {
    Reviewer {
        token: "rvw_1".into(),
        user: UserRef {
            id: "usr_ap".into(),
            name: Some("Sofia Approver".into()),
        },
        role: Some("approver".into()),
        status: Wire::Known(status),
        notes: None,
    }
}

/// The case open on its alerts tab, everything loaded, the analyst known and able to write.
fn opened(
    status: CaseStatus,
    alerts: Vec<docket::domain::model::Alert>,
    risk: docket::domain::model::Assessment,
    reviewers: Vec<Reviewer>,
) -> State {
    let mut s = State::new("sandbox", now());
    assert_eq!(
        update(
            &mut s,
            Action::MeLoaded(Some(user("usr_me", "Me", "analyst")))
        ),
        [Effect::StartSender]
    );
    update(
        &mut s,
        Action::UsersLoaded(vec![
            user("usr_me", "Me", "analyst"),
            user("usr_ap", "Sofia Approver", "approver"),
        ]),
    );
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![case(status)]).into(),
            at: now(),
        },
    );
    update(&mut s, Action::Command(Command::Open));
    let parts = [
        CasePart::Alerts(Ok(alerts)),
        CasePart::Risk(Ok(Some(Box::new(risk)))),
        CasePart::Reviewers(Ok(Some(reviewers))),
    ];
    for part in parts {
        update(
            &mut s,
            Action::CaseLoaded {
                token: "cas_1".into(),
                part: Box::new(part),
            },
        );
    }
    s.detail.as_mut().unwrap().tab = Tab::Alerts;
    s
}

fn two_open() -> State {
    opened(
        CaseStatus::InProgress,
        vec![
            alert("alt_1", AlertStatus::Open),
            alert("alt_2", AlertStatus::Open),
        ],
        assessment(AssessmentStatus::Active, RiskTier::Low),
        vec![],
    )
}

/// An outbox row written by this identity (or not), not landed.
fn row(id: i64, submission: Submission, mine: bool) -> OutboxRow {
    OutboxRow {
        id,
        title: "queued".into(),
        failed: false,
        attempts: 1,
        last_error: None,
        submission,
        mine,
        author: if mine { "Me" } else { "Lukas Brandt" }.into(),
        waits_for: None,
        case: Some("cas_1".into()),
    }
}

fn decline(token: &str) -> Submission {
    Submission::Resolve {
        tokens: vec![token.into()],
        action: ResolutionAction::Decline,
        rationale: "Different person.".into(),
        false_positive: false,
        conditions: None,
    }
}

#[test]
fn the_sender_starts_only_once_the_key_is_known_to_write() {
    // Offline with nothing cached: the key's own entries may go, the server judges them.
    let mut s = State::new("sandbox", now());
    assert_eq!(
        update(&mut s, Action::MeLoaded(None)),
        [Effect::StartSender]
    );

    // --read-only: nothing is ever sent, whatever waits.
    let mut s = State::new("sandbox", now());
    s.data.read_only = true;
    let me = user("usr_me", "Me", "analyst");
    assert!(update(&mut s, Action::MeLoaded(Some(me))).is_empty());

    // A key the API says cannot write: read-only, with the reason, and no sender.
    let mut s = two_open();
    let mut auditor = user("usr_ines", "Ines Auditor", "auditor");
    auditor.can_write = false;
    assert!(update(&mut s, Action::MeLoaded(Some(auditor))).is_empty());
    assert!(s.data.read_only);
    let why = s.data.read_only_why.clone().unwrap();
    assert!(
        why.contains("auditor") && why.contains("cannot write"),
        "{why}"
    );
    key(&mut s, KeyCode::Char('a'));
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().contains("cannot write"));
    // Nor from the outbox view.
    update(
        &mut s,
        Action::OutboxEntries(vec![row(4, decline("alt_1"), true)]),
    );
    s.ui.mode = Mode::Outbox;
    assert!(key(&mut s, KeyCode::Char('s')).is_empty());
    assert!(key(&mut s, KeyCode::Char('e')).is_empty() && s.flow.is_none());
}

#[test]
fn a_drawer_open_when_read_only_is_learnt_keeps_the_text_and_sends_nothing() {
    let mut s = two_open();
    key(&mut s, KeyCode::Char('x'));
    typed(&mut s, "Different DOB.");
    ctrl(&mut s, 's');
    let mut auditor = user("usr_me", "Me", "auditor");
    auditor.can_write = false;
    update(&mut s, Action::MeLoaded(Some(auditor)));
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(matches!(step(&s), Step::Failed(ProviderError::Invalid(m)) if m.contains("Read-only")));
    assert_eq!(s.flow.as_ref().unwrap().body(), "Different DOB.");
}

#[test]
fn a_second_review_of_a_target_still_waiting_asks_first() {
    let approve = |s: &mut State| {
        key(s, KeyCode::Char('a'));
        typed(s, "Cleared after call.");
        ctrl(s, 's');
        key(s, KeyCode::Enter)
    };
    // A decline of alt_1 waits in the outbox (written offline).
    let mut s = two_open();
    update(
        &mut s,
        Action::OutboxEntries(vec![row(12, decline("alt_1"), true)]),
    );
    assert!(approve(&mut s).is_empty(), "nothing written yet");
    let Step::Behind(earlier) = step(&s).clone() else {
        panic!("{:?}", step(&s))
    };
    assert_eq!(
        earlier,
        [(
            12,
            "a Decline of this alert is still waiting to be sent".into()
        )]
    );
    // Queue behind it: written, sent after the decline.
    let effects = key(&mut s, KeyCode::Char('q'));
    assert!(
        matches!(&effects[..], [Effect::Submit { replace, .. }] if replace.is_empty()),
        "{effects:?}"
    );

    // Or replace it: the decline is discarded first.
    let mut s = two_open();
    update(
        &mut s,
        Action::OutboxEntries(vec![row(12, decline("alt_1"), true)]),
    );
    approve(&mut s);
    let effects = key(&mut s, KeyCode::Char('r'));
    assert!(
        matches!(&effects[..], [Effect::Submit { replace, submission: Submission::Resolve { action: ResolutionAction::Approve, .. }, .. }] if replace == &[12]),
        "{effects:?}"
    );

    // Or go back: the text is kept.
    let mut s = two_open();
    update(
        &mut s,
        Action::OutboxEntries(vec![row(12, decline("alt_1"), true)]),
    );
    approve(&mut s);
    key(&mut s, KeyCode::Esc);
    assert_eq!(*step(&s), Step::Edit);
    assert_eq!(s.flow.as_ref().unwrap().body(), "Cleared after call.");

    // A comment waiting on the case does not make a decision ask, nor a comment on it.
    let mut s = two_open();
    let note = Submission::Comment {
        mentions: vec![],
        case: "cas_1".into(),
        body: "Called the client.".into(),
    };
    update(&mut s, Action::OutboxEntries(vec![row(11, note, true)]));
    s.detail.as_mut().unwrap().tab = Tab::Summary;
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "Second note.");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Submit { .. }]),
        "{effects:?}"
    );

    // Another author's entry, or one on another alert, does not ask.
    let mut s = two_open();
    update(
        &mut s,
        Action::OutboxEntries(vec![
            row(12, decline("alt_1"), false),
            row(13, decline("alt_2"), true),
        ]),
    );
    let effects = approve(&mut s);
    assert!(
        matches!(&effects[..], [Effect::Submit { .. }]),
        "{effects:?}"
    );
}

#[test]
fn pending_work_is_marked_on_the_queue_row_the_alert_and_the_header_until_it_lands() {
    use ratatui::{Terminal, backend::TestBackend};
    let draw = |s: &State| {
        let mut t = Terminal::new(TestBackend::new(120, 30)).unwrap();
        t.draw(|f| docket::ui::view(s, &docket::ui::Theme::monochrome(), f))
            .unwrap();
        let b = t.backend().buffer().clone();
        (0..b.area.height)
            .map(|y| {
                (0..b.area.width)
                    .map(|x| b[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut s = two_open();
    assert!(!draw(&s).contains('⟳'));
    update(
        &mut s,
        Action::OutboxEntries(vec![
            row(12, decline("alt_1"), true),
            row(14, decline("alt_2"), false),
        ]),
    );
    assert!(s.case_pending("cas_1") && s.alert_pending("alt_1"));
    assert!(!s.alert_pending("alt_2"), "another author's is not ours");
    let screen = draw(&s);
    assert!(screen.contains("⟳ review pending"), "{screen}");
    assert!(screen.contains("⟳ In Prog"), "{screen}");
    assert!(screen.contains("⟳ Open"), "{screen}");
    // Refused and waiting for the analyst: marked differently, and said in the header.
    let mut refused = row(12, decline("alt_1"), true);
    refused.failed = true;
    update(&mut s, Action::OutboxEntries(vec![refused]));
    let screen = draw(&s);
    assert!(screen.contains("✖ review refused (Ctrl-O)"), "{screen}");
    assert!(screen.contains("✖ Open"), "{screen}");
    update(&mut s, Action::OutboxEntries(vec![]));
    assert!(!draw(&s).contains('⟳'));
}

#[test]
fn own_changes_are_not_conflicts_but_others_are() {
    let before = Seen {
        read_at_ms: 0,
        version: Some(3),
        updated_at: None,
        status: "In Progress".into(),
        assignee: None,
        open_alerts: Some(5),
        risk_tier: Some("Low".into()),
    };
    // I declined two alerts and moved the case to In Review.
    let mine = vec![
        Submission::Resolve {
            tokens: vec!["alt_1".into(), "alt_2".into()],
            action: ResolutionAction::Decline,
            rationale: "x".into(),
            false_positive: false,
            conditions: None,
        },
        Submission::Status {
            case: "cas_1".into(),
            to: CaseStatus::InReview,
        },
    ];
    let mut now = before.clone();
    now.version = Some(6);
    now.open_alerts = Some(3);
    now.status = "In Review".into();
    assert!(before.changes(&now).len() == 2, "the old check warned");
    assert!(before.changes_by_others(&now, &mine).is_empty());
    // Settling alerts rescored the case in the same request: its tier moved with them.
    let mut rescored = now.clone();
    rescored.risk_tier = Some("Medium".into());
    assert!(before.changes_by_others(&rescored, &mine).is_empty());

    // Someone else assigned it, and settled one more alert: both said.
    now.assignee = Some("usr_lukas".into());
    now.open_alerts = Some(2);
    assert_eq!(
        before.changes_by_others(&now, &mine),
        ["assignee: — → usr_lukas", "open alerts: 5 → 2"]
    );
    // Someone else changed the status to something I did not.
    let mut other = before.clone();
    other.status = "Escalated".into();
    assert_eq!(
        before.changes_by_others(&other, &mine),
        ["status: In Review → Escalated"],
        "said against what the analyst expects after their own change"
    );
}

#[test]
fn the_close_drawer_judges_what_it_reads_again() {
    // As last polled: a High-risk case with no approval yet.
    let mut s = opened(
        CaseStatus::InProgress,
        vec![alert("alt_1", AlertStatus::Resolved)],
        assessment(AssessmentStatus::Approved, RiskTier::High),
        vec![reviewer(ReviewerStatus::Invited)],
    );
    s.detail.as_mut().unwrap().tab = Tab::Summary;
    let effects = key(&mut s, KeyCode::Char('C'));
    let [Effect::Recheck { request, case }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(s.flow.is_none(), "nothing judged before the read");
    // Meanwhile the approver approved: the fresh read says so, and the drawer opens.
    // The approval moved the case's version: the record read with it is the drawer's copy,
    // so the approval is not later called a change by someone else.
    let mut record = case_record(CaseStatus::InProgress);
    record.version = Some(9);
    update(
        &mut s,
        Action::Rechecked {
            request: *request,
            case: case.clone(),
            record: Some(Box::new(record)),
            parts: vec![
                CasePart::Alerts(Ok(vec![alert("alt_1", AlertStatus::Resolved)])),
                CasePart::Risk(Ok(Some(Box::new(assessment(
                    AssessmentStatus::Approved,
                    RiskTier::High,
                ))))),
                CasePart::Reviewers(Ok(Some(vec![reviewer(ReviewerStatus::Approved)]))),
            ],
            at: now(),
        },
    );
    assert_eq!(
        *step(&s),
        Step::Pick,
        "{:?}",
        s.flow.as_ref().map(|f| &f.step)
    );
    assert_eq!(
        s.flow.as_ref().unwrap().seen.as_ref().unwrap().version,
        Some(9)
    );
    let checked = s.flow.as_ref().unwrap().checked.clone().unwrap();
    assert!(
        checked.starts_with("Read just now") && checked.contains("approved by Sofia Approver"),
        "{checked}"
    );

    // When the read fails, it says so and judges what was loaded.
    let mut s = opened(
        CaseStatus::InProgress,
        vec![alert("alt_1", AlertStatus::Resolved)],
        assessment(AssessmentStatus::Approved, RiskTier::High),
        vec![reviewer(ReviewerStatus::Invited)],
    );
    let effects = key(&mut s, KeyCode::Char('C'));
    let [Effect::Recheck { request, case }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let offline = ProviderError::Transport {
        endpoint: "GET /v1/cases/cas_1/reviewers".into(),
        message: "connection refused".into(),
    };
    update(
        &mut s,
        Action::Rechecked {
            request: *request,
            case: case.clone(),
            record: None,
            parts: vec![CasePart::Reviewers(Err(offline))],
            at: now(),
        },
    );
    assert!(
        matches!(step(&s), Step::Blocked(b) if b.iter().any(|r| r.contains("Approver other than you")))
    );
    assert!(
        s.flow
            .as_ref()
            .unwrap()
            .checked
            .as_deref()
            .unwrap()
            .starts_with("Could not read the case again"),
    );
}

#[test]
fn a_refused_key_stops_and_points_to_doctor() {
    let mut s = State::new("prod", now());
    let refused = ProviderError::Api {
        status: 401,
        code: "UNAUTHORIZED".into(),
        message: "Invalid API key".into(),
        request_id: Some("req_1".into()),
        retry_after: None,
    };
    update(&mut s, Action::QueueFailed(refused));
    assert!(s.data.key_refused.is_some());
    assert!(s.ui.flash.as_deref().unwrap().contains("docket doctor"));
    assert!(matches!(s.data.connection, Connection::Failed(ref e) if e.is_key_refused()));
    // Nothing is sent either.
    let me = user("usr_me", "Me", "analyst");
    assert!(update(&mut s, Action::MeLoaded(Some(me))).is_empty());
    // And the outbox reaching the API does not restart polling with it.
    assert!(update(&mut s, Action::ApiAnswered).is_empty());
}

#[test]
fn the_api_answering_the_outbox_ends_offline_at_once() {
    let mut s = two_open();
    update(
        &mut s,
        Action::QueueFailed(ProviderError::Transport {
            endpoint: "GET /v1/cases".into(),
            message: "connection refused".into(),
        }),
    );
    update(&mut s, Action::RetryScheduled { secs: 27 });
    assert_eq!(update(&mut s, Action::ApiAnswered), [Effect::LoadQueue]);
    assert_eq!(s.data.connection, Connection::Connecting);
    assert!(s.data.retry_at.is_none());
}

#[test]
fn a_landed_review_refreshes_its_queue_row_at_once() {
    let mut s = two_open();
    let mut fresh = case(CaseStatus::InReview);
    fresh.open_alerts = Some(0);
    // The open case reloads too.
    assert_eq!(
        update(&mut s, Action::CaseRefreshed(Box::new(fresh))),
        [Effect::LoadCase("cas_1".into())]
    );
    let row = s.queue.get("cas_1").unwrap();
    assert_eq!(row.status.as_str(), "In Review");
    assert_eq!(row.open_alerts, Some(0));
    assert_eq!(s.queue.selected.as_deref(), Some("cas_1"), "selection kept");
}

#[test]
fn parts_a_vendor_cannot_read_say_so_instead_of_loading() {
    use docket::provider::{Capabilities, Vendor};
    let mut caps = Capabilities::none(Vendor::Persona);
    caps.timeline = true;
    let d = docket::app::state::Detail::for_caps("inq_1".into(), &caps);
    assert_eq!(d.timeline, Loadable::Loading);
    assert_eq!(
        d.comments,
        Loadable::Unavailable("Persona's API has no comments.".into())
    );
    assert_eq!(d.reviewers, Loadable::Ready(None), "no reviewers: left out");
}

#[test]
fn a_late_draft_save_of_a_sent_text_does_not_come_back_in_the_next_drawer() {
    // Found when five comments were written offline one after another: the debounced save of
    // the first comment's text arrived after it was in the outbox, and the second drawer
    // opened with it (the server then got "note 1note 2").
    let mut s = two_open();
    s.detail.as_mut().unwrap().tab = Tab::Summary;
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "Outage note 1 of 5.");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    let draft_key = s.flow.as_ref().unwrap().draft_key();
    update(&mut s, Action::Enqueued { flow, entry: 1 });
    key(&mut s, KeyCode::Esc);
    // The save that raced the submission arrives now.
    let effects = update(
        &mut s,
        Action::DraftSaved {
            key: draft_key.clone(),
            text: "Outage note 1 of 5.".into(),
            conditions: String::new(),
        },
    );
    assert_eq!(
        effects,
        [Effect::DeleteDraftIf {
            key: draft_key,
            text: "Outage note 1 of 5.".into()
        }],
        "the stale save is taken back on disk too"
    );
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(
        s.flow.as_ref().unwrap().body(),
        "",
        "the next comment starts empty"
    );
}
