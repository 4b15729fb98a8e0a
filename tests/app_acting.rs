//! Acting on a case in the reducer: assign to me and unassign in one key, asking first on
//! someone else's case, mentions in a comment, waiving a check, recalculating the risk.

mod common;

use common::records::{NOW, alert, assessment, case, check, user};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::flow::{FlowKind, Step, Submission};
use docket::app::state::Tab;
use docket::app::update::{CasePart, Command};
use docket::app::{Action, Effect, State, update};
use docket::domain::model::{Case, UserRef};
use docket::domain::{
    AlertStatus, AssessmentStatus, CaseStatus, CheckStatus, RiskTier, WaiveReason,
};
use jiff::Timestamp;

/// The case open on its summary, assigned to `owner`, as `usr_me`, with users to mention.
fn opened(owner: Option<&str>) -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(
        &mut s,
        Action::MeLoaded(Some(user("usr_me", "Mei Tanaka", "analyst"))),
    );
    update(
        &mut s,
        Action::UsersLoaded(vec![
            user("usr_me", "Mei Tanaka", "analyst"),
            user("usr_lukas", "Lukas Brandt", "analyst"),
            user("usr_sofia", "Sofía Hernández", "approver"),
        ]),
    );
    let c = Case {
        assigned_to: owner.map(|id| UserRef {
            id: id.into(),
            name: (id == "usr_lukas").then(|| "Lukas Brandt".into()),
        }),
        ..case(CaseStatus::InProgress)
    };
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![c]).into(),
            at: now,
        },
    );
    update(&mut s, Action::Command(Command::Open));
    for part in [
        CasePart::Alerts(Ok(vec![alert("alt_1", AlertStatus::Open)])),
        CasePart::Risk(Ok(Some(Box::new(assessment(
            AssessmentStatus::Active,
            RiskTier::Low,
        ))))),
        CasePart::Reviewers(Ok(Some(vec![]))),
        CasePart::Checks(Ok(vec![
            check(
                "chk_1",
                "Document check",
                "Ava McAllister",
                CheckStatus::Pending,
            ),
            check(
                "chk_2",
                "Sanctions screening",
                "Ava McAllister",
                CheckStatus::Complete,
            ),
            check(
                "chk_3",
                "Proof of address",
                "Nordlicht Logistik GmbH",
                CheckStatus::AwaitingDocument,
            ),
        ])),
    ] {
        update(
            &mut s,
            Action::CaseLoaded {
                token: "cas_1".into(),
                part: Box::new(part),
            },
        );
    }
    s
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    common::reducer::step(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    common::reducer::step(
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

fn submitted(effects: &[Effect]) -> Option<&Submission> {
    effects.iter().find_map(|e| match e {
        Effect::Submit { submission, .. } => Some(submission),
        _ => None,
    })
}

#[test]
fn m_assigns_to_me_in_one_key_and_u_unassigns() {
    let mut s = opened(None);
    let effects = key(&mut s, KeyCode::Char('m'));
    match effects.as_slice() {
        [
            Effect::Submit {
                submission: Submission::Assign { case, user },
                expect: Some(_),
                ..
            },
        ] => assert_eq!((case.as_str(), user.as_deref()), ("cas_1", Some("usr_me"))),
        other => panic!("m did not send at once: {other:?}"),
    }
    assert_eq!(*step(&s), Step::Submitting);

    // Already mine: said, nothing sent.
    let mut s = opened(Some("usr_me"));
    assert!(key(&mut s, KeyCode::Char('m')).is_empty());
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("CAS-000001 is already assigned to you.")
    );
    // Unassign: one key too.
    let effects = key(&mut s, KeyCode::Char('U'));
    assert!(
        matches!(
            submitted(&effects),
            Some(Submission::Assign { user: None, .. })
        ),
        "{effects:?}"
    );
    assert_eq!(s.flow.as_ref().unwrap().title(), "Unassign CAS-000001");

    let mut s = opened(None);
    assert!(key(&mut s, KeyCode::Char('U')).is_empty());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("CAS-000001 is not assigned to anyone.")
    );
}

#[test]
fn acting_on_someone_elses_case_asks_first() {
    let mut s = opened(Some("usr_lukas"));
    // Taking it: asked, by name.
    assert!(key(&mut s, KeyCode::Char('m')).is_empty());
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("Lukas Brandt's case. Act on it? (y/n)")
    );
    // Any other key: nothing happens, and the key does nothing else.
    assert!(key(&mut s, KeyCode::Char('q')).is_empty());
    assert!(!s.ui.should_quit);
    assert!(s.flow.is_none());
    assert_eq!(s.ui.flash.as_deref(), Some("Left as it is."));
    // y: it goes on.
    key(&mut s, KeyCode::Char('m'));
    let effects = key(&mut s, KeyCode::Char('y'));
    assert!(
        matches!(submitted(&effects), Some(Submission::Assign { user: Some(u), .. }) if u == "usr_me"),
        "{effects:?}"
    );

    // A drawer asks the same, then opens.
    let mut s = opened(Some("usr_lukas"));
    key(&mut s, KeyCode::Char('E'));
    assert!(s.flow.is_none());
    key(&mut s, KeyCode::Char('y'));
    assert_eq!(s.flow.as_ref().unwrap().kind, FlowKind::EscalateCase);
    // Once said yes to, the case is not asked about again.
    key(&mut s, KeyCode::Esc);
    assert!(s.flow.is_none());
    key(&mut s, KeyCode::Char('s'));
    assert_eq!(s.flow.as_ref().unwrap().kind, FlowKind::ChangeStatus);

    // Commenting on it is what others' cases are for: never asked.
    let mut s = opened(Some("usr_lukas"));
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(s.flow.as_ref().unwrap().kind, FlowKind::Comment);

    // Until the API has said who I am, my own case cannot be told from another's: no question.
    let mut s = opened(Some("usr_me"));
    s.data.me = None;
    key(&mut s, KeyCode::Char('E'));
    assert_eq!(s.flow.as_ref().unwrap().kind, FlowKind::EscalateCase);

    // Turned off in the config: no question.
    let mut s = opened(Some("usr_lukas"));
    s.settings.confirm_others = false;
    let effects = key(&mut s, KeyCode::Char('m'));
    assert!(submitted(&effects).is_some(), "{effects:?}");
}

