//! Views of a platform for people: the PCI DSS mapping resolved against a render ([`compliance`]), the topology as a diagram ([`graph`]), a monthly cost estimate ([`cost`]) and
//! the path to a newer Kubernetes version ([`upgrade`]).

pub mod compliance;
pub mod cost;
pub mod graph;
pub mod upgrade;
