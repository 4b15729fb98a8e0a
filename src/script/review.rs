//! The review actions: each builds a [`Submission`], writes it to the outbox and waits for it to
//! land or be refused.

use std::io::IsTerminal;
use std::time::Duration;

use super::output::{c, emit, to_json};
use super::{
    AlertsCommand, CasesCommand, Ctx, EXIT_UNAVAILABLE, Failure, Kind, RiskCommand, SendArgs, able,
    limited, lookup, me, plural, queue, required, status_key, token_of, unique, user_id,
    write_target,
};
use crate::domain::review::Submission;
use crate::domain::{CaseStatus, Decision, ResolutionAction};
use crate::provider::api::Created;
use crate::provider::{Capabilities, Feature, Irreversible, ProviderError};
use crate::sync::outbox::{Backoff, Event, Outbox};
use crate::sync::store::EntryState;
use crate::text::sanitize::clean_multiline;

/// `--json` for a review that landed.
#[derive(serde::Serialize)]
struct Landed<'a> {
    ok: bool,
    entry: i64,
    landed: &'a str,
    /// For alert actions, one per alert, as when some are refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    results: Vec<serde_json::Value>,
    /// For a creation: what it made, or found already there.
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<Created>,
}

pub(super) async fn cases(ctx: &Ctx, cmd: &CasesCommand) -> Result<(), Failure> {
    match cmd {
        CasesCommand::List(a) => super::read::list(ctx, a).await,
        CasesCommand::Show { case, json } => super::read::show(ctx, case, *json).await,
        CasesCommand::Create(a) => super::create::create(ctx, a).await,
        CasesCommand::Import(a) => super::import::import(ctx, a).await,
        CasesCommand::Status { case, to, send } => {
            let case = write_target(ctx, case).await?;
            let caps = ctx.provider.capabilities_for(&case.token);
            able(&caps, Feature::ChangeStatus)?;
            let submission = if caps.vendor_statuses.is_empty() {
                let status = CaseStatus::ALL
                    .iter()
                    .copied()
                    .find(|s| status_key(s.as_str()) == status_key(to))
                    .ok_or_else(|| {
                        Failure::usage(
                            "usage",
                            format!(
                                "unknown status {}; statuses: {}",
                                c(to),
                                CaseStatus::ALL
                                    .iter()
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?;
                match status {
                    CaseStatus::Closed => {
                        return Err(Failure::usage(
                            "usage",
                            "closing records a decision: use `docket cases close CASE --decision ... --summary ...`",
                        ));
                    }
                    CaseStatus::Escalated => {
                        return Err(Failure::usage(
                            "usage",
                            "escalating records a reason: use `docket cases escalate CASE --reason ...`",
                        ));
                    }
                    _ => {}
                }
                Submission::Status {
                    case: case.token.clone(),
                    to: status,
                }
            } else {
                let status = caps
                    .vendor_statuses
                    .iter()
                    .find(|s| status_key(s) == status_key(to))
                    .ok_or_else(|| {
                        Failure::usage(
                            "usage",
                            format!(
                                "unknown status {}; {}'s statuses: {}",
                                c(to),
                                caps.vendor.title(),
                                caps.vendor_statuses
                                    .iter()
                                    .map(|s| c(s))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?;
                Submission::SetStatus {
                    case: case.token.clone(),
                    status: status.clone(),
                }
            };
            let title = format!("Change status of {}", case.name);
            deliver(ctx, &title, &submission, send).await
        }
        CasesCommand::Assign { case, to, send } => {
            let case = write_target(ctx, case).await?;
            let caps = ctx.provider.capabilities_for(&case.token);
            able(&caps, Feature::Assign)?;
            let (user, title) = match to.trim() {
                "none" => (None, format!("Unassign {}", case.name)),
                "me" => (Some(me(ctx).await?), format!("Assign {} to me", case.name)),
                other => {
                    let id = user_id(ctx, other).await?;
                    let title = format!("Assign {} to {id}", case.name);
                    (Some(id), title)
                }
            };
            let submission = Submission::Assign {
                case: case.token.clone(),
                user,
            };
            deliver(ctx, &title, &submission, send).await
        }
        CasesCommand::Escalate { case, reason, send } => {
            let reason = required("--reason", reason, crate::app::flow::REASON_MAX)?;
            let case = write_target(ctx, case).await?;
            able(
                &ctx.provider.capabilities_for(&case.token),
                Feature::EscalateCase,
            )?;
            let submission = Submission::EscalateCase {
                case: case.token.clone(),
                reason,
            };
            deliver(ctx, &format!("Escalate {}", case.name), &submission, send).await
        }
        CasesCommand::Comment { case, body, send } => {
            let body = required("--body", body, crate::app::flow::COMMENT_MAX)?;
            let case = write_target(ctx, case).await?;
            able(
                &ctx.provider.capabilities_for(&case.token),
                Feature::AddComment,
            )?;
            let submission = Submission::Comment {
                case: case.token.clone(),
                body,
            };
            deliver(ctx, &format!("Comment on {}", case.name), &submission, send).await
        }
        CasesCommand::Close {
            case,
            decision,
            summary,
            yes,
            send,
        } => {
            let summary = required("--summary", summary, crate::app::flow::RATIONALE_MAX)?;
            let case = write_target(ctx, case).await?;
            let caps = ctx.provider.capabilities_for(&case.token);
            able(&caps, Feature::Close)?;
            if let Some(note) = &caps.decision_note {
                eprintln!("docket: note: {}", c(note));
            }
            let decision: Decision = (*decision).into();
            if let Some(irreversible) = caps.irreversible(decision) {
                confirm(&case.name, decision, irreversible, &summary, *yes).await?;
            }
            let submission = Submission::Close {
                case: case.token.clone(),
                decision,
                summary,
            };
            deliver(ctx, &format!("Close {}", case.name), &submission, send).await
        }
    }
}

pub(super) async fn alerts(ctx: &Ctx, cmd: &AlertsCommand) -> Result<(), Failure> {
    match cmd {
        AlertsCommand::Resolve {
            tokens,
            action,
            rationale,
            conditions,
            false_positive,
            send,
        } => {
            let tokens = unique(tokens);
            let action: ResolutionAction = (*action).into();
            let rationale = required("--rationale", rationale, crate::app::flow::RATIONALE_MAX)?;
            let conditions = match (action, conditions) {
                (ResolutionAction::ApproveWithConditions, Some(text)) => Some(required(
                    "--conditions",
                    text,
                    crate::app::flow::REASON_MAX,
                )?),
                (ResolutionAction::ApproveWithConditions, None) => {
                    return Err(Failure::usage(
                        "usage",
                        "--action approve-with-conditions needs --conditions",
                    ));
                }
                (_, Some(_)) => {
                    return Err(Failure::usage(
                        "usage",
                        "--conditions goes only with --action approve-with-conditions",
                    ));
                }
                (_, None) => None,
            };
            let caps = alert_caps(ctx, &tokens)?;
            able(&caps, Feature::ResolveAlerts)?;
            if !caps.resolution_actions.contains(&action) {
                return Err(Failure::usage(
                    "unsupported",
                    format!(
                        "{}'s API cannot resolve an alert with {action}; it can: {}",
                        caps.vendor.title(),
                        caps.resolution_actions
                            .iter()
                            .map(|a| a.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            if *false_positive && !caps.false_positive {
                return Err(Failure::usage(
                    "unsupported",
                    format!(
                        "{}'s API cannot mark an alert a false positive",
                        caps.vendor.title()
                    ),
                ));
            }
            let title = format!(
                "{}{} {}",
                action.as_str(),
                if *false_positive {
                    " as false positive"
                } else {
                    ""
                },
                plural(tokens.len(), "alert")
            );
            let submission = Submission::Resolve {
                tokens: tokens.clone(),
                action,
                rationale,
                false_positive: *false_positive,
                conditions,
            };
            deliver(ctx, &title, &submission, send)
                .await
                .map_err(|f| f.per_alert(&tokens))
        }
        AlertsCommand::Acknowledge { tokens, send } => {
            let tokens = unique(tokens);
            let caps = alert_caps(ctx, &tokens)?;
            able(&caps, Feature::AcknowledgeAlerts)?;
            let title = format!("Acknowledge {}", plural(tokens.len(), "alert"));
            let submission = Submission::Acknowledge {
                tokens: tokens.clone(),
            };
            deliver(ctx, &title, &submission, send)
                .await
                .map_err(|f| f.per_alert(&tokens))
        }
        AlertsCommand::Escalate {
            token,
            reason,
            send,
        } => {
            let reason = required("--reason", reason, crate::app::flow::REASON_MAX)?;
            let token = token.trim().to_string();
            let caps = alert_caps(ctx, std::slice::from_ref(&token))?;
            able(&caps, Feature::EscalateAlerts)?;
            let title = format!("Escalate alert {token}");
            deliver(
                ctx,
                &title,
                &Submission::EscalateAlert { token, reason },
                send,
            )
            .await
        }
    }
}

/// Before a decision that cannot be undone: says on stderr what it does and prints the text
/// that will leave, then goes on only with `--yes`, or when "yes" is typed at the terminal
/// (stdin and stderr both one). Otherwise it is refused (exit 2) and nothing is sent.
async fn confirm(
    case: &str,
    decision: Decision,
    what: &Irreversible,
    summary: &str,
    yes: bool,
) -> Result<(), Failure> {
    eprintln!(
        "docket: {decision} on {} {}. This cannot be undone.",
        c(case),
        c(&what.effect)
    );
    if let Some(who) = &what.summary_sent_to {
        eprintln!("docket: {} will see this text:", c(who));
        for line in clean_multiline(summary.trim()).lines() {
            eprintln!("    {line}");
        }
    }
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Failure::usage(
            "not_confirmed",
            format!(
                "{decision} on {} cannot be undone; add --yes to send it (there is no terminal \
                 to ask on). Nothing was sent.",
                c(case)
            ),
        ));
    }
    eprint!("docket: type yes to send it: ");
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| Failure::other(format!("cannot read the answer: {e}")))?
    .map_err(|e| Failure::other(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "yes" | "y") {
        Ok(())
    } else {
        Err(Failure::usage(
            "not_confirmed",
            format!("{decision} on {} not confirmed. Nothing was sent.", c(case)),
        ))
    }
}

/// What the provider can do with these alerts; several at once must be something it can do.
fn alert_caps(ctx: &Ctx, tokens: &[String]) -> Result<Capabilities, Failure> {
    let first = tokens
        .first()
        .ok_or_else(|| Failure::usage("usage", "no alert token given"))?;
    let caps = ctx.provider.capabilities_for(first);
    if tokens.len() > 1 {
        able(&caps, Feature::BulkAlerts)?;
    }
    Ok(caps)
}

pub(super) async fn risk(ctx: &Ctx, cmd: &RiskCommand) -> Result<(), Failure> {
    match cmd {
        RiskCommand::Approve {
            assessment,
            notes,
            send,
        } => {
            let notes = match notes {
                Some(n) if !n.trim().is_empty() => {
                    Some(limited("--notes", n, crate::app::flow::REASON_MAX)?)
                }
                _ => None,
            };
            let (token, of) = assessment_of(ctx, assessment).await?;
            let title = format!("Approve the risk assessment of {of}");
            let submission = Submission::ApproveRisk {
                assessment: token,
                notes,
            };
            deliver(ctx, &title, &submission, send).await
        }
        RiskCommand::Override {
            assessment,
            tier,
            justification,
            send,
        } => {
            let justification = required(
                "--justification",
                justification,
                crate::app::flow::REASON_MAX,
            )?;
            let (token, of) = assessment_of(ctx, assessment).await?;
            let title = format!("Override the risk tier of {of}");
            let submission = Submission::OverrideRisk {
                assessment: token,
                tier: (*tier).into(),
                justification,
            };
            deliver(ctx, &title, &submission, send).await
        }
    }
}

/// The assessment token `arg` names, and what to call it in a title: a case (by name or token)
/// stands for its current assessment; anything else is taken as an assessment token.
async fn assessment_of(ctx: &Ctx, arg: &str) -> Result<(String, String), Failure> {
    // An assessment's token needs no read; a case's token reads only its assessment.
    if let Some(token) = token_of(ctx, arg, Kind::Assessment) {
        able(&ctx.provider.capabilities_for(&token), Feature::Risk)?;
        return Ok((token.clone(), token));
    }
    let found = match token_of(ctx, arg, Kind::Case) {
        Some(token) => Some((token.clone(), token)),
        None => lookup(queue(ctx).await?, arg)?.map(|case| (case.token, case.name)),
    };
    match found {
        Some((case, name)) => {
            able(&ctx.provider.capabilities_for(&case), Feature::Risk)?;
            let a = ctx
                .provider
                .risk(&case)
                .await
                .map_err(|e| Failure::provider("cannot read the risk assessment", e))?
                .ok_or_else(|| {
                    Failure::usage("not_found", format!("{} has no risk assessment", c(&name)))
                })?;
            Ok((a.token, name))
        }
        None => {
            let token = arg.trim().to_string();
            able(&ctx.provider.capabilities_for(&token), Feature::Risk)?;
            Ok((token.clone(), token))
        }
    }
}

/// Who this command writes as: the key's identity and, where the API says, its user. A key the
/// API says cannot write is refused here, before anything is queued.
async fn author(ctx: &Ctx, outbox: &Outbox) -> Result<(), Failure> {
    let cache_key = format!("me:{}", ctx.key_fp);
    let me = match ctx.provider.me().await {
        Ok(Some(u)) => {
            outbox.cache_put(&cache_key, &u);
            Some(u)
        }
        Ok(None) => None,
        // The key itself refused: nothing would ever go out with it.
        Err(e) if e.is_key_refused() => {
            let mut f = Failure::provider("the API refused the key", e);
            f.message = format!(
                "{}; check the key with `docket doctor`. Nothing was queued",
                f.message
            );
            return Err(f);
        }
        // Offline: as last known for this key.
        Err(_) => outbox
            .cache_get::<crate::domain::model::User>(&cache_key)
            .map(|(u, _)| u),
    };
    if let Some(u) = &me
        && !u.can_write
    {
        return Err(Failure::usage(
            "read_only",
            format!(
                "read-only: the API says the key of {} ({}) cannot write; nothing was queued",
                c(&u.name),
                c(u.role.as_deref().unwrap_or("no role"))
            ),
        ));
    }
    let me = me.or_else(|| {
        ctx.user.as_ref().map(|id| crate::domain::model::User {
            id: id.clone(),
            name: id.clone(),
            email: None,
            role: None,
            can_write: true,
        })
    });
    outbox.set_user(me.as_ref());
    Ok(())
}

/// The local outbox, opened as this command's identity with its author known (a key the API
/// says cannot write is refused here, before anything is queued).
pub(super) async fn authored_outbox(ctx: &Ctx) -> Result<Outbox, Failure> {
    let store = crate::session::store_path().map_err(|e| Failure::other(e.to_string()))?;
    let identity = crate::sync::identity::Identity::new(&ctx.label, &ctx.key_fp);
    let outbox = Outbox::open(&store, &identity).map_err(|e| {
        Failure::other(format!(
            "cannot open the local store {}: {e}",
            store.display()
        ))
    })?;
    author(ctx, &outbox).await?;
    Ok(outbox)
}

/// Writes the submission to the outbox as this identity, starts the sender, and waits for that
/// entry to land or be refused, at most `--wait-secs`. Entries other keys left are held, never
/// sent with this one.
pub(super) async fn deliver(
    ctx: &Ctx,
    title: &str,
    submission: &Submission,
    send: &SendArgs,
) -> Result<(), Failure> {
    let outbox = authored_outbox(ctx).await?;
    // The case it acts on, when it names one: it orders the entry behind the case's others.
    let case = submission.targets().into_iter().find_map(|t| match t {
        crate::domain::review::Target::Case(c) => Some(c),
        _ => None,
    });
    let id = outbox
        .enqueue(title, submission, case.as_deref())
        .map_err(|e| Failure::other(e.to_string()))?;
    if let Ok(counts) = outbox.counts() {
        for (who, n) in &counts.held {
            eprintln!(
                "docket: {} by {} {} held in the outbox: only their key sends {} (see the console's outbox, Ctrl-O)",
                plural(*n as usize, "review"),
                c(who),
                if *n == 1 { "is" } else { "are" },
                if *n == 1 { "it" } else { "them" },
            );
        }
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // One at a time, oldest first: entries an earlier run left go out before this one, and none
    // is cut off in flight when this one settles.
    let sender = outbox.start(ctx.provider.clone(), tx, Backoff::default(), 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(send.wait_secs);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last: Option<ProviderError> = None;
    let outcome = 'wait: loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(event) => {
                    if let Some(o) = on_event(event, id, &mut last) {
                        break o;
                    }
                }
                None => break Outcome::Waiting,
            },
            _ = tick.tick() => {
                // A console running on the same store may have sent it with its own sender.
                while let Ok(event) = rx.try_recv() {
                    if let Some(o) = on_event(event, id, &mut last) {
                        break 'wait o;
                    }
                }
                if let Some(o) = settled_elsewhere(&outbox, id, submission) {
                    break o;
                }
            }
            _ = tokio::time::sleep_until(deadline) => break Outcome::Waiting,
        }
    };
    sender.abort();
    let _ = sender.await;
    match outcome {
        Outcome::Landed(what, created) => {
            if send.json {
                let results = match submission {
                    Submission::Resolve { tokens, .. } | Submission::Acknowledge { tokens } => {
                        tokens
                            .iter()
                            .map(|t| serde_json::json!({ "alert": t, "landed": true }))
                            .collect()
                    }
                    _ => vec![],
                };
                emit(&to_json(&Landed {
                    ok: true,
                    entry: id,
                    landed: &what,
                    results,
                    created,
                }));
            } else {
                emit(&c(&what));
            }
            Ok(())
        }
        Outcome::Refused(error) => {
            // The caller has the refusal and the text; a failed entry left behind would wait
            // in the console's outbox for a resend nobody is going to make.
            if let Err(e) = outbox.discard(id) {
                tracing::warn!(error = %e, "cannot discard refused outbox entry {id}");
            }
            let mut f = Failure::provider(&format!("{title}: refused"), error);
            f.entry = Some(id);
            Err(f)
        }
        Outcome::KeyRefused(error) => {
            let mut f = Failure::provider(&format!("{title}: the API refused the key"), error);
            f.message = format!(
                "{}; check the key with `docket doctor`. The review stays queued as entry {id} and is sent by the next docket run whose key the API accepts",
                f.message
            );
            f.entry = Some(id);
            f.queued = true;
            Err(f)
        }
        Outcome::Discarded => Err(Failure {
            entry: Some(id),
            ..Failure::other(format!(
                "{title}: outbox entry {id} was discarded before it was sent (from a console sharing the local store)"
            ))
        }),
        Outcome::Waiting => {
            let why = last
                .as_ref()
                .map(|e| format!(" (last attempt: {e})"))
                .unwrap_or_default();
            let message = format!(
                "{title}: not landed within {}s{why}; it stays queued in the outbox as entry {id} and a later docket run (the console, or another review) sends it",
                send.wait_secs
            );
            let mut f = match last {
                Some(e) => {
                    let mut f = Failure::provider(title, e);
                    f.message = message;
                    f.exit = EXIT_UNAVAILABLE;
                    f
                }
                None => Failure::new(EXIT_UNAVAILABLE, "timeout", message),
            };
            f.entry = Some(id);
            f.queued = true;
            Err(f)
        }
    }
}

/// Where the entry being waited for stands.
enum Outcome {
    /// What landed, and for a creation what it made.
    Landed(String, Option<Created>),
    Refused(ProviderError),
    /// The API refused the key (401); the entry stays queued.
    KeyRefused(ProviderError),
    /// Someone discarded it from the outbox before it was sent.
    Discarded,
    /// Still queued.
    Waiting,
}

/// Handles one outbox event: the entry's outcome if the event settles it. Retries of the entry,
/// and the fate of entries an earlier run left pending, are told on stderr.
fn on_event(event: Event, id: i64, last: &mut Option<ProviderError>) -> Option<Outcome> {
    match event {
        Event::Landed {
            id: e,
            what,
            created,
            ..
        } if e == id => return Some(Outcome::Landed(what, created)),
        Event::Failed { id: e, error } if e == id => return Some(Outcome::Refused(error)),
        Event::KeyRefused { error, .. } => return Some(Outcome::KeyRefused(error)),
        Event::Retrying {
            id: e,
            error,
            retry_in,
            ..
        } if e == id => {
            eprintln!(
                "docket: not sent yet ({}); trying again in {:.1}s",
                c(&error.to_string()),
                retry_in.as_secs_f64()
            );
            *last = Some(error);
        }
        Event::Landed { id: e, what, .. } => {
            eprintln!(
                "docket: outbox entry {e} from an earlier run landed: {}",
                c(&what)
            );
        }
        Event::Failed { id: e, error } => {
            eprintln!(
                "docket: outbox entry {e} from an earlier run was refused: {}",
                c(&error.to_string())
            );
        }
        Event::Retrying { .. } | Event::Counts { .. } => {}
    }
    None
}

/// The entry's outcome when another sender on the same store (a console) settled it.
fn settled_elsewhere(outbox: &Outbox, id: i64, submission: &Submission) -> Option<Outcome> {
    match outbox.entries().ok()?.into_iter().find(|e| e.id == id) {
        Some(e) if e.state == EntryState::Failed => Some(Outcome::Refused(
            e.last_error
                .unwrap_or_else(|| ProviderError::Invalid("refused".into())),
        )),
        Some(_) => None,
        // No longer open: it landed (the local audit log has it), or it was discarded.
        None => Some(
            outbox
                .audit_log(false, 50)
                .ok()?
                .into_iter()
                .find(|r| r.submission.as_ref() == Some(submission))
                .map_or(Outcome::Discarded, |r| Outcome::Landed(r.outcome, None)),
        ),
    }
}
