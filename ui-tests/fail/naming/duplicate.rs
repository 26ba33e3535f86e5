//! naming/duplicate: two tenants with one name, reported once, on the later: `payments` renamed `api`, and the base's `api`
//! (named here so that its error points here).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments as api {}
        tenant api {}
    };
}
