//! One seeded case, section by section, each drawing in the order the seed depends on.
//!
//! `Plan::draw` settles what the case is (type, priority, status, its clock, the transaction
//! profile, the home country); the primary entity and the case row come next, and from then on
//! a `CaseSeed` carries the case through its sections: ownership (`parties`), checks and alerts
//! (`screening`), then here the status path, risk, four-eyes review, discussion and closure.
//! Every audit entry goes in through `CaseSeed::audit`, and the latest entry's time becomes the
//! case's `updated_at`.

use rand::RngExt;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::corpus::{self, Country};
use super::draw::Gen;
use super::parties::{self, GenEntity};
use super::{ANALYSTS, APPROVER, SYSTEM};
use crate::domain::lifecycle::{self, DAY, HOUR, SlaPolicy};
use crate::domain::risk::{self, AlertFacts, EntityFacts, RiskFacts};
use crate::domain::{
    AssessmentStatus, CaseStatus, CaseType, Priority, RiskTier, VerificationStatus,
};
use crate::sandbox::store::{self, AuditRow, NewCase};

/// Seeds case number `index`: draws its plan, writes its primary entity and row, then runs
/// each section in turn.
pub(super) fn seed_case(conn: &Connection, g: &mut Gen, index: usize) -> rusqlite::Result<()> {
    let plan = Plan::draw(g, index);
    let primary = parties::primary(conn, g, &plan)?;
    let case_id = case_row(conn, g, &plan, &primary)?;
    let mut case = CaseSeed {
        conn,
        g,
        case_id,
        last: plan.created_at,
        plan,
        ents: Vec::new(),
    };
    case.created(primary)?;
    case.ownership()?;
    let alerts = case.checks()?;
    let worked = case.work()?;
    let tier = case.risk(alerts)?;
    case.four_eyes(tier, worked)?;
    case.discussion()?;
    case.closure()?;
    case.finish()
}

/// What is drawn for a case before any of its rows is written.
pub(super) struct Plan {
    pub(super) index: usize,
    pub(super) case_type: CaseType,
    pub(super) is_company: bool,
    pub(super) priority: Priority,
    pub(super) status: CaseStatus,
    pub(super) policy: SlaPolicy,
    pub(super) closed: bool,
    pub(super) declined: bool,
    pub(super) created_at: i64,
    pub(super) closed_at: Option<i64>,
    pub(super) paused_at: Option<i64>,
    /// When work on the case stops: its closure, or else the moment of seeding.
    pub(super) end: i64,
    pub(super) assigned_to: Option<&'static str>,
    /// The primary entity's country.
    pub(super) home: &'static Country,
    /// The primary company's industry (none for a person).
    pub(super) industry: Option<&'static str>,
    pub(super) token: String,
    pub(super) metadata: String,
    pub(super) escalation_reason: Option<&'static str>,
    pub(super) escalated_at: Option<i64>,
}

impl Plan {
    fn draw(g: &mut Gen, index: usize) -> Plan {
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
        let closed_at = closed.then(|| {
            (created_at + g.between(due_secs * 3 / 10, due_secs * 12 / 10)).min(now - HOUR)
        });
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

        // Where the primary entity is, what it does, and how the case came in.
        let bias = g.chance(0.1);
        let home = g.country(bias);
        let industry = is_company.then(|| g.pick(corpus::INDUSTRIES).0);
        let token = g.token("cas");
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
        Plan {
            index,
            case_type,
            is_company,
            priority,
            status,
            policy,
            closed,
            declined,
            created_at,
            closed_at,
            paused_at,
            end: closed_at.unwrap_or(now),
            assigned_to,
            home,
            industry,
            token,
            metadata,
            escalation_reason,
            escalated_at,
        }
    }

