//! Every pane and state drawn into a TestBackend at 80x24 and 160x48, and a resize sweep.

mod common;

use docket::app::state::{Connection, Focus, Loadable, Mode, Tab};
use docket::app::update::CasePart;
use docket::app::{Action, State, update};
use docket::domain::model::{Alert, Case, User, UserRef};
use docket::domain::{
    AlertStatus, CaseStatus, CaseType, EntityType, Priority, RiskTier, SlaStatus, Wire,
};
use docket::provider::ProviderError;
use docket::ui::{Theme, view};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: i64 = 1_800_000_000;

fn t(offset_hours: i64) -> Option<Timestamp> {
    Timestamp::from_second(NOW + offset_hours * 3600).ok()
}

#[allow(clippy::too_many_arguments)]
fn case(
    n: u32,
    entity: &str,
    status: CaseStatus,
    hours: i64,
    sla: SlaStatus,
    tier: RiskTier,
    alerts: u32,
    assignee: Option<&str>,
) -> Case {
    Case {
        token: format!("cas_{n:04}"),
        name: format!("CAS-{n:06}"),
        case_type: Some(Wire::Known(if n.is_multiple_of(3) {
            CaseType::Review
        } else {
            CaseType::Onboarding
        })),
        status: Wire::Known(status),
        priority: Some(Wire::Known(if n.is_multiple_of(4) {
            Priority::Critical
        } else {
            Priority::Medium
        })),
        entity_category: Some(Wire::Known(EntityType::Company)),
        primary_entity: Some(entity.into()),
        primary_entity_token: Some(format!("ent_{n}")),
        assigned_to: assignee.map(|a| UserRef {
            id: a.into(),
            name: None,
        }),
        sla_deadline: t(hours),
        sla_status: Some(Wire::Known(sla)),
        sla_paused: false,
        open_alerts: Some(alerts),
        total_entities: Some(4),
        risk_tier: Some(Wire::Known(tier)),
        risk_score: Some(55.5),
        decision: None,
        summary: None,
        external_reference: Some(format!("CRM-DE-{n:07}")),
        created_at: t(-200),
        updated_at: t(-1),
        closed_at: None,
        awaiting_approval: Vec::new(),
        version: Some(3),
        source: None,
    }
}

fn cases() -> Vec<Case> {
    use CaseStatus::*;
    use RiskTier::*;
    use SlaStatus::*;
    let mut v = vec![
        case(
            1,
            "Nordlicht Logistik GmbH",
            InProgress,
            52,
            OnTrack,
            Low,
            0,
            Some("usr_amara"),
        ),
        case(
            2,
            "株式会社サクラ貿易",
            InReview,
            -3,
            Breached,
            High,
            4,
            Some("usr_lukas"),
        ),
        case(
            3,
            "Ipanema Comércio Ltda",
            New,
            20,
            Critical,
            Medium,
            2,
            None,
        ),
        case(
            4,
            "Øresund Shipping ApS",
            Escalated,
            70,
            Warning,
            High,
            1,
            Some("usr_mei"),
        ),
        case(
            5,
            "Evil\u{1b}[2J\u{1b}]52;c;SGk=\u{7}Corp\r\u{202e}gpj.exe",
            ClientInput,
            300,
            OnTrack,
            Low,
            0,
            None,
        ),
        case(
            6,
            "Al-Noor Trading FZE",
            InProgress,
            -49,
            Breached,
            Medium,
            3,
            Some("usr_amara"),
        ),
    ];
    v[4].sla_paused = true;
    v[4].status = Wire::Other("On Hold".into());
    v[1].summary = Some("Directors verified; one UBO sits behind a Cayman holding.\nAwaiting the register of members.".into());
    v
}

fn users() -> Vec<User> {
    [
        "usr_amara:Amara Okafor",
        "usr_lukas:Lukas Brandt",
        "usr_mei:Mei Tanaka",
    ]
    .iter()
    .map(|s| {
        let (id, name) = s.split_once(':').unwrap();
        User {
            id: id.into(),
            name: name.into(),
            email: None,
            role: Some("analyst".into()),
            can_write: true,
        }
    })
    .collect()
}

