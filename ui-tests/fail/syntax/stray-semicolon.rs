//! syntax: a `;` for a `,` is one error; the keys after it are parsed, not reported missing (the base's
//! `endpoints` removed, so that the ones after the `;` are the only ones).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { -endpoints, nat_gateways: one_per_az; endpoints: [ecr_api, ecr_dkr, s3, ec2, sts, logs, ssm, ssmmessages, ec2messages] }
    };
}
