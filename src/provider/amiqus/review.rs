//! The review actions Amiqus ID's API takes, and the check a retry makes first.
//!
//! - Closing a case with a decision is a case review: `POST /cases/{id}/reviews`
//!   `{"status": "approved" | "rejected"}`. A case review has no message field, so the summary
//!   typed with the decision stays in docket's local audit log.
//! - Changing a case's status is a case review too, with any other case status
//!   ([`wire::CHANGE_STATUSES`]): `{"status": "on_hold"}`.
//! - Resolving alerts (`"{record}/{step}"` tokens) is one step review each:
//!   `POST /records/{r}/steps/{s}/reviews` `{"status": "approved" | "rejected", "message"}`,
//!   the message 1 to 1000 characters and required to reject.
//!
//! Everything else is refused with the reason before anything is sent. Amiqus has no
//! idempotency keys: a retry first asks whether the change is already there
//! ([`already_applied`]), and a batch of step reviews remembers, per idempotency key, which
//! reviews landed, so that retrying a batch that failed half-way does not post them twice.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::{AmiqusProvider, numeric, wire};
use crate::domain::ResolutionAction;
use crate::domain::review::Submission;
use crate::provider::ProviderError;
use crate::provider::api::{Feature, Provider};
use crate::provider::http::Path;

/// Longest step review message Amiqus accepts, in characters.
pub const MAX_MESSAGE: usize = 1000;

/// A step token `"{record}/{step}"`, both integer ids.
fn step_token(token: &str) -> Result<(&str, &str), ProviderError> {
    let (record, step) = token.split_once('/').ok_or_else(|| {
        ProviderError::Invalid(format!(
            "{token:?} is not an Amiqus ID check token (record/step)"
        ))
    })?;
    Ok((numeric(record, "record")?, numeric(step, "step")?))
}

/// The step review status an action sets, or why it cannot be sent.
fn step_status(action: ResolutionAction) -> Result<&'static str, ProviderError> {
    match action {
        ResolutionAction::Approve => Ok("approved"),
        ResolutionAction::Decline => Ok("rejected"),
        other => Err(ProviderError::Invalid(format!(
            "Amiqus ID's API cannot resolve a check with \"{other}\": a check review is \
             approved or rejected"
        ))),
    }
}

/// The message sent with a step review: the rationale, trimmed; none for an approval without
/// one. Amiqus takes 1 to 1000 characters and requires one to reject.
fn step_message(
    action: ResolutionAction,
    rationale: &str,
) -> Result<Option<String>, ProviderError> {
    let m = rationale.trim();
    let n = m.chars().count();
    if n > MAX_MESSAGE {
        return Err(ProviderError::Invalid(format!(
            "Amiqus ID keeps at most {MAX_MESSAGE} characters of rationale on a check review; \
             this one has {n}"
        )));
    }
    if n == 0 && action == ResolutionAction::Decline {
        return Err(ProviderError::Invalid(format!(
            "Amiqus ID requires a rationale (1 to {MAX_MESSAGE} characters) to reject a check"
        )));
    }
    Ok((n > 0).then(|| m.to_string()))
}

/// What one Resolve will send: the status, the message and the steps, each once, in order.
struct StepReviews<'a> {
    status: &'static str,
    message: Option<String>,
    steps: Vec<(&'a str, (&'a str, &'a str))>,
}

/// Checks a Resolve completely before anything is sent.
fn step_reviews<'a>(
    tokens: &'a [String],
    action: ResolutionAction,
    rationale: &str,
    false_positive: bool,
    conditions: Option<&str>,
) -> Result<StepReviews<'a>, ProviderError> {
    let status = step_status(action)?;
    if false_positive {
        return Err(ProviderError::Invalid(
            "Amiqus ID's API cannot mark a check a false positive".into(),
        ));
    }
    if conditions.is_some_and(|c| !c.trim().is_empty()) {
        return Err(ProviderError::Invalid(
            "Amiqus ID's API cannot attach conditions to a check review".into(),
        ));
    }
    let message = step_message(action, rationale)?;
    let mut seen = HashSet::new();
    let mut steps = Vec::new();
    for t in tokens {
        if seen.insert(t.as_str()) {
            steps.push((t.as_str(), step_token(t)?));
        }
    }
    if steps.is_empty() {
        return Err(ProviderError::Invalid("no checks to resolve".into()));
    }
    Ok(StepReviews {
        status,
        message,
        steps,
    })
}

fn step_review_body(status: &str, message: Option<&str>) -> Value {
    match message {
        Some(m) => json!({ "status": status, "message": m }),
        None => json!({ "status": status }),
    }
}

fn verb(status: &str) -> &'static str {
    if status == "approved" {
        "Approved"
    } else {
        "Rejected"
    }
}