fn alerts() -> Vec<Alert> {
    let a = |tok: &str, cat: &str, status: AlertStatus, score: f64| Alert {
        token: tok.into(),
        case_token: Some("cas_0002".into()),
        entity_token: None,
        entity_name: Some("田中 健".into()),
        alert_type: None,
        category: Some(cat.into()),
        title: None,
        description: None,
        status: Wire::Known(status),
        priority: Some(Wire::Known(Priority::High)),
        priority_score: Some(210.0),
        match_score: Some(score),
        sla_deadline: t(5),
        sla_status: None,
        source_data: None,
        ai_assessment: None,
        resolution_action: None,
        resolution_rationale: None,
        conditions: None,
        is_false_positive: false,
        resolved_by: None,
        resolved_at: None,
        assigned_to: None,
        updated_at: None,
    };
    let mut hostile = a("alt_1", "Sanctions Hit", AlertStatus::Open, 91.0);
    hostile.title = Some("Hit on 田中 健\u{1b}[5A\u{9b}31m".into());
    hostile.ai_assessment = Some(format!(
        "Likely false positive.\r\u{1b}[2KConfirmed match!\n{}\nEnd of assessment.",
        (1..=30)
            .map(|n| format!(
                "Point {n}: the listed person's details were compared with the subject's."
            ))
            .collect::<Vec<_>>()
            .join("\n")
    ));
    hostile.source_data = Some(serde_json::json!({
        "url": "https://news.example/\u{1b}]52;c;SGk=\u{7}",
        "list": "OFAC SDN",
        "matched_names": ["Tanaka Ken", "Ken Tanaka"],
        "dob": { "listed": "1961", "subject": "1982-03-04" },
    }));
    let mut settled = a("alt_3", "Adverse Media", AlertStatus::FalsePositive, 64.0);
    settled.resolution_action = Some(Wire::Known(docket::domain::ResolutionAction::Approve));
    settled.is_false_positive = true;
    settled.resolution_rationale =
        Some("Different person: date of birth differs by 21 years.\nSource checked twice.".into());
    settled.resolved_by = Some(UserRef {
        id: "usr_mei".into(),
        name: None,
    });
    settled.resolved_at = t(-3);
    let mut doc = a("alt_4", "PEP Match", AlertStatus::Open, 70.0);
    doc.resolution_action = Some(Wire::Known(
        docket::domain::ResolutionAction::RequestDocument,
    ));
    doc.resolution_rationale = Some("Need the passport to compare dates of birth.".into());
    vec![
        hostile,
        a("alt_2", "PEP Match", AlertStatus::Acknowledged, 77.0),
        settled,
        doc,
    ]
}

fn loaded() -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(&mut s, Action::UsersLoaded(users()));
    update(&mut s, Action::MeLoaded(Some(users()[0].clone())));
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases().into(),
            at: Timestamp::from_second(NOW - 12).unwrap(),
        },
    );
    s
}

fn render(state: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view(state, &Theme::dark(), f)).unwrap();
    term
}

fn draw(state: &State, w: u16, h: u16) -> String {
    render(state, w, h).backend().to_string()
}

fn both(name: &str, state: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), draw(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), draw(state, 160, 48));
}

#[test]
fn loading() {
    both(
        "loading",
        &State::new("sandbox", Timestamp::from_second(NOW).unwrap()),
    );
}

#[test]
fn load_failed() {
    let mut s = State::new("prod", Timestamp::from_second(NOW).unwrap());
    s.data.connection = Connection::Failed(ProviderError::Api {
        status: 401,
        code: "UNAUTHORIZED".into(),
        message: "Invalid API key.".into(),
        request_id: Some("req_abc123".into()),
        retry_after: None,
    });
    both("load_failed", &s);
}

#[test]
fn queue() {
    let s = loaded();
    let screen = draw(&s, 80, 24);
    // Hostile text is shown, not obeyed.
    assert!(screen.contains("\\x1b[2J"), "{screen}");
    assert!(!screen.contains('\u{1b}'));
    both("queue", &s);
}

#[test]
fn queue_filtering() {
    let mut s = loaded();
    update(
        &mut s,
        Action::Command(docket::app::update::Command::StartFilter),
    );
    for c in "sakura".chars() {
        update(
            &mut s,
            Action::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    assert_eq!(s.ui.mode, Mode::Filter);
    both("queue_filtering", &s);
}

#[test]
fn detail_summary_and_alerts() {
    let mut s = loaded();
    update(&mut s, Action::Command(docket::app::update::Command::Down));
    update(&mut s, Action::Command(docket::app::update::Command::Open));
    assert_eq!(s.ui.focus, Focus::Detail);
    both("detail_loading", &s);
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_0002".into(),
            part: Box::new(CasePart::Alerts(Ok(alerts()))),
        },
    );
    both("detail_summary", &s);
    s.detail.as_mut().unwrap().tab = Tab::Alerts;
    both("detail_alerts", &s);
    s.detail.as_mut().unwrap().alerts = Loadable::Failed(ProviderError::Transport {
        endpoint: "GET /v1/alerts".into(),
        message: "cannot connect".into(),
    });
    both("detail_alerts_failed", &s);
}

