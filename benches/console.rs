//! Console benchmarks: rendering and reducer cost at 10,000 cases in memory, and the real
//! release binary in a pseudo-terminal against an in-process sandbox (400 cases). Prints one
//! `metric: value` line per metric and nothing else on stdout (notes go to stderr).
//!
//! `cargo bench --bench console` (BENCH_IDLE_SECS sets the idle window, default 30; the idle
//! metrics are named after it).
//!
//! Targets:
//! - first frame (`first_frame_ms`) < 50 ms;
//! - zero bytes written while idle (`idle_bytes_30s` = 0);
//! - < 1 KB written per keystroke (`bytes_per_j_120x40`); issue 8 later wants < 600 B at 120x40;
//! - render < 2 ms at 10k cases (`render_10k_us_*`, `render_10k_detail_us_*`).
//!
//! Metrics:
//! - `render_10k_us_p50/p99`: `Terminal::draw` of `view` into a 120x40 `TestBackend` with 10,000
//!   cases loaded; between frames the selection is moved (untimed) so that the samples cover
//!   every row of the queue and each frame differs from the last;
//! - `render_10k_detail_us_p50/p99`: the same with the top case open (`Command::Open`, side by
//!   side, its parts still loading);
//! - `filter_keystroke_10k_us_p50/p99`: `update` of one typed character in filter mode, typing
//!   five-character queries and clearing (Ctrl-U, untimed) between them;
//! - `update_nav_10k_ns_p50/p99`: `update(Command::Down)`, walking the whole queue top to bottom;
//! - `first_frame_ms`: spawn of the binary to the end of its first synchronized-output frame;
//! - `first_data_ms`: spawn to the screen showing `● online` and a case row;
//! - `bytes_per_j_120x40` (mean) and `_max`: bytes written per `j`, each awaited until quiet;
//! - `idle_bytes_30s`, `idle_cpu_pct_30s`: output and CPU of the console over the idle window.

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::update::Command;
use docket::app::{Action, State, update};
use docket::domain::model::{Case, User, UserRef};
use docket::domain::{
    CaseStatus, CaseType, Decision, EntityType, Priority, RiskTier, SlaStatus, UserRole, Wire,
};
use docket::sandbox::seed::corpus::COUNTRIES;
use docket::sandbox::{Config, Sandbox};
use docket::ui::{Theme, view};
use jiff::Timestamp;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CASES: usize = 10_000;
const COLS: u16 = 120;
const ROWS: u16 = 40;
const NOW: i64 = 1_800_000_000;
const HOUR: i64 = 3600;
const ANALYSTS: [(&str, &str); 3] = [
    ("usr_amara", "Amara Okafor"),
    ("usr_lukas", "Lukas Brandt"),
    ("usr_mei", "Mei Tanaka"),
];
/// Ends every synchronized-output frame (DEC mode 2026 reset).
const FRAME_END: &[u8] = b"\x1b[?2026l";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Nearest-rank percentile of sorted samples, in the samples' unit.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<f64>, decimals: usize) {
    samples.sort_by(f64::total_cmp);
    println!("{name}_p50: {:.decimals$}", pct(&samples, 0.50));
    println!("{name}_p99: {:.decimals$}", pct(&samples, 0.99));
}

/// A small deterministic generator (splitmix64): the same 10k cases every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64 + 1) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (v, w) in items {
            if r < *w {
                return *v;
            }
            r -= w;
        }
        items[0].0
    }
}

fn ts(secs: i64) -> Option<Timestamp> {
    Timestamp::from_second(secs).ok()
}

