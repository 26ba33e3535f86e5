//! reporting: a tenant declared twice is one error, on the second declaration; not also its secret prefix,
//! which is the first's (`payments/`, written in both), nor on the first declaration.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant api as payments { secret_prefix: "payments/" }
    };
}
