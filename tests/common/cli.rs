//! Running the real binary as a user would, each test in a home of its own.

use std::process::Stdio;
use std::time::Duration;

use docket::sync::identity::Identity;
use docket::sync::outbox::Outbox;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

/// A home of its own: state, data and config directories, the local store, a config file, and
/// the key in `DOCKET_API_KEY`.
pub struct Home {
    pub dir: tempfile::TempDir,
    /// The environment every run gets.
    pub env: Vec<(String, String)>,
    pub key: String,
}

impl Home {
    pub fn new(key: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let env = [
            ("HOME", d.to_path_buf()),
            ("XDG_STATE_HOME", d.join("state")),
            ("XDG_DATA_HOME", d.join("data")),
            ("XDG_CONFIG_HOME", d.join("config")),
            ("DOCKET_STATE_DB", d.join("local.db")),
            ("DOCKET_CONFIG", d.join("config.toml")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.display().to_string()))
        .chain([
            ("DOCKET_API_KEY".to_string(), key.to_string()),
            ("LANG".to_string(), "C.UTF-8".to_string()),
        ])
        .collect();
        Home {
            dir,
            env,
            key: key.to_string(),
        }
    }

    pub fn state_db(&self) -> std::path::PathBuf {
        self.dir.path().join("local.db")
    }

    /// Writes the config file with `profiles` and sets `vars` for every run.
    pub fn config(&mut self, profiles: &str, vars: &[(&str, &str)]) {
        std::fs::write(self.dir.path().join("config.toml"), profiles).unwrap();
        self.set(vars);
    }

    /// Sets (or replaces) environment variables for every later run.
    pub fn set(&mut self, vars: &[(&str, &str)]) {
        for (k, v) in vars {
            self.env.retain(|(name, _)| name != k);
            self.env.push((k.to_string(), v.to_string()));
            if *k == "DOCKET_API_KEY" {
                self.key = v.to_string();
            }
        }
    }

    /// The outbox the binary used for `label` (a profile, or the API's host:port), every
    /// author's entries listed.
    pub fn outbox(&self, label: &str) -> Outbox {
        Outbox::open(&self.state_db(), &Identity::new(label, "")).unwrap()
    }
}

/// The host:port the outbox files an `--api-url` under.
pub fn label(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `docket ARGS` in `home` with `stdin` (closed when `None`; never a terminal), and
/// checks the key was printed nowhere.
pub async fn docket(home: &Home, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_docket"));
    cmd.args(args)
        .envs(home.env.iter().map(|(k, v)| (k, v)))
        .env_remove("DOCKET_LOG")
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("docket starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).await.unwrap();
        drop(pipe);
    }
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("docket exits within 30 s")
        .unwrap();
    let run = Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(&home.key) && !run.stderr.contains(&home.key),
        "the API key was printed:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}
