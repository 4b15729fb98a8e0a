//! The config file: profiles (where and as whom to connect), views, theme and keymap changes.
//!
//! TOML in the platform config dir (`~/.config/docket/config.toml` on Linux), or `--config`.
//! A bad file is reported with its path, the line, and what was expected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::app::keymap::{self, Context, Key, Keymap};
use crate::app::queue::{Quick, View};
use crate::provider::ApiKey;
use crate::provider::transport::Transport;

/// A config problem: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub default_profile: Option<String>,
    pub theme: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Context (`normal`, `queue`, `detail`, `alerts`) → key → command name or `"none"`.
    #[serde(default)]
    pub keymap: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    pub views: Vec<ViewSpec>,
    /// Canned rationales, inserted in the editor with Ctrl-T.
    #[serde(default)]
    pub snippets: Vec<SnippetSpec>,
    /// The bell and desktop notifications for new Critical or breached cases; off when absent.
    pub notify: Option<crate::app::power::Notify>,
}

/// A canned rationale: `{case}`, `{entity}`, `{category}`, `{score}` and `{me}` are filled in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnippetSpec {
    pub name: String,
    pub text: String,
}

impl From<&SnippetSpec> for crate::app::flow::Snippet {
    fn from(s: &SnippetSpec) -> Self {
        crate::app::flow::Snippet {
            name: s.name.clone(),
            text: s.text.clone(),
        }
    }
}

/// One API to connect to.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// `zenoo` (the default), `amiqus`, `persona` or `karmacheck`.
    pub provider: Option<Spanned<String>>,
    pub base_url: Option<String>,
    /// Environment variable holding the key (default `DOCKET_API_KEY`).
    pub api_key_env: Option<String>,
    /// A command printing the key (a password manager), run with `sh -c`.
    pub api_key_cmd: Option<String>,
    /// The key itself. Accepted, with a warning when the file is readable by others; prefer
    /// `api_key_env` or `api_key_cmd`.
    pub api_key: Option<ApiKey>,
    /// Extra root certificates (PEM), for a corporate CA that intercepts TLS.
    pub ca_file: Option<PathBuf>,
    /// Accept plain `http://` to a host other than loopback.
    pub allow_insecure_http: Option<bool>,
    /// Seconds to wait for a whole request (default 30).
    pub timeout_secs: Option<u64>,
    /// The case in the vendor's web dashboard: `{token}`, `{name}`, `{reference}` are filled.
    pub dashboard_url: Option<String>,
    /// Persona's per-template statuses and version pin.
    pub persona: Option<crate::provider::settings::PersonaSettings>,
    /// KarmaCheck's client access token source.
    pub karmacheck: Option<crate::provider::settings::KarmaCheckSettings>,
    /// Amiqus ID's queue statuses.
    pub amiqus: Option<crate::provider::settings::AmiqusSettings>,
    /// Your user id, for APIs that cannot tell who a key belongs to.
    pub user: Option<String>,
    pub poll_secs: Option<u64>,
    pub read_only: Option<bool>,
    pub theme: Option<String>,
    pub views: Option<Vec<ViewSpec>>,
}

/// A saved view: a name and its quick filters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewSpec {
    pub name: String,
    #[serde(default)]
    pub mine: bool,
    #[serde(default)]
    pub unassigned: bool,
    #[serde(default)]
    pub breached: bool,
    #[serde(default)]
    pub high_risk: bool,
    #[serde(default)]
    pub closed: bool,
}

impl From<&ViewSpec> for View {
    fn from(v: &ViewSpec) -> View {
        View {
            name: v.name.clone(),
            quick: Quick {
                mine: v.mine,
                unassigned: v.unassigned,
                breached: v.breached,
                high_risk: v.high_risk,
                closed: v.closed,
            },
        }
    }
}

