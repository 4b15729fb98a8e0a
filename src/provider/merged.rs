//! Several profiles open at once (`docket --profile a --profile b`): one queue, each case marked
//! with its source.
//!
//! Tokens from different vendors may collide (two Amiqus teams both have case 42), so every
//! token this provider hands out is qualified with its source's name, `a|42`, and every token
//! it is given is split again to route the call to the right provider, with the source's
//! own token. The outbox stores qualified tokens, so an entry left by an earlier run still
//! reaches its vendor after a restart.

use std::sync::Arc;

use async_trait::async_trait;

use super::api::{Capabilities, Created, Provider, Vendor};
use super::{ItemResult, ProviderError};
use crate::domain::model::{
    Alert, Assessment, AuditEntry, Case, Check, Comment, Entity, Reviewer, User,
};
use crate::domain::review::Submission;

/// Between a source's name and its own token.
pub const SEP: char = '|';

/// Providers merged into one.
#[derive(Debug)]
pub struct Merged {
    sources: Vec<(String, Arc<dyn Provider>)>,
    /// The union of what the sources can do, for what is not about one case.
    caps: Capabilities,
    /// Each source's last queue, so one source's "unchanged" keeps its cases.
    last: tokio::sync::Mutex<Vec<Option<Vec<Case>>>>,
}

fn qualify(source: &str, token: &str) -> String {
    format!("{source}{SEP}{token}")
}

impl Merged {
    /// `sources`: (profile name, provider), at least two, names unique and without `|`.
    pub fn new(sources: Vec<(String, Arc<dyn Provider>)>) -> Result<Self, ProviderError> {
        if sources.len() < 2 {
            return Err(ProviderError::Invalid(
                "merging needs at least two profiles".into(),
            ));
        }
        for (i, (name, _)) in sources.iter().enumerate() {
            if name.is_empty() || name.contains(SEP) {
                return Err(ProviderError::Invalid(format!(
                    "profile name {name:?} cannot be merged: it must be non-empty and without {SEP:?}"
                )));
            }
            if sources[..i].iter().any(|(n, _)| n == name) {
                return Err(ProviderError::Invalid(format!(
                    "profile {name} is named twice"
                )));
            }
        }
        let mut caps = Capabilities::none(Vendor::Zenoo);
        // What the merged queue can show at all: any source's.
        for (_, p) in &sources {
            let c = p.capabilities();
            caps.sla |= c.sla;
            caps.risk_tiers |= c.risk_tiers;
            caps.search |= c.search;
        }
        let last = tokio::sync::Mutex::new(vec![None; sources.len()]);
        Ok(Merged {
            sources,
            caps,
            last,
        })
    }

    /// The source a qualified token belongs to, and the token as that source knows it.
    fn route<'a>(
        &self,
        token: &'a str,
    ) -> Result<(&str, &Arc<dyn Provider>, &'a str), ProviderError> {
        let (source, own) = token.split_once(SEP).ok_or_else(|| {
            ProviderError::Invalid(format!("{token:?} does not name its source profile"))
        })?;
        self.sources
            .iter()
            .find(|(n, _)| n == source)
            .map(|(n, p)| (n.as_str(), p, own))
            .ok_or_else(|| {
                ProviderError::Invalid(format!(
                    "{token:?} comes from profile {source}, which is not open"
                ))
            })
    }

    fn case_out(source: &str, mut c: Case) -> Case {
        c.token = qualify(source, &c.token);
        c.primary_entity_token = c.primary_entity_token.map(|t| qualify(source, &t));
        c.source = Some(source.to_string());
        c
    }

    fn alert_out(source: &str, mut a: Alert) -> Alert {
        a.token = qualify(source, &a.token);
        a.case_token = a.case_token.map(|t| qualify(source, &t));
        a.entity_token = a.entity_token.map(|t| qualify(source, &t));
        a
    }
}

