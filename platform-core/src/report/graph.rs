//! The topology of a platform as a diagram: VPC and subnets per AZ, Calico's pod network (one IP pool per AZ,
//! outside the VPC), the cluster, its node groups (as EKS managed node groups, spot and on-demand), tenants, the
//! groups they run on and the flows they take in, IRSA bindings and the namespaces they serve. One [`Topology`] is built from the model; Mermaid (renders on GitHub) and DOT are two printers of it.

use std::fmt::Write;

use crate::checked::{Checked, Group, Part};
use crate::model::Policy;

/// A box of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    /// Lines of the label.
    pub label: Vec<String>,
}

/// A group of boxes: the VPC, one per AZ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub id: String,
    pub label: String,
    pub nodes: Vec<Node>,
    pub children: Vec<Cluster>,
}

/// The whole diagram: nested groups, free boxes, and labelled edges `from → to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    pub groups: Vec<Cluster>,
    pub nodes: Vec<Node>,
    pub edges: Vec<(String, String, String)>,
}

fn node(id: impl Into<String>, label: &[&str]) -> Node {
    Node { id: id.into(), label: label.iter().map(|l| (*l).to_owned()).collect() }
}

/// Builds the topology of a checked platform.
pub fn topology(checked: &Checked) -> Topology {
    let p = checked.platform();
    let network = checked.network();
    let pools = &network.pod_pools;
    let zones = p
        .availability_zones
        .iter()
        .enumerate()
        .map(|(i, az)| Cluster {
            id: format!("az_{i}"),
            label: az.clone(),
            nodes: vec![
                node(format!("public_{i}"), &["public", &network.public_subnets[i].to_string()]),
                node(format!("private_{i}"), &["private (nodes)", &network.private_subnets[i].to_string()]),
            ],
            children: vec![],
        })
        .collect();
    let nat = match p.vpc.nat_gateways {
        crate::model::NatGateways::OnePerAz => "NAT gateway per AZ",
        crate::model::NatGateways::Single => "one NAT gateway",
    };
    let vpc =
        Cluster { id: "vpc".into(), label: format!("VPC {} ({nat})", network.vpc), nodes: vec![], children: zones };
    let pod_network = Cluster {
        id: "pods".into(),
        label: format!("Calico pod network {} (VXLAN, not in the VPC)", network.pod_cidr),
        nodes: p
            .availability_zones
            .iter()
            .enumerate()
            .map(|(i, az)| node(format!("pool_{i}"), &[&format!("pool {az}"), &pools[i].to_string()]))
            .collect(),
        children: vec![],
    };

    let mut nodes = vec![node("cluster", &[&format!("EKS {}", p.name), &format!("Kubernetes {}", p.kubernetes)])];
    let mut edges: Vec<(String, String, String)> = (0..p.availability_zones.len())
        .map(|i| (format!("private_{i}"), format!("pool_{i}"), "pod addresses".to_owned()))
        .collect();
    for Group { group: g, parts } in checked.node_groups() {
        for Part { purchase, sizes } in parts {
            let id = format!("ng_{}_{purchase}", g.name);
            let sizes = format!("{}..{} nodes", sizes.min, sizes.max);
            let types = g.instance_types.join(", ");
            nodes.push(node(&id, &[&format!("{} ({purchase})", g.name), &types, &sizes]));
            edges.push(("cluster".into(), id.clone(), String::new()));
            for i in 0..p.availability_zones.len() {
                edges.push((id.clone(), format!("private_{i}"), String::new()));
            }
        }
    }
    for tenant in checked.tenants() {
        let t = tenant.tenant;
        let id = format!("tenant_{}", t.name);
        nodes.push(node(&id, &[&format!("tenant {}", tenant.namespace), &format!("pod security {}", t.pod_security)]));
        for g in checked.tenant_groups(tenant) {
            for part in &g.parts {
                edges.push((id.clone(), format!("ng_{}_{}", g.group.name, part.purchase), "runs on".into()));
            }
        }
    }
    // Declared flows: who may reach a tenant's pods besides its own namespace.
    let mut load_balancers = false;
    for t in &p.tenants {
        for f in &t.allow_from {
            let from = match &f.from {
                crate::model::FlowSource::Tenant(name) => format!("tenant_{name}"),
                crate::model::FlowSource::LoadBalancers => {
                    load_balancers = true;
                    "load_balancers".to_owned()
                }
            };
            edges.push((from, format!("tenant_{}", t.name), format!("tcp {}", f.ports)));
        }
    }
    if load_balancers {
        nodes.push(node("load_balancers", &["load balancers", "instance targets"]));
    }
    for b in &p.irsa {
        let id = format!("irsa_{}", b.name);
        let policy = match &b.policy {
            Policy::Managed(m) => m.to_string(),
            Policy::Custom(statements) => format!("{} custom statement(s)", statements.len()),
        };
        nodes.push(node(
            &id,
            &[&format!("IRSA {}", b.name), &format!("{}/{}", b.namespace, b.service_account), &policy],
        ));
        edges.push(("cluster".into(), id, String::new()));
    }
    Topology { groups: vec![vpc, pod_network], nodes, edges }
}

