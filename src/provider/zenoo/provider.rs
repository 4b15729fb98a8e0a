//! Zenoo's API as a [`Provider`]: every capability, conditional queue polls with ETags, and
//! the review actions mapped one to one onto its routes.

use async_trait::async_trait;

use super::{CaseQuery, Fetched, ZenooClient};
use crate::domain::CommentType;
use crate::domain::form::{self, Form};
use crate::domain::model::{
    Alert, Assessment, AuditEntry, Case, Check, Comment, Entity, Reviewer, User,
};
use crate::domain::review::Submission;
use crate::provider::api::{Capabilities, Created, Provider, QueueChange, QueuePage, Vendor};
use crate::provider::{ItemResult, ProviderError};

/// A Zenoo-compatible API (Zenoo itself, or the embedded sandbox).
#[derive(Debug)]
pub struct ZenooProvider {
    client: ZenooClient,
    caps: Capabilities,
    /// The ETag of the queue's first page as last fetched.
    etag: tokio::sync::Mutex<Option<String>>,
    /// Whether the server honours `q`: the sandbox does; Zenoo's reference documents no text
    /// search, and a server that ignores `q` answers its first page, which must never be shown
    /// as found. Asked once, with a text nothing can match.
    searches: tokio::sync::OnceCell<bool>,
}

impl ZenooProvider {
    /// One page of `q` on the case list, most urgent first.
    async fn search_page(&self, text: &str, limit: u32) -> Result<Vec<Case>, ProviderError> {
        let query = CaseQuery {
            q: Some(text.trim().to_string()),
            sort: Some("urgency".into()),
            limit: Some(limit.clamp(1, 100)),
            ..Default::default()
        };
        match self.client.cases_page(&query, None, None).await? {
            Fetched::Fresh { value, .. } => Ok(value.items),
            Fetched::NotModified => Ok(vec![]),
        }
    }

    /// Every page of a case query.
    async fn walk(&self, query: &CaseQuery) -> Result<Vec<Case>, ProviderError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            match self
                .client
                .cases_page(query, cursor.as_deref(), None)
                .await?
            {
                Fetched::NotModified => break,
                Fetched::Fresh { value, .. } => {
                    out.extend(value.items);
                    match (value.has_more, value.cursor) {
                        (true, Some(c)) => cursor = Some(c),
                        _ => break,
                    }
                }
            }
        }
        Ok(out)
    }

    pub fn new(client: ZenooClient) -> Self {
        ZenooProvider {
            client,
            caps: Capabilities::all(Vendor::Zenoo),
            etag: tokio::sync::Mutex::new(None),
            searches: tokio::sync::OnceCell::new(),
        }
    }

    /// The HTTP client underneath.
    pub fn client(&self) -> &ZenooClient {
        &self.client
    }
}

#[async_trait]
impl Provider for ZenooProvider {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn describe(&self) -> String {
        crate::provider::http::without_scheme(self.client.base_url())
    }

    async fn me(&self) -> Result<Option<User>, ProviderError> {
        self.client.me().await
    }

    async fn users(&self) -> Result<Option<Vec<User>>, ProviderError> {
        self.client.users().await
    }

    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError> {
        let all = std::sync::Mutex::new(Vec::new());
        let keep = |page: Vec<Case>, _| {
            all.lock().unwrap_or_else(|p| p.into_inner()).extend(page);
        };
        Ok(match self.queue_changes(None, &keep).await? {
            QueueChange::Unchanged => None,
            QueueChange::Whole => Some(all.into_inner().unwrap_or_else(|p| p.into_inner())),
            QueueChange::Changed(cases) => Some(cases),
        })
    }

