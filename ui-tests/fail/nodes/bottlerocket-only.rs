//! nodes/bottlerocket-only: Bottlerocket is the only node OS.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { os: amazon_linux_2023 }
    };
}
