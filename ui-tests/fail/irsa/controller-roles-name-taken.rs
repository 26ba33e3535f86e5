//! irsa/controller-roles: a binding of another policy under a controller's name leaves that controller without
//! the binding the platform implies for it (whose role would have that name too).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa external_dns {
            namespace: "payments",
            service_account: "dns-reports",
            policy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::dns-reports/*"] }],
        }
    };
}
