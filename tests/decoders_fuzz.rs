//! Property tests: no response body, however wrong, makes a decoder panic. Each decoder either
//! returns a record or an error message; the shapes fed in are random JSON, and random JSON
//! built from the field names the decoders look for (so the wrong types reach the field code,
//! not just the "not an object" check), plus random bytes for the envelope and error parsers.

use docket::provider::zenoo::{case_detail, wire};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Every field name any decoder reads, and a few nested ones.
const FIELDS: &[&str] = &[
    "token",
    "id",
    "name",
    "type",
    "status",
    "priority",
    "entity_category",
    "entity_type",
    "assigned_to",
    "sla_deadline",
    "due_date",
    "sla_status",
    "open_alerts_count",
    "risk_tier",
    "risk_score",
    "decision",
    "summary",
    "resolution_notes",
    "completed_at",
    "closed_at",
    "created_at",
    "updated_at",
    "version",
    "reference",
    "external_reference",
    "primary_entity",
    "category",
    "match_score",
    "priority_score",
    "title",
    "description",
    "source_data",
    "ai_assessment",
    "resolution_action",
    "resolution_rationale",
    "entity_token",
    "case_token",
    "first_name",
    "last_name",
    "full_name",
    "company_name",
    "role",
    "ownership_percentage",
    "verification_status",
    "parent_token",
    "depth",
    "dimensions",
    "factors",
    "score",
    "weight",
    "tier",
    "overall_score",
    "override_tier",
    "override_justification",
    "approved_by",
    "approved_at",
    "result",
    "provider",
    "waive_reason",
    "event_type",
    "actor",
    "target_type",
    "target_token",
    "before",
    "after",
    "rationale",
    "author",
    "body",
    "mentions",
    "email",
    "user_id",
    "message",
    "invited_by",
    "responded_at",
    "data",
    "meta",
    "request_id",
    "page",
    "cursor",
    "has_more",
    "total",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        // Strings the decoders parse: dates, numbers, enum values, hostile text.
        prop::sample::select(vec![
            "2026-11-07T05:31:56Z",
            "2026-12-01",
            "yesterday",
            "In Progress",
            "Critical",
            "-1",
            "1e309",
            "NaN",
            "\u{1b}]52;c;SGk=\u{7}",
            "",
        ])
        .prop_map(|s| Value::String(s.into())),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((".{0,8}", inner.clone()), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..12).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// An object with most known fields present, each with a random value.
fn record() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(FIELDS), json()), 0..40).prop_map(|kv| {
        let mut m: Map<String, Value> = kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        m.entry("token").or_insert(Value::String("tok_1".into()));
        Value::Object(m)
    })
}

fn decode_all(v: &Value) {
    let _ = wire::case(v);
    let _ = wire::alert(v);
    let _ = wire::user(v);
    let _ = case_detail::entity(v);
    let _ = case_detail::assessment(v);
    let _ = case_detail::check(v);
    let _ = case_detail::audit_entry(v);
    let _ = case_detail::comment(v);
    let _ = case_detail::reviewer(v);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn no_json_value_panics_a_record_decoder(v in json()) {
        decode_all(&v);
    }

    #[test]
    fn no_field_values_panic_a_record_decoder(v in record()) {
        decode_all(&v);
    }

    #[test]
    fn no_page_panics_the_list_decoder(items in prop::collection::vec(record(), 0..5), meta in json()) {
        let body = serde_json::json!({ "data": items, "meta": meta }).to_string();
        if let Ok(env) = serde_json::from_str::<wire::Envelope<Value>>(&body) {
            let _ = wire::page(env, wire::case);
        }
    }

    #[test]
    fn no_bytes_panic_the_envelope_or_error_parsers(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<wire::Envelope<Value>>(&bytes);
        let _ = serde_json::from_slice::<wire::ErrorBody>(&bytes);
    }
}

/// Nesting far past serde_json's recursion limit is an error, not a stack overflow.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{{\"data\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(serde_json::from_str::<wire::Envelope<Value>>(&deep).is_err());
    let deep_obj = format!(
        "{{\"data\": {}1{}}}",
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    assert!(serde_json::from_str::<wire::Envelope<Value>>(&deep_obj).is_err());
}
