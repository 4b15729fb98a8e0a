//! Reading an import file into the form's values, row by row, and checking every row before
//! anything is sent. Each problem is one line, `FILE:LINE:COLUMN: what was expected`, LINE as
//! an editor counts it (a CSV header is line 1; a quoted cell may span lines) and COLUMN the
//! column's name (in JSON Lines, the field's dotted path).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::domain::form::{Form, Kind, Values};
use crate::text::sanitize::clean;

/// One case to open, as read.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Where it starts in the file, counted from 1.
    pub line: u64,
    pub values: Values,
    /// The column each value came from, by path, for reporting.
    pub columns: BTreeMap<String, String>,
}

/// How the file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

/// `.csv` is CSV; `.jsonl`, `.ndjson` and `.json` are JSON Lines; anything else is JSON Lines
/// when its first non-blank byte is `{`, else CSV.
pub fn format_of(path: &Path, bytes: &[u8]) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Format::Csv,
        Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
        _ if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => Format::JsonLines,
        _ => Format::Csv,
    }
}

/// Every row of the file, or every problem found reading it (unknown columns, lines that are
/// not JSON objects, rows of the wrong width).
pub fn read(
    form: &Form,
    file: &str,
    bytes: &[u8],
    format: Format,
) -> Result<Vec<Row>, Vec<String>> {
    match format {
        Format::Csv => read_csv(form, file, bytes),
        Format::JsonLines => read_json_lines(form, file, bytes),
    }
}

