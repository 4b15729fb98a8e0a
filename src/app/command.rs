//! The commands a key can ask for.

use crate::domain::ResolutionAction;

/// What a key can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Back,
    SwitchFocus,
    NextTab,
    PrevTab,
    StartFilter,
    Refresh,
    /// Stop (or resume) polling: the queue holds still while you read.
    Freeze,
    /// The next saved view.
    NextView,
    /// The sort picker: order the queue by anything a row shows, either way.
    SortBy,
    /// Save the current filters and sort as a view in the config file.
    SaveView,
    /// The saved view at this place in the tabs, counted from 1: views switch, never stack.
    SelectView(u8),
    /// The outbox: what is pending or refused.
    ShowOutbox,
    ToggleHelp,
    ToggleMine,
    ToggleUnassigned,
    ToggleBreached,
    ToggleHighRisk,
    ToggleClosed,
    ClearFilters,
    // Alert actions (alerts tab): on the marked alerts, or the one under the cursor.
    Mark,
    Resolve(ResolutionAction),
    FalsePositive,
    EscalateAlert,
    Acknowledge,
    // Case actions.
    ChangeStatus,
    AssignToMe,
    Unassign,
    Assign,
    EscalateCase,
    ApproveRisk,
    OverrideRisk,
    RecalculateRisk,
    WaiveCheck,
    Comment,
    RequestApprover,
    ApproveReview,
    RejectReview,
    Close,
    // Power-user commands.
    /// Take the most urgent unassigned case in the view: assign it to me and open it.
    PullNext,
    /// The command palette: fuzzy search over every command available here.
    Palette,
    /// Copy the case's name, token or dashboard link (OSC 52: works over SSH and in tmux).
    CopyName,
    CopyToken,
    CopyLink,
    /// Open the case in the vendor's web dashboard (or show and copy its URL).
    OpenInBrowser,
    /// Mark every case from the last marked one to the cursor (a visual range).
    MarkRange,
    /// The overview: the open cases as charts (SLA, risk, workload), over the main area.
    Overview,
    // The outbox view.
    OutboxResend,
    OutboxEdit,
    OutboxDiscard,
    OutboxExport,
    CloseOutbox,
    // The filter line.
    KeepFilter,
    ClearFilter,
    FilterClearLine,
    // The command palette.
    RunCommand,
    ClosePalette,
    NextCommand,
    PrevCommand,
    PaletteClearLine,
    // A drawer's editor.
    Review,
    DiscardDraft,
    InsertSnippet,
    SwitchField,
    // Creating: a case, or an entity on the open case (a form in the drawer).
    NewCase,
    AddEntity,
    /// A form: the field before (the next one is `SwitchField`).
    PrevField,
    /// A form's picker (a choice, yes/no, a user): the next or previous choice.
    PickNext,
    PickPrev,
    /// A form's read-back: open the loaded case with the same external reference instead.
    OpenExisting,
    // The drawer's steps.
    /// Close the drawer (the text stays a draft).
    CloseDrawer,
    /// A picker step: take the choice and go on.
    Choose,
    /// A read-back: send it (also: send anyway past a conflict).
    Send,
    /// A read-back: back to the text, to change it.
    BackToText,
    /// A review waiting behind an earlier one on the same target: queue it behind, or replace
    /// the earlier one.
    QueueBehind,
    ReplaceEarlier,
}

/// What a command needs to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Nothing: it works anywhere.
    Anywhere,
    /// A case: the open one, or the one under the cursor.
    Case,
    /// The open case (its tabs).
    OpenCase,
    /// The open case's alerts: the marked ones, or the one under the cursor.
    Alerts,
}

/// Where a command's line in `?` help stands: it starts a row with its words, or joins the row
/// above (its keys listed there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Help {
    Row(&'static str),
    Same,
}

/// Everything about one command, declared once: its name in config files and the palette, its
/// default keys, its line in help, whether it writes (refused and hidden under read-only),
/// what it acts on, and the capability it needs. The keymap, help, the palette and the
/// read-only and capability refusals all read this table.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub command: Command,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub help: Help,
    /// Where its keys are bound: the console (`Normal`) or one mode.
    pub context: crate::app::keymap::Context,
    pub writes: bool,
    pub target: Target,
    /// What the provider must be able to do (alert resolutions are checked per action).
    pub feature: Option<crate::provider::Feature>,
}

