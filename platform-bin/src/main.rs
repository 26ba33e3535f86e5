use std::process::ExitCode;

use clap::Parser;
use platform_bin::cli::{run, usage, Cli};

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli, &platform_bin::customer_platform()),
        Err(error) => usage(error),
    }
}
