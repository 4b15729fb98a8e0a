//! Finding a case: jumping to one by its reference (loaded or looked up on the server), the
//! API's search merged into the filter, sorting by any column, views with any filter and the
//! built-in "Awaiting my approval" view, and saving the filters as a view.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::find::{Sort, SortKey};
use docket::app::queue::{AWAITING_MY_APPROVAL, Quick, View};
use docket::app::state::{Focus, Mode};
use docket::app::update::Command;
use docket::app::{Action, Effect, State, update};
use docket::domain::model::{Case, User, UserRef};
use docket::domain::{CaseStatus, Decision, Priority, RiskTier, Wire};
use docket::provider::{Capabilities, ProviderError, Vendor};
use jiff::Timestamp;

use common::records::NOW;

fn case(token: &str, name: &str, hours_left: i64, status: CaseStatus) -> Case {
    Case {
        token: token.into(),
        name: name.into(),
        primary_entity: Some(format!("{token} Holdings")),
        sla_deadline: Timestamp::from_second(NOW + hours_left * 3600).ok(),
        open_alerts: Some(0),
        ..common::records::case(status)
    }
}

fn sample() -> Vec<Case> {
    let mut a = case("cas_a", "CAS-000250", 48, CaseStatus::InProgress);
    a.risk_score = Some(30.0);
    a.risk_tier = Some(Wire::Known(RiskTier::Low));
    a.priority = Some(Wire::Known(Priority::Low));
    a.open_alerts = Some(4);
    a.updated_at = Timestamp::from_second(NOW - 100).ok();
    let mut b = case("cas_b", "CAS-000251", 5, CaseStatus::InReview);
    b.risk_score = Some(82.0);
    b.risk_tier = Some(Wire::Known(RiskTier::High));
    b.priority = Some(Wire::Known(Priority::Critical));
    b.open_alerts = Some(1);
    b.updated_at = Timestamp::from_second(NOW - 10).ok();
    b.awaiting_approval = vec!["usr_sofia".into()];
    let mut c = case("cas_c", "CAS-000252", 20, CaseStatus::New);
    c.risk_score = None;
    c.priority = Some(Wire::Known(Priority::High));
    c.open_alerts = Some(9);
    c.external_reference = Some("EXT-77".into());
    c.assigned_to = Some(UserRef {
        id: "usr_amara".into(),
        name: Some("Amara Okafor".into()),
    });
    let mut d = case("cas_d", "CAS-000253", -100, CaseStatus::Closed);
    d.decision = Some(Wire::Known(Decision::Approve));
    vec![a, b, c, d]
}

fn state_with(cases: Vec<Case>) -> State {
    let now = Timestamp::from_second(NOW).unwrap();
    let mut s = State::new("sandbox", now);
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases.into(),
            at: now,
        },
    );
    s
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    let mut out = vec![];
    for c in text.chars() {
        out = key(s, KeyCode::Char(c));
    }
    out
}

fn names(s: &State) -> Vec<&str> {
    s.queue
        .view
        .iter()
        .map(|&i| s.queue.cases.get(i).name)
        .collect()
}

fn me(s: &mut State, id: &str) {
    update(
        s,
        Action::MeLoaded(Some(User {
            id: id.into(),
            name: id.into(),
            email: None,
            role: Some("Approver".into()),
            can_write: true,
        })),
    );
}

#[test]
fn a_reference_typed_in_full_opens_its_case_even_a_closed_one() {
    let mut s = state_with(sample());
    assert!(
        !names(&s).contains(&"CAS-000253"),
        "closed cases are hidden"
    );
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "cas-000253");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::LoadCase("cas_d".into())]);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(s.ui.focus, Focus::Detail);
    assert_eq!(s.detail.as_ref().unwrap().token, "cas_d");
    assert_eq!(s.queue.selected.as_deref(), Some("cas_d"));
    assert_eq!(names(&s), ["CAS-000253"], "its row is shown, marked closed");
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("CAS-000253 is closed (Approve).")
    );

    // A token and an external reference name a case as well.
    for (text, token) in [("cas_b", "cas_b"), ("ext-77", "cas_c")] {
        let mut s = state_with(sample());
        key(&mut s, KeyCode::Char('/'));
        typed(&mut s, text);
        key(&mut s, KeyCode::Enter);
        assert_eq!(s.detail.as_ref().map(|d| d.token.as_str()), Some(token));
    }
}

