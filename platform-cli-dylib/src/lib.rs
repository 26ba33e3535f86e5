//! `platform-cli`, with platform-core and every crate under it, as one Rust `dylib`. A dev build of the `platform`
//! binary names this crate (`extern crate`), so rustc links those crates from here, dynamically, instead of
//! statically from some hundred rlibs: the relink after an edit to the definition shrinks from 0.2 s to a few
//! milliseconds (scripts/bench.sh). The integration tests' helper crate (platform-tests) names it too, so each test
//! binary links small. Release builds do not name it and link statically.

pub use platform_cli::*;
