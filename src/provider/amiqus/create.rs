//! Opening an Amiqus case from the composite body of the case form
//! (`client.name.{first_name,last_name}`, `client.email`, `record.steps`,
//! `case.{name,reference}`), in up to four calls, each skipped when what it makes is there:
//!
//! 1. the client: an active client with this email is reused; otherwise `POST /clients`.
//!    Amiqus cannot filter clients by email, so docket searches them by last name
//!    (`GET /clients?search=…&visibility=active`) and matches the email exactly;
//! 2. the case: with a reference, a case of this client with exactly that reference
//!    (`GET /cases?reference=…&client=…`) is the one; otherwise `POST /cases` `{client, name,
//!    reference}`;
//! 3. the request (record): made only when the case holds none (`GET /cases/{id}/items`):
//!    `POST /records` `{client, steps, notification: "email"}`, which emails the client;
//! 4. `PATCH /cases/{id}/items` `[{id, type: "record"}]` puts it in the case (Amiqus merges).
//!
//! The case comes before the request so that a case Amiqus refuses (cases not enabled for the
//! team, a name it rejects) leaves no request emailed to the client.
//!
//! Each step type becomes `{type, preferences}`. The reference (`GET /steps` lists the types a
//! team may use) gives each type's preferences; docket sends only the types whose preferences
//! it can fill without asking: Photo ID as a standard document check accepting a passport,
//! driving licence or national ID, and Identity, Watchlist, Credit, Banking information and
//! Video with their defaults (`{}`). The others need choices the form does not ask for (a
//! criminal record's region and level, referencing years, a document's title, …) and are
//! refused before anything is sent; the picker offers only the sendable ones.
//!
//! Amiqus has no idempotency key. A retry finds the client again by email and, with a
//! reference, the case by its reference; a case that already holds a request is done and is
//! [`Created`] with `existing: true` when this submission did not make it. Within one run of
//! docket, what each call made is also remembered under the submission's key, so a retry
//! reuses a case made without a reference and links a request made but not yet linked. After
//! a restart, a case without a reference, or a request made in the moment before it was
//! linked, cannot be found again: the retry makes another (and the client is emailed twice).

use reqwest::Method;
use serde_json::{Value, json};

use super::{AmiqusProvider, numeric, wire};
use crate::domain::form::{self, Choice, Form};
use crate::domain::review::Submission;
use crate::provider::ProviderError;
use crate::provider::api::{Created, Vendor, cannot_create};
use crate::provider::http::Path;

/// The preferences docket sends with a step type, or `None` when it cannot choose them.
pub fn preferences(step: &str) -> Option<Value> {
    match step {
        "check.photo_id" => Some(json!({
            "report_type": "standard",
            "docs": ["passport", "driving_licence", "national_id"],
        })),
        "check.identity"
        | "check.watchlist"
        | "check.credit"
        | "check.banking_information"
        | "check.video" => Some(json!({})),
        _ => None,
    }
}

/// What the composite body asks for.
#[derive(Debug, PartialEq)]
pub struct Plan {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// `{type, preferences}` per step, in the order given.
    pub steps: Vec<Value>,
    pub name: String,
    pub reference: Option<String>,
}

