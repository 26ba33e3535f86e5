//! The infra stage: one Terraform root on the aws provider alone (VPC, KMS, logs, EKS, nodes, IAM, addons…).
//!
//! Modules render in dependency order into one [`Document`]; they refer to each other's resources through the
//! well-known addresses in [`refs`], never through formatted strings.

pub(crate) mod addons;
mod archive;
mod bootstrap;
mod cluster;
mod encryption;
mod iam;
mod identity;
mod irsa;
mod logs;
pub(crate) mod network;
pub(crate) mod nodes;
mod observability;
mod outputs;
pub(crate) mod providers;
pub mod refs;
mod secrets;
mod ssm;

use super::terraform::Document;
use super::RenderOptions;
use crate::model::Platform;
use crate::naming::Names;

/// What every infra module reads.
pub(crate) struct Context<'a> {
    pub platform: &'a Platform,
    pub names: Names<'a>,
}

/// Renders the infra root of a checked platform.
pub fn render(platform: &Platform, options: &RenderOptions) -> Document {
    let ctx = Context { platform, names: Names::new(&platform.name, &options.environment_suffix) };
    let mut doc = Document::default();
    providers::render(&ctx, &mut doc);
    network::render(&ctx, &mut doc);
    encryption::render(&ctx, &mut doc);
    logs::render(&ctx, &mut doc);
    archive::render(&ctx, &mut doc);
    cluster::render(&ctx, &mut doc);
    bootstrap::render(&ctx, &mut doc);
    nodes::render(&ctx, &mut doc);
    irsa::render(&ctx, &mut doc);
    addons::render(&ctx, &mut doc);
    identity::render(&ctx, &mut doc);
    secrets::render(&ctx, &mut doc);
    ssm::render(&ctx, &mut doc);
    observability::render(&ctx, &mut doc);
    outputs::render(&ctx, &mut doc);
    doc
}
