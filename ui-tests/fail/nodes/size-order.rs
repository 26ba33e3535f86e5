//! nodes/size-order: desired above max, reported once, on `desired` (the base's size written here).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { size: 2..=12, desired: 14 }
    };
}
