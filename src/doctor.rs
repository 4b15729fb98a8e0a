//! `docket doctor`: checks what stands between the analyst and a working console and says
//! what it found, one line per finding. Secrets are never printed: a key is described by its
//! source only.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Duration;

use crate::provider::ApiKey;
use crate::provider::transport::Transport;
use crate::provider::zenoo::ZenooClient;
use crate::sandbox::Sandbox;
use crate::session::{ConsoleArgs, config_path, embedded_sandbox, select_profile};

/// How a finding went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub topic: &'static str,
    pub level: Level,
    pub text: String,
}

/// Clock skew beyond this is worth a warning (SLA countdowns and `updated_since` use it).
const SKEW_WARN: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Report(Vec<Finding>);

impl Report {
    fn add(&mut self, topic: &'static str, level: Level, text: impl Into<String>) {
        self.0.push(Finding {
            topic,
            level,
            text: crate::text::sanitize::clean(&text.into()).into_owned(),
        });
    }
}

/// Runs every check. `env` reads environment variables (a parameter so tests can set them).
pub async fn check(args: &ConsoleArgs, env: &dyn Fn(&str) -> Option<String>) -> Vec<Finding> {
    let mut r = Report::default();
    let target = config_and_key(args, env, &mut r).await;
    if let Some((client, sandbox)) = target {
        connection(&client, &mut r).await;
        if let Some(sb) = sandbox
            && let Err(e) = sb.shutdown().await
        {
            r.add("sandbox", Level::Warn, format!("did not stop cleanly: {e}"));
        }
    }
    terminal(env, &mut r);
    r.0
}

/// The config file, the profile, the key's source and the transport. Returns a client when
/// there is something to connect to.
async fn config_and_key(
    args: &ConsoleArgs,
    env: &dyn Fn(&str) -> Option<String>,
    r: &mut Report,
) -> Option<(ZenooClient, Option<Sandbox>)> {
    let path = match config_path(args) {
        Ok(p) => p,
        Err(e) => {
            r.add("config", Level::Fail, e.to_string());
            return None;
        }
    };
    let (file, text) = match crate::config::load(&path) {
        Ok(loaded) => loaded,
        Err(e) => {
            r.add("config", Level::Fail, e.to_string());
            return None;
        }
    };
    // The checks the console makes before it starts: what fails here, it refuses.
    let problems = crate::config::validate(&path, &text, &file, &args.selection());
    if !problems.is_empty() {
        for p in problems {
            r.add(p.topic, Level::Fail, p.to_string());
        }
        return None;
    }
    let summary = if path.exists() {
        format!(
            "{}: {} profile(s), {} view(s)",
            path.display(),
            file.profiles.len(),
            file.views.len()
        )
    } else {
        format!(
            "{} does not exist: defaults apply (docket config init writes an example)",
            path.display()
        )
    };
    r.add("config", Level::Ok, summary);
    let (name, profile) = match select_profile(args, &file, &path) {
        Ok(v) => v,
        Err(e) => {
            r.add("profile", Level::Fail, e.to_string());
            return None;
        }
    };
    let mut transport = profile
        .as_ref()
        .map(|p| p.transport(&path))
        .unwrap_or_default();
    args.apply(&mut transport);

    let (url, key) = match (&args.api_url, &profile) {
        (Some(url), _) => {
            r.add("profile", Level::Ok, format!("--api-url {url}"));
            let var = &args.api_key_env;
            match env(var).filter(|k| !k.trim().is_empty()) {
                Some(k) => {
                    r.add("key", Level::Ok, format!("from ${var} (value not shown)"));
                    (url.clone(), ApiKey::new(k.trim()))
                }
                None => {
                    r.add("key", Level::Fail, format!("${var} is not set or empty"));
                    return None;
                }
            }
        }
        (None, Some(p)) if p.vendor() != crate::provider::Vendor::Zenoo => {
            let name = name.unwrap_or_default();
            vendor_profile(&name, p, &path, args, r).await;
            return None;
        }
        (None, Some(p)) => {
            let name = name.unwrap_or_default();
            let Some(url) = p.base_url.clone() else {
                r.add(
                    "profile",
                    Level::Fail,
                    format!("profile {name} has no base_url"),
                );
                return None;
            };
            r.add("profile", Level::Ok, format!("{name}: {url}"));
            match crate::config::api_key(&name, p, &path) {
                Ok((key, source)) => {
                    r.add(
                        "key",
                        Level::Ok,
                        format!("from {} (value not shown)", source.from),
                    );
                    if let Some(w) = source.warning {
                        r.add("key", Level::Warn, w);
                    }
                    (url, key)
                }
                Err(e) => {
                    r.add("key", Level::Fail, e);
                    return None;
                }
            }
        }
        (None, None) => {
            r.add(
                "profile",
                Level::Ok,
                "none chosen: docket opens the embedded sandbox",
            );
            return match Sandbox::start(embedded_sandbox().ok()?).await {
                Ok(sb) => {
                    let key = sb
                        .credential(crate::domain::UserRole::Analyst)
                        .map(|c| c.key.clone())
                        .unwrap_or_default();
                    r.add("key", Level::Ok, "the sandbox analyst's (value not shown)");
                    match ZenooClient::new(&sb.url(), ApiKey::new(key)) {
                        Ok(c) => Some((c, Some(sb))),
                        Err(e) => {
                            r.add("transport", Level::Fail, e.to_string());
                            None
                        }
                    }
                }
                Err(e) => {
                    r.add("sandbox", Level::Fail, format!("cannot start: {e:#}"));
                    None
                }
            };
        }
    };
    transport_findings(&transport, &url, r);
    match ZenooClient::with_transport(&url, key, &transport) {
        Ok(c) => Some((c, None)),
        Err(e) => {
            r.add("transport", Level::Fail, e.to_string());
            None
        }
    }
}

