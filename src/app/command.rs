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
    Assign,
    EscalateCase,
    ApproveRisk,
    OverrideRisk,
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
}
