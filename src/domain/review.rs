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
