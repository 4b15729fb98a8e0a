//! Read-only, and reading a case again before judging a drawer's preconditions.

use super::*;

/// Why nothing may be written, in words.
pub(crate) fn read_only_why(state: &State) -> String {
    state
        .data
        .read_only_why
        .clone()
        .unwrap_or_else(|| "docket was started with --read-only".into())
}

/// Whether a command's drawer judges preconditions on what the provider can read (Zenoo's
/// close rules: alerts settled, risk approved, four eyes; an approvable assessment; a pending
/// review of mine): the case is read again before they are judged.
pub(super) fn has_preconditions(caps: &Capabilities, c: Command) -> bool {
    match c {
        Command::Close => caps.vendor == Vendor::Zenoo,
        Command::ApproveRisk => caps.risk,
        Command::ApproveReview | Command::RejectReview => caps.reviewers,
        _ => false,
    }
}

/// The parts read again for a drawer arrived: judge its preconditions on them.
pub(super) fn rechecked(
    state: &mut State,
    request: u64,
    case: String,
    record: Option<Case>,
    parts: Vec<CasePart>,
    at: Timestamp,
) -> Vec<Effect> {
    let Some((asked, c)) = state.ui.rechecking else {
        return vec![];
    };
    if asked != request {
        return vec![];
    }
    state.ui.rechecking = None;
    let failed: Vec<String> = parts
        .iter()
        .filter_map(CasePart::error)
        .map(|e| e.to_string())
        .collect();
    for part in parts {
        update(
            state,
            Action::CaseLoaded {
                token: case.clone(),
                part: Box::new(part),
            },
        );
    }
    // Only if the analyst is still on that case and has not opened something else meanwhile.
    if state.flow.is_some() || state.detail.as_ref().is_none_or(|d| d.token != case) {
        return vec![];
    }
    // Said as of the moment it was read; the status bar clock is the same clock.
    let ago = (state.data.now.as_second() - at.as_second()).max(0);
    let when = if ago < 5 {
        "just now".to_string()
    } else {
        format!("{ago}s ago")
    };
    let said = match failed.first() {
        None => format!("Read {when}: {}", read_summary(state)),
        Some(e) => format!(
            "Could not read the case again ({e}); judged from what was loaded: {}",
            read_summary(state)
        ),
    };
    // The record read now is the queue row, and the drawer's copy to detect later changes by
    // others against (changes before it were judged above, not warned about).
    let fresh = record.filter(|r| r.token == case);
    let seen = fresh
        .as_ref()
        .map(|r| flow::Seen::of(r, at.as_millisecond()));
    if let Some(fresh) = fresh {
        let me = state.data.me.as_ref().map(|u| u.id.clone());
        state.queue.upsert(fresh, me.as_deref());
        state.recount();
    }
    let effects = start_flow(state, c, Some(said.clone()));
    if let (Some(f), Some(seen)) = (state.flow.as_mut(), seen) {
        f.seen = Some(seen);
    }
    if state.flow.is_none()
        && let Some(why) = state.ui.flash.take()
    {
        state.ui.flash = Some(format!("{why} ({said})"));
    }
    effects
}

/// What the open case's alerts, risk and reviewers say, in one line.
pub(super) fn read_summary(state: &State) -> String {
    let Some(d) = state.detail.as_ref() else {
        return String::new();
    };
    let mut out = Vec::new();
    if let Loadable::Ready(list) = &d.alerts {
        let open = list.iter().filter(|a| !settled(a)).count();
        out.push(format!("{} alerts, {open} open", list.len()));
    }
    match &d.risk {
        Loadable::Ready(Some(a)) => out.push(format!(
            "risk {}{}",
            a.status,
            a.effective_tier
                .as_ref()
                .or(a.tier.as_ref())
                .map(|t| format!(", {t}"))
                .unwrap_or_default()
        )),
        Loadable::Ready(None) => out.push("no risk assessment".into()),
        _ => {}
    }
    if let Loadable::Ready(Some(list)) = &d.reviewers {
        let approved: Vec<&str> = list
            .iter()
            .filter(|r| r.status.known() == Some(ReviewerStatus::Approved))
            .map(|r| r.user.name.as_deref().unwrap_or(r.user.id.as_str()))
            .collect();
        out.push(if approved.is_empty() {
            "no approval yet".into()
        } else {
            format!("approved by {}", approved.join(", "))
        });
    }
    out.join(" · ")
}
