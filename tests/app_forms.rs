//! Creating from the console in the reducer: `N` opens the vendor's case form, `+` the entity
//! form; fields are moved through, typed and picked, checked as typed, read back as the exact
//! JSON body and sent through the outbox; a draft comes back; a duplicate reference is offered
//! instead; what lands opens.

mod common;

use common::records::{NOW, case, entity, now, user};
use common::reducer::step;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::flow::{FlowKind, Step, Submission};
use docket::app::form::FormState;
use docket::app::state::{Focus, Loadable, Tab};
use docket::app::update::{CasePart, Command};
use docket::app::{Action, Effect, State, update};
use docket::domain::form::{Choice, karmacheck_case, zenoo_case, zenoo_entity};
use docket::domain::{CaseStatus, EntityRole};
use docket::provider::ProviderError;
use docket::provider::api::Created;
use serde_json::json;

fn me() -> docket::domain::model::User {
    user("usr_me", "Me Analyst", "analyst")
}

/// The queue loaded (one case with external reference `CRM-7`), the user and users known.
fn loaded() -> State {
    let mut s = State::new("sandbox", now());
    update(&mut s, Action::MeLoaded(Some(me())));
    update(
        &mut s,
        Action::UsersLoaded(vec![me(), user("usr_lukas", "Lukas Brandt", "analyst")]),
    );
    let mut c = case(CaseStatus::InProgress);
    c.external_reference = Some("CRM-7".into());
    update(
        &mut s,
        Action::QueueLoaded {
            cases: (vec![c]).into(),
            at: now(),
        },
    );
    s
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    step(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    step(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(s, KeyCode::Char(c)))
        .collect()
}

fn form(s: &State) -> &FormState {
    s.flow
        .as_ref()
        .and_then(|f| f.form.as_deref())
        .expect("a form is open")
}

fn focused(s: &State) -> String {
    let f = form(s);
    f.form.fields[f.focus].path.clone()
}

fn shown(s: &State) -> Vec<String> {
    let f = form(s);
    f.shown()
        .into_iter()
        .map(|i| f.form.fields[i].path.clone())
        .collect()
}

/// Tabs to the field at `path` (failing if it is not shown).
fn go(s: &mut State, path: &str) {
    for _ in 0..40 {
        if focused(s) == path {
            return;
        }
        key(s, KeyCode::Tab);
    }
    panic!("{path} is not shown: {:?}", shown(s));
}

fn fill(s: &mut State, path: &str, text: &str) {
    go(s, path);
    typed(s, text);
}

/// Picks the choice labelled `label` in the picker at `path` with →.
fn pick(s: &mut State, path: &str, label: &str) {
    go(s, path);
    for _ in 0..20 {
        let f = form(s);
        if let docket::app::form::Input::Pick(p) = &f.inputs[f.focus]
            && p.label() == label
        {
            return;
        }
        key(s, KeyCode::Right);
    }
    panic!("no choice {label} at {path}");
}

/// `N`, then the provider's answer: the Zenoo case form.
fn new_case(s: &mut State) {
    let effects = key(s, KeyCode::Char('N'));
    assert_eq!(effects, vec![Effect::LoadCaseForm]);
    update(s, Action::CaseFormLoaded(Ok(Some(zenoo_case()))));
}

/// A Person case, filled in and valid.
fn person(s: &mut State, reference: &str) {
    pick(s, "type", "Onboarding");
    pick(s, "entity_category", "Person");
    fill(s, "entity.first_name", "Ada");
    fill(s, "entity.last_name", "Lovelace");
    fill(s, "entity.date_of_birth", "1985-12-10");
    fill(s, "entity.nationality", "gb");
    fill(s, "external_reference", reference);
    pick(s, "assigned_to", "me · Me Analyst");
    fill(s, "metadata", "channel = web");
    key(s, KeyCode::Enter);
    typed(s, "source = crm");
}

#[test]
fn n_reads_the_vendors_form_and_says_so_meanwhile() {
    let mut s = loaded();
    let effects = key(&mut s, KeyCode::Char('N'));
    assert_eq!(effects, vec![Effect::LoadCaseForm]);
    let f = s.flow.as_ref().unwrap();
    assert_eq!(f.kind, FlowKind::NewCase);
    assert!(f.form.is_none(), "loading");
    assert_eq!(s.data.case_form, Some(Loadable::Loading));
    update(&mut s, Action::CaseFormLoaded(Ok(Some(zenoo_case()))));
    assert_eq!(focused(&s), "type");
    // No entity category yet: neither person nor company fields.
    assert_eq!(
        shown(&s),
        [
            "type",
            "entity_category",
            "entity.address.line1",
            "entity.address.line2",
            "entity.address.city",
            "entity.address.state",
            "entity.address.postal_code",
            "entity.address.country",
            "external_reference",
            "assigned_to",
            "metadata"
        ]
    );
    // Esc closes; the form is known now and opens at once.
    key(&mut s, KeyCode::Esc);
    assert!(s.flow.is_none());
    assert_eq!(key(&mut s, KeyCode::Char('N')), vec![]);
    assert_eq!(focused(&s), "type");
    // The palette offers it by name.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "new case");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.flow.as_ref().unwrap().kind, FlowKind::NewCase);
}

#[test]
fn an_api_without_a_case_form_refuses_in_one_line_and_a_failure_shows_in_place() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char('N'));
    update(&mut s, Action::CaseFormLoaded(Ok(None)));
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("docket cannot open cases with Zenoo's API yet.")
    );
    // Said again at once, without asking.
    assert_eq!(key(&mut s, KeyCode::Char('N')), vec![]);
    assert!(s.flow.is_none());

    let mut s = loaded();
    key(&mut s, KeyCode::Char('N'));
    let e = ProviderError::Transport {
        endpoint: "GET /v1/forms".into(),
        message: "cannot connect".into(),
    };
    update(&mut s, Action::CaseFormLoaded(Err(e.clone())));
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Failed(e));
    // Any key asks again.
    assert_eq!(key(&mut s, KeyCode::Char('r')), vec![Effect::LoadCaseForm]);
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Edit);
}

