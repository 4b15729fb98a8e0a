//! Providers: HTTP clients for case-management APIs, each decoding its vendor's shapes into the
//! provider-neutral `domain::model` records. Zenoo's is the native one.

pub mod amiqus;
pub mod api;
pub mod http;
pub mod karmacheck;
pub mod merged;
pub mod persona;
pub mod settings;
pub mod transport;
pub mod zenoo;

use std::fmt;

pub use api::{Capabilities, Feature, Provider, Vendor};
pub use settings::Connect;

/// Opens the provider a connection describes. Checks the URL against the transport rules
/// before anything is sent.
pub fn connect(c: Connect) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    use std::sync::Arc;
    match c.vendor {
        Vendor::Zenoo => {
            let client = zenoo::ZenooClient::with_transport(&c.base_url, c.key, &c.transport)?;
            Ok(Arc::new(zenoo::provider::ZenooProvider::new(client)))
        }
        Vendor::KarmaCheck => Ok(Arc::new(karmacheck::KarmaCheckProvider::new(c)?)),
        Vendor::Amiqus => Ok(Arc::new(amiqus::AmiqusProvider::new(c)?)),
        Vendor::Persona => Ok(Arc::new(persona::PersonaProvider::new(c)?)),
    }
}

/// An API key. Its `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }
    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Read from a config file as a plain string; only `expose` gives it back.
impl<'de> serde::Deserialize<'de> for ApiKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ApiKey)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Why a provider call failed, with everything an analyst needs to report it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProviderError {
    /// The API answered with an error.
    #[error("{code} (HTTP {status}): {message}{}", request_suffix(.request_id))]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
        /// Seconds the API asked us to wait (429, 503).
        retry_after: Option<u64>,
    },
    /// The API answered, but not with what the endpoint promises.
    #[error("{endpoint}: unexpected response: {message}{}", request_suffix(.request_id))]
    Decode {
        endpoint: String,
        message: String,
        request_id: Option<String>,
    },
    /// No answer: connection refused, reset, timed out.
    #[error("{endpoint}: {message}")]
    Transport { endpoint: String, message: String },
    /// The request was not sent because its input was wrong.
    #[error("{0}")]
    Invalid(String),
}

fn request_suffix(id: &Option<String>) -> String {
    id.as_ref()
        .map(|r| format!(" (request {r})"))
        .unwrap_or_default()
}

impl ProviderError {
    /// Worth retrying unchanged: no answer, 429 or 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            ProviderError::Transport { .. } => true,
            ProviderError::Api { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// The API's error code, if it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ProviderError::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}
