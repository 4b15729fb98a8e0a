//! The themes' tests: the built-ins against the styles they replaced, user files, and each
//! kind of mistake in a theme file named at its line.

use ratatui::style::{Color, Modifier};

use super::parse::parse_styles;
use super::*;

/// The dark theme as it was hard-coded before themes became files.
fn old_dark() -> Theme {
    let fg = |c| Style::default().fg(c);
    Theme {
        text: Style::default(),
        muted: fg(Color::DarkGray),
        header: Style::default().add_modifier(Modifier::BOLD),
        accent: fg(Color::Cyan),
        selection: Style::default().add_modifier(Modifier::REVERSED),
        border: fg(Color::DarkGray),
        border_focused: fg(Color::Cyan),
        status: Style::default().add_modifier(Modifier::REVERSED),
        ok: fg(Color::Green).add_modifier(Modifier::REVERSED),
        warning: fg(Color::Yellow),
        error: fg(Color::Red).add_modifier(Modifier::BOLD),
        risk_high: fg(Color::Red).add_modifier(Modifier::BOLD),
        risk_medium: fg(Color::Yellow),
        risk_low: fg(Color::Green),
        sla_breached: fg(Color::Red).add_modifier(Modifier::BOLD),
        sla_critical: fg(Color::Red),
        sla_warning: fg(Color::Yellow),
    }
}

/// The monochrome theme as it was hard-coded.
fn old_monochrome() -> Theme {
    let m = |m| Style::default().add_modifier(m);
    Theme {
        text: Style::default(),
        muted: m(Modifier::DIM),
        header: m(Modifier::BOLD),
        accent: m(Modifier::BOLD),
        selection: m(Modifier::REVERSED),
        border: m(Modifier::DIM),
        border_focused: m(Modifier::BOLD),
        status: m(Modifier::REVERSED),
        ok: m(Modifier::REVERSED),
        warning: m(Modifier::BOLD),
        error: m(Modifier::BOLD),
        risk_high: m(Modifier::BOLD),
        risk_medium: Style::default(),
        risk_low: m(Modifier::DIM),
        sla_breached: m(Modifier::BOLD),
        sla_critical: m(Modifier::BOLD),
        sla_warning: Style::default(),
    }
}

/// Every (file name, style) of a theme.
fn styles(theme: &Theme) -> Vec<(&'static str, Style)> {
    let mut t = theme.clone();
    KEYS.iter()
        .map(|(name, slot)| (*name, *slot(&mut t)))
        .collect()
}

fn builtin_theme(name: &str) -> Theme {
    parse(&format!("themes/{name}.toml"), builtin(name))
        .unwrap_or_else(|e| panic!("built-in {name} does not parse: {e}"))
}