#[test]
fn tab_and_shift_tab_move_through_the_shown_fields_and_wrap() {
    let mut s = loaded();
    new_case(&mut s);
    key(&mut s, KeyCode::Tab);
    assert_eq!(focused(&s), "entity_category");
    key(&mut s, KeyCode::BackTab);
    assert_eq!(focused(&s), "type");
    key(&mut s, KeyCode::BackTab);
    assert_eq!(focused(&s), "metadata");
    key(&mut s, KeyCode::Tab);
    assert_eq!(focused(&s), "type");
    // Remapped in the config: the new keys move.
    s.settings.keymap.bind(
        docket::app::keymap::Context::Editor,
        "ctrl-n".parse().unwrap(),
        Some(Command::SwitchField),
    );
    ctrl(&mut s, 'n');
    assert_eq!(focused(&s), "entity_category");
}

#[test]
fn the_entity_category_shows_person_or_company_fields() {
    let mut s = loaded();
    new_case(&mut s);
    pick(&mut s, "entity_category", "Person");
    let person = shown(&s);
    for p in [
        "entity.first_name",
        "entity.last_name",
        "entity.date_of_birth",
        "entity.nationality",
    ] {
        assert!(person.contains(&p.to_string()), "{p}: {person:?}");
    }
    assert!(!person.contains(&"entity.company_name".to_string()));
    fill(&mut s, "entity.first_name", "Ada");
    // Back to the category: → picks Company.
    go(&mut s, "entity_category");
    key(&mut s, KeyCode::Left);
    key(&mut s, KeyCode::Left);
    assert_eq!(form(&s).values().get("entity_category"), None);
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(
        form(&s).values().get("entity_category").map(String::as_str),
        Some("Company")
    );
    let company = shown(&s);
    for p in [
        "entity.company_name",
        "entity.country",
        "entity.registration_number",
    ] {
        assert!(company.contains(&p.to_string()), "{p}: {company:?}");
    }
    assert!(!company.contains(&"entity.first_name".to_string()));
    // The person's name is kept (it comes back with Person) but not sent.
    assert_eq!(
        form(&s)
            .values()
            .get("entity.first_name")
            .map(String::as_str),
        Some("Ada")
    );
    assert!(form(&s).body()["entity"].get("first_name").is_none());
}

