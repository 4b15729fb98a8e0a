//! Provider-neutral records the console works with. Providers decode their vendor's shapes into
//! these; nothing here knows a wire format. Vocabulary fields are [`Wire`] so that a value this
//! build does not know is shown as it came instead of failing the whole record.

use jiff::Timestamp;

use super::{
    AlertStatus, AlertType, AssessmentStatus, CaseStatus, CaseType, CheckCategory, CheckResult,
    CheckStatus, CommentType, Decision, EntityRole, EntityType, Priority, ResolutionAction,
    ReviewerStatus, RiskTier, SlaStatus, VerificationStatus, Wire,
};

/// A user as far as a record names one: an id, and a name when the API gave it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct UserRef {
    pub id: String,
    pub name: Option<String>,
}

/// A person who can be assigned work.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Option<String>,
    /// False for read-only users (auditors).
    pub can_write: bool,
}

/// One case, as the queue and the detail header need it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Case {
    pub token: String,
    pub name: String,
    pub case_type: Option<Wire<CaseType>>,
    pub status: Wire<CaseStatus>,
    pub priority: Option<Wire<Priority>>,
    pub entity_category: Option<Wire<EntityType>>,
    pub primary_entity: Option<String>,
    pub primary_entity_token: Option<String>,
    pub assigned_to: Option<UserRef>,
    pub sla_deadline: Option<Timestamp>,
    pub sla_status: Option<Wire<SlaStatus>>,
    pub sla_paused: bool,
    pub open_alerts: Option<u32>,
    pub total_entities: Option<u32>,
    pub risk_tier: Option<Wire<RiskTier>>,
    pub risk_score: Option<f64>,
    pub decision: Option<Wire<Decision>>,
    pub summary: Option<String>,
    pub external_reference: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Moves on every change, where the provider has it.
    pub version: Option<i64>,
    /// The profile the case came from, when several are open at once.
    #[serde(default)]
    pub source: Option<String>,
    /// Users an approval is requested from and still pending, where the API says (the
    /// sandbox's `awaiting_approval`): the "Awaiting my approval" view.
    #[serde(default)]
    pub awaiting_approval: Vec<String>,
}

/// Whether `text` names the case exactly: its reference (name), token or external reference,
/// ignoring case.
pub fn names_exactly(c: &Case, text: &str) -> bool {
    c.row().is_named(text)
}

/// One alert on a case.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    pub token: String,
    pub case_token: Option<String>,
    pub entity_token: Option<String>,
    pub entity_name: Option<String>,
    pub alert_type: Option<Wire<AlertType>>,
    pub category: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Wire<AlertStatus>,
    pub priority: Option<Wire<Priority>>,
    pub priority_score: Option<f64>,
    pub match_score: Option<f64>,
    pub sla_deadline: Option<Timestamp>,
    pub sla_status: Option<Wire<SlaStatus>>,
    /// The provider's raw hit data, kept as JSON for display.
    pub source_data: Option<serde_json::Value>,
    pub ai_assessment: Option<String>,
    pub resolution_action: Option<Wire<ResolutionAction>>,
    pub resolution_rationale: Option<String>,
    pub conditions: Option<String>,
    pub is_false_positive: bool,
    pub resolved_by: Option<UserRef>,
    pub resolved_at: Option<Timestamp>,
    pub assigned_to: Option<UserRef>,
    pub updated_at: Option<Timestamp>,
}

impl Alert {
    /// What was decided on the alert, in the words a reviewer uses: `Approved`, `Declined`,
    /// `With conditions`, `Document requested`, `Escalated`, `False positive`. `None` while
    /// nothing has been decided (open or only acknowledged). A false positive says so whatever
    /// the action was; an alert escalated without an action recorded still reads `Escalated`.
    pub fn outcome(&self) -> Option<&'static str> {
        if self.is_false_positive || self.status.known() == Some(AlertStatus::FalsePositive) {
            return Some("False positive");
        }
        match self.resolution_action.as_ref().and_then(Wire::known) {
            Some(ResolutionAction::Approve) => Some("Approved"),
            Some(ResolutionAction::Decline) => Some("Declined"),
            Some(ResolutionAction::ApproveWithConditions) => Some("With conditions"),
            Some(ResolutionAction::RequestDocument) => Some("Document requested"),
            Some(ResolutionAction::Escalate) => Some("Escalated"),
            None if self.status.known() == Some(AlertStatus::Escalated) => Some("Escalated"),
            None => None,
        }
    }
}

