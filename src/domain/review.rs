//! What an analyst asks a case API to do: one review action, fully decided. Provider-neutral:
//! each provider maps it onto its vendor's calls (or says it cannot), and the outbox stores it
//! across restarts.

use crate::domain::{CaseStatus, Decision, ResolutionAction, RiskTier, WaiveReason};

/// What will be sent, fully decided. Serialisable, so the outbox can keep it across restarts.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Submission {
    Resolve {
        tokens: Vec<String>,
        action: ResolutionAction,
        rationale: String,
        false_positive: bool,
        conditions: Option<String>,
    },
    EscalateAlert {
        token: String,
        reason: String,
        /// Who to escalate to (a user id); `None`: the API's escalation contact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        escalate_to: Option<String>,
    },
    Acknowledge {
        tokens: Vec<String>,
    },
    Status {
        case: String,
        to: CaseStatus,
    },
    /// A status the vendor defines (Persona's per-template statuses), by name.
    SetStatus {
        case: String,
        status: String,
    },
    Assign {
        case: String,
        user: Option<String>,
    },
    EscalateCase {
        case: String,
        reason: String,
        /// Who to escalate to (a user id); `None`: the API's escalation contact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        escalate_to: Option<String>,
    },
    ApproveRisk {
        assessment: String,
        notes: Option<String>,
    },
    OverrideRisk {
        assessment: String,
        tier: RiskTier,
        justification: String,
    },
    Comment {
        case: String,
        body: String,
        /// The users mentioned in the body (as `@user_id`), to notify.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<String>,
    },
    AddReviewer {
        case: String,
        user: String,
        /// A message to the approver with the request.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Waives a check of `case` with a reason (and notes, required for `Other`).
    WaiveCheck {
        case: String,
        check: String,
        reason: WaiveReason,
        notes: Option<String>,
    },
    /// Computes a new risk assessment for a case, superseding the current one.
    RecalculateRisk {
        case: String,
    },
    DecideReview {
        case: String,
        reviewer: String,
        approve: bool,
        notes: Option<String>,
    },
    Close {
        case: String,
        decision: Decision,
        summary: String,
    },
    /// Opens a case: `body` is the vendor's create body, drawn from its case form.
    /// `reference` is its external reference, the vendor's own rule against duplicates.
    CreateCase {
        body: serde_json::Value,
        reference: Option<String>,
    },
    /// Adds an entity to a case with a role: `body` drawn from the vendor's entity form.
    AddEntity {
        case: String,
        body: serde_json::Value,
    },
}

impl Submission {
    /// The free text typed with it (rationale, summary, comment, reason, notes), if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Submission::Resolve { rationale, .. } => Some(rationale),
            Submission::EscalateAlert { reason, .. } | Submission::EscalateCase { reason, .. } => {
                Some(reason)
            }
            Submission::OverrideRisk { justification, .. } => Some(justification),
            Submission::Comment { body, .. } => Some(body),
            Submission::Close { summary, .. } => Some(summary),
            Submission::ApproveRisk { notes, .. }
            | Submission::DecideReview { notes, .. }
            | Submission::WaiveCheck { notes, .. } => notes.as_deref(),
            Submission::AddReviewer { message, .. } => message.as_deref(),
            Submission::Acknowledge { .. }
            | Submission::Status { .. }
            | Submission::SetStatus { .. }
            | Submission::Assign { .. }
            | Submission::RecalculateRisk { .. }
            | Submission::CreateCase { .. }
            | Submission::AddEntity { .. } => None,
        }
    }

    /// A token naming what it acts on (the case, else the first alert or assessment), for
    /// routing it to its provider.
    pub fn target(&self) -> &str {
        match self {
            Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } => {
                tokens.first().map_or("", String::as_str)
            }
            Submission::EscalateAlert { token, .. } => token,
            Submission::ApproveRisk { assessment, .. }
            | Submission::OverrideRisk { assessment, .. } => assessment,
            Submission::Status { case, .. }
            | Submission::SetStatus { case, .. }
            | Submission::Assign { case, .. }
            | Submission::EscalateCase { case, .. }
            | Submission::Comment { case, .. }
            | Submission::AddReviewer { case, .. }
            | Submission::DecideReview { case, .. }
            | Submission::Close { case, .. }
            | Submission::WaiveCheck { case, .. }
            | Submission::RecalculateRisk { case }
            | Submission::AddEntity { case, .. } => case,
            // Nothing exists yet: the profile it was written for sends it.
            Submission::CreateCase { .. } => "",
        }
    }
}

/// Something a review acts on. Two reviews that share one must reach the API in the order they
/// were written; a review written while another on its target is still waiting says so.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Case(String),
    Alert(String),
    Assessment(String),
    Check(String),
    /// A case not opened yet, by its external reference.
    NewCase(String),
}

