//! Power-user commands: the command palette, pull-next, copying and opening the case. Pure:
//! they change state and ask the runtime for effects.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::command::COMMANDS;
use super::flow::{self, Choice, Flow, FlowKind, Submission};
use super::keymap;
use super::state::{Detail, Focus, Mode, State};
use super::update::{Command, Effect};
use crate::domain::CaseStatus;
use crate::domain::row::CaseRow;

/// The palette's query and cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
}

/// How many recent commands are remembered (shown first in the palette).
pub const RECENT: usize = 8;

/// One palette row: the command, its words, and the keys bound to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaletteItem {
    pub command: Command,
    pub label: String,
    pub keys: String,
}

/// Whether a command writes (refused under --read-only).
pub fn writes(c: Command) -> bool {
    super::command::spec_of(c).writes
}

/// The rows of `?` help, from the command table: each row's commands and words. Commands that
/// write are left out under read-only, as the palette leaves them out.
pub fn help_table(state: &State) -> Vec<(Vec<Command>, &'static str)> {
    use super::command::Help;
    let mut rows: Vec<(Vec<Command>, &'static str)> = Vec::new();
    // Whether the row being filled is shown (a row of writes is left out under read-only).
    let mut open = false;
    for spec in COMMANDS {
        let shown = !(state.data.read_only && spec.writes);
        if let Help::Row(words) = spec.help {
            open = shown;
            if shown {
                rows.push((Vec::new(), words));
            }
        }
        if let (true, true, Some((commands, _))) = (shown, open, rows.last_mut()) {
            commands.push(spec.command);
        }
    }
    rows
}

/// The commands the palette offers here, recent ones first, then in the keymap's order;
/// narrowed and ranked by the query when there is one.
pub fn palette_items(state: &State) -> Vec<PaletteItem> {
    let case = current_case(state);
    let caps = case.map_or(&state.settings.caps, |c| state.caps_of(&c));
    let open = state.detail.is_some();
    let available = |c: Command| {
        use super::command::Target;
        let spec = super::command::spec_of(c);
        c != Command::Palette
            // A mode's own keys (outbox view, filter, palette, editor, a form's picker and
            // read-back) act in that mode only.
            && spec.context == super::keymap::Context::Normal
            && !(state.data.read_only && spec.writes)
            && match spec.target {
                Target::Anywhere => true,
                Target::Alerts | Target::OpenCase => open,
                Target::Case => case.is_some(),
            }
            && super::update::unsupported(caps, c).is_none()
    };
    let item = |c: Command| PaletteItem {
        command: c,
        label: keymap::name_of(c).replace('_', " "),
        keys: state.settings.keymap.keys_for(c).join(" "),
    };
    let mut items: Vec<PaletteItem> = state
        .ui
        .recent
        .iter()
        .copied()
        .filter(|c| available(*c))
        .map(item)
        .collect();
    for spec in COMMANDS {
        let c = spec.command;
        if available(c) && !state.ui.recent.contains(&c) {
            items.push(item(c));
        }
    }
    let Some(p) = &state.ui.palette else {
        return items;
    };
    if p.query.trim().is_empty() {
        return items;
    }
    let pattern = Pattern::new(
        &p.query,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, PaletteItem)> = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let hay = format!("{} {}", it.label, it.keys);
            pattern
                .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                .map(|s| (s, i, it))
        })
        .collect();
    // Best match first; ties keep recent-then-keymap order.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, it)| it).collect()
}

/// Opens the palette.
pub fn open_palette(state: &mut State) {
    state.ui.palette = Some(Palette::default());
    state.ui.mode = Mode::Palette;
}

/// Remembers a command run from the palette or a key, most recent first.
pub fn remember(state: &mut State, c: Command) {
    if matches!(
        c,
        Command::Palette | Command::Down | Command::Up | Command::PageDown | Command::PageUp
    ) {
        return;
    }
    state.ui.recent.retain(|x| *x != c);
    state.ui.recent.insert(0, c);
    state.ui.recent.truncate(RECENT);
}

/// The case a command would act on: the open one, else the one under the cursor.
pub fn current_case(state: &State) -> Option<CaseRow<'_>> {
    let token = state
        .detail
        .as_ref()
        .map(|d| d.token.as_str())
        .or(state.queue.selected.as_deref())?;
    state.queue.get(token)
}

