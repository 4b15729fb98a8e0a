//! The seeded random source and what is drawn from it: tokens, picks, odds, spans, weighted
//! choices, and the names, countries, addresses and dates the cases are made of.
//!
//! Every draw advances one `StdRng`, so the order of the calls is part of the output: the same
//! seed gives the same cases only while the sections draw in the same order.

use rand::RngExt;
use rand::rngs::StdRng;
use serde_json::json;

use super::Stats;
use super::corpus::{self, Country, GeoRisk};

/// The random source, the moment of seeding, and the running counts.
pub(super) struct Gen {
    pub(super) rng: StdRng,
    pub(super) now: i64,
    pub(super) stats: Stats,
}

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Gen {
    pub(super) fn token(&mut self, prefix: &str) -> String {
        let mut s = String::with_capacity(prefix.len() + 13);
        s.push_str(prefix);
        s.push('_');
        for _ in 0..12 {
            s.push(ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char);
        }
        s
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    pub(super) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..hi)
        }
    }
    /// Picks by weight.
    pub(super) fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.random_range(0..total);
        for (item, w) in items {
            if roll < *w {
                return item;
            }
            roll -= w;
        }
        &items[items.len() - 1].0
    }

    pub(super) fn country(&mut self, bias_high: bool) -> &'static Country {
        let want = *self.weighted(&[
            (GeoRisk::Low, if bias_high { 40 } else { 72 }),
            (GeoRisk::Medium, 20),
            (GeoRisk::High, if bias_high { 40 } else { 8 }),
        ]);
        loop {
            let c = self.pick(corpus::COUNTRIES);
            if c.risk == want {
                return c;
            }
        }
    }

    pub(super) fn person(&mut self, country: &'static Country) -> (String, String, String) {
        let first = self.pick(country.given_names).to_string();
        let last = self.pick(country.family_names).to_string();
        let wide = |s: &str| s.chars().all(|c| c as u32 >= 0x2E80);
        let full = if country.family_name_first {
            if wide(&first) && wide(&last) {
                format!("{last}{first}")
            } else {
                format!("{last} {first}")
            }
        } else {
            format!("{first} {last}")
        };
        (first, last, full)
    }

    pub(super) fn company(&mut self, country: &'static Country) -> String {
        let stem = self.pick(country.company_stems);
        let form = self.pick(country.company_forms);
        if stem.contains(form) || form.is_empty() {
            stem.to_string()
        } else if form.ends_with("会社") {
            format!("{form}{stem}")
        } else {
            format!("{stem} {form}")
        }
    }

    pub(super) fn address(&mut self, country: &'static Country) -> String {
        json!({
            "line1": format!("{} {}", self.between(1, 240), self.pick(corpus::STREETS)),
            "line2": null,
            "city": self.pick(country.cities),
            "state": null,
            "postal_code": format!("{:05}", self.between(1000, 99999)),
            "country": country.code,
        })
        .to_string()
    }

    pub(super) fn dob(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}",
            self.between(1948, 2003),
            self.between(1, 13),
            self.between(1, 29)
        )
    }
}
