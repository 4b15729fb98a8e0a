//! `docket cases create`: one flag per field of the provider's case form (`--PATH VALUE`),
//! checked against the form before anything is queued, then sent through the outbox like a
//! review. `--fields` lists the form; `--dry-run` prints the body that would be sent.

use super::deliver::deliver;
use super::output::{c, emit, table};
use super::{CreateArgs, Ctx, Failure};
use crate::domain::form::{Field, Form, Kind, Need, Problem, Values};
use crate::domain::review::Submission;

pub(super) async fn create(ctx: &Ctx, args: &CreateArgs) -> Result<(), Failure> {
    let args = &options_after_fields(args)?;
    let form = case_form(ctx).await?;
    if args.fields {
        for line in fields_table(&form) {
            emit(&line);
        }
        return Ok(());
    }
    let mut values = field_flags(&form, &args.values).map_err(|m| Failure::usage("usage", m))?;
    me_as_assignee(ctx, &form, &mut values).await?;
    let problems = form.validate(&values, today());
    if !problems.is_empty() {
        return Err(Failure::usage("usage", problems_text(&problems)));
    }
    let body = form.body(&values);
    if args.dry_run {
        emit(&serde_json::to_string_pretty(&body).unwrap_or_default());
        return Ok(());
    }
    let submission = Submission::CreateCase {
        reference: form.reference(&values),
        body,
    };
    deliver(ctx, "New case", &submission, &args.send).await
}

/// The command's own options, also when given after the field flags (which clap leaves in
/// `values`): `--fields`, `--dry-run`, `--json`, `--wait-secs N`.
pub(super) fn options_after_fields(args: &CreateArgs) -> Result<CreateArgs, Failure> {
    let mut out = CreateArgs {
        fields: args.fields,
        dry_run: args.dry_run,
        send: super::SendArgs {
            json: args.send.json,
            wait_secs: args.send.wait_secs,
        },
        values: vec![],
    };
    let mut it = args.values.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--fields" => out.fields = true,
            "--dry-run" => out.dry_run = true,
            "--json" => out.send.json = true,
            "--wait-secs" => {
                out.send.wait_secs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| (1..=86_400).contains(n))
                    .ok_or_else(|| {
                        Failure::usage("usage", "--wait-secs needs a number of seconds, 1 to 86400")
                    })?;
            }
            _ => out.values.push(a.clone()),
        }
    }
    Ok(out)
}

/// The provider's case form, or why it has none.
pub(super) async fn case_form(ctx: &Ctx) -> Result<Form, Failure> {
    match ctx.provider.case_form().await {
        Ok(Some(form)) => Ok(form),
        Ok(None) => Err(Failure::usage(
            "unsupported",
            format!(
                "docket cannot open cases with {}'s API",
                ctx.provider.capabilities().vendor.title()
            ),
        )),
        Err(e) => Err(Failure::provider("reading the case form", e)),
    }
}

/// Today, in the machine's time zone: dates of birth may not be after it.
pub(super) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// Problems as lines under a count: `--path: what was expected`.
fn problems_text(problems: &[Problem]) -> String {
    let mut text = format!(
        "{} to fix; nothing was queued:",
        super::plural(problems.len(), "field")
    );
    for p in problems {
        text.push_str(&format!("\n  --{}: {}", p.path, p.message));
    }
    text
}

/// `--PATH VALUE` and `--PATH=VALUE` pairs into the form's values. A path may use `-` for `_`
/// (`--entity.first-name`); `--metadata.KEY VALUE` adds one key to a key = value field.
pub(super) fn field_flags(form: &Form, args: &[String]) -> Result<Values, String> {
    let mut values = Values::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let Some(flag) = arg.strip_prefix("--") else {
            return Err(format!(
                "{} is not a field flag: fields are given as --PATH VALUE (see --fields)",
                c(arg)
            ));
        };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = it
                    .next()
                    .ok_or_else(|| format!("--{} needs a value", c(flag)))?;
                (flag.to_string(), v.clone())
            }
        };
        let path = resolve(form, &name)?;
        if let Some(before) = values.insert(path.clone(), value) {
            if form.field(&path).is_some_and(|f| f.kind == Kind::KeyValues) {
                // Several `--metadata "k = v"` lines make one field.
                let joined = format!("{before}\n{}", values[&path]);
                values.insert(path, joined);
            } else {
                return Err(format!("--{} is given twice", c(&name)));
            }
        }
    }
    Ok(values)
}

