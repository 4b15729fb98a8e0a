//! Opening cases with Persona, KarmaCheck and Amiqus ID against wiremock servers speaking their
//! documented shapes: the form each returns, that `form.body(values)` is what is sent, the exact
//! requests (paths, bodies, auth, content type, Idempotency-Key where the vendor honours one),
//! the answers mapped to `Created`, the duplicate answers, and the refusals.

mod common;

use docket::domain::form::{Choice, Form, Kind, Values};
use docket::domain::review::Submission;
use docket::provider::api::Created;
use docket::provider::settings::PersonaSettings;
use docket::provider::{ApiKey, Connect, Provider, ProviderError, Vendor};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate, Times};

const JSON: &str = "application/json";

/// The form takes `values` (one `path = value` a line) as they are and draws `expected`.
#[track_caller]
fn drawn(form: &Form, values: &str, expected: Value) -> Value {
    let values: Values = values
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let today = common::records::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    assert_eq!(form.validate(&values, today), vec![], "{values:?}");
    assert_eq!(form.body(&values), expected);
    expected
}

fn create(body: Value) -> Submission {
    Submission::CreateCase {
        body,
        reference: None,
    }
}

fn add_entity() -> Submission {
    Submission::AddEntity {
        case: "1".into(),
        body: json!({ "entity": { "type": "Person" } }),
    }
}

/// The status, code, message and request id of an API refusal.
#[track_caller]
fn refusal(e: &ProviderError) -> (u16, &str, &str, Option<&str>) {
    match e {
        ProviderError::Api {
            status,
            code,
            message,
            request_id,
            ..
        } => (*status, code, message, request_id.as_deref()),
        other => panic!("expected an API refusal, got {other:?}"),
    }
}

/// `METHOD /path` of every request received, in order.
async fn sent(server: &MockServer) -> Vec<String> {
    let reqs = server.received_requests().await.unwrap_or_default();
    reqs.iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

fn on(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(route))
}

