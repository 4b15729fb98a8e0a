//! A session: the command line's connection flags and the config file turned into an opened
//! provider, the identity it writes as and the local store it keeps work in. The console, the
//! scripting CLI and `docket doctor` all start here, so they open the same thing the same way.

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::Result;

use crate::sandbox::{self, Sandbox};

/// How the console connects.
#[derive(Args, Debug, Clone)]
pub struct ConsoleArgs {
    /// A profile from the config file; give it more than once to merge several queues into
    /// one, each case marked with its profile.
    #[arg(long, global = true)]
    pub profile: Vec<String>,
    /// The config file [default: <config dir>/docket/config.toml].
    #[arg(long, env = "DOCKET_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Theme: dark, light, high-contrast, monochrome, or a file in <config dir>/docket/themes.
    #[arg(long)]
    pub theme: Option<String>,
    /// Base URL of a Zenoo-compatible API (default: the embedded sandbox).
    #[arg(long, global = true)]
    pub api_url: Option<String>,
    /// Environment variable holding the API key.
    #[arg(long, default_value = "DOCKET_API_KEY", global = true)]
    pub api_key_env: String,
    /// Hide and refuse every write action.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Accept plain http:// to a host other than loopback (keys and data travel unencrypted).
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// PEM file with extra root certificates (a corporate CA), added to the platform's.
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,
    /// Seconds between queue polls [default: the profile's, else 15].
    #[arg(long, value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub poll_secs: Option<u64>,
    /// Act as this seeded user of the embedded sandbox (`lukas` or `usr_lukas`): each user has
    /// their own key, outbox and drafts, so the four-eyes flow works in one terminal.
    #[arg(long = "as", value_name = "USER", global = true)]
    pub as_user: Option<String>,
}

/// A mistake the user can fix: a bad config, an unknown profile, a missing key, a file in the
/// way. `main` prints it plainly, one `docket: ...` line per problem (what, where, what to
/// do), and exits 1; a report with locations and a backtrace is kept for bugs.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The config file cannot be read or parsed.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Everything [`crate::config::validate`] found, one per line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<crate::config::Problem>),
    /// Anything else, said in full.
    #[error("{0}")]
    Message(String),
}

impl UserError {
    pub fn msg(message: impl Into<String>) -> UserError {
        UserError::Message(message.into())
    }
}

pub fn config_path(args: &ConsoleArgs) -> Result<PathBuf, UserError> {
    match &args.config {
        Some(p) => Ok(p.clone()),
        None => crate::config::default_path().ok_or_else(|| {
            UserError::msg(
                "cannot find the platform config directory; pass --config PATH or set DOCKET_CONFIG",
            )
        }),
    }
}

/// The config file and command line, checked as the console checks them before it opens
/// anything (see [`crate::config::validate`]): the file's path, contents and text, or every
/// problem found.
pub fn checked_config(
    args: &ConsoleArgs,
) -> Result<(PathBuf, crate::config::File, String), UserError> {
    let path = config_path(args)?;
    let (file, text) = crate::config::load(&path)?;
    let problems = crate::config::validate(&path, &text, &file, &args.selection());
    if problems.is_empty() {
        Ok((path, file, text))
    } else {
        Err(UserError::Problems(problems))
    }
}

/// Where the local store is: `DOCKET_STATE_DB`, else `local.db` in the platform state directory.
pub fn store_path() -> Result<PathBuf, UserError> {
    std::env::var_os("DOCKET_STATE_DB")
        .map(PathBuf::from)
        .or_else(crate::sync::store::default_path)
        .ok_or_else(|| {
            UserError::msg(
                "cannot find the platform state directory; set DOCKET_STATE_DB to a file path",
            )
        })
}

/// The embedded sandbox's configuration: its database in the platform data directory, seeded
/// with the defaults on first use.
pub fn embedded_sandbox() -> Result<sandbox::Config> {
    Ok(sandbox::Config::new(sandbox::default_db_path()?))
}

