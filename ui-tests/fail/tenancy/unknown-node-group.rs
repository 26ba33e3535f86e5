//! tenancy/unknown-node-group: a typo in a tenant's node group, with did-you-mean.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { node_groups: [critcal] }
    };
}
