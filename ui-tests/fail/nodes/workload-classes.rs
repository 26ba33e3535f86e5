//! nodes/workload-classes: a batch node group is required.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        -node_group batch
    };
}
