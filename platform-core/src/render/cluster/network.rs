//! The network root `terraform/network/`: Calico, applied between the infra root's two applies of a first
//! deployment (the order and its sources: `render::infra::bootstrap`).
//!
//! It holds the releases [`crate::install`] puts in this root (the Tigera operator's) and the namespaces that
//! something installs into before the cluster root runs: the operator's, and those of the EKS addons the second
//! infra apply installs (`amazon-cloudwatch`), with their Pod Security Admission labels, so that the cluster root
//! never meets a namespace it did not create. The operator creates and labels `calico-system` itself.
//!
//! Providers and cluster look-up are the cluster root's (`super::terraform::providers`).

use super::charts;
use super::objects::{self, EXISTING_NAMESPACES};
use super::terraform::{helm_release, namespace_ref, plain_objects, providers, release_dependencies, Wait};
use super::Target;
use crate::install::{self, Root};
use crate::render::context::Context;
use crate::render::infra::addons;
use crate::render::terraform::Document;

const ROOT: &str = "terraform/network";

/// The releases of this root.
fn releases<'p>(ctx: &Context<'p>) -> Vec<install::Release<'p>> {
    install::releases(ctx.checked).into_iter().filter(|r| r.root == Root::Network).collect()
}

/// The namespaces this root creates: its releases' and those of the addons that run pods (EKS creates the others).
pub(crate) fn namespaces(ctx: &Context) -> Vec<String> {
    let addons =
        ctx.platform.addons.iter().filter(|a| addons::needs_pod_network(a.kind)).map(|a| addons::namespace(a.kind));
    let mut out: Vec<String> = releases(ctx).iter().map(|r| r.namespace.to_owned()).collect();
    for ns in addons {
        if !EXISTING_NAMESPACES.contains(&ns) && !out.iter().any(|n| n == ns) {
            out.push(ns.to_owned());
        }
    }
    out
}

/// The network root's files.
pub(crate) fn render(ctx: &Context) -> Vec<(String, Vec<u8>)> {
    let mut doc = Document::default();
    providers(ctx, &mut doc);
    let wanted = namespaces(ctx);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    #[test]
    fn calico_and_the_cloudwatch_agent_get_their_namespaces_here() {
        let p = fixture();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
        assert_eq!(namespaces(&ctx), ["tigera-operator", "amazon-cloudwatch"]);
    }
}
