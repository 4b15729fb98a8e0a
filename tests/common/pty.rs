//! The `docket` binary in a pseudo-terminal: start it, type into it, and wait for what it
//! shows. Shared by `tests/console_e2e.rs` (through `common`) and `benches/console.rs` (by
//! path), so it uses only std and the crates both can reach (portable-pty, vt100, tempfile).
//!
//! The console draws each frame inside a synchronized-output bracket (`ESC [?2026h` …
//! `ESC [?2026l`). A terminal shows each frame whole, but its bytes may arrive in pieces, so
//! the screen is judged only as of the last complete frame: output is given to the terminal
//! emulator up to the end of the last frame, never half a frame.
//!
//! For timings (the console benchmark's filter keys), each read is kept with when it arrived
//! (`chunks_since`), and on request each complete frame's screen (`record_frames`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Ends every synchronized-output frame (DEC mode 2026 reset).
pub const FRAME_END: &[u8] = b"\x1b[?2026l";

/// The size the tests run at.
pub const SIZE: (u16, u16) = (120, 40);

/// What the reader thread has seen, shared with the waiters.
struct Shared {
    /// Every byte the console wrote.
    raw: Vec<u8>,
    /// The pty closed (the console and everything holding its terminal exited).
    closed: bool,
    /// The screen text as of the last complete frame, and when that frame's end arrived.
    frame: Option<(String, Instant)>,
    /// When the first frame's end arrived.
    first_frame: Option<Instant>,
    /// Every read from the pty, in order.
    chunks: Vec<Chunk>,
    /// Every complete frame with its screen text, while `record_frames` is on.
    frames: Option<Vec<Recorded>>,
}

/// One read from the pty: when it arrived, and how much the console had written by then
/// (the end of this read in `raw`).
#[derive(Clone, Copy, Debug)]
pub struct Chunk {
    pub at: Instant,
    pub end: usize,
}

/// A complete frame, as recorded while `record_frames` is on: when the read holding its end
/// arrived, where it ended in `raw`, and the screen's text then. A read holding several
/// frame ends records the last.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub at: Instant,
    pub end: usize,
    pub text: String,
}

/// A screen judged by a wait: its text, and when the frame that drew it ended.
pub struct Frame {
    pub text: String,
    pub at: Instant,
}

pub struct Console {
    shared: Arc<(Mutex<Shared>, Condvar)>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    /// When the process was spawned.
    pub spawned: Instant,
    _home: Option<tempfile::TempDir>,
}

/// A panic while the lock is held (a failed assertion in a predicate) poisons it; carrying on
/// keeps the failure the caller's own message rather than a second panic's.
fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The end of the last frame end in `hay`, if any.
fn last_frame_end(hay: &[u8]) -> Option<usize> {
    hay.windows(FRAME_END.len())
        .rposition(|w| w == FRAME_END)
        .map(|i| i + FRAME_END.len())
}

impl Console {
    /// Starts the console at 120x40 with `args`, its state under a fresh temporary home.
    pub fn start(url: &str, key: &str, args: &[&str]) -> Console {
        let home = tempfile::tempdir().unwrap();
        let mut c = Console::start_in(url, key, args, home.path());
        c._home = Some(home);
        c
    }

    /// Starts the console at 120x40 with its state (outbox, drafts, logs) under `home`.
    pub fn start_in(url: &str, key: &str, args: &[&str], home: &Path) -> Console {
        Console::start_env(url, key, args, home, &[])
    }

    /// Like `start_in`, with extra environment variables.
    pub fn start_env(
        url: &str,
        key: &str,
        args: &[&str],
        home: &Path,
        envs: &[(&str, &str)],
    ) -> Console {
        Console::start_sized(SIZE, url, key, args, home, envs)
    }

