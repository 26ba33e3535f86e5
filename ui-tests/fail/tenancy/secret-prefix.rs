//! tenancy/secret-prefix: a prefix without `/` would also match `paymentsx...`.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { secret_prefix: "payments" }
    };
}