const fn spec(
    command: Command,
    name: &'static str,
    keys: &'static [&'static str],
    help: Help,
) -> Spec {
    Spec {
        command,
        name,
        keys,
        help,
        context: crate::app::keymap::Context::Normal,
        writes: false,
        target: Target::Anywhere,
        feature: None,
    }
}

impl Spec {
    const fn in_mode(mut self, context: crate::app::keymap::Context) -> Spec {
        self.context = context;
        self
    }
    const fn on(mut self, target: Target) -> Spec {
        self.target = target;
        self
    }
    const fn writes(mut self, feature: Option<crate::provider::Feature>) -> Spec {
        self.writes = true;
        self.feature = feature;
        self
    }
}

/// Every command, in the order help and the palette list them.
pub const COMMANDS: &[Spec] = {
    use crate::app::keymap::Context as Ctx;
    use crate::provider::Feature as F;
    use Command::*;
    use Help::{Row, Same};
    use ResolutionAction as R;
    use Target::*;
    &[
        spec(Down, "down", &["j", "down"], Row("move")),
        spec(Up, "up", &["k", "up"], Same),
        spec(Top, "top", &["g", "home"], Row("top, bottom")),
        spec(Bottom, "bottom", &["G", "end"], Same),
        spec(PageDown, "page_down", &["pgdn", "ctrl-d"], Row("page")),
        spec(PageUp, "page_up", &["pgup", "ctrl-u"], Same),
        spec(
            Open,
            "open",
            &["enter", "l", "right"],
            Row("open case; read an alert or an entity in full"),
        )
        .on(Case),
        spec(Back, "back", &["esc", "h", "left"], Row("back")),
        spec(SwitchFocus, "switch_focus", &["tab"], Row("switch pane")),
        spec(PrevTab, "prev_tab", &["[", "backtab"], Row("detail tabs")).on(OpenCase),
        spec(NextTab, "next_tab", &["]"], Same).on(OpenCase),
        spec(
            StartFilter,
            "filter",
            &["/"],
            Row("filter; Enter on a reference opens the case"),
        ),
        spec(
            SelectView(1),
            "view_1",
            &["1"],
            Row("the saved view at that place in the tabs"),
        ),
        spec(SelectView(2), "view_2", &["2"], Same),
        spec(SelectView(3), "view_3", &["3"], Same),
        spec(SelectView(4), "view_4", &["4"], Same),
        spec(SelectView(5), "view_5", &["5"], Same),
        spec(SelectView(6), "view_6", &["6"], Same),
        spec(SelectView(7), "view_7", &["7"], Same),
        spec(SelectView(8), "view_8", &["8"], Same),
        spec(SelectView(9), "view_9", &["9"], Same),
        // Filters that combine, added on purpose (Alt and a number, or the palette), never by a
        // plain number key.
        spec(
            ToggleMine,
            "toggle_mine",
            &["alt-1"],
            Row("filter on mine, unassigned, breached, risk"),
        ),
        spec(ToggleUnassigned, "toggle_unassigned", &["alt-2"], Same),
        spec(ToggleBreached, "toggle_breached", &["alt-3"], Same),
        spec(ToggleHighRisk, "toggle_high_risk", &["alt-4"], Same),
        spec(
            ToggleClosed,
            "toggle_closed",
            &["c"],
            Row("show closed cases, clear filters"),
        ),
        spec(ClearFilters, "clear_filters", &["0"], Same),
        spec(NextView, "next_view", &["v"], Row("next saved view")),
        spec(
            SortBy,
            "sort",
            &["b"],
            Row("sort by any column; save filters, sort as a view"),
        ),
        spec(SaveView, "save_view", &["ctrl-s"], Same),
        spec(
            Refresh,
            "refresh",
            &["r"],
            Row("refresh now, freeze updates"),
        ),
        spec(Freeze, "freeze", &["f"], Same),
        spec(
            ShowOutbox,
            "outbox",
            &["ctrl-o"],
            Row("outbox: reviews pending, refused or held"),
        ),
        spec(
            Palette,
            "palette",
            &[":"],
            Row("command palette: search every action here"),
        ),
        spec(
            PullNext,
            "pull_next",
            &["P"],
            Row("pull next: take the most urgent unassigned case and open it"),
        )
        .writes(Some(F::Assign)),
        spec(
            CopyName,
            "copy_name",
            &["y"],
            Row("copy name, token, dashboard link (OSC 52); open in the dashboard"),
        )
        .on(Case),
        spec(CopyToken, "copy_token", &["Y"], Same).on(Case),
        spec(CopyLink, "copy_link", &["ctrl-y"], Same).on(Case),
        spec(OpenInBrowser, "open_in_browser", &["B"], Same).on(Case),
        spec(
            Mark,
            "mark",
            &["space"],
            Row("mark (alerts, or queue cases for assign/status/escalate); mark a range"),
        )
        .on(Alerts),
        spec(MarkRange, "mark_range", &["M"], Same),
        spec(
            Resolve(R::Approve),
            "approve_alert",
            &["a"],
            Row("approve, decline, request document, with conditions, false positive"),
        )
        .on(Alerts)
        .writes(None),
        spec(Resolve(R::Decline), "decline_alert", &["x"], Same)
            .on(Alerts)
            .writes(None),
        spec(
            Resolve(R::RequestDocument),
            "request_document",
            &["o"],
            Same,
        )
        .on(Alerts)
        .writes(None),
        spec(
            Resolve(R::ApproveWithConditions),
            "approve_with_conditions",
            &["w"],
            Same,
        )
        .on(Alerts)
        .writes(None),
        spec(FalsePositive, "false_positive", &["t"], Same)
            .on(Alerts)
            .writes(None),
        spec(
            EscalateAlert,
            "escalate_alert",
            &["e"],
            Row("escalate alert, acknowledge"),
        )
        .on(Alerts)
        .writes(Some(F::EscalateAlerts)),
        spec(Acknowledge, "acknowledge", &["A"], Same)
            .on(Alerts)
            .writes(Some(F::AcknowledgeAlerts)),
        spec(
            ChangeStatus,
            "change_status",
            &["s"],
            Row("change status; assign to me, unassign (one key); assign"),
        )
        .on(Case)
        .writes(Some(F::ChangeStatus)),
        spec(AssignToMe, "assign_to_me", &["m"], Same)
            .on(Case)
            .writes(Some(F::Assign)),
        spec(Unassign, "unassign", &["U"], Same)
            .on(Case)
            .writes(Some(F::Assign)),
        spec(Assign, "assign", &["u"], Same)
            .on(Case)
            .writes(Some(F::Assign)),
        spec(
            EscalateCase,
            "escalate_case",
            &["E"],
            Row("escalate case, close, comment"),
        )
        .on(Case)
        .writes(Some(F::EscalateCase)),
        spec(Close, "close_case", &["C"], Same)
            .on(Case)
            .writes(Some(F::Close)),
        spec(Comment, "comment", &["n"], Same)
            .on(Case)
            .writes(Some(F::AddComment)),
        spec(
            ApproveRisk,
            "approve_risk",
            &["R"],
            Row("approve risk, override risk tier, recalculate risk"),
        )
        .on(Case)
        .writes(Some(F::Risk)),
        spec(OverrideRisk, "override_risk", &["O"], Same)
            .on(Case)
            .writes(Some(F::Risk)),
        spec(RecalculateRisk, "recalculate_risk", &["ctrl-r"], Same)
            .on(OpenCase)
            .writes(Some(F::RecalculateRisk)),
        spec(
            WaiveCheck,
            "waive_check",
            &["W"],
            Row("waive a check (with a reason)"),
        )
        .on(OpenCase)
        .writes(Some(F::WaiveChecks)),
        spec(
            RequestApprover,
            "request_approver",
            &["p"],
            Row("request approver; approve, reject a review"),
        )
        .on(Case)
        .writes(Some(F::Reviewers)),
        spec(ApproveReview, "approve_review", &["V"], Same)
            .on(Case)
            .writes(Some(F::Reviewers)),
        spec(RejectReview, "reject_review", &["X"], Same)
            .on(Case)
            .writes(Some(F::Reviewers)),
        spec(
            NewCase,
            "new_case",
            &["N"],
            Row("new case; add an entity to the open case (a form)"),
        )
        .writes(None),
        spec(AddEntity, "add_entity", &["+"], Same)
            .on(OpenCase)
            .writes(None),
        spec(
            Overview,
            "overview",
            &["S"],
            Row("overview: open cases by SLA, risk, assignee; breaches, reviews"),
        ),
        spec(
            ToggleHelp,
            "help",
            &["?", "f1"],
            Row("this help (F1 in a drawer); j/k scroll it"),
        ),
        spec(Quit, "quit", &["q", "ctrl-c"], Row("quit")),
        // The outbox view (j/k move, as in the queue).
        spec(
            OutboxDiscard,
            "outbox_discard",
            &["d"],
            Row("outbox: discard (press twice), export held entries, close"),
        )
        .in_mode(Ctx::Outbox),
        spec(OutboxExport, "outbox_export", &["x"], Same).in_mode(Ctx::Outbox),
        spec(CloseOutbox, "outbox_close", &["esc", "q"], Same).in_mode(Ctx::Outbox),
        spec(
            OutboxResend,
            "outbox_resend",
            &["s"],
            Row("outbox: send an entry again, edit a refused one"),
        )
        .in_mode(Ctx::Outbox)
        .writes(None),
        spec(OutboxEdit, "outbox_edit", &["e"], Same)
            .in_mode(Ctx::Outbox)
            .writes(None),
        // The filter line (arrows move, as in the queue).
        spec(
            KeepFilter,
            "filter_keep",
            &["enter"],
            Row("filter: keep, clear, clear the line"),
        )
        .in_mode(Ctx::Filter),
        spec(ClearFilter, "filter_clear", &["esc"], Same).in_mode(Ctx::Filter),
        spec(FilterClearLine, "filter_clear_line", &["ctrl-u"], Same).in_mode(Ctx::Filter),
        // The command palette (arrows move).
        spec(
            RunCommand,
            "palette_run",
            &["enter"],
            Row("palette: run, close"),
        )
        .in_mode(Ctx::Palette),
        spec(ClosePalette, "palette_close", &["esc"], Same).in_mode(Ctx::Palette),
        spec(
            NextCommand,
            "palette_next",
            &["tab", "ctrl-n"],
            Row("palette: next, previous, clear the line"),
        )
        .in_mode(Ctx::Palette),
        spec(PrevCommand, "palette_prev", &["backtab", "ctrl-p"], Same).in_mode(Ctx::Palette),
        spec(PaletteClearLine, "palette_clear_line", &["ctrl-u"], Same).in_mode(Ctx::Palette),
        // A drawer's editor.
        spec(
            Review,
            "review",
            &["ctrl-s", "alt-enter"],
            Row("editor: review before sending, discard the draft, snippet, next field"),
        )
        .in_mode(Ctx::Editor),
        spec(DiscardDraft, "discard_draft", &["ctrl-x"], Same).in_mode(Ctx::Editor),
        spec(InsertSnippet, "insert_snippet", &["ctrl-t"], Same).in_mode(Ctx::Editor),
        spec(SwitchField, "switch_field", &["tab"], Same).in_mode(Ctx::Editor),
        spec(
            PrevField,
            "prev_field",
            &["backtab"],
            Row("form: previous field"),
        )
        .in_mode(Ctx::Editor),
        // A form's picker field (other typed text narrows the choices).
        spec(
            PickNext,
            "pick_next",
            &["right", "down", "j"],
            Row("form picker: next, previous choice (typing narrows them)"),
        )
        .in_mode(Ctx::Picker),
        spec(PickPrev, "pick_prev", &["left", "up", "k"], Same).in_mode(Ctx::Picker),
        spec(Choose, "choose", &["enter"], Row("picker: take the choice")).in_mode(Ctx::Picker),
        // The drawer's steps.
        spec(
            CloseDrawer,
            "close_drawer",
            &["esc"],
            Row("drawer: close (the text stays a draft)"),
        )
        .in_mode(Ctx::Editor),
        spec(
            Send,
            "send",
            &["enter", "y"],
            Row("read-back: send, back to the text, open the same-reference case"),
        )
        .in_mode(Ctx::Readback),
        spec(BackToText, "back_to_text", &["esc", "n"], Same).in_mode(Ctx::Readback),
        spec(OpenExisting, "open_existing", &["o"], Same).in_mode(Ctx::Readback),
        spec(
            QueueBehind,
            "queue_behind",
            &["q", "enter"],
            Row("behind an earlier review: queue behind, replace (else back)"),
        )
        .in_mode(Ctx::Behind),
        spec(ReplaceEarlier, "replace_earlier", &["r"], Same).in_mode(Ctx::Behind),
    ]
};

