//! The sandbox's entity writes over real HTTP: creating and updating entities, and adding them
//! to a case in a role, at a place in its ownership tree, with the checks the role requires.

mod common;

use common::{Env, Reply, s, start};
use docket::domain::UserRole;
use reqwest::Method;
use serde_json::{Value, json};

fn person(first: &str, last: &str) -> Value {
    json!({ "type": "Person", "first_name": first, "last_name": last, "date_of_birth": "1979-06-14", "nationality": "DE" })
}

fn company(name: &str, country: &str) -> Value {
    json!({ "type": "Company", "company_name": name, "country": country, "registration_number": "HRB 12345" })
}

/// A write with an `Idempotency-Key`, as the analyst.
async fn with_key(env: &Env, method: Method, path: &str, body: Value, key: &str) -> Reply {
    env.call(method, path, Some(&env.analyst()), Some(body), Some(key))
        .await
}

async fn total(env: &Env, path: &str) -> i64 {
    env.get(path).await.ok().body["meta"]["total"]
        .as_i64()
        .unwrap()
}

/// The case's entities as its entity list shows them.
async fn on_case(env: &Env, case: &str) -> Vec<Value> {
    env.walk(&format!("/v1/entities?case_token={case}"), 100)
        .await
}

fn find<'a>(list: &'a [Value], token: &str) -> &'a Value {
    list.iter()
        .find(|e| e["token"] == token)
        .unwrap_or_else(|| panic!("{token} not in {list:?}"))
}

/// The type codes of an entity's checks on a case, sorted, each asserted Pending.
async fn pending_checks(env: &Env, case: &str, entity: &str) -> Vec<String> {
    let mut codes: Vec<String> = env
        .walk(&format!("/v1/cases/{case}/checks"), 100)
        .await
        .iter()
        .filter(|k| k["entity_token"] == entity)
        .map(|k| {
            assert_eq!(k["status"], "Pending", "{k}");
            s(&k["type_code"]).to_string()
        })
        .collect();
    codes.sort();
    codes
}

async fn timeline(env: &Env, case: &str) -> Vec<Value> {
    env.walk(&format!("/v1/cases/{case}/timeline"), 100).await
}

#[tokio::test]
async fn creates_people_and_companies_and_a_repeated_external_reference_returns_the_first() {
    let env = start(3).await;
    let mut body = person("Ada", "Kowalczyk");
    body["address"] = json!({ "line1": "Hauptstr. 5", "city": "Berlin", "postal_code": "10115", "country": "DE" });
    body["external_reference"] = json!("CRM-ADA-1");
    body["metadata"] = json!({ "segment": "retail" });
    let ada = env.post("/v1/entities", body.clone()).await;
    assert_eq!(ada.status, 201, "{}", ada.body);
    let d = ada.data();
    assert!(s(&d["token"]).starts_with("ent_"));
    assert_eq!(d["type"], "Person");
    assert_eq!(d["full_name"], "Ada Kowalczyk");
    assert_eq!(d["date_of_birth"], "1979-06-14");
    assert_eq!(d["nationality"], "DE");
    assert_eq!(d["address"]["city"], "Berlin");
    assert_eq!(d["metadata"]["segment"], "retail");
    assert_eq!(d["verification_status"], "Not Started");
    assert_eq!(d["cases"], json!([]));
    let ada_token = s(&d["token"]).to_string();

    let acme = env
        .post("/v1/entities", company("Acme Holdings GmbH", "DE"))
        .await;
    assert_eq!(acme.status, 201, "{}", acme.body);
    assert_eq!(acme.data()["full_name"], "Acme Holdings GmbH");
    assert_eq!(acme.data()["country"], "DE");
    assert_eq!(acme.data()["registration_number"], "HRB 12345");

    // The same reference again: the first entity, unchanged, with 200; the new body ignored.
    let before = total(&env, "/v1/entities?limit=1").await;
    let mut again = person("Someone", "Else");
    again["external_reference"] = json!("CRM-ADA-1");
    let r = env.post("/v1/entities", again).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.data()["token"], ada_token.as_str());
    assert_eq!(r.data()["full_name"], "Ada Kowalczyk");
    assert_eq!(total(&env, "/v1/entities?limit=1").await, before);

    // Written to the audit log once, as created by the caller.
    let log = env
        .walk(&format!("/v1/audit-logs?target_token={ada_token}"), 10)
        .await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["event_type"], "ENTITY_CREATED");
    assert_eq!(log[0]["target_type"], "entity");
    assert_eq!(log[0]["actor"]["user_id"], "usr_amara");
    assert_eq!(log[0]["details"]["after"]["full_name"], "Ada Kowalczyk");
}

