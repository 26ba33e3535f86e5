//! Views of a platform for people: the topology as a diagram ([`graph`]), a monthly cost estimate ([`cost`]) and
//! the path to a newer Kubernetes version ([`upgrade`]).

pub mod cost;
pub mod graph;
pub mod upgrade;