/// One case as the Zenoo client decodes it, drawn from the sandbox's name corpus.
fn case(n: usize, g: &mut Rng) -> Case {
    use CaseStatus::*;
    let status = g.weighted(&[
        (New, 15),
        (InProgress, 30),
        (InReview, 10),
        (InternalReview, 5),
        (ClientInput, 8),
        (Escalated, 5),
        (Closed, 27),
    ]);
    let closed = status == Closed;
    let country = g.pick(COUNTRIES);
    let is_company = g.chance(0.6);
    let entity = if is_company {
        format!(
            "{} {}",
            g.pick(country.company_stems),
            g.pick(country.company_forms)
        )
    } else {
        let (given, family) = (g.pick(country.given_names), g.pick(country.family_names));
        if country.family_name_first {
            format!("{family} {given}")
        } else {
            format!("{given} {family}")
        }
    };
    let created = NOW - g.between(HOUR, 90 * 24 * HOUR);
    let deadline = NOW + g.between(-5 * 24 * HOUR, 30 * 24 * HOUR);
    let left = deadline - NOW;
    let sla = if left < 0 {
        SlaStatus::Breached
    } else if left < 24 * HOUR {
        SlaStatus::Critical
    } else if left < 72 * HOUR {
        SlaStatus::Warning
    } else {
        SlaStatus::OnTrack
    };
    let assignee = if (status == New && g.chance(0.7)) || (!closed && g.chance(0.05)) {
        None
    } else {
        Some(g.pick(&ANALYSTS).0)
    };
    let tier = g.weighted(&[
        (RiskTier::High, 20),
        (RiskTier::Medium, 45),
        (RiskTier::Low, 35),
    ]);
    Case {
        token: format!("cas_{:020x}", g.next() as u128 * 0x1_0000 + n as u128),
        name: format!("CAS-{:06}", n + 1),
        case_type: Some(Wire::Known(*g.pick(CaseType::ALL))),
        status: Wire::Known(status),
        priority: Some(Wire::Known(*g.pick(Priority::ALL))),
        entity_category: Some(Wire::Known(if is_company {
            EntityType::Company
        } else {
            EntityType::Person
        })),
        primary_entity: Some(entity),
        primary_entity_token: Some(format!("ent_{:016x}", g.next())),
        assigned_to: assignee.map(|id| UserRef {
            id: id.into(),
            name: None,
        }),
        sla_deadline: ts(deadline),
        sla_status: Some(Wire::Known(sla)),
        sla_paused: status == ClientInput,
        open_alerts: Some(if closed { 0 } else { g.below(7) as u32 }),
        total_entities: Some(1 + g.below(8) as u32),
        risk_tier: Some(Wire::Known(tier)),
        risk_score: Some(g.below(1000) as f64 / 10.0),
        decision: closed.then(|| {
            Wire::Known(if g.chance(0.18) {
                Decision::Decline
            } else {
                Decision::Approve
            })
        }),
        summary: closed.then(|| "Registry, screening and identity checks complete.".into()),
        external_reference: Some(format!("CRM-{}-{:07}", country.code, g.below(10_000_000))),
        created_at: ts(created),
        updated_at: ts(NOW - g.between(60, 48 * HOUR)),
        closed_at: closed
            .then(|| ts(NOW - g.between(HOUR, 30 * 24 * HOUR)))
            .flatten(),
        version: Some(1 + g.below(12) as i64),
        source: None,
    }
}

fn users() -> Vec<User> {
    ANALYSTS
        .iter()
        .map(|(id, name)| User {
            id: (*id).into(),
            name: (*name).into(),
            email: None,
            role: Some("analyst".into()),
            can_write: true,
        })
        .collect()
}

