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
//! `versions_support_window.stderr` names the newest carried version in EKS standard support on the catalog's date,
//! `catalog::AS_OF`, which is the day the macro judges the support window on (never the clock, so this expectation
//! does not change from one day to the next). It changes with a review of the catalog, which moves that date:
//! refresh the file then.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*/*.rs");
}
