//! Deterministic, realistic seed data: companies with directors, UBOs and shareholders (with
//! ownership), persons, screening alerts with hit data and AI assessments, checks, scored risk
//! assessments, reviewers, comments and a consistent audit trail, spread over every status,
//! priority and SLA position.
//!
//! The same `--seed` gives the same cases; times are laid out relative to the moment of seeding.
//! Rows go in through the same `store` functions the API uses, inside one transaction.

pub mod corpus;
mod draw;
pub mod hostile;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::store::{self, AuditRow, NewAlert, NewCase, NewCheck, NewEntity};
use crate::domain::lifecycle::{self, DAY, HOUR};
use crate::domain::risk::{self, AlertFacts, EntityFacts, RiskFacts};
use crate::domain::{
    AlertStatus, AssessmentStatus, CaseStatus, CaseType, EntityRole, Priority, RiskTier,
    VerificationStatus,
};
use corpus::{Country, GeoRisk};
use draw::Gen;

/// A seeded user: id, name, role and title.
pub struct SeedUser {
    pub user_id: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub title: &'static str,
    pub role: crate::domain::UserRole,
}

/// The sandbox team: three analysts, an approver and a read-only auditor.
pub const USERS: &[SeedUser] = &[
    SeedUser {
        user_id: "usr_amara",
        name: "Amara Okafor",
        email: "amara.okafor@sandbox.docket.invalid",
        title: "KYC Analyst",
        role: crate::domain::UserRole::Analyst,
    },
    SeedUser {
        user_id: "usr_lukas",
        name: "Lukas Brandt",
        email: "lukas.brandt@sandbox.docket.invalid",
        title: "KYC Analyst",
        role: crate::domain::UserRole::Analyst,
    },
    SeedUser {
        user_id: "usr_mei",
        name: "Mei Tanaka",
        email: "mei.tanaka@sandbox.docket.invalid",
        title: "Senior AML Analyst",
        role: crate::domain::UserRole::Analyst,
    },
    SeedUser {
        user_id: "usr_sofia",
        name: "Sofía Hernández",
        email: "sofia.hernandez@sandbox.docket.invalid",
        title: "Compliance Approver (MLRO deputy)",
        role: crate::domain::UserRole::Approver,
    },
    SeedUser {
        user_id: "usr_ines",
        name: "Inês Duarte",
        email: "ines.duarte@sandbox.docket.invalid",
        title: "Internal Auditor",
        role: crate::domain::UserRole::Auditor,
    },
];

const ANALYSTS: &[&str] = &["usr_amara", "usr_lukas", "usr_mei"];
const APPROVER: &str = "usr_sofia";
const SYSTEM: &str = "system";

/// What seeding produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub cases: usize,
    pub entities: usize,
    pub alerts: usize,
    pub checks: usize,
    pub audit: usize,
}

/// One entity as generated, with what the risk model needs.
struct GenEntity {
    id: i64,
    token: String,
    name: String,
    country: &'static Country,
    role: EntityRole,
    is_company: bool,
    depth: u32,
    verification: VerificationStatus,
    dob: Option<String>,
}

/// Seeds `cases` cases. Users must already exist. Runs inside the caller's transaction.
pub fn seed(conn: &Connection, cases: usize, seed: u64, now: i64) -> rusqlite::Result<Stats> {
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        now,
        stats: Stats::default(),
    };
    for i in 1..=cases {
        seed_case(conn, &mut g, i)?;
    }
    hostile::poison(conn)?;
    g.stats.cases = cases;
    Ok(g.stats)
}

fn case_status(g: &mut Gen) -> CaseStatus {
    *g.weighted(&[
        (CaseStatus::New, 12),
        (CaseStatus::InProgress, 26),
        (CaseStatus::InReview, 11),
        (CaseStatus::InternalReview, 6),
        (CaseStatus::ClientInput, 9),
        (CaseStatus::Escalated, 7),
        (CaseStatus::Closed, 29),
    ])
}

struct Audit<'a> {
    conn: &'a Connection,
    case_id: i64,
    /// Time of the latest entry, which becomes the case's `updated_at`.
    last: std::cell::Cell<i64>,
}

impl Audit<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        g: &mut Gen,
        at: i64,
        actor: &str,
        event: &str,
        target_type: &str,
        target: &str,
        details: Value,
    ) -> rusqlite::Result<()> {
        let token = g.token("aud");
        g.stats.audit += 1;
        self.last.set(self.last.get().max(at.min(g.now)));
        store::insert_audit(
            self.conn,
            &AuditRow {
                token: &token,
                case_id: Some(self.case_id),
                event_type: event,
                severity: crate::sandbox::api::audit::severity(event),
                actor_id: actor,
                actor_type: if actor == SYSTEM { "system" } else { "user" },
                target_type,
                target_token: target,
                details: &details,
                request_id: None,
                created_at: at.min(g.now),
            },
        )
    }
}

