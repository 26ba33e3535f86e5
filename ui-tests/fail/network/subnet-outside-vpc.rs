//! network/subnet-outside-vpc: a public subnet outside 10.0.0.0/16, with a free range suggested.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { public_subnets: ["10.0.96.0/24", "10.9.0.0/24", "10.0.98.0/24"] }
    };
}