#[test]
fn problems_show_beside_the_fields_as_typed_and_required_fields_are_marked() {
    let mut s = loaded();
    new_case(&mut s);
    pick(&mut s, "entity_category", "Person");
    let first = form(&s)
        .shown()
        .into_iter()
        .find(|&i| form(&s).form.fields[i].path == "entity.first_name")
        .unwrap();
    assert!(form(&s).required(first));
    // Untouched: no message yet, though it is missing.
    assert_eq!(form(&s).problem_of(first), None);
    fill(&mut s, "entity.date_of_birth", "1985-13-01");
    let dob = form(&s).focus;
    assert_eq!(
        form(&s).problem_of(dob),
        Some("expected a date as YYYY-MM-DD, not in the future")
    );
    // In the future by the console's clock.
    for _ in 0..10 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "2099-01-01");
    assert_eq!(
        form(&s).problem_of(dob),
        Some("expected a date as YYYY-MM-DD, not in the future")
    );
    for _ in 0..10 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "1985-12-10");
    assert_eq!(form(&s).problem_of(dob), None);
    fill(&mut s, "external_reference", &"r".repeat(256));
    let r = form(&s).focus;
    assert_eq!(
        form(&s).problem_of(r),
        Some("expected at most 255 characters, not 256")
    );
    // One line: Enter adds no line break.
    key(&mut s, KeyCode::Enter);
    assert!(!form(&s).values()["external_reference"].contains('\n'));
}

#[test]
fn review_is_refused_with_the_problems_listed() {
    let mut s = loaded();
    new_case(&mut s);
    pick(&mut s, "entity_category", "Person");
    fill(&mut s, "entity.last_name", "Lovelace");
    let effects = ctrl(&mut s, 's');
    assert!(effects.is_empty(), "{effects:?}");
    let f = s.flow.as_ref().unwrap();
    assert_eq!(f.step, Step::Edit);
    assert!(form(&s).tried);
    assert_eq!(
        form(&s).listed_problems(),
        [
            "Case type: expected a value; this field is required",
            "First name: expected a value; this field is required",
            "Date of birth: expected a date of birth or a nationality for a person",
        ]
    );
    // The keyboard goes to the first.
    assert_eq!(focused(&s), "type");
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("Not ready to review: 3 problems (listed in the form).")
    );
}

