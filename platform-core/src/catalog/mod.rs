//! Facts about AWS and Kubernetes the checks and renderers rely on, one table per concern.
//! Each table names its source and the date it was checked.

pub mod charts;
pub mod instance_types;
pub mod kubernetes;
pub mod namespaces;
pub mod prices;
pub mod regions;
