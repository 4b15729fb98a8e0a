//! What an analyst asks a case API to do: one review action, fully decided. Provider-neutral:
//! each provider maps it onto its vendor's calls (or says it cannot), and the outbox stores it
//! across restarts.

use crate::domain::{CaseStatus, Decision, ResolutionAction, RiskTier};

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
    },
    AddReviewer {
        case: String,
        user: String,
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
            Submission::ApproveRisk { notes, .. } | Submission::DecideReview { notes, .. } => {
                notes.as_deref()
            }
            Submission::Acknowledge { .. }
            | Submission::Status { .. }
            | Submission::SetStatus { .. }
            | Submission::Assign { .. }
            | Submission::AddReviewer { .. } => None,
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
            | Submission::Close { case, .. } => case,
        }
    }
}
