//! The one validation: everything docket refuses to start with, beyond what parsing checks,
//! each placed at its line of the file or at the command-line option.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, File, line_of};
use crate::app::queue::View;
use crate::provider::transport::Transport;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EXAMPLE, parse};

    fn p() -> &'static Path {
        Path::new("config.toml")
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
}
