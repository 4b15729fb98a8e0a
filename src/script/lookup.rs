//! Finding what a command names: a case by its name or token (a token needs no read, so a
//! write on it can be queued while the API is down), a user, and the checks every write makes
//! on its arguments.

use super::*;

/// The whole queue, as the provider lists it.
pub(super) async fn queue(ctx: &Ctx) -> Result<Vec<Case>, Failure> {
    Ok(ctx
        .provider
        .queue()
        .await
        .map_err(|e| Failure::provider("cannot read the queue", e))?
        .unwrap_or_default())
}

/// The case a name (`CAS-000123`, any case) or token names, from the queue.
pub(super) async fn find_case(ctx: &Ctx, arg: &str) -> Result<Case, Failure> {
    let cases = queue(ctx).await?;
    lookup(cases, arg)?.ok_or_else(|| {
        Failure::usage(
            "not_found",
            format!("no case {} in the queue of {}", c(arg), c(&ctx.label)),
        )
    })
}

/// What a write acts on: a case's token, and what to call it in the entry's title.
pub(super) struct Target {
    pub(super) token: String,
    pub(super) name: String,
}

/// The case a write names. A token (see [`token_of`]) is taken as is, with no read, so the
/// write is queued even while the API is down; a name (`CAS-000123`) is looked up in the queue.
pub(super) async fn write_target(ctx: &Ctx, arg: &str) -> Result<Target, Failure> {
    if let Some(token) = token_of(ctx, arg, Kind::Case) {
        return Ok(Target {
            name: token.clone(),
            token,
        });
    }
    let cases = ctx.provider.queue().await.map_err(|e| {
        let mut f = Failure::provider(&format!("cannot read the queue to find case {}", c(arg.trim())), e);
        f.message = format!(
            "{}; give the case's token instead (`docket cases list --json` prints it) to queue the review without reading",
            f.message
        );
        f
    })?;
    let case = lookup(cases.unwrap_or_default(), arg)?.ok_or_else(|| {
        Failure::usage(
            "not_found",
            format!("no case {} in the queue of {}", c(arg), c(&ctx.label)),
        )
    })?;
    Ok(Target {
        token: case.token,
        name: case.name,
    })
}

/// What a token names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Case,
    /// A risk assessment.
    Assessment,
}

/// `arg` as a token of this kind, when it is shaped as the provider writes them: Zenoo's
/// `cas_…` and `rsk_…`, Persona's `inq_…`, Amiqus's numbers, KarmaCheck's UUIDs; with merged
/// profiles, qualified with an open profile's name (`a|cas_…`). Names (`CAS-000123`,
/// `KC-f252d717`, `Case 42`) are not tokens.
pub(super) fn token_of(ctx: &Ctx, arg: &str, kind: Kind) -> Option<String> {
    token_in(
        ctx.provider.capabilities().vendor,
        &ctx.provider.sources(),
        arg,
        kind,
    )
}

/// [`token_of`] for a provider of `vendor`, or merged `sources` when there are any.
pub(super) fn token_in(
    vendor: Vendor,
    sources: &[(String, Capabilities)],
    arg: &str,
    kind: Kind,
) -> Option<String> {
    let arg = arg.trim();
    let shaped = if sources.is_empty() {
        token_shaped(vendor, arg, kind)
    } else {
        let (source, own) = arg.split_once(crate::provider::merged::SEP)?;
        let (_, caps) = sources.iter().find(|(n, _)| n == source)?;
        token_shaped(caps.vendor, own, kind)
    };
    shaped.then(|| arg.to_string())
}

pub(super) fn token_shaped(vendor: Vendor, s: &str, kind: Kind) -> bool {
    let prefixed = |p: &str| {
        s.strip_prefix(p).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        })
    };
    match (vendor, kind) {
        (Vendor::Zenoo, Kind::Case) => prefixed("cas_"),
        (Vendor::Zenoo, Kind::Assessment) => prefixed("rsk_"),
        (Vendor::Persona, Kind::Case) => prefixed("inq_"),
        (Vendor::Amiqus, Kind::Case) => !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit()),
        (Vendor::KarmaCheck, Kind::Case) => {
            s.len() == 36
                && s.char_indices().all(|(i, ch)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        ch == '-'
                    } else {
                        ch.is_ascii_hexdigit()
                    }
                })
        }
        (_, Kind::Assessment) => false,
    }
}

