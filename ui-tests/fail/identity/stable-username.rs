//! identity/stable-username: the audited username is an id Entra ID never changes or reuses, not an address.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        identity azure_ad { username_claim: "email" }
    };
}
