//! reporting: a platform name too long for the AWS names made from it is one error, on the name, with how many
//! names it overflows; not one more per node group, IRSA binding and tenant whose names start with it.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        name: "fintech_payments_platform_eu",
    };
}