fn reply(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// Mounts `m` answering `r`, received `times` (checked when the server stops).
async fn mount(server: &MockServer, m: MockBuilder, r: ResponseTemplate, times: impl Into<Times>) {
    m.respond_with(r).expect(times).mount(server).await;
}

// ---- Persona -------------------------------------------------------------------------------

const P_KEY: &str = "persona_sandbox_create_secret";
const TEMPLATE: &str = "ctmpl_336jV1uVaaY84GAqvG91oiy9";
const P_REQ: &str = "req_prM3gdSL6ciwGjSjj4aXgKJT";
const P_CASE: &str = "case_KsFU1Vxv9oK3ztnwQuD7MaJo";

fn persona(server: &MockServer, template: Option<&str>) -> Box<dyn Provider> {
    let mut c = Connect::new(
        Vendor::Persona,
        &format!("{}/api/v1", server.uri()),
        ApiKey::new(P_KEY),
    );
    c.persona = PersonaSettings {
        template_id: template.map(str::to_string),
        ..PersonaSettings::default()
    };
    Box::new(docket::provider::persona::PersonaProvider::new(c).unwrap())
}

/// `POST /cases` with the key, the pinned version, JSON and this Idempotency-Key.
fn persona_post(key: &str) -> MockBuilder {
    on("POST", "/api/v1/cases")
        .and(header("Authorization", format!("Bearer {P_KEY}").as_str()))
        .and(header("Content-Type", JSON))
        .and(header("Persona-Version", "2025-12-08"))
        .and(header("Idempotency-Key", key))
}

#[tokio::test]
async fn persona_opens_the_case_the_form_drew_with_its_type_and_key() {
    let server = MockServer::start().await;
    let template = json!({ "data": { "type": "case-template", "id": TEMPLATE,
        "attributes": { "status": "active", "name": "KYC review" } } });
    let route = format!("/api/v1/case-templates/{TEMPLATE}");
    mount(&server, on("GET", &route), reply(200, template), 1).await;
    let p = persona(&server, Some(TEMPLATE));
    let form = p.case_form().await.unwrap().expect("a form");
    let label = format!("KYC review ({TEMPLATE})");
    assert_eq!(
        form.field("data.attributes.case-template-id").unwrap().kind,
        Kind::Choice(vec![Choice::new(TEMPLATE, label)])
    );
    let values = format!(
        "data.attributes.case-template-id = {TEMPLATE}
         data.attributes.creator-email-address = ana.ortiz@acme.com
         data.attributes.case-queue-id = cqueue_7JRbkcdbx9fTossK98NJvRZcmk1
         meta.object-ids = inq_1, acct_2
         meta.sla-expires-in-seconds = 86400
         data.attributes.fields.source-of-funds = salary"
    );
    let body = drawn(
        &form,
        &values,
        json!({
            "data": { "attributes": {
                "case-template-id": TEMPLATE,
                "creator-email-address": "ana.ortiz@acme.com",
                "case-queue-id": "cqueue_7JRbkcdbx9fTossK98NJvRZcmk1",
                "fields": { "source-of-funds": "salary" } } },
            "meta": { "object-ids": ["inq_1", "acct_2"], "sla-expires-in-seconds": 86400 }
        }),
    );
    let mut wire = body.clone();
    wire["data"]["type"] = json!("case");
    let fixture: Value = serde_json::from_str(include_str!("fixtures/persona/case.json")).unwrap();
    let answer = reply(201, fixture).insert_header("Request-Id", P_REQ);
    mount(
        &server,
        persona_post("new-1").and(body_json(&wire)),
        answer,
        1,
    )
    .await;

    let made = p.create(&create(body), "new-1").await.unwrap();
    let expected = Created {
        token: P_CASE.into(),
        name: "KCAS-1".into(),
        existing: false,
    };
    assert_eq!(made, expected);
    assert_eq!(made.describe(), format!("Created KCAS-1 ({P_CASE})"));
}

#[tokio::test]
async fn persona_without_a_template_types_the_id_and_says_why_it_refuses() {
    let server = MockServer::start().await;
    let p = persona(&server, None);
    let form = p.case_form().await.unwrap().unwrap();
    let kind = &form.field("data.attributes.case-template-id").unwrap().kind;
    assert!(matches!(kind, Kind::Text { .. }), "{kind:?}");
    assert!(p.entity_form().is_none());
    let e = p.create(&add_entity(), "k-1").await.unwrap_err();
    assert!(matches!(e, ProviderError::Invalid(_)), "{e:?}");
    // A template Persona cannot name (404 here) is still offered, by its id.
    let form = persona(&server, Some(TEMPLATE)).case_form().await.unwrap();
    assert_eq!(
        form.unwrap()
            .field("data.attributes.case-template-id")
            .unwrap()
            .kind,
        Kind::Choice(vec![Choice::plain(TEMPLATE)])
    );
    let lookup = format!("GET /api/v1/case-templates/{TEMPLATE}");
    assert_eq!(sent(&server).await, [lookup]);

    let refused = json!({ "errors": [{ "title": "Record invalid",
        "details": "Case template not found",
        "source": { "pointer": "/data/attributes/case-template-id" } }] });
    let answer = reply(422, refused).insert_header("Request-Id", P_REQ);
    mount(&server, persona_post("new-2"), answer, 1).await;
    let body = json!({ "data": { "attributes": { "case-template-id": "ctmpl_gone" } } });
    let e = p.create(&create(body), "new-2").await.unwrap_err();
    let message = "Record invalid: Case template not found (at /data/attributes/case-template-id)";
    assert_eq!(refusal(&e), (422, "VALIDATION_ERROR", message, Some(P_REQ)));
}

// ---- KarmaCheck ----------------------------------------------------------------------------

const K_BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJmaXJzdCJ9.first-bearer-token";
const PACKAGE: &str = "a12ddee3-4fa5-43fc-9876-123a5d23a08b";
const K_CASE: &str = "a09215ff-f46c-49a6-9767-762da1f3afd2";

/// A provider whose token exchange answers with `auth.json` (bearer `K_BEARER`).
async fn karmacheck(server: &MockServer) -> Box<dyn Provider> {
    let auth: Value = serde_json::from_str(include_str!("fixtures/karmacheck/auth.json")).unwrap();
    mount(server, on("POST", "/auth/api"), reply(200, auth), 0..).await;
    let c = Connect {
        secondary_key: Some(ApiKey::new("client-access-token")),
        ..Connect::new(Vendor::KarmaCheck, &server.uri(), ApiKey::new("api-key"))
    };
    Box::new(docket::provider::karmacheck::KarmaCheckProvider::new(c).unwrap())
}

fn karmacheck_call(verb: &str, route: &str) -> MockBuilder {
    on(verb, route).and(header(
        "Authorization",
        format!("Bearer {K_BEARER}").as_str(),
    ))
}

/// `POST /case/create` with the bearer token, JSON and exactly `body`.
fn karmacheck_post(body: &Value) -> MockBuilder {
    karmacheck_call("POST", "/case/create")
        .and(header("Content-Type", JSON))
        .and(body_json(body))
}

fn matt() -> Value {
    json!({ "packageId": PACKAGE, "email": "matt.williams@example.com",
            "givenName": "Matt", "familyName": "Williams" })
}

#[tokio::test]
async fn karmacheck_orders_the_package_picked_from_its_list_without_a_key() {
    let server = MockServer::start().await;
    let p = karmacheck(&server).await;
    let packages = json!({ "packages": [
        { "id": PACKAGE, "name": "Standard" }, { "id": "pkg-basic", "name": "Basic" } ] });
    let list = karmacheck_call("GET", "/package/min/list");
    mount(&server, list, reply(200, packages), 1).await;
    let form = p.case_form().await.unwrap().unwrap();
    assert_eq!(
        form.field("packageId").unwrap().kind,
        Kind::Choice(vec![
            Choice::new(PACKAGE, "Standard"),
            Choice::new("pkg-basic", "Basic")
        ])
    );
    let values = "packageId = Standard
        email = matt.williams@example.com
        givenName = Matt
        middleName = J
        familyName = Williams
        phone = +18005550145
        autoProcess = no
        apiTrackingCode = crm-42";
    let body = drawn(
        &form,
        values,
        json!({ "packageId": PACKAGE, "email": "matt.williams@example.com",
                "givenName": "Matt", "middleName": "J", "familyName": "Williams",
                "phone": "+18005550145", "autoProcess": false, "apiTrackingCode": "crm-42" }),
    );
    let answer = json!({ "caseId": K_CASE, "caseInvitationId": "a2831b9e-897c-4971-85fd" });
    mount(&server, karmacheck_post(&body), reply(200, answer), 1).await;

    let made = p.create(&create(body), "k-1").await.unwrap();
    let expected = Created {
        token: K_CASE.into(),
        name: "KC-a09215ff".into(),
        existing: false,
    };
    assert_eq!(made, expected);
    let reqs = server.received_requests().await.unwrap();
    let post = reqs.iter().find(|r| r.url.path() == "/case/create");
    assert!(!post.unwrap().headers.contains_key("idempotency-key"));
    assert!(p.entity_form().is_none());
}

#[tokio::test]
async fn karmacheck_409_is_the_case_that_exists_for_the_email() {
    let server = MockServer::start().await;
    let p = karmacheck(&server).await;
    let listed = json!({ "cases": [
        { "existingCaseId": "7d0f3c4e-2b1a-4c8d-9e6f-0a1b2c3d4e5f",
          "existingCasePackageId": "pkg-basic", "existingCasePackageName": "Basic",
          "existingCaseStatus": "Complete" },
        { "existingCaseId": K_CASE, "existingCasePackageId": PACKAGE,
          "existingCasePackageName": "Standard", "existingCaseStatus": "Pending",
          "existingCaseSecondaryStatus": "Waiting for Authorization" } ] });
    mount(&server, karmacheck_post(&matt()), reply(409, listed), 2).await;

    let made = p.create(&create(matt()), "k-2").await.unwrap();
    assert_eq!(made.token, K_CASE);
    assert!(made.existing);
    assert_eq!(
        made.describe(),
        format!(
            "KC-a09215ff for matt.williams@example.com (Standard, Pending · Waiting for \
             Authorization, 1 of 2 cases KarmaCheck lists for this email) already exists \
             ({K_CASE}): nothing new was made"
        )
    );
    // Submitted as a review, the creation goes the same way.
    let said = p.submit(&create(matt()), "k-2").await.unwrap();
    assert!(said.contains("already exists"), "{said}");
}

#[tokio::test]
async fn karmacheck_refusals_carry_code_message_and_request_id() {
    let server = MockServer::start().await;
    let p = karmacheck(&server).await;
    let mut bad = matt();
    bad["givenName"] = json!("M@tt");
    let said = json!({ "message": ["givenName contains invalid characters"],
                       "error": "Bad Request", "statusCode": 400 });
    let answer = reply(400, said).insert_header("x-amzn-requestid", "kc-req-1");
    mount(&server, karmacheck_post(&bad), answer, 1).await;
    let e = p.create(&create(bad), "k-3").await.unwrap_err();
    let message = "givenName contains invalid characters";
    assert_eq!(refusal(&e), (400, "HTTP_400", message, Some("kc-req-1")));

    // A 409 that lists no case is a refusal too.
    let said = json!({ "message": "exists", "statusCode": 409 });
    mount(&server, karmacheck_post(&matt()), reply(409, said), 1).await;
    let e = p.create(&create(matt()), "k-4").await.unwrap_err();
    assert_eq!(refusal(&e), (409, "CONFLICT", "exists", None));

    let before = sent(&server).await.len();
    let e = p.create(&add_entity(), "k-5").await.unwrap_err();
    assert!(matches!(e, ProviderError::Invalid(_)), "{e:?}");
    assert_eq!(sent(&server).await.len(), before);
}

// ---- Amiqus ID -----------------------------------------------------------------------------

const A_KEY: &str = "aqpat_create_contract";

fn amiqus(server: &MockServer) -> Box<dyn Provider> {
    let base = format!("{}/api/v2", server.uri());
    let c = Connect::new(Vendor::Amiqus, &base, ApiKey::new(A_KEY));
    Box::new(docket::provider::amiqus::AmiqusProvider::new(c).unwrap())
}

/// One page of a `paginated_list` holding `items`.
fn page(items: Value) -> ResponseTemplate {
    let n = items.as_array().map_or(0, Vec::len);
    reply(
        200,
        json!({ "object": "paginated_list", "data": items, "total": n, "count": n,
                "limit": 100, "current_page": 1, "total_pages": 1, "links": null }),
    )
}

/// A call under `/api/v2` with the token.
fn aq(verb: &str, route: &str) -> MockBuilder {
    let token = format!("Bearer {A_KEY}");
    on(verb, &format!("/api/v2{route}")).and(header("Authorization", token.as_str()))
}

/// A write under `/api/v2` with the token, JSON and exactly `body`.
fn aq_write(verb: &str, route: &str, body: &Value) -> MockBuilder {
    aq(verb, route)
        .and(header("Content-Type", JSON))
        .and(body_json(body))
}

/// A call that must not be made.
async fn never(server: &MockServer, verb: &str, route: &str) {
    mount(server, aq(verb, route), ResponseTemplate::new(500), 0).await;
}

fn ada() -> Value {
    json!({ "client": { "name": { "first_name": "Ada", "last_name": "Lovelace" },
                        "email": "ada@example.com" },
            "record": { "steps": ["check.photo_id", "check.watchlist"] },
            "case": { "name": "Onboarding", "reference": "ONB-1" } })
}

fn client_ada() -> Value {
    json!([{ "object": "client", "id": 73845, "email": "ada@example.com" }])
}

/// The client search (answered with `clients`) and the case search for client 73845.
async fn amiqus_lookups(server: &MockServer, clients: Value, cases: Value) {
    let search = aq("GET", "/clients")
        .and(query_param("search", "Lovelace"))
        .and(query_param("visibility", "active"));
    mount(server, search, page(clients), 0..).await;
    let by_reference = aq("GET", "/cases")
        .and(query_param("reference", "ONB-1"))
        .and(query_param("client", "73845"));
    mount(server, by_reference, page(cases), 0..).await;
}

/// `POST /records` for client 73845, each step with its preferences, and the link into case
/// 8723; each received `times`.
async fn amiqus_record_and_link(server: &MockServer, times: u64) {
    let steps = json!([
        { "type": "check.photo_id", "preferences": { "report_type": "standard",
            "docs": ["passport", "driving_licence", "national_id"] } },
        { "type": "check.watchlist", "preferences": {} } ]);
    let record = json!({ "client": 73845, "steps": steps, "notification": "email" });
    let made = json!({ "object": "record", "id": 983434, "status": "pending", "client": 73845 });
    let post = aq_write("POST", "/records", &record);
    mount(server, post, reply(201, made), times).await;
    let link = json!([{ "id": 983434, "type": "record" }]);
    let linked = json!({ "object": "list", "data": [{ "object": "case_item", "id": 587,
        "entity": { "id": 983434, "type": "record" } }] });
    let patch = aq_write("PATCH", "/cases/8723/items", &link);
    mount(server, patch, reply(200, linked), times).await;
}

fn made_ada(existing: bool) -> Created {
    Created {
        token: "8723".into(),
        name: "Onboarding (ONB-1) for Ada Lovelace".into(),
        existing,
    }
}

#[tokio::test]
async fn amiqus_makes_client_case_request_and_link_from_the_form() {
    let server = MockServer::start().await;
    let p = amiqus(&server);
    let steps = json!([
        { "object": "available_step", "type": "check.photo_id", "costs": [1] },
        { "object": "available_step", "type": "check.criminal_record", "costs": [3] },
        { "object": "available_step", "type": "check.watchlist", "costs": [2] },
        { "object": "available_step", "type": "document.request", "costs": [0] } ]);
    mount(&server, aq("GET", "/steps"), page(steps), 1).await;
    let form = p.case_form().await.unwrap().unwrap();
    assert_eq!(
        form.field("record.steps").unwrap().kind,
        Kind::MultiChoice(vec![
            Choice::new("check.photo_id", "Photo ID"),
            Choice::new("check.watchlist", "Watchlist")
        ])
    );
    let values = "client.name.first_name = Ada
        client.name.last_name = Lovelace
        client.email = ada@example.com
        record.steps = check.photo_id, check.watchlist
        case.name = Onboarding
        case.reference = ONB-1";
    let body = drawn(&form, values, ada());
    amiqus_lookups(&server, json!([]), json!([])).await;
    // Each part of the composite body is what its call sends.
    let client = aq_write("POST", "/clients", &body["client"]);
    let made = json!({ "object": "client", "id": 73845 });
    mount(&server, client, reply(201, made), 1).await;
    let case = json!({ "client": 73845, "name": body["case"]["name"],
                       "reference": body["case"]["reference"] });
    let made = json!({ "object": "case", "id": 8723, "name": "Onboarding", "reference": "ONB-1" });
    mount(
        &server,
        aq_write("POST", "/cases", &case),
        reply(201, made),
        1,
    )
    .await;
    amiqus_record_and_link(&server, 1).await;

    assert_eq!(
        p.create(&create(body), "a-1").await.unwrap(),
        made_ada(false)
    );
    let writes: Vec<String> = sent(&server).await;
    let writes: Vec<&str> = writes
        .iter()
        .map(String::as_str)
        .filter(|r| !r.starts_with("GET"))
        .collect();
    assert_eq!(
        writes,
        [
            "POST /api/v2/clients",
            "POST /api/v2/cases",
            "POST /api/v2/records",
            "PATCH /api/v2/cases/8723/items"
        ]
    );
}

#[tokio::test]
async fn amiqus_reuses_the_client_with_the_email_and_the_case_with_the_reference() {
    let server = MockServer::start().await;
    let p = amiqus(&server);
    let clients = json!([
        { "object": "client", "id": 70001, "email": "someone.else@example.com" },
        { "object": "client", "id": 73845, "email": "Ada@Example.com" } ]);
    let cases = json!([{ "object": "case", "id": 8723, "name": "Onboarding",
                         "reference": "ONB-1", "client": 73845 }]);
    amiqus_lookups(&server, clients, cases).await;
    // Case 8723 already holds a request: nothing is made.
    let items = json!([{ "object": "case_item", "id": 587,
                         "entity": { "id": 983434, "type": "record" } }]);
    mount(&server, aq("GET", "/cases/8723/items"), page(items), 1).await;
    never(&server, "POST", "/clients").await;
    never(&server, "POST", "/cases").await;
    amiqus_record_and_link(&server, 0).await;

    let made = p.create(&create(ada()), "a-2").await.unwrap();
    assert_eq!(made, made_ada(true));
    assert!(made.describe().contains("already exists"), "{made:?}");
}

#[tokio::test]
async fn amiqus_finishes_a_case_a_stopped_run_left_without_its_request() {
    let server = MockServer::start().await;
    let p = amiqus(&server);
    let cases = json!([{ "object": "case", "id": 8723, "name": "Onboarding", "reference": "ONB-1",
                         "client": { "object": "client", "id": 73845 } }]);
    amiqus_lookups(&server, client_ada(), cases).await;
    mount(&server, aq("GET", "/cases/8723/items"), page(json!([])), 1).await;
    never(&server, "POST", "/cases").await;
    amiqus_record_and_link(&server, 1).await;
    assert_eq!(
        p.create(&create(ada()), "a-3").await.unwrap(),
        made_ada(false)
    );
}

#[tokio::test]
async fn amiqus_retry_in_the_same_run_links_the_request_it_made_instead_of_a_second() {
    let server = MockServer::start().await;
    let p = amiqus(&server);
    amiqus_lookups(&server, client_ada(), json!([])).await;
    let made = json!({ "object": "case", "id": 8723 });
    mount(&server, aq("POST", "/cases"), reply(201, made), 1).await;
    // The link fails once (503), then lands.
    aq("PATCH", "/cases/8723/items")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    amiqus_record_and_link(&server, 1).await;

    let first = p.create(&create(ada()), "a-4").await.unwrap_err();
    assert!(first.is_transient(), "{first:?}");
    assert_eq!(
        p.create(&create(ada()), "a-4").await.unwrap(),
        made_ada(false)
    );
    let reads = sent(&server).await;
    let searches = reads.iter().filter(|r| r.starts_with("GET")).count();
    assert_eq!(searches, 2, "the retry looks nothing up again: {reads:?}");
}

#[tokio::test]
async fn amiqus_refusals_come_before_the_client_is_emailed() {
    let server = MockServer::start().await;
    let p = amiqus(&server);
    // Steps docket cannot set up, and entities: refused with nothing sent.
    let mut body = ada();
    body["record"]["steps"] = json!(["check.photo_id", "check.criminal_record"]);
    let e = p.create(&create(body), "a-5").await.unwrap_err();
    let named = matches!(&e, ProviderError::Invalid(m) if m.contains("check.criminal_record"));
    assert!(named, "{e:?}");
    let e = p.create(&add_entity(), "a-6").await.unwrap_err();
    assert!(matches!(e, ProviderError::Invalid(_)), "{e:?}");
    assert!(p.entity_form().is_none());
    assert!(sent(&server).await.is_empty());

    // A case Amiqus refuses: no request is made, so nothing is emailed.
    amiqus_lookups(&server, client_ada(), json!([])).await;
    let said = json!({ "name": ["The name may not be greater than 255 characters."] });
    let answer = reply(422, said).insert_header("x-request-id", "aq-req-1");
    mount(&server, aq("POST", "/cases"), answer, 1).await;
    never(&server, "POST", "/records").await;
    let e = p.create(&create(ada()), "a-7").await.unwrap_err();
    let message = "name: The name may not be greater than 255 characters.";
    assert_eq!(
        refusal(&e),
        (422, "VALIDATION_ERROR", message, Some("aq-req-1"))
    );
}
