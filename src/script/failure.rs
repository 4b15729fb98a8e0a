//! Why a scriptable command failed, with its exit code, and how that is reported: one line on
//! stderr, and with `--json` an object on stdout; an action on several alerts reports each.

use serde_json::{Value, json};

use super::*;

/// Why a command failed, with its exit code.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) exit: i32,
    /// For `--json` when there is no provider error: `usage`, `not_found`, `read_only`,
    /// `unsupported`, `timeout`, `error`.
    pub(super) kind: &'static str,
    pub(super) message: String,
    pub(super) error: Option<Box<ProviderError>>,
    /// The outbox entry, once there is one.
    pub(super) entry: Option<i64>,
    /// Whether the entry is still queued (a later run sends it).
    pub(super) queued: bool,
    /// For an action on alerts: what became of each alert, in the order given.
    pub(super) results: Vec<ItemResult>,
    /// The command already printed its JSON (an import's summary): only the line on stderr.
    pub(super) silent_json: bool,
}

impl Failure {
    pub(super) fn new(exit: i32, kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            exit,
            kind,
            message: message.into(),
            error: None,
            entry: None,
            queued: false,
            results: vec![],
            silent_json: false,
        }
    }

    pub(super) fn usage(kind: &'static str, message: impl Into<String>) -> Self {
        Failure::new(EXIT_USAGE, kind, message)
    }

    pub(super) fn other(message: impl Into<String>) -> Self {
        Failure::new(EXIT_OTHER, "error", message)
    }

    /// A provider call that failed, `context` saying which.
    pub(super) fn provider(context: &str, e: ProviderError) -> Self {
        let (message, results) = match &e {
            // Each alert's code and message go to stdout (or `results`); this line says which
            // were refused.
            ProviderError::Bulk { items, .. } => (
                format!(
                    "{}: {}",
                    context.strip_suffix(": refused").unwrap_or(context),
                    bulk_summary(items)
                ),
                items.clone(),
            ),
            _ => (format!("{context}: {e}"), vec![]),
        };
        Failure {
            exit: exit_code(&e),
            kind: "provider",
            message,
            error: Some(Box::new(e)),
            entry: None,
            queued: false,
            results,
            silent_json: false,
        }
    }

    /// For a review of `tokens` (alerts) that the API refused: a result per alert. A bulk
    /// refusal already has them; a refusal of the whole request refuses every alert with its
    /// code, message and request id. Nothing is added while the review is still queued.
    pub(super) fn per_alert(mut self, tokens: &[String]) -> Self {
        if !self.results.is_empty() || self.queued || self.exit != EXIT_REFUSED {
            return self;
        }
        if let Some(ProviderError::Api {
            code,
            message,
            request_id,
            ..
        }) = self.error.as_deref()
        {
            self.results = tokens
                .iter()
                .map(|t| ItemResult {
                    token: t.clone(),
                    outcome: ItemOutcome::Refused {
                        code: Some(code.clone()),
                        message: message.clone(),
                    },
                    request_id: request_id.clone(),
                })
                .collect();
        }
        self
    }

    /// Says what went wrong: one line on stderr, and with `--json` an object on stdout. With a
    /// result per alert, each alert is a line on stdout (landed, or refused with the API's code,
    /// message and request id), or an item of `results` in the JSON.
    pub(super) fn report(&self, json: bool) {
        eprintln!("docket: {}", clean_multiline(&self.message));
        if json && !self.silent_json {
            let error = match &self.error {
                Some(e) => error_json(e),
                None => json!({ "kind": self.kind, "message": self.message }),
            };
            emit(&to_json(&Refused {
                ok: false,
                entry: self.entry,
                queued: self.entry.map(|_| self.queued),
                error,
                results: self.results.iter().map(result_json).collect(),
            }));
        } else if !self.results.is_empty() {
            let rows: Vec<Vec<String>> = self.results.iter().map(result_row).collect();
            for line in output::table(&rows, &[40, 8, 60, 2000], 3, None) {
                emit(&line);
            }
        }
    }
}

