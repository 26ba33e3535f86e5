//! a syntax error in one block and a rule finding in another, reported in one compile: the node group with the
//! error is left out, and the findings it could have caused (the tenant and addons naming `critical`, the
//! workload classes) are not reported.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group critical { capacity: on_demnd }
        tenant api { pod_security: privileged }
    };
}
