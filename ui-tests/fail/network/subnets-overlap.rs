//! network/subnets-overlap: reported once, on the later subnet (the base's private subnets written here).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc {
            private_subnets: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
            public_subnets: ["10.0.96.0/24", "10.0.97.0/24", "10.0.64.0/24"],
        }
    };
}
