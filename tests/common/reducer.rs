//! Driving the pure `update` as the runtime would, for reducer and snapshot tests.

use docket::app::state::Loadable;
use docket::app::update::CasePart;
use docket::app::{Action, Effect, State, update};

/// Applies `action`, then answers each `Effect::Recheck` (a drawer reading the case again
/// before judging its preconditions) as a server that still says what is loaded would. Tests
/// of a case that changed on the server send their own `Action::Rechecked`. Returns the other
/// effects.
pub fn step(s: &mut State, action: Action) -> Vec<Effect> {
    let effects = update(s, action);
    let mut out = Vec::new();
    for e in effects {
        let Effect::Recheck { request, case } = e else {
            out.push(e);
            continue;
        };
        let d = s.detail.as_ref().expect("a recheck is for the open case");
        let mut parts = Vec::new();
        if let Loadable::Ready(a) = &d.alerts {
            parts.push(CasePart::Alerts(Ok(a.clone())));
        }
        if let Loadable::Ready(r) = &d.risk {
            parts.push(CasePart::Risk(Ok(r.clone().map(Box::new))));
        }
        if let Loadable::Ready(r) = &d.reviewers {
            parts.push(CasePart::Reviewers(Ok(r.clone())));
        }
        out.extend(update(
            s,
            Action::Rechecked {
                request,
                case,
                record: None,
                parts,
                at: s.data.now,
            },
        ));
    }
    out
}
