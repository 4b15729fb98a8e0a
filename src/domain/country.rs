//! ISO 3166-1 alpha-2 country codes, which every country and nationality field holds: the
//! console's and the CLI's forms check them and the sandbox refuses anything else.
//!
//! The list is the `celes` crate's, plus `XK` (Kosovo): user-assigned in the standard, but the
//! code the EU, SWIFT and screening lists use, so a KYC system cannot refuse it. `UK` (the
//! United Kingdom is `GB`), `EU` and three-letter codes are refused.

/// The code, in upper case, when `raw` is one (in any case).
pub fn alpha2(raw: &str) -> Option<String> {
    if raw.len() != 2 || !raw.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let upper = raw.to_ascii_uppercase();
    if upper == "XK" {
        return Some(upper);
    }
    celes::Country::from_alpha2(&upper)
        .ok()
        .map(|c| c.alpha2.to_string())
}

/// Whether `code` is a code exactly as the API writes it (upper case).
pub fn is_alpha2(code: &str) -> bool {
    alpha2(code).as_deref() == Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_standards_plus_kosovo() {
        for (raw, want) in [
            ("gb", Some("GB")),
            ("SE", Some("SE")),
            ("xk", Some("XK")),
            ("UK", None),
            ("EU", None),
            ("GBR", None),
            ("G1", None),
            ("", None),
            ("ÅÅ", None),
        ] {
            assert_eq!(alpha2(raw).as_deref(), want, "{raw}");
        }
        assert!(is_alpha2("GB"));
        assert!(!is_alpha2("gb"), "the API writes upper case");
    }
}