    /// Most urgent case first, 100 a page. The first page is asked for with the last ETag: a
    /// 304 means nothing changed. Otherwise, given `since` (the newest `updated_at` the caller
    /// holds), only the cases updated since then are fetched (`updated_since`), so a poll after
    /// one change costs two requests, not one per hundred cases; an API that ignores
    /// `updated_since` answers with everything, which the caller merges the same. Without
    /// `since`, every page is walked and handed to `page` as it arrives.
    async fn queue_changes(
        &self,
        since: Option<jiff::Timestamp>,
        page: &QueuePage<'_>,
    ) -> Result<QueueChange, ProviderError> {
        let query = CaseQuery {
            sort: Some("urgency".into()),
            limit: Some(100),
            ..Default::default()
        };
        let mut etag = self.etag.lock().await;
        let first = match self
            .client
            .cases_page(&query, None, etag.as_deref())
            .await?
        {
            Fetched::NotModified => return Ok(QueueChange::Unchanged),
            Fetched::Fresh { value, etag: tag } => {
                *etag = tag;
                value
            }
        };
        if let Some(since) = since {
            let changed_query = CaseQuery {
                limit: Some(100),
                // A second back: timestamps have whole seconds; a case seen twice is harmless.
                updated_since: since.checked_sub(jiff::SignedDuration::from_secs(1)).ok(),
                ..Default::default()
            };
            // The first page and the changes overlap: each case once, as last read.
            let mut changed = first.items;
            let mut at: std::collections::HashMap<String, usize> = changed
                .iter()
                .enumerate()
                .map(|(i, c)| (c.token.clone(), i))
                .collect();
            for c in self.walk(&changed_query).await? {
                match at.get(&c.token) {
                    Some(&i) => changed[i] = c,
                    None => {
                        at.insert(c.token.clone(), changed.len());
                        changed.push(c);
                    }
                }
            }
            return Ok(QueueChange::Changed(changed));
        }
        page(first.items, first.has_more);
        if let (true, Some(cursor)) = (first.has_more, first.cursor) {
            let mut cursor = Some(cursor);
            while let Some(c) = cursor.take() {
                match self.client.cases_page(&query, Some(&c), None).await? {
                    Fetched::NotModified => break,
                    Fetched::Fresh { value, .. } => {
                        page(value.items, value.has_more);
                        if value.has_more {
                            cursor = value.cursor;
                        }
                    }
                }
            }
        }
        Ok(QueueChange::Whole)
    }

    async fn case(&self, token: &str) -> Result<Case, ProviderError> {
        self.client.case(token).await
    }

    /// `q` on the case list: the sandbox searches every name on a case (directors, UBOs),
    /// references and closed cases. One page, most urgent first.
    async fn search(&self, text: &str, limit: u32) -> Result<Option<Vec<Case>>, ProviderError> {
        let searches = self
            .searches
            .get_or_try_init(|| async {
                let probe = self.search_page("docket probe zq9xv0: no case has this name", 1);
                Ok::<_, ProviderError>(probe.await?.is_empty())
            })
            .await?;
        if !searches {
            return Ok(None);
        }
        self.search_page(text, limit).await.map(Some)
    }

    async fn find_case(&self, reference: &str) -> Result<Option<Case>, ProviderError> {
        let reference = reference.trim();
        // A token is read directly; a reference or an external reference is searched for and
        // must match in full.
        if reference.starts_with("cas_") {
            return match self.client.case(reference).await {
                Ok(c) => Ok(Some(c)),
                Err(ProviderError::Api { status: 404, .. }) => Ok(None),
                Err(e) => Err(e),
            };
        }
        Ok(self.search(reference, 25).await?.and_then(|found| {
            found
                .into_iter()
                .find(|c| crate::domain::model::names_exactly(c, reference))
        }))
    }
    async fn alerts(&self, case: &str) -> Result<Vec<Alert>, ProviderError> {
        self.client.case_alerts(case).await
    }
    async fn entities(&self, case: &str) -> Result<Vec<Entity>, ProviderError> {
        self.client.case_entities(case).await
    }
    async fn risk(&self, case: &str) -> Result<Option<Assessment>, ProviderError> {
        self.client.risk_assessment(case).await
    }
    async fn checks(&self, case: &str) -> Result<Vec<Check>, ProviderError> {
        self.client.case_checks(case).await
    }
    async fn timeline(&self, case: &str) -> Result<Vec<AuditEntry>, ProviderError> {
        self.client.case_timeline(case).await
    }
    async fn comments(&self, case: &str) -> Result<Vec<Comment>, ProviderError> {
        self.client.case_comments(case).await
    }
    async fn reviewers(&self, case: &str) -> Result<Option<Vec<Reviewer>>, ProviderError> {
        self.client.case_reviewers(case).await
    }

