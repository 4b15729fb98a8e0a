//! Terminal-safe text: every string that comes from an API, a config file or a
//! draft passes through [`clean`] (one line) or [`clean_multiline`] before it is
//! drawn. A terminal obeys escape sequences, so hostile data must be *shown*,
//! never *executed*, and it must not break the alignment of the cell grid.
//!
//! Rendering, char by char (every replacement is plain visible ASCII):
//!
//! - C0 controls U+0000..=U+001F and DEL U+007F -> `\xHH`, lowercase hex (ESC -> `\x1b`).
//! - C1 controls U+0080..=U+009F -> `\u{H..}`, lowercase hex (CSI U+009B -> `\u{9b}`).
//! - Bidi controls U+061C, U+200E, U+200F, U+202A..=U+202E, U+2066..=U+2069 -> `\u{202e}`
//!   etc., so a name cannot visually reorder its row.
//! - Tab -> one space. U+2028 / U+2029 -> a space (`clean`) or `'\n'` (`clean_multiline`).
//! - U+200B ZWSP, U+2060 word joiner, U+FEFF BOM -> dropped: invisible, only useful to
//!   spoof look-alike names or split keywords. U+200C ZWNJ and U+200D ZWJ are kept
//!   (Persian/Indic shaping, emoji sequences).
//! - Zero-width chars (combining marks, ZWJ, ...) are kept, but a run of more than 4 in a
//!   row (Zalgo) is capped at 4.
//! - Everything else, including private-use and unassigned code points, is unchanged.
//!
//! An escape sequence therefore shows up as its own text: `"\x1b]52;c;SGVsbG8=\x07"`
//! (an OSC 52 clipboard write) is drawn as the 22 visible chars `\x1b]52;c;SGVsbG8=\x07`.
//! Only the control chars are rewritten; the printable rest of a sequence is
//! harmless once its introducer is gone. A literal backslash in the input is kept,
//! so typed text `\x1b` and an escaped ESC look the same: both are inert.
//!
//! `clean_multiline` keeps `'\n'`, turns `"\r\n"` into `'\n'`, and escapes a lone
//! `'\r'` as `\x0d`; `clean` escapes both (`\x0d\x0a`), so one value stays one row.
//!
//! Every char `clean` emits maps to itself, and the Zalgo cap counts emitted chars,
//! so cleaning is idempotent and an already-clean string comes back
//! `Cow::Borrowed` without allocating.
//!
//! Widths are per-char UAX #11 widths from `unicode-width` (ambiguous = narrow,
//! wide CJK = 2, combining marks = 0), summed like `wcwidth`-based terminals do.
//! Grapheme-aware renderers may differ by a column on emoji + VS16 sequences.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

/// Longest run of consecutive zero-width chars (combining marks, ...) that is kept.
const MAX_ZERO_WIDTH_RUN: usize = 4;

/// Makes `s` safe to draw on one line of a terminal cell grid (see the module doc).
pub fn clean(s: &str) -> Cow<'_, str> {
    sanitize(s, false)
}

/// Like [`clean`], but keeps line breaks (`'\n'`) so multi-line text (comments,
/// AI assessments, rationale) can be wrapped by the caller; `"\r\n"` becomes
/// `'\n'`, U+2028/U+2029 become `'\n'`, and a lone `'\r'` is escaped.
pub fn clean_multiline(s: &str) -> Cow<'_, str> {
    sanitize(s, true)
}

/// Display width in terminal columns of an already-cleaned string
/// (wide CJK = 2, zero-width = 0; any leftover control char counts 0).
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Truncates an already-cleaned string to at most `max` columns, appending `'…'`
/// (1 column) when cut. A wide char is never split, so the result may be one
/// column shorter than `max`.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if max == 0 {
        return Cow::Borrowed(if width(s) == 0 { s } else { "" });
    }
    let mut used = 0;
    let mut cut = s.len(); // first char that does not fit before the ellipsis
    for (i, c) in s.char_indices() {
        used += char_width(c);
        if used >= max {
            cut = cut.min(i);
        }
        if used > max {
            return Cow::Owned(format!("{}…", &s[..cut]));
        }
    }
    Cow::Borrowed(s)
}

