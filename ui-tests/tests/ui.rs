//! The compliance proof: one program per invariant that must not compile, with the error rustc prints (`.stderr`
//! next to it), and complete platforms that must compile. `TRYBUILD=overwrite cargo test -p ui-tests` refreshes
//! the `.stderr` files after a deliberate message change; review the diff.
//!
//! `versions_support_window.stderr` names the newest carried version in EKS standard support on the catalog's date,
//! `catalog::AS_OF`, which is the day the macro judges the support window on (never the clock, so this expectation
//! does not change from one day to the next). It changes with a review of the catalog, which moves that date:
//! refresh the file then.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