fn fill(
    template: &str,
    name: &str,
    matched: &str,
    score: f64,
    list: &str,
    dob_note: &str,
    country: &str,
) -> String {
    template
        .replace("{name}", name)
        .replace("{matched}", matched)
        .replace("{score}", &format!("{score:.0}"))
        .replace("{list}", list)
        .replace("{dob_note}", dob_note)
        .replace("{country}", country)
}

fn texts_for<'a>(table: &'a [(&'a str, &'a str)], key: &str) -> Vec<&'a str> {
    table
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, t)| *t)
        .collect()
}

#[allow(clippy::too_many_lines)]
fn seed_case(conn: &Connection, g: &mut Gen, index: usize) -> rusqlite::Result<()> {
    let now = g.now;
    let case_type = *g.weighted(&[
        (CaseType::Onboarding, 55),
        (CaseType::Review, 30),
        (CaseType::Perpetual, 15),
    ]);
    let is_company = g.chance(0.65);
    let priority = *g.weighted(&[
        (Priority::Critical, 8),
        (Priority::High, 22),
        (Priority::Medium, 45),
        (Priority::Low, 25),
    ]);
    let status = case_status(g);
    let policy = lifecycle::sla_policy(case_type, priority);
    let closed = status == CaseStatus::Closed;

    // When it started, and (if closed) when it ended.
    let due_secs = policy.due_days * DAY;
    let created_at = if closed {
        now - g.between(due_secs / 2, 200 * DAY)
    } else if status == CaseStatus::New {
        now - g.between(HOUR, (due_secs / 3).max(2 * HOUR))
    } else {
        now - g.between(DAY / 2, due_secs * 13 / 10)
    };
    let closed_at = closed
        .then(|| (created_at + g.between(due_secs * 3 / 10, due_secs * 12 / 10)).min(now - HOUR));
    let paused_at = (status == CaseStatus::ClientInput)
        .then(|| (now - g.between(HOUR, 6 * DAY)).max(created_at + HOUR));
    let assigned_to = match status {
        CaseStatus::New if g.chance(0.7) => None,
        _ if g.chance(0.05) && !closed => None,
        _ => Some(*g.pick(ANALYSTS)),
    };
    let declined = closed && g.chance(0.18);

    // Transaction profile drives the transaction dimension.
    let volume = *g.weighted(&[
        (20_000.0, 30),
        (250_000.0, 35),
        (2_000_000.0, 25),
        (8_000_000.0, 10),
    ]);
    let volume = volume * (0.5 + g.rng.random::<f64>());
    let channel = *g.weighted(&[
        ("Face to face", 30),
        ("Online only", 50),
        ("Third-party introducer", 20),
    ]);
    let cash = g.chance(0.12);
    let cross_border =
        (g.rng.random::<f64>() * if g.chance(0.3) { 0.9 } else { 0.3 } * 100.0).round() / 100.0;

    // The primary entity.
    let bias = g.chance(0.1);
    let home = g.country(bias);
    let industry = is_company.then(|| g.pick(corpus::INDUSTRIES).0);
    let token = g.token("cas");
    let name = format!("CAS-{index:06}");
    let metadata = json!({
        "transaction_profile": {
            "expected_monthly_volume_eur": volume.round(),
            "cash_intensive": cash,
            "cross_border_share": cross_border,
            "channel": channel,
        },
        "source": if g.chance(0.7) { "onboarding-portal" } else { "relationship-manager" },
    })
    .to_string();
    let escalated = status == CaseStatus::Escalated;
    let escalation_reason = escalated.then(|| *g.pick(corpus::ESCALATION_REASONS));
    let escalated_at = escalated.then(|| {
        now - g
            .between(HOUR, 3 * DAY)
            .min(now - created_at - HOUR)
            .max(HOUR)
    });

    // Entities.
    let verification = |g: &mut Gen| -> VerificationStatus {
        if closed {
            if declined && g.chance(0.3) {
                VerificationStatus::Failed
            } else {
                VerificationStatus::Verified
            }
        } else if status == CaseStatus::New {
            *g.weighted(&[
                (VerificationStatus::NotStarted, 70),
                (VerificationStatus::InProgress, 30),
            ])
        } else {
            *g.weighted(&[
                (VerificationStatus::Verified, 40),
                (VerificationStatus::InProgress, 38),
                (VerificationStatus::Failed, 8),
                (VerificationStatus::Expired, 6),
                (VerificationStatus::NotStarted, 8),
            ])
        }
    };
    let mut ents: Vec<GenEntity> = Vec::new();
    let primary = if is_company {
        let cname = g.company(home);
        let v = verification(g);
        let reg = format!("{}{:08}", home.code, g.between(1, 99_999_999));
        let addr = g.address(home);
        let et = g.token("ent");
        let id = store::insert_entity(
            conn,
            &NewEntity {
                token: &et,
                entity_type: "Company",
                first_name: None,
                last_name: None,
                full_name: &cname,
                company_name: Some(&cname),
                registration_number: Some(&reg),
                date_of_birth: None,
                nationality: None,
                country: home.code,
                address: Some(&addr),
                industry,
                email: None,
                phone: None,
                verification_status: v.as_str(),
                risk_rating: None,
                external_reference: None,
                metadata: "{}",
                created_at,
            },
        )?;
        GenEntity {
            id,
            token: et,
            name: cname,
            country: home,
            role: EntityRole::Primary,
            is_company: true,
            depth: 0,
            verification: v,
            dob: None,
        }
    } else {
        gen_person(
            conn,
            g,
            home,
            EntityRole::Primary,
            0,
            created_at,
            verification,
        )?
    };
    let case_id = store::insert_case(
        conn,
        &NewCase {
            token: &token,
            name: &name,
            case_type: case_type.as_str(),
            status: status.as_str(),
            priority: priority.as_str(),
            priority_rank: priority.rank(),
            entity_category: if is_company { "Company" } else { "Person" },
            assigned_to,
            sla_due_at: created_at + due_secs,
            sla_warning_days: policy.warning_days,
            sla_paused_at: paused_at,
            decision: None,
            summary: None,
            escalated_to: escalated.then_some(APPROVER),
            escalation_reason,
            escalated_at,
            external_reference: g
                .chance(0.6)
                .then(|| format!("CRM-{}-{:07}", home.code, index))
                .as_deref(),
            metadata: &metadata,
            created_at,
            updated_at: created_at,
            closed_at: None,
            primary_entity: Some((primary.id, &primary.name)),
        },
    )?;
    let audit = Audit {
        conn,
        case_id,
        last: std::cell::Cell::new(created_at),
    };
    audit.add(
        g,
        created_at,
        SYSTEM,
        "CASE_CREATED",
        "case",
        &token,
        json!({ "after": { "status": "New", "type": case_type, "priority": priority } }),
    )?;

    store::link_entity(
        conn,
        case_id,
        primary.id,
        EntityRole::Primary,
        None,
        None,
        0,
    )?;
    let primary_id = primary.id;
    ents.push(primary);

    if is_company {
        for _ in 0..g.between(1, 4) {
            let c = if g.chance(0.8) {
                home
            } else {
                g.country(false)
            };
            let p = gen_person(
                conn,
                g,
                c,
                EntityRole::Director,
                1,
                created_at,
                verification,
            )?;
            store::link_entity(
                conn,
                case_id,
                p.id,
                EntityRole::Director,
                None,
                Some(primary_id),
                1,
            )?;
            ents.push(p);
        }
        // Ownership: direct UBOs over 25%, small shareholders, and sometimes a holding company
        // offshore with its own UBO one layer down.
        let ubo_shares: Vec<f64> = match g.between(0, 4) {
            0 => vec![],
            1 => vec![g.between(51, 101) as f64],
            2 => {
                let a = g.between(26, 50) as f64;
                vec![a, g.between(26, (100 - a as i64).max(27)) as f64]
            }
            _ => vec![
                g.between(26, 34) as f64,
                g.between(26, 34) as f64,
                g.between(26, 33) as f64,
            ],
        };
        let mut remaining = 100.0 - ubo_shares.iter().sum::<f64>();
        for share in ubo_shares {
            let c = if g.chance(0.75) {
                home
            } else {
                g.country(true)
            };
            let p = gen_person(conn, g, c, EntityRole::Ubo, 1, created_at, verification)?;
            store::link_entity(
                conn,
                case_id,
                p.id,
                EntityRole::Ubo,
                Some(share),
                Some(primary_id),
                1,
            )?;
            ents.push(p);
        }
        if remaining >= 10.0 && g.chance(0.25) {
            // A corporate shareholder, often offshore.
            let c = g.country(true);
            let hname = g.company(c);
            let share = (remaining * 0.8).floor().clamp(5.0, 24.0);
            remaining -= share;
            let ht = g.token("ent");
            let addr = g.address(c);
            let reg = format!("{}{:08}", c.code, g.between(1, 99_999_999));
            let v = verification(g);
            let hid = store::insert_entity(
                conn,
                &NewEntity {
                    token: &ht,
                    entity_type: "Company",
                    first_name: None,
                    last_name: None,
                    full_name: &hname,
                    company_name: Some(&hname),
                    registration_number: Some(&reg),
                    date_of_birth: None,
                    nationality: None,
                    country: c.code,
                    address: Some(&addr),
                    industry: Some("Trust and company service provider"),
                    email: None,
                    phone: None,
                    verification_status: v.as_str(),
                    risk_rating: None,
                    external_reference: None,
                    metadata: "{}",
                    created_at,
                },
            )?;
            store::link_entity(
                conn,
                case_id,
                hid,
                EntityRole::Shareholder,
                Some(share),
                Some(primary_id),
                1,
            )?;
            ents.push(GenEntity {
                id: hid,
                token: ht,
                name: hname,
                country: c,
                role: EntityRole::Shareholder,
                is_company: true,
                depth: 1,
                verification: v,
                dob: None,
            });
            // Its beneficial owner, through the holding.
            let oc = if g.chance(0.5) { c } else { g.country(false) };
            let p = gen_person(conn, g, oc, EntityRole::Ubo, 2, created_at, verification)?;
            store::link_entity(
                conn,
                case_id,
                p.id,
                EntityRole::Ubo,
                Some(100.0),
                Some(hid),
                2,
            )?;
            ents.push(p);
        }
        if remaining >= 2.0 && g.chance(0.35) {
            let share = (g.rng.random::<f64>() * remaining.min(24.0) * 10.0).round() / 10.0;
            if share >= 1.0 {
                let p = gen_person(
                    conn,
                    g,
                    home,
                    EntityRole::Shareholder,
                    1,
                    created_at,
                    verification,
                )?;
                store::link_entity(
                    conn,
                    case_id,
                    p.id,
                    EntityRole::Shareholder,
                    Some(share),
                    Some(primary_id),
                    1,
                )?;
                ents.push(p);
            }
        }
    }
    g.stats.entities += ents.len();
    let high_geo = ents.iter().any(|e| e.country.risk == GeoRisk::High);

    // Checks, and the alerts they raised.
    let mut alert_facts = Vec::new();
    let mut work_at = created_at + HOUR;
    let end = closed_at.unwrap_or(now);
    for e in &ents {
        for (code, cname, category) in store::required_checks(e.role, e.is_company, high_geo) {
            let (cstatus, result) = check_state(g, status, e.verification);
            let ct = g.token("chk");
            let executed = (cstatus != "Pending")
                .then(|| (created_at + g.between(10 * 60, 6 * HOUR)).min(end));
            let completed = (cstatus == "Complete")
                .then(|| executed.unwrap_or(created_at) + g.between(60, 2 * DAY))
                .map(|t| t.min(end));
            let result_data = check_result_data(g, code, result);
            let check_id = store::insert_check(
                conn,
                &NewCheck {
                    token: &ct,
                    case_id,
                    entity_id: e.id,
                    type_code: code,
                    name: cname,
                    category,
                    status: cstatus,
                    result,
                    provider: crate::sandbox::api::cases::check_provider(code),
                    result_data: &result_data,
                    alerts_generated: 0,
                    valid_until: completed.map(|c| c + 365 * DAY),
                    executed_at: executed,
                    completed_at: completed,
                    created_at,
                },
            )?;
            g.stats.checks += 1;
            for category in alert_categories(g, code, e) {
                let at = (created_at + g.between(HOUR, 2 * DAY)).min(end);
                work_at = work_at.max(at);
                let a = seed_alert(
                    conn, g, &audit, case_id, check_id, e, category, status, declined, at, end,
                )?;
                alert_facts.push(a);
                conn.prepare_cached("UPDATE checks SET alerts_generated = alerts_generated + 1, result = COALESCE(result, 'Refer') WHERE id = ?1")?
                    .execute([check_id])?;
            }
        }
    }
    store::refresh_counts(conn, case_id)?;

    // Work on the case: assignment and status path.
    let mut t = (created_at + g.between(HOUR, 12 * HOUR)).min(end);
    if let Some(a) = assigned_to {
        audit.add(
            g,
            t,
            a,
            "CASE_ASSIGNMENT",
            "case",
            &token,
            json!({ "before": { "assigned_to": null }, "after": { "assigned_to": a } }),
        )?;
    }
    let actor = assigned_to.unwrap_or(ANALYSTS[0]);
    let path: &[CaseStatus] = match status {
        CaseStatus::New => &[],
        CaseStatus::InProgress => &[CaseStatus::InProgress],
        CaseStatus::InReview => &[CaseStatus::InProgress, CaseStatus::InReview],
        CaseStatus::InternalReview => &[CaseStatus::InProgress, CaseStatus::InternalReview],
        CaseStatus::ClientInput => &[CaseStatus::InProgress, CaseStatus::ClientInput],
        CaseStatus::Escalated | CaseStatus::Closed => &[CaseStatus::InProgress],
    };
    let mut from = CaseStatus::New;
    for to in path {
        t = (t + g.between(HOUR, DAY)).min(end);
        if *to == CaseStatus::ClientInput {
            t = paused_at.unwrap_or(t);
        }
        audit.add(
            g,
            t,
            actor,
            "CASE_STATUS_CHANGE",
            "case",
            &token,
            json!({ "before": { "status": from }, "after": { "status": to } }),
        )?;
        from = *to;
    }
    if let (Some(at), Some(reason)) = (escalated_at, escalation_reason) {
        audit.add(g, at, actor, "CASE_ESCALATION", "case", &token, json!({ "before": { "status": from }, "after": { "status": "Escalated", "escalated_to": APPROVER }, "rationale": reason }))?;
    }

    // Risk.
    let (vol, cash_i, cb, ch) =
        store::transaction_profile(&serde_json::from_str(&metadata).unwrap_or(Value::Null));
    let facts = RiskFacts {
        case_type,
        entities: ents
            .iter()
            .map(|e| EntityFacts {
                role: e.role,
                is_company: e.is_company,
                country: e.country.code.to_string(),
                country_risk: store::country_risk(e.country.code),
                verification: e.verification,
                depth: e.depth,
            })
            .collect(),
        alerts: alert_facts,
        industry: industry.map(|i| (i.to_string(), store::industry_risk(i))),
        monthly_volume_eur: vol,
        cash_intensive: cash_i,
        cross_border_share: cb,
        channel: ch,
    };
    let scored = risk::score(&facts);
    let rt = g.token("rsk");
    let calc_at = (created_at + g.between(2 * HOUR, 3 * DAY)).min(end);
    store::insert_assessment(
        conn,
        case_id,
        &rt,
        AssessmentStatus::Active,
        &scored,
        None,
        calc_at,
    )?;
    audit.add(
        g,
        calc_at,
        SYSTEM,
        "RISK_SCORE_CALCULATED",
        "risk_assessment",
        &rt,
        json!({ "after": { "tier": scored.tier, "overall_score": scored.overall_score } }),
    )?;
    let mut tier = scored.tier;
    if !closed && g.chance(0.05) || closed && g.chance(0.03) {
        let to = if tier == RiskTier::High {
            RiskTier::Medium
        } else {
            RiskTier::High
        };
        let by = *g.pick(ANALYSTS);
        let why = if to == RiskTier::High {
            "Raising the tier: the ownership chain runs through a secrecy jurisdiction and the model does not see the nominee arrangement."
        } else {
            "Lowering the tier: the sanctions-adjacent exposure is historic, documented and outside our product scope."
        };
        let at = (calc_at + g.between(HOUR, DAY)).min(end);
        conn.prepare_cached("UPDATE risk_assessments SET status = 'Overridden', override_tier = ?2, override_justification = ?3, overridden_by = ?4, overridden_at = ?5, updated_at = ?5 WHERE token = ?1")?
            .execute(rusqlite::params![rt, to.as_str(), why, by, at])?;
        store::mirror_risk(conn, case_id, to, scored.overall_score)?;
        audit.add(g, at, by, "RISK_TIER_OVERRIDE", "risk_assessment", &rt, json!({ "before": { "tier": tier }, "after": { "tier": to, "status": "Overridden" }, "rationale": why }))?;
        tier = to;
    }
    let approve_risk = closed
        || (matches!(
            status,
            CaseStatus::InReview | CaseStatus::InternalReview | CaseStatus::Escalated
        ) && g.chance(0.5));
    if approve_risk {
        let at = (calc_at + g.between(2 * HOUR, 2 * DAY)).min(end);
        conn.prepare_cached("UPDATE risk_assessments SET status = 'Approved', approved_by = ?2, approved_at = ?3, updated_at = ?3 WHERE token = ?1")?
            .execute(rusqlite::params![rt, APPROVER, at])?;
        audit.add(
            g,
            at,
            APPROVER,
            "RISK_ASSESSMENT_APPROVED",
            "risk_assessment",
            &rt,
            json!({ "after": { "status": "Approved", "tier": tier } }),
        )?;
    }

    // Four-eyes: High-risk cases get an approver.
    if tier == RiskTier::High
        && (closed
            || (matches!(status, CaseStatus::InReview | CaseStatus::Escalated) && g.chance(0.6)))
    {
        let rv = g.token("rev");
        let invited = (t + HOUR).min(end);
        let (rstatus, responded) = if closed {
            ("Approved", Some((invited + g.between(HOUR, DAY)).min(end)))
        } else {
            ("Invited", None)
        };
        conn.prepare_cached("INSERT INTO reviewers (token, case_id, user_id, role, status, message, notes, invited_by, invited_at, responded_at) VALUES (?1, ?2, ?3, 'Approver', ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(rusqlite::params![rv, case_id, APPROVER, rstatus, "High-risk file: please review the ownership chain and the screening outcomes.", responded.map(|_| "Reviewed the file; agree with the analyst's assessment."), actor, invited, responded])?;
        audit.add(
            g,
            invited,
            actor,
            "REVIEWER_ADDED",
            "reviewer",
            &rv,
            json!({ "after": { "user_id": APPROVER, "role": "Approver", "status": "Invited" } }),
        )?;
        if let Some(at) = responded {
            audit.add(
                g,
                at,
                APPROVER,
                "REVIEWER_APPROVED",
                "reviewer",
                &rv,
                json!({ "before": { "status": "Invited" }, "after": { "status": "Approved" } }),
            )?;
        }
    }

    // Discussion.
    let subject = &ents[0].name;
    for _ in 0..g.between(0, 4) {
        let ct = g.token("cmt");
        let author = *g.pick(ANALYSTS);
        let body = g.pick(corpus::COMMENTS).replace("{name}", subject);
        let kind = if g.chance(0.25) { "Note" } else { "Comment" };
        let at = (created_at + g.between(HOUR, (end - created_at).max(2 * HOUR))).min(end);
        conn.prepare_cached("INSERT INTO comments (token, case_id, author_id, type, body, mentions, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, '[]', ?6, ?6)")?
            .execute(rusqlite::params![ct, case_id, author, kind, body, at])?;
        audit.add(
            g,
            at,
            author,
            "COMMENT_ADDED",
            "comment",
            &ct,
            json!({ "after": { "type": kind } }),
        )?;
    }

    // Closure.
    if let Some(at) = closed_at {
        let decision = if declined { "Decline" } else { "Approve" };
        let summary = if declined {
            g.pick(corpus::CLOSING_SUMMARIES_DECLINE)
        } else {
            g.pick(corpus::CLOSING_SUMMARIES_APPROVE)
        }
        .replace("{name}", subject);
        conn.prepare_cached("UPDATE cases SET status = 'Closed', decision = ?2, summary = ?3, closed_at = ?4 WHERE id = ?1")?
            .execute(rusqlite::params![case_id, decision, summary, at])?;
        audit.add(g, at, actor, "CASE_CLOSURE", "case", &token, json!({ "before": { "status": "In Progress" }, "after": { "status": "Closed", "decision": decision }, "rationale": summary }))?;
    }
    conn.prepare_cached("UPDATE cases SET updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![case_id, audit.last.get().max(created_at)])?;
    Ok(())
}

fn gen_person(
    conn: &Connection,
    g: &mut Gen,
    country: &'static Country,
    role: EntityRole,
    depth: u32,
    created_at: i64,
    verification: impl Fn(&mut Gen) -> VerificationStatus,
) -> rusqlite::Result<GenEntity> {
    let (first, last, full) = g.person(country);
    let dob = g.dob();
    let v = verification(g);
    let addr = g.address(country);
    let token = g.token("ent");
    let id = store::insert_entity(
        conn,
        &NewEntity {
            token: &token,
            entity_type: "Person",
            first_name: Some(&first),
            last_name: Some(&last),
            full_name: &full,
            company_name: None,
            registration_number: None,
            date_of_birth: Some(&dob),
            nationality: Some(country.code),
            country: country.code,
            address: Some(&addr),
            industry: None,
            email: None,
            phone: None,
            verification_status: v.as_str(),
            risk_rating: None,
            external_reference: None,
            metadata: "{}",
            created_at,
        },
    )?;
    Ok(GenEntity {
        id,
        token,
        name: full,
        country,
        role,
        is_company: false,
        depth,
        verification: v,
        dob: Some(dob),
    })
}

fn check_state(
    g: &mut Gen,
    status: CaseStatus,
    v: VerificationStatus,
) -> (&'static str, Option<&'static str>) {
    match status {
        CaseStatus::Closed => {
            if g.chance(0.04) {
                ("Waived", None)
            } else {
                (
                    "Complete",
                    Some(if v == VerificationStatus::Failed {
                        "Fail"
                    } else {
                        "Pass"
                    }),
                )
            }
        }
        CaseStatus::New => (
            *g.weighted(&[("Pending", 60), ("Queued", 25), ("In Progress", 15)]),
            None,
        ),
        _ => {
            let s = *g.weighted(&[
                ("Complete", 55),
                ("In Progress", 12),
                ("Pending", 8),
                ("Awaiting Document", 9),
                ("Awaiting Client", 7),
                ("Failed", 3),
                ("Retry Scheduled", 2),
                ("Reused", 4),
            ]);
            let r = match s {
                "Complete" => Some(*g.weighted(&[("Pass", 75), ("Refer", 18), ("Fail", 7)])),
                "Reused" => Some("Pass"),
                _ => None,
            };
            (s, r)
        }
    }
}

fn check_result_data(g: &mut Gen, code: &str, result: Option<&str>) -> String {
    let Some(result) = result else {
        return "{}".into();
    };
    let reference = format!("{}-{:010}", &code[..3], g.between(1, 9_999_999_999));
    match code {
        "COMPANY_REGISTRY" => json!({ "provider_reference": reference, "registry_status": if result == "Fail" { "Dissolved" } else { "Active" }, "officers_matched": result != "Fail" }),
        c if c.starts_with("SCR_") => json!({ "provider_reference": reference, "lists_searched": g.between(40, 260), "potential_matches": if result == "Pass" { 0 } else { g.between(1, 4) } }),
        _ => json!({ "provider_reference": reference, "document_type": *g.pick(&["Passport", "National ID card", "Driving licence", "Residence permit"]), "liveness": result != "Fail", "face_match_score": g.between(60, 100) }),
    }
    .to_string()
}

/// Alert categories raised by one check on one entity, each drawn with its own odds.
fn alert_categories(g: &mut Gen, code: &str, e: &GenEntity) -> Vec<&'static str> {
    let high = e.country.risk == GeoRisk::High;
    let primary = e.role == EntityRole::Primary;
    let odds: Vec<(&'static str, f64)> = match code {
        "SCR_PEP" => vec![
            ("PEP Match", if primary { 0.22 } else { 0.12 }),
            ("Sanctions Hit", if high { 0.15 } else { 0.03 }),
            ("Watchlist Match", 0.04),
        ],
        "SCR_SANCTIONS" => vec![("Sanctions Hit", if high { 0.2 } else { 0.04 })],
        "SCR_ADVERSE_MEDIA" => vec![("Adverse Media", 0.12)],
        "IDV_DOCUMENT" => vec![
            ("Identity Mismatch", 0.05),
            ("Document Expired", 0.04),
            ("Document Tampering Suspected", 0.015),
        ],
        "IDV_ADDRESS" => vec![("Address Unverified", 0.06)],
        "COMPANY_REGISTRY" => vec![
            ("Company Registry Mismatch", 0.05),
            ("Dissolved Company Officer", 0.025),
            (
                "Unusual Transaction Pattern",
                if primary { 0.06 } else { 0.0 },
            ),
            ("Source of Funds Unclear", if primary { 0.04 } else { 0.0 }),
        ],
        "EDD_SOURCE_OF_WEALTH" => vec![("Source of Funds Unclear", 0.2)],
        _ => vec![],
    };
    odds.into_iter()
        .filter(|(_, p)| g.chance(*p))
        .map(|(c, _)| c)
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn seed_alert(
    conn: &Connection,
    g: &mut Gen,
    audit: &Audit<'_>,
    case_id: i64,
    check_id: i64,
    e: &GenEntity,
    category: &'static str,
    case_status: CaseStatus,
    declined: bool,
    at: i64,
    end: i64,
) -> rusqlite::Result<AlertFacts> {
    let alert_type = corpus::ALERT_CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or("Screening", |(_, t)| *t);
    let screening = alert_type == "Screening";
    let match_score = if screening {
        Some(g.between(55, 100) as f64)
    } else {
        None
    };
    let priority = match category {
        "Sanctions Hit" => *g.weighted(&[(Priority::Critical, 70), (Priority::High, 30)]),
        "PEP Match" | "Document Tampering Suspected" | "Watchlist Match" => {
            *g.weighted(&[(Priority::High, 60), (Priority::Medium, 40)])
        }
        "Adverse Media" | "Unusual Transaction Pattern" | "Source of Funds Unclear" => {
            *g.weighted(&[
                (Priority::High, 25),
                (Priority::Medium, 60),
                (Priority::Low, 15),
            ])
        }
        _ => *g.weighted(&[(Priority::Medium, 55), (Priority::Low, 45)]),
    };

    // The hit: a record that resembles the subject, from a named source.
    let other = g.country(false);
    let (_, _, lookalike) = g.person(e.country);
    let matched = if g.chance(0.6) {
        e.name.clone()
    } else {
        lookalike
    };
    let dob_agrees = g.chance(0.5);
    let dob_note = match (&e.dob, dob_agrees) {
        (None, _) => "no date of birth is held for a company".to_string(),
        (Some(_), true) => "date of birth matches exactly".to_string(),
        (Some(_), false) => format!("dates of birth differ by {} years", g.between(2, 25)),
    };
    let (list, source_data) = match category {
        "PEP Match" => {
            let pos = *g.pick(corpus::PEP_POSITIONS);
            (
                "PEP database",
                json!({ "matched_name": matched, "position": pos, "country": e.country.code, "pep_class": g.between(1, 5), "since": format!("{}", g.between(1995, 2025)), "date_of_birth": if dob_agrees { e.dob.clone() } else { None }, "source": "WorldCheck One" }),
            )
        }
        "Sanctions Hit" | "Watchlist Match" => {
            let (l, authority) = *g.pick(corpus::SANCTIONS_LISTS);
            (
                l,
                json!({ "matched_name": matched, "list": l, "authority": authority, "program": g.pick(corpus::SANCTIONS_PROGRAMS), "listed_on": format!("{}-{:02}-{:02}", g.between(2005, 2026), g.between(1, 13), g.between(1, 29)), "nationality": if g.chance(0.7) { e.country.code } else { other.code }, "aliases": [format!("{matched} ({})", other.name)], "date_of_birth": if dob_agrees { e.dob.clone() } else { None } }),
            )
        }
        "Adverse Media" => {
            let outlet = *g.pick(corpus::MEDIA_OUTLETS);
            let headline = g
                .pick(corpus::ADVERSE_MEDIA_HEADLINES)
                .replace("{name}", &matched);
            (
                outlet,
                json!({ "matched_name": matched, "articles": [{ "title": headline, "outlet": outlet, "published": format!("{}-{:02}-{:02}", g.between(2012, 2026), g.between(1, 13), g.between(1, 29)), "url": format!("https://news.example/{}", g.between(100000, 999999)), "topics": [g.pick(corpus::ADVERSE_MEDIA_TOPICS)] }] }),
            )
        }
        _ => (
            "internal checks",
            json!({ "check_reference": format!("CHK-{:08}", g.between(1, 99_999_999)), "observed": category, "subject": e.name }),
        ),
    };
    let score = match_score.unwrap_or(0.0);
    let ai = {
        let choices = texts_for(corpus::AI_ASSESSMENTS, category);
        if choices.is_empty() {
            None
        } else {
            Some(fill(
                g.pick::<&str>(choices.as_slice()),
                &e.name,
                &matched,
                score,
                list,
                &dob_note,
                e.country.name,
            ))
        }
    };
    let description = {
        let choices = texts_for(corpus::ALERT_DESCRIPTIONS, category);
        if choices.is_empty() {
            format!("{category} on {}", e.name)
        } else {
            g.pick(choices.as_slice()).replace("{name}", &e.name)
        }
    };
    let title = format!("{category}: {}", e.name);

    // Where it stands.
    let status = if case_status == CaseStatus::Closed {
        if g.chance(0.55) {
            AlertStatus::FalsePositive
        } else {
            AlertStatus::Resolved
        }
    } else if case_status == CaseStatus::New {
        *g.weighted(&[(AlertStatus::Open, 85), (AlertStatus::Acknowledged, 15)])
    } else if case_status == CaseStatus::Escalated && category == "Sanctions Hit" {
        AlertStatus::Escalated
    } else {
        *g.weighted(&[
            (AlertStatus::Open, 42),
            (AlertStatus::Acknowledged, 16),
            (AlertStatus::Resolved, 17),
            (AlertStatus::FalsePositive, 17),
            (AlertStatus::Escalated, 8),
        ])
    };
    let fp = status == AlertStatus::FalsePositive;
    let action = match status {
        AlertStatus::FalsePositive => Some("Approve"),
        AlertStatus::Resolved if declined => Some("Decline"),
        AlertStatus::Resolved => {
            Some(*g.weighted(&[("Approve", 70), ("Approve with Conditions", 30)]))
        }
        AlertStatus::Escalated => Some("Escalate"),
        _ => None,
    };
    let rationale_key = if fp {
        "False Positive"
    } else {
        action.unwrap_or("")
    };
    let rationale = action.map(|_| {
        let choices = texts_for(corpus::RESOLUTION_RATIONALES, rationale_key);
        if choices.is_empty() {
            format!("{rationale_key} after review.")
        } else {
            g.pick(choices.as_slice())
                .replace("{name}", &e.name)
                .replace("{matched}", &matched)
        }
    });
    let conditions =
        (action == Some("Approve with Conditions")).then(|| g.pick(corpus::CONDITIONS).to_string());
    let resolver = *g.pick(ANALYSTS);
    let settled = status.is_settled();
    let resolved_at = settled.then(|| (at + g.between(HOUR, 5 * DAY)).min(end));
    let assigned = (status != AlertStatus::Open || g.chance(0.2)).then_some(resolver);
    let token = g.token("alt");
    store::insert_alert(
        conn,
        &NewAlert {
            token: &token,
            case_id,
            entity_id: e.id,
            check_id: Some(check_id),
            alert_type,
            category,
            status: status.as_str(),
            priority: priority.as_str(),
            priority_score: store::priority_score(priority, score, category),
            match_score,
            title: &title,
            description: &description,
            source_data: &source_data.to_string(),
            ai_assessment: ai.as_deref(),
            resolution_action: action,
            resolution_rationale: rationale.as_deref(),
            conditions: conditions.as_deref(),
            is_false_positive: fp,
            resolved_by: settled.then_some(resolver),
            resolved_at,
            assigned_to: assigned,
            sla_due_at: at + lifecycle::alert_sla_hours(priority) * HOUR,
            created_at: at,
            updated_at: resolved_at.unwrap_or(at),
        },
    )?;
    g.stats.alerts += 1;
    audit.add(g, at, SYSTEM, "ALERT_CREATED", "alert", &token, json!({ "after": { "status": "Open", "category": category, "priority": priority, "entity_token": e.token } }))?;
    if let Some(done) = resolved_at {
        let event = if fp {
            "ALERT_FALSE_POSITIVE"
        } else {
            "ALERT_RESOLVED"
        };
        audit.add(g, done, resolver, event, "alert", &token, json!({ "before": { "status": "Open" }, "after": { "status": status, "action": action, "is_false_positive": fp }, "rationale": rationale, "conditions": conditions }))?;
    } else if status == AlertStatus::Escalated {
        audit.add(g, (at + HOUR).min(end), resolver, "ALERT_ESCALATED", "alert", &token, json!({ "before": { "status": "Open" }, "after": { "status": "Escalated" }, "rationale": rationale }))?;
    }
    Ok(AlertFacts {
        category: category.to_string(),
        status,
        is_false_positive: fp,
        match_score: score,
    })
}
