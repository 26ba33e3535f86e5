//! tenancy/cross-account-role: not an IAM role ARN.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { cross_account_roles: ["arn:aws:iam::111122223333:user/payments-secrets-reader"] }
    };
}
