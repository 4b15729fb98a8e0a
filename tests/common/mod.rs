//! Shared helpers for tests that talk to a real sandbox over HTTP.
#![allow(dead_code)]

pub mod campaign;
pub mod cli;
pub mod pty;
pub mod records;
pub mod reducer;

use std::path::PathBuf;

use docket::domain::UserRole;
use docket::sandbox::{Config, Sandbox};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
    #[track_caller]
    pub fn ok(self) -> Self {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            self.body
        );
        self
    }
    #[track_caller]
    pub fn expect(self, status: u16, code: &str) -> Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.body["error"], code, "body: {}", self.body);
        assert!(
            self.body["request_id"]
                .as_str()
                .is_some_and(|r| r.starts_with("req_")),
            "{}",
            self.body
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        self
    }
}

pub fn config(dir: &tempfile::TempDir, cases: usize) -> Config {
    let mut cfg = Config::new(db_path(dir));
    cfg.cases = cases;
    cfg.seed = 7;
    // Tests fire bursts of requests with one key (page walks, a hundred concurrent writes);
    // whether they pass must not depend on the machine's speed. tests/sandbox_limits.rs turns
    // the limit on where it is the subject.
    cfg.rate_limit = None;
    cfg
}

pub fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("sandbox.db")
}

pub async fn start(cases: usize) -> Env {
    let dir = tempfile::tempdir().unwrap();
    start_with(config(&dir, cases), dir).await
}

pub async fn start_with(cfg: Config, dir: tempfile::TempDir) -> Env {
    let sandbox = Sandbox::start(cfg).await.expect("sandbox starts");
    Env {
        sandbox,
        http: reqwest::Client::new(),
        dir,
    }
}

impl Env {
    pub fn key(&self, role: UserRole) -> String {
        self.sandbox
            .credential(role)
            .expect("user with role")
            .key
            .clone()
    }

    pub fn key_of(&self, user_id: &str) -> String {
        self.sandbox
            .credentials
            .iter()
            .find(|c| c.user_id == user_id)
            .expect("user")
            .key
            .clone()
    }

    /// The first `n` Open alerts on cases that are not Closed (asserting there are that many).
    pub async fn open_alerts(&self, n: usize) -> Vec<String> {
        let closed: Vec<String> = self
            .walk("/v1/cases?status=Closed", 100)
            .await
            .iter()
            .map(|c| s(&c["token"]).to_string())
            .collect();
        let open: Vec<String> = self
            .walk("/v1/alerts?status=Open", 100)
            .await
            .iter()
            .filter(|a| !closed.iter().any(|c| c == s(&a["case_token"])))
            .map(|a| s(&a["token"]).to_string())
            .take(n)
            .collect();
        assert_eq!(open.len(), n, "not enough open alerts");
        open
    }

    pub fn analyst(&self) -> String {
        self.key(UserRole::Analyst)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
        idem: Option<&str>,
    ) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.sandbox.url(), path));
        if let Some(k) = key {
            req = req.header("X-API-KEY", k);
        }
        if let Some(i) = idem {
            req = req.header("Idempotency-Key", i);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request reaches the sandbox");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        Reply {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, Some(&self.analyst()), None, None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(&self.analyst()), Some(body), None)
            .await
    }

    pub async fn post_as(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(key), Some(body), None)
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(&self.analyst()), Some(body), None)
            .await
    }

    /// Walks every page of a list, returning all items.
    pub async fn walk(&self, path: &str, limit: u32) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut cursor: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let mut url = format!("{path}{sep}limit={limit}");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let r = self.get(&url).await.ok();
            out.extend(r.data().as_array().unwrap().iter().cloned());
            let page = &r.body["meta"]["page"];
            if page["has_more"] == json!(true) {
                cursor = Some(
                    page["cursor"]
                        .as_str()
                        .expect("cursor when has_more")
                        .to_string(),
                );
            } else {
                assert!(page["cursor"].is_null());
                break;
            }
        }
        out
    }

    /// A new case whose primary company sits in `country` (drives the risk tier).
    pub async fn company_case(&self, country: &str, industry: &str) -> Value {
        self.post(
            "/v1/cases",
            json!({
                "type": "Onboarding",
                "entity_category": "Company",
                "entity": { "type": "Company", "company_name": format!("Test {country} Holdings"), "country": country, "industry": industry },
            }),
        )
        .await
        .ok()
        .data()
        .clone()
    }
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// Real tokens, so that malformed input reaches past the lookups.
pub struct Targets {
    pub case: String,
    pub alert: String,
    pub check: String,
    pub assessment: String,
    pub reviewer: String,
}