fn detail_data(s: &mut State) {
    use docket::domain::model::{
        Assessment, AuditEntry, Check, Comment, Entity, Reviewer, RiskDimension, RiskFactor,
    };
    use docket::domain::{
        AssessmentStatus, CheckResult, CheckStatus, EntityRole, ReviewerStatus, VerificationStatus,
    };
    let ent = |t: &str,
               name: &str,
               role: EntityRole,
               pct: Option<f64>,
               parent: Option<&str>,
               v: VerificationStatus| Entity {
        token: t.into(),
        entity_type: None,
        name: name.into(),
        role: Some(Wire::Known(role)),
        ownership_percentage: pct,
        parent_token: parent.map(Into::into),
        country: Some("JP".into()),
        nationality: None,
        date_of_birth: None,
        address: None,
        registration_number: None,
        verification_status: Some(Wire::Known(v)),
        open_alerts: None,
        checks_total: None,
        checks_complete: None,
    };
    let entities = vec![
        ent(
            "ent_p",
            "株式会社サクラ貿易",
            EntityRole::Primary,
            None,
            None,
            VerificationStatus::InProgress,
        ),
        ent(
            "ent_d",
            "田中 健",
            EntityRole::Director,
            None,
            Some("ent_p"),
            VerificationStatus::Verified,
        ),
        ent(
            "ent_h",
            "Cayman Reef Holdings Ltd",
            EntityRole::Shareholder,
            Some(24.0),
            Some("ent_p"),
            VerificationStatus::Failed,
        ),
        ent(
            "ent_u",
            "Evil\u{1b}[2J Owner",
            EntityRole::Ubo,
            Some(100.0),
            Some("ent_h"),
            VerificationStatus::Expired,
        ),
    ];
    let mut entities = entities;
    entities[3].date_of_birth = Some("1968-11-02".into());
    entities[3].nationality = Some("KY".into());
    entities[3].address = Some("4 Harbour Dr, George Town KY1-1104, KY".into());
    entities[0].registration_number = Some("0100-01-123456".into());
    let dim = |k: &str, score: f64, tier: RiskTier| RiskDimension {
        key: k.into(),
        score,
        weight: Some(0.25),
        tier: Some(Wire::Known(tier)),
        factors: vec![RiskFactor {
            name: "Highest-risk jurisdiction".into(),
            value: "KY (High)".into(),
            contribution: score,
        }],
    };
    let risk = Assessment {
        token: "rsk_1".into(),
        status: Wire::Known(AssessmentStatus::Active),
        overall_score: Some(55.5),
        tier: Some(Wire::Known(RiskTier::High)),
        effective_tier: Some(Wire::Known(RiskTier::High)),
        dimensions: vec![
            dim("customer", 62.0, RiskTier::Medium),
            dim("geographic", 75.0, RiskTier::High),
            dim("product_service", 30.0, RiskTier::Low),
            dim("transaction", 44.0, RiskTier::Medium),
        ],
        due_diligence_path: Some("EDD".into()),
        review_frequency: Some("6 Months".into()),
        override_tier: None,
        override_justification: None,
        overridden_by: None,
        approved_by: None,
        approved_at: None,
    };
    let checks = vec![Check {
        token: "chk_1".into(),
        entity_name: Some("田中 健".into()),
        name: "PEP and sanctions screening".into(),
        type_code: Some("SCR_PEP".into()),
        category: None,
        status: Wire::Known(CheckStatus::Complete),
        result: Some(Wire::Known(CheckResult::Refer)),
        provider: Some("WorldCheck".into()),
        completed_at: t(-30),
    }];
    let timeline = vec![
        AuditEntry {
            token: "aud_1".into(),
            event_type: "CASE_ESCALATION".into(),
            severity: Some("WARNING".into()),
            actor: Some(UserRef {
                id: "usr_lukas".into(),
                name: Some("Lukas Brandt".into()),
            }),
            target_type: Some("case".into()),
            target_token: Some("cas_0002".into()),
            details: Some(serde_json::json!({ "rationale": "Owner behind a Cayman holding." })),
            request_id: Some("req_1".into()),
            at: t(-5),
        },
        AuditEntry {
            token: "aud_2".into(),
            event_type: "CASE_ASSIGNMENT".into(),
            severity: None,
            // Ids only, as the API sends them: the console names the people it knows.
            actor: Some(UserRef {
                id: "usr_amara".into(),
                name: None,
            }),
            target_type: Some("case".into()),
            target_token: Some("cas_0002".into()),
            details: Some(serde_json::json!({
                "before": { "assigned_to": "usr_amara" },
                "after": { "assigned_to": "usr_lukas" }
            })),
            request_id: None,
            at: t(-7),
        },
    ];
    let comments = vec![Comment {
        token: "cmt_1".into(),
        author: Some(UserRef {
            id: "usr_amara".into(),
            name: Some("Amara Okafor".into()),
        }),
        comment_type: None,
        body: "Requested the register of members.".into(),
        at: t(-2),
    }, Comment {
        token: "cmt_2".into(),
        author: Some(UserRef {
            id: "usr_lukas".into(),
            name: Some("Lukas Brandt".into()),
        }),
        comment_type: None,
        // Pasted by someone else: escape sequences, CR, bidi override, on several lines.
        body: "Pasted from the registry:\r\nDirector: \u{1b}]2;Owned\u{1b}\\Ola\u{202d}\rX\n\nSee \u{1b}]8;;https://evil.example/\u{1b}\\link".into(),
        at: t(-1),
    }];
    let reviewers = vec![Reviewer {
        token: "rev_1".into(),
        user: UserRef {
            id: "usr_sofia".into(),
            name: Some("Sofía Hernández".into()),
        },
        role: Some("Approver".into()),
        status: Wire::Known(ReviewerStatus::Invited),
        notes: None,
    }];
    let tok = || "cas_0002".to_string();
    update(
        s,
        Action::CaseLoaded {
            token: tok(),
            part: Box::new(CasePart::Entities(Ok(entities))),
        },
    );
    update(
        s,
        Action::CaseLoaded {
            token: tok(),
            part: Box::new(CasePart::Risk(Ok(Some(Box::new(risk))))),
        },
    );
    update(
        s,
        Action::CaseLoaded {
            token: tok(),
            part: Box::new(CasePart::Checks(Ok(checks))),
        },
    );
    update(
        s,
        Action::CaseLoaded {
            token: tok(),
            part: Box::new(CasePart::Timeline(Ok(timeline))),
        },
    );
    update(
        s,
        Action::CaseLoaded {
            token: tok(),
            part: Box::new(CasePart::Comments(Ok(comments))),
        },
    );
    update(
        s,
        Action::CaseLoaded {
            token: tok(),
            part: Box::new(CasePart::Reviewers(Ok(Some(reviewers)))),
        },
    );
}

