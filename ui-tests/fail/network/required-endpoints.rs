//! network/required-endpoints: the ECR image endpoint is missing (private nodes could not pull).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { endpoints: [ecr_api, s3, ec2, sts, logs, ssm, ssmmessages, ec2messages] }
    };
}
