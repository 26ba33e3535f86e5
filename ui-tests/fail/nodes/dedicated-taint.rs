//! nodes/dedicated-taint: the critical group without its NoSchedule taint.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group critical { -taints }
    };
}
