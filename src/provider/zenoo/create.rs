//! Opening cases and adding entities to them: `POST /v1/cases` and
//! `POST /v1/cases/{case}/entities`, with the body the case or entity form drew.
//!
//! Zenoo has two guards against duplicates: the Idempotency-Key (a retry replays the first
//! answer) and the external reference (a case created again with one answers 200 with the case
//! it already names instead of 201 with a new one). [`Created::existing`] says the record was
//! there before this request: a 200, or an answer replayed to a key sent before (a re-run
//! after a crash).

use reqwest::Method;

use super::case_detail::entity;
use super::wire;
use super::{ZenooClient, segment};
use crate::domain::review::Submission;
use crate::provider::ProviderError;
use crate::provider::api::Created;
use crate::provider::http::Path;

impl ZenooClient {
    /// Sends a creation and says what it made.
    pub async fn create(&self, s: &Submission, key: &str) -> Result<Created, ProviderError> {
        match s {
            Submission::CreateCase { body, .. } => {
                let path = Path::of(&["v1", "cases"]);
                let (env, existing) = self.post_answer(Method::POST, &path, body, key).await?;
                let case = wire::case(&env.data)
                    .map_err(|m| Self::bad(&format!("POST {path}"), &env, m))?;
                Ok(Created {
                    token: case.token,
                    name: case.name,
                    existing,
                })
            }
            Submission::AddEntity { case, body } => {
                let path = Path::of(&["v1", "cases", segment(case)?, "entities"]);
                let (env, existing) = self.post_answer(Method::POST, &path, body, key).await?;
                let e =
                    entity(&env.data).map_err(|m| Self::bad(&format!("POST {path}"), &env, m))?;
                Ok(Created {
                    token: e.token,
                    name: e.name,
                    existing,
                })
            }
            other => Err(ProviderError::Invalid(format!(
                "{} is not a creation",
                other.verb()
            ))),
        }
    }
}
