//! Every tab drawn at several sizes, with hostile, missing and failed data.

use super::summary::reviewers_lines;
use super::*;
use crate::domain::model::{AuditEntry, Comment, UserRef};
use crate::domain::model::{RiskDimension, RiskFactor};
use crate::domain::{CheckStatus, EntityRole};
use crate::provider::ProviderError;
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const HOSTILE: &str = "Evil\x1b[2J Corp";
const SHOWN: &str = r"Evil\x1b[2J Corp";
const NOW: i64 = 1_800_000_000;

fn failed<T>() -> Loadable<T> {
    Loadable::Failed(ProviderError::Invalid(HOSTILE.into()))
}

fn before(secs: i64) -> Option<Timestamp> {
    Timestamp::from_second(NOW - secs).ok()
}

/// Draws into a zero area, at 1x1 and at 60x20; returns the 60x20 screen as text.
fn screen(draw: impl Fn(&mut Frame, Rect)) -> String {
    let mut text = String::new();
    for (w, h) in [(1u16, 1u16), (60, 20)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, Rect::ZERO)).unwrap();
        t.draw(|f| {
            let area = f.area();
            draw(f, area);
        })
        .unwrap();
        let buf = t.backend().buffer();
        let rows = (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>());
        text = rows.collect::<Vec<_>>().join("\n");
        assert!(!text.contains('\x1b'), "raw ESC in\n{text}");
    }
    text
}

fn ent(token: &str, name: &str, role: EntityRole, parent: Option<&str>) -> Entity {
    Entity {
        token: token.into(),
        entity_type: None,
        name: name.into(),
        role: Some(Wire::Known(role)),
        ownership_percentage: (role == EntityRole::Ubo).then_some(45.0),
        parent_token: parent.map(Into::into),
        country: Some("DE".into()),
        nationality: None,
        date_of_birth: None,
        address: None,
        registration_number: None,
        verification_status: Some(Wire::Known(VerificationStatus::Verified)),
        open_alerts: None,
        checks_total: None,
        checks_complete: None,
    }
}

#[test]
fn entities_draw_a_tree_with_escaped_names_and_survive_cycles() {
    use EntityRole::*;
    let list = Loadable::Ready(vec![
        ent("orphan", "Orphan Ltd", Shareholder, Some("missing")),
        ent("a", "Loop A", Director, Some("b")),
        ent("b", "Loop B", Director, Some("a")),
        ent("root", "Acme Holdings", Primary, None),
        ent("evil", HOSTILE, Ubo, Some("root")),
        ent("sub", "Sub GmbH", Shareholder, Some("evil")),
        ent("cjk", "王伟国际", Director, Some("root")),
    ]);
    let mut d = Detail::new("cas".into());
    d.entities = list;
    let s = screen(|f, a| entities(&d, &Theme::dark(), f, a));
    assert!(s.starts_with("▶ Acme Holdings"), "{s}");
    assert!(
        s.contains(&format!("├─ {SHOWN}  UBO · 45% · DE  ✓ Verified")),
        "{s}"
    );
    assert!(s.contains("│  └─ Sub GmbH") && s.contains("└─ 王"), "{s}");
    assert_eq!(
        (s.matches("Loop A").count(), s.matches("Loop B").count()),
        (1, 1),
        "{s}"
    );
}

#[test]
fn loading_failed_and_empty_states() {
    let th = &Theme::dark();
    let mut d = Detail::new("cas".into());
    d.entities = failed();
    let s = screen(|f, a| entities(&d, th, f, a));
    assert!(
        s.starts_with(&format!("Could not load the entities: {SHOWN}")),
        "{s}"
    );
    let s = screen(|f, a| risk(&Loadable::Ready(None), th, f, a));
    assert!(s.starts_with("No risk assessment on this case."), "{s}");
    let s = screen(|f, a| checks(&Loadable::Loading, th, f, a));
    assert!(s.starts_with("Loading checks…"), "{s}");
    let mut d = Detail::new("cas".into());
    d.timeline = failed();
    d.comments = Loadable::Ready(vec![]);
    let state = test_state();
    let s = screen(|f, a| activity(&state, &d, th, f, a));
    assert!(s.starts_with("The timeline: could not load"), "{s}");
    assert!(reviewers_lines(&test_state(), &Loadable::Ready(None), th).is_empty());
    let lines = reviewers_lines(&test_state(), &Loadable::Ready(Some(vec![])), th);
    assert_eq!(
        lines.last().map(|l| l.to_string()).as_deref(),
        Some("No reviewers on this case.")
    );
}

