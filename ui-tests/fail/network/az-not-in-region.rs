//! network/az-not-in-region: a zone of another region.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        availability_zones: ["us-east-2a", "us-east-2b", "us-east-1c"],
    };
}
