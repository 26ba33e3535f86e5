//! naming/duplicate: two tenants with one name, reported on both: `payments` renamed `api`, and the base's `api`
//! (named here so that its error points here too).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments as api {}
        tenant api {}
    };
}
