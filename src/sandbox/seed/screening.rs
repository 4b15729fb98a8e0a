//! Screening: the checks each entity requires, their state and result data, and the alerts
//! they raised, each with hit data from a named source, an AI assessment, and (where the case
//! has got that far) a resolution with its rationale.

use serde_json::json;

use super::case::CaseSeed;
use super::corpus::{self, GeoRisk};
use super::draw::Gen;
use super::parties::GenEntity;
use super::{ANALYSTS, SYSTEM};
use crate::domain::lifecycle::{self, DAY, HOUR};
use crate::domain::risk::AlertFacts;
use crate::domain::{AlertStatus, CaseStatus, EntityRole, Priority, VerificationStatus};
use crate::sandbox::store::{self, NewAlert, NewCheck};

impl CaseSeed<'_> {
    /// Checks, and the alerts they raised. Returns what the risk model needs of the alerts.
    pub(super) fn checks(&mut self) -> rusqlite::Result<Vec<AlertFacts>> {
        let (created_at, end, status) = (self.plan.created_at, self.plan.end, self.plan.status);
        let high_geo = self.ents.iter().any(|e| e.country.risk == GeoRisk::High);
        let mut alert_facts = Vec::new();
        // The alerts need the entities while they write to the case.
        let ents = std::mem::take(&mut self.ents);
        for e in &ents {
            for (code, cname, category) in store::required_checks(e.role, e.is_company, high_geo) {
                let (cstatus, result) = check_state(self.g, status, e.verification);
                let ct = self.g.token("chk");
                let executed = (cstatus != "Pending")
                    .then(|| (created_at + self.g.between(10 * 60, 6 * HOUR)).min(end));
                let completed = (cstatus == "Complete")
                    .then(|| executed.unwrap_or(created_at) + self.g.between(60, 2 * DAY))
                    .map(|t| t.min(end));
                let result_data = check_result_data(self.g, code, result);
                let check_id = store::insert_check(
                    self.conn,
                    &NewCheck {
                        token: &ct,
                        case_id: self.case_id,
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
                self.g.stats.checks += 1;
                for category in alert_categories(self.g, code, e) {
                    let at = (created_at + self.g.between(HOUR, 2 * DAY)).min(end);
                    alert_facts.push(self.alert(check_id, e, category, at)?);
                    self.conn.prepare_cached("UPDATE checks SET alerts_generated = alerts_generated + 1, result = COALESCE(result, 'Refer') WHERE id = ?1")?
                        .execute([check_id])?;
                }
            }
        }
        self.ents = ents;
        store::refresh_counts(self.conn, self.case_id)?;
        Ok(alert_facts)
    }

    /// One alert raised by check `check_id` on `e`, at `at`: the hit, the AI's assessment,
    /// where it stands given the case's status, and its audit entries.
    fn alert(
        &mut self,
        check_id: i64,
        e: &GenEntity,
        category: &'static str,
        at: i64,
    ) -> rusqlite::Result<AlertFacts> {
        let alert_type = corpus::ALERT_CATEGORIES
            .iter()
            .find(|(c, _)| *c == category)
            .map_or("Screening", |(_, t)| *t);
        let screening = alert_type == "Screening";
        let match_score = if screening {
            Some(self.g.between(55, 100) as f64)
        } else {
            None
        };
        let priority = match category {
            "Sanctions Hit" => *self
                .g
                .weighted(&[(Priority::Critical, 70), (Priority::High, 30)]),
            "PEP Match" | "Document Tampering Suspected" | "Watchlist Match" => *self
                .g
                .weighted(&[(Priority::High, 60), (Priority::Medium, 40)]),
            "Adverse Media" | "Unusual Transaction Pattern" | "Source of Funds Unclear" => {
                *self.g.weighted(&[
                    (Priority::High, 25),
                    (Priority::Medium, 60),
                    (Priority::Low, 15),
                ])
            }
            _ => *self
                .g
                .weighted(&[(Priority::Medium, 55), (Priority::Low, 45)]),
        };

        // The hit: a record that resembles the subject, from a named source.
        let other = self.g.country(false);
        let (_, _, lookalike) = self.g.person(e.country);
        let matched = if self.g.chance(0.6) {
            e.name.clone()
        } else {
            lookalike
        };
        let dob_agrees = self.g.chance(0.5);
        let dob_note = match (&e.dob, dob_agrees) {
            (None, _) => "no date of birth is held for a company".to_string(),
            (Some(_), true) => "date of birth matches exactly".to_string(),
            (Some(_), false) => format!("dates of birth differ by {} years", self.g.between(2, 25)),
        };
        let (list, source_data) = match category {
            "PEP Match" => {
                let pos = *self.g.pick(corpus::PEP_POSITIONS);
                (
                    "PEP database",
                    json!({ "matched_name": matched, "position": pos, "country": e.country.code, "pep_class": self.g.between(1, 5), "since": format!("{}", self.g.between(1995, 2025)), "date_of_birth": if dob_agrees { e.dob.clone() } else { None }, "source": "WorldCheck One" }),
                )
            }
            "Sanctions Hit" | "Watchlist Match" => {
                let (l, authority) = *self.g.pick(corpus::SANCTIONS_LISTS);
                (
                    l,
                    json!({ "matched_name": matched, "list": l, "authority": authority, "program": self.g.pick(corpus::SANCTIONS_PROGRAMS), "listed_on": format!("{}-{:02}-{:02}", self.g.between(2005, 2026), self.g.between(1, 13), self.g.between(1, 29)), "nationality": if self.g.chance(0.7) { e.country.code } else { other.code }, "aliases": [format!("{matched} ({})", other.name)], "date_of_birth": if dob_agrees { e.dob.clone() } else { None } }),
                )
            }
            "Adverse Media" => {
                let outlet = *self.g.pick(corpus::MEDIA_OUTLETS);
                let headline = self
                    .g
                    .pick(corpus::ADVERSE_MEDIA_HEADLINES)
                    .replace("{name}", &matched);
                (
                    outlet,
                    json!({ "matched_name": matched, "articles": [{ "title": headline, "outlet": outlet, "published": format!("{}-{:02}-{:02}", self.g.between(2012, 2026), self.g.between(1, 13), self.g.between(1, 29)), "url": format!("https://news.example/{}", self.g.between(100000, 999999)), "topics": [self.g.pick(corpus::ADVERSE_MEDIA_TOPICS)] }] }),
                )
            }
            _ => (
                "internal checks",
                json!({ "check_reference": format!("CHK-{:08}", self.g.between(1, 99_999_999)), "observed": category, "subject": e.name }),
            ),
        };
        let score = match_score.unwrap_or(0.0);
        let ai = {
            let choices = texts_for(corpus::AI_ASSESSMENTS, category);
            if choices.is_empty() {
                None
            } else {
                Some(fill(
                    self.g.pick::<&str>(choices.as_slice()),
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
                self.g.pick(choices.as_slice()).replace("{name}", &e.name)
            }
        };
        let title = format!("{category}: {}", e.name);

        // Where it stands.
        let status = if self.plan.status == CaseStatus::Closed {
            if self.g.chance(0.55) {
                AlertStatus::FalsePositive
            } else {
                AlertStatus::Resolved
            }
        } else if self.plan.status == CaseStatus::New {
            *self
                .g
                .weighted(&[(AlertStatus::Open, 85), (AlertStatus::Acknowledged, 15)])
        } else if self.plan.status == CaseStatus::Escalated && category == "Sanctions Hit" {
            AlertStatus::Escalated
        } else {
            *self.g.weighted(&[
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
            AlertStatus::Resolved if self.plan.declined => Some("Decline"),
            AlertStatus::Resolved => Some(
                *self
                    .g
                    .weighted(&[("Approve", 70), ("Approve with Conditions", 30)]),
            ),
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
                self.g
                    .pick(choices.as_slice())
                    .replace("{name}", &e.name)
                    .replace("{matched}", &matched)
            }
        });
        let conditions = (action == Some("Approve with Conditions"))
            .then(|| self.g.pick(corpus::CONDITIONS).to_string());
        let resolver = *self.g.pick(ANALYSTS);
        let settled = status.is_settled();
        let resolved_at = settled.then(|| (at + self.g.between(HOUR, 5 * DAY)).min(self.plan.end));
        let assigned = (status != AlertStatus::Open || self.g.chance(0.2)).then_some(resolver);
        let token = self.g.token("alt");
        store::insert_alert(
            self.conn,
            &NewAlert {
                token: &token,
                case_id: self.case_id,
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
        self.g.stats.alerts += 1;
        self.audit(at, SYSTEM, "ALERT_CREATED", ("alert", &token), json!({ "after": { "status": "Open", "category": category, "priority": priority, "entity_token": e.token } }))?;
        if let Some(done) = resolved_at {
            let event = if fp {
                "ALERT_FALSE_POSITIVE"
            } else {
                "ALERT_RESOLVED"
            };
            self.audit(done, resolver, event, ("alert", &token), json!({ "before": { "status": "Open" }, "after": { "status": status, "action": action, "is_false_positive": fp }, "rationale": rationale, "conditions": conditions }))?;
        } else if status == AlertStatus::Escalated {
            self.audit((at + HOUR).min(self.plan.end), resolver, "ALERT_ESCALATED", ("alert", &token), json!({ "before": { "status": "Open" }, "after": { "status": "Escalated" }, "rationale": rationale }))?;
        }
        Ok(AlertFacts {
            category: category.to_string(),
            status,
            is_false_positive: fp,
            match_score: score,
        })
    }
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