/// The declaration of a command.
pub fn spec_of(c: Command) -> &'static Spec {
    COMMANDS
        .iter()
        .find(|s| s.command == c)
        .expect("every command is declared in COMMANDS")
}

/// A command by its config name.
pub fn named(name: &str) -> Option<Command> {
    COMMANDS.iter().find(|s| s.name == name).map(|s| s.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command, once. The `match` below stops compiling when a variant is added, until it
    /// is listed here too; the test then fails until it is declared in [`COMMANDS`].
    fn every() -> Vec<Command> {
        use Command::*;
        let all = vec![
            Quit,
            Down,
            Up,
            PageDown,
            PageUp,
            Top,
            Bottom,
            Open,
            Back,
            SwitchFocus,
            NextTab,
            PrevTab,
            StartFilter,
            Refresh,
            Freeze,
            NextView,
            SelectView(1),
            SelectView(2),
            SelectView(3),
            SelectView(4),
            SelectView(5),
            SelectView(6),
            SelectView(7),
            SelectView(8),
            SelectView(9),
            ShowOutbox,
            ToggleHelp,
            ToggleMine,
            ToggleUnassigned,
            ToggleBreached,
            ToggleHighRisk,
            ToggleClosed,
            ClearFilters,
            Mark,
            FalsePositive,
            EscalateAlert,
            Acknowledge,
            ChangeStatus,
            AssignToMe,
            Unassign,
            Assign,
            EscalateCase,
            ApproveRisk,
            OverrideRisk,
            RecalculateRisk,
            WaiveCheck,
            Comment,
            RequestApprover,
            ApproveReview,
            RejectReview,
            Close,
            PullNext,
            Palette,
            CopyName,
            CopyToken,
            CopyLink,
            OpenInBrowser,
            MarkRange,
            Overview,
            OutboxResend,
            OutboxEdit,
            OutboxDiscard,
            OutboxExport,
            CloseOutbox,
            KeepFilter,
            ClearFilter,
            FilterClearLine,
            RunCommand,
            ClosePalette,
            NextCommand,
            PrevCommand,
            PaletteClearLine,
            Review,
            DiscardDraft,
            InsertSnippet,
            SwitchField,
            NewCase,
            AddEntity,
            PrevField,
            PickNext,
            PickPrev,
            OpenExisting,
            CloseDrawer,
            Choose,
            Send,
            BackToText,
            QueueBehind,
            ReplaceEarlier,
            SortBy,
            SaveView,
        ];
        for c in &all {
            match c {
                Quit | Down | Up | PageDown | PageUp | Top | Bottom | Open | Back | SwitchFocus
                | NextTab | PrevTab | StartFilter | Refresh | Freeze | NextView | SelectView(_)
                | ShowOutbox | ToggleHelp | ToggleMine | ToggleUnassigned | ToggleBreached
                | ToggleHighRisk | ToggleClosed | ClearFilters | Mark | Resolve(_)
                | FalsePositive | EscalateAlert | Acknowledge | ChangeStatus | AssignToMe
                | Unassign | Assign | EscalateCase | ApproveRisk | OverrideRisk
                | RecalculateRisk | WaiveCheck | Comment | RequestApprover | ApproveReview
                | RejectReview | Close | PullNext | Palette | CopyName | CopyToken | CopyLink
                | OpenInBrowser | MarkRange | Overview | OutboxResend | OutboxEdit
                | OutboxDiscard | OutboxExport | CloseOutbox | KeepFilter | ClearFilter
                | FilterClearLine | RunCommand | ClosePalette | NextCommand | PrevCommand
                | PaletteClearLine | Review | DiscardDraft | InsertSnippet | SwitchField
                | NewCase | AddEntity | PrevField | PickNext | PickPrev | OpenExisting
                | CloseDrawer | Choose | Send | BackToText | QueueBehind | ReplaceEarlier
                | SortBy | SaveView => {}
            }
        }
        let mut all = all;
        // Escalating an alert is its own command (`EscalateAlert`), with a reason.
        all.extend(
            ResolutionAction::ALL
                .iter()
                .filter(|a| **a != ResolutionAction::Escalate)
                .map(|a| Resolve(*a)),
        );
        all
    }

    #[test]
    fn every_command_is_declared_once() {
        for c in every() {
            let n = COMMANDS.iter().filter(|s| s.command == c).count();
            assert_eq!(n, 1, "{c:?} is declared {n} times");
        }
        assert_eq!(COMMANDS.len(), every().len());
        let mut names: Vec<&str> = COMMANDS.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len(), "a name is used twice");
    }
}