#[test]
fn at_completes_a_name_and_the_comment_mentions_who_it_names() {
    let mut s = opened(None);
    key(&mut s, KeyCode::Char('n'));
    typed(&mut s, "Please check this, @luk");
    let f = s.flow.as_ref().unwrap();
    assert_eq!(
        f.mention_candidates(),
        vec![("usr_lukas".to_string(), "Lukas Brandt".to_string())]
    );
    // Tab completes to the id the API takes.
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "and @so");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "(cc ops@usr_me.example)");
    let f = s.flow.as_ref().unwrap();
    assert_eq!(
        f.body(),
        "Please check this, @usr_lukas and @usr_sofia (cc ops@usr_me.example)"
    );
    ctrl(&mut s, 's');
    assert_eq!(*step(&s), Step::Confirm);
    assert!(
        s.flow
            .as_ref()
            .unwrap()
            .summary_lines()
            .contains(&"Mentions (notified): Lukas Brandt, Sofía Hernández".to_string())
    );
    let effects = key(&mut s, KeyCode::Enter);
    match submitted(&effects) {
        Some(Submission::Comment { mentions, .. }) => {
            // An e-mail address is not a mention; each person once.
            assert_eq!(mentions, &["usr_lukas", "usr_sofia"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_check_is_waived_with_a_reason_and_notes_when_the_reason_is_other() {
    let mut s = opened(None);
    s.detail.as_mut().unwrap().tab = Tab::Checks;
    key(&mut s, KeyCode::Char('W'));
    let f = s.flow.as_ref().unwrap();
    assert_eq!(*step(&s), Step::Pick);
    assert_eq!(f.pick_label, Some("Check to waive"));
    // Only what can be waived: Pending or Awaiting Document.
    let offered: Vec<&str> = f.choices.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(offered, ["chk_1", "chk_3"]);
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    let f = s.flow.as_ref().unwrap();
    assert_eq!(f.pick_label, Some("Reason"));
    assert_eq!(
        f.title(),
        "Waive Proof of address · Nordlicht Logistik GmbH on CAS-000001"
    );
    // Other needs notes.
    for _ in 0..3 {
        key(&mut s, KeyCode::Char('j'));
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(*step(&s), Step::Edit);
    ctrl(&mut s, 's');
    assert_eq!(
        s.flow.as_ref().unwrap().problem.as_deref(),
        Some("Notes are required when the reason is Other.")
    );
    typed(&mut s, "Utility bill seen at the branch");
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        submitted(&effects),
        Some(&Submission::WaiveCheck {
            case: "cas_1".into(),
            check: "chk_3".into(),
            reason: WaiveReason::Other,
            notes: Some("Utility bill seen at the branch".into()),
        })
    );
}

#[test]
fn one_waivable_check_goes_straight_to_the_reasons_and_notes_are_optional() {
    let mut s = opened(None);
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_1".into(),
            part: Box::new(CasePart::Checks(Ok(vec![check(
                "chk_1",
                "Document check",
                "Ava McAllister",
                CheckStatus::Pending,
            )]))),
        },
    );
    key(&mut s, KeyCode::Char('W'));
    assert_eq!(s.flow.as_ref().unwrap().pick_label, Some("Reason"));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        submitted(&effects),
        Some(Submission::WaiveCheck {
            reason: WaiveReason::AlreadyVerifiedExternally,
            notes: None,
            ..
        })
    ));

    // Nothing to waive: said.
    let flow = s.flow.as_ref().unwrap().id;
    update(
        &mut s,
        Action::Submitted {
            flow,
            result: Ok("Document check waived".into()),
        },
    );
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_1".into(),
            part: Box::new(CasePart::Checks(Ok(vec![]))),
        },
    );
    key(&mut s, KeyCode::Char('W'));
    assert!(s.flow.is_none());
    assert!(
        s.ui.flash
            .as_deref()
            .unwrap()
            .starts_with("No check on this case can be waived")
    );
}

#[test]
fn the_risk_assessment_is_recalculated_after_a_read_back() {
    let mut s = opened(None);
    ctrl(&mut s, 'r');
    assert_eq!(*step(&s), Step::Confirm);
    assert!(
        s.flow.as_ref().unwrap().summary_lines()[2].contains("supersedes the current one"),
        "{:?}",
        s.flow.as_ref().unwrap().summary_lines()
    );
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        submitted(&effects),
        Some(&Submission::RecalculateRisk {
            case: "cas_1".into()
        })
    );
    // Read-only: refused like every write.
    let mut s = opened(None);
    s.data.read_only = true;
    ctrl(&mut s, 'r');
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().starts_with("Read-only"));
}
