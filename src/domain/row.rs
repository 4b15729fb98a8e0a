//! A case borrowed from wherever it is kept: the fields of [`Case`] as references and copies.
//! The queue keeps 100,000 cases compactly (`app::rows`) and hands out rows of this shape;
//! a [`Case`] gives the same shape with [`Case::row`]. What reads a case for filtering, sorting
//! or drawing reads a `CaseRow`, so it reads both alike.

use jiff::Timestamp;

use super::model::{Case, UserRef};
use super::{CaseStatus, CaseType, Decision, EntityType, Priority, RiskTier, SlaStatus, Wire};

/// One case, borrowed: each field of [`Case`] under the same name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaseRow<'a> {
    pub token: &'a str,
    pub name: &'a str,
    pub case_type: Option<&'a Wire<CaseType>>,
    pub status: &'a Wire<CaseStatus>,
    pub priority: Option<&'a Wire<Priority>>,
    pub entity_category: Option<&'a Wire<EntityType>>,
    pub primary_entity: Option<&'a str>,
    pub primary_entity_token: Option<&'a str>,
    pub assigned_to: Option<&'a UserRef>,
    pub sla_deadline: Option<Timestamp>,
    pub sla_status: Option<&'a Wire<SlaStatus>>,
    pub sla_paused: bool,
    pub open_alerts: Option<u32>,
    pub total_entities: Option<u32>,
    pub risk_tier: Option<&'a Wire<RiskTier>>,
    pub risk_score: Option<f64>,
    pub decision: Option<&'a Wire<Decision>>,
    pub summary: Option<&'a str>,
    pub external_reference: Option<&'a str>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub version: Option<i64>,
    pub source: Option<&'a str>,
    pub awaiting_approval: &'a [String],
}

impl Case {
    /// This case as a [`CaseRow`].
    pub fn row(&self) -> CaseRow<'_> {
        CaseRow {
            token: &self.token,
            name: &self.name,
            case_type: self.case_type.as_ref(),
            status: &self.status,
            priority: self.priority.as_ref(),
            entity_category: self.entity_category.as_ref(),
            primary_entity: self.primary_entity.as_deref(),
            primary_entity_token: self.primary_entity_token.as_deref(),
            assigned_to: self.assigned_to.as_ref(),
            sla_deadline: self.sla_deadline,
            sla_status: self.sla_status.as_ref(),
            sla_paused: self.sla_paused,
            open_alerts: self.open_alerts,
            total_entities: self.total_entities,
            risk_tier: self.risk_tier.as_ref(),
            risk_score: self.risk_score,
            decision: self.decision.as_ref(),
            summary: self.summary.as_deref(),
            external_reference: self.external_reference.as_deref(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            version: self.version,
            source: self.source.as_deref(),
            awaiting_approval: &self.awaiting_approval,
        }
    }
}

impl CaseRow<'_> {
    /// The case, owned.
    pub fn to_case(&self) -> Case {
        let s = |v: Option<&str>| v.map(str::to_string);
        Case {
            token: self.token.to_string(),
            name: self.name.to_string(),
            case_type: self.case_type.cloned(),
            status: self.status.clone(),
            priority: self.priority.cloned(),
            entity_category: self.entity_category.cloned(),
            primary_entity: s(self.primary_entity),
            primary_entity_token: s(self.primary_entity_token),
            assigned_to: self.assigned_to.cloned(),
            sla_deadline: self.sla_deadline,
            sla_status: self.sla_status.cloned(),
            sla_paused: self.sla_paused,
            open_alerts: self.open_alerts,
            total_entities: self.total_entities,
            risk_tier: self.risk_tier.cloned(),
            risk_score: self.risk_score,
            decision: self.decision.cloned(),
            summary: s(self.summary),
            external_reference: s(self.external_reference),
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            version: self.version,
            source: s(self.source),
            awaiting_approval: self.awaiting_approval.to_vec(),
        }
    }

    /// Whether `text` names the case exactly: its reference (name), token or external
    /// reference, ignoring case.
    pub fn is_named(&self, text: &str) -> bool {
        let t = text.trim();
        !t.is_empty()
            && (self.name.eq_ignore_ascii_case(t)
                || self.token.eq_ignore_ascii_case(t)
                || self
                    .external_reference
                    .is_some_and(|e| e.eq_ignore_ascii_case(t)))
    }
}