/// Pads (with spaces) or truncates an already-cleaned string to exactly `cols` columns.
pub fn fit(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let pad = cols.saturating_sub(width(&t));
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// The last line of defence, run on every finished frame: a cell whose text still holds a
/// control or bidi character (text some widget drew without [`clean`], an editor's restored
/// draft) is drawn as `?`. Printable ASCII, the common case, is checked byte-wise.
pub fn scrub(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            continue;
        }
        if sym.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            cell.set_symbol("?");
        }
    }
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What happens to one input char.
enum Action {
    Keep,
    Drop,
    Push(char),
    Escape,
}

fn sanitize(s: &str, multiline: bool) -> Cow<'_, str> {
    // Allocated lazily at the first char that changes; `s[..i]` is the output so far.
    let mut out: Option<String> = None;
    let mut run = 0usize; // zero-width chars emitted since the last visible one
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let action = match c {
            '\n' if multiline => Action::Keep,
            '\r' if multiline && matches!(chars.peek(), Some((_, '\n'))) => Action::Drop,
            '\t' => Action::Push(' '),
            '\u{2028}' | '\u{2029}' => Action::Push(if multiline { '\n' } else { ' ' }),
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' => Action::Drop,
            c if c.is_control() || is_bidi_control(c) => Action::Escape,
            c if c.width() == Some(0) && run >= MAX_ZERO_WIDTH_RUN => Action::Drop,
            _ => Action::Keep,
        };
        match action {
            Action::Keep => {
                run = if c.width() == Some(0) { run + 1 } else { 0 };
                if let Some(b) = out.as_mut() {
                    b.push(c);
                }
            }
            Action::Drop => {
                materialize(&mut out, s, i);
            }
            Action::Push(r) => {
                run = 0;
                materialize(&mut out, s, i).push(r);
            }
            Action::Escape => {
                run = 0;
                let b = materialize(&mut out, s, i);
                let _ = if c.is_ascii() {
                    write!(b, "\\x{:02x}", c as u32)
                } else {
                    write!(b, "\\u{{{:x}}}", c as u32)
                };
            }
        }
    }
    match out {
        Some(b) => Cow::Owned(b),
        None => Cow::Borrowed(s),
    }
}

