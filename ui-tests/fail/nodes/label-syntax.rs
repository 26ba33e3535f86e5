//! nodes/label-syntax: a label key Kubernetes rejects.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        node_group general { labels: { workload: "general", "team/": "api" } }
    };
}
