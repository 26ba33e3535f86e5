//! EC2 instance sizes, for the node-group rules (identical sizes inside a group; spot share by vCPU).
//!
//! Source: Amazon EC2 instance types, "General purpose" / "Compute optimized" / "Memory optimized"
//! specifications (docs.aws.amazon.com/ec2/latest/instancetypes), checked 2026-11.

/// vCPUs and memory of one instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpu: u32,
    pub memory_mib: u32,
}

const fn it(name: &'static str, vcpu: u32, memory_gib: u32) -> InstanceType {
    InstanceType { name, vcpu, memory_mib: memory_gib * 1024 }
}

/// Every instance type the platform accepts for a node group.
pub const INSTANCE_TYPES: &[InstanceType] = &[
    // Burstable general purpose.
    it("t3.medium", 2, 4),
    it("t3a.medium", 2, 4),
    it("t3.large", 2, 8),
    it("t3a.large", 2, 8),
    it("t3.xlarge", 4, 16),
    it("t3a.xlarge", 4, 16),
    // General purpose.
    it("m5.large", 2, 8),
    it("m5a.large", 2, 8),
    it("m5d.large", 2, 8),
    it("m6i.large", 2, 8),
    it("m6a.large", 2, 8),
    it("m7i.large", 2, 8),
    it("m5.xlarge", 4, 16),
    it("m5a.xlarge", 4, 16),
    it("m6i.xlarge", 4, 16),
    it("m6a.xlarge", 4, 16),
    it("m7i.xlarge", 4, 16),
    it("m5.2xlarge", 8, 32),
    it("m6i.2xlarge", 8, 32),
    // Compute optimized.
    it("c5.large", 2, 4),
    it("c5a.large", 2, 4),
    it("c6i.large", 2, 4),
    it("c6a.large", 2, 4),
    it("c7i.large", 2, 4),
    it("c5.xlarge", 4, 8),
    it("c5a.xlarge", 4, 8),
    it("c6i.xlarge", 4, 8),
    it("c6a.xlarge", 4, 8),
    // Memory optimized.
    it("r5.large", 2, 16),
    it("r5a.large", 2, 16),
    it("r6i.large", 2, 16),
    it("r6a.large", 2, 16),
];

/// Looks an instance type up by name.
pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|t| t.name == name)
}
