//! Scriptable commands on the console's providers and outbox: `docket cases ...`,
//! `docket alerts ...` and `docket risk ...`.
//!
//! Reads print a table (or `--json`, the domain records). Every review action is built as the
//! same [`Submission`](crate::domain::review::Submission) the console's drawers build, written
//! to the outbox with its Idempotency-Key before anything is sent, and sent by the outbox's
//! sender, which retries transient failures until the entry lands or is refused. The command
//! waits for that entry up to `--wait-secs`; past it the entry stays queued and a later docket
//! run sends it.
//!
//! Results go to stdout, errors to stderr, and the exit code says which kind of failure it was
//! (see [`EXIT_USAGE`] and its neighbours). Every string that came from an API is passed
//! through [`clean`](crate::text::sanitize::clean) before it reaches a terminal; JSON output
//! escapes what a terminal would obey (see [`to_json`]).
//!
//! - `args`: the clap arguments.
//! - `read`: `cases list` and `cases show`.
//! - `review`: the review actions and their delivery through the outbox.
//! - `create`: `cases create`, one flag per field of the provider's case form.
//! - `import`: `cases import`, a file of cases checked whole, then sent through the outbox.
//! - `output`: cleaned lines, tables and JSON.

mod args;
mod create;
mod import;
mod output;
mod read;
mod review;

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

use serde_json::{Value, json};

pub use args::*;
pub use output::to_json;

use crate::domain::model::Case;
use crate::provider::{
    Capabilities, Feature, ItemOutcome, ItemResult, Provider, ProviderError, Vendor,
};
use crate::session::{ConsoleArgs, Session};
use crate::text::sanitize::clean_multiline;
use output::{c, emit};

/// Success.
pub const EXIT_OK: i32 = 0;
/// Anything not covered below (an unexpected answer, a local store that cannot be opened).
pub const EXIT_OTHER: i32 = 1;
/// Bad arguments, an unknown case, an action the provider cannot do, `--read-only`, or a
/// decision that cannot be undone, not confirmed.
pub const EXIT_USAGE: i32 = 2;
/// The API refused the request (a 4xx answer); for an action on several alerts, any of them.
pub const EXIT_REFUSED: i32 = 3;
/// The API could not be reached or is unavailable, or the review is still queued in the outbox
/// when `--wait-secs` runs out.
pub const EXIT_UNAVAILABLE: i32 = 4;

/// The exit codes, for `docket --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes of `docket cases`, `docket alerts` and `docket risk`:
  0  success
  1  anything else (an unexpected answer, a local store that cannot be opened)
  2  usage or validation error: bad arguments, an unknown case, an action the provider
     cannot do, --read-only or a key the API says cannot write, a decision that cannot be
     undone sent without --yes or a confirmation
  3  the API refused the request (4xx), or the key itself (401: see `docket doctor`);
     --json prints its code, message and request id.
     For several alerts: the API refused any of them (the others landed); each alert's
     result is a line on stdout, or in `results` with --json
  4  the API could not be reached or is unavailable, or the review is still queued in the
     outbox when --wait-secs runs out (a later docket run sends it)";

/// One scriptable command.
#[derive(Debug)]
pub enum Script {
    Cases(CasesCommand),
    Alerts(AlertsCommand),
    Risk(RiskCommand),
}

impl Script {
    /// Whether the result is asked for as JSON.
    pub fn json(&self) -> bool {
        match self {
            Script::Cases(CasesCommand::List(a)) => a.json,
            Script::Cases(CasesCommand::Show { json, .. }) => *json,
            Script::Cases(CasesCommand::Import(a)) => a.json,
            Script::Cases(CasesCommand::Create(a)) => {
                a.send.json || a.values.iter().any(|v| v == "--json")
            }
            _ => self.send().is_some_and(|s| s.json),
        }
    }

    /// Whether it changes anything (refused by `--read-only`).
    pub fn writes(&self) -> bool {
        match self {
            Script::Cases(CasesCommand::Create(a)) => {
                !(a.fields
                    || a.dry_run
                    || a.values.iter().any(|v| v == "--fields" || v == "--dry-run"))
            }
            Script::Cases(CasesCommand::Import(a)) => !a.dry_run,
            _ => self.send().is_some(),
        }
    }

