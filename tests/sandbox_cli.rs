//! `docket sandbox serve` as scripts use it: the real binary, its stdout contract, its keys,
//! and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn serve(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["sandbox", "serve"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docket starts")
}

/// Waits for the process to exit, at most `limit`.
fn wait_exit(mut child: Child, limit: Duration) -> std::process::ExitStatus {
    let (tx, rx) = mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    match rx.recv_timeout(limit) {
        Ok(status) => status.expect("wait"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("docket did not exit within {limit:?}");
        }
    }
}

#[test]
fn serve_prints_the_contract_lines_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut child = serve(&[
        "--db",
        db.to_str().unwrap(),
        "--cases",
        "30",
        "--api-key",
        "my-analyst-key",
    ]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening http://").expect(&first);
    let (host, port) = url.rsplit_once(':').unwrap();
    assert_eq!(host, "127.0.0.1");
    assert_ne!(port.parse::<u16>().unwrap(), 0, "the real port, not 0");

    let mut users = Vec::new();
    for line in lines.by_ref().take(5) {
        let line = line.unwrap();
        let rest = line
            .strip_prefix("user ")
            .unwrap_or_else(|| panic!("{line}"));
        let (id, rest) = rest.split_once(" role=").unwrap();
        let (role, rest) = rest.split_once(" key=").unwrap();
        let (key, name) = rest.split_once(" name=").unwrap();
        assert!(name.starts_with('"') && name.ends_with('"'), "{line}");
        users.push((id.to_string(), role.to_string(), key.to_string()));
    }
    let count = |r: &str| users.iter().filter(|u| u.1 == r).count();
    assert!(
        count("analyst") >= 2 && count("approver") >= 1 && count("auditor") >= 1,
        "{users:?}"
    );
    assert_eq!(
        users.iter().find(|u| u.1 == "analyst").unwrap().2,
        "my-analyst-key"
    );

    // The printed keys work against the printed address.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        for (id, _, key) in &users {
            let me: serde_json::Value = http
                .get(format!("http://{url}/v1/me"))
                .header("X-API-KEY", key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(me["data"]["user_id"], id.as_str());
        }
    });

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = wait_exit(child, Duration::from_secs(20));
    assert!(status.success(), "exit on SIGTERM: {status:?}");
}

#[test]
fn a_non_loopback_address_is_refused_without_allow_remote() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let child = serve(&[
        "--db",
        db.to_str().unwrap(),
        "--addr",
        "0.0.0.0:0",
        "--cases",
        "1",
    ]);
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not loopback") && err.contains("--allow-remote"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing on stdout when refusing");
}

#[test]
fn bad_flags_are_rejected_with_a_reason() {
    let out = Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["sandbox", "serve", "--fail-rate", "1.5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside 0..=1"));
}
