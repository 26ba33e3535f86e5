//! network/flow-logs: flow logs cannot be switched off.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { flow_logs: false }
    };
}
