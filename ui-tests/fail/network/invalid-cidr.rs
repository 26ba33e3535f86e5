//! network/invalid-cidr: a CIDR with host bits set, on the CIDR's token.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { cidr: "10.0.0.1/16" }
    };
}
