use jiff::civil::{Date, date};
use serde_json::{Value, json};

use super::*;

/// The vendors' forms whole: their bodies, samples, soundness and references.
mod vendor_forms;

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
