//! The config file: profiles (where and as whom to connect), views, theme and keymap changes.
//!
//! TOML in the platform config dir (`~/.config/docket/config.toml` on Linux), or `--config`.
//! A bad file is reported with its path, the line, and what was expected.
//!
//! Here: the file's shape, [`parse`] and [`load`]. `profile` is one API to connect
//! to, `secrets` where its key comes from, `keymap` the file's key changes, `validate`
//! everything checked before the console starts, `example` what `docket config init` writes.

mod example;
mod keymap;
mod profile;
mod secrets;
mod validate;
mod views;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::app::queue::{Quick, View};

pub use example::EXAMPLE;
pub use keymap::keymap_of;
pub use profile::Profile;
use profile::vendor_named;
pub use secrets::{KeySource, api_key, readable_by_others, secret};
pub use validate::{Place, Problem, Selection, validate};
pub use views::{append_view, view_toml};

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
    /// Acting on a case assigned to someone else asks first (default `true`).
    pub confirm_on_others_cases: Option<bool>,
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

/// A saved view: a name, its filters and its sort. Values are spelt as in `docket cases
/// list` (`risk = "high"`, `status = "in-progress"`, `sort = "risk:asc"`); each is checked when
/// the file is read, and a mistake is reported at its line.
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
    /// Cases an approval is requested from you on and still pending.
    #[serde(default)]
    pub awaiting_approval: bool,
    pub risk: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub case_type: Option<Spanned<String>>,
    pub priority: Option<Spanned<String>>,
    pub sla: Option<Spanned<String>>,
    /// A user id, or a name as the API gives it.
    pub assignee: Option<String>,
    pub sort: Option<Spanned<String>>,
}

impl ViewSpec {
    /// The view, or the first value that does not parse (with its place in the file).
    pub fn to_view(&self) -> Result<View, (std::ops::Range<usize>, String)> {
        use crate::app::find;
        fn one<T>(
            v: &Option<Spanned<String>>,
            parse: impl Fn(&str) -> Result<T, String>,
        ) -> Result<Option<T>, (std::ops::Range<usize>, String)> {
            v.as_ref()
                .map(|s| parse(s.get_ref()).map_err(|e| (s.span(), e)))
                .transpose()
        }
        Ok(View {
            name: self.name.clone(),
            quick: Quick {
                mine: self.mine,
                unassigned: self.unassigned,
                breached: self.breached,
                high_risk: self.high_risk,
                closed: self.closed,
                awaiting_me: self.awaiting_approval,
                risk: one(&self.risk, find::parse_risk)?,
                status: one(&self.status, find::parse_status)?,
                case_type: one(&self.case_type, find::parse_type)?,
                priority: one(&self.priority, find::parse_priority)?,
                sla: one(&self.sla, find::parse_sla)?,
                assignee: self.assignee.clone().filter(|a| !a.trim().is_empty()),
            },
            sort: one(&self.sort, find::Sort::parse)?.unwrap_or_default(),
        })
    }
}

/// The views a profile shows: its own, else the file's, else the defaults; with the built-in
/// "Awaiting my approval" after them when none of them is one.
pub fn views_of(file: &File, profile: Option<&Profile>) -> Vec<View> {
    let specs = profile
        .and_then(|p| p.views.clone())
        .unwrap_or_else(|| file.views.clone());
    if specs.is_empty() {
        return View::defaults();
    }
    // Checked by `parse`: a view that does not convert never gets here.
    let mut views: Vec<View> = specs.iter().filter_map(|v| v.to_view().ok()).collect();
    if !views.iter().any(|v| v.quick.awaiting_me) {
        views.extend(
            View::defaults()
                .into_iter()
                .filter(|v| v.name == crate::app::queue::AWAITING_MY_APPROVAL),
        );
    }
    views
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
    let views = file.views.iter().chain(
        file.profiles
            .values()
            .flat_map(|p| p.views.iter().flatten()),
    );
    for v in views {
        if let Err((span, message)) = v.to_view() {
            return Err(err(span.start, message));
        }
    }
    keymap_of(&file, text, path)?;
    Ok(file)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("config.toml")
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
}