#[test]
fn detail_tabs() {
    let mut s = loaded();
    update(&mut s, Action::Command(docket::app::update::Command::Down));
    update(&mut s, Action::Command(docket::app::update::Command::Open));
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_0002".into(),
            part: Box::new(CasePart::Alerts(Ok(alerts()))),
        },
    );
    detail_data(&mut s);
    for tab in [
        Tab::Summary,
        Tab::Entities,
        Tab::Risk,
        Tab::Checks,
        Tab::Activity,
    ] {
        s.detail.as_mut().unwrap().tab = tab;
        both(&format!("tab_{}", tab.title().to_lowercase()), &s);
    }
}

/// An alert and an entity read in full, and the Activity tab with everything in it.
#[test]
fn reading_in_full() {
    use docket::app::update::Command as C;
    let cmd = |s: &mut State, c: C| {
        update(s, Action::Command(c));
    };
    let mut s = loaded();
    cmd(&mut s, C::Down);
    cmd(&mut s, C::Open);
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_0002".into(),
            part: Box::new(CasePart::Alerts(Ok(alerts()))),
        },
    );
    detail_data(&mut s);
    update(&mut s, Action::Resize(80, 24));
    s.detail.as_mut().unwrap().tab = Tab::Alerts;
    both("alert_list_outcomes", &s);
    cmd(&mut s, C::Open);
    both("alert_full", &s);
    cmd(&mut s, C::Bottom);
    let screen = draw(&s, 80, 24);
    assert!(screen.contains("End of assessment."), "{screen}");
    insta::assert_snapshot!("alert_full_end_80x24", screen);
    cmd(&mut s, C::Back);
    cmd(&mut s, C::Down);
    cmd(&mut s, C::Down);
    cmd(&mut s, C::Open);
    both("alert_settled_full", &s);
    cmd(&mut s, C::Back);
    s.detail.as_mut().unwrap().tab = Tab::Entities;
    cmd(&mut s, C::Bottom);
    both("entity_cursor", &s);
    cmd(&mut s, C::Open);
    both("entity_full", &s);
    cmd(&mut s, C::Back);
    s.detail.as_mut().unwrap().tab = Tab::Activity;
    both("activity_full", &s);
}

