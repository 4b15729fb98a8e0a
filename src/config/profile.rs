//! One profile: an API to connect to, which vendor speaks there, and the transport and
//! connection settings it asks for.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::ViewSpec;
use super::secrets::{KeySource, api_key, secret};
use crate::provider::ApiKey;
use crate::provider::transport::Transport;

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

pub(super) fn vendor_named(name: &str) -> Option<crate::provider::Vendor> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    fn p() -> &'static Path {
        Path::new("config.toml")
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
}
