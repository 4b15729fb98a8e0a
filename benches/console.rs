//! Console benchmarks, one command: `cargo bench --bench console`. Prints one `metric: value`
//! line per metric (notes go to stderr) and writes `BENCHMARKS.md` with the figures, their
//! budgets, the command and the machine.
//!
//! In memory, at 10,000 and 100,000 cases (a deterministic generator):
//! - `render_{n}_us_p50/p99`: `Terminal::draw` of `view` into a 120x40 `TestBackend`, the
//!   selection visiting the whole queue;
//! - `key_nav_{n}_us`, `key_filter_{n}_us`, `key_tab_{n}_us` (p50/p99): key to frame, the
//!   application's part: `update` of the key plus the frame it causes (`j` from rows spread
//!   over the queue; typed filter characters; `]` with a case open);
//! - `update_nav_{n}_ns`: `update(Down)` alone.
//!
//! The release binary in a pseudo-terminal (120x40 unless said) against `docket sandbox serve`
//! in its own process (10,000 and 100,000 cases, seeded first; BENCH_LARGE=0 skips the 100k
//! run). Times are from spawning the console to the end of the frame that shows the thing:
//! - `first_frame_ms_cold_{n}` / `first_data_ms_cold_{n}`: to the first synchronized frame /
//!   to a case row on screen, with an empty local cache;
//! - `full_queue_ms_{n}` (cold): to the whole queue from the sandbox: the queue's title
//!   counting all `n` cases (` Queue 71234/100000 `), `● online`, no "Loading the rest";
//! - `rss_mb_{n}`: resident memory (VmRSS) then, once the console is quiet: no output for
//!   300 ms and no CPU time for 500 ms (the cache written); `peak_rss_mb_{n}`: the most it was
//!   resident until then (VmHWM), i.e. while loading;
//! - `first_frame_ms_warm_{n}` / `first_data_ms_warm_{n}`: as cold, started again with the
//!   cache the first run left; `full_queue_ms_warm_{n}`: to the queue's title counting all `n`
//!   cases, whichever shows them first: the last known queue from the cache (shown whole, the
//!   status bar saying so until the API answers) or the API; `full_queue_warm_from_cache_{n}`
//!   says which (1: the cache, 0: the API, its first page having come before the cache);
//! - `filter_{first,next}_key_{echo,settled}_ms_{n}_{p50,p99,max}`: filter keys with the
//!   whole queue loaded (cold run, after the memory figures): `/` (the filter line awaited),
//!   then queries (seeded entity names, a legal form, a case reference) typed a character at
//!   a time, each key awaited, Esc and the closed filter line awaited between queries. `first`
//!   is a query's first character (the whole queue filtered), `next` the later ones. Echo:
//!   from writing the key to the first byte the console writes after it. Settled: to the last
//!   byte of that key's output, which ends at the first 250 ms of silence or before the first
//!   frame of the API search a pause in typing starts (three characters or more, after
//!   300 ms; its answer is awaited before the next key). BENCH_FILTER_RUNS queries typed whole
//!   (24), then first characters alone up to BENCH_FIRST_KEYS first keys (100);
//! - `bytes_per_j_120x40`, `bytes_per_j_200x60` (mean, and `_max`): output per `j`;
//! - `idle_bytes_30s`, `idle_cpu_pct_30s` (BENCH_IDLE_SECS sets the window);
//! - `unchanged_poll_wire_bytes`: request plus answer of a conditional poll of the queue's first
//!   page when nothing changed (the 304), counted on the socket.

#[path = "../tests/common/pty.rs"]
mod pty;
#[path = "common/section.rs"]
mod section;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::app::update::Command;
use docket::app::{Action, State, update};
use docket::domain::model::{Case, User, UserRef};
use docket::domain::{
    CaseStatus, CaseType, Decision, EntityType, Priority, RiskTier, SlaStatus, Wire,
};
use docket::sandbox::seed::corpus::COUNTRIES;
use docket::ui::{Theme, view};
use jiff::Timestamp;
use pty::Console;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const COLS: u16 = 120;
const ROWS: u16 = 40;
const NOW: i64 = 1_800_000_000;
const HOUR: i64 = 3600;
const ANALYSTS: [(&str, &str); 3] = [
    ("usr_amara", "Amara Okafor"),
    ("usr_lukas", "Lukas Brandt"),
    ("usr_mei", "Mei Tanaka"),
];

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

