//! Reading a case in full: an alert or an entity opened full height and scrolled, the Activity
//! tab in full with people by name, and messages that name people rather than ids.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::reading;
use docket::app::state::{Focus, Loadable, Reading, Tab};
use docket::app::update::{CasePart, Command};
use docket::app::{Action, State, update};
use docket::domain::model::{Alert, AuditEntry, Comment, Entity, UserRef};
use docket::domain::{AlertStatus, CaseStatus, EntityRole, ResolutionAction, Wire};
use jiff::Timestamp;

use common::records::{self, NOW};

fn key(s: &mut State, code: KeyCode) {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn cmd(s: &mut State, c: Command) {
    update(s, Action::Command(c));
}

/// A long AI assessment: 60 numbered lines, so the last one is far below the first screen.
fn long_assessment() -> String {
    (1..=60)
        .map(|n| format!("Finding {n}: the name matches a listed person."))
        .collect::<Vec<_>>()
        .join("\n")
}

fn open_case(parts: Vec<CasePart>) -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(&mut s, Action::Resize(80, 24));
    update(
        &mut s,
        Action::UsersLoaded(vec![
            records::user("usr_amara", "Amara Okafor", "analyst"),
            records::user("usr_lukas", "Lukas Brandt", "analyst"),
            records::user("usr_sofia", "Sofia Rossi", "approver"),
        ]),
    );
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![records::case(CaseStatus::InProgress)]).into(),
            at: now,
        },
    );
    cmd(&mut s, Command::Open);
    for part in parts {
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

fn alerts() -> Vec<Alert> {
    let mut open = records::alert("alt_open", AlertStatus::Open);
    open.ai_assessment = Some(long_assessment());
    open.source_data =
        Some(serde_json::json!({ "list": "OFAC SDN", "aliases": ["A. One", "A. Two"] }));
    let mut doc = records::alert("alt_doc", AlertStatus::Open);
    doc.resolution_action = Some(Wire::Known(ResolutionAction::RequestDocument));
    doc.resolution_rationale = Some("Need the passport.".into());
    let mut approved = records::alert("alt_ok", AlertStatus::Resolved);
    approved.resolution_action = Some(Wire::Known(ResolutionAction::ApproveWithConditions));
    approved.resolution_rationale = Some("Low exposure.\nReviewed twice.".into());
    approved.conditions = Some("Annual review.".into());
    approved.resolved_by = Some(UserRef {
        id: "usr_sofia".into(),
        name: None,
    });
    approved.resolved_at = Timestamp::from_second(NOW - 3600).ok();
    vec![open, doc, approved]
}

fn in_alerts() -> State {
    let mut s = open_case(vec![CasePart::Alerts(Ok(alerts()))]);
    s.detail.as_mut().unwrap().tab = Tab::Alerts;
    s
}

fn reading(s: &State) -> Option<&Reading> {
    s.detail.as_ref().unwrap().reading.as_ref()
}

fn page_text(s: &State) -> String {
    let d = s.detail.as_ref().unwrap();
    reading::page(s, d)
        .expect("a page is open")
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn enter_on_an_alert_opens_it_full_height_and_esc_goes_back() {
    let mut s = in_alerts();
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        reading(&s),
        Some(&Reading::Alert {
            token: "alt_open".into(),
            scroll: 0
        })
    );
    let text = page_text(&s);
    assert!(
        text.contains("Finding 1:") && text.contains("Finding 60:"),
        "{text}"
    );
    assert!(
        text.contains("list: OFAC SDN") && text.contains("- A. Two"),
        "{text}"
    );
    assert!(text.contains("Decision: none yet"), "{text}");
    key(&mut s, KeyCode::Esc);
    assert_eq!(reading(&s), None);
    assert_eq!(
        s.ui.focus,
        Focus::Detail,
        "back to the list, not to the queue"
    );
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Alerts);
}

