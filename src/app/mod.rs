//! The console's state machine: every event becomes an [`Action`], [`update`] changes the
//! [`State`] and returns the [`Effect`]s (network work) the runtime should start; it does no I/O
//! itself, so every flow is tested as key → action → state.

pub mod action;
pub mod command;
pub mod find;
pub mod flow;
pub mod form;
pub mod help;
pub mod keymap;
pub mod matcher;
pub mod power;
pub mod queue;
pub mod reading;
pub mod rows;
pub mod state;
pub mod update;

pub use action::{Action, Effect};
pub use state::State;
pub use update::update;
