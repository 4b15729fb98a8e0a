//! Per-vendor settings a profile may carry (`[profiles.NAME.persona]` and so on), and what a
//! provider needs to be opened.

use serde::Deserialize;

use super::ApiKey;
use super::api::Vendor;
use super::transport::Transport;

/// Persona: case statuses are defined per case template, so the profile says which mean what.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct PersonaSettings {
    /// Sent as `Persona-Version`, pinning the API version the adapter was written against.
    pub api_version: String,
    /// Only cases of this template (`ctmpl_…`); all templates when unset.
    pub template_id: Option<String>,
    /// The template's statuses, in order, offered by "change status".
    pub statuses: Vec<String>,
    /// The end status that means approve.
    pub approve_status: String,
    /// The end status that means decline.
    pub decline_status: String,
    /// Statuses that are finished (not in the working queue unless closed cases are shown).
    pub end_statuses: Vec<String>,
    /// A template field (`fields.<name>`) that receives the rationale typed with a decision,
    /// written with PATCH before the status is set. Without it the rationale stays in docket's
    /// local audit log only.
    pub rationale_field: Option<String>,
}

impl Default for PersonaSettings {
    fn default() -> Self {
        PersonaSettings {
            api_version: "2025-12-08".into(),
            template_id: None,
            statuses: vec![
                "Open".into(),
                "Pending".into(),
                "Approved".into(),
                "Declined".into(),
            ],
            approve_status: "Approved".into(),
            decline_status: "Declined".into(),
            end_statuses: vec!["Approved".into(), "Declined".into()],
            rationale_field: None,
        }
    }
}

/// KarmaCheck: a second secret, the client access token, is exchanged with the API key for a
/// bearer token at `POST /auth/api`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct KarmaCheckSettings {
    /// Environment variable holding the client access token (default
    /// `DOCKET_KARMACHECK_CLIENT_TOKEN`).
    pub client_token_env: Option<String>,
    /// A command printing the client access token, run with `sh -c`.
    pub client_token_cmd: Option<String>,
    /// Also list archived cases (`/case/list/all`).
    pub include_archived: bool,
}

/// Amiqus ID.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AmiqusSettings {
    /// Case statuses listed in the queue.
    pub queue_statuses: Vec<String>,
}

impl Default for AmiqusSettings {
    fn default() -> Self {
        AmiqusSettings {
            queue_statuses: vec![
                "awaiting_response".into(),
                "action_required".into(),
                "reviewed_pending_decision".into(),
                "on_hold".into(),
            ],
        }
    }
}

/// Everything needed to open a provider.
#[derive(Clone, Debug)]
pub struct Connect {
    pub vendor: Vendor,
    pub base_url: String,
    pub key: ApiKey,
    /// A vendor's second secret (KarmaCheck's client access token).
    pub secondary_key: Option<ApiKey>,
    pub transport: Transport,
    /// Your user id (or email, for Persona), for APIs that cannot say who a key belongs to.
    pub user: Option<String>,
    pub persona: PersonaSettings,
    pub karmacheck: KarmaCheckSettings,
    pub amiqus: AmiqusSettings,
}

impl Connect {
    /// A connection to `vendor` at `base_url` with default settings.
    pub fn new(vendor: Vendor, base_url: &str, key: ApiKey) -> Self {
        Connect {
            vendor,
            base_url: base_url.to_string(),
            key,
            secondary_key: None,
            transport: Transport::default(),
            user: None,
            persona: PersonaSettings::default(),
            karmacheck: KarmaCheckSettings::default(),
            amiqus: AmiqusSettings::default(),
        }
    }
}
