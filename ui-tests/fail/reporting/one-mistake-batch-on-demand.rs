//! reporting: a batch group on on-demand is one error, `nodes/batch-spot-only`; not also a spot share below 50%
//! with a suggested mixed capacity for it (which the batch rule forbids): the share counts batch as spot once
//! fixed.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group batch { capacity: on_demand }
    };
}