/// A case by token, else by name (ignoring case); two cases with that name are ambiguous.
pub(super) fn lookup(cases: Vec<Case>, arg: &str) -> Result<Option<Case>, Failure> {
    let arg = arg.trim();
    if let Some(i) = cases.iter().position(|x| x.token == arg) {
        return Ok(cases.into_iter().nth(i));
    }
    let mut named: Vec<Case> = cases
        .into_iter()
        .filter(|x| x.name.eq_ignore_ascii_case(arg))
        .collect();
    match named.len() {
        0 => Ok(None),
        1 => Ok(named.pop()),
        _ => Err(Failure::usage(
            "usage",
            format!(
                "{} names {} cases; give a token instead: {}",
                c(arg),
                named.len(),
                named
                    .iter()
                    .map(|x| c(&x.token))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The id of the user the key belongs to, or the profile's `user`.
pub(super) async fn me(ctx: &Ctx) -> Result<String, Failure> {
    match ctx.provider.me().await {
        Ok(Some(u)) => Ok(u.id),
        Ok(None) => ctx.user.clone().ok_or_else(|| {
            Failure::usage(
                "usage",
                "cannot tell who you are: this API does not say whom a key belongs to; set `user` in the profile",
            )
        }),
        Err(e) => match &ctx.user {
            Some(u) => Ok(u.clone()),
            None => Err(Failure::provider("cannot tell who you are", e)),
        },
    }
}

/// A user id for `--to`: an id or a name the API lists, or the value as given where the API
/// lists no users.
pub(super) async fn user_id(ctx: &Ctx, arg: &str) -> Result<String, Failure> {
    let users = match ctx.provider.users().await {
        Ok(Some(u)) => u,
        Ok(None) => return Ok(arg.to_string()),
        Err(e) => return Err(Failure::provider("cannot list users", e)),
    };
    if let Some(u) = users.iter().find(|u| u.id == arg) {
        return Ok(u.id.clone());
    }
    let named: Vec<_> = users
        .iter()
        .filter(|u| u.name.eq_ignore_ascii_case(arg.trim()))
        .collect();
    if let [one] = named.as_slice() {
        return Ok(one.id.clone());
    }
    let known: Vec<String> = users
        .iter()
        .filter(|u| u.can_write)
        .map(|u| format!("{} ({})", c(&u.id), c(&u.name)))
        .collect();
    Err(Failure::usage(
        "usage",
        format!(
            "no user {}; users: {}",
            c(arg),
            if known.is_empty() {
                "none listed".to_string()
            } else {
                known.join(", ")
            }
        ),
    ))
}

/// Refuses what the provider cannot do, with its reason.
pub(super) fn able(caps: &Capabilities, what: Feature) -> Result<(), Failure> {
    match caps.why_not(what) {
        Some(reason) => Err(Failure::usage("unsupported", reason)),
        None => Ok(()),
    }
}

/// A required text option: not blank, at most `max` characters.
pub(super) fn required(flag: &str, text: &str, max: usize) -> Result<String, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage("usage", format!("{flag} must not be empty")));
    }
    limited(flag, text, max)
}

pub(super) fn limited(flag: &str, text: &str, max: usize) -> Result<String, Failure> {
    let n = text.chars().count();
    if n > max {
        return Err(Failure::usage(
            "usage",
            format!("{flag} is {n} characters; the limit is {max}"),
        ));
    }
    Ok(text.to_string())
}

/// Spelling-insensitive form of a status: `in-progress`, `In Progress` and `in_progress` are
/// the same.
pub(super) fn status_key(s: &str) -> String {
    s.chars()
        .filter(|ch| !matches!(ch, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

pub(super) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Tokens in the order given, each once.
pub(super) fn unique(tokens: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    tokens
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect()
}
