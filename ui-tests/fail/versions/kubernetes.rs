//! versions/kubernetes: a version the platform carries no pinned addon and chart versions for.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        kubernetes: "1.27",
    };
}