    async fn submit(&self, s: &Submission, idempotency_key: &str) -> Result<String, ProviderError> {
        submit(&self.client, s, idempotency_key).await
    }

    async fn case_form(&self) -> Result<Option<Form>, ProviderError> {
        Ok(Some(form::zenoo_case()))
    }

    fn entity_form(&self) -> Option<Form> {
        Some(form::zenoo_entity())
    }

    async fn create(
        &self,
        s: &Submission,
        idempotency_key: &str,
    ) -> Result<Created, ProviderError> {
        self.client.create(s, idempotency_key).await
    }

    async fn already_applied(&self, s: &Submission) -> Option<String> {
        already_applied(&self.client, s).await
    }
}

/// Whether a submission's change is already visible on the server (for retries against an API
/// that does not honour Idempotency-Key). `None` when it is not, or cannot be told.
async fn already_applied(client: &ZenooClient, s: &Submission) -> Option<String> {
    match s {
        Submission::Resolve {
            tokens,
            action,
            rationale,
            ..
        } if tokens.len() == 1 => {
            let a = client.alert(&tokens[0]).await.ok()?;
            (a.resolution_action.as_ref().and_then(|x| x.known()) == Some(*action)
                && a.resolution_rationale.as_deref() == Some(rationale.as_str()))
            .then(|| format!("{} {}", action.as_str(), tokens[0]))
        }
        Submission::Close {
            case,
            decision,
            summary,
        } => {
            let c = client.case(case).await.ok()?;
            (c.status.known() == Some(crate::domain::CaseStatus::Closed)
                && c.decision.as_ref().and_then(|d| d.known()) == Some(*decision)
                && c.summary.as_deref() == Some(summary.as_str()))
            .then(|| format!("{} closed: {decision}", c.name))
        }
        Submission::Status { case, to } => {
            let c = client.case(case).await.ok()?;
            (c.status.known() == Some(*to)).then(|| format!("{} is now {to}", c.name))
        }
        Submission::Assign { case, user } => {
            let c = client.case(case).await.ok()?;
            (c.assigned_to.as_ref().map(|u| u.id.as_str()) == user.as_deref())
                .then(|| format!("{} assigned", c.name))
        }
        Submission::Comment { case, body, .. } => {
            let comments = client.case_comments(case).await.ok()?;
            comments
                .iter()
                .any(|c| c.body == *body)
                .then(|| "Comment added".to_string())
        }
        _ => None,
    }
}