/// One page of a list, with what is needed to ask for the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursor: Option<String>,
    pub has_more: bool,
    pub total: Option<u64>,
}

/// An entity as it sits on one case: who, in what role, owned how much and by whom.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entity {
    pub token: String,
    pub entity_type: Option<Wire<EntityType>>,
    pub name: String,
    pub role: Option<Wire<EntityRole>>,
    pub ownership_percentage: Option<f64>,
    /// The entity this one owns or serves (the tree's parent), when the API says.
    pub parent_token: Option<String>,
    pub country: Option<String>,
    pub nationality: Option<String>,
    pub date_of_birth: Option<String>,
    /// The address on one line (`12 Harbour Rd, Osaka 530-0001, JP`), when the API has it.
    #[serde(default)]
    pub address: Option<String>,
    pub registration_number: Option<String>,
    pub verification_status: Option<Wire<VerificationStatus>>,
    pub open_alerts: Option<u32>,
    pub checks_total: Option<u32>,
    pub checks_complete: Option<u32>,
}

/// One factor of a risk dimension.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RiskFactor {
    pub name: String,
    pub value: String,
    pub contribution: f64,
}

/// One of the four risk dimensions.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RiskDimension {
    /// `customer`, `geographic`, `product_service`, `transaction` (or what the API sent).
    pub key: String,
    pub score: f64,
    pub weight: Option<f64>,
    pub tier: Option<Wire<RiskTier>>,
    pub factors: Vec<RiskFactor>,
}

/// The case's current risk assessment.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assessment {
    pub token: String,
    pub status: Wire<AssessmentStatus>,
    pub overall_score: Option<f64>,
    pub tier: Option<Wire<RiskTier>>,
    /// The tier in force: the override if any, else the computed one.
    pub effective_tier: Option<Wire<RiskTier>>,
    pub dimensions: Vec<RiskDimension>,
    pub due_diligence_path: Option<String>,
    pub review_frequency: Option<String>,
    pub override_tier: Option<Wire<RiskTier>>,
    pub override_justification: Option<String>,
    pub overridden_by: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
}

/// A verification check on an entity.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    pub token: String,
    pub entity_name: Option<String>,
    pub name: String,
    pub type_code: Option<String>,
    pub category: Option<Wire<CheckCategory>>,
    pub status: Wire<CheckStatus>,
    pub result: Option<Wire<CheckResult>>,
    pub provider: Option<String>,
    pub completed_at: Option<Timestamp>,
}

/// An entry of the audit timeline.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    pub token: String,
    pub event_type: String,
    pub severity: Option<String>,
    pub actor: Option<UserRef>,
    pub target_type: Option<String>,
    pub target_token: Option<String>,
    /// Event details (before/after, rationale), kept as JSON for display.
    pub details: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub at: Option<Timestamp>,
}

/// A comment on a case.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    pub token: String,
    pub author: Option<UserRef>,
    pub comment_type: Option<Wire<CommentType>>,
    pub body: String,
    pub at: Option<Timestamp>,
}

/// A reviewer (four-eyes approver) on a case.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reviewer {
    pub token: String,
    pub user: UserRef,
    pub role: Option<String>,
    pub status: Wire<ReviewerStatus>,
    pub notes: Option<String>,
}

impl Case {
    /// Whether the case is assigned to the user `id`.
    pub fn assignee_is(&self, id: &str) -> bool {
        self.assigned_to.as_ref().is_some_and(|u| u.id == id)
    }
}
