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

pub use api::{
    Capabilities, Feature, Irreversible, Provider, QueueChange, QueuePage, Vendor, watermark,
};
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

    /// Names the key without revealing it: the first 16 hex digits of a SHA-256 over it. The
    /// local store files every outbox entry and draft under the fingerprint of the key that
    /// wrote it, so an entry is only ever sent with that key.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&[self.0.as_str()])
    }
}

/// A fingerprint over several secrets (the keys of merged profiles, in order).
pub fn fingerprint_of(keys: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"docket key fingerprint v1");
    for k in keys {
        h.update((k.len() as u64).to_be_bytes());
        h.update(k.as_bytes());
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
///
/// Serialised (the outbox keeps the last error of an entry on disk) as an object tagged with
/// `kind`: `api`, `decode`, `transport`, `invalid` (`{"kind":"invalid","message":...}`) and
/// `bulk`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(into = "repr::ErrorRepr", from = "repr::ErrorRepr")]
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
    /// An action on several items (a bulk alert action) that the API refused for some or all
    /// of them, item by item: each item says whether it landed and, if not, the API's code,
    /// message and the request that carried it. The items that landed stay landed.
    #[error("{}", bulk_text(.action, .items))]
    Bulk {
        /// What was asked of every item, e.g. `Decline` or `Acknowledge`.
        action: String,
        /// Every item, in the order sent.
        items: Vec<ItemResult>,
    },
}

/// What became of one item of a bulk action.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemResult {
    /// The item's token (an alert token).
    pub token: String,
    #[serde(flatten)]
    pub outcome: ItemOutcome,
    /// The request that carried it.
    pub request_id: Option<String>,
}

/// Whether one item of a bulk action landed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ItemOutcome {
    Landed,
    /// Refused, with the API's code (when it gave one) and message.
    Refused {
        code: Option<String>,
        message: String,
    },
    /// The API counted failures without saying which items failed.
    Unknown {
        message: String,
    },
}

impl ItemResult {
    pub fn landed(&self) -> bool {
        self.outcome == ItemOutcome::Landed
    }

    /// `alt_2: ALERT_ALREADY_RESOLVED: Alert alt_2 is already Resolved (request req_1)`.
    pub fn describe(&self) -> String {
        let what = match &self.outcome {
            ItemOutcome::Landed => "landed".to_string(),
            ItemOutcome::Refused {
                code: Some(code),
                message,
            } if !message.is_empty() => format!("{code}: {message}"),
            ItemOutcome::Refused {
                code: Some(code), ..
            } => code.clone(),
            ItemOutcome::Refused {
                code: None,
                message,
            }
            | ItemOutcome::Unknown { message } => message.clone(),
        };
        format!("{}: {what}{}", self.token, request_suffix(&self.request_id))
    }
}

/// `Decline: 1 of 3 alerts refused: alt_2: CODE: message (request r); landed: alt_1, alt_3`.
fn bulk_text(action: &str, items: &[ItemResult]) -> String {
    let not_landed: Vec<&ItemResult> = items.iter().filter(|i| !i.landed()).collect();
    let landed: Vec<&str> = items
        .iter()
        .filter(|i| i.landed())
        .map(|i| i.token.as_str())
        .collect();
    let mut text = format!(
        "{action}: {} of {} {} refused: {}",
        not_landed.len(),
        items.len(),
        if items.len() == 1 { "alert" } else { "alerts" },
        not_landed
            .iter()
            .map(|i| i.describe())
            .collect::<Vec<_>>()
            .join("; ")
    );
    if !landed.is_empty() {
        text.push_str(&format!("; landed: {}", landed.join(", ")));
    }
    text
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

    /// The API refused the credentials themselves (401): retrying with the same key cannot
    /// succeed.
    pub fn is_key_refused(&self) -> bool {
        matches!(self, ProviderError::Api { status: 401, .. })
    }

    /// The API's error code, if it gave one (for a bulk refusal, the code every refused item
    /// shares).
    pub fn code(&self) -> Option<&str> {
        match self {
            ProviderError::Api { code, .. } => Some(code),
            ProviderError::Bulk { items, .. } => {
                let mut codes = items.iter().filter_map(|i| match &i.outcome {
                    ItemOutcome::Refused { code, .. } => Some(code.as_deref()),
                    ItemOutcome::Unknown { .. } => Some(None),
                    ItemOutcome::Landed => None,
                });
                let first = codes.next()??;
                codes.all(|c| c == Some(first)).then_some(first)
            }
            _ => None,
        }
    }
}

/// The serialised form of [`ProviderError`]. serde cannot tag a newtype variant holding a
/// string, so `Invalid` is written as `{"kind":"invalid","message":...}`; without this an
/// `Invalid` error could not be stored, and a failed outbox entry lost its reason.
mod repr {
    use super::{ItemResult, ProviderError};

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub(super) enum ErrorRepr {
        Api {
            status: u16,
            code: String,
            message: String,
            request_id: Option<String>,
            retry_after: Option<u64>,
        },
        Decode {
            endpoint: String,
            message: String,
            request_id: Option<String>,
        },
        Transport {
            endpoint: String,
            message: String,
        },
        Invalid {
            message: String,
        },
        Bulk {
            action: String,
            items: Vec<ItemResult>,
        },
    }

