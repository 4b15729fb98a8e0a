//! Opening a Persona case: `POST /cases` with the case form's body (`data.attributes`, `meta`)
//! and `data.type` set to `case`, sent with the submission's Idempotency-Key (Persona stores
//! the first answer to a key for at least 24 hours and replays it, so a retry makes nothing
//! twice; a key sent again with another body is refused).
//!
//! The form's template picker: Persona has no endpoint listing case templates (the reference
//! names only `GET /case-templates/{id}`), so the picker offers the profile's
//! `persona.template_id` when it sets one, named as `GET /case-templates/{id}` says, and
//! otherwise the template id is typed.
//!
//! What the reference leaves open:
//! - it lists "template field keys" beside `case-template-id` without saying where they go;
//!   docket sends them in `data.attributes.fields`, where `PATCH /cases/{id}` takes them;
//! - a replayed answer is not marked as one, so [`Created::existing`] is always `false`: a
//!   replay names the case the first attempt made, which is still the one this submission
//!   made.

use reqwest::Method;
use serde_json::{Value, json};

use super::{PersonaProvider, segment, wire};
use crate::domain::form::{self, Choice, Form};
use crate::domain::review::Submission;
use crate::provider::ProviderError;
use crate::provider::api::{Created, Vendor, cannot_create};
use crate::provider::http::Path;

impl PersonaProvider {
    /// The case form, its template picker filled as the module says.
    pub(super) async fn case_form_now(&self) -> Result<Form, ProviderError> {
        let templates = match self.pinned_template() {
            Some(id) => vec![self.template_choice(id).await],
            None => Vec::new(),
        };
        Ok(form::persona_case(templates))
    }

    /// The profile's `persona.template_id`, if it names one.
    fn pinned_template(&self) -> Option<&str> {
        self.settings
            .template_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// A template as a choice, labelled with its name. The name is a nicety: when Persona
    /// cannot say it (no such template, a key without access, no answer), the id is shown.
    async fn template_choice(&self, id: &str) -> Choice {
        let Ok(seg) = segment(id) else {
            return Choice::plain(id);
        };
        let path = Path::of(&["case-templates", seg]);
        match self.call(self.api.get(&path)).await {
            Ok(doc) => match wire::text(wire::attributes(&doc.data), "name") {
                Some(name) => Choice::new(id, format!("{name} ({id})")),
                None => Choice::plain(id),
            },
            Err(e) => {
                tracing::debug!(error = %e, "persona: the case template's name is unknown");
                Choice::plain(id)
            }
        }
    }

    /// Sends a [`Submission::CreateCase`]; Persona has no entities to add to a case.
    pub(super) async fn create_case(
        &self,
        s: &Submission,
        key: &str,
    ) -> Result<Created, ProviderError> {
        let Submission::CreateCase { body, .. } = s else {
            return Err(cannot_create(Vendor::Persona, s));
        };
        let body = case_body(body)?;
        let case = self
            .write(Method::POST, &Path::of(&["cases"]), &body, key)
            .await?;
        Ok(Created {
            token: case.token,
            name: case.name,
            existing: false,
        })
    }
}

/// The form's body with `data.type` set to `case`, as JSON:API asks. Refused, without sending
/// anything, when it is not the form's `{data: {attributes}, meta}` object.
pub fn case_body(body: &Value) -> Result<Value, ProviderError> {
    let bad = |what: &str| {
        ProviderError::Invalid(format!(
            "a Persona case body is {{\"data\": {{\"attributes\": …}}, \"meta\": …}} from the \
             case form; this one {what}"
        ))
    };
    let mut body = body.clone();
    let top = body
        .as_object_mut()
        .ok_or_else(|| bad("is not an object"))?;
    let data = top.entry("data").or_insert_with(|| json!({}));
    let data = data
        .as_object_mut()
        .ok_or_else(|| bad("has a data that is not an object"))?;
    if data
        .get("attributes")
        .and_then(|a| a.get("case-template-id"))
        .and_then(Value::as_str)
        .is_none_or(|t| t.trim().is_empty())
    {
        return Err(bad(
            "names no case template (data.attributes.case-template-id)",
        ));
    }
    data.insert("type".into(), json!("case"));
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_gains_its_type_and_nothing_else() {
        let form = json!({
            "data": { "attributes": { "case-template-id": "ctmpl_1" } },
            "meta": { "object-ids": ["inq_1"] }
        });
        assert_eq!(
            case_body(&form).unwrap(),
            json!({
                "data": { "type": "case", "attributes": { "case-template-id": "ctmpl_1" } },
                "meta": { "object-ids": ["inq_1"] }
            })
        );
        for bad in [
            json!([]),
            json!({ "data": [] }),
            json!({ "data": { "attributes": {} } }),
            json!({ "data": { "attributes": { "case-template-id": " " } } }),
        ] {
            assert!(
                matches!(case_body(&bad), Err(ProviderError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
