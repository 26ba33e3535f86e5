//! naming/syntax: a name that is not a lowercase identifier, with the fixed spelling.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant api as Api {}
    };
}
