//! The create forms of each vendor, as data. Paths are the vendor's own body paths, except
//! Amiqus, whose several calls are described as one composite body (see [`amiqus_case`]).

use crate::domain::lifecycle::UBO_THRESHOLD;
use crate::domain::{CaseType, EntityRole, EntityType};

use super::{Choice, Cond, Derived, Field, Form, Kind, Rule};

/// Longest person or company name part.
const NAME_MAX: usize = 100;
/// Zenoo's `external_reference`, and a sensible bound for other references and ids.
const REFERENCE_MAX: usize = 255;

fn text(max: usize) -> Kind {
    Kind::Text { max }
}

fn choices<T: Copy>(all: &[T], wire: impl Fn(T) -> &'static str) -> Kind {
    Kind::Choice(all.iter().map(|v| Choice::plain(wire(*v))).collect())
}

/// Choices from the caller when it has them, else free text (an id typed as is).
fn choice_or_id(given: Vec<Choice>) -> Kind {
    if given.is_empty() {
        text(REFERENCE_MAX)
    } else {
        Kind::Choice(given)
    }
}

/// The person and company fields of a Zenoo entity under `entity.`, shown by the entity type
/// at `on`, with the person's date-of-birth-or-nationality rule.
fn zenoo_entity_fields(on: &str) -> (Vec<Field>, Vec<Rule>) {
    let person = Cond::new(on, &[EntityType::Person.as_str()]);
    let company = Cond::new(on, &[EntityType::Company.as_str()]);
    let mut fields = vec![
        Field::new("entity.first_name", "First name", text(NAME_MAX))
            .required()
            .shown_when(person.clone()),
        Field::new("entity.last_name", "Last name", text(NAME_MAX))
            .required()
            .shown_when(person.clone()),
        Field::new("entity.date_of_birth", "Date of birth", Kind::Date)
            .shown_when(person.clone())
            .help("YYYY-MM-DD; a date of birth or a nationality is needed"),
        Field::new("entity.nationality", "Nationality", Kind::Country)
            .shown_when(person.clone())
            .help("ISO 3166-1 alpha-2, e.g. GB; a date of birth or a nationality is needed"),
        Field::new("entity.company_name", "Company name", text(200))
            .required()
            .shown_when(company.clone()),
        Field::new("entity.country", "Country of registration", Kind::Country)
            .required()
            .shown_when(company.clone())
            .help("ISO 3166-1 alpha-2, e.g. GB"),
        Field::new(
            "entity.registration_number",
            "Registration number",
            text(64),
        )
        .shown_when(company)
        .help("needed for the registry lookup"),
    ];
    let address = [
        ("line1", "Address line 1", 200),
        ("line2", "Address line 2", 200),
        ("city", "City", NAME_MAX),
        ("state", "State or region", NAME_MAX),
        ("postal_code", "Postal code", 20),
    ];
    for (part, label, max) in address {
        fields.push(Field::new(
            &format!("entity.address.{part}"),
            label,
            text(max),
        ));
    }
    fields.push(
        Field::new("entity.address.country", "Address country", Kind::Country)
            .help("ISO 3166-1 alpha-2, e.g. GB"),
    );
    let rules = vec![Rule::AtLeastOne {
        when: Some(person),
        paths: vec![
            "entity.date_of_birth".to_string(),
            "entity.nationality".to_string(),
        ],
        message: "expected a date of birth or a nationality for a person".to_string(),
    }];
    (fields, rules)
}

