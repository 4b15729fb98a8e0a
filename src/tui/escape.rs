//! What is written to the terminal between frames: the clipboard (OSC 52), notifications
//! (bell, OSC 9 / OSC 777, wrapped for tmux), and the desktop's URL opener.

/// The OSC 52 sequence that puts `text` on the clipboard ("c"), base64 as the spec wants.
/// Control characters in `text` are removed first: it must not smuggle a sequence of its own.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    )
}

/// The bytes that ring the bell and raise a desktop notification (OSC 9 or OSC 777) with
/// `text`. Inside tmux the notification is wrapped for passthrough (tmux needs
/// `allow-passthrough on`). Control characters are removed from `text`, and `;` too for
/// OSC 777, whose fields it separates.
pub fn notification(
    text: &str,
    bell: bool,
    desktop: crate::app::power::Desktop,
    tmux: bool,
) -> String {
    use crate::app::power::Desktop;
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let seq = match desktop {
        Desktop::Osc9 => format!("\x1b]9;{text}\x07"),
        Desktop::Osc777 => format!("\x1b]777;notify;docket;{}\x07", text.replace(';', ",")),
        Desktop::None => String::new(),
    };
    let seq = if tmux && !seq.is_empty() {
        format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    };
    format!("{}{seq}", if bell { "\x07" } else { "" })
}

/// Opens a URL with the desktop's opener when there is a desktop; over SSH there usually is
/// not, and the URL is already on screen and on the clipboard. The opener's own output never
/// reaches the console's terminal.
pub(super) fn open_url(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        Some("open")
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        Some("xdg-open")
    } else {
        None
    };
    if let Some(cmd) = opener {
        let _ = std::process::Command::new(cmd)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn osc52_is_well_formed_and_carries_the_text() {
        let seq = osc52("CAS-000123 Müller");
        let body = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|r| r.strip_suffix('\x07'))
            .expect("ESC ] 52 ; c ; <base64> BEL");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "CAS-000123 Müller");
        // Text cannot end the sequence early or start one of its own.
        let sneaky = osc52("a\x07\x1b]52;c;evil\x07b");
        assert_eq!(sneaky.matches('\x07').count(), 1);
        assert_eq!(sneaky.matches('\x1b').count(), 1);
    }

    #[test]
    fn notifications_ring_and_notify_and_pass_through_tmux() {
        use crate::app::power::Desktop;
        assert_eq!(
            notification("2 new; look", true, Desktop::Osc9, false),
            "\x07\x1b]9;2 new; look\x07"
        );
        assert_eq!(
            notification("2 new; look\x1b[2J", false, Desktop::Osc777, false),
            "\x1b]777;notify;docket;2 new, look[2J\x07"
        );
        assert_eq!(notification("x", true, Desktop::None, true), "\x07");
        assert_eq!(
            notification("x", false, Desktop::Osc9, true),
            "\x1bPtmux;\x1b\x1b]9;x\x07\x1b\\"
        );
    }
}