#[test]
fn the_read_back_is_the_exact_body_and_confirming_sends_it_through_the_outbox() {
    let mut s = loaded();
    new_case(&mut s);
    person(&mut s, "crm-1");
    ctrl(&mut s, 's');
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Confirm);
    let body = json!({
        "type": "Onboarding",
        "entity_category": "Person",
        "entity": {
            "type": "Person",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "date_of_birth": "1985-12-10",
            "nationality": "GB",
        },
        "external_reference": "crm-1",
        "assigned_to": "usr_me",
        "metadata": { "channel": "web", "source": "crm" },
    });
    assert_eq!(form(&s).body(), body);
    assert_eq!(
        form(&s).pretty_body(),
        serde_json::to_string_pretty(&body).unwrap()
    );
    assert_eq!(form(&s).duplicate, None);
    // Esc goes back to the form, intact; Ctrl-S again, then Enter sends.
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Edit);
    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    assert_eq!(
        effects,
        vec![Effect::Submit {
            flow,
            case: String::new(),
            title: "New case".into(),
            submission: Submission::CreateCase {
                body,
                reference: Some("crm-1".into()),
            },
            expect: None,
            replace: vec![],
        }]
    );
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Submitting);
    // On disk: the draft goes.
    let effects = update(&mut s, Action::Enqueued { flow, entry: 9 });
    assert_eq!(
        effects,
        vec![Effect::DeleteDraft {
            key: "new_case".into()
        }]
    );
    // It lands: the drawer closes and the new case opens, read into the queue.
    let made = Created {
        token: "cas_new".into(),
        name: "CAS-000401".into(),
        existing: false,
    };
    let effects = update(
        &mut s,
        Action::Created {
            flow: Some(flow),
            created: made,
            case: Some("cas_new".into()),
        },
    );
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("✓ Created CAS-000401 (cas_new)")
    );
    assert_eq!(s.detail.as_ref().unwrap().token, "cas_new");
    assert_eq!(s.ui.focus, Focus::Detail);
    for e in [
        Effect::LoadQueue,
        Effect::RefreshCase("cas_new".into()),
        Effect::LoadCase("cas_new".into()),
    ] {
        assert!(effects.contains(&e), "{e:?} in {effects:?}");
    }
    // Until the queue has it, the pane says it is being read, not that it is gone.
    let screen = draw(&s);
    assert!(screen.contains("Reading the case…"), "{screen}");
    assert!(!screen.contains("no longer in the queue"), "{screen}");
    // Once the queue has it, it is the selected row.
    let mut c = case(CaseStatus::New);
    c.token = "cas_new".into();
    c.name = "CAS-000401".into();
    update(&mut s, Action::CaseRefreshed(Box::new(c)));
    assert_eq!(s.queue.selected.as_deref(), Some("cas_new"));
}

#[test]
fn a_case_the_server_already_had_opens_and_the_flash_says_so() {
    let mut s = loaded();
    new_case(&mut s);
    person(&mut s, "crm-9");
    ctrl(&mut s, 's');
    key(&mut s, KeyCode::Enter);
    let flow = s.flow.as_ref().unwrap().id;
    update(
        &mut s,
        Action::Created {
            flow: Some(flow),
            created: Created {
                token: "cas_old".into(),
                name: "CAS-000077".into(),
                existing: true,
            },
            case: Some("cas_old".into()),
        },
    );
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("ⓘ CAS-000077 already exists (cas_old): nothing new was made")
    );
    assert_eq!(s.detail.as_ref().unwrap().token, "cas_old");
}

#[test]
fn read_only_refuses_to_open_and_to_send_keeping_the_form() {
    let mut s = loaded();
    s.data.read_only = true;
    assert!(key(&mut s, KeyCode::Char('N')).is_empty());
    assert!(s.flow.is_none());
    assert!(s.ui.flash.as_deref().unwrap().starts_with("Read-only"));

    // Learnt after the form opened: nothing is written, the form stays.
    let mut s = loaded();
    new_case(&mut s);
    person(&mut s, "crm-2");
    ctrl(&mut s, 's');
    s.data.read_only = true;
    let effects = key(&mut s, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(
        &s.flow.as_ref().unwrap().step,
        Step::Failed(ProviderError::Invalid(m)) if m.starts_with("Read-only")
    ));
    key(&mut s, KeyCode::Char('x'));
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Edit);
    assert_eq!(form(&s).values()["entity.first_name"], "Ada");
    assert_eq!(form(&s).values()["external_reference"], "crm-2");
}

#[test]
fn a_loaded_case_with_the_same_reference_is_offered_instead() {
    let mut s = loaded();
    new_case(&mut s);
    person(&mut s, "CRM-7");
    ctrl(&mut s, 's');
    assert_eq!(
        form(&s).duplicate,
        Some(("cas_1".to_string(), "CAS-000001".to_string()))
    );
    let effects = key(&mut s, KeyCode::Char('o'));
    assert!(s.flow.is_none(), "nothing is sent");
    assert_eq!(s.detail.as_ref().unwrap().token, "cas_1");
    assert!(effects.contains(&Effect::DeleteDraft {
        key: "new_case".into()
    }));
    assert!(effects.contains(&Effect::LoadCase("cas_1".into())));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Submit { .. })),
        "{effects:?}"
    );
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("Opened CAS-000001, which has external reference CRM-7; nothing was sent.")
    );
}