/// The most urgent unassigned open case in the current view: earliest SLA deadline (none
/// last), then highest priority, then the view's order.
pub fn next_to_pull(state: &State) -> Option<CaseRow<'_>> {
    let q = &state.queue;
    q.view
        .iter()
        .enumerate()
        .map(|(row, &i)| (row, q.cases.get(i)))
        .filter(|(_, c)| c.assigned_to.is_none() && c.status.known() != Some(CaseStatus::Closed))
        .min_by_key(|(row, c)| {
            (
                c.sla_deadline.is_none(),
                c.sla_deadline.map(|t| t.as_second()),
                c.priority.and_then(|p| p.known()).map_or(9, |p| p.rank()),
                *row,
            )
        })
        .map(|(_, c)| c)
}

/// Pull next: assign the most urgent unassigned case in the view to me and open it. The
/// assignment goes through the usual drawer machinery (conflict check, outbox), shown as a
/// submission in flight.
pub fn pull_next(state: &mut State) -> Vec<Effect> {
    if state.data.read_only {
        state.ui.flash = Some("Read-only: docket was started with --read-only.".into());
        return vec![];
    }
    let Some(me) = state.data.me.clone() else {
        state.ui.flash = Some(state.me_unknown());
        return vec![];
    };
    let Some(case) = next_to_pull(state).map(|c| c.to_case()) else {
        state.ui.flash = Some("No unassigned open case in this view.".into());
        return vec![];
    };
    if let Some(why) = super::update::unsupported(state.caps_of(&case.row()), Command::AssignToMe) {
        state.ui.flash = Some(format!("{why}."));
        return vec![];
    }
    // Select and open it.
    if let Some(row) = state
        .queue
        .view
        .iter()
        .position(|&i| state.queue.cases.get(i).token == case.token)
    {
        state.queue.select_row(row);
    }
    let mut effects = Vec::new();
    if state.detail.as_ref().map(|d| d.token.as_str()) != Some(case.token.as_str()) {
        state.detail = Some(Detail::for_caps(
            case.token.clone(),
            state.caps_of(&case.row()),
        ));
        effects.push(Effect::LoadCase(case.token.clone()));
    }
    state.ui.focus = Focus::Detail;
    let id = state.ui.next_flow;
    state.ui.next_flow += 1;
    let mut f = Flow::new(
        id,
        &case.token,
        &case.name,
        FlowKind::AssignToMe,
        vec![Choice {
            value: me.id.clone(),
            label: me.name.clone(),
        }],
    );
    let seen = flow::Seen::of(
        &case,
        state
            .data
            .last_sync
            .unwrap_or(state.data.now)
            .as_millisecond(),
    );
    f.seen = Some(seen.clone());
    f.step = flow::Step::Submitting;
    let title = f.title();
    state.flow = Some(f);
    effects.push(Effect::Submit {
        flow: id,
        case: case.token.clone(),
        replace: vec![],
        title,
        submission: Submission::Assign {
            case: case.token.clone(),
            user: Some(me.id),
        },
        expect: Some((case.token, Box::new(seen))),
    });
    effects
}

/// Fills a URL template's `{token}`, `{name}` and `{reference}` (each URL-encoded).
pub fn dashboard_url(template: &str, c: &CaseRow) -> String {
    let own = c
        .token
        .rsplit_once(crate::provider::merged::SEP)
        .map_or(c.token, |(_, t)| t);
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    template
        .replace("{token}", &enc(own))
        .replace("{name}", &enc(c.name))
        .replace("{reference}", &enc(c.external_reference.unwrap_or("")))
}

/// Copying and opening: what the runtime should do, or why it cannot.
pub fn copy_or_open(state: &mut State, c: Command) -> Vec<Effect> {
    let Some(case) = current_case(state).map(|c| c.to_case()) else {
        state.ui.flash = Some("No case selected.".into());
        return vec![];
    };
    let url = || -> Result<String, String> {
        let source = case.source.as_deref();
        let template = source
            .and_then(|s| state.settings.dashboard_urls.get(s))
            .or(state.settings.dashboard_urls.get(""))
            .ok_or_else(|| {
                "No dashboard_url in this profile (e.g. \"https://app.example/cases/{token}\")."
                    .to_string()
            })?;
        Ok(dashboard_url(template, &case.row()))
    };
    match c {
        Command::CopyName => {
            state.ui.flash = Some(format!("Copied {}.", case.name));
            vec![Effect::Copy(case.name.clone())]
        }
        Command::CopyToken => {
            state.ui.flash = Some(format!("Copied {}.", case.token));
            vec![Effect::Copy(case.token.clone())]
        }
        Command::CopyLink => match url() {
            Ok(u) => {
                state.ui.flash = Some(format!("Copied {u}"));
                vec![Effect::Copy(u)]
            }
            Err(why) => {
                state.ui.flash = Some(why);
                vec![]
            }
        },
        Command::OpenInBrowser => match url() {
            Ok(u) => {
                // Shown (and copied) as well: over SSH there is rarely a browser to open.
                state.ui.flash = Some(format!("Opening {u} (also copied)"));
                vec![Effect::OpenUrl(u.clone()), Effect::Copy(u)]
            }
            Err(why) => {
                state.ui.flash = Some(why);
                vec![]
            }
        },
        _ => vec![],
    }
}

