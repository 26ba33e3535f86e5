//! irsa/controller-roles: one controller, one role: a second binding with a controller's policy is refused (the
//! first replaces the binding the platform implies for it).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa external_dns { namespace: "external-dns", service_account: "external-dns", policy: external_dns }
        irsa dns_records { namespace: "external-dns", service_account: "dns-records", policy: external_dns }
    };
}
