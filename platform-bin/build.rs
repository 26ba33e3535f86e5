//! Dev builds of `platform` link the CLI as a shared library (`platform-cli-dylib`, named in main.rs under
//! `cfg(debug_assertions)`). So that `target/debug/platform` runs without cargo setting `LD_LIBRARY_PATH`, its
//! runpath names where that library is (beside the binary, or in `deps/` for test binaries) and where the toolchain
//! keeps the Rust standard library it links against (ELF and Mach-O; on Windows, `cargo run` finds the DLLs). Release
//! builds link statically and get no runpath.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_none() {
        return;
    }
    let origin = match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("windows") => return,
        Ok("macos" | "ios") => "@loader_path",
        _ => "$ORIGIN",
    };
    let rustc = env::var("RUSTC").expect("cargo sets RUSTC for build scripts");
    let target = env::var("TARGET").expect("cargo sets TARGET for build scripts");
    let output = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", &target])
        .output()
        .unwrap_or_else(|e| panic!("`{rustc} --print target-libdir` did not run: {e}"));
    assert!(output.status.success(), "`{rustc} --print target-libdir` failed");
    let std_dir = String::from_utf8(output.stdout).expect("a UTF-8 path");
    for dir in [origin.to_owned(), format!("{origin}/deps"), std_dir.trim().to_owned()] {
        println!("cargo::rustc-link-arg-bins=-Wl,-rpath,{dir}");
    }
}
