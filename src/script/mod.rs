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
//! - `review`: the review actions; `deliver`: writing one to the outbox and waiting for it.
//! - `failure`: failures, exit codes and how they are reported; `lookup`: finding the case,
//!   user or token a command names.
//! - `create`: `cases create`, one flag per field of the provider's case form.
//! - `import`: `cases import`, a file of cases checked whole, then sent through the outbox.
//! - `output`: cleaned lines, tables and JSON.

mod args;
mod create;
mod deliver;
mod failure;
mod import;
mod lookup;
mod output;
mod read;
mod review;

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

pub use args::*;
pub use output::to_json;

use crate::domain::model::Case;
use crate::provider::{
    Capabilities, Feature, ItemOutcome, ItemResult, Provider, ProviderError, Vendor,
};
use crate::session::{ConsoleArgs, Session};
use crate::text::sanitize::clean_multiline;
pub use failure::exit_code;
use failure::*;
use lookup::*;
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
                | CasesCommand::Unassign { send, .. }
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
                RiskCommand::Approve { send, .. }
                | RiskCommand::Override { send, .. }
                | RiskCommand::Recalculate { send, .. },
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
// Running

/// What a command works with.
struct Ctx {
    provider: Arc<dyn Provider>,
    label: String,
    /// The profile's user id, for APIs that cannot say who the key belongs to.
    user: Option<String>,
    /// The key's fingerprint: the identity the outbox files this command's review under.
    key_fp: String,
    /// The console's views (`docket cases list --view NAME`).
    views: Vec<crate::app::queue::View>,
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
        views: crate::config::views_of(&file, profile.as_ref()),
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
