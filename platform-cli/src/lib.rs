//! The `platform` CLI, for any declared platform: the customer's (`platform-bin`) and one in a crate of its own get it
//! with one line (see the README, "Your own platform"):
//!
//! ```ignore
//! fn main() -> std::process::ExitCode {
//!     platform_cli::main(&platform_macros::platform! { /* ... */ })
//! }
//! ```

pub mod cli;
pub mod deploy;
pub mod output;

use std::process::ExitCode;

use clap::Parser;
use platform_core::Platform;

/// The `platform` command line (render, deploy, plan, destroy, state-bucket, check, graph, cost, compliance, versions,
/// upgrade-path) on `platform`: parses the process arguments, runs the command, and returns its exit status (2 on a
/// usage error).
pub fn main(platform: &Platform) -> ExitCode {
    match cli::Cli::try_parse() {
        Ok(cli) => cli::run(cli, platform),
        Err(error) => cli::usage(error),
    }
}
