//! irsa/wildcard-policy: `*` on `*` is administrator access, and so is everything that comes to the same: all
//! actions on `arn:*`, a whole service on `*` or on all of its ARNs, a privilege-escalation action on every role.
//! Each statement is reported once (`*:*` is not also a `policy-syntax` error).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa payments_app {
            namespace: "payments",
            service_account: "app",
            policy: [{ actions: ["*"], resources: ["*"] }],
        }
        irsa payments_arn {
            namespace: "payments",
            service_account: "arn",
            policy: [{ actions: ["*"], resources: ["arn:*"] }],
        }
        irsa payments_iam {
            namespace: "payments",
            service_account: "iam",
            policy: [{ actions: ["s3:GetObject", "iam:*"], resources: ["*"] }],
        }
        irsa payments_s3 {
            namespace: "payments",
            service_account: "s3",
            policy: [{ actions: ["s3:*"], resources: ["arn:aws:s3:::*"] }],
        }
        irsa payments_all {
            namespace: "payments",
            service_account: "all",
            policy: [{ actions: ["*:*"], resources: ["*"] }],
        }
        irsa payments_pass {
            namespace: "payments",
            service_account: "pass",
            policy: [{ actions: ["iam:PassRole"], resources: ["arn:aws:iam::*:role/*"] }],
        }
    };
}
