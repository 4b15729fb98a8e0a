//! The runtime side of finding cases: the filter's debounce, the API search, looking a
//! reference up, and writing a saved view to the config file.

use std::time::Duration;

use super::runner::Runner;
use crate::app::{Action, Effect};

/// How long the filter text must stay the same before the API is asked about it.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// How many cases one search brings back (the most urgent first).
const SEARCH_LIMIT: u32 = 50;

impl Runner {
    pub(super) fn find(&self, effect: Effect) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        match effect {
            Effect::SearchSoon { generation } => {
                tokio::spawn(async move {
                    tokio::time::sleep(SEARCH_DEBOUNCE).await;
                    let _ = tx.send(Action::SearchDue(generation));
                });
            }
            Effect::Search(query) => {
                tokio::spawn(async move {
                    let result = client.search(&query, SEARCH_LIMIT).await;
                    let _ = tx.send(Action::SearchResults { query, result });
                });
            }
            Effect::FindCase(query) => {
                tokio::spawn(async move {
                    let result = client.find_case(&query).await.map(|c| c.map(Box::new));
                    let _ = tx.send(Action::CaseFound { query, result });
                });
            }
            Effect::SaveView(view) => {
                let Some(path) = self.config_path.clone() else {
                    let _ = tx.send(Action::Flash(
                        "No config file to save the view to (no config directory).".into(),
                    ));
                    return;
                };
                let _ = tx.send(
                    match crate::config::append_view(&path, self.profile_name.as_deref(), &view) {
                        Ok(()) => Action::ViewSaved {
                            view,
                            path: path.display().to_string(),
                        },
                        Err(e) => Action::Flash(format!("✖ The view was not saved: {e}")),
                    },
                );
            }
            _ => {}
        }
    }
}