pub async fn targets(env: &Env) -> Targets {
    let case = s(&env.walk("/v1/cases?status=In Progress", 5).await[0]["token"]).to_string();
    let alert = s(&env.walk("/v1/alerts?status=Open", 5).await[0]["token"]).to_string();
    let check = s(&env.walk(&format!("/v1/cases/{case}/checks"), 5).await[0]["token"]).to_string();
    let assessment = s(&env
        .get(&format!("/v1/cases/{case}/risk-assessment"))
        .await
        .ok()
        .data()["token"])
    .to_string();
    let reviewer = s(&env
        .post(
            &format!("/v1/cases/{case}/reviewers"),
            json!({ "user_id": "usr_sofia" }),
        )
        .await
        .ok()
        .data()["token"])
    .to_string();
    Targets {
        case,
        alert,
        check,
        assessment,
        reviewer,
    }
}

/// Every write route, with a body it would accept from a user who may write.
pub fn write_routes(t: &Targets) -> Vec<(Method, String, Value)> {
    let Targets {
        case,
        alert,
        check,
        assessment,
        reviewer,
    } = t;
    vec![
        (
            Method::POST,
            "/v1/cases".into(),
            json!({ "type": "Review", "entity_category": "Person", "priority": "High", "assigned_to": "usr_mei",
                    "external_reference": "EXT-1", "metadata": { "k": 1 },
                    "entity": { "type": "Person", "first_name": "A", "last_name": "B", "nationality": "DE", "date_of_birth": "1980-01-02",
                                "address": { "line1": "x", "country": "DE" } } }),
        ),
        (
            Method::PATCH,
            format!("/v1/cases/{case}"),
            json!({ "status": "In Review", "assigned_to": "usr_mei", "metadata": { "a": [1, 2] } }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/close"),
            json!({ "decision": "Approve", "summary": "s" }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/escalate"),
            json!({ "reason": "r", "escalate_to": "usr_sofia" }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/reviewers"),
            json!({ "user_id": "usr_sofia", "role": "Approver", "message": "m" }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/reviewers/{reviewer}/approve"),
            json!({ "notes": "n" }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/reviewers/{reviewer}/reject"),
            json!({ "notes": "n" }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/comments"),
            json!({ "body": "b", "type": "Note", "mentions": ["usr_mei"] }),
        ),
        (
            Method::POST,
            format!("/v1/cases/{case}/risk-assessments"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/v1/risk-assessments/{assessment}/override"),
            json!({ "tier": "Low", "justification": "j" }),
        ),
        (
            Method::POST,
            format!("/v1/risk-assessments/{assessment}/approve"),
            json!({ "notes": "n" }),
        ),
        (
            Method::POST,
            format!("/v1/alerts/{alert}/resolve"),
            json!({ "action": "Approve with Conditions", "rationale": "r", "conditions": "c", "is_false_positive": false }),
        ),
        (
            Method::POST,
            format!("/v1/alerts/{alert}/escalate"),
            json!({ "reason": "r", "escalate_to": "usr_sofia" }),
        ),
        (
            Method::POST,
            "/v1/alerts/bulk/resolve".into(),
            json!({ "alert_tokens": [alert], "action": "Approve", "rationale": "r" }),
        ),
        (
            Method::POST,
            "/v1/alerts/bulk/acknowledge".into(),
            json!({ "alert_tokens": [alert] }),
        ),
        (
            Method::POST,
            "/v1/alerts/bulk/assign".into(),
            json!({ "alert_tokens": [alert], "user_id": "usr_mei", "note": "n" }),
        ),
        (
            Method::POST,
            format!("/v1/checks/{check}/waive"),
            json!({ "reason": "Other", "notes": "n" }),
        ),
    ]
}
