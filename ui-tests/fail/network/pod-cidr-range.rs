//! network/pod-cidr-range: a public range EKS rejects as a secondary CIDR.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { pod_cidr: "52.94.0.0/16" }
    };
}