impl Plan {
    /// Reads the case form's body; refuses, naming what is wrong, before anything is sent.
    pub fn of(body: &Value) -> Result<Plan, ProviderError> {
        let get = |path: &[&str]| {
            path.iter()
                .try_fold(body, |v, k| v.get(k))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let need = |path: &[&str]| {
            get(path).ok_or_else(|| {
                ProviderError::Invalid(format!("the Amiqus case body has no {}", path.join(".")))
            })
        };
        let types: Vec<&str> = body
            .get("record")
            .and_then(|r| r.get("steps"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::trim).collect())
            .unwrap_or_default();
        if types.is_empty() {
            return Err(ProviderError::Invalid(
                "an Amiqus request needs at least one step (record.steps)".into(),
            ));
        }
        let refused: Vec<&str> = types
            .iter()
            .copied()
            .filter(|t| preferences(t).is_none())
            .collect();
        if !refused.is_empty() {
            return Err(ProviderError::Invalid(format!(
                "docket cannot send the Amiqus step(s) {}: they need choices the case form does \
                 not ask for; send them from Amiqus, or leave them out",
                refused.join(", ")
            )));
        }
        Ok(Plan {
            first_name: need(&["client", "name", "first_name"])?,
            last_name: need(&["client", "name", "last_name"])?,
            email: need(&["client", "email"])?,
            steps: types
                .iter()
                .map(|t| json!({ "type": t, "preferences": preferences(t) }))
                .collect(),
            name: need(&["case", "name"])?,
            reference: get(&["case", "reference"]),
        })
    }

    /// How the case is named to people: `Onboarding (ONB-1) for Ada Lovelace`.
    fn title(&self, name: &str) -> String {
        let reference = self
            .reference
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        format!(
            "{name}{reference} for {} {}",
            self.first_name, self.last_name
        )
    }
}

/// An id for a JSON body: Amiqus ids are integers.
fn int(id: &str, what: &str) -> Result<u64, ProviderError> {
    numeric(id, what)?
        .parse()
        .map_err(|_| ProviderError::Invalid(format!("{id:?} is not an Amiqus ID {what} id")))
}

/// The id a previous attempt under this key remembered for `what` (`case:8723`).
fn remembered(done: &std::collections::HashSet<String>, what: &str) -> Option<String> {
    let prefix = format!("{what}:");
    done.iter()
        .find_map(|t| t.strip_prefix(&prefix).map(str::to_string))
}

impl AmiqusProvider {
    /// The case form, offering the step types the team may use that docket can send.
    pub(super) async fn case_form_now(&self) -> Result<Form, ProviderError> {
        let items = self.get_all(&Path::of(&["steps"]), &[]).await?;
        let mut steps: Vec<Choice> = Vec::new();
        for t in items.iter().filter_map(|s| wire::text(s, "type")) {
            if preferences(&t).is_some() && !steps.iter().any(|c| c.value == t) {
                let label = wire::check_label(t.strip_prefix("check.").unwrap_or(&t));
                steps.push(Choice::new(t, label));
            }
        }
        Ok(form::amiqus_case(steps))
    }

    /// Sends a [`Submission::CreateCase`] as the module says; Amiqus has no entities to add.
    pub(super) async fn create_case(
        &self,
        s: &Submission,
        key: &str,
    ) -> Result<Created, ProviderError> {
        let Submission::CreateCase { body, .. } = s else {
            return Err(cannot_create(Vendor::Amiqus, s));
        };
        let plan = Plan::of(body)?;
        let done = self.landed_for(key);

        let client = match remembered(&done, "client") {
            Some(id) => id,
            None => match self.client_by_email(&plan).await? {
                Some(id) => id,
                None => {
                    let body = json!({
                        "name": { "first_name": plan.first_name, "last_name": plan.last_name },
                        "email": plan.email,
                    });
                    self.post_new(&Path::of(&["clients"]), &body, "client")
                        .await?
                }
            },
        };
        self.mark_landed(key, &format!("client:{client}"));

        // The case: made by an earlier attempt under this key, named by its reference, or new.
        let (case, name, by_reference) = match remembered(&done, "case") {
            Some(id) => (id, plan.name.clone(), false),
            None => match self.case_by_reference(&plan, &client).await? {
                Some((id, name)) => (id, name, true),
                None => {
                    let mut body = json!({ "client": int(&client, "client")?, "name": plan.name });
                    if let Some(r) = &plan.reference {
                        body["reference"] = json!(r);
                    }
                    let id = self.post_new(&Path::of(&["cases"]), &body, "case").await?;
                    (id, plan.name.clone(), false)
                }
            },
        };
        let case_id = numeric(&case, "case")?.to_string();
        self.mark_landed(key, &format!("case:{case_id}"));
        let fresh = !by_reference && remembered(&done, "case").is_none();

        let record = remembered(&done, "record");
        if record.is_none() && !fresh && self.holds_a_record(&case_id).await? {
            self.forget_landed(key);
            return Ok(Created {
                token: case_id,
                name: plan.title(&name),
                existing: by_reference,
            });
        }
        let record = match record {
            Some(id) => id,
            None => {
                let body = json!({
                    "client": int(&client, "client")?,
                    "steps": plan.steps,
                    "notification": "email",
                });
                self.post_new(&Path::of(&["records"]), &body, "record")
                    .await?
            }
        };
        self.mark_landed(key, &format!("record:{record}"));
        let items = json!([{ "id": int(&record, "record")?, "type": "record" }]);
        self.api
            .call(Method::PATCH, &Path::of(&["cases", &case_id, "items"]))
            .json(&items)
            .send()
            .await?;
        self.forget_landed(key);
        Ok(Created {
            token: case_id,
            name: plan.title(&name),
            existing: false,
        })
    }