/// Every figure printed, in order, for BENCHMARKS.md.
static FIGURES: Mutex<Vec<(String, f64)>> = Mutex::new(Vec::new());

fn emit(name: &str, value: f64, decimals: usize) {
    println!("{name}: {value:.decimals$}");
    FIGURES.lock().unwrap().push((name.to_string(), value));
}

fn report(name: &str, mut samples: Vec<f64>, decimals: usize) {
    samples.sort_by(f64::total_cmp);
    emit(&format!("{name}_p50"), pct(&samples, 0.50), decimals);
    emit(&format!("{name}_p99"), pct(&samples, 0.99), decimals);
}

/// `report`, and the largest sample as `{name}_max`.
fn report_max(name: &str, samples: Vec<f64>, decimals: usize) {
    if samples.is_empty() {
        eprintln!("note: no samples for {name}");
        return;
    }
    let max = samples.iter().copied().fold(f64::NAN, f64::max);
    report(name, samples, decimals);
    emit(&format!("{name}_max"), max, decimals);
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
        awaiting_approval: Vec::new(),
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
            cases: cases.to_vec().into(),
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

fn in_memory(n: usize) {
    let k = format!("{}k", n / 1000);
    let mut g = Rng(0x00d0_c4e7);
    let cases: Vec<Case> = (0..n).map(|i| case(i, &mut g)).collect();
    let theme = Theme::dark();
    let key = |code, modifiers| Action::Key(KeyEvent::new(code, modifiers));

    // Render, queue only: the selection visits the whole queue, evenly.
    let mut state = loaded(&cases);
    let rows = state.queue.view.len();
    let samples = 600;
    let render = render_samples(&mut state, samples, |s, i| {
        s.queue.select_row(i % samples * rows / samples);
    });
    report(&format!("render_{k}_us"), render, 1);

    // Key to frame, navigation: `j` from rows spread over the queue.
    let mut term = Terminal::new(TestBackend::new(COLS, ROWS)).unwrap();
    let mut nav = Vec::new();
    for i in 0..samples + 50 {
        state.queue.select_row(i * 7919 % rows);
        let t = Instant::now();
        update(&mut state, key(KeyCode::Char('j'), KeyModifiers::NONE));
        term.draw(|f| view(&state, &theme, f)).unwrap();
        if i >= 50 {
            nav.push(micros(t.elapsed()));
        }
    }
    report(&format!("key_nav_{k}_us"), nav, 1);

    // Key to frame, filter: one typed character and its frame, five-character queries.
    let mut state = loaded(&cases);
    update(&mut state, Action::Command(Command::StartFilter));
    let queries = [
        "nordl", "gmbh ", "cas-0", "trade", "holdi", "tanak", "ltda ", "capit",
    ];
    let mut filter = Vec::new();
    let rounds = if n > 20_000 { 24 } else { 64 };
    for round in 0..rounds {
        for c in queries[round % queries.len()].chars() {
            let t = Instant::now();
            update(&mut state, key(KeyCode::Char(c), KeyModifiers::NONE));
            term.draw(|f| view(&state, &theme, f)).unwrap();
            if round >= 2 {
                filter.push(micros(t.elapsed()));
            }
        }
        update(&mut state, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
    }
    report(&format!("key_filter_{k}_us"), filter, 1);

    // Key to frame, detail tab switch with the most urgent case open.
    let mut state = loaded(&cases);
    update(&mut state, Action::Command(Command::Open));
    let mut tabs = Vec::new();
    for i in 0..samples + 50 {
        let t = Instant::now();
        update(&mut state, key(KeyCode::Char(']'), KeyModifiers::NONE));
        term.draw(|f| view(&state, &theme, f)).unwrap();
        if i >= 50 {
            tabs.push(micros(t.elapsed()));
        }
    }
    report(&format!("key_tab_{k}_us"), tabs, 1);

    // `update(Down)` alone, from rows spread over the queue.
    let mut state = loaded(&cases);
    let mut upd = Vec::new();
    for i in 0..5000 {
        state.queue.select_row(i * 7919 % rows);
        let t = Instant::now();
        update(&mut state, Action::Command(Command::Down));
        upd.push(t.elapsed().as_secs_f64() * 1e9);
    }
    report(&format!("update_nav_{k}_ns"), upd, 0);
}

// ------------------------------------------------------------------ the binary in a pty

/// Starts the release binary at `cols`x`rows` with its state (cache, outbox) under `home`.
fn start(url: &str, key: &str, cols: u16, rows: u16, home: &std::path::Path) -> Console {
    Console::start_sized((cols, rows), url, key, &["--poll-secs", "3600"], home, &[])
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

/// Waits until `pid` has used no CPU time (at the clock tick's resolution, 10 ms) for
/// `window`, at most `limit`; false if it never was idle that long.
fn cpu_idle(pid: u32, window: Duration, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut before = cpu_ticks(pid);
    while Instant::now() < deadline {
        std::thread::sleep(window);
        let now = cpu_ticks(pid);
        if now.is_some() && now == before {
            return true;
        }
        before = now;
    }
    false
}

/// A memory figure of a process from /proc/PID/status (`VmRSS:` resident now, `VmHWM:` the
/// most it was resident), in MB.
fn status_mb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Mean and max bytes written per `j`, each awaited until the console is quiet.
fn bytes_per_j(c: &mut Console, label: &str) {
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
    emit(&format!("bytes_per_j_{label}"), mean, 0);
    emit(
        &format!("bytes_per_j_{label}_max"),
        per_key.iter().max().copied().unwrap_or(0) as f64,
        0,
    );
}

/// Bytes on the wire of a poll of the queue's first page when nothing changed: the request
/// with `If-None-Match` and the whole 304 answer, counted on a raw socket.
fn unchanged_poll_bytes(
    rt: &tokio::runtime::Runtime,
    addr: std::net::SocketAddr,
    key: &str,
) -> f64 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = "/v1/cases?sort=sla_deadline&limit=100";
    let request = |etag: Option<&str>| {
        format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-API-KEY: {key}\r\nAccept: application/json\r\n\
             User-Agent: docket/bench\r\n{}Connection: close\r\n\r\n",
            etag.map(|e| format!("If-None-Match: {e}\r\n"))
                .unwrap_or_default()
        )
    };
    rt.block_on(async {
        let exchange = |req: String| async move {
            let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
            sock.write_all(req.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            sock.read_to_end(&mut answer).await.unwrap();
            (req.len(), answer)
        };
        let (_, first) = exchange(request(None)).await;
        let text = String::from_utf8_lossy(&first);
        let etag = text
            .lines()
            .find_map(|l| {
                l.strip_prefix("etag: ")
                    .or_else(|| l.strip_prefix("ETag: "))
            })
            .map(|e| e.trim().to_string())
            .expect("the queue has an ETag");
        let (sent, answer) = exchange(request(Some(&etag))).await;
        assert!(
            answer.starts_with(b"HTTP/1.1 304"),
            "{}",
            String::from_utf8_lossy(&answer)
        );
        (sent + answer.len()) as f64
    })
}

/// Cold start, full load and memory, then a warm start on the same cache, at `n` cases.
/// `docket sandbox serve` in its own process, so the bench process stays small: the console
/// is spawned by fork, whose cost grows with the parent's memory, and a sandbox holding a
/// 100,000-case database in the bench process would be measured as console start-up time.
struct ServedSandbox {
    child: std::process::Child,
    url: String,
    addr: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

impl ServedSandbox {
    fn start(n: usize) -> (ServedSandbox, String) {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let seeding = Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
            .args([
                "sandbox",
                "serve",
                "--fresh",
                "--seed",
                "1",
                "--rate-limit",
                "0",
            ])
            .args(["--cases", &n.to_string()])
            .arg("--db")
            .arg(dir.path().join("bench.db"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("serve.log")).unwrap())
            .spawn()
            .expect("docket sandbox serve starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines
            .next()
            .and_then(|l| l.ok())
            .and_then(|l| l.strip_prefix("listening ").map(str::to_string))
            .expect("the listening line");
        let key = lines
            .by_ref()
            .map_while(Result::ok)
            .find(|l| l.contains("role=analyst"))
            .and_then(|l| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix("key=").map(str::to_string))
            })
            .expect("an analyst's key");
        // The rest of its lines (the other users' keys) are read too, until it exits: a pipe
        // closed early makes its next line fail, and `serve` exits on that error.
        std::thread::spawn(move || lines.for_each(drop));
        eprintln!(
            "note: seeded and served {n} cases in {:.1} s",
            seeding.elapsed().as_secs_f64()
        );
        let addr = url
            .trim_start_matches("http://")
            .parse()
            .expect("a socket address");
        (
            ServedSandbox {
                child,
                url,
                addr,
                _dir: dir,
            },
            key,
        )
    }
}

impl Drop for ServedSandbox {
    fn drop(&mut self) {
        // A sandbox gone before its time makes the console's figures meaningless: say why.
        if let Ok(Some(status)) = self.child.try_wait() {
            let log =
                std::fs::read_to_string(self._dir.path().join("serve.log")).unwrap_or_default();
            eprintln!("note: the sandbox exited early ({status}); its stderr:\n{log}");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Cold start, full load, memory and filter keys, then a warm start on the same cache, at `n`
/// cases.
fn load_figures(n: usize) -> (ServedSandbox, String) {
    let k = format!("{}k", n / 1000);
    let (sb, key) = ServedSandbox::start(n);
    let url = sb.url.clone();
    let home = tempfile::tempdir().unwrap();
    // The queue's title counts the loaded cases (` Queue 71234/100000 `): the whole queue is
    // on screen once it says the seeded total.
    let total = format!("/{n} ");
    for (run, warm) in [("cold", false), ("warm", true)] {
        let mut c = start(&url, &key, COLS, ROWS, home.path());
        let spawned = c.spawned;
        let ms = |t: Instant| t.duration_since(spawned).as_secs_f64() * 1000.0;
        let first_frame = c.wait_first_frame(Duration::from_secs(30));
        let data = c.wait_screen("a case row", Duration::from_secs(120), |s| {
            s.lines().any(|l| l.contains("CAS-"))
        });
        emit(&format!("first_frame_ms_{run}_{k}"), ms(first_frame), 1);
        emit(&format!("first_data_ms_{run}_{k}"), ms(data), 1);
        if warm {
            // Warm, the last known queue is shown whole as soon as the cache is read (the
            // status bar says so until the API answers); if the API's first page came first,
            // the cache is not used and the whole queue is the API's.
            match c.try_wait_frame(Duration::from_secs(180), |s| s.contains(&total)) {
                Ok(f) => {
                    emit(&format!("full_queue_ms_warm_{k}"), ms(f.at), 0);
                    let cached = f.text.contains("Showing the last known queue");
                    emit(
                        &format!("full_queue_warm_from_cache_{k}"),
                        f64::from(u8::from(cached)),
                        0,
                    );
                    let from = if cached {
                        "the local cache"
                    } else {
                        "the API (the cache was not used)"
                    };
                    eprintln!("note: warm, the whole queue at {n} came from {from}");
                }
                Err(text) => eprintln!(
                    "note: no whole queue (warm) within 180 s; status bar: {}",
                    text.lines().last().unwrap_or("").trim()
                ),
            }
        }
        // Cold: every page from the sandbox, the console online and no longer loading.
        let full = c.try_wait_screen("full queue", Duration::from_secs(180), |s| {
            s.contains(&total) && s.contains("● online") && !s.contains("Loading the rest")
        });
        if let (false, Some(full)) = (warm, full) {
            emit(&format!("full_queue_ms_{k}"), ms(full), 0);
            c.settle();
            let pid = c.child.process_id().expect("the console's pid");
            // Quiet is also no work out of sight (the queue written to the local cache).
            if !cpu_idle(pid, Duration::from_millis(500), Duration::from_secs(60)) {
                eprintln!("note: the console at {n} kept using CPU for 60 s after loading");
            }
            match (status_mb(pid, "VmRSS:"), status_mb(pid, "VmHWM:")) {
                (Some(rss), Some(peak)) => {
                    emit(&format!("rss_mb_{k}"), rss, 1);
                    emit(&format!("peak_rss_mb_{k}"), peak, 1);
                }
                _ => eprintln!("note: /proc/{pid}/status was not readable; no memory figures"),
            }
            filter_keys(&mut c, &k);
        }
        c.keys("q");
        let status = c.wait_exit();
        if !status.success() {
            eprintln!("note: the console exited with {status:?}");
        }
    }
    (sb, key)
}

/// How long the console must write nothing for a key's output to count as ended.
const QUIET: Duration = Duration::from_millis(250);

/// What the typed query looks like on the filter line: the text, then the cursor.
fn filter_line(typed: &str) -> String {
    format!("/{typed}▏")
}

/// The console asks the API about filter text of this many characters or more once typing
/// pauses (300 ms): `SEARCH_MIN` in src/app/update/find.rs.
const SEARCH_MIN: usize = 3;

/// The filter line's note says the console is asking the API about the text, or what it
/// answered ("loaded cases + API: 3 found", or "loaded cases only: …" when the search failed
/// or the API has none).
fn searching_or_searched(screen: &str) -> bool {
    screen.contains("asking the API")
        || screen.contains("loaded cases + API")
        || screen.contains("loaded cases only")
}

/// One filter key in the pty: writes `ch` (the filter line open and reading `typed` minus
/// `ch`), waits for the line to read `typed` and for the console to be quiet for `QUIET`,
/// then (three characters or more) for the answer of the search the pause starts, so that
/// the next key is measured alone.
///
/// Returns (echo, settled) in ms from the write: echo to the first byte written after it;
/// settled to the last byte of the key's own output, which ends at the first silence of
/// `QUIET` or before the first frame showing the search, whichever comes first. `None`
/// (with a note) when the key's own output cannot be told from the search's.
fn filter_key(c: &mut Console, ch: char, typed: &str) -> Option<(f64, f64)> {
    let before = c.bytes_written();
    let sent = Instant::now();
    c.keys(&ch.to_string());
    let want = filter_line(typed);
    c.wait_screen(&want, Duration::from_secs(30), |s| s.contains(&want));
    c.settle_for(QUIET);
    if typed.chars().count() >= SEARCH_MIN {
        c.wait_screen("the search's answer", Duration::from_secs(30), |s| {
            s.contains(&want) && searching_or_searched(s) && !s.contains("asking the API")
        });
        c.settle_for(QUIET);
    }
    let frames = c.frames_since(before);
    let own_end = match frames.iter().position(|f| searching_or_searched(&f.text)) {
        None => usize::MAX,
        Some(0) => {
            eprintln!("note: key {typed:?}: its frame and the search's came in one read; skipped");
            return None;
        }
        Some(i) => frames[i - 1].end,
    };
    let chunks = c.chunks_since(before);
    let first = chunks.first()?;
    // The key's own output: up to the search's first frame, and no further than a silence.
    let mut last = first;
    for chunk in &chunks[1..] {
        if chunk.end > own_end || chunk.at.duration_since(last.at) >= QUIET {
            break;
        }
        last = chunk;
    }
    let ms = |t: Instant| t.saturating_duration_since(sent).as_secs_f64() * 1000.0;
    Some((ms(first.at), ms(last.at)))
}

/// Opens the filter line with `/` and waits for it, empty, and for quiet.
fn open_filter(c: &mut Console) {
    c.keys("/");
    let want = filter_line("");
    c.wait_screen("the filter line", Duration::from_secs(30), |s| {
        s.contains(&want)
    });
    c.settle_for(QUIET);
}

/// Closes the filter line with Esc (which clears it) and waits for the whole queue and quiet.
fn close_filter(c: &mut Console) {
    c.keys("\x1b");
    c.wait_screen("the filter closed", Duration::from_secs(30), |s| {
        !s.contains('▏')
    });
    c.settle_for(QUIET);
    c.record_frames(false);
}

/// Filter keys at 120x40 with the whole queue loaded: realistic queries typed a character at
/// a time after `/`, Esc between them; the first character of a query (the whole queue
/// filtered) apart from the later ones (the rows narrowed). `BENCH_FILTER_RUNS` queries typed
/// whole (default 24), then single first keys up to `BENCH_FIRST_KEYS` first-key samples
/// (default 100).
fn filter_keys(c: &mut Console, k: &str) {
    // Fragments of the sandbox's seeded entity names, a case reference, a legal form.
    const QUERIES: [&str; 6] = [
        "kestrel",
        "cas-0004",
        "nordlicht",
        "hoffmann",
        "gmbh",
        "rossi",
    ];
    let runs = env_num("BENCH_FILTER_RUNS", 24) as usize;
    let first_keys = (env_num("BENCH_FIRST_KEYS", 100) as usize).max(runs);
    let (mut first_echo, mut first_settled) = (Vec::new(), Vec::new());
    let (mut next_echo, mut next_settled) = (Vec::new(), Vec::new());
    for run in 0..first_keys {
        let query = QUERIES[run % QUERIES.len()];
        // Whole queries first, then the first character alone.
        let typed_whole = run < runs;
        open_filter(c);
        c.record_frames(true);
        for (i, ch) in query.char_indices() {
            let typed = &query[..i + ch.len_utf8()];
            if let Some((echo, settled)) = filter_key(c, ch, typed) {
                if i == 0 {
                    first_echo.push(echo);
                    first_settled.push(settled);
                } else {
                    next_echo.push(echo);
                    next_settled.push(settled);
                }
            }
            if !typed_whole {
                break;
            }
        }
        close_filter(c);
    }
    eprintln!(
        "note: filter keys at {k}: {} first keys, {} later keys",
        first_echo.len(),
        next_echo.len()
    );
    for (name, samples) in [
        ("first_key_echo", first_echo),
        ("first_key_settled", first_settled),
        ("next_key_echo", next_echo),
        ("next_key_settled", next_settled),
    ] {
        report_max(&format!("filter_{name}_ms_{k}"), samples, 1);
    }
}

fn end_to_end() {
    let idle_secs = env_num("BENCH_IDLE_SECS", 30);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (sb, key) = load_figures(10_000);
    let url = sb.url.clone();
    emit(
        "unchanged_poll_wire_bytes",
        unchanged_poll_bytes(&rt, sb.addr, &key),
        0,
    );

    // Keystrokes at two sizes, then idle.
    let home = tempfile::tempdir().unwrap();
    let mut wide = start(&url, &key, 200, 60, home.path());
    wide.wait_screen("cases", Duration::from_secs(60), |s| {
        s.contains("● online") && s.contains("CAS-")
    });
    bytes_per_j(&mut wide, "200x60");
    wide.keys("q");
    wide.wait_exit();

    let mut c = start(&url, &key, COLS, ROWS, home.path());
    c.wait_screen("cases", Duration::from_secs(60), |s| {
        s.contains("● online") && s.contains("CAS-")
    });
    bytes_per_j(&mut c, "120x40");

    c.settle();
    let pid = c.child.process_id().expect("the console's pid");
    let hz = clock_ticks();
    let before = c.bytes_written();
    let cpu0 = cpu_ticks(pid);
    let t0 = Instant::now();
    c.idle_for(Duration::from_secs(idle_secs));
    let cpu1 = cpu_ticks(pid);
    let wall = t0.elapsed().as_secs_f64();
    emit(
        &format!("idle_bytes_{idle_secs}s"),
        (c.bytes_written() - before) as f64,
        0,
    );
    match (cpu0, cpu1) {
        (Some(a), Some(b)) => emit(
            &format!("idle_cpu_pct_{idle_secs}s"),
            b.saturating_sub(a) as f64 / hz / wall * 100.0,
            2,
        ),
        _ => eprintln!("note: /proc/{pid}/stat was not readable; no idle CPU figure"),
    }
    c.keys("q");
    let status = c.wait_exit();
    if !status.success() {
        eprintln!("note: the console exited with {status:?}");
    }
    drop(sb);

    if env_num("BENCH_LARGE", 1) != 0 {
        let (large, _) = load_figures(100_000);
        drop(large);
    }
}

/// The budgets of issues 8 and 15 ("100,000 cases as light as a spreadsheet viewer"): metric,
/// limit, unit; lower is better for all.
const BUDGETS: &[(&str, f64, &str)] = &[
    ("first_frame_ms_cold_10k", 30.0, "ms"),
    ("first_data_ms_cold_10k", 300.0, "ms"),
    ("key_nav_100k_us_p50", 2000.0, "µs"),
    ("key_filter_100k_us_p50", 30_000.0, "µs"),
    ("idle_bytes_30s", 0.0, "bytes"),
    ("idle_cpu_pct_30s", 0.2, "% of a core"),
    ("unchanged_poll_wire_bytes", 1024.0, "bytes"),
    ("bytes_per_j_120x40", 600.0, "bytes"),
    ("rss_mb_100k", 60.0, "MB"),
    ("peak_rss_mb_100k", 90.0, "MB"),
    ("full_queue_ms_100k", 3000.0, "ms"),
    ("full_queue_ms_warm_100k", 500.0, "ms"),
    ("filter_first_key_echo_ms_10k_max", 16.0, "ms"),
    ("filter_first_key_settled_ms_10k_max", 30.0, "ms"),
    ("filter_next_key_settled_ms_10k_max", 30.0, "ms"),
    ("filter_first_key_echo_ms_100k_max", 16.0, "ms"),
    ("filter_first_key_settled_ms_100k_max", 30.0, "ms"),
    ("filter_next_key_settled_ms_100k_max", 30.0, "ms"),
];

/// The 1-, 5- and 15-minute load averages (other work on the machine), as /proc says them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Writes BENCHMARKS.md: the machine, the command, the budgets and every figure.
fn write_report(load_before: &str) {
    let figures = FIGURES.lock().unwrap().clone();
    let get = |name: &str| figures.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| std::env::consts::OS.to_string());
    let mut md = String::new();
    md.push_str("# Benchmarks\n\n");
    md.push_str("Written by `cargo bench --bench console` (release build); rerun it to refresh this file.\n");
    md.push_str("`cargo bench --bench sandbox` measures the sandbox API (seeding, walking 100,000 cases, list latency under load) and `cargo bench --bench import` the CLI's import; each writes its own section below.\n\n");
    md.push_str(&format!(
        "Machine: {cores} cores, {cpu}, Linux {kernel}. Run: {}; load average {load_before} at \
         the start, {} at the end.\n\n",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC"),
        load_average()
    ));
    md.push_str("## Budgets\n\n| metric | figure | budget | verdict |\n|---|---|---|---|\n");
    for (name, limit, unit) in BUDGETS {
        let (fig, verdict) = match get(name) {
            Some(v) if v <= *limit => (format!("{v:.2}"), "met".to_string()),
            Some(v) => (
                format!("{v:.2}"),
                if *limit > 0.0 {
                    format!("missed by {:.0}%", (v / limit - 1.0) * 100.0)
                } else {
                    "missed".to_string()
                },
            ),
            None => ("—".into(), "not measured".into()),
        };
        md.push_str(&format!(
            "| `{name}` | {fig} | ≤ {limit} {unit} | {verdict} |\n"
        ));
    }
    md.push_str("\n## Every figure\n\n| metric | value |\n|---|---|\n");
    for (name, v) in &figures {
        md.push_str(&format!("| `{name}` | {v:.2} |\n"));
    }
    md.push_str(
        "\nMetric definitions are in the header of `benches/console.rs`. The in-memory \
         key-to-frame figures (`key_*`) are the application's part (update plus drawing the frame \
         into a buffer); the pty's (`filter_*_key_*`) are the whole console, from the key written \
         to its bytes read back. The terminal's own time to paint is in neither.\n",
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    // `cargo bench --bench import` and `--bench sandbox` own their sections; kept as they were.
    let tail = section::kept_tail();
    if !tail.is_empty() {
        md.push('\n');
        md.push_str(&tail);
    }
    match std::fs::write(&path, md) {
        Ok(()) => eprintln!("note: wrote {}", path.display()),
        Err(e) => eprintln!("note: cannot write {}: {e}", path.display()),
    }
}

fn main() {
    // `cargo bench` passes --bench; nothing else is accepted. The binary runs come first,
    // while this process is still small (see `ServedSandbox`).
    let load_before = load_average();
    end_to_end();
    in_memory(10_000);
    in_memory(100_000);
    write_report(&load_before);
}
