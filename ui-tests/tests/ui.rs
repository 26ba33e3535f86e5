//! The compliance proof: one program per invariant that must not compile, with the error rustc prints (`.stderr`
//! next to it), and complete platforms that must compile. `TRYBUILD=overwrite cargo test -p ui-tests` refreshes
//! the `.stderr` files after a deliberate message change; review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
