//! network/vpc-cidr-size: AWS accepts VPC CIDRs from /16 to /28.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { cidr: "10.0.0.0/12" }
    };
}