#[tokio::test]
async fn every_entity_rule_is_refused_with_the_field_named() {
    let env = start(3).await;
    let before = total(&env, "/v1/entities?limit=1").await;
    let with = |base: Value, key: &str, v: Value| {
        let mut b = base;
        if v.is_null() {
            b.as_object_mut().unwrap().remove(key);
        } else {
            b[key] = v;
        }
        b
    };
    let p = || person("Ada", "Kowalczyk");
    let c = || company("Acme GmbH", "DE");
    let long = "x".repeat(256);
    let cases: Vec<(Value, &str)> = vec![
        (with(p(), "first_name", Value::Null), "first_name"),
        (with(p(), "last_name", json!("  ")), "last_name"),
        (
            with(
                with(p(), "date_of_birth", Value::Null),
                "nationality",
                Value::Null,
            ),
            "date_of_birth",
        ),
        (with(c(), "company_name", Value::Null), "company_name"),
        (with(c(), "country", Value::Null), "country"),
        (with(c(), "country", json!("UK")), "country"),
        (with(p(), "nationality", json!("de")), "nationality"),
        (
            with(
                p(),
                "address",
                json!({ "line1": "1 High St", "country": "XX" }),
            ),
            "address.country",
        ),
        (
            with(p(), "address", json!({ "line1": long.clone() })),
            "address.line1",
        ),
        (
            with(p(), "date_of_birth", json!("1984-3-2")),
            "date_of_birth",
        ),
        (
            with(p(), "date_of_birth", json!("19840302")),
            "date_of_birth",
        ),
        (
            with(p(), "date_of_birth", json!("2023-02-30")),
            "date_of_birth",
        ),
        (
            with(p(), "date_of_birth", json!("2999-01-01")),
            "date_of_birth",
        ),
        (with(p(), "first_name", json!(long.clone())), "first_name"),
        (
            with(p(), "external_reference", json!(long.clone())),
            "external_reference",
        ),
        (with(p(), "type", json!("Trust")), "type"),
    ];
    for (body, field) in cases {
        let r = env
            .post("/v1/entities", body.clone())
            .await
            .expect(400, "VALIDATION_ERROR");
        assert_eq!(r.body["field"], field, "{body} -> {}", r.body);
        assert!(
            s(&r.body["message"]).starts_with(&format!("{field}: ")),
            "{}",
            r.body
        );
    }
    let future = env
        .post(
            "/v1/entities",
            with(p(), "date_of_birth", json!("2999-01-01")),
        )
        .await
        .expect(400, "VALIDATION_ERROR");
    assert!(s(&future.body["message"]).contains("in the future"));
    // Unknown fields are refused too, and nothing was created by any of it.
    env.post("/v1/entities", with(p(), "nickname", json!("Ad")))
        .await
        .expect(400, "VALIDATION_ERROR");
    assert_eq!(total(&env, "/v1/entities?limit=1").await, before);
}

