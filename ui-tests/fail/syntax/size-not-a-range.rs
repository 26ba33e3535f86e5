//! syntax: a size written as one number is told the range that means it.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { size: 10 }
    };
}