#[test]
fn risk_bars_show_score_and_tier() {
    let high = Some(Wire::Known(RiskTier::High));
    let factor = RiskFactor {
        name: "PEP match".into(),
        value: "2".into(),
        contribution: 35.0,
    };
    let a = Loadable::Ready(Some(Assessment {
        token: "ra_1".into(),
        status: Wire::Known(AssessmentStatus::Approved),
        overall_score: Some(58.4),
        tier: Some(Wire::Known(RiskTier::Medium)),
        effective_tier: high.clone(),
        dimensions: vec![RiskDimension {
            key: "customer".into(),
            score: 62.0,
            weight: Some(0.3),
            tier: high.clone(),
            factors: vec![factor],
        }],
        due_diligence_path: Some("EDD".into()),
        review_frequency: Some("6 Months".into()),
        override_tier: high,
        override_justification: Some(format!("{HOSTILE}\nsecond line")),
        overridden_by: None,
        approved_by: Some("Amara Okafor".into()),
        approved_at: None,
    }));
    let s = screen(|f, r| risk(&a, &Theme::dark(), f, r));
    assert!(
        s.starts_with(&format!("Overall 58.4 Medium  override: High — {SHOWN}")),
        "{s}"
    );
    assert!(
        s.contains("Approved by Amara Okafor · EDD · review every 6 Months"),
        "{s}"
    );
    let bar = s.lines().find(|l| l.starts_with("Customer")).expect(&s);
    assert!(bar.contains("62 High") && bar.contains("███░"), "{s}");
    assert!(s.contains("PEP match (2)") && s.contains("+35.0"), "{s}");
}

#[test]
fn checks_table_shows_result_symbols() {
    let check = |name: &str, result| Check {
        token: name.into(),
        entity_name: Some(HOSTILE.into()),
        name: name.into(),
        type_code: None,
        category: None,
        status: Wire::Known(CheckStatus::Complete),
        result: Some(Wire::Known(result)),
        provider: Some("ComplyAdvantage".into()),
        completed_at: None,
    };
    let list = Loadable::Ready(vec![
        check("PEP", CheckResult::Pass),
        check("ID", CheckResult::Fail),
    ]);
    let s = screen(|f, a| checks(&list, &Theme::dark(), f, a));
    assert!(
        s.contains("✓ Pass") && s.contains("✖ Fail") && s.contains(r"Evil\x1b"),
        "{s}"
    );
}

#[test]
fn activity_is_merged_newest_first() {
    let user = |n: &str| {
        Some(UserRef {
            id: "u1".into(),
            name: Some(n.into()),
        })
    };
    let entry = |ev: &str, secs, severity: Option<&str>, details| AuditEntry {
        token: ev.into(),
        event_type: ev.into(),
        severity: severity.map(Into::into),
        actor: user(HOSTILE),
        target_type: None,
        target_token: None,
        details,
        request_id: None,
        at: before(secs),
    };
    let changed =
        serde_json::json!({"before": {"status": "New"}, "after": {"status": "Escalated"}});
    let timeline = Loadable::Ready(vec![
        entry("CASE_CREATED", 3 * 86_400, None, None),
        entry(
            "ALERT_RESOLVED",
            7200,
            None,
            Some(serde_json::json!({"rationale": "No match\nx"})),
        ),
        entry("STATUS_CHANGED", 86_460, Some("WARNING"), Some(changed)),
    ]);
    let comments = Loadable::Ready(vec![Comment {
        token: "c1".into(),
        author: user("Amara Okafor"),
        comment_type: None,
        body: "\nLooks fine\nsecond".into(),
        at: before(300),
    }]);
    let mut d = Detail::new("cas".into());
    d.timeline = timeline;
    d.comments = comments;
    let mut state = test_state();
    state.data.now = before(0).unwrap();
    let s = screen(|f, a| activity(&state, &d, &Theme::dark(), f, a));
    let at = |needle: &str| {
        s.find(needle)
            .unwrap_or_else(|| panic!("no {needle} in\n{s}"))
    };
    assert!(
        ["5m ago", "2h ago", "1d ago", "3d ago"].map(at).is_sorted(),
        "{s}"
    );
    assert!(s.contains("Amara Okafor · Comment: Looks fine"), "{s}");
    assert!(
        s.contains("      second"),
        "a comment's further lines follow: {s}"
    );
    assert!(
        s.contains("ALERT_RESOLVED: No match") && s.contains(SHOWN),
        "{s}"
    );
    assert!(
        s.contains("▲ 1d ago") && s.contains("STATUS_CHANGED: New →"),
        "{s}"
    );
}

#[test]
fn reviewer_lines_are_clean() {
    let r = Reviewer {
        token: "rv".into(),
        user: UserRef {
            id: "u9".into(),
            name: Some(HOSTILE.into()),
        },
        role: Some("Approver".into()),
        status: Wire::Known(ReviewerStatus::Approved),
        notes: Some("ok\x07".into()),
    };
    let lines = reviewers_lines(
        &test_state(),
        &Loadable::Ready(Some(vec![r])),
        &Theme::dark(),
    );
    let text = lines.last().map(|l| l.to_string()).unwrap_or_default();
    assert_eq!(text, format!(r"✓ Approved  {SHOWN}  Approver — ok\x07"));
}

fn test_state() -> State {
    State::new("test", jiff::Timestamp::UNIX_EPOCH)
}

#[test]
fn a_long_entity_line_is_cut_with_an_ellipsis_and_keeps_its_verification() {
    let mut d = Detail::new("cas".into());
    d.entities = Loadable::Ready(vec![ent(
        "a",
        "Consolidated Northern Hemisphere Mining and Shipping Holdings Limited",
        EntityRole::Primary,
        None,
    )]);
    let s = screen(|f, a| entities(&d, &Theme::dark(), f, a));
    let first = s.lines().next().unwrap_or_default();
    assert!(first.contains('…'), "{first}");
    assert!(first.trim_end().ends_with("✓ Verified"), "{first}");
}
