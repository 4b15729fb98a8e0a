//! Where secrets come from: a profile's API key (a command, a variable, or the file, with a
//! warning when others can read it) and a vendor's second secret. Never part of a message.

use std::path::Path;

use super::Profile;
use crate::provider::ApiKey;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

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
