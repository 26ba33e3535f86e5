//! addons/required: kube-proxy is a required managed addon.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        -addon kube_proxy
    };
}
