use std::process::ExitCode;

fn main() -> ExitCode {
    platform_bin::main(&platform_bin::customer_platform())
}
