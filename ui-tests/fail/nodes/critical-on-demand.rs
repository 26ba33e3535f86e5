//! nodes/critical-on-demand: critical capacity cannot be reclaimed by AWS.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group critical { capacity: spot }
    };
}