fn read_csv(form: &Form, file: &str, bytes: &[u8]) -> Result<Vec<Row>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::Headers)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![format!("{file}:1: not CSV with a header row: {e}")]),
    };
    let mut problems = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        match form.column(name) {
            Ok(_) => {}
            Err(why) => problems.push(format!("{file}:1:{}: {why}", clean(name))),
        }
        if let Some(first) = seen.insert(name.to_string(), i) {
            problems.push(format!(
                "{file}:1:{}: the column is given twice (columns {} and {})",
                clean(name),
                first + 1,
                i + 1
            ));
        }
        paths.push(name.to_string());
    }
    if headers.is_empty() {
        problems.push(format!("{file}:1: the header row is empty"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("{file}:{line}: {}", clean(&e.to_string())));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut values = Values::new();
        let mut columns = BTreeMap::new();
        for (name, cell) in paths.iter().zip(record.iter()) {
            if !cell.trim().is_empty() {
                values.insert(name.clone(), cell.to_string());
                columns.insert(name.clone(), name.clone());
            }
        }
        rows.push(Row {
            line,
            values,
            columns,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn read_json_lines(form: &Form, file: &str, bytes: &[u8]) -> Result<Vec<Row>, Vec<String>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err(vec![format!("{file}: not UTF-8 text: {e}")]),
    };
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let body: Value = match serde_json::from_str(line) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                problems.push(format!("{file}:{n}: expected one JSON object per line"));
                continue;
            }
            Err(e) => {
                problems.push(format!("{file}:{n}: not JSON: {e}"));
                continue;
            }
        };
        let mut leaves = Vec::new();
        flatten(form, "", &body, &mut leaves);
        let mut bad = false;
        for path in &leaves {
            if let Err(why) = form.column(path) {
                problems.push(format!("{file}:{n}:{}: {why}", clean(path)));
                bad = true;
            }
        }
        if bad {
            continue;
        }
        let values = form.values_of(&body);
        let columns = values.keys().map(|p| (p.clone(), p.clone())).collect();
        rows.push(Row {
            line: n,
            values,
            columns,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The dotted paths of a body's values: objects are walked, except a key = value field's
/// (its keys are the data) and a list field's array, which are one value each.
fn flatten(form: &Form, prefix: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) if prefix.is_empty() || !is_whole(form, prefix) => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(form, &path, child, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// Whether a path's value is one field as a whole (not walked into).
fn is_whole(form: &Form, path: &str) -> bool {
    form.field(path)
        .is_some_and(|f| matches!(f.kind, Kind::KeyValues))
}

/// Every problem of every row, in file order: the form's own checks, then external
/// references given on two rows (the vendor would make one case of them).
pub fn check(form: &Form, file: &str, rows: &[Row], today: jiff::civil::Date) -> Vec<String> {
    let mut problems = Vec::new();
    let mut references: HashMap<String, u64> = HashMap::new();
    for row in rows {
        for p in form.validate(&row.values, today) {
            let column = row
                .columns
                .get(&p.path)
                .cloned()
                .or_else(|| {
                    // A key of a key = value field given as its own column.
                    row.columns
                        .keys()
                        .find(|c| c.starts_with(&format!("{}.", p.path)))
                        .cloned()
                })
                .unwrap_or_else(|| p.path.clone());
            problems.push(format!(
                "{file}:{}:{}: {}",
                row.line,
                clean(&column),
                p.message
            ));
        }
        if let Some(r) = form.reference(&row.values) {
            if let Some(first) = references.get(&r) {
                problems.push(format!(
                    "{file}:{}:{}: {} is also the reference on line {first}: one case would be opened for both",
                    row.line,
                    reference_column(form, row),
                    clean(&r)
                ));
            } else {
                references.insert(r, row.line);
            }
        }
    }
    problems
}

fn reference_column(form: &Form, row: &Row) -> String {
    let path = form.reference_path().unwrap_or("reference");
    row.columns
        .get(path)
        .cloned()
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::zenoo_case;
    use jiff::civil::date;

    const TODAY: jiff::civil::Date = date(2026, 12, 3);

    fn problems_of(text: &str, format: Format) -> Vec<String> {
        let form = zenoo_case();
        match read(&form, "cases.csv", text.as_bytes(), format) {
            Ok(rows) => check(&form, "cases.csv", &rows, TODAY),
            Err(p) => p,
        }
    }

    #[test]
    fn each_bad_cell_is_reported_at_its_line_and_column() {
        let csv = "type,entity_category,entity.first_name,entity.last_name,entity.nationality,external_reference\n\
                   Onboarding,Person,Ada,Lindqvist,SE,ext-1\n\
                   Onboarding,Person,Bo,,SE,ext-2\n\
                   \"Review\",Person,\"Multi\nline\",Okafor,XX,ext-3\n\
                   Onboarding,Person,Ada,Lindqvist,SE,ext-1\n";
        let p = problems_of(csv, Format::Csv);
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].starts_with("cases.csv:3:entity.last_name: "), "{p:#?}");
        // The quoted cell spans lines 4 and 5: the row starts on line 4.
        assert!(
            p[1].starts_with("cases.csv:4:entity.nationality: "),
            "{p:#?}"
        );
        assert!(
            p[2].starts_with("cases.csv:6:external_reference: "),
            "{p:#?}"
        );
        assert!(p[2].contains("line 2"), "{p:#?}");
    }

    #[test]
    fn an_unknown_column_is_an_error_on_the_header_line() {
        let p = problems_of(
            "type,entity_category,entity.frist_name\nOnboarding,Person,Ada\n",
            Format::Csv,
        );
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            p[0].starts_with("cases.csv:1:entity.frist_name: "),
            "{p:#?}"
        );
    }

    #[test]
    fn json_lines_are_the_body_itself() {
        let jsonl = r#"{"type":"Onboarding","entity_category":"Company","entity":{"company_name":"Nordlys AS","country":"NO"},"metadata":{"region":"north"}}

{"type":"Onboarding","entity_category":"Company","entity":{"company_name":"Fjord AS","contry":"NO"}}
[1,2]
"#;
        let p = problems_of(jsonl, Format::JsonLines);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p[0].starts_with("cases.csv:3:entity.contry: "), "{p:#?}");
        assert!(
            p[1].starts_with("cases.csv:4: expected one JSON object"),
            "{p:#?}"
        );
        let form = zenoo_case();
        let rows = read(
            &form,
            "f",
            jsonl.lines().next().unwrap().as_bytes(),
            Format::JsonLines,
        )
        .unwrap();
        assert_eq!(rows[0].line, 1);
        assert!(check(&form, "f", &rows, TODAY).is_empty());
    }

    #[test]
    fn the_format_follows_the_name_then_the_first_byte() {
        assert_eq!(format_of(Path::new("a.CSV"), b"{"), Format::Csv);
        assert_eq!(format_of(Path::new("a.jsonl"), b"type"), Format::JsonLines);
        assert_eq!(
            format_of(Path::new("a.txt"), b"  \n{\"a\":1}"),
            Format::JsonLines
        );
        assert_eq!(format_of(Path::new("a"), b"type,x"), Format::Csv);
    }
}
