//! syntax: a key set twice, with a note on the first.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        cluster { log_retention_days: 90, log_retention_days: 365 }
    };
}