#[test]
fn a_full_alert_scrolls_to_its_end_and_no_further() {
    let mut s = in_alerts();
    key(&mut s, KeyCode::Enter);
    let max = reading::max_scroll(&s);
    assert!(max > 40, "60 lines of assessment do not fit 24 rows: {max}");
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(reading(&s).unwrap().scroll(), 1);
    key(&mut s, KeyCode::PageDown);
    assert_eq!(
        reading(&s).unwrap().scroll(),
        1 + 19,
        "a page is the rows less one"
    );
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(reading(&s).unwrap().scroll(), max);
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(
        reading(&s).unwrap().scroll(),
        max,
        "no scrolling past the end"
    );
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(
        reading(&s).unwrap().scroll(),
        max - 1,
        "one key back is one line back"
    );
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::Char('g'));
    assert_eq!(reading(&s).unwrap().scroll(), 0);
    // A wider terminal wraps less: the end comes sooner.
    update(&mut s, Action::Resize(160, 48));
    assert!(reading::max_scroll(&s) < max);
}

#[test]
fn a_settled_alert_says_what_was_decided_why_by_whom_and_when() {
    let mut s = in_alerts();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    let text = page_text(&s);
    assert!(text.contains("Decision: With conditions"), "{text}");
    assert!(
        text.contains("Action          Approve with Conditions"),
        "{text}"
    );
    assert!(text.contains("Low exposure.\n  Reviewed twice."), "{text}");
    assert!(text.contains("Annual review."), "{text}");
    assert!(
        text.contains("By              Sofia Rossi"),
        "by name: {text}"
    );
    assert!(
        text.contains("At              2027-01-15 07:00 UTC"),
        "{text}"
    );
}

#[test]
fn a_requested_document_reads_so_with_who_asked_from_the_timeline() {
    let mut s = in_alerts();
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_1".into(),
            part: Box::new(CasePart::Timeline(Ok(vec![AuditEntry {
                token: "aud_9".into(),
                event_type: "ALERT_DOCUMENT_REQUESTED".into(),
                severity: None,
                actor: Some(UserRef {
                    id: "usr_lukas".into(),
                    name: None,
                }),
                target_type: Some("alert".into()),
                target_token: Some("alt_doc".into()),
                details: None,
                request_id: None,
                at: Timestamp::from_second(NOW - 600).ok(),
            }]))),
        },
    );
    let d = s.detail.as_ref().unwrap();
    let Loadable::Ready(list) = &d.alerts else {
        panic!()
    };
    let doc = list.iter().find(|a| a.token == "alt_doc").unwrap();
    assert_eq!(reading::alert_state(doc), "Document requested");
    assert_eq!(doc.outcome(), Some("Document requested"));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    let text = page_text(&s);
    assert!(
        text.contains("Decision: Document requested (still open)"),
        "{text}"
    );
    assert!(text.contains("By              Lukas Brandt"), "{text}");
    assert!(text.contains("(from the case timeline)"), "{text}");
}

#[test]
fn each_outcome_has_its_word() {
    let with = |status, action: Option<ResolutionAction>, fp| {
        let mut a = records::alert("a", status);
        a.resolution_action = action.map(Wire::Known);
        a.is_false_positive = fp;
        a.outcome()
    };
    use AlertStatus::*;
    use ResolutionAction as R;
    assert_eq!(with(Resolved, Some(R::Approve), false), Some("Approved"));
    assert_eq!(with(Resolved, Some(R::Decline), false), Some("Declined"));
    assert_eq!(with(Escalated, Some(R::Escalate), false), Some("Escalated"));
    assert_eq!(with(Escalated, None, false), Some("Escalated"));
    assert_eq!(
        with(FalsePositive, Some(R::Approve), true),
        Some("False positive")
    );
    assert_eq!(with(FalsePositive, None, false), Some("False positive"));
    assert_eq!(with(Open, None, false), None);
    assert_eq!(with(Acknowledged, None, false), None);
}

#[test]
fn an_action_while_reading_acts_on_the_alert_read() {
    let mut s = in_alerts();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('a'));
    let f = s.flow.as_ref().expect("the approve drawer opens");
    assert!(f.title().contains("alt_doc") || format!("{f:?}").contains("alt_doc"));
}

