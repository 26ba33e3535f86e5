//! addons/unsupported-option: kube-proxy is a DaemonSet.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        addon kube_proxy { replicas: 2 }
    };
}
