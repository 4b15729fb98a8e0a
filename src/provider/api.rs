//! The one trait every case API implements, and what each can do.
//!
//! The console talks to a `dyn Provider` only. A provider maps its vendor's objects onto the
//! `domain::model` records and a [`Submission`] onto its vendor's calls, and declares its
//! [`Capabilities`] so the console hides or disables what the vendor cannot do instead of
//! sending a request that would fail.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ProviderError;
use crate::domain::form::Form;
use crate::domain::model::{Alert, Assessment, AuditEntry, Case, Check, Comment, Entity};
use crate::domain::model::{Reviewer, User};
use crate::domain::review::Submission;
use crate::domain::{Decision, ResolutionAction};

/// How the queue changed since the caller last asked ([`Provider::queue_changes`]).
#[derive(Clone, Debug, PartialEq)]
pub enum QueueChange {
    /// Nothing changed.
    Unchanged,
    /// Every case was walked again and handed to the page callback, page by page: together
    /// they replace what the caller holds. (The provider keeps none of them: a caller that
    /// keeps the queue another way never holds it twice.)
    Whole,
    /// Only these cases changed (or are new); every other case stands as the caller holds it.
    Changed(Vec<Case>),
}

/// Handed each page of a whole walk as it arrives, with whether more follow.
pub type QueuePage<'a> = dyn Fn(Vec<Case>, bool) + Send + Sync + 'a;

/// The newest `updated_at` among `cases`: what a later [`Provider::queue_changes`] asks from.
pub fn watermark(cases: &[Case]) -> Option<jiff::Timestamp> {
    cases.iter().filter_map(|c| c.updated_at).max()
}

/// Which vendor a provider speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Zenoo,
    Amiqus,
    Persona,
    KarmaCheck,
}

impl Vendor {
    /// Every vendor, with its config name.
    pub const ALL: [(&'static str, Vendor); 4] = [
        ("zenoo", Vendor::Zenoo),
        ("amiqus", Vendor::Amiqus),
        ("persona", Vendor::Persona),
        ("karmacheck", Vendor::KarmaCheck),
    ];

    /// The name in a config file.
    pub fn config_name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("zenoo", |(n, _)| n)
    }

    /// The vendor's product name, for people.
    pub fn title(self) -> &'static str {
        match self {
            Vendor::Zenoo => "Zenoo",
            Vendor::Amiqus => "Amiqus ID",
            Vendor::Persona => "Persona",
            Vendor::KarmaCheck => "KarmaCheck",
        }
    }
}

/// What a provider can read and do. `false` hides the pane or disables the action, with
/// [`Capabilities::why_not`] as the reason shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub vendor: Vendor,
    /// Screening alerts (or the vendor's equivalent: checks needing review) on a case.
    pub alerts: bool,
    /// Resolve alerts with an action and rationale.
    pub resolve_alerts: bool,
    /// Several alerts in one request.
    pub bulk_alerts: bool,
    pub acknowledge_alerts: bool,
    pub escalate_alerts: bool,
    /// Entities (company, directors, UBOs, ...).
    pub entities: bool,
    /// A risk assessment, and approving or overriding it.
    pub risk: bool,
    pub checks: bool,
    /// The case's audit trail.
    pub timeline: bool,
    /// Reading comments.
    pub comments: bool,
    /// Writing comments.
    pub add_comment: bool,
    /// Case reviewers (four-eyes approval).
    pub reviewers: bool,
    /// Assigning a case (to me or another user).
    pub assign: bool,
    /// Moving a case between statuses (other than closing it).
    pub change_status: bool,
    pub escalate_case: bool,
    /// Closing with a decision.
    pub close: bool,
    /// The vendor stores the rationale typed with a decision. When `false`, docket keeps it in
    /// its local audit log and says so in the drawer.
    pub rationale_on_decision: bool,
    /// The vendor honours Idempotency-Key; when `false`, a retry first checks whether the
    /// change already landed.
    pub idempotency_keys: bool,
    /// SLA deadlines on cases.
    pub sla: bool,
    /// Risk tiers and scores on cases.
    pub risk_tiers: bool,
    /// The actions an alert can be resolved with.
    pub resolution_actions: Vec<ResolutionAction>,
    /// Marking an alert a false positive.
    pub false_positive: bool,
    /// What the analyst must know before deciding (shown in the close drawer): where the text
    /// goes, what cannot be undone.
    pub decision_note: Option<String>,
    /// Statuses the vendor defines, offered by "change status" instead of Zenoo's lifecycle
    /// (sent as `Submission::SetStatus`). Empty: Zenoo's statuses and transitions.
    pub vendor_statuses: Vec<String>,
    /// Decisions the vendor acts on at once and for good (KarmaCheck's Decline starts
    /// pre-adverse action and emails the candidate the summary). They are confirmed before
    /// they are sent, showing the text that leaves.
    #[serde(default)]
    pub irreversible: Vec<Irreversible>,
    /// Escalations (of a case or an alert) can name the user they go to.
    #[serde(default)]
    pub escalate_to: bool,
    /// Comments can mention users (`@user_id`), who are notified.
    #[serde(default)]
    pub mentions: bool,
    /// Checks can be waived, with a reason.
    #[serde(default)]
    pub waive_checks: bool,
    /// A case's risk assessment can be computed again.
    #[serde(default)]
    pub recalculate_risk: bool,
    /// Searching cases by text on the server (every name on a case, closed cases too): the
    /// console's filter then asks it as well as what it has loaded.
    #[serde(default)]
    pub search: bool,
}

