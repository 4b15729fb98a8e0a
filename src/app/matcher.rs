//! The queue's fuzzy matching, on nucleo's worker threads (the matcher helix uses): the filter
//! text is handed over, and its matches are taken when they are ready. A small queue waits for
//! them (a few milliseconds); a large one takes what is ready within a quarter of a frame and is told
//! when the rest is, so a key never holds a frame while 100,000 cases are scored. Typing on
//! narrows from the last result (nucleo's `append`).
//!
//! The order is the queue's: best score first, equal scores in queue order. nucleo breaks ties
//! by the shorter text, then by the order items were given; every item is given in queue order
//! and padded with spaces to one length, so ties fall to queue order. (Spaces after the text
//! change no score: a pattern's words hold none, and what follows the last matched character
//! is not scored.) The text matched is cut at [`MATCHED_CHARS`]: one case named at great length
//! must not pad every other case to its length.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use nucleo::pattern::{CaseMatching, Normalization};
use nucleo::{Config, Nucleo, Utf32String};

use super::queue::haystack;
use super::rows::Rows;

/// How much of a case's text is matched, in characters: its reference, entity and external
/// reference run to some 60; past this, a name is not what anyone types.
pub const MATCHED_CHARS: usize = 256;

/// Called (from a matcher thread) when matches that were not ready are: the console turns it
/// into an [`Action::Matched`](super::Action::Matched). Unset in tests, which wait instead.
#[derive(Clone, Default)]
pub struct Waker(Arc<OnceLock<Box<dyn Fn() + Send + Sync>>>);

impl Waker {
    /// Sets what is called; the first call counts.
    pub fn set(&self, wake: Box<dyn Fn() + Send + Sync>) {
        let _ = self.0.set(wake);
    }

    fn wake(&self) {
        if let Some(wake) = self.0.get() {
            wake();
        }
    }
}

impl std::fmt::Debug for Waker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Waker(set)"
        } else {
            "Waker(unset)"
        })
    }
}

pub struct Matcher {
    nucleo: Nucleo<u32>,
    /// Matches were asked for and not ready: the next notification wakes the console, once.
    /// (nucleo also notifies for every item given to it, which is not news to anyone.)
    armed: Arc<AtomicBool>,
    /// The pattern last given (escaped), to tell typing on from a new text.
    pattern: String,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("pattern", &self.pattern)
            .field("items", &self.nucleo.snapshot().item_count())
            .finish()
    }
}

impl Matcher {
    pub fn new(waker: &Waker) -> Matcher {
        let waker = waker.clone();
        let armed = Arc::new(AtomicBool::new(false));
        let armed_ = armed.clone();
        let notify = Arc::new(move || {
            if armed_.swap(false, Ordering::SeqCst) {
                waker.wake();
            }
        });
        Matcher {
            nucleo: Nucleo::new(Config::DEFAULT, notify, None, 1),
            armed,
            pattern: String::new(),
        }
    }

    /// Gives the matcher the queue's cases: `order` lists case indices in queue order.
    /// Matching starts again from scratch on the next [`find`].
    ///
    /// [`find`]: Matcher::find
    pub fn set_items(&mut self, cases: &Rows, order: &[usize]) {
        self.nucleo.restart(true);
        let text = |i: usize| {
            let mut hay = haystack(&cases.get(i));
            if let Some((cut, _)) = hay.char_indices().nth(MATCHED_CHARS) {
                hay.truncate(cut);
            }
            hay
        };
        let width = order
            .iter()
            .map(|&i| text(i).chars().count())
            .max()
            .unwrap_or(0);
        let injector = self.nucleo.injector();
        for &i in order {
            injector.push(i as u32, |&i, cols| {
                let mut hay = text(i as usize);
                let pad = width - hay.chars().count();
                hay.extend(std::iter::repeat_n(' ', pad));
                cols[0] = Utf32String::from(hay.as_str());
            });
        }
        // The items changed under the pattern: score them all again.
        self.reparse(false);
    }

    fn reparse(&mut self, append: bool) {
        self.nucleo.pattern.reparse(
            0,
            &self.pattern,
            CaseMatching::Ignore,
            Normalization::Smart,
            append,
        );
    }

    /// The case indices matching `query`, best first, each with whether its text holds
    /// `literal` as it is; or `None` while they are not ready after `wait_ms` (`None`: wait
    /// until they are). The waker is called when they are.
    pub fn find(
        &mut self,
        query: &str,
        literal: &str,
        wait_ms: Option<u64>,
    ) -> Option<Vec<(usize, bool)>> {
        let pattern = escape(query);
        if pattern != self.pattern {
            let append = !self.pattern.is_empty() && pattern.starts_with(&self.pattern);
            self.pattern = pattern;
            self.reparse(append);
        }
        self.armed.store(false, Ordering::SeqCst);
        loop {
            // Armed before looking: a notification between the look and the arming is not lost
            // (a spare one only costs a look that finds nothing new).
            if wait_ms.is_some() {
                self.armed.store(true, Ordering::SeqCst);
            }
            let status = self.nucleo.tick(wait_ms.unwrap_or(10));
            if !status.running {
                self.armed.store(false, Ordering::SeqCst);
                break;
            }
            if wait_ms.is_some() {
                return None;
            }
        }
        let chars: Vec<char> = literal.chars().collect();
        Some(
            self.nucleo
                .snapshot()
                .matched_items(..)
                .map(|item| {
                    let holds = match &item.matcher_columns[0] {
                        Utf32String::Ascii(text) => text.contains(literal),
                        Utf32String::Unicode(text) => {
                            chars.is_empty() || text.windows(chars.len()).any(|w| w == chars)
                        }
                    };
                    (*item.data as usize, holds)
                })
                .collect(),
        )
    }
}

/// The filter text as nucleo's pattern syntax reads it, with that syntax escaped: the filter
/// matches every word fuzzily as typed, so `!`, `^` and `'` at a word's start and `$` at its
/// end are text, not operators.
fn escape(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 4);
    for (n, word) in query.split(' ').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        if word.starts_with(['!', '^', '\'']) {
            out.push('\\');
        }
        match word.strip_suffix('$') {
            Some(head) if !head.ends_with('\\') => {
                out.push_str(head);
                out.push_str("\\$");
            }
            _ => out.push_str(word),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nucleo_matcher::pattern::{AtomKind, Pattern};

    /// The escaped pattern, as nucleo parses it, scores exactly as the plain fuzzy pattern the
    /// filter always used: the operators' characters are text.
    #[test]
    fn operators_are_matched_as_text() {
        let hay = ["a!b ^c 'd e$", "abcde", "!x", "y$", "^z", "'q"];
        let mut m = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
        for q in ["!x", "y$", "^z", "'q", "!b ^c", "e$", "ab"] {
            let plain = Pattern::new(
                q,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
            );
            let parsed = Pattern::parse(&escape(q), CaseMatching::Ignore, Normalization::Smart);
            for h in hay {
                let mut buf = Vec::new();
                let s1 = plain.score(nucleo_matcher::Utf32Str::new(h, &mut buf), &mut m);
                let s2 = parsed.score(nucleo_matcher::Utf32Str::new(h, &mut buf), &mut m);
                assert_eq!(s1, s2, "{q:?} on {h:?}");
            }
        }
    }
}
