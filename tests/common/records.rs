//! Builders for the domain records tests need: a sensible default, changed with `..`.

use docket::domain::model::{Alert, Assessment, Case, User};
use docket::domain::{AlertStatus, AssessmentStatus, CaseStatus, RiskTier, Wire};
use jiff::Timestamp;

/// The clock tests run at.
pub const NOW: i64 = 1_800_000_000;

pub fn now() -> Timestamp {
    Timestamp::from_second(NOW).unwrap()
}

/// An open case `cas_1` / `CAS-000001` with two open alerts and a Low risk tier.
pub fn case(status: CaseStatus) -> Case {
    Case {
        token: "cas_1".into(),
        name: "CAS-000001".into(),
        case_type: None,
        status: Wire::Known(status),
        priority: None,
        entity_category: None,
        primary_entity: Some("Nordlicht Logistik GmbH".into()),
        primary_entity_token: None,
        assigned_to: None,
        sla_deadline: Timestamp::from_second(NOW + 3600).ok(),
        sla_status: None,
        sla_paused: false,
        open_alerts: Some(2),
        total_entities: Some(1),
        risk_tier: Some(Wire::Known(RiskTier::Low)),
        risk_score: Some(20.0),
        decision: None,
        summary: None,
        external_reference: None,
        created_at: None,
        updated_at: None,
        closed_at: None,
        awaiting_approval: Vec::new(),
        version: None,
        source: None,
    }
}

/// An alert of `cas_1`.
pub fn alert(token: &str, status: AlertStatus) -> Alert {
    Alert {
        token: token.into(),
        case_token: Some("cas_1".into()),
        entity_token: None,
        entity_name: None,
        alert_type: None,
        category: Some("PEP Match".into()),
        title: None,
        description: None,
        status: Wire::Known(status),
        priority: None,
        priority_score: None,
        match_score: Some(80.0),
        sla_deadline: None,
        sla_status: None,
        source_data: None,
        ai_assessment: None,
        resolution_action: None,
        resolution_rationale: None,
        conditions: None,
        is_false_positive: false,
        resolved_by: None,
        resolved_at: None,
        assigned_to: None,
        updated_at: None,
    }
}

/// The risk assessment `rsk_1`.
pub fn assessment(status: AssessmentStatus, tier: RiskTier) -> Assessment {
    Assessment {
        token: "rsk_1".into(),
        status: Wire::Known(status),
        overall_score: Some(30.0),
        tier: Some(Wire::Known(tier)),
        effective_tier: Some(Wire::Known(tier)),
        dimensions: vec![],
        due_diligence_path: None,
        review_frequency: None,
        override_tier: None,
        override_justification: None,
        overridden_by: None,
        approved_by: None,
        approved_at: None,
    }
}

/// A user who can write, with `role`.
pub fn user(id: &str, name: &str, role: &str) -> User {
    User {
        id: id.into(),
        name: name.into(),
        email: None,
        role: Some(role.into()),
        can_write: true,
    }
}

/// An entity of `cas_1`: a company or a person, in `role`, owning nothing and under nobody.
pub fn entity(
    token: &str,
    name: &str,
    company: bool,
    role: docket::domain::EntityRole,
) -> docket::domain::model::Entity {
    use docket::domain::EntityType;
    docket::domain::model::Entity {
        token: token.into(),
        entity_type: Some(Wire::Known(if company {
            EntityType::Company
        } else {
            EntityType::Person
        })),
        name: name.into(),
        role: Some(Wire::Known(role)),
        ownership_percentage: None,
        parent_token: None,
        country: Some("DE".into()),
        nationality: None,
        date_of_birth: None,
        address: None,
        registration_number: None,
        verification_status: None,
        open_alerts: None,
        checks_total: None,
        checks_complete: None,
    }
}

/// A check of `cas_1` on `entity`.
#[allow(dead_code)]
pub fn check(
    token: &str,
    name: &str,
    entity: &str,
    status: docket::domain::CheckStatus,
) -> docket::domain::model::Check {
    docket::domain::model::Check {
        token: token.into(),
        entity_name: Some(entity.into()),
        name: name.into(),
        type_code: None,
        category: None,
        status: Wire::Known(status),
        result: None,
        provider: None,
        completed_at: None,
    }
}
