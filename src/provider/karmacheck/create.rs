//! Opening a KarmaCheck case: `POST /case/create` with the case form's body, as it is, under
//! the group's bearer token. The form's package picker is `GET /package/min/list`
//! (`{packages: [{id, name}]}`).
//!
//! KarmaCheck has no idempotency key. Its one guard against duplicates is the rule that a
//! candidate email has one active case per group: without `orderOverride` (which docket never
//! sends) a second `POST /case/create` for the email answers 409 listing the cases that exist.
//! That answer is [`Created`] with `existing: true`: nothing was made, and a retry of a creation
//! that landed finds the case the first attempt made. The case named is the listed one with the
//! package asked for, else the first listed; its name says its package and status (it may be
//! another package than the one asked for) and, when KarmaCheck lists several, how many.
//!
//! Not sent: `karmacheck-on-behalf-of` (the reference documents it, but a user without access
//! to the group makes the call fail, and the profile's `user` is not known to be a KarmaCheck
//! user). A new case's answer is only `{caseId, caseInvitationId}`: the name is docket's short
//! name for the id, as the queue shows it.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::wire::{self, short_name, text};
use super::{KarmaCheckProvider, decode_error};
use crate::domain::form::{self, Choice, Form};
use crate::domain::review::Submission;
use crate::provider::ProviderError;
use crate::provider::api::{Created, Vendor, cannot_create};
use crate::provider::http::Path;

impl KarmaCheckProvider {
    /// The case form with the group's packages to pick from.
    pub(super) async fn case_form_now(&self) -> Result<Form, ProviderError> {
        let path = Path::of(&["package", "min", "list"]);
        let v = self.get_json(&path).await?;
        let packages = packages(&v).map_err(|m| decode_error(&format!("GET {path}"), m))?;
        Ok(form::karmacheck_case(packages))
    }

    /// Sends a [`Submission::CreateCase`]; KarmaCheck has no entities to add to a case.
    pub(super) async fn create_case(&self, s: &Submission) -> Result<Created, ProviderError> {
        let Submission::CreateCase { body, .. } = s else {
            return Err(cannot_create(Vendor::KarmaCheck, s));
        };
        if !body.is_object() {
            return Err(ProviderError::Invalid(
                "a KarmaCheck case body is the case form's object (packageId, email, …)".into(),
            ));
        }
        let path = Path::of(&["case", "create"]);
        let answer = self.call(Method::POST, &path, Some(body)).await?;
        if answer.status == StatusCode::CONFLICT {
            let listed = serde_json::from_slice::<Value>(&answer.body).ok();
            return listed
                .and_then(|v| existing(&v, body))
                .ok_or_else(|| self.api.error(&answer));
        }
        let answer = self.api.check(answer)?;
        let v = answer.json()?;
        let id = text(&v, "caseId").ok_or_else(|| {
            answer.unexpected(format!(
                "expected {{caseId, caseInvitationId}}, got {} without a caseId",
                wire::kind(&v)
            ))
        })?;
        Ok(Created {
            name: short_name(&id),
            token: id,
            existing: false,
        })
    }
}

/// The packages of `{packages: [{id, name}]}`, as choices; entries without an id are skipped.
pub fn packages(v: &Value) -> Result<Vec<Choice>, String> {
    let list = match v.get("packages") {
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(format!(
                "expected a list in packages, got {}",
                wire::kind(other)
            ));
        }
        None => {
            return Err(format!(
                "expected {{packages: [...]}}, got {}",
                wire::kind(v)
            ));
        }
    };
    Ok(list
        .iter()
        .filter_map(|p| {
            let id = text(p, "id")?;
            Some(match text(p, "name") {
                Some(name) => Choice::new(id, name),
                None => Choice::plain(id),
            })
        })
        .collect())
}

/// The case a 409 names for the request `body` (see the module), or `None` when the answer
/// lists none.
pub fn existing(conflict: &Value, body: &Value) -> Option<Created> {
    let listed: Vec<&Value> = conflict
        .get("cases")?
        .as_array()?
        .iter()
        .filter(|c| text(c, "existingCaseId").is_some())
        .collect();
    let asked = text(body, "packageId");
    let case = listed
        .iter()
        .find(|c| asked.is_some() && text(c, "existingCasePackageId") == asked)
        .or_else(|| listed.first())?;
    let token = text(case, "existingCaseId")?;
    let status = match (
        text(case, "existingCaseStatus"),
        text(case, "existingCaseSecondaryStatus"),
    ) {
        (Some(p), Some(s)) => Some(format!("{p} · {s}")),
        (p, s) => p.or(s),
    };
    let mut about: Vec<String> = [text(case, "existingCasePackageName"), status]
        .into_iter()
        .flatten()
        .collect();
    if listed.len() > 1 {
        about.push(format!(
            "1 of {} cases KarmaCheck lists for this email",
            listed.len()
        ));
    }
    let mut name = short_name(&token);
    if let Some(email) = text(body, "email") {
        name.push_str(&format!(" for {email}"));
    }
    if !about.is_empty() {
        name.push_str(&format!(" ({})", about.join(", ")));
    }
    Some(Created {
        token,
        name,
        existing: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn packages_without_an_id_are_left_out() {
        let v = json!({ "packages": [{ "id": "p1", "name": "Basic" }, { "name": "x" }, { "id": "p2" }] });
        assert_eq!(
            packages(&v).unwrap(),
            vec![Choice::new("p1", "Basic"), Choice::plain("p2")]
        );
        assert!(packages(&json!({ "packages": {} })).is_err());
        assert!(packages(&json!([])).is_err());
    }

    #[test]
    fn a_conflict_names_the_case_with_the_package_asked_for() {
        let body = json!({ "packageId": "p2", "email": "a@b.c" });
        let listed = json!({ "cases": [
            { "existingCaseId": "11111111-aaaa", "existingCasePackageId": "p1",
              "existingCasePackageName": "Basic", "existingCaseStatus": "Pending" },
            { "existingCaseId": "22222222-bbbb", "existingCasePackageId": "p2",
              "existingCasePackageName": "Standard", "existingCaseStatus": "Complete",
              "existingCaseSecondaryStatus": "Consider" }
        ]});
        let made = existing(&listed, &body).unwrap();
        assert_eq!(made.token, "22222222-bbbb");
        assert_eq!(
            made.name,
            "KC-22222222 for a@b.c (Standard, Complete · Consider, 1 of 2 cases KarmaCheck \
             lists for this email)"
        );
        assert!(made.existing);
        assert!(existing(&json!({ "cases": [] }), &body).is_none());
        assert!(existing(&json!({ "message": "Conflict" }), &body).is_none());
    }
}