/// A provider opened from the command line and config: an API URL, one or several profiles,
/// or the embedded sandbox.
pub struct Session {
    pub provider: std::sync::Arc<dyn crate::provider::Provider>,
    /// The name the local store files its outbox, drafts and cache under.
    pub label: String,
    /// The user id to act as, from the profile, for APIs that cannot say.
    pub user: Option<String>,
    /// The fingerprint of the key (of every key, merged): the identity the local store files
    /// outbox entries and drafts under.
    pub key_fp: String,
    /// The embedded sandbox, when one was started; shut it down when done.
    pub sandbox: Option<Sandbox>,
    /// A warning to show (a key in a file others can read).
    pub notice: Option<String>,
    /// Dashboard URL templates by source (`""` for a single profile).
    pub dashboard_urls: std::collections::HashMap<String, String>,
}

/// Opens what `args` point at: `--api-url`, `--profile` (several merge), the config's default
/// profile, or else the embedded sandbox.
pub async fn open(
    args: &ConsoleArgs,
    file: &crate::config::File,
    path: &std::path::Path,
    profile_name: Option<String>,
    profile: Option<&crate::config::Profile>,
) -> Result<Session> {
    use crate::provider::{ApiKey, Connect, Vendor};
    use color_eyre::eyre::{WrapErr, eyre};
    let path = path.to_path_buf();
    let profile = profile.cloned();
    let mut notice = None;
    let key_fp: String;
    if let Some(who) = &args.as_user
        && (args.api_url.is_some() || profile.is_some())
    {
        return Err(UserError::msg(format!(
            "--as {who} works only with the embedded sandbox (no --api-url, no profile): a real \
             API's key is one person's, so act as someone else with their own profile"
        ))
        .into());
    }
    let (provider, label, user, sandbox) = match (&args.api_url, &profile) {
        (Some(url), _) => {
            let key = std::env::var(&args.api_key_env).map_err(|_| {
                UserError::msg(format!(
                    "no API key: set the {} environment variable (or name another with --api-key-env)",
                    args.api_key_env
                ))
            })?;
            if key.trim().is_empty() {
                return Err(UserError::msg(format!(
                    "the {} environment variable is empty",
                    args.api_key_env
                ))
                .into());
            }
            let mut c = Connect::new(Vendor::Zenoo, url, ApiKey::new(key.trim()));
            key_fp = c.key.fingerprint();
            if let Some(p) = &profile {
                c.transport = p.transport(&path);
            }
            args.apply(&mut c.transport);
            (
                crate::provider::connect(c)?,
                host_of(url),
                profile.as_ref().and_then(|p| p.user.clone()),
                None,
            )
        }
        (None, Some(_)) if args.profile.len() > 1 => {
            let mut sources = Vec::new();
            let mut warnings = Vec::new();
            let mut fps = Vec::new();
            for name in &args.profile {
                let p = file
                    .profiles
                    .get(name)
                    .ok_or_else(|| eyre!("no profile {name:?} in {}", path.display()))?;
                let (mut c, source) = p.connect(name, &path).map_err(UserError::msg)?;
                fps.push(format!("{name}={}", c.key.fingerprint()));
                warnings.extend(source.warning);
                args.apply(&mut c.transport);
                let provider = crate::provider::connect(c)
                    .map_err(|e| eyre!("profile {name} in {}: {e}", path.display()))?;
                sources.push((name.clone(), provider));
            }
            for w in &warnings {
                tracing::warn!("{w}");
            }
            notice = warnings.into_iter().next();
            key_fp = crate::provider::fingerprint_of(
                &fps.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            let merged = crate::provider::merged::Merged::new(sources)?;
            let label = args.profile.join("+");
            let user = profile.as_ref().and_then(|p| p.user.clone());
            (
                std::sync::Arc::new(merged) as std::sync::Arc<dyn crate::provider::Provider>,
                label,
                user,
                None,
            )
        }
        (None, Some(p)) => {
            let name = profile_name.clone().unwrap_or_default();
            let (mut c, source) = p.connect(&name, &path).map_err(UserError::msg)?;
            key_fp = c.key.fingerprint();
            if let Some(w) = &source.warning {
                tracing::warn!("{w}");
            }
            notice = source.warning;
            args.apply(&mut c.transport);
            let provider = crate::provider::connect(c)
                .map_err(|e| eyre!("profile {name} in {}: {e}", path.display()))?;
            (provider, name, p.user.clone(), None)
        }
        (None, None) => {
            // Checked before the sandbox starts: a typo is one plain line, not a started server.
            let wanted = args.as_user.as_deref().map(sandbox_user).transpose()?;
            let sb = Sandbox::start(embedded_sandbox()?)
                .await
                .wrap_err("cannot start the embedded sandbox")?;
            let key = match wanted {
                Some(id) => sb.credentials.iter().find(|c| c.user_id == id),
                None => sb.credential(crate::domain::UserRole::Analyst),
            }
            .map(|c| c.key.clone())
            .ok_or_else(|| eyre!("the sandbox has no such user"))?;
            key_fp = ApiKey::new(key.clone()).fingerprint();
            let provider =
                crate::provider::connect(Connect::new(Vendor::Zenoo, &sb.url(), ApiKey::new(key)))?;
            (provider, "sandbox".to_string(), None, Some(sb))
        }
    };
    let mut dashboard_urls = std::collections::HashMap::new();
    if args.profile.len() > 1 {
        for name in &args.profile {
            if let Some(u) = file
                .profiles
                .get(name)
                .and_then(|p| p.dashboard_url.clone())
            {
                dashboard_urls.insert(name.clone(), u);
            }
        }
    } else if let Some(u) = profile.as_ref().and_then(|p| p.dashboard_url.clone()) {
        dashboard_urls.insert(String::new(), u);
    }
    Ok(Session {
        provider,
        label,
        user,
        key_fp,
        sandbox,
        notice,
        dashboard_urls,
    })
}

/// The seeded sandbox user `--as` names: `lukas` or `usr_lukas`; anything else is one plain
/// line listing who there is.
pub fn sandbox_user(name: &str) -> Result<&'static str, UserError> {
    let wanted = name.trim().to_lowercase();
    let wanted = wanted.strip_prefix("usr_").unwrap_or(&wanted);
    sandbox::seed::USERS
        .iter()
        .find(|u| u.user_id.strip_prefix("usr_") == Some(wanted))
        .map(|u| u.user_id)
        .ok_or_else(|| {
            let known: Vec<String> = sandbox::seed::USERS
                .iter()
                .map(|u| format!("{} ({})", u.user_id.trim_start_matches("usr_"), u.role))
                .collect();
            UserError::msg(format!(
                "no sandbox user {:?}; the sandbox's users are {}",
                crate::text::sanitize::clean(name),
                known.join(", ")
            ))
        })
}

