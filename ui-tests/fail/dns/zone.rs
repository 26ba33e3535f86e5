//! dns/zone: hosted zone ids are uppercase.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        dns_zones: { "payments.example.com": "z0123456789abcdefghij" },
    };
}
