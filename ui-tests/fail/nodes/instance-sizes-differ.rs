//! nodes/instance-sizes-differ: cluster-autoscaler needs one size per group; reported on the type that differs.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { instance_types: ["t3.medium", "t3.large"] }
    };
}