/// The output buffer, created from the unchanged prefix `s[..i]` on first use.
fn materialize<'a>(out: &'a mut Option<String>, s: &str, i: usize) -> &'a mut String {
    out.get_or_insert_with(|| {
        let mut b = String::with_capacity(s.len() + 16);
        b.push_str(&s[..i]);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The spec's forbidden output set, written independently of the implementation.
    fn forbidden(c: char, multiline: bool) -> bool {
        (c.is_control() && !(multiline && c == '\n'))
            || matches!(
                c,
                '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
            )
            || matches!(
                c,
                '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}'
            )
            || matches!(c, '\u{2028}' | '\u{2029}')
    }

    fn max_zero_width_run(s: &str) -> usize {
        let (mut run, mut max) = (0, 0);
        for c in s.chars() {
            run = if c.width() == Some(0) { run + 1 } else { 0 };
            max = max.max(run);
        }
        max
    }

    #[test]
    fn scrub_replaces_what_slipped_past_clean() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        // Raw symbols straight into cells, as a widget that forgot `clean` could leave them.
        for (x, sym) in [
            "o",
            "k",
            " ",
            "\u{202e}",
            "é",
            "\u{9b}",
            "x",
            "\u{7}",
            "\u{1b}[2J",
        ]
        .iter()
        .enumerate()
        {
            buf[(x as u16, 0)].set_symbol(sym);
        }
        scrub(&mut buf);
        let row: String = (0..12).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert!(
            !row.chars().any(|c| c.is_control() || is_bidi_control(c)),
            "{row:?}"
        );
        assert_eq!(row, "ok ?é?x??   ");
        assert!(row.contains('é'), "{row:?}");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("abc"), Cow::Borrowed(_)));
        assert!(matches!(
            clean("Müller & Söhne GmbH 王伟"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            clean("👨\u{200D}👩\u{200D}👧 \u{200C}e\u{301}"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(clean_multiline("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(clean("\x1b[2J"), r"\x1b[2J");
        assert_eq!(clean("\x1b]52;c;SGVsbG8=\x07"), r"\x1b]52;c;SGVsbG8=\x07");
        assert_eq!(clean("\x1b]0;pwned\x07"), r"\x1b]0;pwned\x07");
        assert_eq!(clean("\x1b[10;10H"), r"\x1b[10;10H");
        assert_eq!(clean("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(clean("a\0b\u{7f}"), r"a\x00b\x7f");
        assert_eq!(clean("a\tb"), "a b");
    }

    #[test]
    fn carriage_returns_and_line_breaks() {
        assert_eq!(clean("paid\rvoid"), r"paid\x0dvoid");
        assert_eq!(clean("a\r\nb"), r"a\x0d\x0ab");
        assert_eq!(clean_multiline("a\r\nb\nc"), "a\nb\nc");
        assert_eq!(clean_multiline("a\rb\r\r\n"), "a\\x0db\\x0d\n");
        assert_eq!(clean("a\u{2028}b\u{2029}c"), "a b c");
        assert_eq!(clean_multiline("a\u{2028}b"), "a\nb");
    }

    #[test]
    fn bidi_and_invisible_chars() {
        assert_eq!(clean("invoice\u{202E}fdp.exe"), r"invoice\u{202e}fdp.exe");
        assert_eq!(
            clean("\u{2066}x\u{2069}\u{200F}"),
            r"\u{2066}x\u{2069}\u{200f}"
        );
        assert_eq!(clean("\u{FEFF}Acme\u{200B}Corp\u{2060}"), "AcmeCorp");
    }

    #[test]
    fn zalgo_is_capped() {
        let marks = |n| "\u{301}".repeat(n);
        assert_eq!(
            clean(&format!("a{}b", marks(10))),
            format!("a{}b", marks(4))
        );
        // A dropped ZWSP does not restart the count.
        assert_eq!(
            clean(&format!("a{}\u{200B}{}", marks(3), marks(3))),
            format!("a{}", marks(4))
        );
        assert!(matches!(clean(&format!("a{}", marks(4))), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_truncation_and_fit() {
        assert_eq!(width("王伟"), 4);
        assert_eq!(width("e\u{301}"), 1);
        let t = truncate("王伟国际", 5);
        assert!(width(&t) <= 5 && t.ends_with('…'));
        assert_eq!(t, "王伟…");
        assert_eq!(truncate("王伟", 3), "王…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert!(matches!(truncate("abcd", 4), Cow::Borrowed("abcd")));
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("王", 3), "王 ");
        assert_eq!(fit("王伟", 2), "… ");
        assert_eq!(fit("", 0), "");
    }

    const SPICY: &[char] = &[
        '\x1b', '\x07', '\0', '\n', '\r', '\t', '\u{7f}', '\u{85}', '\u{9b}', '\u{61c}',
        '\u{202e}', '\u{2066}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}',
        '\u{2028}', '\u{301}', '\u{36f}', '王', '…', '\\', 'a', '[', ';',
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![any::<char>(), prop::sample::select(SPICY)],
            0..48,
        )
        .prop_map(|v| v.into_iter().collect::<String>())
    }

    proptest! {
        #[test]
        fn output_is_safe(s in text()) {
            let (one, multi) = (clean(&s), clean_multiline(&s));
            prop_assert!(!one.chars().any(|c| forbidden(c, false)), "{:?}", one);
            prop_assert!(!multi.chars().any(|c| forbidden(c, true)), "{:?}", multi);
            prop_assert!(max_zero_width_run(&one) <= MAX_ZERO_WIDTH_RUN);
            prop_assert!(max_zero_width_run(&multi) <= MAX_ZERO_WIDTH_RUN);
        }

        #[test]
        fn clean_is_idempotent(s in text()) {
            let once = clean(&s);
            prop_assert!(matches!(clean(&once), Cow::Borrowed(_)));
            prop_assert_eq!(clean(&once), once.clone());
            let once = clean_multiline(&s);
            prop_assert_eq!(clean_multiline(&once), once.clone());
        }

        #[test]
        fn truncate_and_fit_respect_columns(s in text()) {
            let c = clean(&s);
            for n in 0..40 {
                prop_assert!(width(&truncate(&c, n)) <= n);
                prop_assert_eq!(width(&fit(&c, n)), n);
            }
            // Never panics on raw input either.
            let _ = fit(&s, 7);
        }
    }
}
