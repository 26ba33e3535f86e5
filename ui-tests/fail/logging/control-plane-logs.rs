//! logging/control-plane-logs: the authenticator log is required.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        cluster { logs: [audit, scheduler] }
    };
}
