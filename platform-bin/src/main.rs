//! The `platform` binary: the CLI of `platform-cli` on the customer's platform. The definition is compiled here, in
//! the binary target and not in a library, so that an edit to it rebuilds one small crate (no crate metadata) and
//! relinks; the tests take the same file through `platform-tests`.

mod platform;

use std::process::ExitCode;

fn main() -> ExitCode {
    platform_cli::main(&platform::customer_platform())
}
