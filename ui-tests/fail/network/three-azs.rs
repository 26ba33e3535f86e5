//! network/three-azs: the same zone twice.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        availability_zones: ["us-east-2a", "us-east-2b", "us-east-2b"],
    };
}
