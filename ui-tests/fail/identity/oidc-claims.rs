//! identity/oidc-claims: EKS reserves the `system:` prefix.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        identity azure_ad { groups_prefix: "system:aad:" }
    };
}
