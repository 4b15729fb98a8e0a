//! Review flows: the drawer that turns a decision into a submission. A flow goes
//! pick → edit → confirm → submitting → done, or back to edit with the error in place; the text
//! typed is never lost on an error. Its preconditions are checked before anything is sent.
//! A creation (a new case, an entity) is a flow too, whose "text" is a form
//! ([`crate::app::form::FormState`]): the steps from confirm on are the same.

mod seen;
mod submission;
mod typing;

pub use seen::Seen;
pub use submission::NOBODY_NAMED;
pub use typing::{expand, plain_paste, waive_reasons};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::command::Command;
use super::form::FormState;
use crate::domain::lifecycle;
use crate::domain::{CaseStatus, ResolutionAction};
use crate::provider::ProviderError;

/// What the flow does.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowKind {
    /// Resolve one or more alerts (split into requests of at most 50 when sent).
    Resolve {
        tokens: Vec<String>,
        action: ResolutionAction,
        false_positive: bool,
    },
    EscalateAlert {
        token: String,
    },
    Acknowledge {
        tokens: Vec<String>,
    },
    ChangeStatus,
    /// A status the vendor defines (the picker lists the profile's statuses).
    SetVendorStatus,
    /// One key: sent at once (the conflict and waiting-review checks still apply).
    AssignToMe,
    /// One key, like `AssignToMe`.
    Unassign,
    Assign,
    EscalateCase,
    ApproveRisk {
        assessment: String,
    },
    OverrideRisk {
        assessment: String,
    },
    Comment,
    RequestApprover,
    DecideReview {
        reviewer: String,
        approve: bool,
    },
    Close,
    /// Waive a check: the picker lists the case's waivable checks (skipped when there is one),
    /// then the API's reasons; `check` is (token, label) once chosen.
    WaiveCheck {
        check: Option<(String, String)>,
    },
    /// Compute the case's risk assessment again (no text).
    RecalculateRisk,
    /// A new case, from the vendor's case form (`Flow::form`; `None` while it loads).
    NewCase,
    /// An entity added to the case, from the vendor's entity form.
    AddEntity,
    /// One action on several marked cases of the queue; each becomes its own submission.
    Bulk {
        action: BulkAction,
        /// (token, name) of each case.
        cases: Vec<(String, String)>,
    },
}

/// What a bulk flow does to each marked case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkAction {
    Assign,
    Status,
    Escalate,
}

/// One case of a bulk flow: its outbox entry once written, and how it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct BulkResult {
    pub name: String,
    pub entry: Option<i64>,
    /// `Ok(what landed)` or the refusal.
    pub result: Option<Result<String, String>>,
}

/// Where a flow stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Choosing one of `options` (statuses, users, tiers, decisions).
    Pick,
    /// Typing the rationale (and conditions).
    Edit,
    /// Reading back what will be sent.
    Confirm,
    Submitting,
    /// Refused before sending: each unmet precondition.
    Blocked(Vec<String>),
    /// The API refused or could not be reached; the text is kept.
    Failed(ProviderError),
    /// The case changed on the server since the flow opened: what changed.
    Conflict(Vec<String>),
    /// Reviews of the same target written earlier are still waiting to be sent: each entry's
    /// id and a line saying what it is. Replace them, queue behind them, or go back.
    Behind(Vec<(i64, String)>),
}

/// One choice in a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

pub use crate::domain::review::Submission;

/// Where a blocked drawer can take the analyst: what blocks it, to act on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Jump {
    /// An alert on the Alerts tab, by token.
    Alert(String),
    /// The Risk tab.
    Risk,
    /// The Summary tab (its reviewers).
    Summary,
}

