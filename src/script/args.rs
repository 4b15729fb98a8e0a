//! The arguments of `docket cases`, `docket alerts` and `docket risk`.

use clap::{Args, Subcommand, ValueEnum};

use crate::domain::{Decision, ResolutionAction, RiskTier};

/// `docket cases ...`
#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// The queue: open cases, most urgent SLA first.
    List(ListArgs),
    /// One case with its alerts, entities, risk assessment, checks and comments (the parts
    /// the provider has).
    Show {
        /// The case's name (e.g. CAS-000123) or token.
        case: String,
        /// Print one JSON object instead of sections.
        #[arg(long)]
        json: bool,
    },
    /// Move a case to another status (Zenoo's lifecycle, or a status the vendor defines).
    Status {
        /// The case's name or token.
        case: String,
        /// The status, e.g. "In Review" or in-review.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Assign a case to a user, to yourself (`me`), or to nobody (`none`).
    Assign {
        /// The case's name or token.
        case: String,
        /// A user id (or name), `me` or `none`.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Unassign a case (the same as `assign CASE --to none`).
    Unassign {
        /// The case's name or token.
        case: String,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Escalate a case.
    Escalate {
        /// The case's name or token.
        case: String,
        /// Why (`-` reads it from stdin).
        #[arg(long)]
        reason: String,
        /// Who to escalate to: a user id or name (default: the API's escalation contact).
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Add a comment to a case.
    Comment {
        /// The case's name or token.
        case: String,
        /// The comment (`-` reads it from stdin).
        #[arg(long)]
        body: String,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Close a case with a decision.
    Close {
        /// The case's name or token.
        case: String,
        #[arg(long, value_enum, ignore_case = true)]
        decision: DecisionArg,
        /// The decision's summary (`-` reads it from stdin).
        #[arg(long)]
        summary: String,
        /// Send a decision that cannot be undone (KarmaCheck's Decline starts pre-adverse
        /// action and emails the candidate the summary) without asking. Without it, such a
        /// decision is confirmed at the terminal, or refused (exit 2) when there is none.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Open a case: one flag per field of the provider's case form, e.g.
    /// `--type Onboarding --entity_category Person --entity.first_name Ada`
    /// (`--fields` lists them with what each takes).
    Create(CreateArgs),
    /// Open every case in a CSV (header row: the form's field paths) or JSON Lines file.
    /// Every row is checked first and each problem reported as FILE:LINE:COLUMN; then the rows
    /// go through the outbox, up to 4 at a time, each under a key derived from the file and
    /// the row, so running the same file again after a failure opens nothing twice.
    Import(ImportArgs),
}

/// `docket cases create`.
#[derive(Args, Debug)]
pub struct CreateArgs {
    /// List the form's fields (path, what it takes, whether it is required) and exit.
    #[arg(long)]
    pub fields: bool,
    /// Check the fields and print the body that would be sent, without sending it.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub send: SendArgs,
    /// The form's fields, each `--PATH VALUE` or `--PATH=VALUE` (after the options above).
    #[arg(
        value_name = "--FIELD VALUE",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub values: Vec<String>,
}

/// `docket cases import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file: `.csv` (a header row, then one case per row) or `.jsonl` (one create body
    /// per line); other names are read as JSON Lines when they start with `{`.
    pub file: std::path::PathBuf,
    /// Check every row and stop: nothing is sent.
    #[arg(long)]
    pub dry_run: bool,
    /// Write each row's outcome (line, external reference, outcome, case, token, error) to
    /// this CSV file.
    #[arg(long, value_name = "CSV")]
    pub results: Option<std::path::PathBuf>,
    /// Print `{"created":N,"existing":N,"failed":N,"queued":N,"rows":[...]}`.
    #[arg(long)]
    pub json: bool,
    /// How long to wait for every row to land; past it, the rest stay queued in the outbox
    /// and a later docket run (or this command again) sends them.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub wait_secs: u64,
}

/// `docket cases list`'s filters.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only these statuses, comma-separated (e.g. "New,In Progress"; closed cases are shown
    /// when asked for here).
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Only cases assigned to you.
    #[arg(long, conflicts_with = "unassigned")]
    pub mine: bool,
    /// Only cases assigned to nobody.
    #[arg(long)]
    pub unassigned: bool,
    /// Only cases past their SLA deadline.
    #[arg(long)]
    pub breached: bool,
    /// Closed cases too (hidden by default, as in the console).
    #[arg(long)]
    pub closed: bool,
    /// Cases whose names (any entity on it: directors, UBOs), reference or external reference
    /// contain this text, closed ones too; the API searches where it can, else the loaded queue.
    #[arg(long)]
    pub q: Option<String>,
    /// Only this risk tier (high, medium, low).
    #[arg(long)]
    pub risk: Option<String>,
    /// Only this case type (onboarding, review, perpetual).
    #[arg(long = "type")]
    pub case_type: Option<String>,
    /// Only this priority (critical, high, medium, low).
    #[arg(long)]
    pub priority: Option<String>,
    /// Only this SLA status (breached, critical, warning, on-track).
    #[arg(long)]
    pub sla: Option<String>,
    /// Only cases assigned to this user (an id or a name).
    #[arg(long)]
    pub assignee: Option<String>,
    /// Only cases where an approval is requested from you and still pending.
    #[arg(long)]
    pub awaiting_approval: bool,
    /// Order: sla (default), priority, risk, updated, alerts, status, type, assignee, name;
    /// `:asc` or `:desc` (or a leading `-`) for the other way, e.g. `--sort risk:asc`.
    #[arg(long, allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// Start from a saved view of the console (its filters and sort); options add to it.
    #[arg(long)]
    pub view: Option<String>,
    /// At most this many, the first in the order asked for.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print a JSON array of cases instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `docket alerts ...`
#[derive(Subcommand, Debug)]
pub enum AlertsCommand {
    /// Resolve one or more alerts with an action and a rationale.
    Resolve {
        /// Alert tokens (from `docket cases show CASE --json`).
        #[arg(required = true)]
        tokens: Vec<String>,
        #[arg(long, value_enum, ignore_case = true)]
        action: ActionArg,
        /// Why (`-` reads it from stdin).
        #[arg(long)]
        rationale: String,
        /// The conditions, with --action approve-with-conditions (`-` reads them from stdin).
        #[arg(long)]
        conditions: Option<String>,
        /// Mark the alerts false positives.
        #[arg(long)]
        false_positive: bool,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Acknowledge alerts (seen, being worked on).
    Acknowledge {
        /// Alert tokens.
        #[arg(required = true)]
        tokens: Vec<String>,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Escalate one alert.
    Escalate {
        /// The alert's token.
        token: String,
        /// Why (`-` reads it from stdin).
        #[arg(long)]
        reason: String,
        /// Who to escalate to: a user id or name (default: the API's escalation contact).
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        send: SendArgs,
    },
}

/// `docket risk ...`
#[derive(Subcommand, Debug)]
pub enum RiskCommand {
    /// Approve a risk assessment.
    Approve {
        /// The assessment's token, or a case's name or token (its current assessment).
        assessment: String,
        /// Notes (`-` reads them from stdin).
        #[arg(long)]
        notes: Option<String>,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Compute a case's risk assessment again with the active model; it supersedes the
    /// current one (whose approval no longer counts).
    Recalculate {
        /// The case's name or token.
        case: String,
        #[command(flatten)]
        send: SendArgs,
    },
    /// Override a risk assessment's tier.
    Override {
        /// The assessment's token, or a case's name or token (its current assessment).
        assessment: String,
        #[arg(long, value_enum, ignore_case = true)]
        tier: TierArg,
        /// Why (`-` reads it from stdin).
        #[arg(long)]
        justification: String,
        #[command(flatten)]
        send: SendArgs,
    },
}

/// How a review action is sent and reported.
#[derive(Args, Debug, Clone)]
pub struct SendArgs {
    /// Print `{"ok":true,"entry":ID,"landed":"..."}` or `{"ok":false,"error":{...}}`.
    #[arg(long)]
    pub json: bool,
    /// How long to wait for the review to land; past it, it stays queued in the outbox and
    /// a later docket run sends it.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub wait_secs: u64,
}

/// `--action` values: kebab-case, or the API's own spelling (`Request Document`,
/// `RequestDocument`, `Approve with Conditions`), any case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ActionArg {
    Approve,
    Decline,
    #[value(
        alias = "Request Document",
        alias = "RequestDocument",
        alias = "request_document"
    )]
    RequestDocument,
    #[value(
        alias = "Approve with Conditions",
        alias = "ApproveWithConditions",
        alias = "approve_with_conditions"
    )]
    ApproveWithConditions,
    Escalate,
}

impl From<ActionArg> for ResolutionAction {
    fn from(a: ActionArg) -> Self {
        match a {
            ActionArg::Approve => ResolutionAction::Approve,
            ActionArg::Decline => ResolutionAction::Decline,
            ActionArg::RequestDocument => ResolutionAction::RequestDocument,
            ActionArg::ApproveWithConditions => ResolutionAction::ApproveWithConditions,
            ActionArg::Escalate => ResolutionAction::Escalate,
        }
    }
}

/// `--decision` values, any case (`Approve` as the API spells it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DecisionArg {
    Approve,
    Decline,
}

impl From<DecisionArg> for Decision {
    fn from(d: DecisionArg) -> Self {
        match d {
            DecisionArg::Approve => Decision::Approve,
            DecisionArg::Decline => Decision::Decline,
        }
    }
}

/// `--tier` values, any case (`High` as the API spells it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TierArg {
    Low,
    Medium,
    High,
}

impl From<TierArg> for RiskTier {
    fn from(t: TierArg) -> Self {
        match t {
            TierArg::Low => RiskTier::Low,
            TierArg::Medium => RiskTier::Medium,
            TierArg::High => RiskTier::High,
        }
    }
}
