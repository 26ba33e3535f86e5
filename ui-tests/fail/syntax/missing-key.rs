//! syntax: a required key is missing, reported on the block's name.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group critical { -capacity }
    };
}