/// A decision that cannot be undone once sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Irreversible {
    pub decision: Decision,
    /// What the vendor does, in words: "starts pre-adverse action".
    pub effect: String,
    /// Who outside the organisation is sent the summary ("the candidate"), if anyone.
    pub summary_sent_to: Option<String>,
}

impl Capabilities {
    /// Everything: Zenoo's API (and the sandbox).
    pub fn all(vendor: Vendor) -> Self {
        Capabilities {
            vendor,
            alerts: true,
            resolve_alerts: true,
            bulk_alerts: true,
            acknowledge_alerts: true,
            escalate_alerts: true,
            entities: true,
            risk: true,
            checks: true,
            timeline: true,
            comments: true,
            add_comment: true,
            reviewers: true,
            assign: true,
            change_status: true,
            escalate_case: true,
            close: true,
            rationale_on_decision: true,
            idempotency_keys: true,
            sla: true,
            risk_tiers: true,
            resolution_actions: ResolutionAction::ALL.to_vec(),
            false_positive: true,
            decision_note: None,
            vendor_statuses: vec![],
            irreversible: vec![],
            escalate_to: true,
            mentions: true,
            waive_checks: true,
            recalculate_risk: true,
            search: true,
        }
    }

    /// Nothing but reading cases; a vendor adapter starts here and turns on what it has.
    pub fn none(vendor: Vendor) -> Self {
        Capabilities {
            vendor,
            alerts: false,
            resolve_alerts: false,
            bulk_alerts: false,
            acknowledge_alerts: false,
            escalate_alerts: false,
            entities: false,
            risk: false,
            checks: false,
            timeline: false,
            comments: false,
            add_comment: false,
            reviewers: false,
            assign: false,
            change_status: false,
            escalate_case: false,
            close: false,
            rationale_on_decision: false,
            idempotency_keys: false,
            sla: false,
            risk_tiers: false,
            resolution_actions: vec![],
            false_positive: false,
            decision_note: None,
            vendor_statuses: vec![],
            irreversible: vec![],
            escalate_to: false,
            mentions: false,
            waive_checks: false,
            recalculate_risk: false,
            search: false,
        }
    }

    /// Whether the vendor keeps the text typed with a submission (for the local audit log's
    /// mark). A decision's summary is kept where the vendor stores the rationale, or where an
    /// irreversible decision sends it on (KarmaCheck's pre-adverse reason).
    pub fn vendor_keeps_text(&self, s: &Submission) -> bool {
        match s {
            Submission::Close { decision, .. } => {
                self.rationale_on_decision
                    || self
                        .irreversible(*decision)
                        .is_some_and(|i| i.summary_sent_to.is_some())
            }
            _ => true,
        }
    }

    /// What cannot be undone about a decision, if anything.
    pub fn irreversible(&self, decision: Decision) -> Option<&Irreversible> {
        self.irreversible.iter().find(|i| i.decision == decision)
    }

