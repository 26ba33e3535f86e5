//! Views of a platform for people: the topology as a diagram ([`graph`]) and a monthly cost estimate ([`cost`]).

pub mod cost;
pub mod graph;
