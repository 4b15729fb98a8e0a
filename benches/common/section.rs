//! BENCHMARKS.md is written by three benches: `console` writes the head of the file and keeps
//! the sections after it, which `import` and `sandbox` each replace in place.

/// Headings of the sections other benches own; the console bench keeps them as they were.
#[allow(dead_code)]
pub const OWNED: &[&str] = &["## Import throughput", "## Sandbox API"];

fn path() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/BENCHMARKS.md")
}

/// The file from the first section another bench owns, to put after the console's part.
#[allow(dead_code)]
pub fn kept_tail() -> String {
    let old = std::fs::read_to_string(path()).unwrap_or_default();
    OWNED
        .iter()
        .filter_map(|h| old.find(h))
        .min()
        .map(|at| old[at..].to_string())
        .unwrap_or_default()
}

/// Replaces (or adds at the end) the section headed `heading` with `body`.
#[allow(dead_code)]
pub fn write(heading: &str, body: &str) {
    let old = std::fs::read_to_string(path()).unwrap_or_default();
    let kept = match old.find(heading) {
        Some(at) => {
            let rest = &old[at + heading.len()..];
            let end = rest
                .find("\n## ")
                .map_or(old.len(), |i| at + heading.len() + i + 1);
            format!("{}{}", &old[..at], &old[end..])
        }
        None => old,
    };
    let body = body.trim_end();
    std::fs::write(
        path(),
        format!("{}\n\n{heading}\n\n{body}\n", kept.trim_end()),
    )
    .unwrap();
}

/// `met`, or by how much a figure missed its budget.
#[allow(dead_code)]
pub fn verdict(figure: f64, budget: f64, at_most: bool) -> String {
    let met = if at_most {
        figure <= budget
    } else {
        figure >= budget
    };
    if met {
        "met".into()
    } else if at_most {
        format!("missed by {:.0}%", (figure / budget - 1.0) * 100.0)
    } else {
        format!("missed by {:.0}%", (1.0 - figure / budget) * 100.0)
    }
}
