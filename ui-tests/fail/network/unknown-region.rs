//! network/unknown-region: a typo in the region, with did-you-mean.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        region: "us-east-22",
    };
}