impl Target {
    /// In words, for the drawer and the outbox view: "this alert", "this case".
    pub fn noun(&self) -> &'static str {
        match self {
            Target::Case(_) => "case",
            Target::Alert(_) => "alert",
            Target::Assessment(_) => "risk assessment",
            Target::Check(_) => "check",
            Target::NewCase(_) => "new case",
        }
    }
}

impl Submission {
    /// What it acts on directly: its alerts, its assessment or its case.
    pub fn targets(&self) -> Vec<Target> {
        match self {
            Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } => {
                tokens.iter().cloned().map(Target::Alert).collect()
            }
            Submission::EscalateAlert { token, .. } => vec![Target::Alert(token.clone())],
            Submission::ApproveRisk { assessment, .. }
            | Submission::OverrideRisk { assessment, .. } => {
                vec![Target::Assessment(assessment.clone())]
            }
            Submission::Status { case, .. }
            | Submission::SetStatus { case, .. }
            | Submission::Assign { case, .. }
            | Submission::EscalateCase { case, .. }
            | Submission::Comment { case, .. }
            | Submission::AddReviewer { case, .. }
            | Submission::DecideReview { case, .. }
            | Submission::Close { case, .. }
            | Submission::RecalculateRisk { case }
            | Submission::AddEntity { case, .. } => vec![Target::Case(case.clone())],
            Submission::WaiveCheck { check, .. } => vec![Target::Check(check.clone())],
            // Two creations with one external reference make one case: the second finds the
            // first, so they go in the order written.
            Submission::CreateCase { reference, .. } => {
                reference.iter().cloned().map(Target::NewCase).collect()
            }
        }
    }

    /// What orders it against other reviews: its targets and, when known, the case it was
    /// written on (an alert resolution and the close that needs it share the case).
    pub fn order_keys(&self, case: Option<&str>) -> Vec<Target> {
        let mut keys = self.targets();
        if let Some(c) = case.filter(|c| !c.is_empty()) {
            let c = Target::Case(c.to_string());
            if !keys.contains(&c) {
                keys.push(c);
            }
        }
        keys
    }

    /// Whether it makes something new (a case, an entity) rather than reviewing what exists.
    pub fn is_creation(&self) -> bool {
        matches!(
            self,
            Submission::CreateCase { .. } | Submission::AddEntity { .. }
        )
    }

    /// Whether it only adds to the record (a comment): another one written while it waits
    /// neither contradicts nor replaces it, so the drawer does not ask (order still holds).
    pub fn is_additive(&self) -> bool {
        matches!(self, Submission::Comment { .. })
    }

    /// A short name of what it does, for "a Decline of this alert is still waiting".
    pub fn verb(&self) -> String {
        match self {
            Submission::Resolve {
                action,
                false_positive,
                ..
            } => {
                if *false_positive {
                    "False positive".into()
                } else {
                    action.as_str().to_string()
                }
            }
            Submission::EscalateAlert { .. } | Submission::EscalateCase { .. } => {
                "Escalation".into()
            }
            Submission::Acknowledge { .. } => "Acknowledgement".into(),
            Submission::Status { to, .. } => format!("Status change to {to}"),
            Submission::SetStatus { status, .. } => format!("Status change to {status}"),
            Submission::Assign { .. } => "Assignment".into(),
            Submission::ApproveRisk { .. } => "Risk approval".into(),
            Submission::OverrideRisk { tier, .. } => format!("Risk override to {tier}"),
            Submission::Comment { .. } => "Comment".into(),
            Submission::AddReviewer { .. } => "Approver request".into(),
            Submission::DecideReview { approve, .. } => {
                if *approve {
                    "Approval".into()
                } else {
                    "Rejection".into()
                }
            }
            Submission::Close { decision, .. } => format!("Close ({decision})"),
            Submission::CreateCase { .. } => "New case".into(),
            Submission::AddEntity { .. } => "New entity".into(),
            Submission::WaiveCheck { .. } => "Check waiver".into(),
            Submission::RecalculateRisk { .. } => "Risk recalculation".into(),
        }
    }
}

/// The users a comment mentions: each `@id` in `body` naming one of `known` user ids, once,
/// in the order written (the API takes the body with `@user_id` and the ids to notify).
pub fn mentions<'a>(body: &str, known: impl Fn(&str) -> bool + 'a) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in body.match_indices('@') {
        // A mention starts a word: not the middle of an e-mail address.
        if body[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let id: String = body[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if !id.is_empty() && known(&id) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Whether two reviews must be sent in the order written.
pub fn ordered(a: &[Target], b: &[Target]) -> bool {
    a.iter().any(|t| b.contains(t))
}

/// What waits in the outbox, by whom (the status bar and the outbox view show it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// This identity's, waiting to be sent.
    pub pending: u32,
    /// This identity's, refused by the API.
    pub failed: u32,
    /// Other identities' entries (held: only their author's key sends them), by author.
    pub held: Vec<(String, u32)>,
}

impl Counts {
    pub fn held_total(&self) -> u32 {
        self.held.iter().map(|(_, n)| n).sum()
    }
}