/// The drawer.
#[derive(Clone, Debug)]
pub struct Flow {
    pub id: u64,
    pub case_token: String,
    pub case_name: String,
    pub kind: FlowKind,
    pub step: Step,
    pub choices: Vec<Choice>,
    pub picked: usize,
    pub text: TextArea<'static>,
    pub conditions: TextArea<'static>,
    /// Editing the conditions rather than the rationale.
    pub on_conditions: bool,
    /// The outbox entry carrying this flow's submission, once written.
    pub entry: Option<i64>,
    /// The last transient failure while the outbox keeps retrying.
    pub retrying: Option<(u32, ProviderError)>,
    /// The text on screen is the text on disk.
    pub draft_saved: bool,
    /// The case as it was when the flow opened.
    pub seen: Option<Seen>,
    /// The analyst chose to send despite a conflict.
    pub force: bool,
    /// A line the drawer shows above the text (what the vendor will not keep, say).
    pub note: Option<String>,
    /// Canned texts from the config, offered by Ctrl-T in the editor.
    pub snippets: Vec<Snippet>,
    /// Values for the snippets' placeholders: `case`, `entity`, `category`, `score`, `me`.
    pub vars: Vec<(&'static str, String)>,
    /// The snippet picker, while open.
    pub picker: Option<Picker>,
    /// When the drawer opened, for the session's review times.
    pub opened_at: Option<jiff::Timestamp>,
    /// A bulk flow's per-case results, in the order of its cases.
    pub bulk: Vec<BulkResult>,
    /// The analyst chose to send although earlier reviews of the same target still wait.
    pub behind_ok: bool,
    /// Earlier entries this one replaces (discarded before it is written).
    pub replace: Vec<i64>,
    /// What the drawer read of the case just before judging its preconditions.
    pub checked: Option<String>,
    /// The earlier outbox entry this flow's entry waits behind (same target), if any.
    pub waits_for: Option<i64>,
    /// A creation's form (see [`FlowKind::is_form`]); `None` while the vendor's form loads.
    pub form: Option<Box<FormState>>,
    /// What is wrong with the text, found when a review was asked for: said in the editor
    /// until the next edit, which stays in the editor (nothing typed is swallowed).
    pub problem: Option<String>,
    /// What the picker chooses ("Escalate to", "Reason"), said above its choices.
    pub pick_label: Option<&'static str>,
    /// People a comment can mention (`@` completes them): (id, name).
    pub people: Vec<(String, String)>,
    /// On a blocked step: where each line of it can take the analyst (aligned with the
    /// lines), and the line chosen.
    pub jumps: Vec<Option<Jump>>,
    pub jump_row: usize,
}

/// A canned rationale from the config; `{case}`, `{entity}`, `{category}`, `{score}` and `{me}`
/// are filled in when it is inserted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub name: String,
    pub text: String,
}

/// The snippet picker's query and cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Picker {
    pub query: String,
    pub selected: usize,
}

/// Limits of the free-text fields, from the API.
pub const RATIONALE_MAX: usize = 5000;
pub const REASON_MAX: usize = 2000;
pub const COMMENT_MAX: usize = 10_000;

/// What the drawer asked for after a key.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Send one submission per case (a bulk flow): (title, submission) each.
    SubmitMany(Vec<(String, Submission)>),
    Stay,
    /// The text changed: save it as a draft.
    Edited,
    Cancel,
    /// Close and throw the draft away.
    Discard,
    Submit(Submission),
    /// Close and go to what blocks the drawer.
    Jump(Jump),
}

impl Flow {
    pub fn new(
        id: u64,
        case_token: &str,
        case_name: &str,
        kind: FlowKind,
        choices: Vec<Choice>,
    ) -> Flow {
        let step = if choices.is_empty() && !kind.needs_text() {
            Step::Confirm
        } else if choices.is_empty() {
            Step::Edit
        } else {
            Step::Pick
        };
        let mut text = TextArea::default();
        text.set_placeholder_text(kind.text_label());
        let mut conditions = TextArea::default();
        conditions.set_placeholder_text("Conditions of the approval");
        Flow {
            id,
            case_token: case_token.to_string(),
            case_name: case_name.to_string(),
            kind,
            step,
            choices,
            picked: 0,
            text,
            conditions,
            on_conditions: false,
            entry: None,
            retrying: None,
            draft_saved: false,
            seen: None,
            force: false,
            note: None,
            snippets: Vec::new(),
            vars: Vec::new(),
            picker: None,
            opened_at: None,
            bulk: Vec::new(),
            behind_ok: false,
            replace: Vec::new(),
            checked: None,
            waits_for: None,
            form: None,
            problem: None,
            pick_label: None,
            people: Vec::new(),
            jumps: Vec::new(),
            jump_row: 0,
        }
    }