/// Sends one submission; says in one line what landed.
async fn submit(client: &ZenooClient, s: &Submission, key: &str) -> Result<String, ProviderError> {
    Ok(match s {
        Submission::Resolve {
            tokens,
            action,
            rationale,
            false_positive,
            conditions,
        } => {
            if let [one] = tokens.as_slice() {
                let a = client
                    .resolve_alert(
                        one,
                        *action,
                        rationale,
                        *false_positive,
                        conditions.as_deref(),
                        key,
                    )
                    .await?;
                format!("{} {one}: now {}", action.as_str(), a.status)
            } else {
                let items = client
                    .bulk_resolve_each(
                        tokens,
                        *action,
                        rationale,
                        *false_positive,
                        conditions.as_deref(),
                        key,
                    )
                    .await?;
                let what = if *false_positive {
                    format!("{} as false positive", action.as_str())
                } else {
                    action.as_str().to_string()
                };
                bulk_result(&what, &format!("resolved with {what}"), items)?
            }
        }
        Submission::EscalateAlert {
            token,
            reason,
            escalate_to,
        } => {
            client
                .escalate_alert(token, reason, escalate_to.as_deref(), key)
                .await?;
            match escalate_to {
                Some(to) => format!("Escalated {token} to {to}"),
                None => format!("Escalated {token}"),
            }
        }
        Submission::Acknowledge { tokens } => bulk_result(
            "Acknowledge",
            "acknowledged",
            client.bulk_acknowledge_each(tokens, key).await?,
        )?,
        Submission::Status { case, to } => {
            let c = client.update_case(case, Some(*to), None, key).await?;
            format!("{} is now {}", c.name, c.status)
        }
        Submission::SetStatus { case, status } => {
            let to: crate::domain::CaseStatus = status.parse().map_err(|_| {
                ProviderError::Invalid(format!("{status:?} is not a Zenoo case status"))
            })?;
            let c = client.update_case(case, Some(to), None, key).await?;
            format!("{} is now {}", c.name, c.status)
        }
        Submission::Assign { case, user } => {
            let c = client
                .update_case(case, None, Some(user.as_deref()), key)
                .await?;
            // People by name where the API says it.
            let to = match (&c.assigned_to, user) {
                (Some(u), Some(_)) => u.name.clone().unwrap_or_else(|| u.id.clone()),
                (None, Some(id)) => id.clone(),
                (_, None) => "nobody".into(),
            };
            format!("{} assigned to {to}", c.name)
        }
        Submission::EscalateCase {
            case,
            reason,
            escalate_to,
        } => {
            let c = client
                .escalate_case(case, reason, escalate_to.as_deref(), key)
                .await?;
            match escalate_to {
                Some(to) => format!("{} escalated to {to}", c.name),
                None => format!("{} escalated", c.name),
            }
        }
        Submission::ApproveRisk { assessment, notes } => {
            client
                .approve_risk(assessment, notes.as_deref(), key)
                .await?;
            "Risk assessment approved".into()
        }
        Submission::OverrideRisk {
            assessment,
            tier,
            justification,
        } => {
            client
                .override_risk(assessment, *tier, justification, key)
                .await?;
            format!("Risk tier overridden to {tier}")
        }
        Submission::Comment {
            case,
            body,
            mentions,
        } => {
            client
                .add_comment(case, body, CommentType::Comment, mentions, key)
                .await?;
            match mentions.len() {
                0 => "Comment added".into(),
                n => format!("Comment added ({n} mentioned)"),
            }
        }
        Submission::AddReviewer {
            case,
            user,
            message,
        } => {
            let r = client
                .add_reviewer(case, user, message.as_deref(), key)
                .await?;
            format!(
                "Approval requested from {}",
                r.user.name.unwrap_or_else(|| user.clone())
            )
        }
        Submission::WaiveCheck {
            check,
            reason,
            notes,
            ..
        } => {
            let k = client
                .waive_check(check, *reason, notes.as_deref(), key)
                .await?;
            format!("{} waived ({reason})", k.name)
        }
        Submission::RecalculateRisk { case } => {
            let a = client.recalculate_risk(case, key).await?;
            format!(
                "Risk recalculated: {}",
                a.effective_tier
                    .as_ref()
                    .or(a.tier.as_ref())
                    .map_or_else(|| a.status.to_string(), |t| format!("{t} ({})", a.status))
            )
        }
        Submission::DecideReview {
            case,
            reviewer,
            approve,
            notes,
        } => {
            client
                .decide_review(case, reviewer, *approve, notes.as_deref(), key)
                .await?;
            if *approve {
                "Review approved".into()
            } else {
                "Review rejected".into()
            }
        }
        Submission::Close {
            case,
            decision,
            summary,
        } => {
            let c = client.close_case(case, *decision, summary, key).await?;
            format!("{} closed: {decision}", c.name)
        }
        Submission::CreateCase { .. } | Submission::AddEntity { .. } => {
            client.create(s, key).await?.describe()
        }
    })
}

/// What a bulk action did: one line naming every alert when all landed; otherwise
/// [`ProviderError::Bulk`], each alert landed or refused with the API's code, message and
/// request id.
fn bulk_result(action: &str, done: &str, items: Vec<ItemResult>) -> Result<String, ProviderError> {
    if items.iter().all(ItemResult::landed) {
        let mut requests: Vec<&str> = items
            .iter()
            .filter_map(|i| i.request_id.as_deref())
            .collect();
        requests.dedup();
        let tokens: Vec<&str> = items.iter().map(|i| i.token.as_str()).collect();
        return Ok(format!(
            "{} {done}{}{}{}",
            match items.len() {
                1 => "1 alert".to_string(),
                n => format!("{n} alerts"),
            },
            if tokens.is_empty() { "" } else { ": " },
            tokens.join(", "),
            match requests.as_slice() {
                [] => String::new(),
                [one] => format!(" (request {one})"),
                many => format!(" (requests {})", many.join(", ")),
            }
        ));
    }
    Err(ProviderError::Bulk {
        action: action.to_string(),
        items,
    })
}
