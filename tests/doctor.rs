//! `docket doctor`, the real binary against a real sandbox: what it reports, that a key in a
//! readable config file is flagged, and that no key ever appears in its output.

mod common;

use std::process::Output;

fn doctor(home: &std::path::Path, config: &std::path::Path, profile: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["doctor", "--profile", profile])
        .env("DOCKET_CONFIG", config)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home)
        .env("LANG", "C.UTF-8")
        .env_remove("DOCKET_API_KEY")
        .output()
        .unwrap()
}

#[cfg(unix)]
fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_findings_and_never_a_key() {
    let env = common::start(3).await;
    let key = env.analyst();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let wrong = "dk_sbx_NOT-A-REAL-KEY-987654321";
    std::fs::write(
        &config,
        format!(
            "[profiles.good]\nbase_url = \"{url}\"\napi_key = \"{key}\"\n\n\
             [profiles.bad]\nbase_url = \"{url}\"\napi_key = \"{wrong}\"\n\n\
             [profiles.remote]\nbase_url = \"http://cases.example.com\"\napi_key = \"{wrong}\"\n",
            url = env.sandbox.url()
        ),
    )
    .unwrap();

    // A key in a file others can read: it works, with a warning.
    #[cfg(unix)]
    chmod(&config, 0o644);
    let home_path = home.path();
    let h = home_path.to_path_buf();
    let out = tokio::task::spawn_blocking(move || doctor(&h, &config_of(&h), "good"))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("ok    connect   GET /v1/cases answered 200"),
        "{text}"
    );
    assert!(text.contains("request req_"), "{text}");
    assert!(text.contains("clock"), "{text}");
    assert!(text.contains("terminal"), "{text}");
    #[cfg(unix)]
    assert!(
        text.contains("WARN  key") && text.contains("chmod 600"),
        "{text}"
    );
    assert!(!text.contains(&key), "the key was printed: {text}");

    // Private file: no warning.
    #[cfg(unix)]
    {
        chmod(&config_of(home_path), 0o600);
        let h = home_path.to_path_buf();
        let out = tokio::task::spawn_blocking(move || doctor(&h, &config_of(&h), "good"))
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("WARN  key"), "{text}");
    }

    // A refused key: the API's error with its request id, exit 1, the key nowhere.
    let h = home_path.to_path_buf();
    let out = tokio::task::spawn_blocking(move || doctor(&h, &config_of(&h), "bad"))
        .await
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("FAIL  connect") && all.contains("UNAUTHORIZED"),
        "{all}"
    );
    assert!(all.contains("request req_"), "{all}");
    assert!(!all.contains(wrong), "the key was printed: {all}");

    // Plain http to a remote host: refused without connecting.
    let h = home_path.to_path_buf();
    let out = tokio::task::spawn_blocking(move || doctor(&h, &config_of(&h), "remote"))
        .await
        .unwrap();
    let all = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("FAIL  transport") && all.contains("refusing plain http://"),
        "{all}"
    );
    assert!(!all.contains(wrong), "{all}");
}

fn config_of(home: &std::path::Path) -> std::path::PathBuf {
    home.join("config.toml")
}
