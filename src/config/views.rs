//! Writing a view saved from the console into the config file, keeping every other line.

use std::path::Path;

use crate::app::find::Sort;
use crate::app::queue::{AWAITING_MY_APPROVAL, View};

/// A view as a `[[views]]` table (`[[profiles.NAME.views]]` for a profile's own), in the
/// spelling the file reads.
pub fn view_toml(v: &View, profile: Option<&str>) -> String {
    let s = |t: &str| toml::Value::String(t.to_string()).to_string();
    let q = &v.quick;
    let table = match profile {
        // A bare key where it can be one, quoted otherwise.
        Some(p)
            if p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            format!("profiles.{p}.views")
        }
        Some(p) => format!("profiles.{}.views", s(p)),
        None => "views".into(),
    };
    let mut out = format!("[[{table}]]\nname = {}\n", s(&v.name));
    for (on, key) in [
        (q.mine, "mine"),
        (q.unassigned, "unassigned"),
        (q.breached, "breached"),
        (q.high_risk, "high_risk"),
        (q.closed, "closed"),
        (q.awaiting_me, "awaiting_approval"),
    ] {
        if on {
            out.push_str(&format!("{key} = true\n"));
        }
    }
    let values = [
        ("risk", q.risk.map(|x| x.as_str())),
        ("status", q.status.map(|x| x.as_str())),
        ("type", q.case_type.map(|x| x.as_str())),
        ("priority", q.priority.map(|x| x.as_str())),
        ("sla", q.sla.map(|x| x.as_str())),
        ("assignee", q.assignee.as_deref()),
    ];
    for (key, value) in values {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", s(value)));
        }
    }
    if v.sort != Sort::default() {
        out.push_str(&format!("sort = {}\n", s(&v.sort.spelling())));
    }
    out
}

/// Appends `view` to the config file at `path` (created if missing): to the views of
/// `profile` when that profile has views of its own (it shows only those), else to the file's.
/// A file without views was showing the default ones: they are written first, so the tabs stay
/// as they were with the new view after them. The new text is checked before it replaces the
/// file, atomically.
pub fn append_view(path: &Path, profile: Option<&str>, view: &View) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let file = super::parse(path, &text).map_err(|e| e.to_string())?;
    let own = profile.and_then(|p| {
        file.profiles
            .get(p)
            .and_then(|x| x.views.as_ref())
            .map(|v| (p, v.clone()))
    });
    let (profile, views) = match own {
        Some((p, v)) => (Some(p), v),
        None => (None, file.views.clone()),
    };
    let view_toml = |v: &View| view_toml(v, profile);
    let mut add = String::new();
    if views.is_empty() {
        add.push_str("\n# The default views, written when the first view was saved.\n");
        for v in View::defaults() {
            add.push('\n');
            add.push_str(&view_toml(&v));
        }
    } else if !views.iter().any(|v| v.awaiting_approval) {
        // The built-in view shown after the file's own: kept in its place.
        if let Some(v) = View::defaults()
            .into_iter()
            .find(|v| v.name == AWAITING_MY_APPROVAL)
        {
            add.push('\n');
            add.push_str(&view_toml(&v));
        }
    }
    add.push_str("\n# Saved from the console; rename it as you like.\n");
    add.push_str(&view_toml(view));
    let mut new = text.clone();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(&add);
    super::parse(path, &new).map_err(|e| format!("the view would not read back: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.saving");
    std::fs::write(&tmp, &new).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::find::SortKey;
    use crate::app::queue::Quick;
    use crate::domain::RiskTier;

    #[test]
    fn a_saved_view_reads_back_as_itself_and_keeps_the_other_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "theme = \"light\" # mine\n[profiles.x]\nbase_url = \"http://h\"\n",
        )
        .unwrap();
        let view = View {
            name: "High \"risk\", by score".into(),
            quick: Quick {
                risk: Some(RiskTier::High),
                unassigned: true,
                assignee: None,
                ..Quick::default()
            },
            sort: Sort::by(SortKey::Risk).reversed(),
        };
        append_view(&path, Some("x"), &view).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("theme = \"light\" # mine\n[profiles.x]\n"),
            "{text}"
        );
        let file = crate::config::parse(&path, &text).unwrap();
        let views = crate::config::views_of(&file, None);
        let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Open",
                "Mine",
                "Unassigned",
                "Breached",
                "High risk",
                AWAITING_MY_APPROVAL,
                "High \"risk\", by score"
            ]
        );
        assert_eq!(views.last(), Some(&view));

        // A profile with views of its own gets the new one among them.
        std::fs::write(
            &path,
            "[profiles.eu]\nbase_url = \"http://h\"\n[[profiles.eu.views]]\nname = \"Mine\"\nmine = true\n",
        )
        .unwrap();
        append_view(&path, Some("eu"), &view).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let file = crate::config::parse(&path, &text).unwrap();
        let eu = file.profiles.get("eu");
        let names: Vec<String> = crate::config::views_of(&file, eu)
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(
            names,
            ["Mine", AWAITING_MY_APPROVAL, "High \"risk\", by score"]
        );
        assert!(file.views.is_empty(), "{text}");
    }
}
