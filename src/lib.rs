//! docket: a terminal console for reviewing KYC/AML compliance cases.
//!
//! Layers, each in its own folder:
//! - `domain`: provider-neutral types and rules (statuses, lifecycle, SLA, risk model).
//! - `sandbox`: the embedded Zenoo-compatible API server over SQLite.
//! - `cli`: the command line.
//!
//! The console's layers join as they are built: `provider` (HTTP clients and vendor adapters
//! behind one trait), `sync` (poller, outbox, cache), `app` (state, actions, update) and `ui`
//! (pure rendering of a state snapshot).

pub mod app;
pub mod cli;
pub mod config;
pub mod doctor;
pub mod domain;
pub mod provider;
pub mod sandbox;
pub mod script;
pub mod session;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
