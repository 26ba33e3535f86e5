//! The `platform` CLI and the customer's platform definition.

pub mod cli;
pub mod output;
mod platform;

pub use platform::customer_platform;
