//! The one-token change: the base definition of the compile-fail programs (`base/platform.rs`, a customer-style
//! platform) declared at every Kubernetes version the catalog carries (`kubernetes: "1.28"` … `"1.36"`) compiles.
//! The versions past EKS support carry the `versions/support-window` warning, acknowledged as the customer
//! definition does.

use ui_base::platform_with;

macro_rules! at_version {
    ($version:tt) => {
        platform_with! { kubernetes: $version }
    };
}

#[allow(deprecated)]
fn main() {
    let platforms = [
        at_version!("1.28"),
        at_version!("1.29"),
        at_version!("1.30"),
        at_version!("1.31"),
        at_version!("1.32"),
        at_version!("1.33"),
        at_version!("1.34"),
        at_version!("1.35"),
        at_version!("1.36"),
    ];
    let versions: Vec<&str> = platforms.iter().map(|p| p.kubernetes.as_str()).collect();
    assert_eq!(versions, ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]);
}
