//! logging/retention: audit logs are kept at least 90 days.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        cluster { log_retention_days: 30 }
    };
}