/// A profile for a vendor other than Zenoo: its key and second secret, transport, and one
/// real queue load through its adapter.
async fn vendor_profile(
    name: &str,
    p: &crate::config::Profile,
    path: &std::path::Path,
    args: &ConsoleArgs,
    r: &mut Report,
) {
    let vendor = p.vendor();
    let (mut c, source) = match p.connect(name, path) {
        Ok(v) => v,
        Err(e) => {
            r.add("key", Level::Fail, e);
            return;
        }
    };
    r.add(
        "profile",
        Level::Ok,
        format!("{name}: {} at {}", vendor.title(), c.base_url),
    );
    r.add(
        "key",
        Level::Ok,
        format!("from {} (value not shown)", source.from),
    );
    if let Some(w) = source.warning {
        r.add("key", Level::Warn, w);
    }
    args.apply(&mut c.transport);
    transport_findings(&c.transport, &c.base_url, r);
    let provider = match crate::provider::connect(c) {
        Ok(p) => p,
        Err(e) => {
            r.add("transport", Level::Fail, e.to_string());
            return;
        }
    };
    let started = std::time::Instant::now();
    match provider.queue().await {
        Ok(cases) => r.add(
            "connect",
            Level::Ok,
            format!(
                "{} answered with {} case(s) in {} ms",
                vendor.title(),
                cases.map_or(0, |c| c.len()),
                started.elapsed().as_millis()
            ),
        ),
        Err(e) => r.add("connect", Level::Fail, e.to_string()),
    }
    let caps = provider.capabilities();
    let mut missing = Vec::new();
    for (ok, what) in [
        (caps.add_comment, "comments"),
        (caps.assign, "assignment"),
        (caps.risk, "risk"),
        (
            caps.rationale_on_decision,
            "a decision's summary (kept locally)",
        ),
        (
            caps.idempotency_keys,
            "idempotency keys (retries check first)",
        ),
    ] {
        if !ok {
            missing.push(what);
        }
    }
    if !missing.is_empty() {
        r.add(
            "vendor",
            Level::Ok,
            format!("{}'s API has no {}", vendor.title(), missing.join(", ")),
        );
    }
}

fn transport_findings(t: &Transport, url: &str, r: &mut Report) {
    let mut text = String::new();
    if url.starts_with("https://") {
        text.push_str("TLS (rustls) with the platform's roots");
        if let Some(f) = &t.ca_file {
            let _ = write!(text, " and {}", f.display());
        }
    } else {
        text.push_str("plain http");
    }
    let _ = write!(
        text,
        "; connect timeout {} s, request timeout {} s",
        t.connect_timeout.as_secs(),
        t.timeout.as_secs()
    );
    let level = if url.starts_with("http://") && t.allow_insecure_http {
        text.push_str("; allow_insecure_http is on");
        Level::Warn
    } else {
        Level::Ok
    };
    r.add("transport", level, text);
}

