//! Mistakes in the config file and on the command line, through the real binary: the console,
//! `docket config check` and `docket doctor` refuse the same configs with the same
//! `path:line: what was expected`, and a mistake is plain lines on stderr (`docket: ...`),
//! never a report with source locations or colours.

use std::path::PathBuf;
use std::process::Output;

/// A home of its own: config, state and data directories under one temp dir.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn write(&self, text: &str) -> PathBuf {
        std::fs::write(self.config(), text).unwrap();
        self.config()
    }

    /// Runs docket with `args`, stdin empty and stderr a pipe (not a terminal).
    fn run(&self, args: &[&str]) -> Output {
        let d = self.dir.path();
        std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
            .args(args)
            .env("HOME", d)
            .env("XDG_CONFIG_HOME", d.join("xdg-config"))
            .env("XDG_STATE_HOME", d.join("state"))
            .env("XDG_DATA_HOME", d.join("data"))
            .env("DOCKET_CONFIG", self.config())
            .env("DOCKET_STATE_DB", d.join("local.db"))
            .env("LANG", "C.UTF-8")
            // Colours would be on for a terminal; stderr here is a pipe, so none may appear.
            .env("TERM", "xterm-256color")
            .env("COLORTERM", "truecolor")
            .env_remove("NO_COLOR")
            .env_remove("DOCKET_API_KEY")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The stderr of an expected mistake: exit 1, only `docket: ` lines, no location, no ANSI.
#[track_caller]
fn plain_failure(out: &Output) -> Vec<String> {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("Location:"), "a report, not a message: {err}");
    assert!(!err.contains("src/"), "a source path: {err}");
    assert!(!err.contains('\u{1b}'), "ANSI on a pipe: {err:?}");
    assert!(!err.contains("Backtrace"), "{err}");
    let lines: Vec<String> = err.lines().map(str::to_string).collect();
    assert!(!lines.is_empty(), "nothing on stderr");
    for l in &lines {
        assert!(l.starts_with("docket: "), "{err}");
    }
    lines
}

#[test]
fn config_init_twice_says_so_in_one_plain_line() {
    let home = Home::new();
    let first = home.run(&["config", "init"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        format!("wrote {}", home.config().display())
    );

    let again = home.run(&["config", "init"]);
    let lines = plain_failure(&again);
    assert_eq!(
        lines,
        [format!(
            "docket: {} exists; pass --force to replace it",
            home.config().display()
        )]
    );
    assert!(again.stdout.is_empty());

    // What init writes passes the check, and --force replaces it.
    let check = home.run(&["config", "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(home.run(&["config", "init", "--force"]).status.success());
}

/// Each bad config, and the line and words every one of the three must report it with.
fn bad_configs() -> Vec<(&'static str, String, usize, &'static str)> {
    vec![
        (
            "unknown theme",
            "# mine\ntheme = \"solarized\"\n".into(),
            2,
            "unknown theme \"solarized\"; expected one of: dark, high-contrast, light, monochrome",
        ),
        (
            "unknown default profile",
            "# the one to open\ndefault_profile = \"nope\"\n\n\
             [profiles.eu]\nbase_url = \"https://eu.example\"\n"
                .into(),
            2,
            "default_profile \"nope\" is not a profile here; expected one of: \"eu\"",
        ),
        (
            "a keymap command that does not exist",
            "[keymap.queue]\n\"j\" = \"dwn\"\n".into(),
            2,
            "unknown command \"dwn\"",
        ),
        (
            "a profile's theme",
            "default_profile = \"eu\"\n[profiles.eu]\nbase_url = \"https://eu.example\"\n\
             theme = \"neon\"\n"
                .into(),
            4,
            "profile eu: unknown theme \"neon\"",
        ),
        (
            "a view sorted by a column that does not exist",
            "[[views]]\nname = \"Hot\"\nrisk = \"high\"\nsort = \"riks\"\n".into(),
            4,
            "unknown sort \"riks\"; expected one of: sla, priority, risk, updated, alerts, status, type, assignee, name",
        ),
        (
            "a view filtering on a risk tier that does not exist",
            "[[views]]\nname = \"Hot\"\n\nrisk = \"extreme\"\n".into(),
            4,
            "unknown risk tier \"extreme\"; expected one of: \"High\", \"Medium\", \"Low\"",
        ),
        (
            "notify watching a view that does not exist",
            "[[views]]\nname = \"Mine\"\nmine = true\n\n[notify]\nviews = [\"Mien\"]\n".into(),
            6,
            "notify watches the view \"Mien\", which no view has",
        ),
        (
            "the default profile's plain http to a remote host",
            "default_profile = \"eu\"\n[profiles.eu]\napi_key_env = \"X\"\n\
             base_url = \"http://cases.example.com\"\n"
                .into(),
            4,
            "profile eu: refusing plain http:// to cases.example.com",
        ),
        (
            "the default profile without a base_url",
            "default_profile = \"eu\"\n\n[profiles.eu]\napi_key_env = \"X\"\n".into(),
            3,
            "profile eu has no base_url; expected base_url = \"https://...\"",
        ),
    ]
}

#[test]
fn config_check_doctor_and_the_console_refuse_the_same_bad_configs() {
    for (what, text, line, expected) in bad_configs() {
        let home = Home::new();
        let path = home.write(&text);
        let want = format!("{}:{line}: {expected}", path.display());

        // config check: one plain line.
        let lines = plain_failure(&home.run(&["config", "check"]));
        assert_eq!(lines.len(), 1, "{what}: {lines:#?}");
        assert!(
            lines[0].starts_with(&format!("docket: {want}")),
            "{what}: want {want:?}, got {lines:#?}"
        );

        // The console: the same line, before it touches the terminal.
        let console = plain_failure(&home.run(&[]));
        assert_eq!(console, lines, "{what}");

        // doctor: a failure with the same text, exit 1, and nothing opened.
        let out = home.run(&["doctor"]);
        let report = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{what}: {report}");
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("FAIL") && l.contains(&want)),
            "{what}: want {want:?} in\n{report}"
        );
        assert!(!report.contains("ok    connect"), "{what}: {report}");
        assert!(!report.contains("sandbox"), "{what}: {report}");
    }
}

#[test]
fn every_problem_is_a_line_of_its_own() {
    let home = Home::new();
    let path = home.write(
        "default_profile = \"nope\"\ntheme = \"solarized\"\n\n[profiles.eu]\n\
         base_url = \"https://eu.example\"\n",
    );
    let lines = plain_failure(&home.run(&["config", "check"]));
    let p = path.display();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with(&format!("docket: {p}:1: default_profile \"nope\"")),
        "{lines:#?}"
    );
    assert!(
        lines[1].starts_with(&format!("docket: {p}:2: unknown theme \"solarized\"")),
        "{lines:#?}"
    );

    // The console also checks what the command line adds.
    let lines = plain_failure(&home.run(&["--theme", "neon"]));
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[2].starts_with("docket: --theme: unknown theme \"neon\""),
        "{lines:#?}"
    );
}

