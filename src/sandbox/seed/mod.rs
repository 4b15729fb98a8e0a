//! Deterministic, realistic seed data: companies with directors, UBOs and shareholders (with
//! ownership), persons, screening alerts with hit data and AI assessments, checks, scored risk
//! assessments, reviewers, comments and a consistent audit trail, spread over every status,
//! priority and SLA position.
//!
//! The same `--seed` gives the same cases; times are laid out relative to the moment of seeding.
//! Cases, entities, checks, alerts, risk assessments and audit entries go in through the same
//! `store` functions the API uses (reviewers, comments and later updates by plain SQL), inside
//! the caller's transaction.
//!
//! One case is seeded in sections over a `CaseSeed` (in `case`), in a fixed order because every
//! section draws from the one seeded random source (`draw`): the case's plan, primary entity
//! and row (`case`, `parties`); the ownership tree (`parties`); checks and alerts
//! (`screening`); then the status path, risk, four-eyes review, discussion and closure
//! (`case`). `corpus` holds what they draw
//! from; once all cases are in, `hostile` gives one of them hostile text.

mod case;
pub mod corpus;
mod draw;
pub mod hostile;
mod parties;
mod screening;
#[cfg(test)]
mod tests;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rusqlite::Connection;

use draw::Gen;

/// A seeded user: id, name, role and title.
pub struct SeedUser {
    pub user_id: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub title: &'static str,
    pub role: crate::domain::UserRole,
}

/// The sandbox team: three analysts, an approver and a read-only auditor.
pub const USERS: &[SeedUser] = &[
    SeedUser {
        user_id: "usr_amara",
        name: "Amara Okafor",
        email: "amara.okafor@sandbox.docket.invalid",
        title: "KYC Analyst",
        role: crate::domain::UserRole::Analyst,
    },
    SeedUser {
        user_id: "usr_lukas",
        name: "Lukas Brandt",
        email: "lukas.brandt@sandbox.docket.invalid",
        title: "KYC Analyst",
        role: crate::domain::UserRole::Analyst,
    },
    SeedUser {
        user_id: "usr_mei",
        name: "Mei Tanaka",
        email: "mei.tanaka@sandbox.docket.invalid",
        title: "Senior AML Analyst",
        role: crate::domain::UserRole::Analyst,
    },
    SeedUser {
        user_id: "usr_sofia",
        name: "Sofía Hernández",
        email: "sofia.hernandez@sandbox.docket.invalid",
        title: "Compliance Approver (MLRO deputy)",
        role: crate::domain::UserRole::Approver,
    },
    SeedUser {
        user_id: "usr_ines",
        name: "Inês Duarte",
        email: "ines.duarte@sandbox.docket.invalid",
        title: "Internal Auditor",
        role: crate::domain::UserRole::Auditor,
    },
];

const ANALYSTS: &[&str] = &["usr_amara", "usr_lukas", "usr_mei"];
const APPROVER: &str = "usr_sofia";
const SYSTEM: &str = "system";

/// What seeding produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub cases: usize,
    pub entities: usize,
    pub alerts: usize,
    pub checks: usize,
    pub audit: usize,
}

/// Seeds `cases` cases. Users must already exist. Runs inside the caller's transaction.
pub fn seed(conn: &Connection, cases: usize, seed: u64, now: i64) -> rusqlite::Result<Stats> {
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        now,
        stats: Stats::default(),
    };
    for i in 1..=cases {
        case::seed_case(conn, &mut g, i)?;
    }
    hostile::poison(conn)?;
    g.stats.cases = cases;
    Ok(g.stats)
}
