//! irsa/policy-syntax: an action without its service prefix.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa payments_app {
            namespace: "payments",
            service_account: "app",
            policy: [{ actions: ["GetObject"], resources: ["arn:aws:s3:::payments-reports/*"] }],
        }
    };
}
