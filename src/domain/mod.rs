//! Provider-neutral domain types shared by every layer of docket.
//!
//! The vocabulary follows Zenoo's case-management model, which is docket's native one; adapters
//! for other vendors map onto these types. Nothing here does I/O.

pub mod country;
pub mod enums;
pub mod form;
pub mod lifecycle;
pub mod model;
pub mod review;
pub mod risk;
pub mod row;

pub use enums::*;
