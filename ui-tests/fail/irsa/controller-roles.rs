//! irsa/controller-roles: every platform controller needs its IRSA role.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        -irsa external_dns
    };
}
