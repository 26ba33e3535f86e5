//! every error of a definition in one compile: syntax is fine, five rules are broken.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        vpc { cidr: "10.0.0.1/16" }
        cluster { log_retention_days: 30 }
        node_group critical { capacity: spot }
        tenant payments { pod_security: privileged }
        irsa external_secrets { namespace: "externalsecrets",
                                service_account: "external-secrets", policy: external_secrets }
    };
}
