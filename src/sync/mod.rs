//! Keeping work safe between the console and the API: the durable outbox that sends reviews
//! exactly once, in the order written and only as the identity that wrote them, and the drafts
//! of what is being typed.

pub mod identity;
pub mod outbox;
pub mod store;