/// The path a flag names: as written, or with `-` read as `_`.
fn resolve(form: &Form, name: &str) -> Result<String, String> {
    let known = |n: &str| form.column(n).map(|_| n.to_string());
    known(name)
        .or_else(|first| known(&name.replace('-', "_")).map_err(|_| first))
        .map_err(|why| {
            format!(
                "--{}: {why} (docket cases create --fields lists them)",
                c(name)
            )
        })
}

/// `me` as an assignee is the key's own user.
async fn me_as_assignee(ctx: &Ctx, form: &Form, values: &mut Values) -> Result<(), Failure> {
    for f in form.fields.iter().filter(|f| f.kind == Kind::User) {
        if values
            .get(&f.path)
            .is_some_and(|v| v.eq_ignore_ascii_case("me"))
        {
            let me = match ctx.provider.me().await {
                Ok(Some(u)) => u.id,
                Ok(None) => ctx.user.clone().ok_or_else(|| {
                    Failure::usage(
                        "usage",
                        format!(
                            "--{} me: the API cannot say who the key belongs to; set `user` in the profile or give a user id",
                            f.path
                        ),
                    )
                })?,
                Err(e) => return Err(Failure::provider("asking the API who you are", e)),
            };
            values.insert(f.path.clone(), me);
        }
    }
    Ok(())
}

/// The form as a table: flag, what it takes, when it is required, and help.
fn fields_table(form: &Form) -> Vec<String> {
    let mut rows = vec![vec![
        "FLAG".to_string(),
        "TAKES".into(),
        "REQUIRED".into(),
        "ABOUT".into(),
    ]];
    for f in &form.fields {
        rows.push(vec![
            format!("--{}", f.path),
            takes(&f.kind),
            need(f),
            about(f),
        ]);
    }
    let mut lines = vec![c(&form.title)];
    lines.extend(table(&rows, &[36, 40, 28, 2000], 2, None));
    lines.extend(form.notes.iter().map(|n| format!("Note: {}", c(n))));
    lines
}

fn takes(kind: &Kind) -> String {
    let choices = |cs: &[crate::domain::form::Choice]| {
        cs.iter()
            .map(|ch| c(&ch.value))
            .collect::<Vec<_>>()
            .join("|")
    };
    match kind {
        Kind::Text { max } => format!("text ≤ {max}"),
        Kind::Date => "date YYYY-MM-DD".into(),
        Kind::Country => "country (ISO alpha-2)".into(),
        Kind::Choice(cs) => choices(cs),
        Kind::MultiChoice(cs) => format!("{}, comma-separated", choices(cs)),
        Kind::Email => "email".into(),
        Kind::Integer { min, max } => format!("whole number {min}..{max}"),
        Kind::Number { min, max } => format!("number {min}..{max}"),
        Kind::Bool => "yes|no".into(),
        Kind::KeyValues => "key = value (or --PATH.KEY VALUE)".into(),
        Kind::List => "ids, comma-separated".into(),
        Kind::User => "user id, or me".into(),
    }
}

fn need(f: &Field) -> String {
    match &f.need {
        Need::Optional => String::new(),
        Need::Always => "yes".into(),
        Need::When(cond) => format!("when {} is {}", cond.path, cond.any_of.join("|")),
    }
}

fn about(f: &Field) -> String {
    let shown = f
        .show
        .as_ref()
        .map(|cond| format!(" (only when {} is {})", cond.path, cond.any_of.join("|")))
        .unwrap_or_default();
    match &f.help {
        Some(h) => format!("{}: {}{shown}", c(&f.label), c(h)),
        None => format!("{}{shown}", c(&f.label)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::zenoo_case;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn field_flags_take_both_spellings_and_join_metadata_lines() {
        let form = zenoo_case();
        let v = field_flags(
            &form,
            &args(&[
                "--type",
                "Onboarding",
                "--entity_category=Person",
                "--entity.first-name",
                "Ada",
                "--metadata",
                "a = 1",
                "--metadata",
                "b = 2",
                "--metadata.c",
                "3",
            ]),
        )
        .unwrap();
        assert_eq!(v["type"], "Onboarding");
        assert_eq!(v["entity_category"], "Person");
        assert_eq!(v["entity.first_name"], "Ada");
        assert_eq!(v["metadata"], "a = 1\nb = 2");
        assert_eq!(v["metadata.c"], "3");
    }

    #[test]
    fn a_bad_flag_is_one_plain_line_naming_it() {
        let form = zenoo_case();
        for (given, says) in [
            (vec!["--entity.frist_name", "Ada"], "--entity.frist_name"),
            (vec!["Ada"], "not a field flag"),
            (vec!["--type"], "needs a value"),
            (vec!["--type", "Review", "--type", "Review"], "given twice"),
        ] {
            let e = field_flags(&form, &args(&given)).unwrap_err();
            assert!(e.contains(says), "{given:?}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
