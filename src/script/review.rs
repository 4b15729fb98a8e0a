//! The review actions: each builds a [`Submission`] and hands it to `deliver`, which writes it
//! to the outbox and waits for it to land or be refused.

use std::io::IsTerminal;

use super::deliver::deliver;
use super::output::c;
use super::{
    AlertsCommand, CasesCommand, Ctx, Failure, Kind, RiskCommand, able, limited, lookup, me,
    plural, queue, required, status_key, token_of, unique, user_id, write_target,
};
use crate::domain::review::Submission;
use crate::domain::{CaseStatus, Decision, ResolutionAction};
use crate::provider::{Capabilities, Feature, Irreversible};
use crate::text::sanitize::clean_multiline;

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
        CasesCommand::Unassign { case, send } => {
            let case = write_target(ctx, case).await?;
            able(&ctx.provider.capabilities_for(&case.token), Feature::Assign)?;
            let submission = Submission::Assign {
                case: case.token.clone(),
                user: None,
            };
            deliver(ctx, &format!("Unassign {}", case.name), &submission, send).await
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
        CasesCommand::Escalate {
            case,
            reason,
            to,
            send,
        } => {
            let reason = required("--reason", reason, crate::app::flow::REASON_MAX)?;
            let case = write_target(ctx, case).await?;
            let caps = ctx.provider.capabilities_for(&case.token);
            able(&caps, Feature::EscalateCase)?;
            let escalate_to = escalate_to(ctx, &caps, to.as_deref()).await?;
            let submission = Submission::EscalateCase {
                case: case.token.clone(),
                reason,
                escalate_to,
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
            // Mentions are sent from the console, which knows the users; here the body goes as
            // written.
            let submission = Submission::Comment {
                case: case.token.clone(),
                body,
                mentions: vec![],
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
            to,
            send,
        } => {
            let reason = required("--reason", reason, crate::app::flow::REASON_MAX)?;
            let token = token.trim().to_string();
            let caps = alert_caps(ctx, std::slice::from_ref(&token))?;
            able(&caps, Feature::EscalateAlerts)?;
            let escalate_to = escalate_to(ctx, &caps, to.as_deref()).await?;
            let title = format!("Escalate alert {token}");
            deliver(
                ctx,
                &title,
                &Submission::EscalateAlert {
                    token,
                    reason,
                    escalate_to,
                },
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

/// The user `--to` names for an escalation, if any; refused in one line when the vendor's
/// escalations cannot name one.
async fn escalate_to(
    ctx: &Ctx,
    caps: &Capabilities,
    to: Option<&str>,
) -> Result<Option<String>, Failure> {
    let Some(to) = to.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if !caps.escalate_to {
        return Err(Failure::usage(
            "unsupported",
            format!(
                "{}'s API cannot escalate to a named user; leave out --to",
                caps.vendor.title()
            ),
        ));
    }
    Ok(Some(user_id(ctx, to).await?))
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
        RiskCommand::Recalculate { case, send } => {
            let case = write_target(ctx, case).await?;
            able(
                &ctx.provider.capabilities_for(&case.token),
                Feature::RecalculateRisk,
            )?;
            let submission = Submission::RecalculateRisk {
                case: case.token.clone(),
            };
            let title = format!("Recalculate the risk assessment of {}", case.name);
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
