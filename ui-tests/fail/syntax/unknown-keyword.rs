//! syntax: an unknown keyword value, with did-you-mean.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { nat_gateways: one_per_zone }
    };
}