#[test]
fn the_form_is_a_draft_that_comes_back_after_a_restart() {
    let mut s = loaded();
    new_case(&mut s);
    pick(&mut s, "entity_category", "Company");
    let effects = fill_and_collect(&mut s, "entity.company_name", "Nordlicht");
    let Some(Effect::SaveDraft {
        key: draft_key,
        text,
        ..
    }) = effects.last()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(draft_key, "new_case");
    let values: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        values,
        json!({ "entity_category": "Company", "entity.company_name": "Nordlicht" })
    );
    // Esc keeps it; N brings it back.
    update(
        &mut s,
        Action::DraftSaved {
            key: draft_key.clone(),
            text: text.clone(),
            conditions: String::new(),
        },
    );
    key_esc(&mut s);
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("Draft kept: reopen the same action to continue.")
    );
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(s.ui.flash.as_deref(), Some("Draft restored."));
    assert_eq!(form(&s).values()["entity.company_name"], "Nordlicht");

    // After kill -9: the next run reads the drafts from the store.
    let mut fresh = loaded();
    update(
        &mut fresh,
        Action::DraftsLoaded(vec![(draft_key.clone(), text.clone(), String::new())]),
    );
    new_case(&mut fresh);
    assert_eq!(form(&fresh).values()["entity_category"], "Company");
    assert_eq!(form(&fresh).values()["entity.company_name"], "Nordlicht");
    assert!(shown(&fresh).contains(&"entity.company_name".to_string()));
    // Ctrl-X discards it.
    let effects = ctrl(&mut fresh, 'x');
    assert_eq!(
        effects,
        vec![Effect::DeleteDraft {
            key: "new_case".into()
        }]
    );
    assert!(fresh.flow.is_none());
}

fn fill_and_collect(s: &mut State, path: &str, text: &str) -> Vec<Effect> {
    go(s, path);
    typed(s, text)
}

fn key_esc(s: &mut State) {
    key(s, KeyCode::Esc);
    assert!(s.flow.is_none());
}

/// A case open on its Entities tab, its entities loaded.
fn entities_tab() -> State {
    let mut s = loaded();
    s.settings.entity_form = Some(zenoo_entity());
    update(&mut s, Action::Command(Command::Open));
    update(
        &mut s,
        Action::CaseLoaded {
            token: "cas_1".into(),
            part: Box::new(CasePart::Entities(Ok(vec![
                entity(
                    "ent_co",
                    "Nordlicht Logistik GmbH",
                    true,
                    EntityRole::Primary,
                ),
                entity("ent_dir", "Jonas Weber", false, EntityRole::Director),
            ]))),
        },
    );
    s.detail.as_mut().unwrap().tab = Tab::Entities;
    s
}