    /// The reason an action cannot be taken, in words, or `None` when it can.
    pub fn why_not(&self, what: Feature) -> Option<String> {
        let (ok, what) = match what {
            Feature::ResolveAlerts => (self.resolve_alerts, "resolve alerts"),
            Feature::BulkAlerts => (self.bulk_alerts, "resolve several alerts at once"),
            Feature::AcknowledgeAlerts => (self.acknowledge_alerts, "acknowledge alerts"),
            Feature::EscalateAlerts => (self.escalate_alerts, "escalate alerts"),
            Feature::Risk => (self.risk, "approve or override a risk assessment"),
            Feature::AddComment => (self.add_comment, "add comments"),
            Feature::Reviewers => (self.reviewers, "request or give a second approval"),
            Feature::Assign => (self.assign, "assign cases"),
            Feature::ChangeStatus => (self.change_status, "change a case's status"),
            Feature::EscalateCase => (self.escalate_case, "escalate cases"),
            Feature::Close => (self.close, "close cases with a decision"),
            Feature::WaiveChecks => (self.waive_checks, "waive checks"),
            Feature::RecalculateRisk => (self.recalculate_risk, "recalculate a risk assessment"),
        };
        (!ok).then(|| format!("{}'s API cannot {what}", self.vendor.title()))
    }
}

/// An action the console may offer, for [`Capabilities::why_not`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    ResolveAlerts,
    BulkAlerts,
    AcknowledgeAlerts,
    EscalateAlerts,
    Risk,
    AddComment,
    Reviewers,
    Assign,
    ChangeStatus,
    EscalateCase,
    Close,
    WaiveChecks,
    RecalculateRisk,
}

/// What a creation made, or found already there: a case opened (or the one its external
/// reference already names), or an entity added to a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub token: String,
    /// The case's reference (`CAS-000123`) or the entity's name, for people.
    pub name: String,
    /// It was there before this request (its external reference named it, or the server
    /// replayed the answer to a key sent before): nothing new was made by it.
    pub existing: bool,
}

impl Created {
    /// In one line, for the flash message and the CLI.
    pub fn describe(&self) -> String {
        if self.existing {
            format!(
                "{} already exists ({}): nothing new was made",
                self.name, self.token
            )
        } else {
            format!("Created {} ({})", self.name, self.token)
        }
    }
}

