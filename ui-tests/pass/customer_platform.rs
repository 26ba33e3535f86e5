//! The customer's whole platform, exactly as `platform-bin` declares it, compiles.

#[path = "../../platform-bin/src/platform.rs"]
mod platform;

fn main() {
    let p = platform::customer_platform();
    assert_eq!(p.name, "fintech");
}