    /// Draws an entity's verification status, in keeping with where the case stands.
    pub(super) fn verification(&self, g: &mut Gen) -> VerificationStatus {
        if self.closed {
            if self.declined && g.chance(0.3) {
                VerificationStatus::Failed
            } else {
                VerificationStatus::Verified
            }
        } else if self.status == CaseStatus::New {
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
    }

    /// Who works the case: its assignee, or the first analyst when it has none.
    fn actor(&self) -> &'static str {
        self.assigned_to.unwrap_or(ANALYSTS[0])
    }
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

/// Writes the case row as it stood when it was opened (closure comes later), over its
/// primary entity.
fn case_row(
    conn: &Connection,
    g: &mut Gen,
    plan: &Plan,
    primary: &GenEntity,
) -> rusqlite::Result<i64> {
    store::insert_case(
        conn,
        &NewCase {
            token: &plan.token,
            name: &format!("CAS-{:06}", plan.index),
            case_type: plan.case_type.as_str(),
            status: plan.status.as_str(),
            priority: plan.priority.as_str(),
            priority_rank: plan.priority.rank(),
            entity_category: if plan.is_company { "Company" } else { "Person" },
            assigned_to: plan.assigned_to,
            sla_due_at: plan.created_at + plan.policy.due_days * DAY,
            sla_warning_days: plan.policy.warning_days,
            sla_paused_at: plan.paused_at,
            decision: None,
            summary: None,
            escalated_to: (plan.status == CaseStatus::Escalated).then_some(APPROVER),
            escalation_reason: plan.escalation_reason,
            escalated_at: plan.escalated_at,
            external_reference: g
                .chance(0.6)
                .then(|| format!("CRM-{}-{:07}", plan.home.code, plan.index))
                .as_deref(),
            metadata: &plan.metadata,
            created_at: plan.created_at,
            updated_at: plan.created_at,
            closed_at: None,
            primary_entity: Some((primary.id, &primary.name)),
        },
    )
}

/// One case being seeded: its plan, where its rows go, and the entities built so far.
pub(super) struct CaseSeed<'a> {
    pub(super) conn: &'a Connection,
    pub(super) g: &'a mut Gen,
    pub(super) plan: Plan,
    pub(super) case_id: i64,
    /// The case's entities, the primary first.
    pub(super) ents: Vec<GenEntity>,
    /// Time of the latest audit entry, which becomes the case's `updated_at`.
    last: i64,
}

