//! The four-dimension risk model: customer, geographic, product/service and transaction.
//!
//! Scores run 0..=100 per dimension; the overall score is the weighted sum; each dimension gets a
//! tier from the default bands (High 70+, Medium 40+), and the overall tier is the highest
//! dimension tier ("highest wins"), as Zenoo's risk-scoring guide describes.

use serde::{Deserialize, Serialize};

use super::{AlertStatus, CaseType, EntityRole, RiskTier, VerificationStatus};

pub const HIGH_THRESHOLD: f64 = 70.0;
pub const MEDIUM_THRESHOLD: f64 = 40.0;
pub const MODEL_VERSION: &str = "docket-sandbox-fatf-2026.1";

/// Tier of a 0..=100 score under the default bands.
pub fn tier_for(score: f64) -> RiskTier {
    if score >= HIGH_THRESHOLD {
        RiskTier::High
    } else if score >= MEDIUM_THRESHOLD {
        RiskTier::Medium
    } else {
        RiskTier::Low
    }
}

/// One contribution to a dimension's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub name: String,
    pub value: String,
    pub score_contribution: f64,
}

/// One scored dimension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub score: f64,
    pub weight: f64,
    pub weighted_score: f64,
    pub tier: RiskTier,
    pub factors: Vec<Factor>,
}

/// The four dimensions, keyed as on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dimensions {
    pub customer: Dimension,
    pub geographic: Dimension,
    pub product_service: Dimension,
    pub transaction: Dimension,
}

impl Dimensions {
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Dimension)> {
        [
            ("customer", &self.customer),
            ("geographic", &self.geographic),
            ("product_service", &self.product_service),
            ("transaction", &self.transaction),
        ]
        .into_iter()
    }
}

/// A computed assessment.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub dimensions: Dimensions,
    pub overall_score: f64,
    pub tier: RiskTier,
}

/// What the model knows about an entity on the case.
#[derive(Clone, Debug)]
pub struct EntityFacts {
    pub role: EntityRole,
    pub is_company: bool,
    pub country: String,
    pub country_risk: RiskTier,
    pub verification: VerificationStatus,
    /// Ownership depth below the primary entity (0 for the primary, 1 for direct owners...).
    pub depth: u32,
}

/// What the model knows about an alert on the case.
#[derive(Clone, Debug)]
pub struct AlertFacts {
    pub category: String,
    pub status: AlertStatus,
    pub is_false_positive: bool,
    pub match_score: f64,
}

/// Everything a score is computed from.
#[derive(Clone, Debug)]
pub struct RiskFacts {
    pub case_type: CaseType,
    pub entities: Vec<EntityFacts>,
    pub alerts: Vec<AlertFacts>,
    pub industry: Option<(String, RiskTier)>,
    pub monthly_volume_eur: f64,
    pub cash_intensive: bool,
    pub cross_border_share: f64,
    pub channel: String,
}

