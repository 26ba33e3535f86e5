//! identity/azure-ad-id: Azure AD ids are GUIDs, not domain names.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        identity azure_ad { tenant_id: "contoso.onmicrosoft.com" }
    };
}
