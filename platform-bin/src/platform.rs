// Temporary until the macro lands (being written now).
pub fn customer_platform() -> platform_core::Platform {
    platform_core::sample::customer_platform()
}
