//! `docket cases list` and `docket cases show`.

use std::collections::HashSet;

use jiff::Timestamp;

use super::output::{c, emit, num, o, table, terminal_width, to_json, when};
use super::{Ctx, Failure, ListArgs, find_case, me, queue, status_key};
use crate::domain::CaseStatus;
use crate::domain::model::{Alert, Assessment, Case, Check, Comment, Entity};
use crate::provider::ProviderError;
use crate::text::sanitize::clean_multiline;

/// A case and the parts of it the provider has (`docket cases show --json`).
#[derive(serde::Serialize)]
struct Detail {
    case: Case,
    #[serde(skip_serializing_if = "Option::is_none")]
    alerts: Option<Vec<Alert>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entities: Option<Vec<Entity>>,
    /// `null` when the provider has risk assessments but this case has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<Option<Assessment>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<Vec<Check>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<Vec<Comment>>,
}

/// The filters and sort `cases list` was asked for: a saved view's, then the options'.
fn list_filters(
    ctx: &Ctx,
    a: &ListArgs,
) -> Result<(crate::app::queue::Quick, crate::app::find::Sort), Failure> {
    use crate::app::find;
    let usage = |m: String| Failure::usage("usage", m);
    let (mut q, mut sort) = match &a.view {
        Some(name) => {
            let v = ctx
                .views
                .iter()
                .find(|v| v.name.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| {
                    usage(format!(
                        "no view {}; views: {}",
                        c(name),
                        ctx.views
                            .iter()
                            .map(|v| c(&v.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            (v.quick.clone(), v.sort)
        }
        None => Default::default(),
    };
    q.mine |= a.mine;
    q.unassigned |= a.unassigned;
    q.breached |= a.breached;
    q.closed |= a.closed;
    q.awaiting_me |= a.awaiting_approval;
    if let Some(r) = &a.risk {
        q.risk = Some(find::parse_risk(r).map_err(usage)?);
    }
    if let Some(t) = &a.case_type {
        q.case_type = Some(find::parse_type(t).map_err(usage)?);
    }
    if let Some(p) = &a.priority {
        q.priority = Some(find::parse_priority(p).map_err(usage)?);
    }
    if let Some(s) = &a.sla {
        q.sla = Some(find::parse_sla(s).map_err(usage)?);
    }
    if let Some(u) = a.assignee.as_deref().filter(|u| !u.trim().is_empty()) {
        q.assignee = Some(u.trim().to_string());
    }
    if let Some(s) = &a.sort {
        sort = find::Sort::parse(s).map_err(usage)?;
    }
    Ok((q, sort))
}

pub(super) async fn list(ctx: &Ctx, a: &ListArgs) -> Result<(), Failure> {
    let mut cases = queue(ctx).await?;
    let wanted: Vec<String> = a
        .status
        .iter()
        .map(|s| status_key(s))
        .filter(|s| !s.is_empty())
        .collect();
    if !wanted.is_empty() {
        // A status is known if Zenoo's lifecycle, the vendor, or a case in the queue has it:
        // a typo is an error, not an empty list.
        let caps = ctx.provider.capabilities();
        let mut known: Vec<String> = CaseStatus::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        known.extend(caps.vendor_statuses.iter().cloned());
        for (_, source) in ctx.provider.sources() {
            known.extend(source.vendor_statuses);
        }
        known.extend(cases.iter().map(|x| x.status.as_str().to_string()));
        let keys: HashSet<String> = known.iter().map(|s| status_key(s)).collect();
        if let Some((bad, _)) = a
            .status
            .iter()
            .zip(&wanted)
            .find(|(_, k)| !keys.contains(*k))
        {
            let mut names: Vec<String> = known.iter().map(|s| c(s)).collect();
            names.sort();
            names.dedup();
            return Err(Failure::usage(
                "usage",
                format!("unknown status {}; statuses: {}", c(bad), names.join(", ")),
            ));
        }
    }
    let (mut quick, sort) = list_filters(ctx, a)?;
    // An assignee named by name: the cases carry only the id.
    if let Some(name) = quick.assignee.clone()
        && let Ok(Some(users)) = ctx.provider.users().await
        && let Some(u) = users.iter().find(|u| u.name.eq_ignore_ascii_case(&name))
    {
        quick.assignee = Some(u.id.clone());
    }
    quick.closed |= !wanted.is_empty();
    let me = if quick.mine || quick.awaiting_me {
        Some(me(ctx).await?)
    } else {
        None
    };
    if let Some(text) = a.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // The API's search finds every name on a case; the loaded queue is searched too (and
        // alone where the API cannot search).
        let found = ctx
            .provider
            .search(text, 100)
            .await
            .map_err(|e| Failure::provider("cannot search the cases", e))?;
        let needle = text.to_lowercase();
        let tokens: HashSet<String> = found.iter().flatten().map(|x| x.token.clone()).collect();
        for x in found.into_iter().flatten() {
            if !cases.iter().any(|y| y.token == x.token) {
                cases.push(x);
            }
        }
        cases.retain(|x| {
            tokens.contains(&x.token) || crate::app::queue::haystack(&x.row()).contains(&needle)
        });
        // A search finds closed cases too, as in the console.
        quick.closed = true;
    }
    let mut cases = crate::app::queue::select(cases, &quick, sort, me.as_deref());
    cases.retain(|x| wanted.is_empty() || wanted.contains(&status_key(x.status.as_str())));
    if let Some(n) = a.limit {
        cases.truncate(n);
    }
    if a.json {
        emit(&to_json(&cases));
        return Ok(());
    }
    if cases.is_empty() {
        emit("No cases match.");
        return Ok(());
    }
    let now = Timestamp::now();
    let sourced = cases.iter().any(|x| x.source.is_some());
    let mut rows = vec![
        [
            "SLA", "CASE", "STATUS", "RISK", "ALERTS", "ASSIGNEE", "ENTITY",
        ]
        .map(String::from)
        .to_vec(),
    ];
    if sourced {
        rows[0].insert(0, "SOURCE".into());
    }
    for x in &cases {
        let sla = x.sla_status.as_ref().and_then(|s| s.known());
        let mut row = vec![
            format!(
                "{} {}",
                crate::text::sla_symbol(sla),
                crate::text::countdown(x.sla_deadline, now, x.sla_paused)
            ),
            c(&x.name),
            c(x.status.as_str()),
            match (&x.risk_tier, x.risk_score) {
                (Some(t), Some(s)) => format!("{} {s:.0}", c(t.as_str())),
                (Some(t), None) => c(t.as_str()),
                (None, Some(s)) => format!("{s:.0}"),
                (None, None) => "—".into(),
            },
            x.open_alerts.map_or_else(|| "—".into(), |n| n.to_string()),
            x.assigned_to
                .as_ref()
                .map_or_else(|| "—".into(), |u| c(u.name.as_deref().unwrap_or(&u.id))),
            o(x.primary_entity.as_deref()),
        ];
        if sourced {
            row.insert(0, o(x.source.as_deref()));
        }
        rows.push(row);
    }
    let mut caps = vec![12, 24, 16, 12, 6, 24, 48];
    if sourced {
        caps.insert(0, 16);
    }
    let flex = caps.len() - 1;
    for line in table(&rows, &caps, flex, terminal_width()) {
        emit(&line);
    }
    Ok(())
}

async fn detail(ctx: &Ctx, token: &str) -> Result<Detail, Failure> {
    let p = &ctx.provider;
    let caps = p.capabilities_for(token);
    let part = |what: &'static str| {
        move |e: ProviderError| Failure::provider(&format!("cannot read {what}"), e)
    };
    let (case, alerts, entities, risk, checks, comments) = tokio::try_join!(
        async { p.case(token).await.map_err(part("the case")) },
        async {
            if caps.alerts {
                p.alerts(token).await.map(Some).map_err(part("alerts"))
            } else {
                Ok(None)
            }
        },
        async {
            if caps.entities {
                p.entities(token).await.map(Some).map_err(part("entities"))
            } else {
                Ok(None)
            }
        },
        async {
            if caps.risk {
                p.risk(token)
                    .await
                    .map(Some)
                    .map_err(part("the risk assessment"))
            } else {
                Ok(None)
            }
        },
        async {
            if caps.checks {
                p.checks(token).await.map(Some).map_err(part("checks"))
            } else {
                Ok(None)
            }
        },
        async {
            if caps.comments {
                p.comments(token).await.map(Some).map_err(part("comments"))
            } else {
                Ok(None)
            }
        },
    )?;
    Ok(Detail {
        case,
        alerts,
        entities,
        risk,
        checks,
        comments,
    })
}

pub(super) async fn show(ctx: &Ctx, arg: &str, json: bool) -> Result<(), Failure> {
    let found = find_case(ctx, arg).await?;
    let d = detail(ctx, &found.token).await?;
    if json {
        emit(&to_json(&d));
        return Ok(());
    }
    for line in render_detail(&d, Timestamp::now(), terminal_width()) {
        emit(&line);
    }
    Ok(())
}

/// The human form of `cases show`: a header, then one section per part.
fn render_detail(d: &Detail, now: Timestamp, max: Option<usize>) -> Vec<String> {
    let x = &d.case;
    let mut out = Vec::new();
    let sla = x.sla_status.as_ref().and_then(|s| s.known());
    out.push(format!("{}  {}", c(&x.name), c(x.status.as_str())));
    let mut field = |k: &str, v: String| out.push(format!("  {k:<11}{v}"));
    field("entity", o(x.primary_entity.as_deref()));
    field("token", c(&x.token));
    if let Some(s) = &x.source {
        field("source", c(s));
    }
    field(
        "sla",
        format!(
            "{}{}{}",
            match crate::text::sla_symbol(sla) {
                " " => String::new(),
                symbol => format!("{symbol} "),
            },
            crate::text::countdown(x.sla_deadline, now, x.sla_paused),
            x.sla_status
                .as_ref()
                .map(|s| format!(" ({})", c(s.as_str())))
                .unwrap_or_default()
        ),
    );
    field(
        "risk",
        format!(
            "{} (score {})",
            o(x.risk_tier.as_ref().map(|t| t.as_str())),
            num(x.risk_score)
        ),
    );
    field(
        "type",
        format!(
            "{}, priority {}",
            o(x.case_type.as_ref().map(|t| t.as_str())),
            o(x.priority.as_ref().map(|p| p.as_str()))
        ),
    );
    field(
        "assignee",
        x.assigned_to.as_ref().map_or_else(
            || "—".into(),
            |u| match &u.name {
                Some(n) => format!("{} ({})", c(n), c(&u.id)),
                None => c(&u.id),
            },
        ),
    );
    if let Some(r) = &x.external_reference {
        field("reference", c(r));
    }
    field("created", when(x.created_at));
    field("updated", when(x.updated_at));
    if let Some(dec) = &x.decision {
        field("decision", c(dec.as_str()));
    }
    if let Some(s) = &x.summary {
        field("summary", c(s));
    }
    if x.closed_at.is_some() {
        field("closed", when(x.closed_at));
    }

    let section = |out: &mut Vec<String>, title: String, rows: Vec<Vec<String>>, caps: &[usize]| {
        out.push(String::new());
        out.push(title);
        if rows.len() > 1 {
            let inner = max.map(|m| m.saturating_sub(2));
            let flex = caps.len() - 1;
            out.extend(
                table(&rows, caps, flex, inner)
                    .into_iter()
                    .map(|l| format!("  {l}")),
            );
        }
    };
    let head = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    if let Some(alerts) = &d.alerts {
        let mut rows = vec![head(&[
            "TOKEN", "STATUS", "PRIORITY", "TYPE", "ENTITY", "TITLE",
        ])];
        for a in alerts {
            rows.push(vec![
                c(&a.token),
                c(a.status.as_str()),
                o(a.priority.as_ref().map(|p| p.as_str())),
                o(a.alert_type.as_ref().map(|t| t.as_str())),
                o(a.entity_name.as_deref()),
                o(a.title.as_deref().or(a.category.as_deref())),
            ]);
        }
        section(
            &mut out,
            format!("Alerts ({})", alerts.len()),
            rows,
            &[24, 14, 8, 10, 28, 60],
        );
    }
    if let Some(entities) = &d.entities {
        let mut rows = vec![head(&[
            "TOKEN",
            "TYPE",
            "ROLE",
            "OWNS",
            "COUNTRY",
            "VERIFICATION",
            "NAME",
        ])];
        for e in entities {
            rows.push(vec![
                c(&e.token),
                o(e.entity_type.as_ref().map(|t| t.as_str())),
                o(e.role.as_ref().map(|r| r.as_str())),
                e.ownership_percentage
                    .map_or_else(|| "—".into(), |p| format!("{p:.1}%")),
                o(e.country.as_deref().or(e.nationality.as_deref())),
                o(e.verification_status.as_ref().map(|v| v.as_str())),
                c(&e.name),
            ]);
        }
        section(
            &mut out,
            format!("Entities ({})", entities.len()),
            rows,
            &[24, 8, 12, 7, 8, 12, 48],
        );
    }
    if let Some(risk) = &d.risk {
        out.push(String::new());
        match risk {
            None => out.push("Risk assessment: none".into()),
            Some(r) => {
                out.push("Risk assessment".into());
                let mut field = |k: &str, v: String| out.push(format!("  {k:<16}{v}"));
                field("token", c(&r.token));
                field("status", c(r.status.as_str()));
                field(
                    "tier",
                    format!(
                        "{} (computed {}, score {})",
                        o(r.effective_tier.as_ref().map(|t| t.as_str())),
                        o(r.tier.as_ref().map(|t| t.as_str())),
                        num(r.overall_score)
                    ),
                );
                field("due diligence", o(r.due_diligence_path.as_deref()));
                field("review", o(r.review_frequency.as_deref()));
                if let Some(t) = &r.override_tier {
                    field(
                        "override",
                        format!(
                            "{} by {}: {}",
                            c(t.as_str()),
                            o(r.overridden_by.as_deref()),
                            o(r.override_justification.as_deref())
                        ),
                    );
                }
                if r.approved_by.is_some() {
                    field(
                        "approved",
                        format!(
                            "by {} at {}",
                            o(r.approved_by.as_deref()),
                            when(r.approved_at)
                        ),
                    );
                }
                for dim in &r.dimensions {
                    field(
                        &c(&dim.key),
                        format!(
                            "{:.0} {}",
                            dim.score,
                            o(dim.tier.as_ref().map(|t| t.as_str()))
                        ),
                    );
                }
            }
        }
    }
    if let Some(checks) = &d.checks {
        let mut rows = vec![head(&[
            "TOKEN", "STATUS", "RESULT", "CATEGORY", "ENTITY", "CHECK",
        ])];
        for k in checks {
            rows.push(vec![
                c(&k.token),
                c(k.status.as_str()),
                o(k.result.as_ref().map(|r| r.as_str())),
                o(k.category.as_ref().map(|r| r.as_str())),
                o(k.entity_name.as_deref()),
                c(&k.name),
            ]);
        }
        section(
            &mut out,
            format!("Checks ({})", checks.len()),
            rows,
            &[24, 18, 6, 10, 28, 48],
        );
    }
    if let Some(comments) = &d.comments {
        out.push(String::new());
        out.push(format!("Comments ({})", comments.len()));
        for m in comments {
            out.push(format!(
                "  {}  {}{}",
                when(m.at),
                m.author
                    .as_ref()
                    .map_or_else(|| "—".into(), |u| c(u.name.as_deref().unwrap_or(&u.id))),
                m.comment_type
                    .as_ref()
                    .map(|t| format!(" ({})", c(t.as_str())))
                    .unwrap_or_default()
            ));
            for line in clean_multiline(&m.body).lines() {
                out.push(format!("      {line}"));
            }
        }
    }
    out
}
