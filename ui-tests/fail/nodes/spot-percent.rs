//! nodes/spot-percent: a mixed group is between 1% and 99% spot.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { capacity: mixed(spot: 100%) }
    };
}
