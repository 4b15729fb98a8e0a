//! What the analyst saw of a case when a drawer opened, and what changed since (by others).

use super::*;

/// What the analyst saw of a case when a flow opened, to detect that it changed since.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    /// When this copy of the case was read from the API (ms): changes this identity made after
    /// it are its own, not conflicts.
    pub read_at_ms: i64,
    pub version: Option<i64>,
    pub updated_at: Option<jiff::Timestamp>,
    pub status: String,
    pub assignee: Option<String>,
    pub open_alerts: Option<u32>,
    pub risk_tier: Option<String>,
}

impl Seen {
    /// The case `c` as read at `read_at_ms`.
    pub fn of(c: &crate::domain::model::Case, read_at_ms: i64) -> Seen {
        Seen {
            read_at_ms,
            version: c.version,
            updated_at: c.updated_at,
            status: c.status.as_str().to_string(),
            assignee: c.assigned_to.as_ref().map(|u| u.id.clone()),
            open_alerts: c.open_alerts,
            risk_tier: c.risk_tier.as_ref().map(|t| t.as_str().to_string()),
        }
    }

    /// What others changed: what differs in `now` and is not explained by `mine`, the reviews
    /// this identity wrote on the case (landed, or still waiting) since this copy was read. A
    /// warning that fires on the analyst's own work trains people to ignore the real one.
    pub fn changes_by_others(&self, now: &Seen, mine: &[Submission]) -> Vec<String> {
        if mine.is_empty() {
            return self.changes(now);
        }
        // What the case would look like with only this identity's changes applied.
        let mut expected = self.clone();
        let mut resolved = 0u32;
        for s in mine {
            match s {
                Submission::Status { to, .. } => expected.status = to.as_str().to_string(),
                Submission::SetStatus { status, .. } => expected.status = status.clone(),
                Submission::Close { .. } => expected.status = "Closed".into(),
                Submission::EscalateCase { .. } => expected.status = "Escalated".into(),
                Submission::Assign { user, .. } => expected.assignee = user.clone(),
                Submission::OverrideRisk { tier, .. } => {
                    expected.risk_tier = Some(tier.as_str().to_string())
                }
                Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } => {
                    resolved += tokens.len() as u32
                }
                Submission::EscalateAlert { .. } => resolved += 1,
                _ => {}
            }
        }
        // Settling alerts rescores the case in the same request (Zenoo recalculates an active
        // assessment): a tier that moved then is the analyst's own doing.
        let rescored = resolved > 0;
        let mut out = Vec::new();
        for line in expected.changes(now) {
            // Alerts this identity settled may lower the open count by up to that many; it
            // never raises it.
            if line.starts_with("open alerts:")
                && let (Some(before), Some(after)) = (self.open_alerts, now.open_alerts)
                && after <= before
                && before - after <= resolved
            {
                continue;
            }
            // The version moves with every write, ours included.
            if line.starts_with("updated on the server") {
                continue;
            }
            if rescored && line.starts_with("risk tier:") {
                continue;
            }
            out.push(line);
        }
        out
    }

    /// What differs in `now`, in words; empty when nothing changed.
    pub fn changes(&self, now: &Seen) -> Vec<String> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
        let num = |v: &Option<u32>| v.map_or("—".into(), |n| n.to_string());
        let mut out = Vec::new();
        if self.status != now.status {
            out.push(format!("status: {} → {}", self.status, now.status));
        }
        if self.assignee != now.assignee {
            out.push(format!(
                "assignee: {} → {}",
                opt(&self.assignee),
                opt(&now.assignee)
            ));
        }
        if self.open_alerts != now.open_alerts {
            out.push(format!(
                "open alerts: {} → {}",
                num(&self.open_alerts),
                num(&now.open_alerts)
            ));
        }
        if self.risk_tier != now.risk_tier {
            out.push(format!(
                "risk tier: {} → {}",
                opt(&self.risk_tier),
                opt(&now.risk_tier)
            ));
        }
        let moved = (self.version.is_some() && self.version != now.version)
            || (self.version.is_none() && self.updated_at != now.updated_at);
        if out.is_empty() && moved {
            out.push(format!(
                "updated on the server at {} (comments, checks or another detail)",
                now.updated_at
                    .map_or("an unknown time".into(), |t| t.to_string())
            ));
        }
        out
    }
}
