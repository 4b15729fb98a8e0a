//! The commented example `docket config init` writes, tested to parse with every vendor
//! profile in it uncommented.

/// The commented example `docket config init` writes.
pub const EXAMPLE: &str = r#"# docket configuration. Every key is optional; this file lists only what you change.
#
# With no profile chosen (no --profile, no default_profile, no --api-url), docket starts its
# embedded sandbox and opens the console against it.

# default_profile = "prod"
# theme = "dark"            # dark, light, high-contrast, monochrome, or a file in themes/ next to this one
# confirm_on_others_cases = true   # ask before acting on a case assigned to someone else

[profiles.sandbox-remote]
provider = "zenoo"
base_url = "http://127.0.0.1:8080"     # plain http is for loopback only
api_key_env = "DOCKET_API_KEY"         # or: api_key_cmd = "pass show zenoo/staging"
# user = "usr_123"                     # your user id, if the API has no /v1/me
poll_secs = 15
read_only = false

# [profiles.prod]
# provider = "zenoo"
# base_url = "https://instance.prod.onboardapp.io"
# api_key_cmd = "pass show zenoo/prod"
# read_only = true
# ca_file = "corp-ca.pem"              # a corporate CA, next to this file
# timeout_secs = 30

# Other vendors. Open several at once with --profile a --profile b: one queue, a source column.
# What a vendor's API cannot do is hidden or refused with the reason, never sent to fail.

# [profiles.amiqus]
# provider = "amiqus"                  # Amiqus ID API v2, personal access token as Bearer
# base_url = "https://id.amiqus.co/api/v2"
# api_key_cmd = "pass show amiqus/token"
# [profiles.amiqus.amiqus]
# queue_statuses = ["action_required", "reviewed_pending_decision", "on_hold"]

# [profiles.persona]
# provider = "persona"                 # Persona Cases API
# base_url = "https://api.withpersona.com/api/v1"
# api_key_env = "PERSONA_API_KEY"
# user = "you@example.com"             # assignment is by email
# [profiles.persona.persona]
# api_version = "2025-12-08"
# template_id = "ctmpl_..."
# statuses = ["Open", "Pending", "Approved", "Declined"]   # the case template's statuses
# approve_status = "Approved"
# decline_status = "Declined"
# end_statuses = ["Approved", "Declined"]
# rationale_field = "review_rationale" # a template field that receives the decision's summary

# [profiles.karmacheck]
# provider = "karmacheck"              # KarmaCheck background checks
# base_url = "https://api.karmacheck.io"
# api_key_env = "KARMACHECK_API_KEY"
# [profiles.karmacheck.karmacheck]
# client_token_cmd = "pass show karmacheck/client-token"   # or client_token_env

# Saved views, shown as tabs over the queue (v cycles them, 1-9 pick one). A profile may have its
# own. Filters: mine, unassigned, breached, high_risk, closed, awaiting_approval (true/false);
# risk, status, type, priority, sla, assignee (text, e.g. risk = "high"); and sort. W in the
# console appends the current filters as a view here. "Awaiting my approval" is built in.
[[views]]
name = "Open"

[[views]]
name = "Mine"
mine = true

[[views]]
name = "Breached"
breached = true

[[views]]
name = "High risk, unassigned"
high_risk = true
unassigned = true
sort = "risk"            # sla, priority, risk, updated, alerts, status, type, assignee, name; risk:asc

# Canned rationales: Ctrl-T in the editor searches them. {case}, {entity}, {category}, {score}
# and {me} are filled in.
[[snippets]]
name = "Name-only match"
text = "Name-only match on {entity}: date of birth and nationality differ from the {category} hit ({score}% match). Reviewed by {me}."

[[snippets]]
name = "Confirmed match, escalate"
text = "{category} hit on {entity} confirmed ({score}% match): escalating {case} for enhanced due diligence."

# Notifications (off unless this table is present): the bell and a desktop notification when
# a Critical or breached case enters a watched view. desktop = "osc9", "osc777" or "none".
# [notify]
# views = ["Breached", "High risk, unassigned"]
# bell = true
# desktop = "osc9"

# Key changes, per context (normal applies everywhere; queue, detail, alerts override it;
# outbox, filter, palette and editor are the keys of those modes; picker, readback and behind
# are a drawer's choice, its read-back and the step shown when an earlier review of the same
# target still waits). Values are command names
# (`?` lists every command and its keys), or "none" to unbind.
[keymap.normal]
# "ctrl-n" = "down"
# "ctrl-p" = "up"

[keymap.alerts]
# "y" = "approve_alert"

[keymap.editor]
# "ctrl-enter" = "review"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;
    use std::path::Path;

    fn p() -> &'static Path {
        Path::new("config.toml")
    }

    #[test]
    fn the_example_parses() {
        let f = parse(p(), EXAMPLE).unwrap();
        assert_eq!(f.views.len(), 4);
        assert!(f.profiles.contains_key("sandbox-remote"));
        // Every commented vendor profile parses too once uncommented.
        let open: String = EXAMPLE
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with("# [")
                    || (t.starts_with("# ")
                        && t[2..].split_once(" = ").is_some_and(|(k, _)| {
                            k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        }))
                {
                    t[2..].to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let f = parse(p(), &open).unwrap();
        use crate::provider::Vendor;
        let vendors: Vec<Vendor> = ["prod", "amiqus", "persona", "karmacheck"]
            .iter()
            .map(|n| f.profiles[*n].vendor())
            .collect();
        assert_eq!(
            vendors,
            [
                Vendor::Zenoo,
                Vendor::Amiqus,
                Vendor::Persona,
                Vendor::KarmaCheck
            ]
        );
        let persona = f.profiles["persona"].persona.clone().unwrap();
        assert_eq!(persona.rationale_field.as_deref(), Some("review_rationale"));
    }
}
