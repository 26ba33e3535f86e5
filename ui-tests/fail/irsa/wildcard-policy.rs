//! irsa/wildcard-policy: `*` on `*` is administrator access.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa payments_app {
            namespace: "payments",
            service_account: "app",
            policy: [{ actions: ["*"], resources: ["*"] }],
        }
    };
}
