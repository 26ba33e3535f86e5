//! nodes/unknown-instance-type: a typo, with did-you-mean.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group critical { instance_types: ["m5.lrage"] }
    };
}
