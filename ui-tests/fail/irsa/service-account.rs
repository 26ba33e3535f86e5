//! irsa/service-account: not a Kubernetes object name.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa cluster_autoscaler { service_account: "Cluster_Autoscaler",
                                  namespace: "kube-system", policy: cluster_autoscaler }
    };
}
