//! naming/length: an IAM role name over 64 characters with the longest suffix.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa ebs_csi as ebs_csi_driver_controller_for_the_payments_platform {}
    };
}
