//! `docket cases import FILE`: open every case in a CSV or JSON Lines file.
//!
//! The whole file is read and every row checked against the provider's case form first; any
//! problem is reported as `FILE:LINE:COLUMN: what was expected` and nothing is sent. Then every
//! row is written to the outbox in one commit, each under an Idempotency-Key derived from the
//! profile, the file's content and the row's reference (its line when it has none), and the
//! outbox's sender sends them, up to 4 at a time, retrying what fails on the way. Running the
//! same file again, after a crash, `kill -9` or refusals, finds the entries the first run left
//! and sends again what had not landed, under the same keys: the vendor replays its answer or
//! names the case it already holds, and nothing is opened twice.

mod rows;
mod send;

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::create::{case_form, today};
use super::output::{c, emit, to_json};
use super::{Ctx, EXIT_REFUSED, EXIT_UNAVAILABLE, Failure, ImportArgs, plural};
use crate::domain::review::Submission;
use rows::Row;
pub use send::RowOutcome;

pub(super) async fn import(ctx: &Ctx, args: &ImportArgs) -> Result<(), Failure> {
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::usage("usage", format!("cannot read {}: {e}", c(&file))))?;
    let form = case_form(ctx).await?;
    let format = rows::format_of(&args.file, &bytes);
    let rows = rows::read(&form, &c(&file), &bytes, format).map_err(|p| refused_file(&file, p))?;
    let problems = rows::check(&form, &c(&file), &rows, today());
    if !problems.is_empty() {
        return Err(refused_file(&file, problems));
    }
    if rows.is_empty() {
        return Err(Failure::usage(
            "usage",
            format!("{}: no rows to import", c(&file)),
        ));
    }
    if args.dry_run {
        eprintln!(
            "docket: {} in {} checked; nothing was sent (--dry-run)",
            plural(rows.len(), "row"),
            c(&file)
        );
        if args.json {
            emit(&to_json(
                &serde_json::json!({ "rows": rows.len(), "dry_run": true }),
            ));
        }
        return Ok(());
    }
    let file_id = hex(&Sha256::digest(&bytes));
    let items: Vec<send::Item> = rows
        .iter()
        .map(|row| {
            let reference = form.reference(&row.values);
            send::Item {
                line: row.line,
                key: row_key(&ctx.label, &file_id, row, reference.as_deref()),
                submission: Submission::CreateCase {
                    body: form.body(&row.values),
                    reference: reference.clone(),
                },
                reference,
            }
        })
        .collect();
    let outcome = send::send(ctx, &items, args.wait_secs).await?;
    report(&file, args, &items, &outcome)
}

/// The problems found in a file, as a usage failure: one line each.
fn refused_file(file: &str, problems: Vec<String>) -> Failure {
    let mut message = format!(
        "{} in {}; nothing was sent:",
        plural(problems.len(), "problem"),
        c(file)
    );
    for p in problems {
        message.push('\n');
        message.push_str(&p);
    }
    Failure::usage("usage", message)
}

/// A row's Idempotency-Key: the same profile, file content and reference (or line) always give
/// the same key, shaped as a UUID.
fn row_key(profile: &str, file_id: &str, row: &Row, reference: Option<&str>) -> String {
    let which = match reference {
        Some(r) => format!("ref:{r}"),
        None => format!("line:{}", row.line),
    };
    let h = Sha256::digest(format!("docket-import\0{profile}\0{file_id}\0{which}").as_bytes());
    let x = hex(&h[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One row's result, for `--json` and `--results`.
#[derive(Serialize)]
struct RowReport<'a> {
    line: u64,
    reference: Option<&'a str>,
    outcome: &'static str,
    case: Option<&'a str>,
    token: Option<&'a str>,
    error: Option<String>,
}

#[derive(Serialize)]
struct Summary<'a> {
    created: usize,
    existing: usize,
    failed: usize,
    queued: usize,
    rows: Vec<RowReport<'a>>,
}

/// Prints the summary (and `--results`), and says how the run ended.
fn report(
    file: &str,
    args: &ImportArgs,
    items: &[send::Item],
    outcomes: &[RowOutcome],
) -> Result<(), Failure> {
    let rows: Vec<RowReport> = items
        .iter()
        .zip(outcomes)
        .map(|(item, o)| {
            let (outcome, made, error) = match o {
                RowOutcome::Made(m) if m.existing => ("existing", Some(m), None),
                RowOutcome::Made(m) => ("created", Some(m), None),
                RowOutcome::Failed(e) => ("failed", None, Some(e.clone())),
                RowOutcome::Queued(why) => ("queued", None, why.clone()),
            };
            RowReport {
                line: item.line,
                reference: item.reference.as_deref(),
                outcome,
                case: made.map(|m| m.name.as_str()),
                token: made.map(|m| m.token.as_str()),
                error,
            }
        })
        .collect();
    let count = |what: &str| rows.iter().filter(|r| r.outcome == what).count();
    let (created, existing, failed, queued) = (
        count("created"),
        count("existing"),
        count("failed"),
        count("queued"),
    );
    for r in rows.iter().filter(|r| r.outcome == "failed") {
        eprintln!(
            "docket: {}:{}: refused: {}",
            c(file),
            r.line,
            c(r.error.as_deref().unwrap_or("refused"))
        );
    }
    if let Some(path) = &args.results {
        write_results(path, &rows)
            .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
    }
    if args.json {
        emit(&to_json(&Summary {
            created,
            existing,
            failed,
            queued,
            rows,
        }));
    } else {
        emit(&format!(
            "{}: {created} created, {existing} already existed, {failed} failed, {queued} still queued",
            plural(items.len(), "row")
        ));
    }
    let exit = if failed > 0 {
        EXIT_REFUSED
    } else if queued > 0 {
        EXIT_UNAVAILABLE
    } else {
        return Ok(());
    };
    let mut f = Failure::new(
        exit,
        if failed > 0 { "provider" } else { "timeout" },
        if failed > 0 {
            format!(
                "{} of {} refused; run the same file again once fixed: what landed is not opened twice",
                plural(failed, "row"),
                items.len()
            )
        } else {
            format!(
                "{} still queued in the outbox; a later docket run (or this import again) sends them",
                plural(queued, "row")
            )
        },
    );
    // The summary is already on stdout; the failure adds only its line on stderr.
    f.silent_json = true;
    Err(f)
}

fn write_results(path: &Path, rows: &[RowReport]) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["line", "reference", "outcome", "case", "token", "error"])?;
    for r in rows {
        w.write_record([
            r.line.to_string().as_str(),
            r.reference.unwrap_or(""),
            r.outcome,
            r.case.unwrap_or(""),
            r.token.unwrap_or(""),
            r.error.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}
