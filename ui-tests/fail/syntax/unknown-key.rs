//! syntax: an unknown key, with did-you-mean (`pod_cidr` misspelt, so the required key is missing as well).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { -pod_cidr, pod_cdir: "100.64.0.0/16" }
    };
}
