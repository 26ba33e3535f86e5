//! network/pod-cidr-overlaps-vpc: the pod CIDR must be disjoint from the VPC CIDR; reported once, on the pod CIDR
//! (the base's VPC CIDR written here).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { cidr: "10.0.0.0/16", pod_cidr: "10.0.128.0/17" }
    };
}