/// Mermaid `flowchart`.
pub fn mermaid(t: &Topology) -> String {
    fn group(out: &mut String, g: &Cluster, depth: usize) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(out, "{pad}subgraph {}[\"{}\"]", g.id, g.label);
        for n in &g.nodes {
            let _ = writeln!(out, "{pad}  {}[\"{}\"]", n.id, n.label.join("<br/>"));
        }
        for c in &g.children {
            group(out, c, depth + 1);
        }
        let _ = writeln!(out, "{pad}end");
    }
    let mut out = String::from("flowchart LR\n");
    for g in &t.groups {
        group(&mut out, g, 1);
    }
    for n in &t.nodes {
        let _ = writeln!(out, "  {}[\"{}\"]", n.id, n.label.join("<br/>"));
    }
    for (from, to, label) in &t.edges {
        match label.as_str() {
            "" => writeln!(out, "  {from} --> {to}"),
            l => writeln!(out, "  {from} -->|{l}| {to}"),
        }
        .expect("writing to a String");
    }
    out
}

/// Graphviz DOT.
pub fn dot(t: &Topology) -> String {
    fn quoted(lines: &[String]) -> String {
        lines.iter().map(|l| l.replace('"', "\\\"")).collect::<Vec<_>>().join("\\n")
    }
    fn group(out: &mut String, g: &Cluster, depth: usize) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(out, "{pad}subgraph cluster_{} {{", g.id);
        let _ = writeln!(out, "{pad}  label=\"{}\";", g.label);
        for n in &g.nodes {
            let _ = writeln!(out, "{pad}  {} [label=\"{}\"];", n.id, quoted(&n.label));
        }
        for c in &g.children {
            group(out, c, depth + 1);
        }
        let _ = writeln!(out, "{pad}}}");
    }
    let mut out = String::from("digraph platform {\n  rankdir=LR;\n  node [shape=box];\n");
    for g in &t.groups {
        group(&mut out, g, 1);
    }
    for n in &t.nodes {
        let _ = writeln!(out, "  {} [label=\"{}\"];", n.id, quoted(&n.label));
    }
    for (from, to, label) in &t.edges {
        match label.as_str() {
            "" => writeln!(out, "  {from} -> {to};"),
            l => writeln!(out, "  {from} -> {to} [label=\"{l}\"];"),
        }
        .expect("writing to a String");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::platform as fixture;

    fn topology_of(p: &crate::model::Platform) -> Topology {
        topology(&crate::check_platform(p, "2024-06-01").expect("a valid platform"))
    }

    #[test]
    fn every_declared_thing_is_in_the_topology() {
        let p = fixture();
        let t = topology_of(&p);
        let ids: Vec<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        // The general group is mixed: one spot and one on-demand managed node group.
        for id in ["ng_critical_ondemand", "ng_general_spot", "ng_general_ondemand", "ng_batch_spot"] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        assert_eq!(ids.iter().filter(|i| i.starts_with("tenant_")).count(), p.tenants.len());
        assert_eq!(ids.iter().filter(|i| i.starts_with("irsa_")).count(), p.irsa.len());
        let zones = &t.groups[0].children;
        assert_eq!(zones.len(), 3);
        assert_eq!(zones[1].nodes.len(), 2, "public and private subnets only");
        assert_eq!(t.groups[1].nodes[1].label, ["pool us-east-2b", "100.64.64.0/18"]);
        let runs_on: Vec<_> = t.edges.iter().filter(|e| e.0 == "tenant_web").map(|e| e.1.as_str()).collect();
        assert_eq!(runs_on, ["ng_general_spot", "ng_general_ondemand"]);
    }

    #[test]
    fn flows_are_drawn() {
        use crate::model::{Flow, FlowSource, PortRange};
        let mut p = fixture();
        p.tenants[0].allow_from = vec![
            Flow { from: FlowSource::Tenant("web".into()), ports: PortRange { first: 8080, last: 8081 } },
            Flow { from: FlowSource::LoadBalancers, ports: PortRange { first: 443, last: 443 } },
        ];
        let t = topology_of(&p);
        let flows: Vec<_> = t.edges.iter().filter(|e| e.2.starts_with("tcp ")).cloned().collect();
        let edge = |a: &str, b: &str, l: &str| (a.to_owned(), b.to_owned(), l.to_owned());
        assert_eq!(
            flows,
            [edge("tenant_web", "tenant_cards", "tcp 8080..=8081"), edge("load_balancers", "tenant_cards", "tcp 443")]
        );
        assert!(t.nodes.iter().any(|n| n.id == "load_balancers"));
        assert!(!topology_of(&fixture()).nodes.iter().any(|n| n.id == "load_balancers"), "only when declared");
    }

    #[test]
    fn every_edge_joins_declared_boxes() {
        let t = topology_of(&fixture());
        let mut ids: Vec<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        ids.extend(t.groups[0].children.iter().flat_map(|z| z.nodes.iter().map(|n| n.id.as_str())));
        ids.extend(t.groups[1].nodes.iter().map(|n| n.id.as_str()));
        for (from, to, _) in &t.edges {
            assert!(ids.contains(&from.as_str()) && ids.contains(&to.as_str()), "{from} -> {to}");
        }
    }

    #[test]
    fn printers_agree_on_boxes_and_edges() {
        let t = topology_of(&fixture());
        let (m, d) = (mermaid(&t), dot(&t));
        assert!(m.starts_with("flowchart LR\n") && d.starts_with("digraph platform {"));
        assert_eq!(m.matches("-->").count(), t.edges.len());
        assert_eq!(d.matches(" -> ").count(), t.edges.len());
        assert!(m.contains("tenant_cards -->|runs on| ng_critical_ondemand"));
        assert!(d.contains("tenant_cards -> ng_critical_ondemand [label=\"runs on\"];"));
    }
}
