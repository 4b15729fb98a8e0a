use jiff::civil::{Date, date};
use serde_json::{Value, json};

use super::*;

const TODAY: Date = date(2025, 6, 15);

fn values(pairs: &[(&str, &str)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn problems(list: &[(&str, &str)]) -> Vec<Problem> {
    list.iter()
        .map(|(p, m)| Problem {
            path: p.to_string(),
            message: m.to_string(),
        })
        .collect()
}

/// A one-field form, to test a kind on its own.
fn single(kind: Kind) -> Form {
    Form {
        title: "t".to_string(),
        fields: vec![Field::new("x", "X", kind)],
        rules: Vec::new(),
        derived: Vec::new(),
        notes: Vec::new(),
    }
}

/// Checks `raw` against a one-field form of `kind`: `Ok(json)` is what body() sends,
/// `Err(message)` the one problem validate() reports.
fn check(kind: &Kind, raw: &str) -> Result<Value, String> {
    let form = single(kind.clone());
    let v = values(&[("x", raw)]);
    match form.validate(&v, TODAY).as_slice() {
        [] => Ok(form.body(&v)["x"].clone()),
        [p] => Err(p.message.clone()),
        many => panic!("more than one problem: {many:?}"),
    }
}

#[test]
fn each_kind_accepts_and_rejects() {
    let ubo = vec![
        Choice::new("ctmpl_1", "KYC review"),
        Choice::plain("Review"),
    ];
    let steps = vec![
        Choice::new("check.photo_id", "Photo ID"),
        Choice::new("check.watchlist", "Watchlist"),
    ];
    let long = "u".repeat(256);
    let ok = |v: Value| -> Result<Value, String> { Ok(v) };
    let err = |m: &str| -> Result<Value, String> { Err(m.to_string()) };
    let cases: Vec<(Kind, &str, Result<Value, String>)> = vec![
        // Text: counted in chars; "é" and CJK are several bytes each.
        (Kind::Text { max: 5 }, "héllo", ok(json!("héllo"))),
        (Kind::Text { max: 5 }, "日本語テキ", ok(json!("日本語テキ"))),
        (
            Kind::Text { max: 5 },
            "日本語テキス",
            err("expected at most 5 characters, not 6"),
        ),
        (Kind::Text { max: 5 }, "  abc  ", ok(json!("abc"))),
        (Kind::Date, "2025-06-15", ok(json!("2025-06-15"))),
        (Kind::Date, "2024-02-29", ok(json!("2024-02-29"))),
        (
            Kind::Date,
            "2025-06-16",
            err("expected a date as YYYY-MM-DD, not in the future"),
        ),
        (
            Kind::Date,
            "2023-02-29",
            err("expected a date as YYYY-MM-DD, not in the future"),
        ),
        (
            Kind::Date,
            "15/06/2025",
            err("expected a date as YYYY-MM-DD, not in the future"),
        ),
        (
            Kind::Date,
            "20250615",
            err("expected a date as YYYY-MM-DD, not in the future"),
        ),
        (
            Kind::Date,
            "2025-6-1",
            err("expected a date as YYYY-MM-DD, not in the future"),
        ),
        (Kind::Country, "gb", ok(json!("GB"))),
        (Kind::Country, "Us", ok(json!("US"))),
        (
            Kind::Country,
            "uk",
            err("expected an ISO 3166-1 alpha-2 country code, such as GB or US"),
        ),
        (
            Kind::Country,
            "XX",
            err("expected an ISO 3166-1 alpha-2 country code, such as GB or US"),
        ),
        (
            Kind::Country,
            "GBR",
            err("expected an ISO 3166-1 alpha-2 country code, such as GB or US"),
        ),
        (Kind::Choice(ubo.clone()), "ctmpl_1", ok(json!("ctmpl_1"))),
        (
            Kind::Choice(ubo.clone()),
            "kyc REVIEW",
            ok(json!("ctmpl_1")),
        ),
        (Kind::Choice(ubo.clone()), "review", ok(json!("Review"))),
        (
            Kind::Choice(ubo.clone()),
            "other",
            err("expected one of these: KYC review (ctmpl_1), Review"),
        ),
        (
            Kind::MultiChoice(steps.clone()),
            "check.photo_id, watchlist, Photo ID",
            ok(json!(["check.photo_id", "check.watchlist"])),
        ),
        (
            Kind::MultiChoice(steps.clone()),
            "check.photo_id, check.video",
            err(
                "expected a comma-separated list of these: Photo ID (check.photo_id), Watchlist (check.watchlist); \"check.video\" is not one",
            ),
        ),
        (Kind::Email, "jo@example.com", ok(json!("jo@example.com"))),
        (
            Kind::Email,
            "jo@example",
            err("expected an email address, such as name@example.com"),
        ),
        (
            Kind::Email,
            "j o@example.com",
            err("expected an email address, such as name@example.com"),
        ),
        (
            Kind::Email,
            "@example.com",
            err("expected an email address, such as name@example.com"),
        ),
        (
            Kind::Email,
            "jo@@example.com",
            err("expected an email address, such as name@example.com"),
        ),
        (Kind::Integer { min: 1, max: 10 }, "1", ok(json!(1))),
        (Kind::Integer { min: 1, max: 10 }, "10", ok(json!(10))),
        (
            Kind::Integer { min: 1, max: 10 },
            "0",
            err("expected a whole number from 1 to 10"),
        ),
        (
            Kind::Integer { min: 1, max: 10 },
            "11",
            err("expected a whole number from 1 to 10"),
        ),
        (
            Kind::Integer { min: 1, max: 10 },
            "1.5",
            err("expected a whole number from 1 to 10"),
        ),
        (
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
            "25.5",
            ok(json!(25.5)),
        ),
        (
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
            "30",
            ok(json!(30)),
        ),
        (
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
            "100",
            ok(json!(100)),
        ),
        (
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
            "-0.1",
            err("expected a number from 0 to 100"),
        ),
        (
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
            "NaN",
            err("expected a number from 0 to 100"),
        ),
        (
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
            "inf",
            err("expected a number from 0 to 100"),
        ),
        (Kind::Bool, "yes", ok(json!(true))),
        (Kind::Bool, "TRUE", ok(json!(true))),
        (Kind::Bool, "1", ok(json!(true))),
        (Kind::Bool, "no", ok(json!(false))),
        (Kind::Bool, "False", ok(json!(false))),
        (Kind::Bool, "0", ok(json!(false))),
        (
            Kind::Bool,
            "maybe",
            err("expected yes or no (true/false, 1/0)"),
        ),
        (
            Kind::KeyValues,
            "a = 1\n\nb=two words",
            ok(json!({"a": "1", "b": "two words"})),
        ),
        (
            Kind::KeyValues,
            "a = 1\njust text",
            err("expected \"key = value\" lines; line 2 has no \"=\""),
        ),
        (
            Kind::KeyValues,
            "= x",
            err("expected \"key = value\" lines; line 1 has no key"),
        ),
        (
            Kind::KeyValues,
            "a = 1\na = 2",
            err("expected each key once; \"a\" is given twice"),
        ),
        (Kind::List, "inq_1, inq_2", ok(json!(["inq_1", "inq_2"]))),
        (Kind::List, "inq_1,,inq_2,", ok(json!(["inq_1", "inq_2"]))),
        (
            Kind::List,
            "inq 1",
            err("expected ids separated by commas, with no spaces inside an id"),
        ),
        (
            Kind::List,
            ",",
            err("expected at least one id, separated by commas"),
        ),
        (Kind::User, "usr_1", ok(json!("usr_1"))),
        (
            Kind::User,
            &long,
            err("expected a user id of at most 255 characters"),
        ),
    ];
    for (kind, raw, want) in &cases {
        assert_eq!(&check(kind, raw), want, "{kind:?} given {raw:?}");
    }
    // Blank is absent, whatever the kind: no problem for an optional field, nothing sent.
    for (kind, _, _) in &cases {
        assert_eq!(check(kind, "   "), Ok(Value::Null), "{kind:?} given blank");
    }
}

#[test]
fn a_long_choice_list_is_summed_up_in_the_message() {
    let many: Vec<Choice> = (1..=10).map(|i| Choice::plain(format!("p{i}"))).collect();
    assert_eq!(
        check(&Kind::Choice(many), "p11"),
        Err("expected one of the 10 choices, such as p1, p2, p3".to_string())
    );
}

#[test]
fn shown_when_hides_fields_which_are_then_neither_checked_nor_sent() {
    let form = zenoo_case();
    let company = values(&[
        ("type", "Onboarding"),
        ("entity_category", "company"),
        ("entity.company_name", "Acme Ltd"),
        ("entity.country", "gb"),
        // Person fields left over from before the category changed: hidden, so ignored.
        ("entity.first_name", &"x".repeat(500)),
        ("entity.date_of_birth", "not a date"),
    ]);
    let shown: Vec<&str> = form
        .visible(&company)
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert!(shown.contains(&"entity.company_name"));
    assert!(!shown.contains(&"entity.first_name"));
    assert!(!shown.contains(&"entity.date_of_birth"));
    assert_eq!(form.validate(&company, TODAY), vec![]);
    assert_eq!(form.body(&company)["entity"].get("first_name"), None);

    // Nothing chosen yet: neither the person nor the company fields are shown.
    let none = form.visible(&Values::new());
    assert!(none.iter().all(|f| f.show.is_none()));
}

#[test]
fn need_when_requires_only_while_its_condition_holds() {
    let form = zenoo_entity();
    let base = [
        ("entity.type", "Person"),
        ("entity.first_name", "Jo"),
        ("entity.last_name", "Bloggs"),
        ("entity.nationality", "GB"),
    ];
    let ubo = values(&[base.as_slice(), &[("role", "ubo")]].concat());
    assert_eq!(
        form.validate(&ubo, TODAY),
        problems(&[(
            "ownership_percentage",
            "expected a value when Role is UBO or Shareholder"
        )])
    );
    let ownership = form.field("ownership_percentage").unwrap();
    assert!(form.is_required(ownership, &ubo));
    let director = values(&[base.as_slice(), &[("role", "Director")]].concat());
    assert!(!form.is_required(ownership, &director));
    assert_eq!(form.validate(&director, TODAY), vec![]);
}

#[test]
fn the_ubo_share_applies_to_ubos_only() {
    let form = zenoo_entity();
    let with = |role: &str, pct: &str| {
        values(&[
            ("entity.type", "Company"),
            ("entity.company_name", "Acme Ltd"),
            ("entity.country", "GB"),
            ("role", role),
            ("ownership_percentage", pct),
        ])
    };
    let too_little = problems(&[(
        "ownership_percentage",
        "expected 25% or more for a UBO; a smaller share makes a Shareholder",
    )]);
    assert_eq!(form.validate(&with("UBO", "24.99"), TODAY), too_little);
    // The sandbox's rule, from the same constant: 25 itself is a UBO's share.
    assert_eq!(form.validate(&with("UBO", "25"), TODAY), vec![]);
    assert_eq!(form.validate(&with("Shareholder", "10"), TODAY), vec![]);
    // A shareholder's share is needed, as the sandbox needs it.
    assert_eq!(
        form.validate(&with("Shareholder", ""), TODAY),
        problems(&[(
            "ownership_percentage",
            "expected a value when Role is UBO or Shareholder"
        )])
    );
    // A value the field refuses is reported once, by its kind, not again by the rule.
    for bad in ["lots", "-5"] {
        assert_eq!(
            form.validate(&with("UBO", bad), TODAY),
            problems(&[("ownership_percentage", "expected a number from 0 to 100")])
        );
    }
}

#[test]
fn at_least_one_asks_a_person_for_a_birth_date_or_a_nationality() {
    let form = zenoo_case();
    let person = |extra: &[(&str, &str)]| {
        let mut v = values(&[
            ("type", "Review"),
            ("entity_category", "Person"),
            ("entity.first_name", "Jo"),
            ("entity.last_name", "Bloggs"),
        ]);
        v.extend(values(extra));
        v
    };
    assert_eq!(
        form.validate(&person(&[]), TODAY),
        problems(&[(
            "entity.date_of_birth",
            "expected a date of birth or a nationality for a person"
        )])
    );
    assert_eq!(
        form.validate(&person(&[("entity.nationality", "fr")]), TODAY),
        vec![]
    );
    assert_eq!(
        form.validate(&person(&[("entity.date_of_birth", "1980-01-31")]), TODAY),
        vec![]
    );
    // A bad date still counts as given: its own problem says what is wrong.
    assert_eq!(
        form.validate(&person(&[("entity.date_of_birth", "31/01/1980")]), TODAY),
        problems(&[(
            "entity.date_of_birth",
            "expected a date as YYYY-MM-DD, not in the future"
        )])
    );
}

#[test]
fn every_problem_comes_in_field_order() {
    let form = zenoo_case();
    let v = values(&[
        ("entity_category", "Person"),
        ("entity.last_name", "Ω".repeat(101).as_str()),
        ("entity.address.country", "ZZ"),
        ("external_reference", "r".repeat(256).as_str()),
        ("metadata", "oops"),
        ("externl_reference", "crm-1"),
    ]);
    assert_eq!(
        form.validate(&v, TODAY),
        problems(&[
            ("type", "expected a value; this field is required"),
            (
                "entity.first_name",
                "expected a value; this field is required"
            ),
            (
                "entity.last_name",
                "expected at most 100 characters, not 101"
            ),
            (
                "entity.date_of_birth",
                "expected a date of birth or a nationality for a person"
            ),
            (
                "entity.address.country",
                "expected an ISO 3166-1 alpha-2 country code, such as GB or US"
            ),
            (
                "external_reference",
                "expected at most 255 characters, not 256"
            ),
            (
                "metadata",
                "expected \"key = value\" lines; line 1 has no \"=\""
            ),
            (
                "externl_reference",
                "unknown column \"externl_reference\"; the nearest known column is \"external_reference\""
            ),
        ])
    );
}

#[test]
fn column_names_a_field_a_metadata_key_or_the_nearest_known_one() {
    let form = zenoo_case();
    let path = |name: &str| form.column(name).map(|f| f.path.as_str());
    assert_eq!(path("entity.first_name"), Ok("entity.first_name"));
    assert_eq!(path(" entity.address.city "), Ok("entity.address.city"));
    assert_eq!(path("metadata"), Ok("metadata"));
    assert_eq!(path("metadata.risk_band"), Ok("metadata"));
    assert_eq!(path("metadata.a.b"), Ok("metadata"));
    assert_eq!(
        path("first_name"),
        Err(
            "unknown column \"first_name\"; the nearest known column is \"entity.first_name\""
                .to_string()
        )
    );
    assert_eq!(
        path("entity.firstname"),
        Err("unknown column \"entity.firstname\"; the nearest known column is \"entity.first_name\"".to_string())
    );
    assert_eq!(
        path("metadata."),
        Err("unknown column \"metadata.\"; the nearest known column is \"metadata\" (or \"metadata.<key>\" for one key)".to_string())
    );
    assert_eq!(
        path("entity.type"),
        Err("column \"entity.type\" is not read: it is set from entity_category".to_string())
    );
    assert_eq!(path(""), Err("a column has no name".to_string()));

    let persona = persona_case(Vec::new());
    assert_eq!(
        persona
            .column("data.attributes.fields.kyc-level")
            .map(|f| f.path.as_str()),
        Ok("data.attributes.fields")
    );
}

#[test]
fn zenoo_case_body_nests_types_and_derives_the_entity_type() {
    let form = zenoo_case();
    let v = values(&[
        ("type", "onboarding"),
        ("entity_category", "person"),
        ("entity.first_name", " Zoë "),
        ("entity.last_name", "Ørsted"),
        ("entity.date_of_birth", "1980-01-31"),
        ("entity.nationality", "dk"),
        ("entity.address.line1", "1 High St"),
        ("entity.address.line2", "   "),
        ("entity.address.country", "gb"),
        ("entity.company_name", "hidden, so not sent"),
        ("assigned_to", "usr_7"),
        ("metadata", "source = csv\nbatch = 7"),
        ("metadata.desk", "London"),
    ]);
    assert_eq!(form.validate(&v, TODAY), vec![]);
    assert_eq!(
        form.body(&v),
        json!({
            "type": "Onboarding",
            "entity_category": "Person",
            "entity": {
                "type": "Person",
                "first_name": "Zoë",
                "last_name": "Ørsted",
                "date_of_birth": "1980-01-31",
                "nationality": "DK",
                "address": { "line1": "1 High St", "country": "GB" },
            },
            "assigned_to": "usr_7",
            "metadata": { "source": "csv", "batch": "7", "desk": "London" },
        })
    );
}

#[test]
fn a_metadata_key_given_twice_is_a_problem() {
    let form = zenoo_case();
    let v = values(&[("metadata", "desk = Paris"), ("metadata.desk", "London")]);
    let found = form.validate(&v, TODAY);
    assert!(
        found.contains(&Problem {
            path: "metadata".to_string(),
            message: "expected each key once; \"desk\" is given twice".to_string(),
        }),
        "{found:?}"
    );
}

/// One valid set of values per form, with the body each must send.
fn samples() -> Vec<(Form, Values, Value)> {
    let templates = vec![Choice::new("ctmpl_abc", "KYC review")];
    let packages = vec![Choice::new("3f2a", "Standard")];
    let steps = vec![
        Choice::new("check.photo_id", "Photo ID"),
        Choice::new("check.watchlist", "Watchlist"),
    ];
    vec![
        (
            zenoo_case(),
            values(&[
                ("type", "Review"),
                ("entity_category", "Company"),
                ("entity.company_name", "Acme Ltd"),
                ("entity.country", "GB"),
                ("entity.registration_number", "01234567"),
                ("external_reference", "crm-42"),
                ("metadata", "desk = London"),
            ]),
            json!({
                "type": "Review",
                "entity_category": "Company",
                "entity": {
                    "type": "Company",
                    "company_name": "Acme Ltd",
                    "country": "GB",
                    "registration_number": "01234567",
                },
                "external_reference": "crm-42",
                "metadata": { "desk": "London" },
            }),
        ),
        (
            zenoo_entity(),
            values(&[
                ("entity.type", "Person"),
                ("entity.first_name", "Jo"),
                ("entity.last_name", "Bloggs"),
                ("entity.date_of_birth", "1975-05-05"),
                ("role", "UBO"),
                ("ownership_percentage", "40.5"),
                ("parent_entity_token", "ent_1"),
            ]),
            json!({
                "entity": {
                    "type": "Person",
                    "first_name": "Jo",
                    "last_name": "Bloggs",
                    "date_of_birth": "1975-05-05",
                },
                "role": "UBO",
                "ownership_percentage": 40.5,
                "parent_entity_token": "ent_1",
            }),
        ),
        (
            persona_case(templates),
            values(&[
                ("data.attributes.case-template-id", "ctmpl_abc"),
                ("data.attributes.creator-email-address", "ana@example.com"),
                ("meta.object-ids", "inq_1, rep_2"),
                ("meta.sla-expires-in-seconds", "86400"),
                ("data.attributes.fields", "kyc-level = 2"),
            ]),
            json!({
                "data": { "attributes": {
                    "case-template-id": "ctmpl_abc",
                    "creator-email-address": "ana@example.com",
                    "fields": { "kyc-level": "2" },
                } },
                "meta": { "object-ids": ["inq_1", "rep_2"], "sla-expires-in-seconds": 86400 },
            }),
        ),
        (
            karmacheck_case(packages),
            values(&[
                ("packageId", "3f2a"),
                ("email", "cand@example.com"),
                ("givenName", "Sam"),
                ("familyName", "Lee"),
                ("autoProcess", "false"),
            ]),
            json!({
                "packageId": "3f2a",
                "email": "cand@example.com",
                "givenName": "Sam",
                "familyName": "Lee",
                "autoProcess": false,
            }),
        ),
        (
            amiqus_case(steps),
            values(&[
                ("client.name.first_name", "Marty"),
                ("client.name.last_name", "McFly"),
                ("client.email", "marty@example.com"),
                ("record.steps", "check.photo_id, check.watchlist"),
                ("case.name", "Onboarding"),
                ("case.reference", "ref-1"),
            ]),
            json!({
                "client": {
                    "name": { "first_name": "Marty", "last_name": "McFly" },
                    "email": "marty@example.com",
                },
                "record": { "steps": ["check.photo_id", "check.watchlist"] },
                "case": { "name": "Onboarding", "reference": "ref-1" },
            }),
        ),
    ]
}

#[test]
fn every_form_sends_its_sample_body_and_reads_it_back() {
    for (form, v, want) in samples() {
        assert_eq!(form.validate(&v, TODAY), vec![], "{}", form.title);
        let body = form.body(&v);
        assert_eq!(body, want, "{}", form.title);
        // The sample values are already normalised, so they come back exactly.
        assert_eq!(form.values_of(&body), v, "{}", form.title);
        assert_eq!(form.body(&form.values_of(&body)), body, "{}", form.title);
    }
}

#[test]
fn values_of_normalises_and_round_trips_through_body() {
    let form = zenoo_case();
    let typed = values(&[
        ("type", "perpetual"),
        ("entity_category", "person"),
        ("entity.first_name", "Jo"),
        ("entity.last_name", "Bloggs"),
        ("entity.nationality", "gb"),
        ("metadata.desk", "London"),
    ]);
    let body = form.body(&typed);
    let back = form.values_of(&body);
    assert_eq!(
        back,
        values(&[
            ("type", "Perpetual"),
            ("entity_category", "Person"),
            ("entity.first_name", "Jo"),
            ("entity.last_name", "Bloggs"),
            ("entity.nationality", "GB"),
            ("metadata", "desk = London"),
        ])
    );
    assert_eq!(form.body(&back), body);
}

#[test]
fn values_of_reads_the_category_from_the_entity_type_when_it_is_missing() {
    let form = zenoo_case();
    let row = json!({
        "type": "Review",
        "entity": { "type": "Company", "company_name": "Acme", "country": "GB" },
        "unknown": 1,
    });
    let v = form.values_of(&row);
    assert_eq!(
        v.get("entity_category").map(String::as_str),
        Some("Company")
    );
    assert_eq!(form.validate(&v, TODAY), vec![]);
    assert_eq!(form.values_of(&json!([1, 2])), Values::new());
}

#[test]
fn values_of_turns_json_types_into_text() {
    let form = zenoo_entity();
    let v = form.values_of(&json!({
        "entity": { "type": "Person", "first_name": "Jo", "last_name": null },
        "ownership_percentage": 30,
    }));
    assert_eq!(
        v,
        values(&[
            ("entity.type", "Person"),
            ("entity.first_name", "Jo"),
            ("ownership_percentage", "30"),
        ])
    );
    let karma = karmacheck_case(Vec::new());
    let v = karma.values_of(&json!({ "autoProcess": true }));
    assert_eq!(v.get("autoProcess").map(String::as_str), Some("true"));
}

#[test]
fn every_form_is_sound_with_or_without_caller_choices() {
    let some = || vec![Choice::new("a", "A"), Choice::new("b", "B")];
    let forms = [
        zenoo_case(),
        zenoo_entity(),
        persona_case(Vec::new()),
        persona_case(some()),
        karmacheck_case(Vec::new()),
        karmacheck_case(some()),
        amiqus_case(Vec::new()),
        amiqus_case(some()),
    ];
    for form in &forms {
        assert_eq!(form.defects(), Vec::<String>::new(), "{}", form.title);
        // Spelled out as well, so the walk does not depend on defects() alone.
        let mut paths: Vec<&str> = form.fields.iter().map(|f| f.path.as_str()).collect();
        paths.sort_unstable();
        let count = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), count, "{}: duplicate paths", form.title);
        for f in &form.fields {
            let conds = f.show.iter().chain(match &f.need {
                Need::When(c) => Some(c),
                _ => None,
            });
            for c in conds {
                assert!(form.field(&c.path).is_some(), "{}: {}", form.title, c.path);
            }
            assert_eq!(form.column(&f.path).map(|g| &g.path), Ok(&f.path));
        }
        for rule in &form.rules {
            let (when, paths) = match rule {
                Rule::AtLeastOne { when, paths, .. } => (when, paths.clone()),
                Rule::AtLeast { when, path, .. } => (when, vec![path.clone()]),
            };
            for p in paths.iter().chain(when.iter().map(|c| &c.path)) {
                assert!(form.field(p).is_some(), "{}: {p}", form.title);
            }
        }
        for d in &form.derived {
            assert!(form.field(&d.from).is_some(), "{}: {}", form.title, d.from);
        }
        assert!(
            !form.notes.is_empty(),
            "{}: says nothing of what the vendor cannot do",
            form.title
        );
    }
}

