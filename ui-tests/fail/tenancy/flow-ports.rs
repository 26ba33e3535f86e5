//! tenancy/flow-ports: an empty port range and a port past 65535, each reported on its own tokens.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { allow_from: [api: 9000..=8000, load_balancers: 70000] }
    };
}
