//! The compliance proof: one program per invariant that must not compile, with the error rustc prints (`.stderr`
//! next to it), and complete platforms that must compile. `TRYBUILD=overwrite cargo test -p ui-tests` refreshes
//! the `.stderr` files after a deliberate message change; review the diff.
//!
//! `versions_support_window.stderr` names the newest version in EKS standard support on the day it compiles, from
//! `catalog::kubernetes::EKS_CALENDAR`: when that version leaves standard support (1.35: 2027-03-27) the test
//! fails until the calendar is brought up to date, which is the point.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
