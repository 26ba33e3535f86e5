//! encryption/required: encryption cannot be switched off.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        encryption { ebs: false }
    };
}