#[test]
fn text_that_is_not_a_reference_stays_a_filter() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "holdings");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(s.detail.is_none());
    assert_eq!(s.queue.filter, "holdings");
}

#[test]
fn a_reference_nothing_loaded_has_is_looked_up_and_opened() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "CAS-000999");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::FindCase("CAS-000999".into())]);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert!(
        s.detail.is_none(),
        "nothing opens before the server answers"
    );

    let mut found = case("cas_z", "CAS-000999", -500, CaseStatus::Closed);
    found.decision = Some(Wire::Known(Decision::Decline));
    let effects = update(
        &mut s,
        Action::CaseFound {
            query: "CAS-000999".into(),
            result: Ok(Some(Box::new(found))),
        },
    );
    assert_eq!(effects, vec![Effect::LoadCase("cas_z".into())]);
    assert_eq!(s.detail.as_ref().unwrap().token, "cas_z");
    assert_eq!(s.queue.get("cas_z").unwrap().name, "CAS-000999");
    assert_eq!(names(&s), ["CAS-000999"]);
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("CAS-000999 is closed (Decline).")
    );
}

#[test]
fn a_reference_the_server_does_not_know_is_one_plain_line() {
    let mut s = state_with(sample());
    let effects = update(
        &mut s,
        Action::CaseFound {
            query: "CAS-123456".into(),
            result: Ok(None),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(s.ui.flash.as_deref(), Some("No case CAS-123456."));
    assert!(s.detail.is_none());

    let e = ProviderError::Api {
        status: 500,
        code: "INTERNAL".into(),
        message: "boom".into(),
        request_id: Some("req_1".into()),
        retry_after: None,
    };
    update(
        &mut s,
        Action::CaseFound {
            query: "CAS-123456".into(),
            result: Err(e),
        },
    );
    let flash = s.ui.flash.clone().unwrap();
    assert!(
        flash.starts_with("Cannot look up CAS-123456: INTERNAL"),
        "{flash}"
    );
    assert!(flash.contains("req_1"), "{flash}");
}

#[test]
fn the_palette_opens_a_case_named_by_its_reference() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "CAS-000252");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::LoadCase("cas_c".into())]);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert!(s.ui.palette.is_none());
    assert_eq!(s.detail.as_ref().unwrap().token, "cas_c");

    // Not loaded, and no command by that name: looked up.
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "CAS-000777");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::FindCase("CAS-000777".into())]);
    assert_eq!(s.ui.mode, Mode::Normal);
}

#[test]
fn the_filter_asks_the_api_once_typing_pauses_and_shows_what_it_found() {
    let mut s = state_with(sample());
    key(&mut s, KeyCode::Char('/'));
    assert!(
        typed(&mut s, "av").is_empty(),
        "two letters: not worth asking"
    );
    let effects = key(&mut s, KeyCode::Char('a'));
    let [Effect::SearchSoon { generation: first }] = effects[..] else {
        panic!("{effects:?}")
    };
    let effects = typed(&mut s, " mcallister");
    let [Effect::SearchSoon { generation }] = effects[..] else {
        panic!("{effects:?}")
    };
    // The first pause is for a text no longer typed: nothing is asked.
    assert!(update(&mut s, Action::SearchDue(first)).is_empty());
    let effects = update(&mut s, Action::SearchDue(generation));
    assert_eq!(effects, vec![Effect::Search("ava mcallister".into())]);
    assert!(names(&s).is_empty(), "no loaded case has the name");

    // The API finds a loaded case (by its UBO) and a closed one not loaded.
    let ubo_case = sample()[0].clone();
    let closed = case("cas_y", "CAS-000300", -50, CaseStatus::Closed);
    update(
        &mut s,
        Action::SearchResults {
            query: "ava mcallister".into(),
            result: Ok(Some(vec![closed, ubo_case])),
        },
    );
    assert_eq!(
        names(&s),
        ["CAS-000250", "CAS-000300"],
        "in the queue's order"
    );
    assert_eq!(
        s.queue.cases.len(),
        5,
        "the case not loaded joins the queue"
    );
    // A stale answer (for an older text) changes nothing shown.
    key(&mut s, KeyCode::Backspace);
    assert!(names(&s).is_empty());
    update(
        &mut s,
        Action::SearchResults {
            query: "ava mcallister".into(),
            result: Ok(Some(vec![])),
        },
    );
    assert!(names(&s).is_empty());
}