fn entities() -> Vec<Entity> {
    let mut p = records::entity(
        "ent_p",
        "Nordlicht Logistik GmbH",
        true,
        EntityRole::Primary,
    );
    p.registration_number = Some("HRB 12345".into());
    let mut h = records::entity("ent_h", "Reef Holdings Ltd", true, EntityRole::Shareholder);
    h.parent_token = Some("ent_p".into());
    h.ownership_percentage = Some(60.0);
    let mut u = records::entity("ent_u", "Ava McAllister", false, EntityRole::Ubo);
    u.parent_token = Some("ent_h".into());
    u.ownership_percentage = Some(100.0);
    u.date_of_birth = Some("1971-04-02".into());
    u.nationality = Some("IE".into());
    u.address = Some("12 Harbour Rd, Cork T12 1AB, IE".into());
    vec![p, u, h]
}

#[test]
fn the_ownership_tree_has_a_cursor_and_enter_reads_the_entity() {
    let mut alert = records::alert("alt_u", AlertStatus::Open);
    alert.entity_token = Some("ent_u".into());
    alert.category = Some("PEP Match".into());
    let check = docket::domain::model::Check {
        token: "chk_1".into(),
        entity_name: Some("Ava McAllister".into()),
        name: "PEP and sanctions screening".into(),
        type_code: None,
        category: None,
        status: Wire::Known(docket::domain::CheckStatus::Complete),
        result: None,
        provider: Some("WorldCheck".into()),
        completed_at: None,
    };
    let mut s = open_case(vec![
        CasePart::Entities(Ok(entities())),
        CasePart::Alerts(Ok(vec![
            alert,
            records::alert("alt_other", AlertStatus::Open),
        ])),
        CasePart::Checks(Ok(vec![check])),
    ]);
    s.detail.as_mut().unwrap().tab = Tab::Entities;
    // Tree order: the Primary, its shareholder, the UBO under it.
    let d = s.detail.as_ref().unwrap();
    assert_eq!(reading::current_entity(d).unwrap().token, "ent_p");
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    let d = s.detail.as_ref().unwrap();
    assert_eq!(d.entity_row, 2, "the cursor stops at the last entity");
    assert_eq!(reading::current_entity(d).unwrap().token, "ent_u");
    key(&mut s, KeyCode::Enter);
    let text = page_text(&s);
    for want in [
        "Date of birth   1971-04-02",
        "Nationality     IE",
        "Address         12 Harbour Rd, Cork T12 1AB, IE",
        "Ownership path  Nordlicht Logistik GmbH → Reef Holdings Ltd (60%) → Ava McAllister (100%)",
        "Alerts (1)",
        "Open · PEP Match · match 80%",
        "Checks (1)",
        "PEP and sanctions screening · Complete · WorldCheck",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    key(&mut s, KeyCode::Esc);
    assert_eq!(reading(&s), None);
    assert_eq!(s.detail.as_ref().unwrap().entity_row, 2, "the cursor stays");
}

#[test]
fn activity_shows_comments_whole_assignments_from_and_to_and_people_by_name() {
    let body = (1..=30)
        .map(|n| format!("line {n} of the note"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut s = open_case(vec![
        CasePart::Comments(Ok(vec![Comment {
            token: "cmt_1".into(),
            author: Some(UserRef {
                id: "usr_lukas".into(),
                name: None,
            }),
            comment_type: None,
            body,
            at: Timestamp::from_second(NOW - 60).ok(),
        }])),
        CasePart::Timeline(Ok(vec![AuditEntry {
            token: "aud_1".into(),
            event_type: "CASE_ASSIGNMENT".into(),
            severity: None,
            actor: Some(UserRef {
                id: "usr_amara".into(),
                name: None,
            }),
            target_type: Some("case".into()),
            target_token: Some("cas_1".into()),
            details: Some(serde_json::json!({
                "before": { "assigned_to": "usr_amara" },
                "after": { "assigned_to": "usr_lukas" }
            })),
            request_id: None,
            at: Timestamp::from_second(NOW - 7200).ok(),
        }])),
    ]);
    s.detail.as_mut().unwrap().tab = Tab::Activity;
    let d = s.detail.as_ref().unwrap();
    let text: String = reading::activity(&s, d)
        .unwrap()
        .lines
        .into_iter()
        .map(|l| l.text + "\n")
        .collect();
    assert!(
        text.contains("line 1 of the note") && text.contains("line 30 of the note"),
        "{text}"
    );
    assert!(text.contains("Lukas Brandt · Comment"), "{text}");
    assert!(
        text.contains("Amara Okafor · CASE_ASSIGNMENT: Amara Okafor → Lukas Brandt"),
        "{text}"
    );
    assert!(!text.contains("usr_"), "{text}");
    // Longer than the pane: j scrolls, within bounds.
    let max = reading::max_scroll(&s);
    assert!(max > 0);
    for _ in 0..40 {
        key(&mut s, KeyCode::Char('j'));
    }
    assert_eq!(s.detail.as_ref().unwrap().activity_scroll, max);
}

#[test]
fn messages_name_people_the_console_knows() {
    let s = open_case(vec![]);
    assert_eq!(
        s.with_names("CAS-000001 assigned to usr_lukas"),
        "CAS-000001 assigned to Lukas Brandt"
    );
    assert_eq!(
        s.with_names("usr_unknown kept; usr_sofia named."),
        "usr_unknown kept; Sofia Rossi named."
    );
}

#[test]
fn help_puts_the_keys_of_here_first_scrolls_and_ends_with_the_legend() {
    use docket::app::help;
    use docket::app::state::Mode;
    let mut s = in_alerts();
    key(&mut s, KeyCode::Char('?'));
    assert_eq!(s.ui.mode, Mode::Help);
    use help::HelpLine;
    let lines = help::lines(&s);
    assert_eq!(
        lines[0],
        HelpLine::Heading("Here: Queue, case, alerts and reading".into())
    );
    assert!(lines.contains(&HelpLine::Heading("Symbols".into())));
    let keys: Vec<&str> = lines
        .iter()
        .filter_map(|l| match l {
            HelpLine::Row(k, _) => Some(k.as_str()),
            _ => None,
        })
        .collect();
    for symbol in ["✖", "▲", "△", "⏸", "●", "◉", "▶", "⟳", "…"] {
        assert!(keys.contains(&symbol), "{symbol} in the legend");
    }
    // Editor keys are listed too.
    assert!(
        keys.iter()
            .any(|k| k.contains("ctrl-t") && k.contains("ctrl-x"))
    );
    // j scrolls (within bounds) instead of closing; another key closes.
    let max = help::max_scroll(&s);
    assert!(max > 0, "help is longer than 24 rows");
    for _ in 0..200 {
        key(&mut s, KeyCode::Char('j'));
    }
    assert_eq!((s.ui.mode, s.ui.help_scroll), (Mode::Help, max));
    key(&mut s, KeyCode::Char('z'));
    assert_eq!(s.ui.mode, Mode::Normal);
    assert!(!s.ui.should_quit);
}

#[test]
fn f1_opens_help_over_a_drawer_with_the_editor_keys_first() {
    use docket::app::help;
    use docket::app::state::Mode;
    let mut s = in_alerts();
    key(&mut s, KeyCode::Char('a'));
    assert!(s.flow.is_some());
    // `?` is text in the editor; F1 is help.
    key(&mut s, KeyCode::F(1));
    assert_eq!(s.ui.mode, Mode::Help);
    let lines = help::lines(&s);
    assert_eq!(
        lines[0],
        help::HelpLine::Heading("Here: Drawer: editor and form fields".into())
    );
    assert!(
        matches!(&lines[1], help::HelpLine::Row(k, _) if k.contains("ctrl-s")),
        "{:?}",
        lines[1]
    );
    // A key closes help and goes nowhere else: the drawer is still open, nothing typed.
    key(&mut s, KeyCode::Char('q'));
    assert_eq!(s.ui.mode, Mode::Normal);
    assert!(s.flow.is_some() && !s.ui.should_quit);
    assert_eq!(s.flow.as_ref().unwrap().body(), "");
}

#[test]
fn a_landed_review_and_outbox_news_name_people_not_ids() {
    let mut s = in_alerts();
    key(&mut s, KeyCode::Char('a'));
    let id = s.flow.as_ref().unwrap().id;
    update(
        &mut s,
        Action::Submitted {
            flow: id,
            result: Ok("CAS-000001 assigned to usr_lukas".into()),
        },
    );
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("✓ CAS-000001 assigned to Lukas Brandt")
    );
    update(
        &mut s,
        Action::OutboxNews("Entry 4 landed: assigned to usr_sofia".into()),
    );
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("Entry 4 landed: assigned to Sofia Rossi")
    );
}
