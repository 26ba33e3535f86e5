//! nodes/disk-size: too small a data volume for container images.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group batch { disk_gib: 8 }
    };
}
