//! Every pane and state drawn into a TestBackend at 80x24 and 160x48, and a resize sweep.

use docket::app::state::{Connection, Focus, Loadable, Mode, Tab};
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
        version: Some(3),
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
    vec![
        a("alt_1", "Sanctions Hit", AlertStatus::Open, 91.0),
        a("alt_2", "PEP Match", AlertStatus::Acknowledged, 77.0),
        a("alt_3", "Adverse Media", AlertStatus::FalsePositive, 64.0),
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
            cases: cases(),
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
    s.connection = Connection::Failed(ProviderError::Api {
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
    assert_eq!(s.mode, Mode::Filter);
    both("queue_filtering", &s);
}

#[test]
fn detail_summary_and_alerts() {
    let mut s = loaded();
    update(&mut s, Action::Command(docket::app::update::Command::Down));
    update(&mut s, Action::Command(docket::app::update::Command::Open));
    assert_eq!(s.focus, Focus::Detail);
    both("detail_loading", &s);
    update(
        &mut s,
        Action::AlertsLoaded {
            token: "cas_0002".into(),
            result: Ok(alerts()),
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

#[test]
fn help() {
    let mut s = loaded();
    s.mode = Mode::Help;
    both("help", &s);
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
    help.mode = Mode::Help;
    states.push(help);
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
