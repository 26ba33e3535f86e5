#!/usr/bin/env python3
"""Prints the customer's platform module grown to N tenants, for build and render benchmarks.

    python3 scripts/gen-platform.py N_TENANTS [N_EXTRA_NODE_GROUPS] > platform.rs

The output is platform-bin/src/platform.rs (a module with `pub fn customer_platform() -> Platform`, the
`platform! { ... }` definition inside) with extra node groups and tenants added after the
customer's own: N_TENANTS tenants in all (at least the customer's 3), and N_EXTRA_NODE_GROUPS node groups more
(default N_TENANTS // 50, at least one per workload class: 20 at 1000 tenants). The copies repeat the customer's
critical / general / batch node groups and its payments / reconciliation / api tenants in turn, so the definition
passes every check: names, secret prefixes and Azure AD group ids are distinct, every tenant names a declared node
group of its kind, and the longest name (`role-fintech-secrets-reconciliation-9999-<8-char suffix>`, 49 characters)
stays within IAM's 64 (naming/length). The added tenants run on the added node groups only, with a small quota
(QUOTA), and each added group can grow to one node per tenant it carries, so that the quotas fit the nodes
(tenancy/quota-capacity): the customer's own groups keep their size and their tenants.
"""
import re
import sys
from pathlib import Path

DEFINITION = Path(__file__).resolve().parent.parent / "platform-bin" / "src" / "platform.rs"

# The customer's node groups, by workload class (copies keep each class's rules: critical on demand and tainted,
# batch spot only and tainted, general mixed).
NODE_GROUPS = {
    "critical": """instance_types: ["m5.large"],
            capacity: on_demand,
            size: 3..={max},
            labels: { workload: "critical" },
            taints: [workload = "critical": NoSchedule],""",
    "general": """instance_types: ["t3.medium", "t3a.medium"],
            capacity: mixed(spot: 60%),
            size: 2..={max},
            desired: 3,
            labels: { workload: "general" },""",
    "batch": """instance_types: ["c5.large", "c5a.large", "c6i.large"],
            capacity: spot,
            size: 0..={max},
            disk_gib: 100,
            labels: { workload: "batch" },
            taints: [workload = "batch": NoSchedule],""",
}
CLASSES = list(NODE_GROUPS)

# The customer's tenants: (name, workload class of its node group, roles with a group, cross-account role).
TENANTS = [
    ("payments", "critical", ["admin", "developer", "read_only"], True),
    ("reconciliation", "batch", ["admin", "developer"], False),
    ("api", "general", ["admin", "developer"], False),
]
# The quota of an added tenant: under a node's allocatable on every instance type above (one node per tenant).
QUOTA = '{ cpu: "500m", memory: "1Gi", pods: 20 }'


def guid(tenant: int, role: int) -> str:
    """A distinct, well-formed (version 4 layout) GUID per tenant and role."""
    return f"{tenant:08x}-{role:04x}-4{tenant % 0x1000:03x}-8{role:03x}-{tenant * 16 + role:012x}"


def node_group(index: int, max_size: int) -> tuple[str, str]:
    """The extra node group `index` (0-based): its class and its DSL block."""
    cls = CLASSES[index % len(CLASSES)]
    name = f"{cls}_{index // len(CLASSES) + 2:02}"
    body = f"workload: {cls},\n            {NODE_GROUPS[cls].replace('{max}', str(max_size))}"
    return cls, f"        node_group {name} {{\n            {body}\n        }}\n"


def tenant(index: int, groups_of: dict[str, list[str]]) -> str:
    """The extra tenant `index` (counting from the customer's 3), on a node group of its template's class."""
    base, cls, roles, cross_account = TENANTS[index % len(TENANTS)]
    name = f"{base}_{index:04}"
    pool = groups_of[cls]
    group = pool[(index // len(TENANTS)) % len(pool)]
    bindings = "\n".join(f'                {role}: "{guid(index, r)}",' for r, role in enumerate(roles))
    lines = [
        f"        tenant {name} {{",
        f"            node_groups: [{group}],",
        "            groups: {",
        bindings,
        "            },",
        f'            secret_prefix: "{name}/",',
    ]
    if cross_account:
        lines.append(f'            cross_account_roles: ["arn:aws:iam::111122223333:role/{name}-secrets-reader"],')
    lines += [f"            quota: {QUOTA},", "        }"]
    return "\n".join(lines) + "\n"


def main() -> None:
    if not 2 <= len(sys.argv) <= 3 or not all(a.isdigit() for a in sys.argv[1:]):
        sys.exit("usage: gen-platform.py N_TENANTS [N_EXTRA_NODE_GROUPS] > platform.rs")
    tenants = int(sys.argv[1])
    extra_groups = int(sys.argv[2]) if len(sys.argv) == 3 else max(len(CLASSES), tenants // 50)
    if not len(TENANTS) <= tenants <= 9_999:
        sys.exit(f"error: N_TENANTS must be between {len(TENANTS)} (the customer's) and 9999 (4-digit names)")
    if tenants > len(TENANTS) and extra_groups < len(CLASSES):
        sys.exit(f"error: added tenants need an added node group of each workload class ({len(CLASSES)})")
    source = DEFINITION.read_text()
    groups_of = {cls: [] for cls in CLASSES}
    blocks = []
    # One node per tenant a group carries (at least 10, as the customer's groups).
    max_size = max(10, -(-tenants // max(1, extra_groups)) + 1)
    for i in range(extra_groups):
        cls, block = node_group(i, max_size)
        groups_of[cls].append(block.split()[1])
        blocks.append(block)
    tenant_blocks = [tenant(i, groups_of) for i in range(len(TENANTS), tenants)]
    # After the customer's last tenant block: the first `addon` line.
    addon = re.search(r"^ {8}addon ", source, re.MULTILINE)
    if addon is None:
        sys.exit(f"error: no `addon` block in {DEFINITION.name}; the generator expects the customer's layout")
    insert = "".join(blocks + tenant_blocks)
    insert = insert + "\n" if insert else ""
    sys.stdout.write(source[: addon.start()] + insert + source[addon.start() :])


if __name__ == "__main__":
    main()