#[test]
fn review_drawer() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |s: &mut State, code: KeyCode, m: KeyModifiers| {
        common::reducer::step(s, Action::Key(KeyEvent::new(code, m)));
    };
    let mut s = loaded();
    update(&mut s, Action::Command(docket::app::update::Command::Down));
    update(&mut s, Action::Command(docket::app::update::Command::Open));
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_0002".into(),
            part: Box::new(CasePart::Alerts(Ok(alerts()))),
        },
    );
    detail_data(&mut s);
    s.detail.as_mut().unwrap().tab = Tab::Alerts;
    both("drawer_alerts_tab", &s);
    key(&mut s, KeyCode::Char('w'), KeyModifiers::NONE);
    // The case is Lukas Brandt's: asked first, once.
    assert!(s.flow.is_none());
    key(&mut s, KeyCode::Char('y'), KeyModifiers::NONE);
    for c in "Known PEP, risk accepted.".chars() {
        key(&mut s, KeyCode::Char(c), KeyModifiers::NONE);
    }
    both("drawer_edit", &s);
    key(&mut s, KeyCode::Tab, KeyModifiers::NONE);
    for c in "Enhanced monitoring for 12 months.".chars() {
        key(&mut s, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("drawer_confirm", &s);
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    let flow = s.flow.as_ref().unwrap().id;
    update(
        &mut s,
        Action::Submitted {
            flow,
            result: Err(ProviderError::Api {
                status: 422,
                code: "ALERT_ALREADY_RESOLVED".into(),
                message: "Alert alt_1 is already Resolved.".into(),
                request_id: Some("req_7Hq2".into()),
                retry_after: None,
            }),
        },
    );
    both("drawer_failed", &s);
    // Close with unmet preconditions lists them.
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('C'), KeyModifiers::NONE);
    both("drawer_close_blocked", &s);
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('s'), KeyModifiers::NONE);
    both("drawer_status_picker", &s);
}

