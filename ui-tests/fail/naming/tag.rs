//! naming/tag: the `aws:` tag prefix is reserved.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tags: { "cost-center": "platform-engineering", "aws:owner": "platform-team" },
    };
}
