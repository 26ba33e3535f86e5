//! reporting: an inverted size range is one error, on the range, with the range to write (not also a desired
//! size above the maximum: by default it is the minimum).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { size: 12..=2 }
    };
}
