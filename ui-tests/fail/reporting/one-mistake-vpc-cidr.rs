//! reporting: a VPC CIDR that holds none of the subnets is one error, on the CIDR, with the count and the
//! network that holds them (not one "outside the VPC" per subnet).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { cidr: "8.8.0.0/16" }
    };
}