    /// Starts the binary in a `cols`x`rows` pty: `--api-url url` (none if `url` is empty: the
    /// arguments name a profile instead), then `args`, with `key` as `DOCKET_API_KEY`, `HOME`
    /// and `XDG_STATE_HOME` at `home`, and `envs` on top.
    pub fn start_sized(
        (cols, rows): (u16, u16),
        url: &str,
        key: &str,
        args: &[&str],
        home: &Path,
        envs: &[(&str, &str)],
    ) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_docket"));
        if !url.is_empty() {
            cmd.args(["--api-url", url]);
        }
        cmd.args(args);
        cmd.env("DOCKET_API_KEY", key);
        cmd.env("HOME", home);
        cmd.env("XDG_STATE_HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let shared = Arc::new((
            Mutex::new(Shared {
                raw: Vec::new(),
                closed: false,
                frame: None,
                first_frame: None,
                chunks: Vec::new(),
                frames: None,
            }),
            Condvar::new(),
        ));
        let s2 = shared.clone();
        let spawned = Instant::now();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        std::thread::spawn(move || {
            let _master = pair.master; // keep the pty open while reading
            // The emulator is this thread's own: only complete frames reach it.
            let mut parser = vt100::Parser::new(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
            );
            // Output not yet given to the emulator: at most the start of a frame.
            let mut pending: Vec<u8> = Vec::new();
            let mut buf = [0u8; 16384];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let at = Instant::now();
                let (m, cv) = &*s2;
                if n == 0 {
                    lock(m).closed = true;
                    cv.notify_all();
                    break;
                }
                // A frame end may straddle two reads: look back over the previous tail.
                let from = pending.len().saturating_sub(FRAME_END.len() - 1);
                pending.extend_from_slice(&buf[..n]);
                let text = last_frame_end(&pending[from..]).map(|end| {
                    let end = from + end;
                    parser.process(&pending[..end]);
                    pending.drain(..end);
                    parser.screen().contents()
                });
                let mut s = lock(m);
                s.raw.extend_from_slice(&buf[..n]);
                let end = s.raw.len();
                s.chunks.push(Chunk { at, end });
                if let Some(text) = text {
                    s.first_frame.get_or_insert(at);
                    // What follows the frame's end is what is still pending.
                    let frame_end = end - pending.len();
                    if let Some(frames) = s.frames.as_mut() {
                        frames.push(Recorded {
                            at,
                            end: frame_end,
                            text: text.clone(),
                        });
                    }
                    s.frame = Some((text, at));
                }
                cv.notify_all();
            }
        });
        Console {
            shared,
            writer,
            child,
            spawned,
            _home: None,
        }
    }

    /// Waits at most `limit` for a complete frame whose text satisfies `pred`. `Err` holds
    /// the last frame's text (empty if none came) when the deadline passed or the pty closed.
    pub fn try_wait_frame(
        &self,
        limit: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Result<Frame, String> {
        let (m, cv) = &*self.shared;
        let deadline = Instant::now() + limit;
        let mut s = lock(m);
        loop {
            if let Some((text, at)) = &s.frame
                && pred(text)
            {
                return Ok(Frame {
                    text: text.clone(),
                    at: *at,
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || s.closed {
                return Err(s.frame.as_ref().map(|f| f.0.clone()).unwrap_or_default());
            }
            s = cv
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits at most `limit` for a complete frame whose text satisfies `pred`; fails with the
    /// screen if none does.
    #[track_caller]
    pub fn wait_frame(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> Frame {
        match self.try_wait_frame(limit, pred) {
            Ok(frame) => frame,
            Err(text) => panic!("timed out waiting for {what}; screen:\n{text}"),
        }
    }

    /// Waits until the screen satisfies `pred`, at most `limit`; returns the screen's text.
    #[track_caller]
    pub fn wait_until(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        self.wait_frame(what, limit, pred).text
    }

    /// Waits until the screen satisfies `pred`, at most `limit`; returns when the frame that
    /// made it hold ended.
    #[track_caller]
    pub fn wait_screen(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> Instant {
        self.wait_frame(what, limit, pred).at
    }

    /// Like `wait_screen`, but `None` at the deadline instead of a panic, and the last line
    /// of the screen (the status bar) said on stderr.
    pub fn try_wait_screen(
        &self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Option<Instant> {
        match self.try_wait_frame(limit, pred) {
            Ok(frame) => Some(frame.at),
            Err(text) => {
                let status = text.lines().last().unwrap_or("").trim();
                eprintln!("note: no {what} within {limit:?}; status bar: {status}");
                None
            }
        }
    }

    /// Waits at most `limit` for the first frame to end; returns when it did.
    #[track_caller]
    pub fn wait_first_frame(&self, limit: Duration) -> Instant {
        self.wait_frame("the first frame", limit, |_| true);
        lock(&self.shared.0).first_frame.expect("a frame came")
    }

    pub fn bytes_written(&self) -> usize {
        lock(&self.shared.0).raw.len()
    }

    /// Everything the console wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        lock(&self.shared.0).raw.clone()
    }

    /// True if the console wrote anything within `window`.
    pub fn writes_within(&self, window: Duration) -> bool {
        let (m, cv) = &*self.shared;
        let s = lock(m);
        let before = s.raw.len();
        let (s, _) = cv
            .wait_timeout_while(s, window, |s| s.raw.len() == before && !s.closed)
            .unwrap_or_else(|p| p.into_inner());
        s.raw.len() != before
    }

    /// Waits until the console has written nothing for 300 ms (the last frame is complete).
    #[track_caller]
    pub fn settle(&self) {
        self.settle_for(Duration::from_millis(300));
    }

    /// Waits until the console has written nothing for `window`, at most 20 s.
    #[track_caller]
    pub fn settle_for(&self, window: Duration) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.writes_within(window) {
            assert!(Instant::now() < deadline, "the console never went quiet");
        }
    }

    /// Every read from the pty that ended after `offset` (a `bytes_written` figure), each with
    /// when it arrived.
    pub fn chunks_since(&self, offset: usize) -> Vec<Chunk> {
        let s = lock(&self.shared.0);
        let from = s.chunks.partition_point(|c| c.end <= offset);
        s.chunks[from..].to_vec()
    }

    /// From now on, keep every complete frame's screen text (see `frames_since`); off drops
    /// what was kept. Off at start: a long test need not hold every screen it saw.
    pub fn record_frames(&self, on: bool) {
        let mut s = lock(&self.shared.0);
        match (on, s.frames.is_some()) {
            (true, false) => s.frames = Some(Vec::new()),
            (false, true) => s.frames = None,
            _ => {}
        }
    }

    /// The frames recorded (see `record_frames`) that ended after `offset`.
    pub fn frames_since(&self, offset: usize) -> Vec<Recorded> {
        let s = lock(&self.shared.0);
        s.frames
            .iter()
            .flatten()
            .filter(|f| f.end > offset)
            .cloned()
            .collect()
    }

    /// Lets `window` pass, whatever is written meanwhile (or until the pty closes).
    pub fn idle_for(&self, window: Duration) {
        let (m, cv) = &*self.shared;
        let s = lock(m);
        let _ = cv.wait_timeout_while(s, window, |s| !s.closed);
    }

    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the console to exit and for the pty to close, so that everything it wrote
    /// before exiting has been read.
    #[track_caller]
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let (m, cv) = &*self.shared;
                let s = lock(m);
                let left = deadline.saturating_duration_since(Instant::now());
                let (s, _) = cv
                    .wait_timeout_while(s, left, |s| !s.closed)
                    .unwrap_or_else(|p| p.into_inner());
                assert!(s.closed, "the pty never closed");
                return status;
            }
            assert!(Instant::now() < deadline, "the console did not exit");
            // Wait for the pty to close or produce output rather than spinning.
            self.writes_within(Duration::from_millis(100));
        }
    }
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
