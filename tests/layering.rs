//! The layers import one way: `main → cli → {console, script, doctor} → session →
//! {provider, sync, app} → domain`, with `ui → app`; nothing imports what sits above it. This
//! reads every source file and fails on an import that points up, naming the file and line.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module and the modules it may use (besides itself). `text` (sanitising,
/// countdowns) is neutral: every layer may use it.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("text", &["domain"]),
    ("sandbox", &["domain", "text"]),
    ("provider", &["domain", "text"]),
    ("sync", &["domain", "provider", "text"]),
    ("app", &["domain", "provider", "text"]),
    ("ui", &["app", "domain", "provider", "text"]),
    // The config file names themes and keymaps, so it reads what those are.
    ("config", &["app", "ui", "domain", "provider", "text"]),
    (
        "session",
        &[
            "config", "provider", "sync", "app", "domain", "sandbox", "text",
        ],
    ),
    (
        "tui",
        &[
            "session", "config", "provider", "sync", "app", "ui", "domain", "text",
        ],
    ),
    (
        "script",
        &[
            "session", "config", "provider", "sync", "app", "domain", "text",
        ],
    ),
    (
        "doctor",
        &[
            "session", "config", "provider", "sync", "app", "domain", "sandbox", "text",
        ],
    ),
    (
        "cli",
        &[
            "tui", "script", "doctor", "session", "config", "provider", "sync", "app", "ui",
            "domain", "sandbox", "text",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (`src/app/update.rs` → `app`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let may = allowed
            .get(module.as_str())
            .unwrap_or_else(|| panic!("src/{module} has no place in the layering table"));
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let used: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                seen += 1;
                if used.is_empty() || used == module || may.contains(&used.as_str()) {
                    continue;
                }
                wrong.push(format!(
                    "{}:{}: {module} uses crate::{used}",
                    file.strip_prefix(&src).unwrap().display(),
                    n + 1
                ));
            }
        }
    }
    assert!(seen > 100, "read only {seen} imports: is the scan right?");
    assert!(
        wrong.is_empty(),
        "imports pointing up the layers:\n{}",
        wrong.join("\n")
    );
}
