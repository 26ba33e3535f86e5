//! naming/length: an IAM role name over 64 characters with the longest suffix.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa ebs_csi_driver_controller_for_the_payments_platform {
            namespace: "kube-system", service_account: "ebs-csi-controller-sa", policy: ebs_csi,
        }
    };
}