#[tokio::test]
async fn patch_changes_only_the_fields_sent_and_keeps_the_entity_whole() {
    let env = start(3).await;
    let case = env.company_case("DE", "Software and IT services").await;
    let ct = s(&case["token"]).to_string();
    let added = env
        .post(
            &format!("/v1/cases/{ct}/entities"),
            json!({ "entity": person("Ada", "Kowalczyk"), "role": "Director" }),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let t = s(&added.data()["token"]).to_string();
    let version = env.get(&format!("/v1/cases/{ct}")).await.ok().data()["version"]
        .as_i64()
        .unwrap();

    let r = env
        .patch(
            &format!("/v1/entities/{t}"),
            json!({ "last_name": "Nowak", "address": { "line1": "Rynek 1", "city": "Kraków", "country": "PL" }, "date_of_birth": null }),
        )
        .await
        .ok();
    let d = r.data();
    assert_eq!(d["last_name"], "Nowak");
    assert_eq!(d["full_name"], "Ada Nowak");
    assert_eq!(d["first_name"], "Ada", "unsent fields stay");
    assert_eq!(d["nationality"], "DE");
    assert_eq!(d["date_of_birth"], Value::Null, "null clears");
    assert_eq!(d["address"]["city"], "Kraków");
    assert_eq!(d["cases"][0]["case_token"], ct.as_str());
    assert_eq!(d["cases"][0]["role"], "Director");

    // On the case's timeline, with what changed; the case moved.
    let tl = timeline(&env, &ct).await;
    let upd = tl
        .iter()
        .find(|e| e["event_type"] == "ENTITY_UPDATED")
        .expect("ENTITY_UPDATED on the timeline");
    assert_eq!(upd["target_token"], t.as_str());
    assert_eq!(upd["details"]["before"]["last_name"], "Kowalczyk");
    assert_eq!(upd["details"]["after"]["last_name"], "Nowak");
    assert!(upd["details"]["after"].get("first_name").is_none());
    let after = env.get(&format!("/v1/cases/{ct}")).await.ok();
    assert!(after.data()["version"].as_i64().unwrap() > version);

    // The result must still be a whole person: without a date of birth, the nationality stays.
    let r = env
        .patch(&format!("/v1/entities/{t}"), json!({ "nationality": null }))
        .await
        .expect(400, "VALIDATION_ERROR");
    assert_eq!(r.body["field"], "date_of_birth");
    let r = env
        .patch(&format!("/v1/entities/{t}"), json!({ "first_name": " " }))
        .await
        .expect(400, "VALIDATION_ERROR");
    assert_eq!(r.body["field"], "first_name");
    for (body, field) in [
        (json!({ "nationality": "UK" }), "nationality"),
        (json!({ "date_of_birth": "2999-12-31" }), "date_of_birth"),
        (json!({ "type": "Company" }), "type"),
        (
            json!({ "address": { "country": "Germany" } }),
            "address.country",
        ),
    ] {
        let r = env
            .patch(&format!("/v1/entities/{t}"), body.clone())
            .await
            .expect(400, "VALIDATION_ERROR");
        assert_eq!(r.body["field"], field, "{body}");
    }
    env.patch(&format!("/v1/entities/{t}"), json!({}))
        .await
        .expect(400, "VALIDATION_ERROR");
    env.patch("/v1/entities/ent_nope", json!({ "first_name": "X" }))
        .await
        .expect(404, "NOT_FOUND");
    // Another entity's reference is refused; its own is fine.
    let other = env
        .post(
            "/v1/entities",
            json!({ "type": "Company", "company_name": "Other AG", "country": "CH", "external_reference": "CRM-OTHER" }),
        )
        .await
        .ok();
    assert_eq!(other.status, 201);
    env.patch(
        &format!("/v1/entities/{t}"),
        json!({ "external_reference": "CRM-OTHER" }),
    )
    .await
    .expect(422, "DUPLICATE_EXTERNAL_REFERENCE");
    let still = env.get(&format!("/v1/entities/{t}")).await.ok();
    assert_eq!(still.data()["nationality"], "DE");
    assert_eq!(still.data()["first_name"], "Ada");
    assert_eq!(still.data()["external_reference"], Value::Null);
}

#[tokio::test]
async fn entities_join_a_case_in_a_role_under_a_parent_with_the_checks_the_role_needs() {
    let env = start(3).await;
    let case = env.company_case("DE", "Software and IT services").await;
    let ct = s(&case["token"]).to_string();
    let primary = s(&case["entity_token"]).to_string();
    let count = case["total_entities_count"].as_i64().unwrap();

    // An existing company as a 30% shareholder: under the primary company by default.
    let holding = env
        .post("/v1/entities", company("Nordsee Beteiligungen GmbH", "DE"))
        .await
        .ok();
    let ht = s(&holding.data()["token"]).to_string();
    let r = env
        .post(
            &format!("/v1/cases/{ct}/entities"),
            json!({ "entity_token": ht, "role": "Shareholder", "ownership_percentage": 30 }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let d = r.data();
    assert_eq!(d["token"], ht.as_str());
    assert_eq!(d["case_token"], ct.as_str());
    assert_eq!(d["role"], "Shareholder");
    assert_eq!(d["ownership_percentage"], 30.0);
    assert_eq!(d["parent_token"], primary.as_str());
    assert_eq!(d["depth"], 1);

    // A person created inline as a 40% UBO of the holding, one layer down.
    let r = env
        .post(
            &format!("/v1/cases/{ct}/entities"),
            json!({ "entity": person("Jonas", "Becker"), "role": "UBO", "ownership_percentage": 40, "parent_entity_token": ht }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ubo = s(&r.data()["token"]).to_string();
    assert_eq!(r.data()["role"], "UBO");
    assert_eq!(r.data()["ownership_percentage"], 40.0);
    assert_eq!(r.data()["parent_token"], ht.as_str());
    assert_eq!(r.data()["depth"], 2);
    assert_eq!(r.data()["full_name"], "Jonas Becker");

    // And a director, inline.
    let dir = env
        .post(
            &format!("/v1/cases/{ct}/entities"),
            json!({ "entity": person("Mia", "Schulz"), "role": "Director" }),
        )
        .await
        .ok();
    let dt = s(&dir.data()["token"]).to_string();

    // The case's entity list shows each with its role, share and parent.
    let list = on_case(&env, &ct).await;
    assert_eq!(list.len() as i64, count + 3);
    let h = find(&list, &ht);
    assert_eq!(
        (&h["role"], &h["ownership_percentage"], &h["parent_token"]),
        (&json!("Shareholder"), &json!(30.0), &json!(primary))
    );
    let u = find(&list, &ubo);
    assert_eq!(
        (
            &u["role"],
            &u["ownership_percentage"],
            &u["parent_token"],
            &u["depth"]
        ),
        (&json!("UBO"), &json!(40.0), &json!(ht), &json!(2))
    );
    assert_eq!(find(&list, &dt)["role"], "Director");
    let ubos = env
        .walk(&format!("/v1/entities?case_token={ct}&role=UBO"), 10)
        .await;
    assert_eq!(ubos.len(), 1);

    // The checks each role requires, Pending, on that case.
    assert_eq!(
        pending_checks(&env, &ct, &ubo).await,
        [
            "IDV_ADDRESS",
            "IDV_DOCUMENT",
            "SCR_ADVERSE_MEDIA",
            "SCR_PEP"
        ]
    );
    assert_eq!(
        pending_checks(&env, &ct, &dt).await,
        ["IDV_DOCUMENT", "SCR_ADVERSE_MEDIA", "SCR_PEP"]
    );
    assert_eq!(
        pending_checks(&env, &ct, &ht).await,
        ["COMPANY_REGISTRY", "SCR_ADVERSE_MEDIA", "SCR_SANCTIONS"]
    );
    let read = env.get(&format!("/v1/entities/{ubo}")).await.ok();
    assert_eq!(read.data()["checks_summary"]["pending"], 4);

    // The case counts them and moved; the timeline says who was added, as what.
    let after = env.get(&format!("/v1/cases/{ct}")).await.ok();
    assert_eq!(after.data()["total_entities_count"], count + 3);
    assert!(after.data()["version"].as_i64() > case["version"].as_i64());
    let tl = timeline(&env, &ct).await;
    let added: Vec<(&str, &str)> = tl
        .iter()
        .filter(|e| e["event_type"] == "ENTITY_ADDED")
        .map(|e| (s(&e["target_token"]), s(&e["details"]["after"]["role"])))
        .collect();
    assert_eq!(
        added,
        [
            (ht.as_str(), "Shareholder"),
            (ubo.as_str(), "UBO"),
            (dt.as_str(), "Director")
        ]
    );
    let ubo_added = tl
        .iter()
        .find(|e| e["event_type"] == "ENTITY_ADDED" && e["target_token"] == ubo.as_str())
        .unwrap();
    assert_eq!(ubo_added["details"]["after"]["ownership_percentage"], 40.0);
    assert_eq!(
        ubo_added["details"]["after"]["parent_entity_token"],
        ht.as_str()
    );
    let created: Vec<&str> = tl
        .iter()
        .filter(|e| e["event_type"] == "ENTITY_CREATED")
        .map(|e| s(&e["target_token"]))
        .collect();
    assert_eq!(
        created,
        [ubo.as_str(), dt.as_str()],
        "inline creations only"
    );

    // The entity itself lists the case it is on, in its role.
    let e = env.get(&format!("/v1/entities/{ht}")).await.ok();
    assert_eq!(e.data()["cases"][0]["role"], "Shareholder");
}

#[tokio::test]
async fn a_ubo_on_a_high_risk_case_also_needs_source_of_wealth() {
    let env = start(3).await;
    let case = env.company_case("IR", "Money services business").await;
    assert_eq!(case["risk_tier"], "High", "{case}");
    let ct = s(&case["token"]);
    let r = env
        .post(
            &format!("/v1/cases/{ct}/entities"),
            json!({ "entity": person("Reza", "Karimi"), "role": "UBO", "ownership_percentage": 60 }),
        )
        .await
        .ok();
    let codes = pending_checks(&env, ct, s(&r.data()["token"])).await;
    assert!(
        codes.contains(&"EDD_SOURCE_OF_WEALTH".to_string()),
        "{codes:?}"
    );
    // The case is found by its UBO's name (and a director's), not only its primary entity's.
    env.post(
        &format!("/v1/cases/{ct}/entities"),
        json!({ "entity": person("Zofia", "Wrzesniewska"), "role": "Director" }),
    )
    .await
    .ok();
    for q in ["reza%20karimi", "KARIMI", "wrzesniewska"] {
        let found = env.walk(&format!("/v1/cases?q={q}"), 10).await;
        let hits: Vec<&str> = found.iter().map(|c| s(&c["token"])).collect();
        assert_eq!(hits, [ct], "q={q}");
    }
}

#[tokio::test]
async fn the_ownership_rules_are_refused_and_nothing_is_added() {
    let env = start(3).await;
    let case = env.company_case("DE", "Software and IT services").await;
    let ct = s(&case["token"]).to_string();
    let path = format!("/v1/cases/{ct}/entities");
    let director = env
        .post(
            &path,
            json!({ "entity": person("Mia", "Schulz"), "role": "Director" }),
        )
        .await
        .ok();
    let dt = s(&director.data()["token"]).to_string();
    let big = env
        .post(
            &path,
            json!({ "entity": person("Paul", "Wagner"), "role": "UBO", "ownership_percentage": 80 }),
        )
        .await
        .ok();
    assert_eq!(big.status, 201);
    let acme = env
        .post("/v1/entities", company("Acme AG", "CH"))
        .await
        .ok();
    let at = s(&acme.data()["token"]).to_string();
    let loose = env
        .post("/v1/entities", person("Lea", "Fischer"))
        .await
        .ok();
    let lt = s(&loose.data()["token"]).to_string();
    let entities = on_case(&env, &ct).await.len();
    let checks = env.walk(&format!("/v1/cases/{ct}/checks"), 100).await.len();

    // A UBO holds 25% or more: 10% is a Shareholder.
    let r = env
        .post(
            &path,
            json!({ "entity_token": lt, "role": "UBO", "ownership_percentage": 10 }),
        )
        .await
        .expect(422, "BELOW_UBO_THRESHOLD");
    assert!(s(&r.body["message"]).contains("Shareholder"), "{}", r.body);
    assert_eq!(r.body["field"], "ownership_percentage");
    // Exactly 25% is a UBO only if the parent has that much left: 80% is already held.
    env.post(
        &path,
        json!({ "entity_token": lt, "role": "UBO", "ownership_percentage": 25 }),
    )
    .await
    .expect(422, "OWNERSHIP_OVER_100");

    let refusals_400: Vec<(Value, &str)> = vec![
        (
            json!({ "entity_token": lt, "role": "UBO" }),
            "ownership_percentage",
        ),
        (
            json!({ "entity_token": lt, "role": "Shareholder", "ownership_percentage": 120 }),
            "ownership_percentage",
        ),
        (
            json!({ "entity_token": lt, "role": "Shareholder", "ownership_percentage": -1 }),
            "ownership_percentage",
        ),
        (
            json!({ "entity_token": lt, "role": "Primary", "ownership_percentage": 10 }),
            "ownership_percentage",
        ),
        (json!({ "entity_token": lt }), "role"),
        (json!({ "entity_token": lt, "role": "Owner" }), "role"),
        (json!({ "role": "Director" }), "entity_token"),
        (
            json!({ "entity_token": lt, "entity": person("A", "B"), "role": "Director" }),
            "entity_token",
        ),
        (
            json!({ "entity_token": "ent_nope", "role": "Director" }),
            "entity_token",
        ),
        (
            json!({ "entity_token": lt, "role": "Director", "parent_entity_token": at }),
            "parent_entity_token",
        ),
        (
            json!({ "entity_token": lt, "role": "Primary", "parent_entity_token": dt }),
            "parent_entity_token",
        ),
        (
            json!({ "entity": { "type": "Person", "first_name": "A", "last_name": "B" }, "role": "Director" }),
            "entity.date_of_birth",
        ),
        (
            json!({ "entity": { "type": "Company", "company_name": "X", "country": "UK" }, "role": "Shareholder", "ownership_percentage": 5 }),
            "entity.country",
        ),
    ];
    for (body, field) in refusals_400 {
        let r = env
            .post(&path, body.clone())
            .await
            .expect(400, "VALIDATION_ERROR");
        assert_eq!(r.body["field"], field, "{body} -> {}", r.body);
    }
    let refusals_422: Vec<(Value, &str)> = vec![
        // A UBO is a person; a company that owns a share is a Shareholder.
        (
            json!({ "entity_token": at, "role": "UBO", "ownership_percentage": 10 }),
            "BELOW_UBO_THRESHOLD",
        ),
        (
            json!({ "entity_token": at, "role": "UBO", "ownership_percentage": 15.5 }),
            "BELOW_UBO_THRESHOLD",
        ),
        (
            json!({ "entity": company("Owner Ltd", "GB"), "role": "UBO", "ownership_percentage": 30 }),
            "UBO_NOT_A_PERSON",
        ),
        // Owners sit under a company, not under a director.
        (
            json!({ "entity_token": lt, "role": "Shareholder", "ownership_percentage": 5, "parent_entity_token": dt }),
            "PARENT_NOT_A_COMPANY",
        ),
        // One role per case; one Primary per case.
        (
            json!({ "entity_token": dt, "role": "Shareholder", "ownership_percentage": 5 }),
            "ENTITY_ALREADY_ON_CASE",
        ),
        (
            json!({ "entity_token": at, "role": "Primary" }),
            "PRIMARY_EXISTS",
        ),
        (
            json!({ "entity_token": at, "role": "Shareholder", "ownership_percentage": 20.5 }),
            "OWNERSHIP_OVER_100",
        ),
    ];
    for (body, code) in refusals_422 {
        env.post(&path, body.clone()).await.expect(422, code);
    }
    let r = env
        .post(&path, json!({ "entity_token": dt, "role": "Director" }))
        .await
        .expect(422, "ENTITY_ALREADY_ON_CASE");
    assert_eq!(r.body["role"], "Director");
    // A duplicate inline reference points at the entity to add instead.
    env.patch(
        &format!("/v1/entities/{lt}"),
        json!({ "external_reference": "CRM-LEA" }),
    )
    .await
    .ok();
    let mut dup = person("Lea", "Fischer");
    dup["external_reference"] = json!("CRM-LEA");
    let r = env
        .post(&path, json!({ "entity": dup, "role": "Director" }))
        .await
        .expect(422, "DUPLICATE_EXTERNAL_REFERENCE");
    assert_eq!(r.body["entity_token"], lt.as_str());

    assert_eq!(on_case(&env, &ct).await.len(), entities);
    assert_eq!(
        env.walk(&format!("/v1/cases/{ct}/checks"), 100).await.len(),
        checks
    );
    // 20% still fits beside the 80% UBO.
    let ok = env
        .post(
            &path,
            json!({ "entity_token": at, "role": "Shareholder", "ownership_percentage": 20 }),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    // A director may hold shares too, and they count: nothing is left of the 100%.
    env.post(
        &path,
        json!({ "entity_token": lt, "role": "Director", "ownership_percentage": 1 }),
    )
    .await
    .expect(422, "OWNERSHIP_OVER_100");
}

#[tokio::test]
async fn a_primary_joins_a_case_that_has_none_and_a_closed_case_takes_no_one() {
    let env = start(10).await;
    let created = env
        .post(
            "/v1/cases",
            json!({ "type": "Onboarding", "entity_category": "Person" }),
        )
        .await
        .ok();
    let ct = s(&created.data()["token"]).to_string();
    assert_eq!(created.data()["entity_token"], Value::Null);
    let co = env
        .post("/v1/entities", company("Acme AG", "CH"))
        .await
        .ok();
    env.post(
        &format!("/v1/cases/{ct}/entities"),
        json!({ "entity_token": co.data()["token"], "role": "Primary" }),
    )
    .await
    .expect(422, "ENTITY_CATEGORY_MISMATCH");
    let r = env
        .post(
            &format!("/v1/cases/{ct}/entities"),
            json!({ "entity": person("Ada", "Kowalczyk"), "role": "Primary" }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.data()["depth"], 0);
    assert_eq!(r.data()["parent_token"], Value::Null);
    let case = env.get(&format!("/v1/cases/{ct}")).await.ok();
    assert_eq!(case.data()["entity_token"], r.data()["token"]);
    assert_eq!(case.data()["entity_name"], "Ada Kowalczyk");
    assert_eq!(case.data()["total_entities_count"], 1);
    // Found by its primary entity's name.
    let found = env.walk("/v1/cases?q=kowalczyk", 10).await;
    assert!(found.iter().any(|c| c["token"] == ct.as_str()));

    let closed = env.walk("/v1/cases?status=Closed", 5).await;
    let closed_token = s(&closed[0]["token"]).to_string();
    let closed_version = &closed[0]["version"];
    let entities = on_case(&env, &closed_token).await.len();
    let lea = env
        .post("/v1/entities", person("Lea", "Fischer"))
        .await
        .ok();
    let r = env
        .post(
            &format!("/v1/cases/{closed_token}/entities"),
            json!({ "entity_token": lea.data()["token"], "role": "Director" }),
        )
        .await
        .expect(422, "CASE_CLOSED");
    assert_eq!(r.body["case_token"], closed_token.as_str());
    assert_eq!(r.body["current_status"], "Closed");
    env.post(
        &format!("/v1/cases/{closed_token}/entities"),
        json!({ "entity": person("New", "Person"), "role": "Director" }),
    )
    .await
    .expect(422, "CASE_CLOSED");
    assert_eq!(on_case(&env, &closed_token).await.len(), entities);
    let again = env.get(&format!("/v1/cases/{closed_token}")).await.ok();
    assert_eq!(&again.data()["version"], closed_version);
    env.post(
        "/v1/cases/cas_nope/entities",
        json!({ "entity_token": lea.data()["token"], "role": "Director" }),
    )
    .await
    .expect(404, "NOT_FOUND");
}

#[tokio::test]
async fn an_idempotent_replay_returns_the_same_answer_and_creates_nothing() {
    let env = start(3).await;
    let case = env.company_case("DE", "Software and IT services").await;
    let ct = s(&case["token"]).to_string();
    let path = format!("/v1/cases/{ct}/entities");
    let body =
        json!({ "entity": person("Jonas", "Becker"), "role": "UBO", "ownership_percentage": 40 });
    let first = with_key(&env, Method::POST, &path, body.clone(), "add-jonas").await;
    assert_eq!(first.status, 201, "{}", first.body);
    let entities = total(&env, "/v1/entities?limit=1").await;
    let timeline_len = timeline(&env, &ct).await.len();
    let checks = env.walk(&format!("/v1/cases/{ct}/checks"), 100).await.len();

    let again = with_key(&env, Method::POST, &path, body.clone(), "add-jonas").await;
    assert_eq!(again.status, 201);
    assert_eq!(
        again.body, first.body,
        "the stored answer, request id included"
    );
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(total(&env, "/v1/entities?limit=1").await, entities);
    assert_eq!(timeline(&env, &ct).await.len(), timeline_len);
    assert_eq!(
        env.walk(&format!("/v1/cases/{ct}/checks"), 100).await.len(),
        checks
    );
    assert_eq!(
        on_case(&env, &ct).await.len() as i64,
        case["total_entities_count"].as_i64().unwrap() + 1
    );
    // The same key for another body is refused.
    let mut other = body.clone();
    other["ownership_percentage"] = json!(50);
    with_key(&env, Method::POST, &path, other, "add-jonas")
        .await
        .expect(422, "IDEMPOTENCY_KEY_REUSED");

    // Entity create and update replay the same way.
    let c1 = with_key(
        &env,
        Method::POST,
        "/v1/entities",
        company("Keyed GmbH", "DE"),
        "mk-keyed",
    )
    .await;
    let c2 = with_key(
        &env,
        Method::POST,
        "/v1/entities",
        company("Keyed GmbH", "DE"),
        "mk-keyed",
    )
    .await;
    assert_eq!(c1.status, 201);
    assert_eq!((c2.status, &c2.body), (c1.status, &c1.body));
    assert_eq!(total(&env, "/v1/entities?limit=1").await, entities + 1);
    let et = s(&c1.data()["token"]).to_string();
    let p = format!("/v1/entities/{et}");
    let u1 = with_key(
        &env,
        Method::PATCH,
        &p,
        json!({ "registration_number": "HRB 999" }),
        "fix-reg",
    )
    .await;
    let u2 = with_key(
        &env,
        Method::PATCH,
        &p,
        json!({ "registration_number": "HRB 999" }),
        "fix-reg",
    )
    .await;
    assert_eq!(u1.status, 200, "{}", u1.body);
    assert_eq!(u2.body, u1.body);
    assert_eq!(u2.headers["idempotent-replayed"], "true");
    let log = env
        .walk(&format!("/v1/audit-logs?target_token={et}"), 10)
        .await;
    let events: Vec<&str> = log.iter().map(|e| s(&e["event_type"])).collect();
    assert_eq!(events, ["ENTITY_CREATED", "ENTITY_UPDATED"]);
}

#[tokio::test]
async fn a_read_only_key_cannot_write_entities() {
    let env = start(3).await;
    let case = env.company_case("DE", "Software and IT services").await;
    let ct = s(&case["token"]).to_string();
    let lea = env
        .post("/v1/entities", person("Lea", "Fischer"))
        .await
        .ok();
    let lt = s(&lea.data()["token"]).to_string();
    let auditor = env.key(UserRole::Auditor);
    let entities = total(&env, "/v1/entities?limit=1").await;
    let writes = [
        (
            Method::POST,
            "/v1/entities".to_string(),
            person("Ines", "Audit"),
        ),
        (
            Method::PATCH,
            format!("/v1/entities/{lt}"),
            json!({ "first_name": "Leah" }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{ct}/entities"),
            json!({ "entity_token": lt, "role": "Director" }),
        ),
    ];
    for (method, path, body) in writes {
        let r = env
            .call(method, &path, Some(&auditor), Some(body), None)
            .await
            .expect(403, "FORBIDDEN");
        assert!(s(&r.body["message"]).contains("read-only"), "{}", r.body);
    }
    assert_eq!(total(&env, "/v1/entities?limit=1").await, entities);
    let still = env.get(&format!("/v1/entities/{lt}")).await.ok();
    assert_eq!(still.data()["first_name"], "Lea");
    assert_eq!(still.data()["cases"], json!([]));
    // The auditor still reads them.
    env.call(
        Method::GET,
        &format!("/v1/entities/{lt}"),
        Some(&auditor),
        None,
        None,
    )
    .await
    .ok();
}

#[tokio::test]
async fn odd_bodies_get_an_answer_in_the_error_shape_never_a_server_error() {
    let env = start(3).await;
    let case = env.company_case("DE", "Software and IT services").await;
    let ct = s(&case["token"]).to_string();
    let lea = env
        .post("/v1/entities", person("Lea", "Fischer"))
        .await
        .ok();
    let lt = s(&lea.data()["token"]).to_string();
    let mut inline = person("Jonas", "Becker");
    inline["address"] = json!({ "line1": "x", "country": "DE" });
    let routes = [
        (Method::POST, "/v1/entities".to_string(), inline.clone()),
        (
            Method::PATCH,
            format!("/v1/entities/{lt}"),
            json!({ "first_name": "Leah", "address": { "city": "Bonn" }, "metadata": { "k": 1 } }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{ct}/entities"),
            json!({ "entity": inline, "role": "UBO", "ownership_percentage": 30, "parent_entity_token": case["entity_token"] }),
        ),
    ];
    let odd = [
        json!(null),
        json!(""),
        json!(" "),
        json!(0),
        json!(-1),
        json!(1e308),
        json!(true),
        json!([]),
        json!({}),
        json!("x".repeat(300)),
        json!("ent_missing"),
        json!("UBO"),
        json!("9999-99-99"),
        json!("\u{0}\u{202e}"),
    ];
    for (method, path, valid) in &routes {
        let fields: Vec<String> = valid.as_object().unwrap().keys().cloned().collect();
        for field in &fields {
            for v in &odd {
                let mut body = valid.clone();
                body[field.as_str()] = v.clone();
                let r = env
                    .call(
                        method.clone(),
                        path,
                        Some(&env.analyst()),
                        Some(body.clone()),
                        None,
                    )
                    .await;
                let status = r.status.as_u16();
                assert!(status < 500, "{method} {path} {body}: {status} {}", r.body);
                if status >= 400 {
                    assert!(r.body["error"].is_string(), "{}", r.body);
                }
            }
        }
        for raw in [
            "[]",
            "null",
            "{",
            "{\"type\": \"Person\", \"type\": \"Company\"}",
        ] {
            let r = env
                .http
                .request(method.clone(), format!("{}{path}", env.sandbox.url()))
                .header("X-API-KEY", env.analyst())
                .body(raw)
                .send()
                .await
                .unwrap();
            assert!(
                (400..500).contains(&r.status().as_u16()),
                "{method} {path} {raw}: {}",
                r.status()
            );
        }
    }
}
