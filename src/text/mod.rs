//! Text helpers every layer may use: making outside text terminal-safe (`sanitize`), the SLA
//! countdown and its symbol, and the smallest terminal the console draws in. Nothing here
//! draws or does I/O.

pub mod sanitize;
pub mod wrap;

use jiff::Timestamp;

use crate::domain::SlaStatus;

/// Smallest terminal the layout is drawn in; below it a message says so (and `docket doctor`
/// warns).
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

/// `2d4h`, `5h12m`, `-3h0m` (overdue), `⏸12d3h` (clock paused in Client Input).
pub fn countdown(deadline: Option<Timestamp>, now: Timestamp, paused: bool) -> String {
    let Some(d) = deadline else {
        return if paused {
            "paused".into()
        } else {
            "—".into()
        };
    };
    let pause = if paused { "⏸" } else { "" };
    let secs = d.as_second() - now.as_second();
    let (sign, s) = if secs < 0 { ("-", -secs) } else { ("", secs) };
    let (days, hours, mins) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if days > 0 {
        format!("{pause}{sign}{days}d{hours}h")
    } else if hours > 0 {
        format!("{pause}{sign}{hours}h{mins:02}m")
    } else {
        format!("{pause}{sign}{mins}m")
    }
}

/// A symbol that carries the SLA position without color.
pub fn sla_symbol(status: Option<SlaStatus>) -> &'static str {
    match status {
        Some(SlaStatus::Breached) => "✖",
        Some(SlaStatus::Critical) => "▲",
        Some(SlaStatus::Warning) => "△",
        _ => " ",
    }
}
