//! Provider-neutral records the console works with. Providers decode their vendor's shapes into
//! these; nothing here knows a wire format. Vocabulary fields are [`Wire`] so that a value this
//! build does not know is shown as it came instead of failing the whole record.

use jiff::Timestamp;

use super::{
    AlertStatus, AlertType, CaseStatus, CaseType, Decision, EntityType, Priority, ResolutionAction,
    RiskTier, SlaStatus, Wire,
};

/// A user as far as a record names one: an id, and a name when the API gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRef {
    pub id: String,
    pub name: Option<String>,
}

/// A person who can be assigned work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Option<String>,
    /// False for read-only users (auditors).
    pub can_write: bool,
}

/// One case, as the queue and the detail header need it.
#[derive(Clone, Debug, PartialEq)]
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
}

/// One alert on a case.
#[derive(Clone, Debug, PartialEq)]
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

/// One page of a list, with what is needed to ask for the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursor: Option<String>,
    pub has_more: bool,
    pub total: Option<u64>,
}