    fn send(&self) -> Option<&SendArgs> {
        match self {
            Script::Cases(CasesCommand::List(_) | CasesCommand::Show { .. }) => None,
            Script::Cases(CasesCommand::Import(_)) => None,
            Script::Cases(
                CasesCommand::Create(CreateArgs { send, .. })
                | CasesCommand::Status { send, .. }
                | CasesCommand::Assign { send, .. }
                | CasesCommand::Escalate { send, .. }
                | CasesCommand::Comment { send, .. }
                | CasesCommand::Close { send, .. },
            )
            | Script::Alerts(
                AlertsCommand::Resolve { send, .. }
                | AlertsCommand::Acknowledge { send, .. }
                | AlertsCommand::Escalate { send, .. },
            )
            | Script::Risk(
                RiskCommand::Approve { send, .. } | RiskCommand::Override { send, .. },
            ) => Some(send),
        }
    }

    /// The free-text options, each with its flag, for reading `-` from stdin.
    fn texts(&mut self) -> Vec<(&'static str, &mut String)> {
        match self {
            Script::Cases(CasesCommand::Escalate { reason, .. })
            | Script::Alerts(AlertsCommand::Escalate { reason, .. }) => vec![("--reason", reason)],
            Script::Cases(CasesCommand::Comment { body, .. }) => vec![("--body", body)],
            Script::Cases(CasesCommand::Close { summary, .. }) => vec![("--summary", summary)],
            Script::Alerts(AlertsCommand::Resolve {
                rationale,
                conditions,
                ..
            }) => {
                let mut v = vec![("--rationale", rationale)];
                v.extend(conditions.as_mut().map(|c| ("--conditions", c)));
                v
            }
            Script::Risk(RiskCommand::Approve { notes, .. }) => {
                notes.as_mut().map(|n| ("--notes", n)).into_iter().collect()
            }
            Script::Risk(RiskCommand::Override { justification, .. }) => {
                vec![("--justification", justification)]
            }
            _ => vec![],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Failures and exit codes

/// Why a command failed, with its exit code.
#[derive(Debug)]
struct Failure {
    exit: i32,
    /// For `--json` when there is no provider error: `usage`, `not_found`, `read_only`,
    /// `unsupported`, `timeout`, `error`.
    kind: &'static str,
    message: String,
    error: Option<Box<ProviderError>>,
    /// The outbox entry, once there is one.
    entry: Option<i64>,
    /// Whether the entry is still queued (a later run sends it).
    queued: bool,
    /// For an action on alerts: what became of each alert, in the order given.
    results: Vec<ItemResult>,
    /// The command already printed its JSON (an import's summary): only the line on stderr.
    silent_json: bool,
}

impl Failure {
    fn new(exit: i32, kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            exit,
            kind,
            message: message.into(),
            error: None,
            entry: None,
            queued: false,
            results: vec![],
            silent_json: false,
        }
    }

    fn usage(kind: &'static str, message: impl Into<String>) -> Self {
        Failure::new(EXIT_USAGE, kind, message)
    }

    fn other(message: impl Into<String>) -> Self {
        Failure::new(EXIT_OTHER, "error", message)
    }

    /// A provider call that failed, `context` saying which.
    fn provider(context: &str, e: ProviderError) -> Self {
        let (message, results) = match &e {
            // Each alert's code and message go to stdout (or `results`); this line says which
            // were refused.
            ProviderError::Bulk { items, .. } => (
                format!(
                    "{}: {}",
                    context.strip_suffix(": refused").unwrap_or(context),
                    bulk_summary(items)
                ),
                items.clone(),
            ),
            _ => (format!("{context}: {e}"), vec![]),
        };
        Failure {
            exit: exit_code(&e),
            kind: "provider",
            message,
            error: Some(Box::new(e)),
            entry: None,
            queued: false,
            results,
            silent_json: false,
        }
    }

    /// For a review of `tokens` (alerts) that the API refused: a result per alert. A bulk
    /// refusal already has them; a refusal of the whole request refuses every alert with its
    /// code, message and request id. Nothing is added while the review is still queued.
    fn per_alert(mut self, tokens: &[String]) -> Self {
        if !self.results.is_empty() || self.queued || self.exit != EXIT_REFUSED {
            return self;
        }
        if let Some(ProviderError::Api {
            code,
            message,
            request_id,
            ..
        }) = self.error.as_deref()
        {
            self.results = tokens
                .iter()
                .map(|t| ItemResult {
                    token: t.clone(),
                    outcome: ItemOutcome::Refused {
                        code: Some(code.clone()),
                        message: message.clone(),
                    },
                    request_id: request_id.clone(),
                })
                .collect();
        }
        self
    }

    /// Says what went wrong: one line on stderr, and with `--json` an object on stdout. With a
    /// result per alert, each alert is a line on stdout (landed, or refused with the API's code,
    /// message and request id), or an item of `results` in the JSON.
    fn report(&self, json: bool) {
        eprintln!("docket: {}", clean_multiline(&self.message));
        if json && !self.silent_json {
            let error = match &self.error {
                Some(e) => error_json(e),
                None => json!({ "kind": self.kind, "message": self.message }),
            };
            emit(&to_json(&Refused {
                ok: false,
                entry: self.entry,
                queued: self.entry.map(|_| self.queued),
                error,
                results: self.results.iter().map(result_json).collect(),
            }));
        } else if !self.results.is_empty() {
            let rows: Vec<Vec<String>> = self.results.iter().map(result_row).collect();
            for line in output::table(&rows, &[40, 8, 60, 2000], 3, None) {
                emit(&line);
            }
        }
    }
}

/// A bulk refusal in one line: which alerts were refused, with which code, and which landed
/// (each alert's message is on stdout, or in `results`).
fn bulk_summary(results: &[ItemResult]) -> String {
    let landed: Vec<&str> = results
        .iter()
        .filter(|r| r.landed())
        .map(|r| r.token.as_str())
        .collect();
    let refused: Vec<String> = results
        .iter()
        .filter(|r| !r.landed())
        .map(|r| match &r.outcome {
            ItemOutcome::Refused {
                code: Some(code), ..
            } => format!("{} ({code})", r.token),
            ItemOutcome::Unknown { .. } => format!("{} (outcome unknown)", r.token),
            _ => r.token.clone(),
        })
        .collect();
    let mut line = format!(
        "{} of {} {} refused: {}",
        refused.len(),
        results.len(),
        if results.len() == 1 {
            "alert"
        } else {
            "alerts"
        },
        refused.join(", ")
    );
    if !landed.is_empty() {
        line.push_str(&format!("; landed: {}", landed.join(", ")));
    }
    line
}

/// One alert's result as a row: token, outcome, request id, the API's code and message.
fn result_row(r: &ItemResult) -> Vec<String> {
    let (outcome, detail) = match &r.outcome {
        ItemOutcome::Landed => ("landed", String::new()),
        ItemOutcome::Refused { code, message } => (
            "refused",
            match code {
                Some(code) if message.is_empty() => c(code),
                Some(code) => format!("{}: {}", c(code), c(message)),
                None => c(message),
            },
        ),
        ItemOutcome::Unknown { message } => ("unknown", c(message)),
    };
    vec![
        c(&r.token),
        outcome.to_string(),
        r.request_id
            .as_deref()
            .map(|id| format!("request {}", c(id)))
            .unwrap_or_else(|| "—".into()),
        detail,
    ]
}

/// One alert's result in `--json`: `{"alert","landed":true,"request_id"}`, or with
/// `"landed":false` (`null` when the API did not say) and `"error":{"code","message",
/// "request_id"}`.
fn result_json(r: &ItemResult) -> Value {
    match &r.outcome {
        ItemOutcome::Landed => {
            json!({ "alert": r.token, "landed": true, "request_id": r.request_id })
        }
        ItemOutcome::Refused { code, message } => json!({
            "alert": r.token,
            "landed": false,
            "error": { "code": code, "message": message, "request_id": r.request_id },
        }),
        ItemOutcome::Unknown { message } => json!({
            "alert": r.token,
            "landed": null,
            "error": { "code": null, "message": message, "request_id": r.request_id },
        }),
    }
}

/// `--json` for a command that failed.
#[derive(serde::Serialize)]
struct Refused {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<i64>,
    /// Whether the entry stays queued (a later docket run sends it).
    #[serde(skip_serializing_if = "Option::is_none")]
    queued: Option<bool>,
    error: Value,
    /// For an action on alerts, one result per alert.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    results: Vec<Value>,
}

/// The exit code for a provider error: 4 for no answer, 429 and 5xx; 3 for any other API
/// refusal; 2 for a request the provider would not send; 1 for an answer it could not read.
pub fn exit_code(e: &ProviderError) -> i32 {
    match e {
        ProviderError::Transport { .. } => EXIT_UNAVAILABLE,
        ProviderError::Api { .. } if e.is_transient() => EXIT_UNAVAILABLE,
        ProviderError::Api { .. } | ProviderError::Bulk { .. } => EXIT_REFUSED,
        ProviderError::Invalid(_) => EXIT_USAGE,
        ProviderError::Decode { .. } => EXIT_OTHER,
    }
}

/// A provider error as JSON: its serde form (`kind`, `status`, `code`, `message`,
/// `request_id`, ...). A bulk refusal is `{"kind":"bulk","message","landed","refused"}`, each
/// alert being in `results`.
fn error_json(e: &ProviderError) -> Value {
    match e {
        ProviderError::Bulk { action, items } => {
            let landed = items.iter().filter(|i| i.landed()).count();
            json!({
                "kind": "bulk",
                "action": action,
                "code": e.code(),
                "message": e.to_string(),
                "landed": landed,
                "refused": items.len() - landed,
            })
        }
        _ => serde_json::to_value(e).unwrap_or_else(|_| json!({ "message": e.to_string() })),
    }
}

// ---------------------------------------------------------------------------------------------
// Running

/// What a command works with.
struct Ctx {
    provider: Arc<dyn Provider>,
    label: String,
    /// The profile's user id, for APIs that cannot say who the key belongs to.
    user: Option<String>,
    /// The key's fingerprint: the identity the outbox files this command's review under.
    key_fp: String,
}

/// Runs one scriptable command and returns its exit code. Results go to stdout, errors to
/// stderr.
pub async fn run(args: &ConsoleArgs, mut script: Script) -> i32 {
    let json = script.json();
    match execute(args, &mut script).await {
        Ok(()) => EXIT_OK,
        Err(f) => {
            f.report(json);
            f.exit
        }
    }
}

async fn execute(args: &ConsoleArgs, script: &mut Script) -> Result<(), Failure> {
    // Everything that can be checked without the network is checked first.
    let path =
        crate::session::config_path(args).map_err(|e| Failure::usage("usage", e.to_string()))?;
    let (file, _) =
        crate::config::load(&path).map_err(|e| Failure::usage("usage", e.to_string()))?;
    if args.api_url.is_some() && args.profile.len() > 1 {
        return Err(Failure::usage(
            "usage",
            "--api-url opens one API; merge several with --profile a --profile b instead",
        ));
    }
    let (name, profile) = crate::session::select_profile(args, &file, &path)
        .map_err(|e| Failure::usage("usage", e.to_string()))?;
    let read_only = args.read_only
        || profile.as_ref().and_then(|p| p.read_only) == Some(true)
        || args
            .profile
            .iter()
            .any(|n| file.profiles.get(n).and_then(|p| p.read_only) == Some(true));
    if read_only && script.writes() {
        return Err(Failure::usage(
            "read_only",
            "read-only (--read-only or the profile's read_only): refusing to write; nothing was queued",
        ));
    }
    read_stdin(script)?;

    let embedded = args.api_url.is_none() && profile.is_none();
    let Session {
        provider,
        label,
        user,
        key_fp,
        sandbox,
        notice,
        ..
    } = crate::session::open(args, &file, &path, name, profile.as_ref())
        .await
        .map_err(|e| {
            let text = format!("{e:#}");
            if embedded {
                Failure::other(text)
            } else {
                Failure::usage("usage", text)
            }
        })?;
    if let Some(n) = notice {
        eprintln!("docket: {}", c(&n));
    }
    let ctx = Ctx {
        provider,
        label,
        user,
        key_fp,
    };
    let result = dispatch(&ctx, script).await;
    if let Some(sb) = sandbox
        && let Err(e) = sb.shutdown().await
    {
        tracing::warn!(error = %e, "the embedded sandbox did not stop cleanly");
    }
    result
}

/// Replaces a `-` text option with stdin (at most one option may read it).
fn read_stdin(script: &mut Script) -> Result<(), Failure> {
    let mut texts = script.texts();
    let dashes: Vec<&'static str> = texts
        .iter()
        .filter(|(_, v)| v.as_str() == "-")
        .map(|(f, _)| *f)
        .collect();
    if dashes.len() > 1 {
        return Err(Failure::usage(
            "usage",
            format!(
                "only one option can read stdin; {} all say -",
                dashes.join(" and ")
            ),
        ));
    }
    if let Some((flag, value)) = texts.iter_mut().find(|(_, v)| v.as_str() == "-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage("usage", format!("cannot read {flag} from stdin: {e}")))?;
        **value = text.trim_end().to_string();
    }
    Ok(())
}

async fn dispatch(ctx: &Ctx, script: &Script) -> Result<(), Failure> {
    match script {
        Script::Cases(CasesCommand::List(a)) => read::list(ctx, a).await,
        Script::Cases(CasesCommand::Show { case, json }) => read::show(ctx, case, *json).await,
        Script::Cases(cmd) => review::cases(ctx, cmd).await,
        Script::Alerts(cmd) => review::alerts(ctx, cmd).await,
        Script::Risk(cmd) => review::risk(ctx, cmd).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Lookups

/// The whole queue, as the provider lists it.
async fn queue(ctx: &Ctx) -> Result<Vec<Case>, Failure> {
    Ok(ctx
        .provider
        .queue()
        .await
        .map_err(|e| Failure::provider("cannot read the queue", e))?
        .unwrap_or_default())
}

/// The case a name (`CAS-000123`, any case) or token names, from the queue.
async fn find_case(ctx: &Ctx, arg: &str) -> Result<Case, Failure> {
    let cases = queue(ctx).await?;
    lookup(cases, arg)?.ok_or_else(|| {
        Failure::usage(
            "not_found",
            format!("no case {} in the queue of {}", c(arg), c(&ctx.label)),
        )
    })
}

/// What a write acts on: a case's token, and what to call it in the entry's title.
struct Target {
    token: String,
    name: String,
}

/// The case a write names. A token (see [`token_of`]) is taken as is, with no read, so the
/// write is queued even while the API is down; a name (`CAS-000123`) is looked up in the queue.
async fn write_target(ctx: &Ctx, arg: &str) -> Result<Target, Failure> {
    if let Some(token) = token_of(ctx, arg, Kind::Case) {
        return Ok(Target {
            name: token.clone(),
            token,
        });
    }
    let cases = ctx.provider.queue().await.map_err(|e| {
        let mut f = Failure::provider(&format!("cannot read the queue to find case {}", c(arg.trim())), e);
        f.message = format!(
            "{}; give the case's token instead (`docket cases list --json` prints it) to queue the review without reading",
            f.message
        );
        f
    })?;
    let case = lookup(cases.unwrap_or_default(), arg)?.ok_or_else(|| {
        Failure::usage(
            "not_found",
            format!("no case {} in the queue of {}", c(arg), c(&ctx.label)),
        )
    })?;
    Ok(Target {
        token: case.token,
        name: case.name,
    })
}

/// What a token names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Case,
    /// A risk assessment.
    Assessment,
}

/// `arg` as a token of this kind, when it is shaped as the provider writes them: Zenoo's
/// `cas_…` and `rsk_…`, Persona's `inq_…`, Amiqus's numbers, KarmaCheck's UUIDs; with merged
/// profiles, qualified with an open profile's name (`a|cas_…`). Names (`CAS-000123`,
/// `KC-f252d717`, `Case 42`) are not tokens.
fn token_of(ctx: &Ctx, arg: &str, kind: Kind) -> Option<String> {
    token_in(
        ctx.provider.capabilities().vendor,
        &ctx.provider.sources(),
        arg,
        kind,
    )
}

/// [`token_of`] for a provider of `vendor`, or merged `sources` when there are any.
fn token_in(
    vendor: Vendor,
    sources: &[(String, Capabilities)],
    arg: &str,
    kind: Kind,
) -> Option<String> {
    let arg = arg.trim();
    let shaped = if sources.is_empty() {
        token_shaped(vendor, arg, kind)
    } else {
        let (source, own) = arg.split_once(crate::provider::merged::SEP)?;
        let (_, caps) = sources.iter().find(|(n, _)| n == source)?;
        token_shaped(caps.vendor, own, kind)
    };
    shaped.then(|| arg.to_string())
}

fn token_shaped(vendor: Vendor, s: &str, kind: Kind) -> bool {
    let prefixed = |p: &str| {
        s.strip_prefix(p).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        })
    };
    match (vendor, kind) {
        (Vendor::Zenoo, Kind::Case) => prefixed("cas_"),
        (Vendor::Zenoo, Kind::Assessment) => prefixed("rsk_"),
        (Vendor::Persona, Kind::Case) => prefixed("inq_"),
        (Vendor::Amiqus, Kind::Case) => !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit()),
        (Vendor::KarmaCheck, Kind::Case) => {
            s.len() == 36
                && s.char_indices().all(|(i, ch)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        ch == '-'
                    } else {
                        ch.is_ascii_hexdigit()
                    }
                })
        }
        (_, Kind::Assessment) => false,
    }
}