/// A bulk refusal in one line: which alerts were refused, with which code, and which landed
/// (each alert's message is on stdout, or in `results`).
pub(super) fn bulk_summary(results: &[ItemResult]) -> String {
    let landed: Vec<&str> = results
        .iter()
        .filter(|r| r.landed())
        .map(|r| r.token.as_str())
        .collect();
    let refused: Vec<String> = results
        .iter()
        .filter(|r| !r.landed())
        .map(|r| match &r.outcome {
            ItemOutcome::Refused {
                code: Some(code), ..
            } => format!("{} ({code})", r.token),
            ItemOutcome::Unknown { .. } => format!("{} (outcome unknown)", r.token),
            _ => r.token.clone(),
        })
        .collect();
    let mut line = format!(
        "{} of {} {} refused: {}",
        refused.len(),
        results.len(),
        if results.len() == 1 {
            "alert"
        } else {
            "alerts"
        },
        refused.join(", ")
    );
    if !landed.is_empty() {
        line.push_str(&format!("; landed: {}", landed.join(", ")));
    }
    line
}

/// One alert's result as a row: token, outcome, request id, the API's code and message.
pub(super) fn result_row(r: &ItemResult) -> Vec<String> {
    let (outcome, detail) = match &r.outcome {
        ItemOutcome::Landed => ("landed", String::new()),
        ItemOutcome::Refused { code, message } => (
            "refused",
            match code {
                Some(code) if message.is_empty() => c(code),
                Some(code) => format!("{}: {}", c(code), c(message)),
                None => c(message),
            },
        ),
        ItemOutcome::Unknown { message } => ("unknown", c(message)),
    };
    vec![
        c(&r.token),
        outcome.to_string(),
        r.request_id
            .as_deref()
            .map(|id| format!("request {}", c(id)))
            .unwrap_or_else(|| "—".into()),
        detail,
    ]
}

/// One alert's result in `--json`: `{"alert","landed":true,"request_id"}`, or with
/// `"landed":false` (`null` when the API did not say) and `"error":{"code","message",
/// "request_id"}`.
pub(super) fn result_json(r: &ItemResult) -> Value {
    match &r.outcome {
        ItemOutcome::Landed => {
            json!({ "alert": r.token, "landed": true, "request_id": r.request_id })
        }
        ItemOutcome::Refused { code, message } => json!({
            "alert": r.token,
            "landed": false,
            "error": { "code": code, "message": message, "request_id": r.request_id },
        }),
        ItemOutcome::Unknown { message } => json!({
            "alert": r.token,
            "landed": null,
            "error": { "code": null, "message": message, "request_id": r.request_id },
        }),
    }
}

/// `--json` for a command that failed.
#[derive(serde::Serialize)]
pub(super) struct Refused {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<i64>,
    /// Whether the entry stays queued (a later docket run sends it).
    #[serde(skip_serializing_if = "Option::is_none")]
    queued: Option<bool>,
    error: Value,
    /// For an action on alerts, one result per alert.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    results: Vec<Value>,
}

/// The exit code for a provider error: 4 for no answer, 429 and 5xx; 3 for any other API
/// refusal; 2 for a request the provider would not send; 1 for an answer it could not read.
pub fn exit_code(e: &ProviderError) -> i32 {
    match e {
        ProviderError::Transport { .. } => EXIT_UNAVAILABLE,
        ProviderError::Api { .. } if e.is_transient() => EXIT_UNAVAILABLE,
        ProviderError::Api { .. } | ProviderError::Bulk { .. } => EXIT_REFUSED,
        ProviderError::Invalid(_) => EXIT_USAGE,
        ProviderError::Decode { .. } => EXIT_OTHER,
    }
}

/// A provider error as JSON: its serde form (`kind`, `status`, `code`, `message`,
/// `request_id`, ...). A bulk refusal is `{"kind":"bulk","message","landed","refused"}`, each
/// alert being in `results`.
pub(super) fn error_json(e: &ProviderError) -> Value {
    match e {
        ProviderError::Bulk { action, items } => {
            let landed = items.iter().filter(|i| i.landed()).count();
            json!({
                "kind": "bulk",
                "action": action,
                "code": e.code(),
                "message": e.to_string(),
                "landed": landed,
                "refused": items.len() - landed,
            })
        }
        _ => serde_json::to_value(e).unwrap_or_else(|_| json!({ "message": e.to_string() })),
    }
}