/// A submission's tokens as its source knows them; all must come from the same source.
fn unqualify(s: &Submission, source: &str) -> Result<Submission, ProviderError> {
    let own = |t: &String| -> Result<String, ProviderError> {
        match t.split_once(SEP) {
            Some((src, own)) if src == source => Ok(own.to_string()),
            _ => Err(ProviderError::Invalid(format!(
                "{t:?} is not from profile {source}: one review cannot span two profiles"
            ))),
        }
    };
    let all = |ts: &[String]| ts.iter().map(own).collect::<Result<Vec<_>, _>>();
    let mut out = s.clone();
    match &mut out {
        Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } => {
            *tokens = all(tokens)?;
        }
        Submission::EscalateAlert { token, .. } => *token = own(token)?,
        Submission::ApproveRisk { assessment, .. }
        | Submission::OverrideRisk { assessment, .. } => *assessment = own(assessment)?,
        Submission::DecideReview { case, reviewer, .. } => {
            *case = own(case)?;
            *reviewer = own(reviewer)?;
        }
        Submission::WaiveCheck { case, check, .. } => {
            *case = own(case)?;
            *check = own(check)?;
        }
        Submission::Status { case, .. }
        | Submission::SetStatus { case, .. }
        | Submission::Assign { case, .. }
        | Submission::EscalateCase { case, .. }
        | Submission::Comment { case, .. }
        | Submission::AddReviewer { case, .. }
        | Submission::Close { case, .. }
        | Submission::RecalculateRisk { case }
        | Submission::AddEntity { case, .. } => *case = own(case)?,
        // Nothing to translate; which profile opens it is chosen before (see `create`).
        Submission::CreateCase { .. } => {}
    }
    Ok(out)
}

#[async_trait]
impl Provider for Merged {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn capabilities_for(&self, token: &str) -> Capabilities {
        self.route(token)
            .map(|(_, p, own)| p.capabilities_for(own))
            .unwrap_or_else(|_| self.caps.clone())
    }

    fn describe(&self) -> String {
        self.sources
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }

    fn sources(&self) -> Vec<(String, Capabilities)> {
        self.sources
            .iter()
            .map(|(n, p)| (n.clone(), p.capabilities().clone()))
            .collect()
    }

    /// The first source that can say who the key belongs to.
    async fn me(&self) -> Result<Option<User>, ProviderError> {
        for (_, p) in &self.sources {
            if let Ok(Some(me)) = p.me().await {
                return Ok(Some(me));
            }
        }
        Ok(None)
    }

    async fn users(&self) -> Result<Option<Vec<User>>, ProviderError> {
        let mut all: Vec<User> = Vec::new();
        for (_, p) in &self.sources {
            if let Ok(Some(users)) = p.users().await {
                for u in users {
                    if !all.iter().any(|x| x.id == u.id) {
                        all.push(u);
                    }
                }
            }
        }
        Ok((!all.is_empty()).then_some(all))
    }