/// A case-management API, as the console needs it. Every method is one logical read or write;
/// an adapter may make several HTTP calls for one (walking pages, exchanging a token).
///
/// Reads of parts a provider does not have (see [`Capabilities`]) return empty results; the
/// console does not ask for them.
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// What it can do.
    fn capabilities(&self) -> &Capabilities;

    /// What it can do for one case (several profiles merged: that case's source's).
    fn capabilities_for(&self, _case_token: &str) -> Capabilities {
        self.capabilities().clone()
    }

    /// Where it connects, for the status bar (a host, never a key).
    fn describe(&self) -> String;

    /// Several profiles merged: each source's name and capabilities (what `Case::source`
    /// says). Empty for a single provider.
    fn sources(&self) -> Vec<(String, Capabilities)> {
        vec![]
    }

    /// The user the key belongs to, where the API can say.
    async fn me(&self) -> Result<Option<User>, ProviderError> {
        Ok(None)
    }

    /// The users cases can be assigned to, where the API lists them.
    async fn users(&self) -> Result<Option<Vec<User>>, ProviderError> {
        Ok(None)
    }

    /// Every case in the queue, walking all pages. `Ok(None)` when nothing changed since the
    /// last call (a provider with conditional requests remembers what it was sent).
    async fn queue(&self) -> Result<Option<Vec<Case>>, ProviderError>;

    /// What changed in the queue: the console's one copy of it is kept current with this.
    /// `since` is the newest `updated_at` the caller holds of a whole queue it walked (or was
    /// told changed) before: a provider that can ask for what changed since then answers
    /// [`QueueChange::Changed`]; without `since`, or a provider that cannot, walks everything
    /// ([`QueueChange::Whole`]). Each page of a whole walk is handed to `page` as it arrives
    /// (with whether more follow), so a large queue shows its most urgent cases at once and
    /// the caller can keep it page by page. The provider keeps no copy of the queue.
    async fn queue_changes(
        &self,
        _since: Option<jiff::Timestamp>,
        page: &QueuePage<'_>,
    ) -> Result<QueueChange, ProviderError> {
        Ok(match self.queue().await? {
            Some(cases) => {
                page(cases, false);
                QueueChange::Whole
            }
            None => QueueChange::Unchanged,
        })
    }

    /// One case, fresh.
    async fn case(&self, token: &str) -> Result<Case, ProviderError>;

    /// The cases the server finds for `text` (every name on a case, references, closed cases
    /// too), at most `limit`; `Ok(None)` when the API cannot search (see
    /// [`Capabilities::search`]).
    async fn search(&self, _text: &str, _limit: u32) -> Result<Option<Vec<Case>>, ProviderError> {
        Ok(None)
    }

    /// The case `reference` names exactly: its token, its reference (name) or its external
    /// reference. `Ok(None)`: no such case. Without a search, only a token can be looked up.
    async fn find_case(&self, reference: &str) -> Result<Option<Case>, ProviderError> {
        let reference = reference.trim();
        if let Some(found) = self.search(reference, 25).await? {
            return Ok(found
                .into_iter()
                .find(|c| crate::domain::model::names_exactly(c, reference)));
        }
        match self.case(reference).await {
            Ok(c) => Ok(Some(c)),
            Err(ProviderError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn alerts(&self, _case: &str) -> Result<Vec<Alert>, ProviderError> {
        Ok(vec![])
    }
    async fn entities(&self, _case: &str) -> Result<Vec<Entity>, ProviderError> {
        Ok(vec![])
    }
    async fn risk(&self, _case: &str) -> Result<Option<Assessment>, ProviderError> {
        Ok(None)
    }
    async fn checks(&self, _case: &str) -> Result<Vec<Check>, ProviderError> {
        Ok(vec![])
    }
    async fn timeline(&self, _case: &str) -> Result<Vec<AuditEntry>, ProviderError> {
        Ok(vec![])
    }
    async fn comments(&self, _case: &str) -> Result<Vec<Comment>, ProviderError> {
        Ok(vec![])
    }
    /// `Ok(None)`: the API has no reviewers.
    async fn reviewers(&self, _case: &str) -> Result<Option<Vec<Reviewer>>, ProviderError> {
        Ok(None)
    }

    /// Sends one submission; says in one line what landed. `idempotency_key` is sent where the
    /// vendor honours one; a vendor that cannot do the action answers
    /// `ProviderError::Invalid` with the reason, without sending anything.
    async fn submit(&self, s: &Submission, idempotency_key: &str) -> Result<String, ProviderError>;

    /// The form a case is opened with: the vendor's create body as fields, kinds, limits and
    /// rules, with its choices (templates, packages, steps) read from the API where it lists
    /// them. `None`: docket cannot open cases with this API (the reason is
    /// [`cannot_create`]'s).
    async fn case_form(&self) -> Result<Option<Form>, ProviderError> {
        Ok(None)
    }

    /// The form an entity is added to a case with, or `None` when the API cannot.
    fn entity_form(&self) -> Option<Form> {
        None
    }

    /// Sends a creation ([`Submission::CreateCase`], [`Submission::AddEntity`]) and says what it
    /// made. A vendor that cannot answers `ProviderError::Invalid` with the reason, without
    /// sending anything.
    async fn create(
        &self,
        s: &Submission,
        _idempotency_key: &str,
    ) -> Result<Created, ProviderError> {
        Err(cannot_create(self.capabilities().vendor, s))
    }

    /// Whether a submission's change is already visible on the server (for a retry against an
    /// API without idempotency keys). `None` when it is not, or cannot be told.
    async fn already_applied(&self, _s: &Submission) -> Option<String> {
        None
    }
}

/// Why a vendor without creation support refuses one, in words.
pub fn cannot_create(vendor: Vendor, s: &Submission) -> ProviderError {
    let what = match s {
        Submission::AddEntity { .. } => "add entities to a case",
        _ => "open cases",
    };
    ProviderError::Invalid(format!(
        "docket cannot {what} with {}'s API yet",
        vendor.title()
    ))
}
