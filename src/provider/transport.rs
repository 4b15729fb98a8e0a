//! How docket reaches an API: TLS roots, which URLs it accepts, and timeouts.
//!
//! TLS is rustls with the platform's verifier (the system's roots and its revocation rules),
//! plus any corporate CA named in a profile's `ca_file`. Plain `http://` carries API keys and
//! customer data in the clear, so it is accepted only to loopback (the embedded sandbox, an SSH
//! tunnel) unless the profile says `allow_insecure_http = true`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderMap;

use super::ProviderError;

/// Connection settings shared by every provider client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    /// PEM file with extra root certificates (a corporate CA), added to the platform's.
    pub ca_file: Option<PathBuf>,
    /// Accept `http://` to hosts other than loopback.
    pub allow_insecure_http: bool,
    /// Limit on establishing a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Limit on a whole request, from sending to the last byte of the answer.
    pub timeout: Duration,
}

impl Default for Transport {
    fn default() -> Self {
        Transport {
            ca_file: None,
            allow_insecure_http: false,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Whether `host` (as in a URL) names this machine.
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

impl Transport {
    /// Checks a base URL against the rules above; returns it parsed.
    pub fn check_url(&self, base_url: &str) -> Result<Url, ProviderError> {
        let url = Url::parse(base_url).map_err(|e| {
            ProviderError::Invalid(format!("the API URL {base_url:?} is not a URL: {e}"))
        })?;
        let host = url.host().ok_or_else(|| {
            ProviderError::Invalid(format!("the API URL {base_url:?} has no host"))
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ProviderError::Invalid(
                "the API URL must not carry credentials; use api_key_env or api_key_cmd".into(),
            ));
        }
        match url.scheme() {
            "https" => Ok(url),
            "http" if is_loopback_host(&host) || self.allow_insecure_http => Ok(url),
            "http" => Err(ProviderError::Invalid(format!(
                "refusing plain http:// to {host}: the API key and case data would cross the \
                 network unencrypted. Use https://, or set allow_insecure_http = true in the \
                 profile (--allow-insecure-http) if you really mean it"
            ))),
            other => Err(ProviderError::Invalid(format!(
                "the API URL must start with https:// (or http:// to loopback), got {other}://"
            ))),
        }
    }

    /// An HTTP client with these settings.
    pub fn client(&self) -> Result<reqwest::Client, ProviderError> {
        self.client_with(HeaderMap::new())
    }

    /// An HTTP client with these settings that sends `headers` with every request: an API's
    /// fixed headers, its key (marked sensitive) among them.
    pub fn client_with(&self, headers: HeaderMap) -> Result<reqwest::Client, ProviderError> {
        let mut b = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("docket/", env!("CARGO_PKG_VERSION")))
            // A redirect could carry the key's header to another host; APIs do not redirect.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                ProviderError::Invalid(format!("ca_file {}: cannot read: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ProviderError::Invalid(format!(
                    "ca_file {}: not a PEM certificate bundle: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(ProviderError::Invalid(format!(
                    "ca_file {}: no certificate in it (expected -----BEGIN CERTIFICATE-----)",
                    path.display()
                )));
            }
            b = b.tls_certs_merge(certs);
        }
        b.build()
            .map_err(|e| ProviderError::Invalid(format!("cannot build the HTTP client: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_loopback_only() {
        let t = Transport::default();
        for ok in [
            "https://instance.prod.onboardapp.io",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://[::1]:9000/",
            "http://localhost:8080",
            "http://api.localhost",
        ] {
            assert!(t.check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://instance.prod.onboardapp.io",
            "http://10.0.0.5:8080",
            "http://localhost.evil.example",
            "http://[::ffff:10.0.0.1]",
            "ftp://example.com",
            "https://user:secret@example.com",
            "not a url",
        ] {
            let e = t.check_url(bad).unwrap_err().to_string();
            assert!(!e.contains("secret"), "{e}");
        }
        let e = t.check_url("http://example.com").unwrap_err().to_string();
        assert!(e.contains("allow_insecure_http"), "{e}");
        let lax = Transport {
            allow_insecure_http: true,
            ..Transport::default()
        };
        assert!(lax.check_url("http://example.com").is_ok());
        assert!(lax.check_url("ftp://example.com").is_err());
    }

    #[test]
    fn a_bad_ca_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Transport {
            ca_file: Some(dir.path().join("corp-ca.pem")),
            ..Transport::default()
        };
        let e = missing.client().unwrap_err().to_string();
        assert!(
            e.contains("corp-ca.pem") && e.contains("cannot read"),
            "{e}"
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "hello").unwrap();
        let e = Transport {
            ca_file: Some(junk),
            ..Transport::default()
        }
        .client()
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("junk.pem") && e.contains("no certificate"),
            "{e}"
        );
    }
}