/// The default location of the config file.
pub fn default_path() -> Option<PathBuf> {
    use etcetera::app_strategy::{AppStrategy, AppStrategyArgs, choose_app_strategy};
    choose_app_strategy(AppStrategyArgs {
        top_level_domain: "dev".into(),
        author: "docket".into(),
        app_name: "docket".into(),
    })
    .ok()
    .map(|s| s.config_dir().join("config.toml"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses a config file's text; `path` is only for messages.
pub fn parse(path: &Path, text: &str) -> Result<File, ConfigError> {
    let file: File = toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    // Check what serde cannot: providers, key names, command names.
    let err = |offset: usize, message: String| ConfigError {
        path: path.to_path_buf(),
        line: Some(line_of(text, offset)),
        message,
    };
    for p in file.profiles.values() {
        if let Some(pv) = &p.provider
            && vendor_named(pv.get_ref()).is_none()
        {
            return Err(err(
                pv.span().start,
                format!(
                    "unknown provider {:?}; expected one of: {}",
                    pv.get_ref(),
                    crate::provider::Vendor::ALL
                        .iter()
                        .map(|(n, _)| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    keymap_of(&file, text, path)?;
    Ok(file)
}

/// The keymap the file describes, over the defaults.
pub fn keymap_of(file: &File, text: &str, path: &Path) -> Result<Keymap, ConfigError> {
    let mut km = Keymap::default();
    for (ctx, binds) in &file.keymap {
        let context = Context::ALL
            .iter()
            .find(|(n, _)| *n == ctx.get_ref())
            .map(|(_, c)| *c)
            .ok_or_else(|| ConfigError {
                path: path.to_path_buf(),
                line: Some(line_of(text, ctx.span().start)),
                message: format!(
                    "unknown keymap context {:?}; expected one of: {}",
                    ctx.get_ref(),
                    Context::ALL
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        for (key, cmd) in binds {
            let k: Key = key.get_ref().parse().map_err(|m| ConfigError {
                path: path.to_path_buf(),
                line: Some(line_of(text, key.span().start)),
                message: m,
            })?;
            let c = match cmd.get_ref().as_str() {
                "none" => None,
                name => Some(keymap::command_named(name).ok_or_else(|| ConfigError {
                    path: path.to_path_buf(),
                    line: Some(line_of(text, cmd.span().start)),
                    message: format!(
                            "unknown command {name:?}; expected \"none\" or one of: {}",
                            crate::app::command::COMMANDS
                                .iter()
                                .map(|s| s.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                })?),
            };
            km.bind(context, k, c);
        }
    }
    Ok(km)
}

/// Reads the config file at `path`; a missing file is an empty config.
pub fn load(path: &Path) -> Result<(File, String), ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((parse(path, &text)?, text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((File::default(), String::new())),
        Err(e) => Err(ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read: {e}"),
        }),
    }
}

/// Where a [`Problem`] is: a line of the config file, or a command-line option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    File { path: PathBuf, line: Option<usize> },
    Flag(&'static str),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::File {
                path,
                line: Some(l),
            } => write!(f, "{}:{l}", path.display()),
            Place::File { path, line: None } => write!(f, "{}", path.display()),
            Place::Flag(flag) => f.write_str(flag),
        }
    }
}

/// Something docket refuses to start with, found by [`validate`]: where, and what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct Problem {
    /// What it concerns, as `docket doctor` files it: `config`, `profile`, `theme` or
    /// `transport`.
    pub topic: &'static str,
    pub place: Place,
    pub message: String,
}

impl From<ConfigError> for Problem {
    fn from(e: ConfigError) -> Problem {
        Problem {
            topic: "config",
            place: Place::File {
                path: e.path,
                line: e.line,
            },
            message: e.message,
        }
    }
}

/// What the command line chooses, for [`validate`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// `--profile`, in order (several merge); none: the file's `default_profile`, unless
    /// `api_url` is given.
    pub profiles: &'a [String],
    /// `--theme`.
    pub theme: Option<&'a str>,
    /// `--api-url`.
    pub api_url: Option<&'a str>,
    /// `--allow-insecure-http`.
    pub allow_insecure_http: bool,
    /// `--ca-file`.
    pub ca_file: Option<&'a Path>,
}

/// Where the values [`validate`] checks sit in the file, for line numbers. Everything else is
/// ignored here: [`parse`] has already checked it.
#[derive(Default, Deserialize)]
struct Spans {
    default_profile: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<ProfileSpans>>,
    notify: Option<NotifySpans>,
}

#[derive(Default, Deserialize)]
struct ProfileSpans {
    base_url: Option<Spanned<String>>,
    ca_file: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    persona: Option<PersonaSpans>,
}

#[derive(Default, Deserialize)]
struct PersonaSpans {
    api_version: Option<Spanned<String>>,
}

#[derive(Default, Deserialize)]
struct NotifySpans {
    #[serde(default)]
    views: Vec<Spanned<String>>,
}

/// Everything docket checks before it opens anything, beyond what [`parse`] checks: that
/// `default_profile` and every `--profile` exist, that every theme named in the file or by
/// `--theme` loads, that `[notify]` watches views that exist, and that each chosen profile
/// (or `--api-url`) has a base URL its transport accepts, a readable `ca_file` and valid vendor
/// settings. Keys are not fetched: that needs the environment or a password manager, and
/// `docket doctor` does it. The console, `docket config check` and `docket doctor` all call
/// this; an empty list means the console would start.
pub fn validate(path: &Path, text: &str, file: &File, sel: &Selection<'_>) -> Vec<Problem> {
    let spans: Spans = toml::from_str(text).unwrap_or_default();
    let at = |span: Option<std::ops::Range<usize>>| Place::File {
        path: path.to_path_buf(),
        line: span.map(|s| line_of(text, s.start)),
    };
    let mut out = Vec::new();
    let mut problem = |topic: &'static str, place: Place, message: String| {
        out.push(Problem {
            topic,
            place,
            message,
        })
    };
    let known_profiles = || {
        if file.profiles.is_empty() {
            "none (docket config init writes an example)".to_string()
        } else {
            file.profiles
                .keys()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };

    if let Some(name) = &file.default_profile
        && !file.profiles.contains_key(name)
    {
        problem(
            "profile",
            at(spans.default_profile.as_ref().map(Spanned::span)),
            format!(
                "default_profile {name:?} is not a profile here; expected one of: {}",
                known_profiles()
            ),
        );
    }

    // Themes: the file's, every profile's, and --theme.
    let theme_dir = path.parent().map(|d| d.join("themes"));
    let theme_problem = |name: &str| -> Option<String> {
        match crate::ui::theme::load(name, theme_dir.as_deref()) {
            Ok(_) => None,
            Err(crate::ui::theme::ThemeError::Unknown { name, available }) => Some(format!(
                "unknown theme {name:?}; expected one of: {}{}",
                available.join(", "),
                theme_dir
                    .as_ref()
                    .map(|d| format!(", or a file NAME.toml in {}", d.display()))
                    .unwrap_or_default()
            )),
            Err(e) => Some(format!("theme {name:?}: {e}")),
        }
    };
    if let Some(name) = &file.theme
        && let Some(m) = theme_problem(name)
    {
        problem("theme", at(spans.theme.as_ref().map(Spanned::span)), m);
    }
    for (pname, p) in &file.profiles {
        if let Some(name) = &p.theme
            && let Some(m) = theme_problem(name)
        {
            let span = spans
                .profiles
                .get(pname)
                .and_then(|s| s.get_ref().theme.as_ref().map(Spanned::span));
            problem("theme", at(span), format!("profile {pname}: {m}"));
        }
    }
    if let Some(name) = sel.theme
        && let Some(m) = theme_problem(name)
    {
        problem("theme", Place::Flag("--theme"), m);
    }

    // [notify] watches views by name: a name no view has would never notify.
    if let Some(n) = &file.notify {
        let mut names: Vec<String> = View::defaults().into_iter().map(|v| v.name).collect();
        names.extend(file.views.iter().map(|v| v.name.clone()));
        for p in file.profiles.values() {
            names.extend(p.views.iter().flatten().map(|v| v.name.clone()));
        }
        let spanned = spans.notify.as_ref().map(|s| &s.views[..]).unwrap_or(&[]);
        for (i, v) in n.views.iter().enumerate() {
            if !names.contains(v) {
                names.sort();
                names.dedup();
                problem(
                    "config",
                    at(spanned.get(i).map(Spanned::span)),
                    format!(
                        "notify watches the view {v:?}, which no view has; expected one of: {}",
                        names
                            .iter()
                            .map(|n| format!("{n:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }

    // The command line's choice of profiles.
    if sel.api_url.is_some() && sel.profiles.len() > 1 {
        problem(
            "profile",
            Place::Flag("--api-url"),
            "opens one API; merge several with --profile a --profile b instead".into(),
        );
    }
    for name in sel.profiles {
        if !file.profiles.contains_key(name) {
            problem(
                "profile",
                Place::Flag("--profile"),
                format!(
                    "no profile {name:?} in {}; expected one of: {}",
                    path.display(),
                    known_profiles()
                ),
            );
        }
    }
    let chosen: Vec<&String> = if !sel.profiles.is_empty() {
        sel.profiles.iter().collect()
    } else if sel.api_url.is_none() {
        file.default_profile.iter().collect()
    } else {
        vec![]
    };

    // What opening each chosen profile (or --api-url) checks before sending anything.
    let flags = |t: &mut Transport| {
        t.allow_insecure_http |= sel.allow_insecure_http;
        if let Some(f) = sel.ca_file {
            t.ca_file = Some(f.to_path_buf());
        }
    };
    if let Some(url) = sel.api_url {
        let profile = chosen.first().and_then(|n| file.profiles.get(*n));
        let mut t = profile.map(|p| p.transport(path)).unwrap_or_default();
        flags(&mut t);
        if let Err(e) = t.check_url(url) {
            problem("transport", Place::Flag("--api-url"), e.to_string());
        }
        if profile.is_none()
            && t.ca_file.is_some()
            && let Err(e) = t.client()
        {
            problem("transport", Place::Flag("--ca-file"), e.to_string());
        }
    }
    for name in chosen {
        let Some(p) = file.profiles.get(name) else {
            continue;
        };
        let s = spans.profiles.get(name);
        let header = at(s.map(Spanned::span));
        let mut t = p.transport(path);
        flags(&mut t);
        if sel.api_url.is_none() {
            match &p.base_url {
                None => problem(
                    "profile",
                    header.clone(),
                    format!("profile {name} has no base_url; expected base_url = \"https://...\""),
                ),
                Some(url) => {
                    if let Err(e) = t.check_url(url) {
                        let span = s.and_then(|s| s.get_ref().base_url.as_ref().map(Spanned::span));
                        problem("transport", at(span), format!("profile {name}: {e}"));
                    }
                }
            }
        }
        if t.ca_file.is_some()
            && let Err(e) = t.client()
        {
            let place = if sel.ca_file.is_some() {
                Place::Flag("--ca-file")
            } else {
                at(s.and_then(|s| s.get_ref().ca_file.as_ref().map(Spanned::span)))
            };
            problem("transport", place, format!("profile {name}: {e}"));
        }
        if p.vendor() == crate::provider::Vendor::Persona
            && let Some(v) = p.persona.as_ref().map(|s| s.api_version.as_str())
            && (v.is_empty() || reqwest::header::HeaderValue::from_str(v).is_err())
        {
            let span = s.and_then(|s| {
                s.get_ref()
                    .persona
                    .as_ref()
                    .and_then(|p| p.api_version.as_ref().map(Spanned::span))
            });
            problem(
                "profile",
                at(span),
                format!(
                    "profile {name}: persona.api_version {v:?} is not a Persona-Version; \
                     expected a date such as 2025-12-08"
                ),
            );
        }
    }
    out
}

/// Where a profile's key came from, and what the user should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySource {
    /// `api_key_cmd`, `$VAR` or the config file.
    pub from: String,
    /// Set when the key sits in a file others can read.
    pub warning: Option<String>,
}

/// Gets a profile's API key: from `api_key_cmd`, else the variable `api_key_env` names, else
/// `api_key` in the file `config` (with a warning when others can read it), else
/// `$DOCKET_API_KEY`. The key is never part of an error message.
pub fn api_key(
    profile_name: &str,
    p: &Profile,
    config: &Path,
) -> Result<(ApiKey, KeySource), String> {
    let plain = |from: String| KeySource {
        from,
        warning: None,
    };
    if let Some(cmd) = &p.api_key_cmd {
        let key = secret(profile_name, "api_key_cmd", Some(cmd), "")?;
        return Ok((key, plain("api_key_cmd".into())));
    }
    let from_env = |var: &str| match std::env::var(var) {
        Ok(k) if !k.trim().is_empty() => Some(ApiKey::new(k.trim())),
        _ => None,
    };
    if let Some(var) = &p.api_key_env {
        return from_env(var)
            .map(|k| (k, plain(format!("${var}"))))
            .ok_or_else(|| {
                format!(
                    "profile {profile_name}: no API key: the {var} environment variable is not set"
                )
            });
    }
    if let Some(key) = &p.api_key {
        if key.expose().trim().is_empty() {
            return Err(format!("profile {profile_name}: api_key is empty"));
        }
        return Ok((
            ApiKey::new(key.expose().trim()),
            KeySource {
                from: format!("api_key in {}", config.display()),
                warning: readable_by_others(config),
            },
        ));
    }
    from_env("DOCKET_API_KEY")
        .map(|k| (k, plain("$DOCKET_API_KEY".into())))
        .ok_or_else(|| {
            format!(
                "profile {profile_name}: no API key: set DOCKET_API_KEY, or api_key_env or \
                 api_key_cmd in the profile"
            )
        })
}

/// A secret from a command (run with `sh -c`) or, without one, an environment variable. The
/// value is never part of an error message.
pub fn secret(
    profile_name: &str,
    what: &str,
    cmd: Option<&str>,
    var: &str,
) -> Result<ApiKey, String> {
    if let Some(cmd) = cmd {
        let out = std::process::Command::new("sh")
            .args(["-c", cmd])
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("profile {profile_name}: cannot run the {what} command: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "profile {profile_name}: the {what} command failed ({})",
                out.status
            ));
        }
        let text = String::from_utf8(out.stdout).map_err(|_| {
            format!("profile {profile_name}: the {what} command printed something that is not text")
        })?;
        let text = text.trim();
        if text.is_empty() {
            return Err(format!(
                "profile {profile_name}: the {what} command printed nothing"
            ));
        }
        return Ok(ApiKey::new(text));
    }
    match std::env::var(var) {
        Ok(k) if !k.trim().is_empty() => Ok(ApiKey::new(k.trim())),
        _ => Err(format!(
            "profile {profile_name}: no {what}: the {var} environment variable is not set"
        )),
    }
}

/// A warning when `path` can be read by its group or by anyone.
pub fn readable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "{} holds an API key and others can read it (mode {:o}); run chmod 600 on it, \
                 or move the key to api_key_cmd",
                path.display(),
                mode & 0o777
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn vendor_named(name: &str) -> Option<crate::provider::Vendor> {
    crate::provider::Vendor::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
}

impl Profile {
    /// The vendor this profile speaks to (Zenoo when unset).
    pub fn vendor(&self) -> crate::provider::Vendor {
        self.provider
            .as_ref()
            .and_then(|p| vendor_named(p.get_ref()))
            .unwrap_or(crate::provider::Vendor::Zenoo)
    }

    /// Everything needed to open this profile's provider: its key (and a vendor's second
    /// secret), transport and vendor settings. `config` is the file's path, for relative paths
    /// and the permission check; the key's source comes back for `doctor` and the status line.
    pub fn connect(
        &self,
        name: &str,
        config: &Path,
    ) -> Result<(crate::provider::Connect, KeySource), String> {
        use crate::provider::{Connect, Vendor};
        let base_url = self
            .base_url
            .clone()
            .ok_or_else(|| format!("profile {name} in {} has no base_url", config.display()))?;
        let (key, source) = api_key(name, self, config)?;
        let mut c = Connect::new(self.vendor(), &base_url, key);
        c.transport = self.transport(config);
        c.user = self.user.clone();
        c.persona = self.persona.clone().unwrap_or_default();
        c.karmacheck = self.karmacheck.clone().unwrap_or_default();
        c.amiqus = self.amiqus.clone().unwrap_or_default();
        if c.vendor == Vendor::KarmaCheck {
            c.secondary_key = Some(secret(
                name,
                "client access token",
                c.karmacheck.client_token_cmd.as_deref(),
                c.karmacheck
                    .client_token_env
                    .as_deref()
                    .unwrap_or("DOCKET_KARMACHECK_CLIENT_TOKEN"),
            )?);
        }
        Ok((c, source))
    }
    /// The transport this profile asks for; a relative `ca_file` is taken from the config
    /// file's folder.
    pub fn transport(&self, config: &Path) -> Transport {
        let mut t = Transport {
            allow_insecure_http: self.allow_insecure_http.unwrap_or(false),
            ..Transport::default()
        };
        if let Some(secs) = self.timeout_secs {
            t.timeout = std::time::Duration::from_secs(secs.clamp(1, 600));
        }
        t.ca_file = self.ca_file.as_ref().map(|f| match config.parent() {
            Some(dir) if f.is_relative() => dir.join(f),
            _ => f.clone(),
        });
        t
    }
}

/// The commented example `docket config init` writes.
pub const EXAMPLE: &str = r#"# docket configuration. Every key is optional; this file lists only what you change.
#
# With no profile chosen (no --profile, no default_profile, no --api-url), docket starts its
# embedded sandbox and opens the console against it.

# default_profile = "prod"
# theme = "dark"            # dark, light, high-contrast, monochrome, or a file in themes/ next to this one

[profiles.sandbox-remote]
provider = "zenoo"
base_url = "http://127.0.0.1:8080"     # plain http is for loopback only
api_key_env = "DOCKET_API_KEY"         # or: api_key_cmd = "pass show zenoo/staging"
# user = "usr_123"                     # your user id, if the API has no /v1/me
poll_secs = 15
read_only = false

# [profiles.prod]
# provider = "zenoo"
# base_url = "https://instance.prod.onboardapp.io"
# api_key_cmd = "pass show zenoo/prod"
# read_only = true
# ca_file = "corp-ca.pem"              # a corporate CA, next to this file
# timeout_secs = 30

# Other vendors. Open several at once with --profile a --profile b: one queue, a source column.
# What a vendor's API cannot do is hidden or refused with the reason, never sent to fail.

# [profiles.amiqus]
# provider = "amiqus"                  # Amiqus ID API v2, personal access token as Bearer
# base_url = "https://id.amiqus.co/api/v2"
# api_key_cmd = "pass show amiqus/token"
# [profiles.amiqus.amiqus]
# queue_statuses = ["action_required", "reviewed_pending_decision", "on_hold"]

# [profiles.persona]
# provider = "persona"                 # Persona Cases API
# base_url = "https://api.withpersona.com/api/v1"
# api_key_env = "PERSONA_API_KEY"
# user = "you@example.com"             # assignment is by email
# [profiles.persona.persona]
# api_version = "2025-12-08"
# template_id = "ctmpl_..."
# statuses = ["Open", "Pending", "Approved", "Declined"]   # the case template's statuses
# approve_status = "Approved"
# decline_status = "Declined"
# end_statuses = ["Approved", "Declined"]
# rationale_field = "review_rationale" # a template field that receives the decision's summary

# [profiles.karmacheck]
# provider = "karmacheck"              # KarmaCheck background checks
# base_url = "https://api.karmacheck.io"
# api_key_env = "KARMACHECK_API_KEY"
# [profiles.karmacheck.karmacheck]
# client_token_cmd = "pass show karmacheck/client-token"   # or client_token_env

# Saved views, shown as tabs over the queue (v cycles them). A profile may have its own.
[[views]]
name = "Open"

[[views]]
name = "Mine"
mine = true

[[views]]
name = "Breached"
breached = true

[[views]]
name = "High risk, unassigned"
high_risk = true
unassigned = true

# Canned rationales: Ctrl-T in the editor searches them. {case}, {entity}, {category}, {score}
# and {me} are filled in.
[[snippets]]
name = "Name-only match"
text = "Name-only match on {entity}: date of birth and nationality differ from the {category} hit ({score}% match). Reviewed by {me}."

[[snippets]]
name = "Confirmed match, escalate"
text = "{category} hit on {entity} confirmed ({score}% match): escalating {case} for enhanced due diligence."

# Notifications (off unless this table is present): the bell and a desktop notification when
# a Critical or breached case enters a watched view. desktop = "osc9", "osc777" or "none".
# [notify]
# views = ["Breached", "High risk, unassigned"]
# bell = true
# desktop = "osc9"

# Key changes, per context (normal applies everywhere; queue, detail, alerts override it;
# outbox, filter, palette and editor are the keys of those modes). Values are command names
# (`?` lists every command and its keys), or "none" to unbind.
[keymap.normal]
# "ctrl-n" = "down"
# "ctrl-p" = "up"

[keymap.alerts]
# "y" = "approve_alert"

[keymap.editor]
# "ctrl-enter" = "review"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("config.toml")
    }

    #[test]
    fn the_example_parses() {
        let f = parse(p(), EXAMPLE).unwrap();
        assert_eq!(f.views.len(), 4);
        assert!(f.profiles.contains_key("sandbox-remote"));
        // Every commented vendor profile parses too once uncommented.
        let open: String = EXAMPLE
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with("# [")
                    || (t.starts_with("# ")
                        && t[2..].split_once(" = ").is_some_and(|(k, _)| {
                            k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        }))
                {
                    t[2..].to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let f = parse(p(), &open).unwrap();
        use crate::provider::Vendor;
        let vendors: Vec<Vendor> = ["prod", "amiqus", "persona", "karmacheck"]
            .iter()
            .map(|n| f.profiles[*n].vendor())
            .collect();
        assert_eq!(
            vendors,
            [
                Vendor::Zenoo,
                Vendor::Amiqus,
                Vendor::Persona,
                Vendor::KarmaCheck
            ]
        );
        let persona = f.profiles["persona"].persona.clone().unwrap();
        assert_eq!(persona.rationale_field.as_deref(), Some("review_rationale"));
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        let text =
            "theme = \"dark\"\n\n[profiles.x]\nbase_url = \"http://h\"\npoll_secs = \"soon\"\n";
        let e = parse(p(), text).unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.to_string().starts_with("config.toml:5:"), "{e}");

        let e = parse(p(), "[profiles.x]\nbase_urll = \"h\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("base_urll"), "{e}");

        let e = parse(p(), "[keymap.normal]\n\"j\" = \"dwn\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("unknown command \"dwn\""), "{e}");

        let e = parse(p(), "[keymap.sidebar]\n\"j\" = \"down\"\n").unwrap_err();
        assert!(e.message.contains("unknown keymap context"), "{e}");

        let e = parse(p(), "[profiles.x]\nprovider = \"onfido\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("\"persona\""), "{e}");
        let e = parse(
            p(),
            "[profiles.x]\nprovider = \"persona\"\n[profiles.x.persona]\nstatus = 1\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");

        let e = parse(p(), "theme = \n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
    }

    fn problems(text: &str, sel: &Selection<'_>) -> Vec<Problem> {
        let file = parse(p(), text).unwrap();
        validate(p(), text, &file, sel)
    }

    #[test]
    fn validation_finds_what_the_console_refuses_with_lines() {
        let text = "default_profile = \"nope\"\ntheme = \"solarized\"\n\n\
                    [profiles.a]\ntheme = \"neon\"\nbase_url = \"https://a.example\"\n\n\
                    [profiles.b]\nread_only = true\n\n\
                    [profiles.c]\nbase_url = \"http://cases.example.com\"\n\n\
                    [notify]\nviews = [\"Open\",\n  \"Nightly\"]\n";
        let all = problems(text, &Selection::default());
        let lines: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert!(
            lines[0].starts_with("config.toml:1: default_profile \"nope\"")
                && lines[0].contains("\"a\", \"b\", \"c\""),
            "{lines:#?}"
        );
        assert!(
            lines[1].starts_with("config.toml:2: unknown theme \"solarized\"")
                && lines[1].contains("dark"),
            "{lines:#?}"
        );
        assert!(
            lines[2].starts_with("config.toml:5: profile a: unknown theme \"neon\""),
            "{lines:#?}"
        );
        assert!(
            lines[3].starts_with("config.toml:16: notify watches the view \"Nightly\""),
            "{lines:#?}"
        );
        assert_eq!(lines.len(), 4, "{lines:#?}");

        // What the command line chooses is checked too: profiles, theme, the chosen profile's
        // base URL and transport.
        let chosen = ["b".to_string(), "c".to_string(), "zz".to_string()];
        let sel = Selection {
            profiles: &chosen,
            theme: Some("nord"),
            ..Selection::default()
        };
        let lines: Vec<String> = problems(text, &sel)
            .iter()
            .map(ToString::to_string)
            .collect();
        let has = |want: &str| lines.iter().any(|l| l.starts_with(want));
        assert!(has("--theme: unknown theme \"nord\""), "{lines:#?}");
        assert!(has("--profile: no profile \"zz\""), "{lines:#?}");
        assert!(
            has("config.toml:8: profile b has no base_url; expected base_url"),
            "{lines:#?}"
        );
        assert!(
            has("config.toml:12: profile c: refusing plain http://"),
            "{lines:#?}"
        );
        // --allow-insecure-http lifts the transport refusal, as it does when connecting.
        let sel = Selection {
            profiles: &chosen[1..2],
            allow_insecure_http: true,
            ..Selection::default()
        };
        assert!(
            !problems(text, &sel).iter().any(|p| p.topic == "transport"),
            "{:#?}",
            problems(text, &sel)
        );

        let sel = Selection {
            profiles: &chosen[..2],
            api_url: Some("http://x.example"),
            ..Selection::default()
        };
        let lines: Vec<String> = problems(text, &sel)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("--api-url: opens one API")),
            "{lines:#?}"
        );

        // A good file has nothing to report.
        assert!(problems(EXAMPLE, &Selection::default()).is_empty());
        let sel = Selection {
            profiles: &["sandbox-remote".to_string()],
            ..Selection::default()
        };
        assert!(problems(EXAMPLE, &sel).is_empty());
    }

    #[test]
    fn a_user_theme_next_to_the_file_is_found_and_a_broken_one_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::create_dir(dir.path().join("themes")).unwrap();
        std::fs::write(dir.path().join("themes/mine.toml"), "").unwrap();
        std::fs::write(dir.path().join("themes/bad.toml"), "[nope\n").unwrap();
        let check = |text: &str| {
            let file = parse(&path, text).unwrap();
            validate(&path, text, &file, &Selection::default())
        };
        assert!(check("theme = \"mine\"\n").is_empty());
        let bad = check("\ntheme = \"bad\"\n");
        assert_eq!(bad.len(), 1, "{bad:#?}");
        let line = bad[0].to_string();
        assert!(
            line.starts_with(&format!("{}:2: theme \"bad\": ", path.display()))
                && line.contains("bad.toml:1"),
            "{line}"
        );
    }

    #[test]
    fn a_bad_ca_file_and_persona_version_are_named_at_their_lines() {
        let text = "[profiles.p]\nprovider = \"persona\"\nbase_url = \"https://p.example\"\n\
                    ca_file = \"/nonexistent/ca.pem\"\n[profiles.p.persona]\napi_version = \"\"\n";
        let chosen = ["p".to_string()];
        let sel = Selection {
            profiles: &chosen,
            ..Selection::default()
        };
        let lines: Vec<String> = problems(text, &sel)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            lines[0].starts_with("config.toml:4: profile p: ca_file /nonexistent/ca.pem"),
            "{lines:#?}"
        );
        assert!(
            lines[1].starts_with("config.toml:6: profile p: persona.api_version \"\""),
            "{lines:#?}"
        );
    }

    #[test]
    fn a_mode_key_is_remapped_like_any_other() {
        use crate::app::command::Command;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let f = parse(
            p(),
            "[keymap.editor]\n\"ctrl-g\" = \"review\"\n[keymap.outbox]\n\"r\" = \"outbox_resend\"\n",
        )
        .unwrap();
        let km = keymap_of(&f, "", p()).unwrap();
        let g = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL);
        assert_eq!(km.lookup(Context::Editor, &g), Some(Command::Review));
        let r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Outbox, &r), Some(Command::OutboxResend));
        assert!(km.keys_for(Command::Review).contains(&"ctrl-g".to_string()));
    }

    #[test]
    fn keymap_changes_apply_over_the_defaults() {
        let f = parse(
            p(),
            "[keymap.normal]\n\"ctrl-n\" = \"down\"\n\"q\" = \"none\"\n",
        )
        .unwrap();
        let km = keymap_of(&f, "", p()).unwrap();
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(
            km.lookup(Context::Queue, &n),
            Some(crate::app::update::Command::Down)
        );
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Queue, &q), None);
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(Context::Queue, &j),
            Some(crate::app::update::Command::Down)
        );
    }

    #[test]
    fn a_key_in_the_file_works_is_never_debug_printed_and_is_flagged_when_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "[profiles.p]\nbase_url = \"https://x.example\"\napi_key = \"sk-file-secret\"\n";
        std::fs::write(&path, text).unwrap();
        let file = parse(&path, text).unwrap();
        let prof = &file.profiles["p"];
        assert!(!format!("{prof:?}").contains("sk-file-secret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            let (key, source) = api_key("p", prof, &path).unwrap();
            assert_eq!(key.expose(), "sk-file-secret");
            let w = source.warning.expect("a readable file is flagged");
            assert!(
                w.contains("chmod 600") && !w.contains("sk-file-secret"),
                "{w}"
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(api_key("p", prof, &path).unwrap().1.warning, None);
        }
        // An explicit env var wins over the file, and a missing one is an error, not a fallback.
        let env_first = Profile {
            api_key_env: Some("DOCKET_TEST_UNSET_VAR_42".into()),
            ..prof.clone()
        };
        assert!(api_key("p", &env_first, &path).is_err());
    }

    #[test]
    fn transport_settings_come_from_the_profile() {
        let text = "[profiles.p]\nbase_url = \"http://10.1.2.3\"\nallow_insecure_http = true\n\
                    ca_file = \"corp.pem\"\ntimeout_secs = 7\n";
        let file = parse(p(), text).unwrap();
        let t = file.profiles["p"].transport(Path::new("/etc/docket/config.toml"));
        assert!(t.allow_insecure_http);
        assert_eq!(
            t.ca_file.as_deref(),
            Some(Path::new("/etc/docket/corp.pem"))
        );
        assert_eq!(t.timeout, std::time::Duration::from_secs(7));
        assert!(t.check_url("http://10.1.2.3").is_ok());
        assert!(Transport::default().check_url("http://10.1.2.3").is_err());
    }

    #[test]
    fn keys_come_from_env_or_a_command_and_never_leak_in_errors() {
        let prof = Profile {
            api_key_cmd: Some("printf 'k-from-cmd\\n'".into()),
            ..Profile::default()
        };
        let cfg = Path::new("/nonexistent/config.toml");
        assert_eq!(api_key("t", &prof, cfg).unwrap().0.expose(), "k-from-cmd");
        let failing = Profile {
            api_key_cmd: Some("echo secret-value; exit 3".into()),
            ..Profile::default()
        };
        let e = api_key("t", &failing, cfg).unwrap_err();
        assert!(!e.contains("secret-value"), "{e}");
        let missing = Profile {
            api_key_env: Some("DOCKET_TEST_NO_SUCH_VAR".into()),
            ..Profile::default()
        };
        assert!(
            api_key("t", &missing, cfg)
                .unwrap_err()
                .contains("DOCKET_TEST_NO_SUCH_VAR")
        );
    }
}