    impl From<ProviderError> for ErrorRepr {
        fn from(e: ProviderError) -> Self {
            match e {
                ProviderError::Api {
                    status,
                    code,
                    message,
                    request_id,
                    retry_after,
                } => ErrorRepr::Api {
                    status,
                    code,
                    message,
                    request_id,
                    retry_after,
                },
                ProviderError::Decode {
                    endpoint,
                    message,
                    request_id,
                } => ErrorRepr::Decode {
                    endpoint,
                    message,
                    request_id,
                },
                ProviderError::Transport { endpoint, message } => {
                    ErrorRepr::Transport { endpoint, message }
                }
                ProviderError::Invalid(message) => ErrorRepr::Invalid { message },
                ProviderError::Bulk { action, items } => ErrorRepr::Bulk { action, items },
            }
        }
    }

    impl From<ErrorRepr> for ProviderError {
        fn from(e: ErrorRepr) -> Self {
            match e {
                ErrorRepr::Api {
                    status,
                    code,
                    message,
                    request_id,
                    retry_after,
                } => ProviderError::Api {
                    status,
                    code,
                    message,
                    request_id,
                    retry_after,
                },
                ErrorRepr::Decode {
                    endpoint,
                    message,
                    request_id,
                } => ProviderError::Decode {
                    endpoint,
                    message,
                    request_id,
                },
                ErrorRepr::Transport { endpoint, message } => {
                    ProviderError::Transport { endpoint, message }
                }
                ErrorRepr::Invalid { message } => ProviderError::Invalid(message),
                ErrorRepr::Bulk { action, items } => ProviderError::Bulk { action, items },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(token: &str, code: &str) -> ItemResult {
        ItemResult {
            token: token.into(),
            outcome: ItemOutcome::Refused {
                code: Some(code.into()),
                message: format!("Alert {token} is not Open."),
            },
            request_id: Some("req_1".into()),
        }
    }

    #[test]
    fn every_error_survives_the_outbox_store() {
        let errors = [
            ProviderError::Api {
                status: 422,
                code: "X".into(),
                message: "m".into(),
                request_id: Some("req_1".into()),
                retry_after: Some(3),
            },
            ProviderError::Decode {
                endpoint: "GET /v1/cases".into(),
                message: "m".into(),
                request_id: None,
            },
            ProviderError::Transport {
                endpoint: "GET /v1/cases".into(),
                message: "refused".into(),
            },
            ProviderError::Invalid("KarmaCheck's API cannot assign cases".into()),
            ProviderError::Bulk {
                action: "Acknowledge".into(),
                items: vec![
                    refused("alt_1", "INVALID_ALERT_STATE"),
                    ItemResult {
                        token: "alt_2".into(),
                        outcome: ItemOutcome::Landed,
                        request_id: Some("req_1".into()),
                    },
                    ItemResult {
                        token: "alt_3".into(),
                        outcome: ItemOutcome::Unknown {
                            message: "not said".into(),
                        },
                        request_id: None,
                    },
                ],
            },
        ];
        for e in errors {
            let text = serde_json::to_string(&e).expect("serialisable");
            let back: ProviderError = serde_json::from_str(&text).expect("readable");
            assert_eq!(back, e, "{text}");
        }
        let v = serde_json::to_value(ProviderError::Invalid("no".into())).unwrap();
        assert_eq!(v, serde_json::json!({ "kind": "invalid", "message": "no" }));
        // What earlier versions stored still reads.
        let old = r#"{"kind":"api","status":404,"code":"NOT_FOUND","message":"m","request_id":null,"retry_after":null}"#;
        assert!(matches!(
            serde_json::from_str::<ProviderError>(old),
            Ok(ProviderError::Api { status: 404, .. })
        ));
    }

    #[test]
    fn a_bulk_refusal_names_each_alert_its_code_message_and_request() {
        let e = ProviderError::Bulk {
            action: "Decline".into(),
            items: vec![
                ItemResult {
                    token: "alt_1".into(),
                    outcome: ItemOutcome::Landed,
                    request_id: Some("req_1".into()),
                },
                refused("alt_2", "ALERT_ALREADY_RESOLVED"),
            ],
        };
        assert_eq!(
            e.to_string(),
            "Decline: 1 of 2 alerts refused: alt_2: ALERT_ALREADY_RESOLVED: Alert alt_2 is not \
             Open. (request req_1); landed: alt_1"
        );
        assert_eq!(e.code(), Some("ALERT_ALREADY_RESOLVED"));
        assert!(!e.is_transient());
        let mixed = ProviderError::Bulk {
            action: "Acknowledge".into(),
            items: vec![refused("alt_1", "A"), refused("alt_2", "B")],
        };
        assert_eq!(mixed.code(), None);
    }
}
