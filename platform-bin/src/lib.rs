//! The `platform` CLI and the customer's platform definition.
//!
//! A platform declared in another crate gets the same CLI with one line (see the README, "Your own platform"):
//!
//! ```ignore
//! fn main() -> std::process::ExitCode {
//!     platform_bin::main(&platform_macros::platform! { /* ... */ })
//! }
//! ```

pub mod cli;
pub mod deploy;
pub mod output;
mod platform;

use std::process::ExitCode;

use clap::Parser;
use platform_core::Platform;

pub use platform::customer_platform;

/// The `platform` command line (render, deploy, plan, destroy, state-bucket, check, graph, cost, compliance, versions,
/// upgrade-path) on `platform`: parses the process arguments, runs the command, and returns its exit status (2 on a
/// usage error).
pub fn main(platform: &Platform) -> ExitCode {
    match cli::Cli::try_parse() {
        Ok(cli) => cli::run(cli, platform),
        Err(error) => cli::usage(error),
    }
}
