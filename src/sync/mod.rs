//! Keeping work safe between the console and the API: the durable outbox that sends reviews
//! exactly once, and the drafts of what is being typed.

pub mod outbox;
pub mod store;
