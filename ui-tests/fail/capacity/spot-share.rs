//! capacity/spot-share: spot below 50% of the non-critical vCPU at max size.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { capacity: mixed(spot: 10%), size: 2..=30 }
    };
}
