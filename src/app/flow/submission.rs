//! What a drawer sends: its submissions, the checks on its text, the read-back, and a drawer
//! for a refused outbox entry.

use super::*;
use crate::domain::WaiveReason;

impl Flow {
    /// A drawer to edit a refused outbox entry and send it again (`None` when it has no text).
    /// `case_name` names the case in the drawer's title, as a flow opened on it would.
    pub fn from_entry(id: u64, entry: i64, case_name: &str, s: &Submission) -> Option<Flow> {
        let choice = |v: &str| {
            vec![Choice {
                value: v.into(),
                label: v.into(),
            }]
        };
        let (case, kind, choices, text, conditions) = match s {
            Submission::Resolve {
                tokens,
                action,
                rationale,
                false_positive,
                conditions,
            } => (
                String::new(),
                FlowKind::Resolve {
                    tokens: tokens.clone(),
                    action: *action,
                    false_positive: *false_positive,
                },
                vec![],
                rationale.clone(),
                conditions.clone().unwrap_or_default(),
            ),
            Submission::EscalateAlert {
                token,
                reason,
                escalate_to,
            } => (
                String::new(),
                FlowKind::EscalateAlert {
                    token: token.clone(),
                },
                escalated_to(escalate_to),
                reason.clone(),
                String::new(),
            ),
            Submission::EscalateCase {
                case,
                reason,
                escalate_to,
            } => (
                case.clone(),
                FlowKind::EscalateCase,
                escalated_to(escalate_to),
                reason.clone(),
                String::new(),
            ),
            Submission::Comment { case, body, .. } => (
                case.clone(),
                FlowKind::Comment,
                vec![],
                body.clone(),
                String::new(),
            ),
            Submission::Close {
                case,
                decision,
                summary,
            } => (
                case.clone(),
                FlowKind::Close,
                choice(decision.as_str()),
                summary.clone(),
                String::new(),
            ),
            Submission::OverrideRisk {
                assessment,
                tier,
                justification,
            } => (
                String::new(),
                FlowKind::OverrideRisk {
                    assessment: assessment.clone(),
                },
                choice(tier.as_str()),
                justification.clone(),
                String::new(),
            ),
            _ => return None,
        };
        let mut f = Flow::new(id, &case, case_name, kind, choices);
        if let Submission::Comment { mentions, .. } = s {
            // The people it mentioned stay mentioned (by id: the names are not stored).
            f.people = mentions.iter().map(|m| (m.clone(), m.clone())).collect();
        }
        f.restore(&text, &conditions);
        f.entry = Some(entry);
        f.step = Step::Edit;
        Some(f)
    }

    /// A bulk flow's submissions, one per case, each with its own title.
    pub fn bulk_submissions(&self) -> Vec<(String, Submission)> {
        let FlowKind::Bulk { action, cases } = &self.kind else {
            return vec![];
        };
        let picked = self.picked_value().map(str::to_string);
        let reason = self.body();
        cases
            .iter()
            .filter_map(|(token, name)| {
                let case = token.clone();
                let s = match action {
                    BulkAction::Assign => Submission::Assign {
                        case,
                        user: Some(picked.clone()?),
                    },
                    BulkAction::Status => Submission::Status {
                        case,
                        to: picked.as_deref()?.parse().ok()?,
                    },
                    BulkAction::Escalate => Submission::EscalateCase {
                        case,
                        reason: reason.clone(),
                        escalate_to: None,
                    },
                };
                let title = match action {
                    BulkAction::Assign => format!("Assign {name}"),
                    BulkAction::Status => format!("Change status of {name}"),
                    BulkAction::Escalate => format!("Escalate {name}"),
                };
                Some((title, s))
            })
            .collect()
    }

    /// Why the text cannot be sent yet.
    pub fn text_problem(&self) -> Option<String> {
        let body = self.body();
        let n = body.chars().count();
        if self.kind.text_required() && body.trim().is_empty() {
            return Some(format!("{} is required.", self.kind.text_label()));
        }
        if n > self.limit() {
            return Some(format!(
                "{} is {n} characters; the limit is {}.",
                self.kind.text_label(),
                self.limit()
            ));
        }
        if matches!(self.kind, FlowKind::WaiveCheck { .. })
            && self.picked_value() == Some(WaiveReason::Other.as_str())
            && body.trim().is_empty()
        {
            return Some("Notes are required when the reason is Other.".into());
        }
        if self.kind.has_conditions() {
            let c = self.conditions_text();
            if c.trim().is_empty() {
                return Some("Conditions are required for Approve with Conditions.".into());
            }
            if c.chars().count() > REASON_MAX {
                return Some(format!(
                    "Conditions are limited to {REASON_MAX} characters."
                ));
            }
        }
        None
    }

    pub(super) fn picked_value(&self) -> Option<&str> {
        self.choices.get(self.picked).map(|c| c.value.as_str())
    }