/// A state as the runtime has it once the user, the users and 10k cases have loaded.
fn loaded(cases: &[Case]) -> State {
    let mut s = State::new("bench", ts(NOW).unwrap());
    update(&mut s, Action::UsersLoaded(users()));
    update(&mut s, Action::MeLoaded(Some(users()[0].clone())));
    update(
        &mut s,
        Action::QueueLoaded {
            cases: cases.to_vec(),
            at: ts(NOW - 12).unwrap(),
        },
    );
    s
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Draws `samples` frames; `between` changes the state (untimed) before frame `i`.
fn render_samples(
    state: &mut State,
    samples: usize,
    mut between: impl FnMut(&mut State, usize),
) -> Vec<f64> {
    let theme = Theme::dark();
    let mut term = Terminal::new(TestBackend::new(COLS, ROWS)).unwrap();
    let warmup = 50;
    let mut out = Vec::with_capacity(samples);
    for i in 0..warmup + samples {
        between(state, i);
        let t = Instant::now();
        term.draw(|f| view(state, &theme, f)).unwrap();
        let took = t.elapsed();
        if i >= warmup {
            out.push(micros(took));
        }
    }
    out
}

fn in_memory() {
    let mut g = Rng(0x00d0_c4e7);
    let cases: Vec<Case> = (0..CASES).map(|n| case(n, &mut g)).collect();

    // Render, queue only: the selection visits the whole queue, evenly.
    let mut state = loaded(&cases);
    let rows = state.queue.view.len();
    let samples = 1000;
    let render = render_samples(&mut state, samples, |s, i| {
        s.queue.select_row(i % samples * rows / samples);
    });
    report("render_10k_us", render, 1);

    // Render with the most urgent case open beside the queue.
    let mut state = loaded(&cases);
    update(&mut state, Action::Command(Command::Open));
    assert!(state.detail.is_some(), "a case is open");
    let detail = render_samples(&mut state, samples, |_, _| {});
    report("render_10k_detail_us", detail, 1);

    // One typed filter character.
    let mut state = loaded(&cases);
    update(&mut state, Action::Command(Command::StartFilter));
    let queries = [
        "nordl", "gmbh ", "cas-0", "trade", "holdi", "tanak", "ltda ", "capit",
    ];
    let key = |code, modifiers| Action::Key(KeyEvent::new(code, modifiers));
    let mut filter = Vec::new();
    for round in 0..64 {
        for c in queries[round % queries.len()].chars() {
            let t = Instant::now();
            update(&mut state, key(KeyCode::Char(c), KeyModifiers::NONE));
            let took = t.elapsed();
            if round >= 2 {
                filter.push(micros(took));
            }
        }
        update(&mut state, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
    }
    report("filter_keystroke_10k_us", filter, 1);

    // Moving down over the whole queue: one warm-up pass, then two measured.
    let mut state = loaded(&cases);
    let rows = state.queue.view.len();
    let mut nav = Vec::with_capacity(2 * rows);
    for pass in 0..3 {
        update(&mut state, Action::Command(Command::Top));
        for _ in 0..rows {
            let t = Instant::now();
            update(&mut state, Action::Command(Command::Down));
            let took = t.elapsed();
            if pass > 0 {
                nav.push(took.as_secs_f64() * 1e9);
            }
        }
    }
    report("update_nav_10k_ns", nav, 0);
}

// ------------------------------------------------------------------ the binary in a pty

struct Screen {
    parser: vt100::Parser,
    raw: Vec<u8>,
    closed: bool,
    /// When the last chunk of output arrived.
    last_chunk: Instant,
    /// When the first frame ended, and whether it showed "Loading cases…".
    first_frame: Option<(Instant, bool)>,
}

struct Console {
    shared: Arc<(Mutex<Screen>, Condvar)>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    spawned: Instant,
    _home: tempfile::TempDir,
}

impl Console {
    fn start(url: &str, key: &str) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_docket"));
        cmd.args(["--api-url", url, "--poll-secs", "3600"]);
        cmd.env("DOCKET_API_KEY", key);
        cmd.env("HOME", home.path());
        cmd.env("XDG_STATE_HOME", home.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let shared = Arc::new((
            Mutex::new(Screen {
                parser: vt100::Parser::new(
                    std::num::NonZeroU16::new(ROWS).unwrap(),
                    std::num::NonZeroU16::new(COLS).unwrap(),
                    0,
                ),
                raw: Vec::new(),
                closed: false,
                last_chunk: Instant::now(),
                first_frame: None,
            }),
            Condvar::new(),
        ));
        let s2 = shared.clone();
        let spawned = Instant::now();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        std::thread::spawn(move || {
            let _master = pair.master; // keep the pty open while reading
            let mut buf = [0u8; 16384];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let at = Instant::now();
                let (lock, cv) = &*s2;
                let mut s = lock.lock().unwrap();
                if n == 0 {
                    s.closed = true;
                    cv.notify_all();
                    break;
                }
                s.parser.process(&buf[..n]);
                // A frame end may straddle two reads: look back over the previous tail.
                let from = s.raw.len().saturating_sub(FRAME_END.len() - 1);
                s.raw.extend_from_slice(&buf[..n]);
                if s.first_frame.is_none() && contains(&s.raw[from..], FRAME_END) {
                    let loading = s.parser.screen().contents().contains("Loading cases…");
                    s.first_frame = Some((at, loading));
                }
                s.last_chunk = at;
                cv.notify_all();
            }
        });
        Console {
            shared,
            writer,
            child,
            spawned,
            _home: home,
        }
    }

    /// Waits until `pred` holds of the raw output so far; returns when the output that made it
    /// hold arrived.
    fn wait_raw(&self, what: &str, limit: Duration, pred: impl Fn(&Screen) -> bool) -> Instant {
        let (lock, cv) = &*self.shared;
        let deadline = Instant::now() + limit;
        let mut s = lock.lock().unwrap();
        loop {
            if pred(&s) {
                return s.last_chunk;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !s.closed,
                "timed out waiting for {what}; screen:\n{}",
                s.parser.screen().contents()
            );
            s = cv.wait_timeout(s, left).unwrap().0;
        }
    }

    /// Waits until the screen text satisfies `pred`; returns when the deciding output arrived.
    fn wait_screen(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> Instant {
        self.wait_raw(what, limit, |s| pred(&s.parser.screen().contents()))
    }

    fn bytes_written(&self) -> usize {
        self.shared.0.lock().unwrap().raw.len()
    }

    /// True if the console wrote anything within `window`.
    fn writes_within(&self, window: Duration) -> bool {
        let (lock, cv) = &*self.shared;
        let s = lock.lock().unwrap();
        let before = s.raw.len();
        let (s, _) = cv
            .wait_timeout_while(s, window, |s| s.raw.len() == before && !s.closed)
            .unwrap();
        s.raw.len() != before
    }

    /// Waits until the console has written nothing for 300 ms.
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.writes_within(Duration::from_millis(300)) {
            assert!(Instant::now() < deadline, "the console never went quiet");
        }
    }

    /// Lets `window` pass, whatever is written meanwhile (or until the pty closes).
    fn idle_for(&self, window: Duration) {
        let (lock, cv) = &*self.shared;
        let s = lock.lock().unwrap();
        let _ = cv.wait_timeout_while(s, window, |s| !s.closed).unwrap();
    }

    fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the console did not exit");
            self.writes_within(Duration::from_millis(100));
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: count fields after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the line; field 3 (the state) is the first after the name.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn end_to_end() {
    let idle_secs = env_num("BENCH_IDLE_SECS", 30);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::new(dir.path().join("bench.db"));
    cfg.cases = 400;
    cfg.seed = 1;
    let sb = rt.block_on(Sandbox::start(cfg)).expect("sandbox starts");
    let key = sb.credential(UserRole::Analyst).unwrap().key.clone();
    let url = sb.url();

    let mut c = Console::start(&url, &key);
    let spawned = c.spawned;
    let ms = |t: Instant| t.duration_since(spawned).as_secs_f64() * 1000.0;

    c.wait_raw("the first frame", Duration::from_secs(20), |s| {
        s.first_frame.is_some()
    });
    let (first_frame, loading) = c.shared.0.lock().unwrap().first_frame.unwrap();
    if !loading {
        eprintln!("note: the first frame did not show \"Loading cases…\"");
    }
    let data = c.wait_screen(
        "the queue, online, with cases",
        Duration::from_secs(30),
        |s| s.contains("● online") && s.lines().any(|l| l.contains("CAS-")),
    );
    println!("first_frame_ms: {:.1}", ms(first_frame));
    println!("first_data_ms: {:.1}", ms(data));

    // Keystrokes: one `j` at a time, each awaited until the console is quiet again.
    c.settle();
    let mut per_key = Vec::new();
    for i in 0..20 {
        let before = c.bytes_written();
        c.keys("j");
        if !c.writes_within(Duration::from_secs(5)) {
            eprintln!("note: keystroke {} produced no output", i + 1);
        }
        c.settle();
        per_key.push(c.bytes_written() - before);
    }
    let mean = per_key.iter().sum::<usize>() as f64 / per_key.len() as f64;
    println!("bytes_per_j_120x40: {mean:.0}");
    println!(
        "bytes_per_j_120x40_max: {}",
        per_key.iter().max().copied().unwrap_or(0)
    );

    // Idle: no input for the window; bytes written and CPU used.
    c.settle();
    let pid = c.child.process_id().expect("the console's pid");
    let hz = clock_ticks();
    let before = c.bytes_written();
    let cpu0 = cpu_ticks(pid);
    let t0 = Instant::now();
    c.idle_for(Duration::from_secs(idle_secs));
    let cpu1 = cpu_ticks(pid);
    let wall = t0.elapsed().as_secs_f64();
    let idle_bytes = c.bytes_written() - before;
    println!("idle_bytes_{idle_secs}s: {idle_bytes}");
    match (cpu0, cpu1) {
        (Some(a), Some(b)) => println!(
            "idle_cpu_pct_{idle_secs}s: {:.2}",
            b.saturating_sub(a) as f64 / hz / wall * 100.0
        ),
        _ => eprintln!("note: /proc/{pid}/stat was not readable; no idle CPU figure"),
    }

    c.keys("q");
    let status = c.wait_exit();
    if !status.success() {
        eprintln!("note: the console exited with {status:?}");
    }
    rt.block_on(sb.shutdown()).unwrap();
}

fn main() {
    // `cargo bench` passes --bench; nothing else is accepted.
    in_memory();
    end_to_end();
}
