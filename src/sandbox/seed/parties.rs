//! The parties to a case: its primary entity (a company or a person) and, for a company, the
//! ownership tree under it: directors, UBOs over 25%, sometimes an offshore holding company
//! with its own UBO one layer down, and small shareholders.
//!
//! Each entity is drawn whole (a `Draft`) and then written as one `entities` row.

use rand::RngExt;
use rusqlite::Connection;

use super::case::{CaseSeed, Plan};
use super::corpus::Country;
use super::draw::Gen;
use crate::domain::{EntityRole, VerificationStatus};
use crate::sandbox::store::{self, NewEntity};

/// One entity as generated, with what the risk model needs.
pub(super) struct GenEntity {
    pub(super) id: i64,
    pub(super) token: String,
    pub(super) name: String,
    pub(super) country: &'static Country,
    pub(super) role: EntityRole,
    pub(super) is_company: bool,
    pub(super) depth: u32,
    pub(super) verification: VerificationStatus,
    pub(super) dob: Option<String>,
}

/// An entity as drawn, before it has a row.
struct Draft {
    token: String,
    name: String,
    country: &'static Country,
    role: EntityRole,
    depth: u32,
    verification: VerificationStatus,
    address: String,
    kind: Kind,
}

/// What only a person or only a company has.
enum Kind {
    Person {
        first: String,
        last: String,
        dob: String,
    },
    Company {
        registration: String,
        industry: Option<&'static str>,
    },
}

impl Draft {
    /// Writes the entity's row.
    fn insert(self, conn: &Connection, created_at: i64) -> rusqlite::Result<GenEntity> {
        let (person, company) = match &self.kind {
            Kind::Person { first, last, dob } => (Some((first, last, dob)), None),
            Kind::Company {
                registration,
                industry,
            } => (None, Some((registration, *industry))),
        };
        let id = store::insert_entity(
            conn,
            &NewEntity {
                token: &self.token,
                entity_type: if person.is_some() {
                    "Person"
                } else {
                    "Company"
                },
                first_name: person.map(|(first, _, _)| first.as_str()),
                last_name: person.map(|(_, last, _)| last.as_str()),
                full_name: &self.name,
                company_name: company.map(|_| self.name.as_str()),
                registration_number: company.map(|(registration, _)| registration.as_str()),
                date_of_birth: person.map(|(_, _, dob)| dob.as_str()),
                nationality: person.map(|_| self.country.code),
                country: self.country.code,
                address: Some(&self.address),
                industry: company.and_then(|(_, industry)| industry),
                email: None,
                phone: None,
                verification_status: self.verification.as_str(),
                risk_rating: None,
                external_reference: None,
                metadata: "{}",
                created_at,
            },
        )?;
        let is_company = company.is_some();
        let dob = match self.kind {
            Kind::Person { dob, .. } => Some(dob),
            Kind::Company { .. } => None,
        };
        Ok(GenEntity {
            id,
            token: self.token,
            name: self.name,
            country: self.country,
            role: self.role,
            is_company,
            depth: self.depth,
            verification: self.verification,
            dob,
        })
    }
}

/// The primary entity: a company in the case's home country, or a person from it.
pub(super) fn primary(conn: &Connection, g: &mut Gen, plan: &Plan) -> rusqlite::Result<GenEntity> {
    let home = plan.home;
    if !plan.is_company {
        return person(conn, g, plan, home, EntityRole::Primary, 0);
    }
    let name = g.company(home);
    let verification = plan.verification(g);
    let registration = format!("{}{:08}", home.code, g.between(1, 99_999_999));
    let address = g.address(home);
    let token = g.token("ent");
    Draft {
        token,
        name,
        country: home,
        role: EntityRole::Primary,
        depth: 0,
        verification,
        address,
        kind: Kind::Company {
            registration,
            industry: plan.industry,
        },
    }
    .insert(conn, plan.created_at)
}

/// A person in `country`, in `role` at `depth` of the ownership tree.
fn person(
    conn: &Connection,
    g: &mut Gen,
    plan: &Plan,
    country: &'static Country,
    role: EntityRole,
    depth: u32,
) -> rusqlite::Result<GenEntity> {
    let (first, last, name) = g.person(country);
    let dob = g.dob();
    let verification = plan.verification(g);
    let address = g.address(country);
    let token = g.token("ent");
    Draft {
        token,
        name,
        country,
        role,
        depth,
        verification,
        address,
        kind: Kind::Person { first, last, dob },
    }
    .insert(conn, plan.created_at)
}

