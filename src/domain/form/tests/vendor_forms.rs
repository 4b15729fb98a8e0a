//! The vendors' forms whole: each sends its sample body and reads it back, is sound with or
//! without the caller's choices, and keeps its reference where the vendor does.

use super::*;

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