/// A status "change status" may set, as Amiqus spells it, or why not: the decisions are taken
/// by closing the case (with its summary kept in the local audit log).
fn change_status(status: &str) -> Result<&'static str, ProviderError> {
    let wanted = status.trim();
    if let Some(s) = wire::CHANGE_STATUSES.iter().find(|s| **s == wanted) {
        return Ok(s);
    }
    Err(ProviderError::Invalid(match wanted {
        "approved" | "rejected" => format!(
            "\"{wanted}\" is a decision: close the case with a decision instead of changing its \
             status"
        ),
        _ => format!(
            "Amiqus ID has no case status {wanted:?}; a case can be moved to {}",
            wire::CHANGE_STATUSES.join(", ")
        ),
    }))
}

/// The refusal for a submission Amiqus's API has no call for.
fn cannot(p: &AmiqusProvider, f: Feature, what: &str) -> ProviderError {
    ProviderError::Invalid(
        p.capabilities()
            .why_not(f)
            .unwrap_or_else(|| format!("Amiqus ID's API cannot {what}")),
    )
}

/// Sends one submission; says in one line what landed.
pub async fn submit(
    p: &AmiqusProvider,
    s: &Submission,
    key: &str,
) -> Result<String, ProviderError> {
    match s {
        Submission::Close {
            case,
            decision,
            summary: _,
        } => {
            let id = numeric(case, "case")?;
            let status = wire::decision_status(*decision);
            let answer = p
                .post(
                    &Path::of(&["cases", id, "reviews"]),
                    &wire::case_review_body(*decision),
                )
                .await?;
            let from = wire::text(&answer, "from_status")
                .map(|f| format!(" (was {f})"))
                .unwrap_or_default();
            Ok(format!("Case {id} {status}{from}"))
        }
        Submission::Resolve {
            tokens,
            action,
            rationale,
            false_positive,
            conditions,
        } => {
            let plan = step_reviews(
                tokens,
                *action,
                rationale,
                *false_positive,
                conditions.as_deref(),
            )?;
            let body = step_review_body(plan.status, plan.message.as_deref());
            let done = p.landed_for(key);
            for (token, (record, step)) in &plan.steps {
                if done.contains(*token) {
                    continue;
                }
                p.post(
                    &Path::of(&["records", record, "steps", step, "reviews"]),
                    &body,
                )
                .await?;
                p.mark_landed(key, token);
            }
            p.forget_landed(key);
            Ok(match plan.steps.as_slice() {
                [(one, _)] => format!("{} check {one}", verb(plan.status)),
                many => format!("{} {} checks", verb(plan.status), many.len()),
            })
        }
        Submission::EscalateAlert { .. } => Err(cannot(p, Feature::EscalateAlerts, "escalate")),
        Submission::Acknowledge { .. } => Err(cannot(p, Feature::AcknowledgeAlerts, "acknowledge")),
        Submission::SetStatus { case, status } => {
            let id = numeric(case, "case")?;
            let status = change_status(status)?;
            let answer = p
                .post(
                    &Path::of(&["cases", id, "reviews"]),
                    &wire::status_review_body(status),
                )
                .await?;
            let from = wire::text(&answer, "from_status")
                .map(|f| format!(" (was {f})"))
                .unwrap_or_default();
            Ok(format!("Case {id} is now {status}{from}"))
        }
        Submission::Status { to, .. } => Err(ProviderError::Invalid(format!(
            "\"{to}\" is a Zenoo case status; Amiqus ID's are {}",
            wire::CHANGE_STATUSES.join(", ")
        ))),
        Submission::Assign { .. } => Err(cannot(p, Feature::Assign, "assign cases")),
        Submission::EscalateCase { .. } => Err(cannot(p, Feature::EscalateCase, "escalate")),
        Submission::ApproveRisk { .. } | Submission::OverrideRisk { .. } => Err(cannot(
            p,
            Feature::Risk,
            "approve or override a risk assessment",
        )),
        Submission::Comment { .. } => Err(cannot(p, Feature::AddComment, "add comments")),
        Submission::AddReviewer { .. } | Submission::DecideReview { .. } => Err(cannot(
            p,
            Feature::Reviewers,
            "request or give a second approval",
        )),
        Submission::WaiveCheck { .. } => Err(cannot(p, Feature::WaiveChecks, "waive checks")),
        Submission::RecalculateRisk { .. } => Err(cannot(
            p,
            Feature::RecalculateRisk,
            "recalculate a risk assessment",
        )),
        Submission::CreateCase { .. } | Submission::AddEntity { .. } => {
            p.create_case(s, key).await.map(|c| c.describe())
        }
    }
}

