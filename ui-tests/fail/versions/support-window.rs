//! versions/support-window: a warning (a deprecated use), an error under `#[deny(deprecated)]`. The base's version,
//! written here so that the warning points here.

use ui_base::platform_with;

#[deny(deprecated)]
fn main() {
    let _platform = platform_with! {
        kubernetes: "1.28",
    };
}