/// A case by token, else by name (ignoring case); two cases with that name are ambiguous.
fn lookup(cases: Vec<Case>, arg: &str) -> Result<Option<Case>, Failure> {
    let arg = arg.trim();
    if let Some(i) = cases.iter().position(|x| x.token == arg) {
        return Ok(cases.into_iter().nth(i));
    }
    let mut named: Vec<Case> = cases
        .into_iter()
        .filter(|x| x.name.eq_ignore_ascii_case(arg))
        .collect();
    match named.len() {
        0 => Ok(None),
        1 => Ok(named.pop()),
        _ => Err(Failure::usage(
            "usage",
            format!(
                "{} names {} cases; give a token instead: {}",
                c(arg),
                named.len(),
                named
                    .iter()
                    .map(|x| c(&x.token))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The id of the user the key belongs to, or the profile's `user`.
async fn me(ctx: &Ctx) -> Result<String, Failure> {
    match ctx.provider.me().await {
        Ok(Some(u)) => Ok(u.id),
        Ok(None) => ctx.user.clone().ok_or_else(|| {
            Failure::usage(
                "usage",
                "cannot tell who you are: this API does not say whom a key belongs to; set `user` in the profile",
            )
        }),
        Err(e) => match &ctx.user {
            Some(u) => Ok(u.clone()),
            None => Err(Failure::provider("cannot tell who you are", e)),
        },
    }
}

/// A user id for `--to`: an id or a name the API lists, or the value as given where the API
/// lists no users.
async fn user_id(ctx: &Ctx, arg: &str) -> Result<String, Failure> {
    let users = match ctx.provider.users().await {
        Ok(Some(u)) => u,
        Ok(None) => return Ok(arg.to_string()),
        Err(e) => return Err(Failure::provider("cannot list users", e)),
    };
    if let Some(u) = users.iter().find(|u| u.id == arg) {
        return Ok(u.id.clone());
    }
    let named: Vec<_> = users
        .iter()
        .filter(|u| u.name.eq_ignore_ascii_case(arg.trim()))
        .collect();
    if let [one] = named.as_slice() {
        return Ok(one.id.clone());
    }
    let known: Vec<String> = users
        .iter()
        .filter(|u| u.can_write)
        .map(|u| format!("{} ({})", c(&u.id), c(&u.name)))
        .collect();
    Err(Failure::usage(
        "usage",
        format!(
            "no user {} to assign to; users: {}",
            c(arg),
            if known.is_empty() {
                "none listed".to_string()
            } else {
                known.join(", ")
            }
        ),
    ))
}

/// Refuses what the provider cannot do, with its reason.
fn able(caps: &Capabilities, what: Feature) -> Result<(), Failure> {
    match caps.why_not(what) {
        Some(reason) => Err(Failure::usage("unsupported", reason)),
        None => Ok(()),
    }
}

/// A required text option: not blank, at most `max` characters.
fn required(flag: &str, text: &str, max: usize) -> Result<String, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage("usage", format!("{flag} must not be empty")));
    }
    limited(flag, text, max)
}

fn limited(flag: &str, text: &str, max: usize) -> Result<String, Failure> {
    let n = text.chars().count();
    if n > max {
        return Err(Failure::usage(
            "usage",
            format!("{flag} is {n} characters; the limit is {max}"),
        ));
    }
    Ok(text.to_string())
}

/// Spelling-insensitive form of a status: `in-progress`, `In Progress` and `in_progress` are
/// the same.
fn status_key(s: &str) -> String {
    s.chars()
        .filter(|ch| !matches!(ch, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Tokens in the order given, each once.
fn unique(tokens: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    tokens
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_told_from_a_name_per_vendor_and_per_merged_source() {
        let none: &[(String, Capabilities)] = &[];
        let case = |v, a: &str| token_in(v, none, a, Kind::Case);
        assert_eq!(case(Vendor::Zenoo, " cas_1-aB "), Some("cas_1-aB".into()));
        assert_eq!(case(Vendor::Zenoo, "CAS-000123"), None);
        assert_eq!(case(Vendor::Zenoo, "cas_"), None);
        assert_eq!(case(Vendor::Zenoo, "cas_1 x"), None);
        assert_eq!(
            case(Vendor::Persona, "inq_29Yd6k"),
            Some("inq_29Yd6k".into())
        );
        assert_eq!(case(Vendor::Persona, "Ada Lindqvist"), None);
        assert_eq!(case(Vendor::Amiqus, "42"), Some("42".into()));
        assert_eq!(case(Vendor::Amiqus, "Case 42"), None);
        let uuid = "f252d717-9bc8-4d21-85b4-5fd29645226a";
        assert_eq!(case(Vendor::KarmaCheck, uuid), Some(uuid.into()));
        assert_eq!(case(Vendor::KarmaCheck, "KC-f252d717"), None);
        assert_eq!(
            token_in(Vendor::Zenoo, none, "rsk_9", Kind::Assessment),
            Some("rsk_9".into())
        );
        assert_eq!(
            token_in(Vendor::Zenoo, none, "cas_9", Kind::Assessment),
            None
        );
        assert_eq!(token_in(Vendor::Amiqus, none, "42", Kind::Assessment), None);

        // Merged: only a token qualified with an open profile, shaped as its vendor's.
        let sources = vec![
            ("z".to_string(), Capabilities::none(Vendor::Zenoo)),
            ("a".to_string(), Capabilities::none(Vendor::Amiqus)),
        ];
        let merged = |a: &str| token_in(Vendor::Zenoo, &sources, a, Kind::Case);
        assert_eq!(merged("z|cas_1"), Some("z|cas_1".into()));
        assert_eq!(merged("a|42"), Some("a|42".into()));
        assert_eq!(merged("a|cas_1"), None);
        assert_eq!(merged("x|cas_1"), None);
        assert_eq!(merged("cas_1"), None);
        assert_eq!(merged("CAS-000123"), None);
    }
}