    /// What the typed text is saved under as a draft: the case and the exact action and
    /// targets, so reopening the same flow restores it.
    pub fn draft_key(&self) -> String {
        let what = match &self.kind {
            FlowKind::Resolve {
                tokens,
                action,
                false_positive,
            } => {
                format!(
                    "resolve:{}:{}:{}",
                    action.as_str(),
                    false_positive,
                    tokens.join(",")
                )
            }
            FlowKind::EscalateAlert { token } => format!("escalate_alert:{token}"),
            FlowKind::OverrideRisk { assessment } => format!("override:{assessment}"),
            FlowKind::ApproveRisk { assessment } => format!("approve_risk:{assessment}"),
            FlowKind::DecideReview { reviewer, approve } => format!("review:{reviewer}:{approve}"),
            FlowKind::WaiveCheck { check } => format!(
                "waive:{}",
                check.as_ref().map_or("", |(token, _)| token.as_str())
            ),
            // Not on any case: one new-case draft per identity.
            FlowKind::NewCase => return "new_case".into(),
            FlowKind::AddEntity => "add_entity".into(),
            other => format!("{other:?}").to_lowercase(),
        };
        format!("{}:{what}", self.case_token)
    }

    /// Puts back text saved earlier.
    pub fn restore(&mut self, text: &str, conditions: &str) {
        use ratatui_textarea::CursorMove;
        self.text = TextArea::new(text.lines().map(str::to_string).collect());
        self.text.set_placeholder_text(self.kind.text_label());
        // Typing continues where the text ends.
        self.text.move_cursor(CursorMove::Bottom);
        self.text.move_cursor(CursorMove::End);
        if !conditions.is_empty() {
            self.conditions = TextArea::new(conditions.lines().map(str::to_string).collect());
            self.conditions.move_cursor(CursorMove::Bottom);
            self.conditions.move_cursor(CursorMove::End);
        }
    }

    /// The text typed, trimmed of trailing blank lines; a form's values as JSON (its draft).
    pub fn body(&self) -> String {
        if let Some(form) = &self.form {
            return form.draft();
        }
        self.text.lines().join("\n").trim_end().to_string()
    }

    pub fn conditions_text(&self) -> String {
        self.conditions.lines().join("\n").trim_end().to_string()
    }