fn error(text: &str) -> String {
    match parse("themes/mine.toml", text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_builtin_parses_and_sets_every_style() {
    assert_eq!(
        BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        ["dark", "light", "high-contrast", "monochrome"]
    );
    for (name, text) in BUILTIN {
        let set = parse_styles(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // A built-in must not quietly inherit from dark: each lists all 17 styles.
        let mut slots: Vec<usize> = set.iter().map(|(s, _)| *s).collect();
        slots.sort();
        assert_eq!(slots, (0..KEYS.len()).collect::<Vec<_>>(), "{name}");
        builtin_theme(name);
    }
}

#[test]
fn dark_file_is_the_old_dark_theme_field_by_field() {
    let old = styles(&old_dark());
    let new = styles(&builtin_theme("dark"));
    for ((name, was), (_, is)) in old.iter().zip(&new) {
        assert_eq!(was, is, "{name}");
    }
    assert_eq!(Theme::dark(), old_dark());
    assert_eq!(Theme::chosen(None, "dark", None).unwrap(), old_dark());
    assert_eq!(Theme::chosen(Some(""), "dark", None).unwrap(), old_dark());
}

#[test]
fn monochrome_has_no_color_anywhere() {
    let mono = Theme::monochrome();
    assert_eq!(mono, old_monochrome());
    assert_eq!(Theme::chosen(Some("1"), "light", None).unwrap(), mono);
    for (name, style) in styles(&mono) {
        assert_eq!(
            (style.fg, style.bg, style.underline_color),
            (None, None, None),
            "{name}"
        );
    }
}

#[test]
fn light_and_high_contrast_keep_their_rules() {
    for (name, style) in styles(&builtin_theme("light")) {
        let fg = style.fg.unwrap_or(Color::Reset);
        assert!(
            !matches!(fg, Color::White | Color::Gray),
            "light {name}: {fg}"
        );
        if !matches!(name, "muted" | "border") {
            assert_ne!(fg, Color::DarkGray, "light {name}");
        }
    }
    let base = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
    ];
    for (name, style) in styles(&builtin_theme("high-contrast")) {
        for c in [style.fg, style.bg].into_iter().flatten() {
            assert!(base.contains(&c), "high-contrast {name}: {c}");
        }
        assert!(!style.add_modifier.contains(Modifier::DIM), "{name}");
        if style.fg.is_some() {
            assert!(style.add_modifier.contains(Modifier::BOLD), "{name}");
        }
    }
}

#[test]
fn a_partial_theme_overrides_only_its_keys() {
    let text = "[styles]\n\"risk.high\" = { fg = \"magenta\" }\nmuted = {}\n";
    let theme = parse("mine.toml", text).unwrap();
    let mut expected = old_dark();
    expected.risk_high = Style::default().fg(Color::Magenta);
    expected.muted = Style::default();
    assert_eq!(theme, expected);
    // An empty file is the dark theme.
    assert_eq!(parse("empty.toml", "").unwrap(), old_dark());
}

#[test]
fn dotted_keys_may_be_written_as_nested_tables() {
    let text = "[styles]\nrisk.high = { fg = \"blue\" }\nborder = { fg = \"red\", \
                focused = { fg = \"green\" } }\n[styles.sla]\nbreached = { bg = \"red\" }\n";
    let theme = parse("mine.toml", text).unwrap();
    assert_eq!(theme.risk_high, Style::default().fg(Color::Blue));
    assert_eq!(theme.border, Style::default().fg(Color::Red));
    assert_eq!(theme.border_focused, Style::default().fg(Color::Green));
    assert_eq!(theme.sla_breached, Style::default().bg(Color::Red));
    assert_eq!(theme.sla_critical, old_dark().sla_critical);
}

#[test]
fn hex_indexed_and_spelled_colors_parse() {
    let text = "[styles]\ntext = { fg = \"#FF8000\", bg = 236 }\naccent = { fg = 0x10 }\n\
                muted = { fg = \"Dark_Grey\", modifiers = [\"Crossed_Out\", \"italic\", \
                \"underlined\"] }\nstatus = { bg = \"default\" }\n";
    let theme = parse("mine.toml", text).unwrap();
    assert_eq!(
        theme.text,
        Style::default()
            .fg(Color::Rgb(255, 128, 0))
            .bg(Color::Indexed(236))
    );
    assert_eq!(theme.accent, Style::default().fg(Color::Indexed(16)));
    assert_eq!(
        theme.muted,
        Style::default()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT | Modifier::ITALIC | Modifier::UNDERLINED)
    );
    assert_eq!(theme.status, Style::default().bg(Color::Reset));
}

#[test]
fn an_unknown_color_names_the_line_and_the_choices() {
    let text = "# mine\n\n[styles]\ntext = {}\nmuted = {}\n\n\"risk.high\" = { fg = \"redd\" }\n";
    assert_eq!(
        error(text),
        "themes/mine.toml:7: \"risk.high\": unknown color \"redd\"; expected one of black, \
         red, green, yellow, blue, magenta, cyan, gray, dark-gray, light-red, light-green, \
         light-yellow, light-blue, light-magenta, light-cyan, white, reset, default, \
         \"#rrggbb\" or an integer 0-255"
    );
    assert_eq!(
        error("[styles]\n\ntext = { bg = \"#12345\" }"),
        "themes/mine.toml:3: \"text\": bad hex color \"#12345\"; expected \"#rrggbb\""
    );
    assert_eq!(
        error("[styles]\ntext = { bg = 256 }"),
        "themes/mine.toml:2: \"text\": color index 256 out of range; expected 0-255"
    );
}

#[test]
fn unknown_keys_name_the_line() {
    let e = error("[styles]\ntext = {}\n\"risk.hihg\" = { fg = \"red\" }\n");
    assert!(
        e.starts_with(
            "themes/mine.toml:3: unknown style \"risk.hihg\"; expected one of text, muted,"
        ),
        "{e}"
    );
    assert_eq!(
        error("[styles]\n\nok = { fg = \"green\", colour = \"red\" }\n"),
        "themes/mine.toml:3: \"ok\": unknown key \"colour\"; expected fg, bg or modifiers"
    );
    assert_eq!(
        error("[styles]\nrisk = { fg = \"red\" }\n"),
        "themes/mine.toml:2: \"risk\": unknown key \"fg\"; expected high, medium or low"
    );
    assert_eq!(
        error("name = \"mine\"\n[styles]\n"),
        "themes/mine.toml:1: unknown key \"name\"; a theme file has only a [styles] table"
    );
    assert_eq!(
        error("[styles]\ntext = \"red\"\n"),
        "themes/mine.toml:2: \"text\": expected a table like { fg = \"red\", modifiers = \
         [\"bold\"] }, found string"
    );
    assert_eq!(
        error("[styles]\n\"risk.high\" = {}\n[styles.risk]\nhigh = {}\n"),
        "themes/mine.toml:4: \"risk.high\" is set twice (first on line 2)"
    );
}

#[test]
fn a_bad_modifier_names_the_line() {
    assert_eq!(
        error("[styles]\nheader = {\n  modifiers = [\"bold\", \"blink\"] }\n"),
        "themes/mine.toml:3: \"header\": unknown modifier \"blink\"; expected bold, dim, \
         italic, underlined, reversed or crossed-out"
    );
    assert_eq!(
        error("[styles]\nheader = { modifiers = \"bold\" }\n"),
        "themes/mine.toml:2: \"header\": \"modifiers\" must be a list like [\"bold\"], \
         found string"
    );
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let e = error("[styles]\ntext = {}\nmuted = { fg = \"red\"\n");
    assert!(e.starts_with("themes/mine.toml:3: invalid TOML: "), "{e}");
    assert!(e.contains("expected `}`"), "{e}");
    let e = error("[styles]\ntext = {}\ntext = {}\n");
    assert!(e.starts_with("themes/mine.toml:3: invalid TOML: "), "{e}");
    assert!(e.contains("duplicate key"), "{e}");
}

#[test]
fn a_user_file_shadows_a_builtin_and_unknown_names_list_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(load("dark", Some(dir.path())).unwrap(), old_dark());
    assert_eq!(load("monochrome", None).unwrap(), old_monochrome());

    std::fs::write(
        dir.path().join("dark.toml"),
        "[styles]\naccent = { fg = \"magenta\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "[styles]\ntext = { fg = \"nope\" }\n",
    )
    .unwrap();
    let mut expected = old_dark();
    expected.accent = Style::default().fg(Color::Magenta);
    assert_eq!(load("dark", Some(dir.path())).unwrap(), expected);
    // Without the user directory the built-in is back.
    assert_eq!(load("dark", None).unwrap(), old_dark());

    let e = load("mine", Some(dir.path())).unwrap_err().to_string();
    let path = dir.path().join("mine.toml");
    assert!(
        e.starts_with(&format!("{}:2: \"text\": unknown color", path.display())),
        "{e}"
    );

    assert_eq!(
        load("solarized", Some(dir.path())).unwrap_err().to_string(),
        "unknown theme \"solarized\"; available: dark, high-contrast, light, mine, monochrome"
    );
    assert!(matches!(
        load("../dark", Some(dir.path())),
        Err(ThemeError::Unknown { .. })
    ));
    assert_eq!(
        available(None),
        ["dark", "high-contrast", "light", "monochrome"]
    );
}
