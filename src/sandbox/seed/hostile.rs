//! One seeded case carries hostile text, the way real screening data sometimes does: names
//! and hits copied from web pages and scanned documents, and comments pasted from anywhere.
//!
//! Its strings hold what a terminal would obey if a console passed them through: clear-screen
//! and cursor moves (CSI), a window-title set and an OSC 52 clipboard write (OSC), a DCS
//! request, a C1 CSI, carriage returns, bidirectional overrides, zero-width spaces and a pile
//! of combining marks. The sandbox stores and serves them unchanged (it is an API, not a
//! renderer); the console must show them as inert text.
//!
//! The case is the first open case with an open alert, so it sits in the default queue.

use rusqlite::{Connection, OptionalExtension, params};

use crate::sandbox::store;

/// The primary entity's name.
pub const NAME: &str =
    "Nordlys \u{1b}[2J\u{1b}[HHoldings\u{1b}]0;pwned\u{7} A/S\r\u{202e}gpj.exe\u{202c}";
/// The alert's title.
pub const ALERT_TITLE: &str = "Hit on Nordlys\u{1b}[5A\u{1b}[10C\u{9b}31m flagged";
/// The alert's description.
pub const ALERT_DESCRIPTION: &str = "Article text\u{1b}]52;c;cm0gLXJmIH4=\u{7} copied from the \
    source page\u{1b}P+q544e\u{1b}\\ with Z\u{351}\u{352}\u{353}\u{354}\u{355}\u{356}\u{357}\u{358}algo marks.";
/// A comment typed by someone else.
pub const COMMENT: &str = "Pasted from the registry:\r\nDirector: \u{1b}]2;Owned\u{1b}\\Ola \
    Nordmann\u{200b}\u{202d}\rOverwritten?\u{1b}[0m";
/// The primary entity's address, with a hyperlink (OSC 8) around it.
pub const ADDRESS: &str =
    "\u{1b}]8;;https://evil.example/\u{1b}\\Strandgata 1\u{1b}]8;;\u{1b}\\, Oslo";

/// Rewrites one case's text with the hostile strings. Returns its token, or `None` when no
/// open case has an open alert (tiny seeds).
pub fn poison(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let found: Option<(i64, String, i64)> = conn
        .query_row(
            "SELECT c.id, c.token, c.primary_entity_id FROM cases c \
             WHERE c.status <> 'Closed' AND c.primary_entity_id IS NOT NULL AND EXISTS \
             (SELECT 1 FROM alerts a WHERE a.case_id = c.id AND a.status IN ('Open', 'Acknowledged') \
              AND a.entity_id = c.primary_entity_id) \
             ORDER BY c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((case_id, token, entity_id)) = found else {
        return Ok(None);
    };
    conn.execute(
        "UPDATE entities SET full_name = ?2, \
         company_name = CASE WHEN company_name IS NULL THEN NULL ELSE ?2 END, address = ?3 \
         WHERE id = ?1",
        params![entity_id, NAME, ADDRESS],
    )?;
    store::set_primary(conn, case_id, entity_id)?;
    let source = serde_json::json!({
        "source": "Web\u{1b}[31m crawler\u{7}",
        "matched_name": NAME,
        "headline": ALERT_TITLE,
        "url": "https://news.example/\u{1b}]52;c;ZWNobyBoaQ==\u{7}",
    })
    .to_string();
    conn.execute(
        "UPDATE alerts SET title = ?2, description = ?3, source_data = ?4, \
         ai_assessment = ?5 WHERE id = (SELECT id FROM alerts WHERE case_id = ?1 \
         AND entity_id = (SELECT primary_entity_id FROM cases WHERE id = ?1) \
         AND status IN ('Open', 'Acknowledged') ORDER BY id LIMIT 1)",
        params![
            case_id,
            ALERT_TITLE,
            ALERT_DESCRIPTION,
            source,
            "Likely false positive.\r\u{1b}[2KConfirmed match!"
        ],
    )?;
    let (author, at): (String, i64) = conn.query_row(
        "SELECT user_id, (SELECT MAX(updated_at) FROM cases WHERE id = ?1) FROM users \
         WHERE role = 'analyst' ORDER BY id LIMIT 1 OFFSET 1",
        [case_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    conn.execute(
        "INSERT INTO comments (token, case_id, author_id, type, body, mentions, created_at, \
         updated_at) VALUES ('com_h0st1le0c0mt', ?1, ?2, 'Comment', ?3, '[]', ?4, ?4)",
        params![case_id, author, COMMENT, at],
    )?;
    Ok(Some(token))
}
