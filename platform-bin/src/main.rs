//! The `platform` binary: the CLI of `platform-cli` on the customer's platform. The definition is compiled here, in
//! the binary target and not in a library, so that an edit to it rebuilds one small crate (no crate metadata) and
//! relinks; the tests take the same file through `platform-tests`.

// Dev builds link the CLI and every crate under it from one shared library, so that an edit to the definition relinks
// only this small binary (platform-cli-dylib; build.rs sets the runpath). Release builds link statically.
#[cfg(debug_assertions)]
extern crate platform_cli_dylib;

mod platform;

use std::process::ExitCode;

fn main() -> ExitCode {
    platform_cli::main(&platform::customer_platform())
}