async fn connection(client: &ZenooClient, r: &mut Report) {
    let local_before = jiff::Timestamp::now();
    match client.probe().await {
        Ok(p) => {
            r.add(
                "connect",
                Level::Ok,
                format!(
                    "GET /v1/cases answered {} in {} ms{}",
                    p.status,
                    p.elapsed.as_millis(),
                    p.request_id
                        .map(|id| format!(" (request {id})"))
                        .unwrap_or_default()
                ),
            );
            match p.server_date {
                Some(server) => {
                    // The Date header has whole seconds: compare with the middle of the call.
                    let local = local_before
                        .checked_add(
                            jiff::SignedDuration::try_from(p.elapsed / 2).unwrap_or_default(),
                        )
                        .unwrap_or(local_before);
                    let skew = local.duration_since(server).as_secs_f64();
                    let level = if skew.abs() > SKEW_WARN.as_secs_f64() {
                        Level::Warn
                    } else {
                        Level::Ok
                    };
                    let text = if skew.abs() < 1.5 {
                        "in step with the server (Date header, ±1 s)".to_string()
                    } else {
                        format!(
                            "this machine is {:.0} s {} the server (Date header, ±1 s){}",
                            skew.abs(),
                            if skew >= 0.0 { "ahead of" } else { "behind" },
                            if level == Level::Warn {
                                "; SLA countdowns will be off: sync the clock (NTP)"
                            } else {
                                ""
                            }
                        )
                    };
                    r.add("clock", level, text);
                }
                None => r.add("clock", Level::Warn, "the server sent no Date header"),
            }
        }
        Err(e) => r.add("connect", Level::Fail, e.to_string()),
    }
}

fn terminal(env: &dyn Fn(&str) -> Option<String>, r: &mut Report) {
    let tty = std::io::stdout().is_terminal();
    let term = env("TERM").unwrap_or_default();
    let size = crossterm::terminal::size().ok();
    let mut text = format!(
        "TERM={}{}",
        if term.is_empty() { "(unset)" } else { &term },
        size.map(|(w, h)| format!(", {w}x{h}")).unwrap_or_default()
    );
    if env("TMUX").is_some() {
        text.push_str(", inside tmux");
    }
    if !tty {
        text.push_str(", stdout is not a terminal");
    }
    let colors = if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        "NO_COLOR set: monochrome theme"
    } else if env("COLORTERM").is_some_and(|v| v.contains("truecolor") || v.contains("24bit")) {
        "24-bit color"
    } else if term.contains("256color") {
        "256 colors"
    } else {
        "16 colors assumed"
    };
    let _ = write!(text, ", {colors}");
    let small =
        size.is_some_and(|(w, h)| w < crate::text::MIN_WIDTH || h < crate::text::MIN_HEIGHT);
    let level = if term == "dumb" || small {
        text.push_str(if small {
            "; the window is below the 40x8 minimum"
        } else {
            "; a dumb terminal cannot draw the console"
        });
        Level::Warn
    } else {
        Level::Ok
    };
    r.add("terminal", level, text);
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| env(v).filter(|s| !s.is_empty()))
        .unwrap_or_default();
    let utf8 = locale
        .to_ascii_lowercase()
        .replace('-', "")
        .contains("utf8");
    r.add(
        "locale",
        if utf8 { Level::Ok } else { Level::Warn },
        if utf8 {
            format!("{locale}: UTF-8")
        } else {
            format!(
                "{}: not UTF-8; borders and symbols may show as junk (set LANG=C.UTF-8)",
                if locale.is_empty() {
                    "(unset)"
                } else {
                    &locale
                }
            )
        },
    );
}

/// The report as text, one aligned line per finding.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let tag = match f.level {
            Level::Ok => "ok  ",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        let _ = writeln!(out, "{tag}  {:<9} {}", f.topic, f.text);
    }
    out
}