/// Whether a submission's change is already on the server: a case review when the case's
/// status is the one the decision sets; step reviews when every step's latest review has the
/// status and the message that would be sent. `None` when not, or when it cannot be told.
pub async fn already_applied(p: &AmiqusProvider, s: &Submission) -> Option<String> {
    match s {
        Submission::Close { case, decision, .. } => {
            let id = numeric(case, "case").ok()?;
            let got = p.case_json(id, "client").await.ok()?;
            let status = wire::decision_status(*decision);
            (wire::text(&got.value, "status").as_deref() == Some(status)).then(|| {
                let name = wire::text(&got.value, "name").unwrap_or_else(|| format!("Case {id}"));
                format!("{name} {status}")
            })
        }
        Submission::SetStatus { case, status } => {
            let id = numeric(case, "case").ok()?;
            let status = change_status(status).ok()?;
            let got = p.case_json(id, "client").await.ok()?;
            (wire::text(&got.value, "status").as_deref() == Some(status)).then(|| {
                let name = wire::text(&got.value, "name").unwrap_or_else(|| format!("Case {id}"));
                format!("{name} is now {status}")
            })
        }
        Submission::Resolve {
            tokens,
            action,
            rationale,
            false_positive,
            conditions,
        } => {
            let plan = step_reviews(
                tokens,
                *action,
                rationale,
                *false_positive,
                conditions.as_deref(),
            )
            .ok()?;
            for (_, (record, step)) in &plan.steps {
                let latest = p.latest_step_review(record, step).await.ok()??;
                let message = wire::text(&latest, "message");
                if wire::text(&latest, "status").as_deref() != Some(plan.status)
                    || message.as_deref().map(str::trim) != plan.message.as_deref()
                {
                    return None;
                }
            }
            Some(match plan.steps.as_slice() {
                [(one, _)] => format!("{} check {one}", verb(plan.status)),
                many => format!("{} {} checks", verb(plan.status), many.len()),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Decision;

    #[test]
    fn a_resolve_is_checked_whole_before_sending() {
        let tokens = vec!["983434/2".to_string(), "983434/2".into(), "983501/7".into()];
        let plan = step_reviews(
            &tokens,
            ResolutionAction::Decline,
            "  Name mismatch  ",
            false,
            None,
        )
        .unwrap();
        assert_eq!(plan.status, "rejected");
        assert_eq!(plan.message.as_deref(), Some("Name mismatch"));
        assert_eq!(plan.steps.len(), 2, "duplicates are sent once");

        let approve = step_reviews(&tokens, ResolutionAction::Approve, " ", false, None).unwrap();
        assert_eq!(
            approve.message, None,
            "an approval may go without a message"
        );

        let err = |r: Result<StepReviews<'_>, ProviderError>| match r {
            Err(ProviderError::Invalid(m)) => m,
            Err(e) => panic!("{e:?}"),
            Ok(_) => panic!("accepted"),
        };
        assert!(
            err(step_reviews(
                &tokens,
                ResolutionAction::Decline,
                "",
                false,
                None
            ))
            .contains("requires a rationale")
        );
        let long = "x".repeat(MAX_MESSAGE + 1);
        assert!(
            err(step_reviews(
                &tokens,
                ResolutionAction::Approve,
                &long,
                false,
                None
            ))
            .contains("1000")
        );
        assert!(
            step_reviews(
                &tokens,
                ResolutionAction::Approve,
                &"é".repeat(MAX_MESSAGE),
                false,
                None
            )
            .is_ok(),
            "the limit is in characters"
        );
        assert!(
            err(step_reviews(
                &tokens,
                ResolutionAction::Escalate,
                "x",
                false,
                None
            ))
            .contains("cannot resolve a check with \"Escalate\"")
        );
        assert!(
            err(step_reviews(
                &tokens,
                ResolutionAction::Approve,
                "x",
                true,
                None
            ))
            .contains("false positive")
        );
        assert!(
            err(step_reviews(
                &tokens,
                ResolutionAction::Approve,
                "x",
                false,
                Some("c")
            ))
            .contains("conditions")
        );
        assert!(
            err(step_reviews(
                &[],
                ResolutionAction::Approve,
                "x",
                false,
                None
            ))
            .contains("no checks")
        );
        let bad = vec!["983434-2".to_string()];
        assert!(
            err(step_reviews(
                &bad,
                ResolutionAction::Approve,
                "x",
                false,
                None
            ))
            .contains("record/step")
        );
        let bad = vec!["983434/../me".to_string()];
        assert!(step_reviews(&bad, ResolutionAction::Approve, "x", false, None).is_err());
    }

    #[test]
    fn a_status_change_is_any_status_but_a_decision() {
        assert_eq!(change_status(" on_hold ").unwrap(), "on_hold");
        for s in wire::CHANGE_STATUSES {
            assert_eq!(change_status(s).unwrap(), s);
        }
        let Err(ProviderError::Invalid(m)) = change_status("approved") else {
            panic!("a decision was accepted as a status")
        };
        assert!(m.contains("close the case"), "{m}");
        let Err(ProviderError::Invalid(m)) = change_status("pending") else {
            panic!("the deprecated status was accepted")
        };
        assert!(m.contains("on_hold"), "{m}");
    }

    #[test]
    fn case_decisions_map_onto_terminal_statuses() {
        assert_eq!(
            wire::case_review_body(Decision::Approve),
            json!({ "status": "approved" })
        );
        assert_eq!(
            wire::case_review_body(Decision::Decline),
            json!({ "status": "rejected" })
        );
    }
}