    /// The request this flow will send, if it is complete.
    pub fn submission(&self) -> Option<Submission> {
        let case = self.case_token.clone();
        let body = self.body();
        let notes = (!body.trim().is_empty()).then(|| body.clone());
        Some(match &self.kind {
            FlowKind::Resolve {
                tokens,
                action,
                false_positive,
            } => Submission::Resolve {
                tokens: tokens.clone(),
                action: *action,
                rationale: body,
                false_positive: *false_positive,
                conditions: self.kind.has_conditions().then(|| self.conditions_text()),
            },
            FlowKind::EscalateAlert { token } => Submission::EscalateAlert {
                token: token.clone(),
                reason: body,
                escalate_to: self.escalate_to(),
            },
            FlowKind::Acknowledge { tokens } => Submission::Acknowledge {
                tokens: tokens.clone(),
            },
            FlowKind::ChangeStatus => Submission::Status {
                case,
                to: self.picked_value()?.parse().ok()?,
            },
            FlowKind::SetVendorStatus => Submission::SetStatus {
                case,
                status: self.picked_value()?.to_string(),
            },
            FlowKind::AssignToMe | FlowKind::Assign => Submission::Assign {
                case,
                user: Some(self.picked_value()?.to_string()),
            },
            FlowKind::Unassign => Submission::Assign { case, user: None },
            FlowKind::EscalateCase => Submission::EscalateCase {
                case,
                reason: body,
                escalate_to: self.escalate_to(),
            },
            FlowKind::WaiveCheck { check } => Submission::WaiveCheck {
                case,
                check: check.as_ref()?.0.clone(),
                reason: self.picked_value()?.parse().ok()?,
                notes,
            },
            FlowKind::RecalculateRisk => Submission::RecalculateRisk { case },
            FlowKind::ApproveRisk { assessment } => Submission::ApproveRisk {
                assessment: assessment.clone(),
                notes,
            },
            FlowKind::OverrideRisk { assessment } => Submission::OverrideRisk {
                assessment: assessment.clone(),
                tier: self.picked_value()?.parse().ok()?,
                justification: body,
            },
            FlowKind::Comment => Submission::Comment {
                mentions: self.mentions(),
                case,
                body,
            },
            FlowKind::RequestApprover => Submission::AddReviewer {
                case,
                user: self.picked_value()?.to_string(),
                message: notes,
            },
            FlowKind::DecideReview { reviewer, approve } => Submission::DecideReview {
                case,
                reviewer: reviewer.clone(),
                approve: *approve,
                notes,
            },
            FlowKind::Close => Submission::Close {
                case,
                decision: self.picked_value()?.parse().ok()?,
                summary: body,
            },
            FlowKind::NewCase => self.form.as_ref()?.submission(None),
            FlowKind::AddEntity => self.form.as_ref()?.submission(Some(&self.case_token)),
            FlowKind::Bulk { .. } => return None,
        })
    }

    /// The read-back shown on the confirm step.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut out = vec![self.title()];
        if let Some(c) = self
            .choices
            .get(self.picked)
            .filter(|_| !self.choices.is_empty())
        {
            out.push(format!(
                "{}: {}",
                self.pick_label.unwrap_or("Choice"),
                c.label
            ));
        }
        if let FlowKind::Resolve { tokens, .. } | FlowKind::Acknowledge { tokens } = &self.kind {
            let shown: Vec<&str> = tokens.iter().take(6).map(String::as_str).collect();
            out.push(format!(
                "Alerts: {}{}",
                shown.join(", "),
                if tokens.len() > 6 {
                    format!(" and {} more", tokens.len() - 6)
                } else {
                    String::new()
                }
            ));
            if tokens.len() > 50 {
                out.push(format!(
                    "Sent as {} requests of at most 50.",
                    tokens.len().div_ceil(50)
                ));
            }
        }
        if let FlowKind::Bulk { cases, .. } = &self.kind {
            let shown: Vec<&str> = cases.iter().take(8).map(|(_, n)| n.as_str()).collect();
            out.push(format!(
                "Cases: {}{}",
                shown.join(", "),
                if cases.len() > 8 {
                    format!(" and {} more", cases.len() - 8)
                } else {
                    String::new()
                }
            ));
        } else if self.kind != FlowKind::NewCase {
            out.push(format!("Case: {}", self.case_name));
        }
        // A form's read-back is its body, drawn by the form's own view.
        if self.kind.is_form() {
            return out;
        }
        if self.kind.needs_text() {
            let body = self.body();
            out.push(format!(
                "{}: {}",
                self.kind.text_label(),
                if body.is_empty() { "—".into() } else { body }
            ));
        }
        if self.kind.has_conditions() {
            out.push(format!("Conditions: {}", self.conditions_text()));
        }
        if self.kind == FlowKind::RecalculateRisk {
            out.push(
                "A new assessment is computed with the active model; it supersedes the current \
                 one, whose approval no longer counts (closing needs the new one approved)."
                    .into(),
            );
        }
        if self.kind == FlowKind::Comment {
            let names: Vec<String> = self
                .mentions()
                .iter()
                .map(|id| self.person(id).to_string())
                .collect();
            if !names.is_empty() {
                out.push(format!("Mentions (notified): {}", names.join(", ")));
            }
        }
        out
    }

    /// Who an escalation goes to: the picked user, or `None` for the API's escalation contact
    /// (the first choice, with an empty value).
    fn escalate_to(&self) -> Option<String> {
        self.picked_value()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// The people the comment mentions, as `@id` of someone it can mention.
    pub fn mentions(&self) -> Vec<String> {
        crate::domain::review::mentions(&self.body(), |id| self.people.iter().any(|(p, _)| p == id))
    }

    /// A person's name by id (the id when unknown).
    pub fn person<'a>(&'a self, id: &'a str) -> &'a str {
        self.people
            .iter()
            .find(|(p, _)| p == id)
            .map_or(id, |(_, n)| n.as_str())
    }
}

/// The picker of an escalation edited from the outbox: who it went to, kept.
fn escalated_to(to: &Option<String>) -> Vec<Choice> {
    vec![match to {
        Some(id) => Choice {
            value: id.clone(),
            label: id.clone(),
        },
        None => Choice {
            value: String::new(),
            label: NOBODY_NAMED.into(),
        },
    }]
}

/// The escalate-to picker's first choice: the API's escalation contact.
pub const NOBODY_NAMED: &str = "The escalation contact (nobody named)";
