//! network/pod-cidr-range: a public range, which would hide real hosts from the pods.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { pod_cidr: "52.94.0.0/16" }
    };
}