#[test]
fn help() {
    let mut s = loaded();
    s.ui.mode = Mode::Help;
    both("help", &s);
    // Scrolled to its end: the legend of symbols.
    for (w, h) in [(80, 24), (160, 48)] {
        update(&mut s, Action::Resize(w, h));
        s.ui.help_scroll = docket::app::help::max_scroll(&s);
        let screen = draw(&s, w, h);
        assert!(
            screen.contains("ⓘ") && screen.contains("more lines below"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("help_legend_{w}x{h}"), screen);
    }
    s.ui.help_scroll = 0;
    // Read-only: the write actions are not offered.
    s.data.read_only = true;
    let screen = draw(&s, 160, 48);
    assert!(
        !screen.contains("approve risk") && screen.contains("read-only"),
        "{screen}"
    );
    both("help_read_only", &s);
}

/// The overview: the loaded fixture, with a paused case, reviews landed today and this
/// session, and more assignees than fit at 80x24.
fn overview_state() -> State {
    let mut s = loaded();
    let mut more = cases();
    for (n, who) in (20..28).zip([
        "usr_amara",
        "usr_amara",
        "usr_lukas",
        "usr_nobody",
        "usr_p1",
        "usr_p2",
        "usr_p3",
        "usr_p4",
    ]) {
        let hours = -(n as i64 - 19) * 2;
        more.push(case(
            n,
            "Extra Holding AG",
            CaseStatus::InReview,
            hours,
            SlaStatus::Breached,
            RiskTier::Medium,
            1,
            Some(who),
        ));
    }
    update(
        &mut s,
        Action::QueueLoaded {
            cases: more.into(),
            at: Timestamp::from_second(NOW - 12).unwrap(),
        },
    );
    s.data.stats.today = 5;
    s.data.stats.durations = vec![130, 95, 310, 60];
    update(
        &mut s,
        Action::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('S'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert_eq!(s.ui.mode, Mode::Overview);
    s
}

/// Many breaches: the breaches caption still reads whole at 80x24 ("34 befor" was cut).
#[test]
fn overview_caption_is_never_cut() {
    let mut s = loaded();
    let many: Vec<Case> = (100..160)
        .map(|n| {
            case(
                n,
                "Late Holding AG",
                CaseStatus::InReview,
                -((n as i64 - 99) * 2),
                SlaStatus::Breached,
                RiskTier::Medium,
                1,
                None,
            )
        })
        .collect();
    update(
        &mut s,
        Action::QueueLoaded {
            cases: many.into(),
            at: Timestamp::from_second(NOW - 12).unwrap(),
        },
    );
    s.ui.mode = Mode::Overview;
    for (w, h) in [(80, 24), (100, 30), (160, 48)] {
        let screen = draw(&s, w, h);
        let line = screen
            .lines()
            .find(|l| l.contains(" in 24 h") || l.contains(" in the last 24 h"))
            .unwrap_or_else(|| panic!("{w}x{h}: no breaches caption\n{screen}"));
        assert!(line.contains(" before"), "{w}x{h}: {line}");
    }
}

#[test]
fn overview() {
    let s = overview_state();
    both("overview", &s);
    let screen = draw(&s, 80, 24);
    // Names, not ids, where the users are known; the unknown id is shown as it is.
    assert!(
        screen.contains("Amara Okafor") || screen.contains("Amara Oka"),
        "{screen}"
    );
    assert!(!screen.contains("usr_amara"), "{screen}");
    assert!(screen.contains("unassigned"), "{screen}");
    let mono = render_with(&s, &Theme::monochrome(), 80, 24);
    assert!(
        mono.backend().buffer().content.iter().all(|c| {
            use ratatui::style::Color::Reset;
            c.fg == Reset && c.bg == Reset
        }),
        "a coloured cell in monochrome"
    );
    insta::assert_snapshot!("overview_monochrome_80x24", mono.backend().to_string());
}

#[test]
fn outbox_view() {
    use docket::app::flow::Submission;
    use docket::app::state::OutboxRow;
    let mut s = loaded();
    update(
        &mut s,
        Action::OutboxCounts(docket::sync::store::Counts {
            pending: 1,
            failed: 1,
            held: vec![("Lukas Brandt".into(), 1)],
        }),
    );
    update(&mut s, Action::OutboxEntries(vec![
        OutboxRow {
            id: 7,
            title: "Approve 1 alert".into(),
            failed: true,
            attempts: 1,
            last_error: Some("CASE_CLOSED (HTTP 422): Alert alt_1 belongs to CAS-000002, which is Closed. (request req_9Zx)".into()),
            submission: Submission::Acknowledge { tokens: vec!["alt_1".into()] },
            mine: true,
            author: "Amara Okafor".into(),
            waits_for: None,
            case: Some("cas_0002".into()),
        },
        OutboxRow {
            id: 8,
            title: "Comment on CAS-000004".into(),
            failed: false,
            attempts: 3,
            last_error: Some("POST /v1/cases/cas_0004/comments: cannot connect".into()),
            submission: Submission::Acknowledge { tokens: vec!["alt_2".into()] },
            mine: true,
            author: "Amara Okafor".into(),
            waits_for: None,
            case: Some("cas_0004".into()),
        },
        // Another analyst's, left in this state directory: held, never sent with this key.
        OutboxRow {
            id: 9,
            title: "Acknowledge 1 alert".into(),
            failed: false,
            attempts: 1,
            last_error: None,
            submission: Submission::Acknowledge { tokens: vec!["alt_3".into()] },
            mine: false,
            author: "Lukas Brandt".into(),
            waits_for: None,
            case: None,
        },
    ]));
    s.ui.mode = Mode::Outbox;
    both("outbox", &s);
    // Nothing of the panes beneath shows at the overlay's edges (no `│n│` fragments).
    for (w, h) in [(80, 24), (120, 30), (160, 48)] {
        let screen = draw(&s, w, h);
        let rows: Vec<&str> = screen.lines().collect();
        for row in rows.iter().filter(|r| r.starts_with("\"│")) {
            let cells: Vec<char> = row.trim_matches('"').chars().collect();
            assert_eq!(cells.last(), Some(&'│'), "{w}x{h}: {row}");
            let before = cells[cells.len() - 2];
            assert!(
                before == ' ' || !before.is_alphanumeric(),
                "{w}x{h}: a fragment at the right edge: {row}"
            );
        }
        assert!(
            !screen.contains("Queue "),
            "{w}x{h}: the queue shows through\n{screen}"
        );
    }
}

/// At 120 columns in split view the case references stay whole, cut text ends in `…`, and the
/// alert count is headed "Alerts" where it fits.
#[test]
fn split_queue_120() {
    use docket::app::update::Command as C;
    let mut s = loaded();
    update(&mut s, Action::Command(C::Down));
    update(&mut s, Action::Command(C::Open));
    detail_data(&mut s);
    for (focus, name) in [
        (Focus::Detail, "split_queue_detail_focus"),
        (Focus::Queue, "split_queue_queue_focus"),
    ] {
        s.ui.focus = focus;
        let screen = draw(&s, 120, 30);
        for n in 1..=6 {
            assert!(
                screen.contains(&format!("CAS-{n:06}")),
                "{name}: CAS-{n:06} whole in\n{screen}"
            );
        }
        assert!(screen.contains('…'), "{name}: cut text is marked\n{screen}");
        insta::assert_snapshot!(format!("{name}_120x30"), screen);
    }
    assert!(
        draw(&s, 120, 30).contains("Alerts"),
        "the header says Alerts where it fits"
    );
    // 80, 100 (the narrowest split) and 160 columns keep the references whole too.
    for (w, h) in [(80, 24), (100, 30), (160, 48)] {
        let screen = draw(&s, w, h);
        for n in [2, 6] {
            assert!(screen.contains(&format!("CAS-{n:06}")), "{w}x{h}\n{screen}");
        }
    }
}

/// A message longer than the status bar wraps onto lines of its own: the quit confirmation
/// with reviews pending is read whole at 80 columns.
#[test]
fn long_message() {
    let mut s = loaded();
    s.data.outbox.pending = 3;
    update(&mut s, Action::Command(docket::app::update::Command::Quit));
    assert!(s.ui.confirm_quit);
    let screen = draw(&s, 80, 24);
    let flat = screen
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("any other key to stay."),
        "the whole message is shown:\n{screen}"
    );
    both("long_message", &s);
}

#[test]
fn too_small() {
    let s = loaded();
    insta::assert_snapshot!("too_small_39x10", draw(&s, 39, 10));
}

#[test]
fn no_size_panics() {
    let mut states = vec![
        loaded(),
        State::new("x", Timestamp::from_second(NOW).unwrap()),
    ];
    let mut open = loaded();
    update(
        &mut open,
        Action::Command(docket::app::update::Command::Open),
    );
    states.push(open);
    let mut help = loaded();
    help.ui.mode = Mode::Help;
    states.push(help);
    states.push(overview_state());
    let mut empty = State::new("x", Timestamp::from_second(NOW).unwrap());
    empty.ui.mode = Mode::Overview;
    states.push(empty);
    for s in &states {
        // Every small size (where layouts run out of room), then a grid up to 200x60.
        for w in 1..=44 {
            for h in 1..=12 {
                render(s, w, h);
            }
        }
        for w in (1..=200).step_by(7) {
            for h in (1..=60).step_by(5) {
                render(s, w, h);
            }
        }
        for w in 90..=110 {
            render(s, w, 24);
        }
        render(s, 200, 60);
    }
}

/// Two profiles merged: a source column; a case from a vendor with fewer capabilities: only
/// its tabs, and a close drawer that says the summary stays local.
#[test]
fn merged_queue_and_a_vendor_case() {
    use docket::provider::{Capabilities, Vendor};
    let mut s = loaded();
    let mut amiqus = Capabilities::none(Vendor::Amiqus);
    amiqus.alerts = true;
    amiqus.checks = true;
    amiqus.entities = true;
    amiqus.close = true;
    s.settings.source_caps = [
        ("zenoo-eu".to_string(), Capabilities::all(Vendor::Zenoo)),
        ("amiqus".to_string(), amiqus),
    ]
    .into_iter()
    .collect();
    let mut cases = cases();
    for (i, c) in cases.iter_mut().enumerate() {
        let src = if i % 2 == 0 { "zenoo-eu" } else { "amiqus" };
        c.token = format!("{src}|{}", c.token);
        c.source = Some(src.into());
    }
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases.into(),
            at: Timestamp::from_second(NOW - 12).unwrap(),
        },
    );
    both("merged_queue", &s);
    update(&mut s, Action::Command(docket::app::update::Command::Down));
    update(&mut s, Action::Command(docket::app::update::Command::Open));
    both("vendor_case_tabs", &s);
    common::reducer::step(
        &mut s,
        Action::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('C'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    // Someone else's case: asked first.
    common::reducer::step(
        &mut s,
        Action::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('y'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    both("vendor_close_note", &s);
}

/// The command palette, the snippet picker, marked cases and a bulk drawer with its results.
#[test]
fn power_user_views() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |s: &mut State, code: KeyCode, m: KeyModifiers| {
        common::reducer::step(s, Action::Key(KeyEvent::new(code, m)));
    };
    let typed = |s: &mut State, text: &str| {
        for c in text.chars() {
            update(
                s,
                Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            );
        }
    };
    // The palette, narrowed.
    let mut s = loaded();
    key(&mut s, KeyCode::Char(':'), KeyModifiers::NONE);
    typed(&mut s, "assign");
    both("palette", &s);

    // The snippet picker over the editor.
    let mut s = loaded();
    s.settings.snippets = vec![
        docket::app::flow::Snippet {
            name: "Name-only match".into(),
            text: "Name-only match on {entity}; reviewed by {me}.".into(),
        },
        docket::app::flow::Snippet {
            name: "Request registry extract".into(),
            text: "Requested a current registry extract for {case}.".into(),
        },
    ];
    update(&mut s, Action::Command(docket::app::update::Command::Down));
    update(&mut s, Action::Command(docket::app::update::Command::Open));
    key(&mut s, KeyCode::Char('n'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('t'), KeyModifiers::CONTROL);
    both("snippet_picker", &s);

    // Three cases marked, then assigned together; one refused.
    let mut s = loaded();
    update(&mut s, Action::Command(docket::app::update::Command::Top));
    key(&mut s, KeyCode::Char(' '), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('j'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('j'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('M'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('j'), KeyModifiers::NONE);
    both("queue_marked", &s);
    key(&mut s, KeyCode::Char('m'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    let flow = s.flow.as_ref().unwrap().id;
    for entry in [1, 2, 3] {
        update(&mut s, Action::Enqueued { flow, entry });
    }
    update(
        &mut s,
        Action::EntryDone {
            flow,
            entry: 1,
            result: Ok("CAS-000006 assigned to Amara Okafor".into()),
        },
    );
    update(
        &mut s,
        Action::EntryDone {
            flow,
            entry: 2,
            result: Err(ProviderError::Api {
                status: 403,
                code: "FORBIDDEN".into(),
                message: "Escalated cases are assigned by a supervisor.".into(),
                request_id: Some("req_bulk2".into()),
                retry_after: None,
            }),
        },
    );
    both("bulk_results", &s);
}

/// A creation's form: empty, with problems beside the fields, the read-back of the exact body,
/// and a duplicate reference found; for Zenoo's case form and KarmaCheck's, and monochrome.
#[test]
fn forms() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use docket::domain::form::{Choice, karmacheck_case, zenoo_case};
    let key = |s: &mut State, code: KeyCode, m: KeyModifiers| {
        common::reducer::step(s, Action::Key(KeyEvent::new(code, m)));
    };
    let typed = |s: &mut State, text: &str| {
        for c in text.chars() {
            key(s, KeyCode::Char(c), KeyModifiers::NONE);
        }
    };
    // Tab to a field, then type into it (or pick with → until its label shows).
    let at = |s: &mut State, path: &str| {
        for _ in 0..40 {
            let f = s.flow.as_ref().unwrap().form.as_ref().unwrap();
            if f.form.fields[f.focus].path == path {
                return;
            }
            key(s, KeyCode::Tab, KeyModifiers::NONE);
        }
        panic!("no field {path}");
    };
    let fill = |s: &mut State, path: &str, text: &str| {
        at(s, path);
        typed(s, text);
    };
    let pick = |s: &mut State, path: &str, times: usize| {
        at(s, path);
        for _ in 0..times {
            key(s, KeyCode::Right, KeyModifiers::NONE);
        }
    };
    let open = |form: docket::domain::form::Form| {
        let mut s = loaded();
        key(&mut s, KeyCode::Char('N'), KeyModifiers::NONE);
        update(&mut s, Action::CaseFormLoaded(Ok(Some(form))));
        s
    };

    // Zenoo.
    let mut s = open(zenoo_case());
    both("form_zenoo_empty", &s);
    pick(&mut s, "entity_category", 2);
    fill(&mut s, "entity.last_name", "Ōkafor \u{1b}[2J");
    fill(&mut s, "entity.date_of_birth", "1985-13-01");
    fill(&mut s, "entity.nationality", "XX");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("form_zenoo_errors", &s);
    let mono = render_with(&s, &Theme::monochrome(), 80, 24);
    // No colour at all: the marks (`*`, `▶`, `✖`) carry what colour would.
    assert!(
        mono.backend().buffer().content.iter().all(|c| {
            use ratatui::style::Color::Reset;
            c.fg == Reset && c.bg == Reset
        }),
        "a coloured cell in monochrome"
    );
    insta::assert_snapshot!(
        "form_zenoo_errors_monochrome_80x24",
        mono.backend().to_string()
    );
    pick(&mut s, "type", 1);
    fill(&mut s, "entity.first_name", "Amara");
    at(&mut s, "entity.date_of_birth");
    for _ in 0..10 {
        key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typed(&mut s, "1985-12-10");
    at(&mut s, "entity.nationality");
    key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    typed(&mut s, "ng");
    fill(&mut s, "entity.address.city", "Lagos");
    pick(&mut s, "assigned_to", 2);
    fill(&mut s, "metadata", "channel = web");
    fill(&mut s, "external_reference", "crm-new-1");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("form_zenoo_readback", &s);
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    for _ in 0.."crm-new-1".len() {
        key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typed(&mut s, "CRM-DE-0000005");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("form_zenoo_duplicate", &s);

    // KarmaCheck's form, drawn the same way.
    let karmacheck = || {
        karmacheck_case(vec![
            Choice::new("pkg_basic", "Basic: criminal + identity"),
            Choice::new("pkg_full", "Full: + employment + education"),
        ])
    };
    let mut s = open(karmacheck());
    both("form_karmacheck_empty", &s);
    fill(&mut s, "email", "mei.tanaka@");
    fill(&mut s, "phone", &"9".repeat(31));
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("form_karmacheck_errors", &s);
    pick(&mut s, "packageId", 2);
    fill(&mut s, "email", "example.com");
    fill(&mut s, "givenName", "Mei");
    fill(&mut s, "familyName", "Tanaka");
    at(&mut s, "phone");
    key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    pick(&mut s, "autoProcess", 2);
    fill(&mut s, "apiTrackingCode", "hr-2291");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("form_karmacheck_readback", &s);
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    for _ in 0.."hr-2291".len() {
        key(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typed(&mut s, "CRM-DE-0000003");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    both("form_karmacheck_duplicate", &s);
    // No size breaks it: the read-back, and the form with its problems listed.
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    let editing = s.flow.clone();
    for flow in [editing, {
        key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
        s.flow.clone()
    }] {
        s.flow = flow;
        for w in (1..=130).step_by(3) {
            for h in (1..=50).step_by(4) {
                render(&s, w, h);
            }
        }
    }
}

fn render_with(state: &State, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view(state, theme, f)).unwrap();
    term
}