    /// A POST whose answer is the object it made; its id.
    async fn post_new(
        &self,
        path: &Path,
        body: &Value,
        what: &str,
    ) -> Result<String, ProviderError> {
        let answer = self.api.call(Method::POST, path).json(body).send().await?;
        let v = answer.json()?;
        wire::id(&v).ok_or_else(|| {
            answer.unexpected(format!(
                "expected the new {what} with its id, got {}",
                wire::kind(&v)
            ))
        })
    }

    /// The oldest active client whose email is the plan's, found by searching the last name.
    async fn client_by_email(&self, plan: &Plan) -> Result<Option<String>, ProviderError> {
        let query = [
            ("search", plan.last_name.clone()),
            ("visibility", "active".to_string()),
        ];
        let found = self.get_all(&Path::of(&["clients"]), &query).await?;
        Ok(found
            .iter()
            .filter(|c| {
                wire::text(c, "email").is_some_and(|e| e.trim().eq_ignore_ascii_case(&plan.email))
            })
            .filter_map(wire::id)
            .min_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX)))
    }

    /// The client's case with exactly the plan's reference, if it has one: its id and name.
    async fn case_by_reference(
        &self,
        plan: &Plan,
        client: &str,
    ) -> Result<Option<(String, String)>, ProviderError> {
        let Some(reference) = &plan.reference else {
            return Ok(None);
        };
        let query = [
            ("reference", reference.clone()),
            ("client", client.to_string()),
        ];
        let found = self.get_all(&Path::of(&["cases"]), &query).await?;
        Ok(found
            .iter()
            .filter(|c| wire::text(c, "reference").is_some_and(|r| r.trim() == reference))
            .filter(|c| {
                let of = match c.get("client") {
                    Some(o @ Value::Object(_)) => wire::id(o),
                    _ => wire::text(c, "client"),
                };
                // Trust the filter when the case does not say its client.
                of.is_none_or(|id| id == client)
            })
            .find_map(|c| {
                let name = wire::text(c, "name").unwrap_or_else(|| plan.name.clone());
                Some((wire::id(c)?, name))
            }))
    }

    /// Whether the case already holds a request.
    async fn holds_a_record(&self, case: &str) -> Result<bool, ProviderError> {
        let items = self
            .get_all(&Path::of(&["cases", case, "items"]), &[])
            .await?;
        Ok(items.iter().any(|i| {
            i.get("entity")
                .is_some_and(|e| wire::text(e, "type").is_none_or(|t| t == "record"))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(steps: &[&str]) -> Value {
        json!({
            "client": { "name": { "first_name": "Ada", "last_name": "Lovelace" },
                        "email": "ada@example.com" },
            "record": { "steps": steps },
            "case": { "name": "Onboarding", "reference": "ONB-1" }
        })
    }

    #[test]
    fn each_step_goes_with_its_preferences() {
        let plan = Plan::of(&body(&["check.photo_id", "check.watchlist"])).unwrap();
        assert_eq!(
            plan.steps,
            vec![
                json!({ "type": "check.photo_id", "preferences": {
                    "report_type": "standard",
                    "docs": ["passport", "driving_licence", "national_id"] } }),
                json!({ "type": "check.watchlist", "preferences": {} }),
            ]
        );
        assert_eq!(
            plan.title("Onboarding"),
            "Onboarding (ONB-1) for Ada Lovelace"
        );
    }

    #[test]
    fn steps_docket_cannot_choose_for_are_refused_before_anything_is_sent() {
        let e = Plan::of(&body(&["check.photo_id", "check.criminal_record", "form"])).unwrap_err();
        assert!(e.to_string().contains("check.criminal_record, form"), "{e}");
        assert!(Plan::of(&body(&[])).is_err());
        let mut no_email = body(&["check.identity"]);
        no_email["client"]["email"] = json!(" ");
        assert_eq!(
            Plan::of(&no_email).unwrap_err().to_string(),
            "the Amiqus case body has no client.email"
        );
    }
}
