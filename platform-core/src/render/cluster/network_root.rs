//! The network root `terraform/network/`: Calico, applied between the infra root's two applies of a first
//! deployment (the order and its sources: `render::infra::bootstrap`).
//!
//! It holds the releases [`crate::install`] puts in this root (the Tigera operator's) and the namespaces that
//! something installs into before the cluster root runs: the operator's, and those of the EKS addons the second
//! infra apply installs (`amazon-cloudwatch`), with their Pod Security Admission labels, so that the cluster root
//! never meets a namespace it did not create. The operator creates and labels `calico-system` itself.
//!
//! Providers and cluster look-up are those of both roots inside the cluster (`super::tf_resources::providers`).

use super::charts;
use super::objects;
use super::tf_resources::{helm_release, namespace_ref, plain_objects, providers, release_dependencies, Wait};
use super::Target;
use crate::install::{self, Root};
use crate::render::context::Context;
use crate::render::namespaces;
use crate::render::tf_json::Document;

const ROOT: &str = "terraform/network";

/// The releases of this root.
fn releases<'p>(ctx: &Context<'p>) -> Vec<install::Release<'p>> {
    install::releases(ctx.checked).into_iter().filter(|r| r.root == Root::Network).collect()
}

/// The network root's files.
pub(crate) fn render(ctx: &Context) -> Vec<(String, Vec<u8>)> {
    let mut doc = Document::default();
    providers(ctx, &mut doc);
    let wanted = namespaces::network_root(ctx);
    let plain: Vec<_> = objects::managed_namespaces(ctx)
        .iter()
        .filter(|n| wanted.contains(&n.name))
        .map(|ns| objects::namespace_object(ctx, ns))
        .collect();
    plain_objects(&mut doc, plain);
    for r in releases(ctx) {
        let Some(release) = charts::release(ctx, Target::Terraform, &r) else { continue };
        let namespace = namespace_ref(r.namespace).address();
        // On a first deployment there are no nodes yet: waiting for the operator's pod would time out. The proof
        // that Calico works comes next: the infra root's node groups only become ACTIVE once calico-node runs on them.
        helm_release(&mut doc, &release, release_dependencies(&r, [namespace]), Wait::No);
    }
    vec![(format!("{ROOT}/main.tf.json"), doc.to_json().into_bytes())]
}