/// How a desktop notification is sent: the terminal's OSC 9 or OSC 777, or not at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Desktop {
    #[default]
    Osc9,
    Osc777,
    None,
}

/// Notifications when a case that needs attention enters a watched view. Off unless configured.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Notify {
    /// Saved views to watch, by name; empty watches every case in the queue.
    pub views: Vec<String>,
    /// Ring the terminal bell.
    pub bell: bool,
    /// Also a desktop notification.
    pub desktop: Desktop,
}

/// Whether a case needs attention now: Critical priority or a breached SLA.
fn alarming(c: &CaseRow) -> bool {
    use crate::domain::{Priority, SlaStatus};
    c.status.known() != Some(CaseStatus::Closed)
        && (c.priority.and_then(|p| p.known()) == Some(Priority::Critical)
            || c.sla_status.and_then(|s| s.known()) == Some(SlaStatus::Breached))
}

/// After a queue load: the Critical or breached cases in the watched views that were not
/// there before. The first load only sets the baseline: starting docket is not news.
pub fn notifications(state: &mut State) -> Vec<Effect> {
    let Some(n) = state.settings.notify.clone() else {
        return vec![];
    };
    let me = state.data.me.as_ref().map(|u| u.id.clone());
    let watched: Vec<super::queue::Quick> = if n.views.is_empty() {
        vec![super::queue::Quick::default()]
    } else {
        state
            .settings
            .views
            .iter()
            .filter(|v| n.views.contains(&v.name))
            .map(|v| v.quick.clone())
            .collect()
    };
    let now: std::collections::HashSet<String> = state
        .queue
        .cases
        .iter()
        .filter(|c| alarming(c))
        .filter(|c| {
            watched
                .iter()
                .any(|q| super::queue::passes(c, q, me.as_deref()))
        })
        .map(|c| c.token.to_string())
        .collect();
    let Some(before) = state.data.alerting.replace(now.clone()) else {
        return vec![];
    };
    let mut new: Vec<CaseRow> = state
        .queue
        .cases
        .iter()
        .filter(|c| now.contains(c.token) && !before.contains(c.token))
        .collect();
    if new.is_empty() {
        return vec![];
    }
    new.sort_by(|a, b| a.name.cmp(b.name));
    let names: Vec<&str> = new.iter().take(3).map(|c| c.name).collect();
    let more = new.len().saturating_sub(3);
    let text = format!(
        "{} case(s) need attention: {}{}",
        new.len(),
        names.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    );
    state.ui.flash = Some(format!("⚑ {text}"));
    vec![Effect::Notify {
        text,
        bell: n.bell,
        desktop: n.desktop,
    }]
}

/// Reviews that landed, for the status bar: how many today and the median time from opening
/// the drawer to landing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Landed today, this session and earlier ones (from the local audit log).
    pub today: u32,
    /// Seconds each review of this session took, drawer opened to landed.
    pub durations: Vec<i64>,
}

impl Stats {
    /// The median of this session's review times, in seconds.
    pub fn median(&self) -> Option<i64> {
        let mut d = self.durations.clone();
        if d.is_empty() {
            return None;
        }
        d.sort_unstable();
        let mid = d.len() / 2;
        Some(if d.len().is_multiple_of(2) {
            (d[mid - 1] + d[mid]) / 2
        } else {
            d[mid]
        })
    }

    /// `3 today · ~2m10s`, or nothing before the first review.
    pub fn line(&self) -> Option<String> {
        if self.today == 0 {
            return None;
        }
        let per = self.median().map(|s| {
            if s >= 60 {
                format!(" · ~{}m{:02}s each", s / 60, s % 60)
            } else {
                format!(" · ~{s}s each")
            }
        });
        Some(format!("{} today{}", self.today, per.unwrap_or_default()))
    }
}
