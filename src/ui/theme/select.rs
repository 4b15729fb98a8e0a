//! Which theme a name means: a user's `<name>.toml` when there is one, else the built-in of
//! that name (the files in `themes/`, compiled in).

use std::path::Path;

use super::{Theme, ThemeError, parse};

/// The themes compiled into docket, by name; `dark` is the default.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    (
        "monochrome",
        include_str!("../../../themes/monochrome.toml"),
    ),
];

/// The theme called `name`: `<user_dir>/<name>.toml` if that file exists, else the built-in
/// of that name.
pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    if is_plain_name(name) {
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => return parse(&path.display().to_string(), &text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(ThemeError::Read { path, source }),
            }
        }
        if let Some((builtin, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            return parse(&format!("themes/{builtin}.toml"), text);
        }
    }
    Err(ThemeError::Unknown {
        name: name.to_string(),
        available: available(user_dir),
    })
}

/// The names [`load`] accepts: the built-ins and every `*.toml` in `user_dir`, sorted.
pub fn available(user_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(entries) = user_dir.and_then(|d| std::fs::read_dir(d).ok()) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                && is_plain_name(stem)
            {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// A theme name is a file name without a path: letters, digits, `-`, `_` and inner dots.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub(super) fn builtin(name: &str) -> &'static str {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, text)| text)
}
