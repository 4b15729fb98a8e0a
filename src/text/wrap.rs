//! Word wrapping by display width, for text read in full (an alert's assessment, a comment):
//! the console and the view wrap the same way, so a scroll position means the same line in
//! both.

use super::sanitize::width;

/// `s` (one line, already cleaned) broken into lines of at most `cols` columns: at spaces where
/// it can, inside a word longer than a line where it must. Continuation lines keep the first
/// line's leading indent. An empty line stays one empty line.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    wrap_hanging(s, cols, 0)
}

/// Like [`wrap`], continuation lines indented by at least `hang` columns (a labelled value's
/// further lines stand under the value, not under the label).
pub fn wrap_hanging(s: &str, cols: usize, hang: usize) -> Vec<String> {
    let cols = cols.max(1);
    if width(s) <= cols {
        return vec![s.to_string()];
    }
    let lead = s.chars().take_while(|c| *c == ' ').count();
    // An indent that leaves less than half the line is dropped: the text needs the room.
    let hang = lead.max(hang);
    let hang = if hang * 2 > cols { 0 } else { hang };
    let mut lines = Vec::new();
    let mut line = " ".repeat(lead.min(cols / 2));
    let mut used = width(&line);
    // Where the text of the current line starts: nothing but the indent before it.
    let mut start = used;
    for word in s.trim_start_matches(' ').split(' ') {
        let w = width(word);
        if used > start && used + 1 + w > cols {
            lines.push(std::mem::replace(&mut line, " ".repeat(hang)));
            used = hang;
            start = hang;
        } else if used > start {
            line.push(' ');
            used += 1;
        }
        // A word longer than a line is cut where the line ends.
        for c in word.chars() {
            let cw = width(c.encode_utf8(&mut [0; 4]));
            if used + cw > cols && used > start {
                lines.push(std::mem::replace(&mut line, " ".repeat(hang)));
                used = hang;
                start = hang;
            }
            line.push(c);
            used += cw;
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_keeps_the_indent() {
        assert_eq!(wrap("short", 10), vec!["short"]);
        assert_eq!(
            wrap("  alpha beta gamma delta", 12),
            vec!["  alpha beta", "  gamma", "  delta"]
        );
        assert_eq!(wrap("", 5), vec![""]);
    }

    #[test]
    fn a_hanging_indent_puts_further_lines_under_the_value() {
        assert_eq!(
            wrap_hanging("Path    alpha beta gamma", 16, 8),
            vec!["Path    alpha", "        beta", "        gamma"]
        );
    }

    #[test]
    fn cuts_a_word_longer_than_the_line_and_counts_wide_chars() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("田中健太郎", 4), vec!["田中", "健太", "郎"]);
        for l in wrap("株式会社サクラ貿易 is a company in Osaka", 7) {
            assert!(width(&l) <= 7, "{l}");
        }
    }
}
