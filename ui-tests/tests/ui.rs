//! The compliance proof: one program per invariant that must not compile, with the error rustc prints (`.stderr`
//! next to it), and complete platforms that must compile. `TRYBUILD=overwrite cargo test -p ui-tests` refreshes
//! the `.stderr` files after a deliberate message change; review the diff.
//!
//! The compile-fail programs are grouped by concern, after the rule ids' prefixes (`fail/network/invalid-cidr.rs`
//! proves `network/invalid-cidr`; `fail/syntax/` the parser's errors, `fail/reporting/` several errors in one
//! compile). Each holds only its change to one base definition, `base/platform.rs`, a valid customer-style platform:
//! `ui_base::platform_with! { vpc { cidr: "10.0.0.1/16" } }` is that definition with the change merged in, so the
//! error is the change's alone and points at the program's own tokens (see `base/src/lib.rs` for the syntax).
//! `pass/every_carried_version.rs` compiles the base at every carried Kubernetes version.
//!
//! The macro judges the support window on the build's day (`platform_core::check::today`), which this test pins
//! to the catalog's date, `catalog::AS_OF`, with `SOURCE_DATE_EPOCH`, so that the expected output does not
//! change from one day to the next. It changes with a review of the catalog, which moves that date: refresh the
//! `.stderr` files then.

#[test]
fn ui() {
    let as_of = platform_core::check::days_since_epoch(platform_core::catalog::AS_OF).expect("an ISO date");
    // Read by the macro inside the compilers trybuild starts; this test is the only one of its process.
    std::env::set_var("SOURCE_DATE_EPOCH", (as_of * 86_400).to_string());
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*/*.rs");
}
