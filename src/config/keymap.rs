//! The `[keymap.*]` tables: key changes per context, applied over the default keymap, each
//! mistake named at its line.

use std::path::Path;

use super::{ConfigError, File, line_of};
use crate::app::keymap::{self, Context, Key, Keymap};

/// The keymap the file describes, over the defaults.
pub fn keymap_of(file: &File, text: &str, path: &Path) -> Result<Keymap, ConfigError> {
    let mut km = Keymap::default();
    for (ctx, binds) in &file.keymap {
        let context = Context::ALL
            .iter()
            .find(|(n, _)| *n == ctx.get_ref())
            .map(|(_, c)| *c)
            .ok_or_else(|| ConfigError {
                path: path.to_path_buf(),
                line: Some(line_of(text, ctx.span().start)),
                message: format!(
                    "unknown keymap context {:?}; expected one of: {}",
                    ctx.get_ref(),
                    Context::ALL
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        for (key, cmd) in binds {
            let k: Key = key.get_ref().parse().map_err(|m| ConfigError {
                path: path.to_path_buf(),
                line: Some(line_of(text, key.span().start)),
                message: m,
            })?;
            let c = match cmd.get_ref().as_str() {
                "none" => None,
                name => Some(keymap::command_named(name).ok_or_else(|| ConfigError {
                    path: path.to_path_buf(),
                    line: Some(line_of(text, cmd.span().start)),
                    message: format!(
                            "unknown command {name:?}; expected \"none\" or one of: {}",
                            crate::app::command::COMMANDS
                                .iter()
                                .map(|s| s.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                })?),
            };
            km.bind(context, k, c);
        }
    }
    Ok(km)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    fn p() -> &'static Path {
        Path::new("config.toml")
    }

    #[test]
    fn a_mode_key_is_remapped_like_any_other() {
        use crate::app::command::Command;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let f = parse(
            p(),
            "[keymap.editor]\n\"ctrl-g\" = \"review\"\n[keymap.outbox]\n\"r\" = \"outbox_resend\"\n",
        )
        .unwrap();
        let km = keymap_of(&f, "", p()).unwrap();
        let g = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL);
        assert_eq!(km.lookup(Context::Editor, &g), Some(Command::Review));
        let r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Outbox, &r), Some(Command::OutboxResend));
        assert!(km.keys_for(Command::Review).contains(&"ctrl-g".to_string()));
    }

    #[test]
    fn keymap_changes_apply_over_the_defaults() {
        let f = parse(
            p(),
            "[keymap.normal]\n\"ctrl-n\" = \"down\"\n\"q\" = \"none\"\n",
        )
        .unwrap();
        let km = keymap_of(&f, "", p()).unwrap();
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(
            km.lookup(Context::Queue, &n),
            Some(crate::app::update::Command::Down)
        );
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Queue, &q), None);
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(Context::Queue, &j),
            Some(crate::app::update::Command::Down)
        );
    }
}