struct Builder {
    factors: Vec<Factor>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            factors: Vec::new(),
        }
    }
    fn add(&mut self, name: &str, value: impl Into<String>, points: f64) {
        self.factors.push(Factor {
            name: name.to_string(),
            value: value.into(),
            score_contribution: round1(points),
        });
    }
    fn finish(self, weight: f64) -> Dimension {
        let raw: f64 = self.factors.iter().map(|f| f.score_contribution).sum();
        let score = round1(raw.clamp(0.0, 100.0));
        Dimension {
            score,
            weight,
            weighted_score: round1(score * weight),
            tier: tier_for(score),
            factors: self.factors,
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// An alert still counts against the customer unless it was settled as a false positive.
fn live(a: &AlertFacts) -> bool {
    !(a.is_false_positive || a.status == AlertStatus::FalsePositive)
}

/// Scores a case.
pub fn score(f: &RiskFacts) -> Scored {
    // Customer: who they are and what screening found.
    let mut c = Builder::new();
    c.add("Baseline", "Customer due diligence", 10.0);
    let count = |cat: &str| {
        f.alerts
            .iter()
            .filter(|a| a.category == cat && live(a))
            .count()
    };
    let pep = count("PEP Match");
    if pep > 0 {
        c.add(
            "Politically exposed persons",
            format!("{pep} match(es)"),
            25.0 + 10.0 * (pep as f64 - 1.0).min(2.0),
        );
    }
    let sanctions = f
        .alerts
        .iter()
        .filter(|a| a.category == "Sanctions Hit" && live(a))
        .map(|a| a.match_score)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    if let Some(best) = sanctions {
        c.add(
            "Sanctions exposure",
            format!("best match {best:.0}%"),
            30.0 + best * 0.3,
        );
    }
    let media = count("Adverse Media");
    if media > 0 {
        c.add(
            "Adverse media",
            format!("{media} article(s)"),
            10.0 + 5.0 * (media as f64 - 1.0).min(3.0),
        );
    }
    let identity = f
        .alerts
        .iter()
        .filter(|a| {
            live(a)
                && !a.status.is_settled()
                && matches!(
                    a.category.as_str(),
                    "Identity Mismatch" | "Document Tampering Suspected" | "Address Unverified"
                )
        })
        .count();
    if identity > 0 {
        c.add(
            "Unresolved identity concerns",
            format!("{identity} open"),
            8.0 * identity.min(3) as f64,
        );
    }
    let max_depth = f.entities.iter().map(|e| e.depth).max().unwrap_or(0);
    let owners = f
        .entities
        .iter()
        .filter(|e| matches!(e.role, EntityRole::Ubo | EntityRole::Shareholder))
        .count();
    if max_depth >= 2 || owners >= 4 {
        c.add(
            "Complex ownership",
            format!("{owners} owners, {max_depth} layers"),
            12.0,
        );
    }
    let corporate_owners = f
        .entities
        .iter()
        .filter(|e| e.is_company && e.role == EntityRole::Shareholder)
        .count();
    if corporate_owners > 0 {
        c.add("Corporate shareholders", corporate_owners.to_string(), 6.0);
    }
    let failed = f
        .entities
        .iter()
        .filter(|e| e.verification == VerificationStatus::Failed)
        .count();
    if failed > 0 {
        c.add("Failed verification", format!("{failed} entit(ies)"), 10.0);
    }
    if f.case_type == CaseType::Onboarding {
        c.add("New relationship", "Onboarding", 5.0);
    }
    let customer = c.finish(0.35);

    // Geographic: the riskiest jurisdiction involved, and how spread out the structure is.
    let mut g = Builder::new();
    let worst = f.entities.iter().max_by_key(|e| e.country_risk.rank());
    match worst {
        Some(e) => {
            let pts = match e.country_risk {
                RiskTier::High => 75.0,
                RiskTier::Medium => 42.0,
                RiskTier::Low => 12.0,
            };
            g.add(
                "Highest-risk jurisdiction",
                format!("{} ({})", e.country, e.country_risk),
                pts,
            );
        }
        None => g.add("Highest-risk jurisdiction", "unknown", 40.0),
    }
    let mut countries: Vec<&str> = f.entities.iter().map(|e| e.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    if countries.len() > 2 {
        g.add(
            "Jurisdictions involved",
            countries.len().to_string(),
            4.0 * (countries.len() as f64 - 2.0).min(4.0),
        );
    }
    let geographic = g.finish(0.25);

    // Product and service: the line of business and the delivery channel.
    let mut p = Builder::new();
    match &f.industry {
        Some((name, tier)) => {
            let pts = match tier {
                RiskTier::High => 62.0,
                RiskTier::Medium => 35.0,
                RiskTier::Low => 12.0,
            };
            p.add("Industry", name.clone(), pts);
        }
        None => p.add("Industry", "Individual (no business activity)", 15.0),
    }
    let channel_pts = match f.channel.as_str() {
        "Third-party introducer" => 15.0,
        "Online only" => 10.0,
        _ => 2.0,
    };
    p.add("Delivery channel", f.channel.clone(), channel_pts);
    let product_service = p.finish(0.20);

    // Transaction: expected volume, cash and cross-border flows.
    let mut t = Builder::new();
    let v = f.monthly_volume_eur;
    let vol_pts = if v >= 5_000_000.0 {
        40.0
    } else if v >= 1_000_000.0 {
        28.0
    } else if v >= 100_000.0 {
        16.0
    } else {
        6.0
    };
    t.add(
        "Expected monthly volume",
        format!("EUR {}", group_thousands(v)),
        vol_pts,
    );
    if f.cash_intensive {
        t.add("Cash intensive", "yes", 25.0);
    }
    let cb = f.cross_border_share.clamp(0.0, 1.0);
    t.add(
        "Cross-border share",
        format!("{:.0}%", cb * 100.0),
        round1(cb * 30.0),
    );
    if f.alerts.iter().any(|a| {
        live(a)
            && matches!(
                a.category.as_str(),
                "Unusual Transaction Pattern" | "Source of Funds Unclear"
            )
    }) {
        t.add("Financial alerts", "present", 15.0);
    }
    let transaction = t.finish(0.20);

    let dimensions = Dimensions {
        customer,
        geographic,
        product_service,
        transaction,
    };
    let overall_score = round1(
        dimensions
            .iter()
            .map(|(_, d)| d.weighted_score)
            .sum::<f64>()
            / 1.0,
    );
    let tier = dimensions
        .iter()
        .map(|(_, d)| d.tier)
        .max_by_key(|t| t.rank())
        .unwrap_or(RiskTier::Low);
    Scored {
        dimensions,
        overall_score,
        tier,
    }
}

fn group_thousands(v: f64) -> String {
    let n = v.max(0.0).round() as u64;
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> RiskFacts {
        RiskFacts {
            case_type: CaseType::Review,
            entities: vec![EntityFacts {
                role: EntityRole::Primary,
                is_company: true,
                country: "DE".into(),
                country_risk: RiskTier::Low,
                verification: VerificationStatus::Verified,
                depth: 0,
            }],
            alerts: vec![],
            industry: Some(("Software".into(), RiskTier::Low)),
            monthly_volume_eur: 50_000.0,
            cash_intensive: false,
            cross_border_share: 0.1,
            channel: "Face to face".into(),
        }
    }

    #[test]
    fn clean_case_is_low() {
        let s = score(&facts());
        assert_eq!(s.tier, RiskTier::Low);
        assert!(s.overall_score < MEDIUM_THRESHOLD);
    }

    #[test]
    fn highest_dimension_wins() {
        let mut f = facts();
        f.entities[0].country_risk = RiskTier::High;
        let s = score(&f);
        assert_eq!(s.dimensions.geographic.tier, RiskTier::High);
        assert_eq!(s.tier, RiskTier::High);
        // The weighted overall score alone would not reach High.
        assert!(s.overall_score < HIGH_THRESHOLD);
    }

    #[test]
    fn false_positive_sanctions_hit_does_not_count() {
        let mut f = facts();
        f.alerts.push(AlertFacts {
            category: "Sanctions Hit".into(),
            status: AlertStatus::Open,
            is_false_positive: false,
            match_score: 95.0,
        });
        let open = score(&f).dimensions.customer.score;
        f.alerts[0].status = AlertStatus::FalsePositive;
        f.alerts[0].is_false_positive = true;
        let cleared = score(&f).dimensions.customer.score;
        assert!(open > cleared + 50.0, "{open} vs {cleared}");
    }

    #[test]
    fn weighted_scores_add_up() {
        let s = score(&facts());
        let sum: f64 = s.dimensions.iter().map(|(_, d)| d.weight).sum();
        assert!((sum - 1.0).abs() < 1e-9);
        assert_eq!(group_thousands(1234567.0), "1,234,567");
    }
}