#[test]
fn an_unknown_profile_or_a_missing_key_is_one_plain_line() {
    let home = Home::new();
    let path = home.write(
        "[profiles.eu]\nbase_url = \"https://127.0.0.1:9\"\n\
         api_key_env = \"DOCKET_TEST_KEY_THAT_IS_NOT_SET\"\n",
    );

    for args in [
        &["--profile", "nope"][..],
        &["config", "check", "--profile", "nope"][..],
    ] {
        let lines = plain_failure(&home.run(args));
        assert_eq!(
            lines,
            [format!(
                "docket: --profile: no profile \"nope\" in {}; expected one of: \"eu\"",
                path.display()
            )],
            "{args:?}"
        );
    }
    let out = home.run(&["doctor", "--profile", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAIL  profile   --profile: no profile"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The file is fine; the environment lacks the key. Said before anything is sent.
    assert!(
        home.run(&["config", "check", "--profile", "eu"])
            .status
            .success()
    );
    let lines = plain_failure(&home.run(&["--profile", "eu"]));
    assert_eq!(
        lines,
        [
            "docket: profile eu: no API key: the DOCKET_TEST_KEY_THAT_IS_NOT_SET environment \
          variable is not set"
        ]
    );
    let lines = plain_failure(&home.run(&["--api-url", "https://127.0.0.1:9"]));
    assert_eq!(
        lines,
        [
            "docket: no API key: set the DOCKET_API_KEY environment variable (or name another \
          with --api-key-env)"
        ]
    );
}

#[test]
fn a_config_that_cannot_be_parsed_is_one_plain_line() {
    let home = Home::new();
    let path =
        home.write("[profiles.eu]\nbase_url = \"https://eu.example\"\npoll_secs = \"soon\"\n");
    for args in [&["config", "check"][..], &[][..], &["audit-log"][..]] {
        let lines = plain_failure(&home.run(args));
        assert_eq!(lines.len(), 1, "{args:?}: {lines:#?}");
        assert!(
            lines[0].starts_with(&format!("docket: {}:3: ", path.display())),
            "{args:?}: {lines:#?}"
        );
    }
}

/// Names in a message come from the file; a terminal must not obey them.
#[test]
fn escape_sequences_in_a_bad_name_are_printed_inert() {
    let home = Home::new();
    home.write("theme = \"\\u001b]52;c;aGk=\\u0007\"\n");
    let lines = plain_failure(&home.run(&["config", "check"]));
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(!lines[0].contains('\u{7}'), "{lines:#?}");
}

/// `--as` names a seeded user of the embedded sandbox; anything else is one plain line, and a
/// real API (a profile, `--api-url`) refuses it, since its key is one person's.
#[test]
fn as_names_a_sandbox_user_and_refuses_a_real_api_in_one_line() {
    let home = Home::new();
    let lines = plain_failure(&home.run(&["--as", "bob"]));
    assert_eq!(
        lines,
        [
            "docket: no sandbox user \"bob\"; the sandbox's users are amara (analyst), lukas \
             (analyst), mei (analyst), sofia (approver), ines (auditor)"
        ]
    );
    let lines = plain_failure(&home.run(&["--as", "sofia", "--api-url", "https://127.0.0.1:9"]));
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("docket: --as sofia works only with the embedded sandbox"),
        "{lines:#?}"
    );
    home.write("default_profile = \"eu\"\n[profiles.eu]\nbase_url = \"https://127.0.0.1:9\"\napi_key_env = \"DOCKET_TEST_KEY_THAT_IS_NOT_SET\"\n");
    let lines = plain_failure(&home.run(&["--as", "lukas"]));
    assert!(
        lines[0].starts_with("docket: --as lukas works only with the embedded sandbox"),
        "{lines:#?}"
    );
}

/// The question before acting on someone else's case is on unless the file turns it off; a
/// value of the wrong kind is `path:line: expected`.
#[test]
fn confirm_on_others_cases_takes_a_boolean() {
    let home = Home::new();
    home.write("confirm_on_others_cases = false\n");
    assert!(home.run(&["config", "check"]).status.success());
    let path = home.write("theme = \"dark\"\nconfirm_on_others_cases = \"sometimes\"\n");
    let lines = plain_failure(&home.run(&["config", "check"]));
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with(&format!("docket: {}:2: ", path.display()))
            && lines[0].contains("expected a boolean"),
        "{lines:#?}"
    );
}
