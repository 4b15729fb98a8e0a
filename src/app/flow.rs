//! Review flows: the drawer that turns a decision into a submission. A flow goes
//! pick → edit → confirm → submitting → done, or back to edit with the error in place; the text
//! typed is never lost on an error. Its preconditions are checked before anything is sent.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::command::Command;
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
    AssignToMe,
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

/// One choice in a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

pub use crate::domain::review::Submission;

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

/// A snippet's text with its placeholders filled; unknown or empty ones become `—`.
pub fn expand(text: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_lowercase()) => {
                let name = &after[..close];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) if !v.is_empty() => out.push_str(v),
                    Some(_) => out.push('—'),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
        }
    }

    /// A drawer to edit a refused outbox entry and send it again (`None` when it has no text).
    pub fn from_entry(id: u64, entry: i64, title: &str, s: &Submission) -> Option<Flow> {
        let choice = |v: &str| {
            vec![Choice {
                value: v.into(),
                label: v.into(),
            }]
        };
        let (case, kind, choices, text, conditions) = match s {
            Submission::Resolve {
                tokens,
                action,
                rationale,
                false_positive,
                conditions,
            } => (
                String::new(),
                FlowKind::Resolve {
                    tokens: tokens.clone(),
                    action: *action,
                    false_positive: *false_positive,
                },
                vec![],
                rationale.clone(),
                conditions.clone().unwrap_or_default(),
            ),
            Submission::EscalateAlert { token, reason } => (
                String::new(),
                FlowKind::EscalateAlert {
                    token: token.clone(),
                },
                vec![],
                reason.clone(),
                String::new(),
            ),
            Submission::EscalateCase { case, reason } => (
                case.clone(),
                FlowKind::EscalateCase,
                vec![],
                reason.clone(),
                String::new(),
            ),
            Submission::Comment { case, body } => (
                case.clone(),
                FlowKind::Comment,
                vec![],
                body.clone(),
                String::new(),
            ),
            Submission::Close {
                case,
                decision,
                summary,
            } => (
                case.clone(),
                FlowKind::Close,
                choice(decision.as_str()),
                summary.clone(),
                String::new(),
            ),
            Submission::OverrideRisk {
                assessment,
                tier,
                justification,
            } => (
                String::new(),
                FlowKind::OverrideRisk {
                    assessment: assessment.clone(),
                },
                choice(tier.as_str()),
                justification.clone(),
                String::new(),
            ),
            _ => return None,
        };
        let mut f = Flow::new(id, &case, title, kind, choices);
        f.restore(&text, &conditions);
        f.entry = Some(entry);
        f.step = Step::Edit;
        Some(f)
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

    /// The text typed, trimmed of trailing blank lines.
    pub fn body(&self) -> String {
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

    /// A bulk flow's submissions, one per case, each with its own title.
    pub fn bulk_submissions(&self) -> Vec<(String, Submission)> {
        let FlowKind::Bulk { action, cases } = &self.kind else {
            return vec![];
        };
        let picked = self.picked_value().map(str::to_string);
        let reason = self.body();
        cases
            .iter()
            .filter_map(|(token, name)| {
                let case = token.clone();
                let s = match action {
                    BulkAction::Assign => Submission::Assign {
                        case,
                        user: Some(picked.clone()?),
                    },
                    BulkAction::Status => Submission::Status {
                        case,
                        to: picked.as_deref()?.parse().ok()?,
                    },
                    BulkAction::Escalate => Submission::EscalateCase {
                        case,
                        reason: reason.clone(),
                    },
                };
                let title = match action {
                    BulkAction::Assign => format!("Assign {name}"),
                    BulkAction::Status => format!("Change status of {name}"),
                    BulkAction::Escalate => format!("Escalate {name}"),
                };
                Some((title, s))
            })
            .collect()
    }

    /// The limit of the main text field.
    pub fn limit(&self) -> usize {
        self.kind.limit()
    }

    /// The snippets matching the picker's query, best first (all, in config order, when the
    /// query is empty).
    pub fn snippet_matches(&self) -> Vec<&Snippet> {
        use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
        use nucleo_matcher::{Config, Matcher, Utf32Str};
        let query = self.picker.as_ref().map_or("", |p| p.query.as_str());
        if query.trim().is_empty() {
            return self.snippets.iter().collect();
        }
        let pattern = Pattern::new(
            query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize, &Snippet)> = self
            .snippets
            .iter()
            .enumerate()
            .filter_map(|(i, sn)| {
                let hay = format!("{} {}", sn.name, sn.text);
                pattern
                    .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                    .map(|score| (score, i, sn))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, sn)| sn).collect()
    }

    /// Keys while the snippet picker is open.
    fn picker_key(&mut self, key: KeyEvent) -> Outcome {
        let n = self.snippet_matches().len();
        let Some(p) = self.picker.as_mut() else {
            return Outcome::Stay;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => self.picker = None,
            KeyCode::Down | KeyCode::Tab => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Char('n') if ctrl => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Up | KeyCode::BackTab => p.selected = p.selected.saturating_sub(1),
            KeyCode::Char('p') if ctrl => p.selected = p.selected.saturating_sub(1),
            KeyCode::Backspace => {
                p.query.pop();
                p.selected = 0;
            }
            KeyCode::Char(c) if !ctrl => {
                p.query.push(c);
                p.selected = 0;
            }
            KeyCode::Enter => {
                let chosen = self
                    .snippet_matches()
                    .get(self.picker.as_ref().map_or(0, |p| p.selected))
                    .map(|sn| expand(&sn.text, &self.vars));
                self.picker = None;
                if let Some(text) = chosen {
                    let area = if self.on_conditions {
                        &mut self.conditions
                    } else {
                        &mut self.text
                    };
                    area.insert_str(&text);
                    return Outcome::Edited;
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    /// Inserts pasted text into the editor that has the keyboard. Control characters and
    /// escape sequences are dropped (a paste is text, never terminal commands); line breaks
    /// stay, CRLF becomes LF, and a tab becomes four spaces.
    pub fn paste(&mut self, text: &str) -> Outcome {
        if self.step != Step::Edit {
            return Outcome::Stay;
        }
        let text = plain_paste(text);
        if text.is_empty() {
            return Outcome::Stay;
        }
        let area = if self.on_conditions {
            &mut self.conditions
        } else {
            &mut self.text
        };
        area.insert_str(&text);
        Outcome::Edited
    }

    /// Sends after a warning the analyst read (a conflict, reviews still waiting).
    fn send_anyway(&mut self) -> Outcome {
        match self.submission() {
            Some(s) => {
                self.step = Step::Submitting;
                Outcome::Submit(s)
            }
            None => Outcome::Cancel,
        }
    }

    /// Back to where the text (or the read-back) is, intact.
    fn back_to_text(&mut self) -> Outcome {
        self.step = if self.kind.needs_text() {
            Step::Edit
        } else {
            Step::Confirm
        };
        Outcome::Stay
    }

    /// Handles a key; returns what the drawer wants to happen.
    /// `command` is what the keymap's editor context makes of the key (review, discard the
    /// draft, insert a snippet, switch field); other keys are typed.
    pub fn key(&mut self, key: KeyEvent, command: Option<Command>) -> Outcome {
        match &self.step {
            // Already on disk: Esc closes the drawer and leaves it to the outbox.
            Step::Submitting
                if key.code == KeyCode::Esc
                    && (self.entry.is_some() || self.bulk.iter().any(|b| b.entry.is_some())) =>
            {
                Outcome::Cancel
            }
            Step::Submitting => Outcome::Stay,
            Step::Blocked(_) => Outcome::Cancel,
            Step::Conflict(_) => match key.code {
                KeyCode::Enter | KeyCode::Char('y') => {
                    self.force = true;
                    self.send_anyway()
                }
                _ => self.back_to_text(),
            },
            Step::Behind(earlier) => match key.code {
                // Replace: the earlier entries are discarded, then this one is written.
                KeyCode::Char('r') => {
                    self.replace = earlier.iter().map(|(id, _)| *id).collect();
                    self.behind_ok = true;
                    self.send_anyway()
                }
                // Queue behind: sent after them, in the order written.
                KeyCode::Char('q') | KeyCode::Enter => {
                    self.behind_ok = true;
                    self.send_anyway()
                }
                // Anything else: back, the text kept.
                _ => self.back_to_text(),
            },
            Step::Failed(_) => match key.code {
                KeyCode::Esc => Outcome::Cancel,
                // Back to the text, intact, to fix and send again.
                _ => self.back_to_text(),
            },
            Step::Pick => {
                match key.code {
                    KeyCode::Esc => return Outcome::Cancel,
                    KeyCode::Char('j') | KeyCode::Down => {
                        self.picked = (self.picked + 1).min(self.choices.len().saturating_sub(1))
                    }
                    KeyCode::Char('k') | KeyCode::Up => self.picked = self.picked.saturating_sub(1),
                    KeyCode::Enter => return self.back_to_text(),
                    _ => {}
                }
                Outcome::Stay
            }
            Step::Edit if self.picker.is_some() => self.picker_key(key),
            Step::Edit if command == Some(Command::InsertSnippet) && !self.snippets.is_empty() => {
                self.picker = Some(Picker::default());
                Outcome::Stay
            }
            Step::Edit => {
                if key.code == KeyCode::Esc {
                    return Outcome::Cancel;
                }
                if command == Some(Command::DiscardDraft) {
                    return Outcome::Discard;
                }
                if command == Some(Command::Review) {
                    if let Some(problem) = self.text_problem() {
                        self.step = Step::Failed(ProviderError::Invalid(problem));
                    } else {
                        self.step = Step::Confirm;
                    }
                    return Outcome::Stay;
                }
                if command == Some(Command::SwitchField) && self.kind.has_conditions() {
                    self.on_conditions = !self.on_conditions;
                    return Outcome::Stay;
                }
                let changed = if self.on_conditions {
                    self.conditions.input(key)
                } else {
                    self.text.input(key)
                };
                if changed {
                    Outcome::Edited
                } else {
                    Outcome::Stay
                }
            }
            Step::Confirm
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('y'))
                    && matches!(self.kind, FlowKind::Bulk { .. }) =>
            {
                let items = self.bulk_submissions();
                if items.is_empty() {
                    return Outcome::Cancel;
                }
                self.step = Step::Submitting;
                Outcome::SubmitMany(items)
            }
            Step::Confirm => match key.code {
                KeyCode::Enter | KeyCode::Char('y') => match self.submission() {
                    Some(s) => {
                        self.step = Step::Submitting;
                        Outcome::Submit(s)
                    }
                    None => Outcome::Cancel,
                },
                KeyCode::Esc | KeyCode::Char('n') => {
                    if self.kind.needs_text() {
                        self.step = Step::Edit;
                        Outcome::Stay
                    } else if !self.choices.is_empty() {
                        self.step = Step::Pick;
                        Outcome::Stay
                    } else {
                        Outcome::Cancel
                    }
                }
                _ => Outcome::Stay,
            },
        }
    }

    /// Why the text cannot be sent yet.
    pub fn text_problem(&self) -> Option<String> {
        let body = self.body();
        let n = body.chars().count();
        if self.kind.text_required() && body.trim().is_empty() {
            return Some(format!("{} is required.", self.kind.text_label()));
        }
        if n > self.limit() {
            return Some(format!(
                "{} is {n} characters; the limit is {}.",
                self.kind.text_label(),
                self.limit()
            ));
        }
        if self.kind.has_conditions() {
            let c = self.conditions_text();
            if c.trim().is_empty() {
                return Some("Conditions are required for Approve with Conditions.".into());
            }
            if c.chars().count() > REASON_MAX {
                return Some(format!(
                    "Conditions are limited to {REASON_MAX} characters."
                ));
            }
        }
        None
    }

    fn picked_value(&self) -> Option<&str> {
        self.choices.get(self.picked).map(|c| c.value.as_str())
    }

    /// The request this flow will send, if it is complete.
    pub fn submission(&self) -> Option<Submission> {
        let case = self.case_token.clone();
        let body = self.body();
        let notes = (!body.trim().is_empty()).then(|| body.clone());
        Some(match &self.kind {
            FlowKind::Resolve {
                tokens,
                action,
                false_positive,
            } => Submission::Resolve {
                tokens: tokens.clone(),
                action: *action,
                rationale: body,
                false_positive: *false_positive,
                conditions: self.kind.has_conditions().then(|| self.conditions_text()),
            },
            FlowKind::EscalateAlert { token } => Submission::EscalateAlert {
                token: token.clone(),
                reason: body,
            },
            FlowKind::Acknowledge { tokens } => Submission::Acknowledge {
                tokens: tokens.clone(),
            },
            FlowKind::ChangeStatus => Submission::Status {
                case,
                to: self.picked_value()?.parse().ok()?,
            },
            FlowKind::SetVendorStatus => Submission::SetStatus {
                case,
                status: self.picked_value()?.to_string(),
            },
            FlowKind::AssignToMe | FlowKind::Assign => Submission::Assign {
                case,
                user: Some(self.picked_value()?.to_string()),
            },
            FlowKind::EscalateCase => Submission::EscalateCase { case, reason: body },
            FlowKind::ApproveRisk { assessment } => Submission::ApproveRisk {
                assessment: assessment.clone(),
                notes,
            },
            FlowKind::OverrideRisk { assessment } => Submission::OverrideRisk {
                assessment: assessment.clone(),
                tier: self.picked_value()?.parse().ok()?,
                justification: body,
            },
            FlowKind::Comment => Submission::Comment { case, body },
            FlowKind::RequestApprover => Submission::AddReviewer {
                case,
                user: self.picked_value()?.to_string(),
            },
            FlowKind::DecideReview { reviewer, approve } => Submission::DecideReview {
                case,
                reviewer: reviewer.clone(),
                approve: *approve,
                notes,
            },
            FlowKind::Close => Submission::Close {
                case,
                decision: self.picked_value()?.parse().ok()?,
                summary: body,
            },
            FlowKind::Bulk { .. } => return None,
        })
    }

    /// The read-back shown on the confirm step.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut out = vec![self.title()];
        if let Some(c) = self
            .choices
            .get(self.picked)
            .filter(|_| !self.choices.is_empty())
        {
            out.push(format!("Choice: {}", c.label));
        }
        if let FlowKind::Resolve { tokens, .. } | FlowKind::Acknowledge { tokens } = &self.kind {
            let shown: Vec<&str> = tokens.iter().take(6).map(String::as_str).collect();
            out.push(format!(
                "Alerts: {}{}",
                shown.join(", "),
                if tokens.len() > 6 {
                    format!(" and {} more", tokens.len() - 6)
                } else {
                    String::new()
                }
            ));
            if tokens.len() > 50 {
                out.push(format!(
                    "Sent as {} requests of at most 50.",
                    tokens.len().div_ceil(50)
                ));
            }
        }
        if let FlowKind::Bulk { cases, .. } = &self.kind {
            let shown: Vec<&str> = cases.iter().take(8).map(|(_, n)| n.as_str()).collect();
            out.push(format!(
                "Cases: {}{}",
                shown.join(", "),
                if cases.len() > 8 {
                    format!(" and {} more", cases.len() - 8)
                } else {
                    String::new()
                }
            ));
        } else {
            out.push(format!("Case: {}", self.case_name));
        }
        if self.kind.needs_text() {
            let body = self.body();
            out.push(format!(
                "{}: {}",
                self.kind.text_label(),
                if body.is_empty() { "—".into() } else { body }
            ));
        }
        if self.kind.has_conditions() {
            out.push(format!("Conditions: {}", self.conditions_text()));
        }
        out
    }
}

impl FlowKind {
    /// Whether the flow has a free-text field.
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
                | FlowKind::Assign
                | FlowKind::RequestApprover
        )
    }

    /// Whether the text must not be empty.
    pub fn text_required(&self) -> bool {
        !matches!(
            self,
            FlowKind::ApproveRisk { .. } | FlowKind::DecideReview { approve: true, .. }
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

/// Pasted text with what a terminal would obey removed: ESC-introduced sequences (CSI, OSC,
/// DCS and the rest, up to their terminator), other C0/C1 controls and bidi overrides.
pub fn plain_paste(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then one final byte.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \\).
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || c == '\u{9c}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                // A two-char escape: drop both.
                _ => {}
            },
            c if c.is_control() => {}
            '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}