impl CaseSeed<'_> {
    /// A person drawn for this case.
    fn person(
        &mut self,
        country: &'static Country,
        role: EntityRole,
        depth: u32,
    ) -> rusqlite::Result<GenEntity> {
        person(self.conn, self.g, &self.plan, country, role, depth)
    }

    /// Entities under a company: directors, then ownership.
    pub(super) fn ownership(&mut self) -> rusqlite::Result<()> {
        if self.plan.is_company {
            let primary_id = self.ents[0].id;
            self.directors(primary_id)?;
            self.owners(primary_id)?;
        }
        self.g.stats.entities += self.ents.len();
        Ok(())
    }

    /// One to three directors, most from the home country.
    fn directors(&mut self, primary_id: i64) -> rusqlite::Result<()> {
        let home = self.plan.home;
        for _ in 0..self.g.between(1, 4) {
            let c = if self.g.chance(0.8) {
                home
            } else {
                self.g.country(false)
            };
            let p = self.person(c, EntityRole::Director, 1)?;
            self.join(p, None, Some(primary_id))?;
        }
        Ok(())
    }

    /// Ownership: direct UBOs over 25%, small shareholders, and sometimes a holding company
    /// offshore with its own UBO one layer down.
    fn owners(&mut self, primary_id: i64) -> rusqlite::Result<()> {
        let home = self.plan.home;
        let g = &mut *self.g;
        let ubo_shares: Vec<f64> = match g.between(0, 4) {
            0 => vec![],
            1 => vec![g.between(51, 101) as f64],
            2 => {
                let a = g.between(26, 50) as f64;
                vec![a, g.between(26, (100 - a as i64).max(27)) as f64]
            }
            _ => vec![
                g.between(26, 34) as f64,
                g.between(26, 34) as f64,
                g.between(26, 33) as f64,
            ],
        };
        let mut remaining = 100.0 - ubo_shares.iter().sum::<f64>();
        for share in ubo_shares {
            let c = if self.g.chance(0.75) {
                home
            } else {
                self.g.country(true)
            };
            let p = self.person(c, EntityRole::Ubo, 1)?;
            self.join(p, Some(share), Some(primary_id))?;
        }
        if remaining >= 10.0 && self.g.chance(0.25) {
            remaining -= self.holding(remaining, primary_id)?;
        }
        if remaining >= 2.0 && self.g.chance(0.35) {
            let share = (self.g.rng.random::<f64>() * remaining.min(24.0) * 10.0).round() / 10.0;
            if share >= 1.0 {
                let p = self.person(home, EntityRole::Shareholder, 1)?;
                self.join(p, Some(share), Some(primary_id))?;
            }
        }
        Ok(())
    }

    /// A corporate shareholder, often offshore, holding part of what the UBOs leave
    /// (`remaining`), with its beneficial owner through the holding. Returns its share.
    fn holding(&mut self, remaining: f64, primary_id: i64) -> rusqlite::Result<f64> {
        let g = &mut *self.g;
        let c = g.country(true);
        let name = g.company(c);
        let share = (remaining * 0.8).floor().clamp(5.0, 24.0);
        let token = g.token("ent");
        let address = g.address(c);
        let registration = format!("{}{:08}", c.code, g.between(1, 99_999_999));
        let verification = self.plan.verification(g);
        let holding = Draft {
            token,
            name,
            country: c,
            role: EntityRole::Shareholder,
            depth: 1,
            verification,
            address,
            kind: Kind::Company {
                registration,
                industry: Some("Trust and company service provider"),
            },
        }
        .insert(self.conn, self.plan.created_at)?;
        let holding_id = holding.id;
        self.join(holding, Some(share), Some(primary_id))?;
        // Its beneficial owner, through the holding.
        let oc = if self.g.chance(0.5) {
            c
        } else {
            self.g.country(false)
        };
        let p = self.person(oc, EntityRole::Ubo, 2)?;
        self.join(p, Some(100.0), Some(holding_id))?;
        Ok(share)
    }
}
