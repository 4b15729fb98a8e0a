//! Who writes: every outbox entry and draft belongs to one identity, and is only ever sent with
//! the key that wrote it (or, after a key rotation, a key the API says is the same person's).

use crate::domain::model::User;

/// The identity a local store is opened as: the profile and the fingerprint of its key (never
/// the key), and the user the API said the key belongs to, once it has said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub profile: String,
    pub key_fp: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
}

impl Identity {
    pub fn new(profile: impl Into<String>, key_fp: impl Into<String>) -> Identity {
        Identity {
            profile: profile.into(),
            key_fp: key_fp.into(),
            user_id: None,
            user_name: None,
        }
    }

    /// The same identity, knowing now which user it is.
    pub fn with_user(mut self, user: Option<&User>) -> Identity {
        self.user_id = user.map(|u| u.id.clone());
        self.user_name = user.map(|u| u.name.clone());
        self
    }

    /// Whether an entry written by `author` may be sent as this identity: written with this
    /// key, or by the same user (known on both sides) with a key since replaced.
    pub fn owns(&self, author: &Author) -> bool {
        if !author.key_fp.is_empty() && author.key_fp == self.key_fp {
            return true;
        }
        matches!((&author.user_id, &self.user_id), (Some(a), Some(b)) if a == b)
    }
}

/// Who wrote an entry, as recorded with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Author {
    /// Empty for entries written before docket recorded authors: nobody may send those.
    pub key_fp: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
}

impl Author {
    /// The name to show: the user's name, else their id, else the key's fingerprint.
    pub fn display(&self) -> String {
        match (&self.user_name, &self.user_id) {
            (Some(n), _) if !n.is_empty() => n.clone(),
            (_, Some(id)) => id.clone(),
            _ if self.key_fp.is_empty() => "an unknown author (written by an older docket)".into(),
            _ => format!("key {}", self.key_fp),
        }
    }
}

impl From<&Identity> for Author {
    fn from(i: &Identity) -> Author {
        Author {
            key_fp: i.key_fp.clone(),
            user_id: i.user_id.clone(),
            user_name: i.user_name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        User {
            id: id.into(),
            name: id.into(),
            email: None,
            role: None,
            can_write: true,
        }
    }

    #[test]
    fn an_entry_is_owned_by_its_key_or_its_user_never_by_another() {
        let me = Identity::new("eu", "aaaa").with_user(Some(&user("usr_amara")));
        let mine = Author {
            key_fp: "aaaa".into(),
            ..Author::default()
        };
        let rotated = Author {
            key_fp: "old".into(),
            user_id: Some("usr_amara".into()),
            user_name: None,
        };
        let lukas = Author {
            key_fp: "bbbb".into(),
            user_id: Some("usr_lukas".into()),
            user_name: Some("Lukas Brandt".into()),
        };
        let legacy = Author::default();
        assert!(me.owns(&mine));
        assert!(me.owns(&rotated));
        assert!(!me.owns(&lukas));
        assert!(!me.owns(&legacy));
        // Before the API said who the key is, only the key counts.
        let unknown = Identity::new("eu", "aaaa");
        assert!(unknown.owns(&mine));
        assert!(!unknown.owns(&rotated));
        assert_eq!(lukas.display(), "Lukas Brandt");
    }
}