impl CaseSeed<'_> {
    /// Adds an audit entry on the case, at `at` or the moment of seeding if that is earlier.
    /// `target` is the type and token of what the entry is about.
    pub(super) fn audit(
        &mut self,
        at: i64,
        actor: &str,
        event: &str,
        target: (&str, &str),
        details: Value,
    ) -> rusqlite::Result<()> {
        let token = self.g.token("aud");
        self.g.stats.audit += 1;
        let at = at.min(self.g.now);
        self.last = self.last.max(at);
        store::insert_audit(
            self.conn,
            &AuditRow {
                token: &token,
                case_id: Some(self.case_id),
                event_type: event,
                severity: crate::sandbox::api::audit::severity(event),
                actor_id: actor,
                actor_type: if actor == SYSTEM { "system" } else { "user" },
                target_type: target.0,
                target_token: target.1,
                details: &details,
                request_id: None,
                created_at: at,
            },
        )
    }

    /// An audit entry about the case itself.
    fn case_audit(
        &mut self,
        at: i64,
        actor: &str,
        event: &str,
        details: Value,
    ) -> rusqlite::Result<()> {
        let token = self.plan.token.clone();
        self.audit(at, actor, event, ("case", &token), details)
    }

    /// The case's creation on the record, and its primary entity on the case.
    fn created(&mut self, primary: GenEntity) -> rusqlite::Result<()> {
        let (at, case_type, priority) = (
            self.plan.created_at,
            self.plan.case_type,
            self.plan.priority,
        );
        self.case_audit(
            at,
            SYSTEM,
            "CASE_CREATED",
            json!({ "after": { "status": "New", "type": case_type, "priority": priority } }),
        )?;
        self.join(primary, None, None)
    }

    /// Puts an entity on the case in its role and at its depth, under `parent`.
    pub(super) fn join(
        &mut self,
        e: GenEntity,
        share: Option<f64>,
        parent: Option<i64>,
    ) -> rusqlite::Result<()> {
        store::add_link(
            self.conn,
            self.case_id,
            e.id,
            e.role,
            share,
            parent,
            i64::from(e.depth),
        )?;
        self.ents.push(e);
        Ok(())
    }

    /// Work on the case: assignment and status path. Returns the time of the last step.
    fn work(&mut self) -> rusqlite::Result<i64> {
        let (created_at, end, status) = (self.plan.created_at, self.plan.end, self.plan.status);
        let mut t = (created_at + self.g.between(HOUR, 12 * HOUR)).min(end);
        if let Some(a) = self.plan.assigned_to {
            self.case_audit(
                t,
                a,
                "CASE_ASSIGNMENT",
                json!({ "before": { "assigned_to": null }, "after": { "assigned_to": a } }),
            )?;
        }
        let actor = self.plan.actor();
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
            t = (t + self.g.between(HOUR, DAY)).min(end);
            if *to == CaseStatus::ClientInput {
                t = self.plan.paused_at.unwrap_or(t);
            }
            self.case_audit(
                t,
                actor,
                "CASE_STATUS_CHANGE",
                json!({ "before": { "status": from }, "after": { "status": to } }),
            )?;
            from = *to;
        }
        if let (Some(at), Some(reason)) = (self.plan.escalated_at, self.plan.escalation_reason) {
            self.case_audit(at, actor, "CASE_ESCALATION", json!({ "before": { "status": from }, "after": { "status": "Escalated", "escalated_to": APPROVER }, "rationale": reason }))?;
        }
        Ok(t)
    }

    /// Risk: the model's score over the case's entities and alerts, sometimes overridden by an
    /// analyst, approved where the case is far enough along. Returns the tier that stands.
    fn risk(&mut self, alerts: Vec<AlertFacts>) -> rusqlite::Result<RiskTier> {
        let (created_at, end, closed) = (self.plan.created_at, self.plan.end, self.plan.closed);
        let (vol, cash_i, cb, ch) = store::transaction_profile(
            &serde_json::from_str(&self.plan.metadata).unwrap_or(Value::Null),
        );
        let facts = RiskFacts {
            case_type: self.plan.case_type,
            entities: self
                .ents
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
            alerts,
            industry: self
                .plan
                .industry
                .map(|i| (i.to_string(), store::industry_risk(i))),
            monthly_volume_eur: vol,
            cash_intensive: cash_i,
            cross_border_share: cb,
            channel: ch,
        };
        let scored = risk::score(&facts);
        let rt = self.g.token("rsk");
        let calc_at = (created_at + self.g.between(2 * HOUR, 3 * DAY)).min(end);
        store::insert_assessment(
            self.conn,
            self.case_id,
            &rt,
            AssessmentStatus::Active,
            &scored,
            None,
            calc_at,
        )?;
        self.audit(
            calc_at,
            SYSTEM,
            "RISK_SCORE_CALCULATED",
            ("risk_assessment", &rt),
            json!({ "after": { "tier": scored.tier, "overall_score": scored.overall_score } }),
        )?;
        let mut tier = scored.tier;
        if !closed && self.g.chance(0.05) || closed && self.g.chance(0.03) {
            let to = if tier == RiskTier::High {
                RiskTier::Medium
            } else {
                RiskTier::High
            };
            let by = *self.g.pick(ANALYSTS);
            let why = if to == RiskTier::High {
                "Raising the tier: the ownership chain runs through a secrecy jurisdiction and the model does not see the nominee arrangement."
            } else {
                "Lowering the tier: the sanctions-adjacent exposure is historic, documented and outside our product scope."
            };
            let at = (calc_at + self.g.between(HOUR, DAY)).min(end);
            self.conn.prepare_cached("UPDATE risk_assessments SET status = 'Overridden', override_tier = ?2, override_justification = ?3, overridden_by = ?4, overridden_at = ?5, updated_at = ?5 WHERE token = ?1")?
                .execute(rusqlite::params![rt, to.as_str(), why, by, at])?;
            store::mirror_risk(self.conn, self.case_id, to, scored.overall_score)?;
            self.audit(at, by, "RISK_TIER_OVERRIDE", ("risk_assessment", &rt), json!({ "before": { "tier": tier }, "after": { "tier": to, "status": "Overridden" }, "rationale": why }))?;
            tier = to;
        }
        let approve_risk = closed
            || (matches!(
                self.plan.status,
                CaseStatus::InReview | CaseStatus::InternalReview | CaseStatus::Escalated
            ) && self.g.chance(0.5));
        if approve_risk {
            let at = (calc_at + self.g.between(2 * HOUR, 2 * DAY)).min(end);
            self.conn.prepare_cached("UPDATE risk_assessments SET status = 'Approved', approved_by = ?2, approved_at = ?3, updated_at = ?3 WHERE token = ?1")?
                .execute(rusqlite::params![rt, APPROVER, at])?;
            self.audit(
                at,
                APPROVER,
                "RISK_ASSESSMENT_APPROVED",
                ("risk_assessment", &rt),
                json!({ "after": { "status": "Approved", "tier": tier } }),
            )?;
        }
        Ok(tier)
    }

    /// Four-eyes: High-risk cases get an approver, invited an hour after the last status step
    /// (`worked`), who has answered if the case is closed.
    fn four_eyes(&mut self, tier: RiskTier, worked: i64) -> rusqlite::Result<()> {
        let (closed, end, status) = (self.plan.closed, self.plan.end, self.plan.status);
        if !(tier == RiskTier::High
            && (closed
                || (matches!(status, CaseStatus::InReview | CaseStatus::Escalated)
                    && self.g.chance(0.6))))
        {
            return Ok(());
        }
        let actor = self.plan.actor();
        let rv = self.g.token("rev");
        let invited = (worked + HOUR).min(end);
        let (rstatus, responded) = if closed {
            (
                "Approved",
                Some((invited + self.g.between(HOUR, DAY)).min(end)),
            )
        } else {
            ("Invited", None)
        };
        self.conn.prepare_cached("INSERT INTO reviewers (token, case_id, user_id, role, status, message, notes, invited_by, invited_at, responded_at) VALUES (?1, ?2, ?3, 'Approver', ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(rusqlite::params![rv, self.case_id, APPROVER, rstatus, "High-risk file: please review the ownership chain and the screening outcomes.", responded.map(|_| "Reviewed the file; agree with the analyst's assessment."), actor, invited, responded])?;
        self.audit(
            invited,
            actor,
            "REVIEWER_ADDED",
            ("reviewer", &rv),
            json!({ "after": { "user_id": APPROVER, "role": "Approver", "status": "Invited" } }),
        )?;
        if let Some(at) = responded {
            self.audit(
                at,
                APPROVER,
                "REVIEWER_APPROVED",
                ("reviewer", &rv),
                json!({ "before": { "status": "Invited" }, "after": { "status": "Approved" } }),
            )?;
        }
        Ok(())
    }

    /// Discussion: a few comments and notes by the analysts about the primary entity.
    fn discussion(&mut self) -> rusqlite::Result<()> {
        let (created_at, end) = (self.plan.created_at, self.plan.end);
        for _ in 0..self.g.between(0, 4) {
            let ct = self.g.token("cmt");
            let author = *self.g.pick(ANALYSTS);
            let body = self
                .g
                .pick(corpus::COMMENTS)
                .replace("{name}", &self.ents[0].name);
            let kind = if self.g.chance(0.25) {
                "Note"
            } else {
                "Comment"
            };
            let at = (created_at + self.g.between(HOUR, (end - created_at).max(2 * HOUR))).min(end);
            self.conn.prepare_cached("INSERT INTO comments (token, case_id, author_id, type, body, mentions, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, '[]', ?6, ?6)")?
                .execute(rusqlite::params![ct, self.case_id, author, kind, body, at])?;
            self.audit(
                at,
                author,
                "COMMENT_ADDED",
                ("comment", &ct),
                json!({ "after": { "type": kind } }),
            )?;
        }
        Ok(())
    }

    /// Closure: a closed case gets its decision and summary.
    fn closure(&mut self) -> rusqlite::Result<()> {
        let Some(at) = self.plan.closed_at else {
            return Ok(());
        };
        let declined = self.plan.declined;
        let decision = if declined { "Decline" } else { "Approve" };
        let summary = if declined {
            self.g.pick(corpus::CLOSING_SUMMARIES_DECLINE)
        } else {
            self.g.pick(corpus::CLOSING_SUMMARIES_APPROVE)
        }
        .replace("{name}", &self.ents[0].name);
        self.conn.prepare_cached("UPDATE cases SET status = 'Closed', decision = ?2, summary = ?3, closed_at = ?4 WHERE id = ?1")?
            .execute(rusqlite::params![self.case_id, decision, summary, at])?;
        let actor = self.plan.actor();
        self.case_audit(at, actor, "CASE_CLOSURE", json!({ "before": { "status": "In Progress" }, "after": { "status": "Closed", "decision": decision }, "rationale": summary }))
    }

    /// The case's `updated_at`: the time of its latest audit entry.
    fn finish(self) -> rusqlite::Result<()> {
        // Every entity is on the case now: `q` finds it by any of their names.
        store::refresh_search_text(self.conn, self.case_id)?;
        self.conn
            .prepare_cached("UPDATE cases SET updated_at = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![
                self.case_id,
                self.last.max(self.plan.created_at)
            ])?;
        Ok(())
    }
}
