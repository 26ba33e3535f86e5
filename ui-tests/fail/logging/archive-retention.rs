//! logging/archive-retention: a production environment may not declare its log archive destroyable.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        cluster { log_archive_destroyable_in: ["dev", "prod"] }
    };
}