/// Zenoo `POST /v1/cases` with its initial entity. `entity.type` is not typed: it is derived
/// from `entity_category` (see [`Form::derived`]), so the two always agree.
pub fn zenoo_case() -> Form {
    let (entity, rules) = zenoo_entity_fields("entity_category");
    let mut fields = vec![
        Field::new(
            "type",
            "Case type",
            choices(CaseType::ALL, CaseType::as_str),
        )
        .required(),
        Field::new(
            "entity_category",
            "Entity",
            choices(EntityType::ALL, EntityType::as_str),
        )
        .required()
        .help("a Person or a Company; the case's first entity is of this type"),
    ];
    fields.extend(entity);
    fields.extend([
        Field::new(
            "external_reference",
            "External reference",
            text(REFERENCE_MAX),
        )
        .help("your own id; sending it again returns the case it made, nothing is duplicated"),
        Field::new("assigned_to", "Assign to", Kind::User),
        Field::new("metadata", "Metadata", Kind::KeyValues)
            .help("key = value lines; in a CSV, one column per key as metadata.<key>"),
    ]);
    Form {
        title: "New Zenoo case".to_string(),
        fields,
        rules,
        derived: vec![Derived {
            path: "entity.type".to_string(),
            from: "entity_category".to_string(),
        }],
        notes: vec![
            "Zenoo sets the due date from its SLA settings; it cannot be chosen here.".to_string(),
            "Zenoo creates the case's checks itself once the entity is in.".to_string(),
        ],
    }
}

/// Zenoo `POST /v1/cases/{case}/entities`, creating the entity inline with its role.
pub fn zenoo_entity() -> Form {
    let (entity, mut rules) = zenoo_entity_fields("entity.type");
    let ubo = Cond::new("role", &[EntityRole::Ubo.as_str()]);
    let mut fields = vec![
        Field::new(
            "entity.type",
            "Entity",
            choices(EntityType::ALL, EntityType::as_str),
        )
        .required(),
    ];
    fields.extend(entity);
    fields.extend([
        Field::new(
            "entity.external_reference",
            "External reference",
            text(REFERENCE_MAX),
        )
        .help("your own id for the entity"),
        Field::new("role", "Role", choices(EntityRole::ALL, EntityRole::as_str)).required(),
        Field::new(
            "ownership_percentage",
            "Ownership %",
            Kind::Number {
                min: 0.0,
                max: 100.0,
            },
        )
        .required_when(Cond::new(
            "role",
            &[EntityRole::Ubo.as_str(), EntityRole::Shareholder.as_str()],
        ))
        .help("0 to 100; needed for a UBO (25% or more) or a shareholder"),
        Field::new("parent_entity_token", "Parent entity", text(64))
            .help("the ent_… token of the company this entity sits under"),
    ]);
    rules.push(Rule::AtLeast {
        when: Some(ubo),
        path: "ownership_percentage".to_string(),
        min: UBO_THRESHOLD,
        message: format!(
            "expected {UBO_THRESHOLD}% or more for a UBO; a smaller share makes a Shareholder"
        ),
    });
    Form {
        title: "Add an entity".to_string(),
        fields,
        rules,
        derived: Vec::new(),
        notes: vec![
            "Zenoo documents only the entity and its role on this call; ownership and the parent \
             entity are sent beside them and a live Zenoo may ignore them."
                .to_string(),
        ],
    }
}

/// Persona `POST /cases` (JSON:API: `data.attributes`, `meta`). `templates` are the case
/// templates the caller knows (Persona has no endpoint listing them); with none, the id is typed.
pub fn persona_case(templates: Vec<Choice>) -> Form {
    let fields = vec![
        Field::new(
            "data.attributes.case-template-id",
            "Case template",
            choice_or_id(templates),
        )
        .required()
        .help("the ctmpl_… id, from the Persona dashboard (Cases > Templates)"),
        Field::new(
            "data.attributes.creator-email-address",
            "Created by",
            Kind::Email,
        )
        .help("email of the Persona user the case is created as"),
        Field::new(
            "data.attributes.case-queue-id",
            "Queue",
            text(REFERENCE_MAX),
        )
        .help("the cqueue_… id of the queue to put the case in"),
        Field::new("meta.object-ids", "Attach", Kind::List)
            .help("ids of inquiries, accounts, reports, verifications or transactions, comma-separated"),
        Field::new(
            "meta.sla-expires-in-seconds",
            "SLA (seconds)",
            Kind::Integer {
                min: 1,
                max: 7_776_000,
            },
        )
        .help("seconds until the SLA expires, at most 90 days (7776000)"),
        Field::new("data.attributes.fields", "Template fields", Kind::KeyValues).help(
            "the template's own fields as key = value lines; in a CSV, data.attributes.fields.<key>",
        ),
    ];
    Form {
        title: "New Persona case".to_string(),
        fields,
        rules: Vec::new(),
        derived: Vec::new(),
        notes: vec![
            "A Persona case holds no person or company of its own: attach the inquiries, accounts \
             or reports that do."
                .to_string(),
            "Persona takes no assignee when a case is created; its assignment policy, or an \
             assign by email afterwards, sets one."
                .to_string(),
            "Template fields are sent as text; Persona checks them against the template."
                .to_string(),
        ],
    }
}