    /// A short title: "Approve 3 alerts", "Close CAS-000123", ...
    pub fn title(&self) -> String {
        match &self.kind {
            FlowKind::Resolve {
                tokens,
                action,
                false_positive,
            } => format!(
                "{}{} {}",
                action.as_str(),
                if *false_positive {
                    " as false positive"
                } else {
                    ""
                },
                plural(tokens.len(), "alert")
            ),
            FlowKind::EscalateAlert { .. } => "Escalate alert".into(),
            FlowKind::Acknowledge { tokens } => {
                format!("Acknowledge {}", plural(tokens.len(), "alert"))
            }
            FlowKind::ChangeStatus | FlowKind::SetVendorStatus => {
                format!("Change status of {}", self.case_name)
            }
            FlowKind::AssignToMe => format!("Assign {} to me", self.case_name),
            FlowKind::Unassign => format!("Unassign {}", self.case_name),
            FlowKind::WaiveCheck { check } => match check {
                // The check's name and subject, without the status its choice showed.
                Some((_, label)) => format!(
                    "Waive {} on {}",
                    label
                        .rsplit_once(" (")
                        .map_or(label.as_str(), |(name, _)| name),
                    self.case_name
                ),
                None => format!("Waive a check on {}", self.case_name),
            },
            FlowKind::RecalculateRisk => {
                format!("Recalculate the risk assessment of {}", self.case_name)
            }
            FlowKind::Assign => format!("Assign {}", self.case_name),
            FlowKind::EscalateCase => format!("Escalate {}", self.case_name),
            FlowKind::ApproveRisk { .. } => {
                format!("Approve the risk assessment of {}", self.case_name)
            }
            FlowKind::OverrideRisk { .. } => {
                format!("Override the risk tier of {}", self.case_name)
            }
            FlowKind::Comment => format!("Comment on {}", self.case_name),
            FlowKind::RequestApprover => format!("Request an approver for {}", self.case_name),
            FlowKind::DecideReview { approve, .. } => {
                format!(
                    "{} {} as approver",
                    if *approve { "Approve" } else { "Reject" },
                    self.case_name
                )
            }
            FlowKind::Close => format!("Close {}", self.case_name),
            FlowKind::NewCase => "New case".into(),
            FlowKind::AddEntity => format!("Add an entity to {}", self.case_name),
            FlowKind::Bulk { action, cases } => {
                let n = plural(cases.len(), "case");
                match action {
                    BulkAction::Assign => format!("Assign {n}"),
                    BulkAction::Status => format!("Change status of {n}"),
                    BulkAction::Escalate => format!("Escalate {n}"),
                }
            }
        }
    }

    /// The limit of the main text field.
    pub fn limit(&self) -> usize {
        self.kind.limit()
    }
}

impl FlowKind {
    /// Whether the flow is a creation's form rather than a review.
    pub fn is_form(&self) -> bool {
        matches!(self, FlowKind::NewCase | FlowKind::AddEntity)
    }

    /// Whether the flow has a free-text field (a form counts: it has several).
    pub fn needs_text(&self) -> bool {
        !matches!(
            self,
            FlowKind::Acknowledge { .. }
                | FlowKind::ChangeStatus
                | FlowKind::SetVendorStatus
                | FlowKind::Bulk {
                    action: BulkAction::Assign | BulkAction::Status,
                    ..
                }
                | FlowKind::AssignToMe
                | FlowKind::Unassign
                | FlowKind::Assign
                | FlowKind::RecalculateRisk
        )
    }

    /// Whether the text must not be empty.
    pub fn text_required(&self) -> bool {
        // A waiver's notes are required for the reason `Other` (see `text_problem`).
        !matches!(
            self,
            FlowKind::ApproveRisk { .. }
                | FlowKind::DecideReview { approve: true, .. }
                | FlowKind::RequestApprover
                | FlowKind::WaiveCheck { .. }
        )
    }

    pub fn has_conditions(&self) -> bool {
        matches!(
            self,
            FlowKind::Resolve {
                action: ResolutionAction::ApproveWithConditions,
                ..
            }
        )
    }

    pub fn text_label(&self) -> &'static str {
        match self {
            FlowKind::Resolve { .. } => "Rationale",
            FlowKind::EscalateAlert { .. }
            | FlowKind::EscalateCase
            | FlowKind::Bulk {
                action: BulkAction::Escalate,
                ..
            } => "Reason",
            FlowKind::OverrideRisk { .. } => "Justification",
            FlowKind::Comment => "Comment",
            FlowKind::Close => "Summary",
            FlowKind::RequestApprover => "Message",
            _ => "Notes",
        }
    }

    pub fn limit(&self) -> usize {
        match self {
            FlowKind::Resolve { .. } | FlowKind::Close => RATIONALE_MAX,
            FlowKind::Comment => COMMENT_MAX,
            _ => REASON_MAX,
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The statuses a PATCH may move a case to, as picker choices.
pub fn status_choices(from: CaseStatus) -> Vec<Choice> {
    lifecycle::patch_targets(from)
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: s.as_str().into(),
        })
        .collect()
}
