//! syntax: a number where a string is expected, and an exclusive range.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        kubernetes: 1.28,
        node_group critical { size: 3..6 }
    };
}