    /// Every source's queue, concurrently. Unchanged only when every source is unchanged; a
    /// source that fails fails the whole load (the console keeps the last queue and says why),
    /// with the source named.
    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        let answers = futures::future::join_all(
            self.sources
                .iter()
                .map(|(n, p)| async move { (n, p.queue().await) }),
        )
        .await;
        let mut last = self.last.lock().await;
        let mut changed = false;
        for (i, (name, answer)) in answers.into_iter().enumerate() {
            match answer {
                Ok(Some(cases)) => {
                    last[i] = Some(cases.into_iter().map(|c| Self::case_out(name, c)).collect());
                    changed = true;
                }
                Ok(None) => {}
                Err(e) => return Err(in_source(name, e)),
            }
        }
        if !changed && last.iter().all(Option::is_some) {
            return Ok(None);
        }
        Ok(Some(last.iter().flatten().flatten().cloned().collect()))
    }

    async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        let (n, p, own) = self.route(token)?;
        p.case(own).await.map(|c| Self::case_out(n, c))
    }

    /// Every source that can search, concurrently; `None` when none can.
    async fn search(&self, text: &str, limit: u32) -> Result<Option<Vec<Case>>, ProviderError> {
        let answers = futures::future::join_all(
            self.sources
                .iter()
                .filter(|(_, p)| p.capabilities().search)
                .map(|(n, p)| async move { (n, p.search(text, limit).await) }),
        )
        .await;
        let mut out: Option<Vec<Case>> = None;
        for (name, answer) in answers {
            if let Some(cases) = answer.map_err(|e| in_source(name, e))? {
                out.get_or_insert_with(Vec::new)
                    .extend(cases.into_iter().map(|c| Self::case_out(name, c)));
            }
        }
        Ok(out)
    }

    /// A qualified token (`PROFILE|token`) from its source; a reference by searching the
    /// sources that can.
    async fn find_case(&self, reference: &str) -> Result<Option<Case>, ProviderError> {
        let reference = reference.trim();
        if reference.contains(SEP) {
            let (n, p, own) = self.route(reference)?;
            return Ok(p.find_case(own).await?.map(|c| Self::case_out(n, c)));
        }
        Ok(self.search(reference, 25).await?.and_then(|found| {
            found
                .into_iter()
                .find(|c| crate::domain::model::names_exactly(c, reference))
        }))
    }
    async fn alerts(&self, case: &str) -> Result<Vec<Alert>, ProviderError> {
        let (n, p, own) = self.route(case)?;
        Ok(p.alerts(own)
            .await?
            .into_iter()
            .map(|a| Self::alert_out(n, a))
            .collect())
    }
    async fn entities(&self, case: &str) -> Result<Vec<Entity>, ProviderError> {
        let (n, p, own) = self.route(case)?;
        Ok(p.entities(own)
            .await?
            .into_iter()
            .map(|mut e| {
                e.token = qualify(n, &e.token);
                e.parent_token = e.parent_token.map(|t| qualify(n, &t));
                e
            })
            .collect())
    }
    async fn risk(&self, case: &str) -> Result<Option<Assessment>, ProviderError> {
        let (n, p, own) = self.route(case)?;
        Ok(p.risk(own).await?.map(|mut a| {
            a.token = qualify(n, &a.token);
            a
        }))
    }
    async fn checks(&self, case: &str) -> Result<Vec<Check>, ProviderError> {
        let (_, p, own) = self.route(case)?;
        p.checks(own).await
    }
    async fn timeline(&self, case: &str) -> Result<Vec<AuditEntry>, ProviderError> {
        let (_, p, own) = self.route(case)?;
        p.timeline(own).await
    }
    async fn comments(&self, case: &str) -> Result<Vec<Comment>, ProviderError> {
        let (_, p, own) = self.route(case)?;
        p.comments(own).await
    }
    async fn reviewers(&self, case: &str) -> Result<Option<Vec<Reviewer>>, ProviderError> {
        let (n, p, own) = self.route(case)?;
        Ok(p.reviewers(own).await?.map(|list| {
            list.into_iter()
                .map(|mut r| {
                    r.token = qualify(n, &r.token);
                    r
                })
                .collect()
        }))
    }

    async fn submit(&self, s: &Submission, key: &str) -> Result<String, ProviderError> {
        let (n, p, _) = self.route(s.target())?;
        let own = unqualify(s, n)?;
        p.submit(&own, key).await.map_err(|e| in_source(n, e))
    }

    async fn create(&self, s: &Submission, key: &str) -> Result<Created, ProviderError> {
        if let Submission::CreateCase { .. } = s {
            return Err(ProviderError::Invalid(
                "several profiles are merged: open the case with one of them (--profile NAME)"
                    .into(),
            ));
        }
        let (n, p, _) = self.route(s.target())?;
        let own = unqualify(s, n)?;
        let mut made = p.create(&own, key).await.map_err(|e| in_source(n, e))?;
        made.token = qualify(n, &made.token);
        Ok(made)
    }

    async fn already_applied(&self, s: &Submission) -> Option<String> {
        let (n, p, _) = self.route(s.target()).ok()?;
        p.already_applied(&unqualify(s, n).ok()?).await
    }
}

/// An error with the profile it came from in its text.
fn in_source(source: &str, e: ProviderError) -> ProviderError {
    match e {
        ProviderError::Api {
            status,
            code,
            message,
            request_id,
            retry_after,
        } => ProviderError::Api {
            status,
            code,
            message: format!("[{source}] {message}"),
            request_id,
            retry_after,
        },
        ProviderError::Decode {
            endpoint,
            message,
            request_id,
        } => ProviderError::Decode {
            endpoint: format!("[{source}] {endpoint}"),
            message,
            request_id,
        },
        ProviderError::Transport { endpoint, message } => ProviderError::Transport {
            endpoint: format!("[{source}] {endpoint}"),
            message,
        },
        ProviderError::Invalid(m) => ProviderError::Invalid(format!("[{source}] {m}")),
        // Each alert by the token it was given as, with its source.
        ProviderError::Bulk { action, items } => ProviderError::Bulk {
            action,
            items: items
                .into_iter()
                .map(|i| ItemResult {
                    token: qualify(source, &i.token),
                    ..i
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ItemOutcome;

    #[test]
    fn a_bulk_refusal_names_each_alert_as_it_was_given() {
        let e = in_source(
            "eu",
            ProviderError::Bulk {
                action: "Decline".into(),
                items: vec![ItemResult {
                    token: "alt_1".into(),
                    outcome: ItemOutcome::Refused {
                        code: Some("ALERT_ALREADY_RESOLVED".into()),
                        message: "done".into(),
                    },
                    request_id: Some("req_1".into()),
                }],
            },
        );
        let ProviderError::Bulk { items, .. } = e else {
            panic!("{e:?}")
        };
        assert_eq!(items[0].token, qualify("eu", "alt_1"));
        assert_eq!(items[0].request_id.as_deref(), Some("req_1"));
    }
}
