use std::process::ExitCode;

use clap::Parser;
use platform_bin::cli::{run, Cli};

fn main() -> ExitCode {
    run(Cli::parse(), &platform_bin::customer_platform())
}
