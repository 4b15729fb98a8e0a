//! Keys and paste in an open review drawer, and the effects its outcome starts (a form's keys
//! are `form`'s, its outcomes these).

use super::*;

pub(super) fn flow_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.ui.should_quit = true;
        return vec![];
    }
    if state.flow.as_ref().is_some_and(|f| f.kind.is_form()) {
        return super::form::form_key(state, key);
    }
    // The keymap says which keys are commands in the drawer's step (review, discard, snippet
    // and field in the editor; send and back in the read-back; ...). The snippet list, open
    // over the editor, takes typed text.
    let command = state
        .flow
        .as_ref()
        .filter(|f| f.step != flow::Step::Edit || f.picker.is_none())
        .and_then(|f| state.settings.keymap.lookup(f.context(), &key));
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    let outcome = f.key(key, command);
    flow_outcome(state, outcome)
}

/// Pasted text goes where typed text would: the drawer's editor, or the filter.
pub(super) fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    if state.flow.as_ref().is_some_and(|f| f.kind.is_form()) {
        return super::form::form_paste(state, text);
    }
    if let Some(f) = state.flow.as_mut() {
        let outcome = f.paste(text);
        return flow_outcome(state, outcome);
    }
    if state.ui.mode == Mode::Filter {
        let room = 100usize.saturating_sub(state.queue.filter.chars().count());
        let line: String = crate::app::flow::plain_paste(text)
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .take(room)
            .collect();
        state.queue.filter.push_str(&line);
        let me = state.data.me.as_ref().map(|u| u.id.clone());
        state.queue.rebuild(me.as_deref());
        state.queue.select_row(0);
        return super::find::filter_changed(state);
    }
    vec![]
}

pub(super) fn flow_outcome(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    let Some(f) = state.flow.as_mut() else {
        return vec![];
    };
    let draft = |f: &Flow| Effect::SaveDraft {
        key: f.draft_key(),
        text: f.body(),
        conditions: f.conditions_text(),
    };
    match outcome {
        Outcome::Stay => vec![],
        Outcome::Jump(to) => super::acting::jump(state, to),
        Outcome::SubmitMany(items) => {
            if let FlowKind::Bulk { cases, .. } = &f.kind {
                f.bulk = cases
                    .iter()
                    .map(|(_, name)| flow::BulkResult {
                        name: name.clone(),
                        entry: None,
                        result: None,
                    })
                    .collect();
            }
            vec![Effect::SubmitMany { flow: f.id, items }]
        }
        Outcome::Edited => {
            f.draft_saved = false;
            vec![draft(f)]
        }
        Outcome::Cancel => {
            // The draft stays: reopening the same flow brings the text back.
            let keep = f.kind.needs_text() && !f.body().is_empty();
            state.flow = None;
            if keep {
                state.ui.flash = Some("Draft kept: reopen the same action to continue.".into());
            }
            vec![]
        }
        Outcome::Discard => {
            let key = f.draft_key();
            state.data.drafts.remove(&key);
            state.flow = None;
            state.ui.flash = Some("Draft discarded.".into());
            vec![Effect::DeleteDraft { key }]
        }
        // Read-only may have been learnt after the drawer opened: nothing is written, the text
        // stays.
        Outcome::Submit(_) if state.data.read_only => {
            let why = read_only_why(state);
            if let Some(f) = state.flow.as_mut() {
                f.step = flow::Step::Failed(ProviderError::Invalid(format!("Read-only: {why}.")));
            }
            vec![]
        }
        Outcome::Submit(submission) => match f.entry {
            // Sent before and refused: send the same entry again (same key if unchanged).
            Some(entry) => vec![Effect::Resend {
                flow: f.id,
                entry,
                submission,
            }],
            None => {
                // Reviews of the same target still waiting: say so before writing another.
                if !f.behind_ok && !submission.is_additive() {
                    let targets = submission.targets();
                    let earlier: Vec<(i64, String)> = state
                        .data
                        .outbox_rows
                        .iter()
                        .filter(|r| {
                            r.mine
                                && !r.submission.is_additive()
                                && r.submission.targets().iter().any(|t| targets.contains(t))
                        })
                        .map(|r| {
                            let noun = r
                                .submission
                                .targets()
                                .into_iter()
                                .find(|t| targets.contains(t))
                                .map_or("target", |t| t.noun());
                            let state_word = if r.failed {
                                "was refused and waits for you (Ctrl-O)"
                            } else {
                                "is still waiting to be sent"
                            };
                            (
                                r.id,
                                format!("a {} of this {noun} {state_word}", r.submission.verb()),
                            )
                        })
                        .collect();
                    if !earlier.is_empty() {
                        f.step = flow::Step::Behind(earlier);
                        return vec![];
                    }
                }
                vec![Effect::Submit {
                    flow: f.id,
                    case: f.case_token.clone(),
                    title: f.title(),
                    submission,
                    expect: if f.force {
                        None
                    } else {
                        f.seen.clone().map(|s| (f.case_token.clone(), Box::new(s)))
                    },
                    replace: std::mem::take(&mut f.replace),
                }]
            }
        },
    }
}