#[test]
fn defects_name_what_is_wrong_with_a_form() {
    let form = Form {
        title: "bad".to_string(),
        fields: vec![
            Field::new("a", "A", Kind::Choice(Vec::new())),
            Field::new("a", "A again", Kind::Text { max: 3 }),
            Field::new("a.b", "Under a", Kind::Bool).shown_when(Cond::new("nope", &["x"])),
            Field::new("c", "C", Kind::Integer { min: 5, max: 1 })
                .required_when(Cond::new("d", &["Maybe"])),
            Field::new("d", "D", Kind::Choice(vec![Choice::plain("Yes")]))
                .shown_when(Cond::new("e", &["1"])),
            Field::new("e", "E", Kind::Text { max: 9 }).shown_when(Cond::new("d", &["Yes"])),
        ],
        rules: vec![Rule::AtLeast {
            when: None,
            path: "a.b".to_string(),
            min: 1.0,
            message: "m".to_string(),
        }],
        derived: vec![Derived {
            path: "f".to_string(),
            from: "g".to_string(),
        }],
        notes: Vec::new(),
    };
    assert_eq!(
        form.defects(),
        vec![
            "a: no choices",
            "a: the path is used twice",
            "a.b: its condition names nope, which is no field",
            "c: the range 5 to 1 is empty",
            "c: its condition expects d to be Maybe, which it can never be",
            "d: its show conditions go round in a cycle",
            "e: its show conditions go round in a cycle",
            "a.b: the path lies under a, which is a value",
            "a.b: the path lies under a, which is a value",
            "a.b: compared as a number, yet not a number",
            "f: derived from g, which is no field",
        ]
    );
    // A cycle of conditions never holds, rather than looping.
    let v = values(&[("d", "Yes"), ("e", "1")]);
    assert!(
        form.visible(&v)
            .iter()
            .all(|f| f.path != "d" && f.path != "e")
    );
}

#[test]
fn the_reference_is_read_where_each_vendor_keeps_it() {
    let v = |k: &str, x: &str| Values::from([(k.to_string(), x.to_string())]);
    assert_eq!(
        zenoo_case().reference(&v("external_reference", " ext-1 ")),
        Some("ext-1".into())
    );
    assert_eq!(
        karmacheck_case(vec![]).reference(&v("apiTrackingCode", "kc-1")),
        Some("kc-1".into())
    );
    assert_eq!(
        amiqus_case(vec![]).reference(&v("case.reference", "am-1")),
        Some("am-1".into())
    );
    assert_eq!(zenoo_case().reference(&v("external_reference", "  ")), None);
    assert_eq!(
        persona_case(vec![]).reference(&v("external_reference", "x")),
        None
    );
}