#[test]
fn without_an_api_search_the_filter_says_it_searched_the_loaded_cases_only() {
    let mut s = state_with(sample());
    s.settings.caps = Capabilities::none(Vendor::Persona);
    key(&mut s, KeyCode::Char('/'));
    let effects = typed(&mut s, "ava");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        s.queue.search_note.as_deref(),
        Some("loaded cases only: Persona's API has no search")
    );
}

#[test]
fn the_sort_picker_sorts_by_any_column_and_reverses_on_the_current_one() {
    let mut s = state_with(sample());
    assert_eq!(names(&s), ["CAS-000251", "CAS-000252", "CAS-000250"]);
    key(&mut s, KeyCode::Char('b'));
    assert_eq!(s.ui.mode, Mode::Sort);
    // sla, priority, risk: two down.
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(s.queue.sort, Sort::by(SortKey::Risk));
    assert_eq!(
        names(&s),
        ["CAS-000251", "CAS-000250", "CAS-000252"],
        "highest score first, no score last"
    );
    assert!(
        s.ui.flash
            .as_deref()
            .unwrap()
            .starts_with("Sorted by risk ↓")
    );
    // Again on the same key: the other way, still no score last.
    key(&mut s, KeyCode::Char('b'));
    assert_eq!(s.ui.sort_row, 2, "the picker opens on the current sort");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.queue.sort, Sort::by(SortKey::Risk).reversed());
    assert_eq!(names(&s), ["CAS-000250", "CAS-000251", "CAS-000252"]);

    let order = |key: SortKey| {
        let mut s = state_with(sample());
        let me = None;
        s.queue.set_sort(Sort::by(key), me);
        names(&s).into_iter().map(String::from).collect::<Vec<_>>()
    };
    assert_eq!(
        order(SortKey::Priority),
        ["CAS-000251", "CAS-000252", "CAS-000250"]
    );
    assert_eq!(
        order(SortKey::Alerts),
        ["CAS-000252", "CAS-000250", "CAS-000251"]
    );
    assert_eq!(order(SortKey::Updated)[..2], ["CAS-000251", "CAS-000250"]);
    assert_eq!(
        order(SortKey::Status),
        ["CAS-000252", "CAS-000250", "CAS-000251"]
    );
    assert_eq!(order(SortKey::Assignee)[0], "CAS-000252", "unassigned last");
    // Esc closes the picker, changing nothing.
    key(&mut s, KeyCode::Char('b'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(s.queue.sort, Sort::by(SortKey::Risk).reversed());
}

#[test]
fn awaiting_my_approval_is_a_built_in_view_for_approvers() {
    let mut s = state_with(sample());
    me(&mut s, "usr_sofia");
    let i = s
        .settings
        .views
        .iter()
        .position(|v| v.name == AWAITING_MY_APPROVAL)
        .expect("built in");
    assert_eq!(s.data.view_counts[i], 1);
    let mine = s
        .settings
        .views
        .iter()
        .position(|v| v.name == "Mine")
        .unwrap();
    assert_eq!(
        s.data.view_counts[mine], 0,
        "an approver is assigned nothing"
    );
    update(&mut s, Action::Command(Command::SelectView(i as u8 + 1)));
    assert_eq!(names(&s), ["CAS-000251"]);
}

#[test]
fn a_view_sets_any_filter_and_its_sort() {
    let mut s = state_with(sample());
    s.settings.views = vec![
        View {
            name: "Open".into(),
            quick: Quick::default(),
            sort: Sort::default(),
        },
        View {
            name: "Amara's high priority, most alerts".into(),
            quick: Quick {
                assignee: Some("amara okafor".into()),
                priority: Some(Priority::High),
                ..Quick::default()
            },
            sort: Sort::by(SortKey::Alerts),
        },
    ];
    key(&mut s, KeyCode::Char('2'));
    assert_eq!(names(&s), ["CAS-000252"]);
    assert_eq!(s.queue.sort, Sort::by(SortKey::Alerts));
    key(&mut s, KeyCode::Char('1'));
    assert_eq!(s.queue.sort, Sort::default(), "views switch their sort too");
    assert_eq!(names(&s).len(), 3);
}

#[test]
fn saving_the_filters_as_a_view_writes_it_then_selects_it() {
    let mut s = state_with(sample());
    update(&mut s, Action::Command(Command::ToggleHighRisk));
    s.queue.set_sort(Sort::by(SortKey::Updated), None);
    let effects = update(&mut s, Action::Command(Command::SaveView));
    let [Effect::SaveView(view)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(view.name, "High risk, by updated");
    assert!(view.quick.high_risk);
    assert_eq!(view.sort, Sort::by(SortKey::Updated));
    let n = s.settings.views.len();
    update(
        &mut s,
        Action::ViewSaved {
            view: view.clone(),
            path: "/home/a/.config/docket/config.toml".into(),
        },
    );
    assert_eq!(s.settings.views.len(), n + 1);
    assert_eq!(s.ui.view, n);
    assert_eq!(
        s.ui.flash.as_deref(),
        Some(&*format!(
            "Saved view \"High risk, by updated\" (key {}) to /home/a/.config/docket/config.toml",
            n + 1
        ))
    );
    // The same filters again: said, not saved twice.
    assert!(update(&mut s, Action::Command(Command::SaveView)).is_empty());
    assert!(s.ui.flash.as_deref().unwrap().contains("already has"));
}

#[test]
fn sort_spellings_read_back_as_written() {
    for s in [
        "risk",
        "risk:asc",
        "-risk",
        "+updated",
        "sla",
        "name:desc",
        "Assignee",
    ] {
        let sort = Sort::parse(s).unwrap();
        assert_eq!(Sort::parse(&sort.spelling()).unwrap(), sort, "{s}");
    }
    let e = Sort::parse("riks").unwrap_err();
    assert!(e.contains("expected one of: sla, priority, risk"), "{e}");
}

#[test]
fn the_api_s_finds_come_after_cases_that_contain_the_text_and_before_scattered_matches() {
    // "Ava Trust" contains "ava t" as typed; "Avalon Bay Trust" matches it only scattered;
    // the API finds a third case by its UBO, Ava Tremaine.
    let mut literal = case("cas_l", "CAS-000100", 30, CaseStatus::InProgress);
    literal.primary_entity = Some("Ava Trust".into());
    let mut scattered = case("cas_s", "CAS-000101", 1, CaseStatus::InProgress);
    scattered.primary_entity = Some("Avalon Bay Trust".into());
    let mut by_ubo = case("cas_u", "CAS-000102", 60, CaseStatus::InProgress);
    by_ubo.primary_entity = Some("Kestrel Row Capital".into());
    let mut s = state_with(vec![literal, scattered, by_ubo.clone()]);
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "ava t");
    assert_eq!(names(&s), ["CAS-000100", "CAS-000101"]);
    update(
        &mut s,
        Action::SearchResults {
            query: "ava t".into(),
            result: Ok(Some(vec![by_ubo])),
        },
    );
    assert_eq!(names(&s), ["CAS-000100", "CAS-000102", "CAS-000101"]);
}
