//! network/subnet-per-az: two public subnets for three zones.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { public_subnets: ["10.0.96.0/24", "10.0.97.0/24"] }
    };
}
