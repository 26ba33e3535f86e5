//! logging/archive: PCI DSS 10.5.1 asks for 12 months of control-plane log history.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        cluster { log_archive_days: 90 }
    };
}
