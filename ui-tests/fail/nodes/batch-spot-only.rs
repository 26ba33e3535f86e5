//! nodes/batch-spot-only: batch runs on spot only.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group batch { capacity: mixed(spot: 90%) }
    };
}