#[test]
fn plus_adds_an_entity_with_its_parent_picked_from_the_case() {
    let mut s = entities_tab();
    assert!(key(&mut s, KeyCode::Char('+')).is_empty());
    let f = s.flow.as_ref().unwrap();
    assert_eq!(f.kind, FlowKind::AddEntity);
    assert_eq!(f.title(), "Add an entity to CAS-000001");
    pick(&mut s, "entity.type", "Person");
    fill(&mut s, "entity.first_name", "Ines");
    fill(&mut s, "entity.last_name", "Vogel");
    fill(&mut s, "entity.nationality", "DE");
    pick(&mut s, "role", "UBO");
    // Ownership is required for a UBO, and must be 25% or more.
    fill(&mut s, "ownership_percentage", "20");
    let at = form(&s).focus;
    assert_eq!(
        form(&s).problem_of(at),
        Some("expected 25% or more for a UBO; a smaller share makes a Shareholder")
    );
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "40");
    pick(
        &mut s,
        "parent_entity_token",
        "Nordlicht Logistik GmbH (Company, Primary)",
    );
    ctrl(&mut s, 's');
    assert_eq!(s.flow.as_ref().unwrap().step, Step::Confirm);
    let effects = key(&mut s, KeyCode::Char('y'));
    let flow = s.flow.as_ref().unwrap().id;
    assert_eq!(
        effects,
        vec![Effect::Submit {
            flow,
            case: "cas_1".into(),
            title: "Add an entity to CAS-000001".into(),
            submission: Submission::AddEntity {
                case: "cas_1".into(),
                body: json!({
                    "entity": {
                        "type": "Person",
                        "first_name": "Ines",
                        "last_name": "Vogel",
                        "nationality": "DE",
                    },
                    "role": "UBO",
                    "ownership_percentage": 40,
                    "parent_entity_token": "ent_co",
                }),
            },
            expect: None,
            replace: vec![],
        }]
    );
    // Lands: the drawer closes, the Entities tab reloads.
    let effects = update(
        &mut s,
        Action::Created {
            flow: Some(flow),
            created: Created {
                token: "ent_new".into(),
                name: "Ines Vogel".into(),
                existing: false,
            },
            case: Some("cas_1".into()),
        },
    );
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("✓ Created Ines Vogel (ent_new)")
    );
    assert_eq!(s.detail.as_ref().unwrap().tab, Tab::Entities);
    assert!(
        effects.contains(&Effect::LoadCase("cas_1".into())),
        "{effects:?}"
    );
}

#[test]
fn plus_needs_an_open_case_and_an_api_that_adds_entities() {
    let mut s = loaded();
    s.settings.entity_form = Some(zenoo_entity());
    key(&mut s, KeyCode::Char('+'));
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("Open a case first: an entity is added to the open case.")
    );
    let mut s = entities_tab();
    s.settings.entity_form = None;
    key(&mut s, KeyCode::Char('+'));
    assert!(s.flow.is_none());
    assert_eq!(
        s.ui.flash.as_deref(),
        Some("docket cannot add entities to a case with Zenoo's API yet.")
    );
}

#[test]
fn another_vendors_form_picks_yes_or_no_and_checks_its_own_fields() {
    let mut s = loaded();
    key(&mut s, KeyCode::Char('N'));
    update(
        &mut s,
        Action::CaseFormLoaded(Ok(Some(karmacheck_case(vec![
            Choice::new("pkg_basic", "Basic check"),
            Choice::new("pkg_full", "Full check"),
        ])))),
    );
    // Typing in a picker narrows it.
    typed(&mut s, "full");
    assert_eq!(form(&s).values()["packageId"], "pkg_full");
    fill(&mut s, "email", "not-an-email");
    let at = form(&s).focus;
    assert_eq!(
        form(&s).problem_of(at),
        Some("expected an email address, such as name@example.com")
    );
    pick(&mut s, "autoProcess", "no");
    assert_eq!(form(&s).body()["autoProcess"], json!(false));
    ctrl(&mut s, 's');
    assert_eq!(
        form(&s).listed_problems(),
        [
            "Candidate email: expected an email address, such as name@example.com",
            "Given name: expected a value; this field is required",
            "Family name: expected a value; this field is required",
        ]
    );
    let _ = NOW;
}

/// The console drawn at 100x30, as text.
fn draw(s: &State) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    t.draw(|f| docket::ui::view(s, &docket::ui::Theme::dark(), f))
        .unwrap();
    let buf = t.backend().buffer();
    (0..30)
        .map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn a_created_case_that_cannot_be_read_says_why_instead_of_reading_forever() {
    let mut s = loaded();
    update(&mut s, Action::OpenCase("cas_gone".into()));
    assert_eq!(s.ui.reveal.as_deref(), Some("cas_gone"));
    update(
        &mut s,
        Action::CaseRefreshFailed {
            token: "cas_gone".into(),
            error: ProviderError::Invalid("network down".into()),
        },
    );
    assert_eq!(s.ui.reveal, None);
    let said = s.ui.flash.clone().unwrap_or_default();
    assert!(
        said.contains("Cannot read cas_gone") && said.contains("network down"),
        "{said}"
    );
    assert!(!draw(&s).contains("Reading the case…"));
}