/// The profile the command line chooses: `--profile`, else the file's `default_profile` unless
/// `--api-url` is given. `None`: the embedded sandbox (or `--api-url` alone).
pub fn select_profile(
    args: &ConsoleArgs,
    file: &crate::config::File,
    path: &std::path::Path,
) -> Result<(Option<String>, Option<crate::config::Profile>), UserError> {
    let name = args.profile.first().cloned().or_else(|| {
        if args.api_url.is_none() {
            file.default_profile.clone()
        } else {
            None
        }
    });
    let profile = match &name {
        Some(name) => Some(file.profiles.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            UserError::msg(format!(
                "no profile {name:?} in {}; profiles there: {}",
                path.display(),
                if known.is_empty() {
                    "none (docket config init writes an example)".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?),
        None => None,
    };
    Ok((name, profile))
}

impl ConsoleArgs {
    /// What the command line chooses, for [`crate::config::validate`].
    pub fn selection(&self) -> crate::config::Selection<'_> {
        crate::config::Selection {
            profiles: &self.profile,
            theme: self.theme.as_deref(),
            api_url: self.api_url.as_deref(),
            allow_insecure_http: self.allow_insecure_http,
            ca_file: self.ca_file.as_deref(),
        }
    }

    /// The command line's transport flags over a profile's.
    pub fn apply(&self, t: &mut crate::provider::transport::Transport) {
        t.allow_insecure_http |= self.allow_insecure_http;
        if let Some(f) = &self.ca_file {
            t.ca_file = Some(f.clone());
        }
    }
}

/// The label an `--api-url` files its work under: its host and port.
pub fn host_of(url: &str) -> String {
    crate::provider::http::host_of(url)
}