/// KarmaCheck `POST /case/create`. `packages` come from `GET /package/min/list`; with none, the
/// package id is typed.
pub fn karmacheck_case(packages: Vec<Choice>) -> Form {
    let fields = vec![
        Field::new("packageId", "Package", choice_or_id(packages))
            .required()
            .help("the package of services to order"),
        Field::new("email", "Candidate email", Kind::Email)
            .required()
            .help("one open case per candidate email in a group"),
        Field::new("givenName", "Given name", text(NAME_MAX)).required(),
        Field::new("middleName", "Middle name", text(NAME_MAX)),
        Field::new("familyName", "Family name", text(NAME_MAX)).required(),
        Field::new("phone", "Phone", text(30)),
        Field::new("autoProcess", "Start at once", Kind::Bool).help(
            "yes: you supply all the candidate's details and processing starts now; \
             no: the candidate is emailed an invitation",
        ),
        Field::new("apiTrackingCode", "Your reference", text(REFERENCE_MAX))
            .help("comes back on every webhook for this case"),
    ];
    Form {
        title: "New KarmaCheck case".to_string(),
        fields,
        rules: Vec::new(),
        derived: Vec::new(),
        notes: vec![
            "KarmaCheck refuses a second case for a candidate email that already has one in the \
             group, and names the existing case."
                .to_string(),
            "KarmaCheck cannot assign a case to a reviewer or take notes through its API."
                .to_string(),
            "Start at once also needs the candidate's order data and consent, which this form \
             does not carry: KarmaCheck refuses it. Leave it off to have the candidate invited."
                .to_string(),
        ],
    }
}

/// Amiqus, as one composite body that the adapter sends in several calls:
/// `client` → `POST /clients` (unless a client with that email exists), `case` →
/// `POST /cases` (unless the client has one with that reference), `record` → `POST /records`
/// (for that client, each step with the preferences docket sets, notification by email), then
/// `PATCH /cases/{id}/items` puts the record in the case. `steps` are the step types the team
/// may send (e.g. `check.photo_id`); with none, they are typed as a list.
pub fn amiqus_case(steps: Vec<Choice>) -> Form {
    let step_kind = if steps.is_empty() {
        Kind::List
    } else {
        Kind::MultiChoice(steps)
    };
    let fields = vec![
        Field::new("client.name.first_name", "First name", text(NAME_MAX)).required(),
        Field::new("client.name.last_name", "Last name", text(NAME_MAX)).required(),
        Field::new("client.email", "Email", Kind::Email)
            .required()
            .help("the request is emailed here"),
        Field::new("record.steps", "Steps", step_kind)
            .required()
            .help("step types, comma-separated, e.g. check.photo_id, check.watchlist"),
        Field::new("case.name", "Case name", text(REFERENCE_MAX))
            .required()
            .help("why this person is being checked, e.g. Onboarding"),
        Field::new("case.reference", "Reference", text(REFERENCE_MAX)).help("your own reference"),
    ];
    Form {
        title: "New Amiqus case".to_string(),
        fields,
        rules: Vec::new(),
        derived: Vec::new(),
        notes: vec![
            "Amiqus takes this in up to four calls: the client (one with this email is reused), \
             the case, a request with these steps (emailed to the client), then the request put \
             into the case. If one fails, the earlier ones stay done."
                .to_string(),
            "Amiqus has no idempotency key: sending again finds the client and, given a \
             reference, the case, but may still email the client a second request (and, \
             without a reference, make a second case)."
                .to_string(),
            "Only steps docket can set up without asking more are offered (Photo ID, Identity, \
             Watchlist, Credit, Banking information, Video); others are sent from Amiqus."
                .to_string(),
            "Amiqus cannot assign a case to a team member through its API.".to_string(),
        ],
    }
}
