//! Keys in the outbox view, the overview, the command palette and the filter line.

use super::*;

pub(super) fn outbox_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    let n = state.data.outbox_rows.len();
    let confirm = state.ui.confirm_discard.take();
    let theirs = state
        .data
        .outbox_rows
        .get(state.ui.outbox_row)
        .is_some_and(|r| !r.mine);
    match state.settings.keymap.lookup(Context::Outbox, &key) {
        Some(CloseOutbox) => state.ui.mode = Mode::Normal,
        Some(Down) => state.ui.outbox_row = (state.ui.outbox_row + 1).min(n.saturating_sub(1)),
        Some(Up) => state.ui.outbox_row = state.ui.outbox_row.saturating_sub(1),
        Some(OutboxExport) => {
            if state.data.outbox.held.is_empty() {
                state.ui.flash = Some("No entries of other authors to export.".into());
            } else {
                return vec![Effect::ExportHeld];
            }
        }
        Some(OutboxResend | OutboxEdit) if theirs => {
            if let Some(r) = state.data.outbox_rows.get(state.ui.outbox_row) {
                state.ui.flash = Some(format!(
                    "Entry {} was written by {}: only their key sends it. Export or discard it.",
                    r.id, r.author
                ));
            }
        }
        Some(OutboxResend | OutboxEdit) if state.data.read_only => {
            state.ui.flash = Some(format!("Read-only: {}.", read_only_why(state)));
        }
        Some(OutboxResend) => {
            if let Some(r) = state.data.outbox_rows.get(state.ui.outbox_row) {
                state.ui.flash = Some(format!("Sending entry {} again.", r.id));
                return vec![Effect::ResendEntry {
                    entry: r.id,
                    submission: r.submission.clone(),
                }];
            }
        }
        Some(OutboxDiscard) => {
            if let Some(r) = state.data.outbox_rows.get(state.ui.outbox_row) {
                if confirm == Some(r.id) {
                    state.ui.flash = Some(format!("Discarded entry {}.", r.id));
                    return vec![Effect::DiscardEntry { entry: r.id }];
                }
                state.ui.confirm_discard = Some(r.id);
                state.ui.flash = Some(format!(
                    "Press it again to discard entry {} ({}).",
                    r.id, r.title
                ));
            }
        }
        Some(OutboxEdit) => {
            if let Some(r) = state.data.outbox_rows.get(state.ui.outbox_row).cloned() {
                // The drawer's title names the case as a flow opened on it would ("Escalate
                // CAS-000233"), not the entry's title ("Escalate Escalate CAS-000233").
                let token = r
                    .case
                    .clone()
                    .unwrap_or_else(|| r.submission.target().to_string());
                let name = state
                    .queue
                    .get(&token)
                    .map_or(token.clone(), |c| c.name.to_string());
                match Flow::from_entry(state.ui.next_flow, r.id, &name, &r.submission) {
                    Some(f) => {
                        state.ui.next_flow += 1;
                        state.flow = Some(f);
                        state.ui.mode = Mode::Normal;
                    }
                    None => {
                        state.ui.flash = Some(
                            "This entry has no text to edit; send it again or discard it.".into(),
                        )
                    }
                }
            }
        }
        _ => {}
    }
    vec![]
}

/// Keys over the overview: Esc (back) or its own key closes it; quit, help, refresh and freeze
/// work as in the queue; any other key does nothing, so nothing moves unseen behind it.
pub(super) fn overview_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    match state.settings.keymap.lookup(context(state), &key) {
        Some(Back | Overview) => {
            state.ui.mode = Mode::Normal;
            vec![]
        }
        Some(c @ (Quit | ToggleHelp | Refresh | Freeze)) => command(state, c),
        _ => vec![],
    }
}

/// Keys in the command palette: type to narrow, arrows to move, Enter runs, Esc closes.
pub(super) fn palette_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let n = power::palette_items(state).len();
    let command_key = state.settings.keymap.lookup(Context::Palette, &key);
    let Some(p) = state.ui.palette.as_mut() else {
        state.ui.mode = Mode::Normal;
        return vec![];
    };
    match command_key {
        Some(ClosePalette) => {
            state.ui.palette = None;
            state.ui.mode = Mode::Normal;
        }
        Some(Quit) => state.ui.should_quit = true,
        Some(NextCommand | Down) => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        Some(PrevCommand | Up) => p.selected = p.selected.saturating_sub(1),
        Some(PaletteClearLine) => {
            p.query.clear();
            p.selected = 0;
        }
        Some(RunCommand) => {
            // Input that is exactly a case's reference (or token) goes to that case, unless
            // it names a command.
            let query = p.query.clone();
            if (n == 0 || state.queue.exact(&query).is_some())
                && let Some(effects) = super::find::jump(state, &query)
            {
                state.ui.palette = None;
                if state.ui.mode == Mode::Palette {
                    state.ui.mode = Mode::Normal;
                }
                return effects;
            }
            let chosen = power::palette_items(state)
                .get(state.ui.palette.as_ref().map_or(0, |p| p.selected))
                .map(|i| i.command);
            state.ui.palette = None;
            state.ui.mode = Mode::Normal;
            if let Some(c) = chosen {
                power::remember(state, c);
                return command(state, c);
            }
        }
        // Not a palette command: text.
        _ => match key.code {
            KeyCode::Backspace => {
                p.query.pop();
                p.selected = 0;
            }
            KeyCode::Char(c) if !ctrl => {
                if p.query.chars().count() < 60 {
                    p.query.push(c);
                }
                p.selected = 0;
            }
            _ => {}
        },
    }
    vec![]
}

pub(super) fn filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    use Command::*;
    let me = state.data.me.as_ref().map(|u| u.id.clone());
    match state.settings.keymap.lookup(Context::Filter, &key) {
        Some(ClearFilter) => {
            state.queue.filter.clear();
            state.ui.mode = Mode::Normal;
        }
        Some(KeepFilter) => {
            // A reference typed in full opens its case (looked up on the server when nothing
            // loaded has it); other text stays a filter.
            let text = state.queue.filter.clone();
            if let Some(effects) = super::find::jump(state, &text) {
                return effects;
            }
            // The text did not change: a search waiting for typing to pause still goes out.
            state.ui.mode = Mode::Normal;
            return vec![];
        }
        Some(Quit) => {
            state.ui.should_quit = true;
            return vec![];
        }
        Some(FilterClearLine) => state.queue.filter.clear(),
        Some(Down) => {
            state.queue.move_by(1);
            return vec![];
        }
        Some(Up) => {
            state.queue.move_by(-1);
            return vec![];
        }
        // Not a filter command: text.
        _ => match key.code {
            KeyCode::Backspace => {
                state.queue.filter.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if state.queue.filter.chars().count() < 100 {
                    state.queue.filter.push(c);
                }
            }
            _ => return vec![],
        },
    }
    state.queue.rebuild(me.as_deref());
    // While typing, the best match is the one selected (as in fzf).
    state.queue.select_best_match();
    super::find::filter_changed(state)
}
