//! One declaration per DSL block: its keys, the model fields each one fills, which are required, and what an
//! unwritten key means.
//!
//! The `platform!` parser takes its key lists, required keys, defaults and span paths from here, and the checks
//! report on the same field names (a test resolves every path they report), so parser, checks and docs cannot
//! drift apart. As in darling's generated field code, each block is a *draft* (every key an `Option`) whose
//! `finish` applies the defaults and names the required keys without a value; its keys are an enum, so the
//! parser's `match` over them is checked for completeness by the compiler. Each optional key's default is written
//! once, as the expression `dsl_block!` puts in the generated `finish` and shows in the reference; only
//! `node_group`, whose `size` fills two fields, has a `finish` of its own. A platform built by hand goes through
//! the same drafts, or uses the defaults they apply (`NodeGroup::DEFAULT_DISK_GIB`, …).
//! `docs/dsl.md` is generated from these tables ([`reference()`]).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::check::FieldPath;
use crate::model::*;

/// One DSL block: the top level, `vpc { … }`, `node_group <name> { … }`, or a `{ … }` value (`quota`).
#[derive(Debug)]
pub struct Block {
    /// The block's keyword (`vpc`, `node_group`), or the key its value belongs to (`quota`).
    pub name: &'static str,
    /// Whether the block appears once per thing it declares (`node_group`, `tenant`, `addon`, `irsa`).
    pub repeated: bool,
    pub keys: &'static [Key],
}

/// A block is its one table: two are equal when they are the same `static`.
impl PartialEq for Block {
    fn eq(&self, other: &Block) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Block {}

/// One key of a block.
#[derive(Debug)]
pub struct Key {
    /// As written in the DSL.
    pub name: &'static str,
    /// The model fields its value fills, under the block's path; the first is where its value is recorded and
    /// reported. Usually the key itself; `desired` fills `desired_size`, `size` fills `min_size` and `max_size`.
    pub fields: &'static [&'static str],
    pub required: bool,
    /// What an unwritten optional key means ([`Key::default`]).
    unwritten: Option<fn() -> String>,
    /// The block its value is, if any (`vpc { … }` at the top level, `quota: { … }` in a tenant).
    pub block: Option<&'static Block>,
    /// The Rust type the parser reads its value into (`Vec<String>`); [`value_shape`] says how it is written.
    pub value: &'static str,
}

impl Key {
    /// What an unwritten optional key means (`None` for required keys): its default value as the DSL writes it
    /// (`` `true` ``, `` `bottlerocket` ``), shown from the value `finish` applies, or in words where that is not
    /// one value to show (`none`, `the minimum size`).
    pub fn default(&self) -> Option<String> {
        self.unwritten.map(|text| text())
    }
}

impl Block {
    /// The key spelled `name`.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        let keys: &'static [Key] = self.keys;
        keys.iter().find(|k| k.name == name)
    }

    /// The key whose value fills model field `field`.
    pub fn key_for_field(&self, field: &str) -> Option<&'static Key> {
        let keys: &'static [Key] = self.keys;
        keys.iter().find(|k| k.fields.contains(&field))
    }

    /// Every key's name, in declaration order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        let keys: &'static [Key] = self.keys;
        keys.iter().map(|k| k.name)
    }
}

/// The keys of one block as an enum, one variant per key in declaration order.
pub trait BlockKey: Copy + 'static {
    const BLOCK: &'static Block;
    const ALL: &'static [Self];

    /// The position of the key in [`Self::BLOCK`].
    fn index(self) -> usize;

    fn schema(self) -> &'static Key {
        &Self::BLOCK.keys[self.index()]
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.schema().name == name)
    }

    /// Where the key's value is recorded and reported, under the path of its block.
    fn path(self, block: &FieldPath) -> FieldPath {
        block.key(self.schema().fields[0])
    }
}

/// The required keys a draft has no value for, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(pub Vec<&'static str>);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<String> = self.0.iter().map(|k| format!("`{k}`")).collect();
        write!(f, "missing the required key{} {}", if keys.len() == 1 { "" } else { "s" }, keys.join(", "))
    }
}

impl std::error::Error for Missing {}

/// Declares a block: its draft (every key an `Option`), its key enum and its [`Block`] table, from one list of
/// `key: Type => [model_field, …] KIND [map(FUNCTION)] [in NESTED_BLOCK]`, where KIND says what an unwritten key
/// means:
///
/// - `required`: the block is [`Missing`] it;
/// - `default(EXPR)`: `EXPR` (turned `.into()` the key's type), shown in the reference as its value's `Display`
///   (the DSL spelling of a keyword, a number, `true`);
/// - `default(EXPR, "words")`: `EXPR`, shown as the words, where the value is not one to show (an empty list,
///   one computed from the block's name);
/// - `optional("words")`: no value, the model field being an `Option` too (or, in a hand-written `finish`, one
///   derived from other keys: the minimum size for `desired`).
///
/// `map(FUNCTION)` passes the value, written or default, through `FUNCTION` (the `irsa` list gets the implied
/// bindings). With `fn finish(PARAMS) -> MODEL { FIELD: EXPR, … }` after the enum's name, the draft's `finish`
/// is generated: every key fills the one model field it names, the listed fields come from the parameters (the
/// block's name), and a default may read the parameters too. Without it (a key fills several fields), `finish`
/// is written by hand and the defaults are the reference's only.
macro_rules! dsl_block {
    (
        $(#[$meta:meta])*
        static $schema:ident = ($name:literal, repeated: $repeated:literal), struct $draft:ident, enum $keys:ident,
        fn finish($($param:ident: $param_ty:ty),*) -> $model:ident { $($extra:ident: $extra_value:expr),* $(,)? } {
            $($key:ident: $ty:ty => [$field:ident] $kind:ident $(($($arg:tt)*))? $(map($map:path))?
                $(in $nested:ident)?,)+
        }
    ) => {
        dsl_block! {
            $(#[$meta])*
            static $schema = ($name, repeated: $repeated), struct $draft, enum $keys {
                $($key: $ty => [$field] $kind $(($($arg)*))? $(in $nested)?,)+
            }
        }

        impl $draft {
            #[doc = concat!("The `", stringify!($model), "` this draft declares, its defaults applied; the required ")]
            #[doc = "keys without a value when some are missing."]
            pub fn finish(self, $($param: $param_ty),*) -> Result<$model, Missing> {
                // `None` when a required key has no value.
                fn apply(d: $draft, $($param: $param_ty),*) -> Option<$model> {
                    Some($model {
                        $($extra: $extra_value,)*
                        $($field: dsl_block!(@map dsl_block!(@value d.$key, $kind $(($($arg)*))?) $(, $map)?),)+
                    })
                }
                let missing = Missing(self.missing());
                apply(self, $($param),*).ok_or(missing)
            }
        }
    };
    (
        $(#[$meta:meta])*
        static $schema:ident = ($name:literal, repeated: $repeated:literal), struct $draft:ident, enum $keys:ident {
            $($key:ident: $ty:ty => [$($field:ident),+] $kind:ident $(($($arg:tt)*))? $(in $nested:ident)?,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $draft {
            $(pub $key: Option<$ty>,)+
        }

        impl $draft {
            /// The required keys without a value, in declaration order.
            pub fn missing(&self) -> Vec<&'static str> {
                let mut missing = Vec::new();
                $(if dsl_block!(@required $kind) && self.$key.is_none() {
                    missing.push(stringify!($key));
                })+
                missing
            }
        }

        #[doc = concat!("The keys of `", $name, "`, in declaration order.")]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $keys {
            $($key,)+
        }

        impl BlockKey for $keys {
            const BLOCK: &'static Block = &$schema;
            const ALL: &'static [Self] = &[$($keys::$key,)+];

            fn index(self) -> usize {
                self as usize
            }
        }

        #[doc = concat!("The keys of `", $name, "`: see [`", stringify!($draft), "`].")]
        pub static $schema: Block = Block {
            name: $name,
            repeated: $repeated,
            keys: &[$(Key {
                name: stringify!($key),
                fields: &[$(stringify!($field)),+],
                required: dsl_block!(@required $kind),
                unwritten: dsl_block!(@unwritten $kind $(($($arg)*))?),
                block: dsl_block!(@block $($nested)?),
                value: stringify!($ty),
            },)+],
        };
    };
    (@required required) => { true };
    (@required $kind:ident) => { false };
    (@unwritten required) => { None };
    (@unwritten default($value:expr)) => { Some(|| format!("`{}`", $value)) };
    (@unwritten default($value:expr, $words:literal)) => { Some(|| $words.to_owned()) };
    (@unwritten optional($words:literal)) => { Some(|| $words.to_owned()) };
    (@value $d:ident . $key:ident, required) => { $d.$key? };
    (@value $d:ident . $key:ident, default($value:expr $(, $words:literal)?)) => {
        $d.$key.unwrap_or_else(|| ($value).into())
    };
    (@value $d:ident . $key:ident, optional($words:literal)) => { $d.$key };
    (@map $value:expr) => { $value };
    (@map $value:expr, $map:path) => { $map($value) };
    (@block) => { None };
    (@block $nested:ident) => { Some(&$nested) };
}

dsl_block! {
    /// `platform! { … }`: the top level, its `key: value` fields and its blocks (a key with a [`Key::block`]).
    static PLATFORM = ("platform!", repeated: false), struct PlatformDraft, enum PlatformKey, fn finish() -> Platform {} {
        name: String => [name] required,
        region: String => [region] required,
        kubernetes: String => [kubernetes] required,
        availability_zones: Vec<String> => [availability_zones] required,
        tags: BTreeMap<String, String> => [tags] default(BTreeMap::new(), "none"),
        dns_zones: Vec<DnsZone> => [dns_zones] required,
        vpc: Vpc => [vpc] required in VPC,
        cluster: Cluster => [cluster] required in CLUSTER,
        encryption: Encryption => [encryption] default(Encryption::default(), "every switch `true`") in ENCRYPTION,
        node_group: Vec<NodeGroup> => [node_groups] default(Vec::new(), "none") in NODE_GROUP,
        tenant: Vec<Tenant> => [tenants] default(Vec::new(), "none") in TENANT,
        addon: Vec<Addon> => [addons] default(Vec::new(), "none") in ADDON,
        irsa: Vec<IrsaBinding> => [irsa] default(Vec::new(), "one per platform controller (see `irsa` below)")
            map(IrsaBinding::with_implied) in IRSA,
        identity: Identity => [identity] required in IDENTITY,
    }
}

dsl_block! {
    /// `vpc { … }`
    static VPC = ("vpc", repeated: false), struct VpcDraft, enum VpcKey, fn finish() -> Vpc {} {
        cidr: String => [cidr] required,
        private_subnets: Vec<String> => [private_subnets] required,
        public_subnets: Vec<String> => [public_subnets] required,
        pod_cidr: String => [pod_cidr] required,
        nat_gateways: NatGateways => [nat_gateways] required,
        endpoints: Vec<Endpoint> => [endpoints] required,
        flow_logs: bool => [flow_logs] default(Vpc::DEFAULT_FLOW_LOGS),
    }
}

dsl_block! {
    /// `cluster { … }`
    static CLUSTER = ("cluster", repeated: false), struct ClusterDraft, enum ClusterKey, fn finish() -> Cluster {} {
        endpoint: EndpointAccess => [endpoint] required,
        logs: Vec<LogType> => [logs] required,
        log_retention_days: u32 => [log_retention_days] required,
        log_archive_days: u32 => [log_archive_days] default(Cluster::DEFAULT_LOG_ARCHIVE_DAYS),
        log_archive_destroyable_in: Vec<String> => [log_archive_destroyable_in]
            default(Vec::new(), "none: every environment retains its archive"),
    }
}

dsl_block! {
    /// `encryption { … }`: the switches exist so that writing `false` is a compile error that says why
    /// (`encryption/required`) rather than a silently ignored key.
    static ENCRYPTION = ("encryption", repeated: false), struct EncryptionDraft, enum EncryptionKey,
        fn finish() -> Encryption {} {
        secrets: bool => [secrets] default(true),
        ebs: bool => [ebs] default(true),
        logs: bool => [logs] default(true),
        tenant_keys: bool => [tenant_keys] default(true),
        key_rotation: bool => [key_rotation] default(true),
    }
}

/// Every switch on: the `encryption` block's defaults, which a platform that writes no block has.
impl Default for Encryption {
    fn default() -> Self {
        EncryptionDraft::default().finish().expect("every key of `encryption` has a default")
    }
}

dsl_block! {
    /// `node_group <name> { … }`
    static NODE_GROUP = ("node_group", repeated: true), struct NodeGroupDraft, enum NodeGroupKey {
        workload: WorkloadClass => [workload]
            optional("the group's name when that is `critical`, `general` or `batch`; required otherwise"),
        instance_types: Vec<String> => [instance_types] required,
        capacity: Capacity => [capacity] required,
        size: RangeInclusive<u32> => [min_size, max_size] required,
        desired: u32 => [desired_size] optional("the minimum size"),
        os: NodeOs => [os] default(NodeGroup::DEFAULT_OS),
        disk_gib: u32 => [disk_gib] default(NodeGroup::DEFAULT_DISK_GIB),
        labels: BTreeMap<String, String> => [labels] default(BTreeMap::new(), "none"),
        taints: Vec<Taint> => [taints] default(Vec::new(), "none"),
    }
}

impl NodeGroupDraft {
    /// The node group `name`; `workload` is missing when it is not written and `name` is not a workload class.
    /// Written by hand: `size` fills two fields, and `desired` and `workload` default to what other values say.
    pub fn finish(self, name: &str) -> Result<NodeGroup, Missing> {
        let workload = self.workload.or_else(|| NodeGroup::default_workload(name));
        let mut missing = self.missing();
        if workload.is_none() {
            missing.insert(0, "workload");
        }
        let d = self;
        (move || {
            let size = d.size?;
            Some(NodeGroup {
                name: name.to_owned(),
                workload: workload?,
                instance_types: d.instance_types?,
                capacity: d.capacity?,
                min_size: *size.start(),
                desired_size: d.desired.unwrap_or(*size.start()),
                max_size: *size.end(),
                os: d.os.unwrap_or(NodeGroup::DEFAULT_OS),
                disk_gib: d.disk_gib.unwrap_or(NodeGroup::DEFAULT_DISK_GIB),
                labels: d.labels.unwrap_or_default(),
                taints: d.taints.unwrap_or_default(),
            })
        })()
        .ok_or(Missing(missing))
    }
}

dsl_block! {
    /// `tenant <name> { … }`
    static TENANT = ("tenant", repeated: true), struct TenantDraft, enum TenantKey,
        fn finish(name: &str) -> Tenant { name: name.to_owned() } {
        node_groups: Vec<String> => [node_groups] required,
        pod_security: PodSecurity => [pod_security] default(Tenant::DEFAULT_POD_SECURITY),
        groups: Vec<GroupBinding> => [groups] required,
        secret_prefix: String => [secret_prefix]
            default(Tenant::default_secret_prefix(name), "the tenant's namespace and `/` (`payments/`)"),
        cross_account_roles: Vec<String> => [cross_account_roles] default(Vec::new(), "none"),
        quota: Quota => [quota] required in QUOTA,
        allow_from: Vec<Flow> => [allow_from] default(Vec::new(), "none: only the tenant's own namespace"),
        pci: bool => [pci] default(false),
    }
}

dsl_block! {
    /// `quota: { … }` of a tenant.
    static QUOTA = ("quota", repeated: false), struct QuotaDraft, enum QuotaKey, fn finish() -> Quota {} {
        cpu: String => [cpu] required,
        memory: String => [memory] required,
        pods: u32 => [pods] required,
    }
}

dsl_block! {
    /// `addon <kind> { … }`: an EKS managed addon and its overrides.
    static ADDON = ("addon", repeated: true), struct AddonDraft, enum AddonKey,
        fn finish(kind: AddonKind) -> Addon { kind: kind } {
        replicas: u32 => [replicas] optional("not overridden"),
        node_group: String => [node_group] optional("not overridden"),
        resources: Resources => [resources] optional("not overridden") in RESOURCES,
    }
}

dsl_block! {
    /// `resources: { … }` of an addon: the requests (and memory limit) of its pods.
    static RESOURCES = ("resources", repeated: false), struct ResourcesDraft, enum ResourcesKey,
        fn finish() -> Resources {} {
        cpu: String => [cpu] required,
        memory: String => [memory] required,
    }
}

dsl_block! {
    /// `irsa <name> { … }`: an IAM role for a Kubernetes service account. `policy` is a managed policy keyword
    /// or a list of statements.
    static IRSA = ("irsa", repeated: true), struct IrsaDraft, enum IrsaKey,
        fn finish(name: &str) -> IrsaBinding { name: name.to_owned() } {
        namespace: String => [namespace] required,
        service_account: String => [service_account] required,
        policy: Policy => [policy] required in STATEMENT,
    }
}

dsl_block! {
    /// One `{ actions: [...], resources: [...] }` statement of a custom IRSA policy.
    static STATEMENT = ("policy", repeated: false), struct StatementDraft, enum StatementKey,
        fn finish() -> Statement {} {
        actions: Vec<String> => [actions] required,
        resources: Vec<String> => [resources] required,
    }
}

dsl_block! {
    /// `identity azure_ad { … }`: Azure AD (Entra ID) as the cluster's OIDC identity provider.
    static IDENTITY = ("identity", repeated: false), struct IdentityDraft, enum IdentityKey,
        fn finish() -> Identity {} {
        tenant_id: String => [tenant_id] required,
        client_id: String => [client_id] required,
        username_claim: String => [username_claim] default(Identity::DEFAULT_USERNAME_CLAIM),
        groups_claim: String => [groups_claim] default(Identity::DEFAULT_GROUPS_CLAIM),
        username_prefix: String => [username_prefix] default(Identity::DEFAULT_PREFIX),
        groups_prefix: String => [groups_prefix] default(Identity::DEFAULT_PREFIX),
        cluster_roles: Vec<ClusterGroupBinding> => [cluster_roles] default(Vec::new(), "none"),
    }
}

/// The key a field path lies under (`vpc.private_subnets[1]` → `vpc`'s `private_subnets`,
/// `node_groups[0].min_size` → `node_group`'s `size`), walking nested blocks; `None` when a segment names no
/// key (a path the parser could never record).
pub fn key_at(path: &str) -> Option<&'static Key> {
    let mut block: &'static Block = &PLATFORM;
    let mut rest = path;
    let mut found = None;
    loop {
        rest = rest.trim_start_matches('.');
        // Indices (`[3]`) select an item of a list or a repeated block.
        while let Some(after) = rest.strip_prefix('[') {
            rest = &after[after.find(']')? + 1..];
        }
        rest = rest.trim_start_matches('.');
        if rest.is_empty() {
            return found;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = block.key_for_field(&rest[..end])?;
        found = Some(key);
        rest = &rest[end..];
        match key.block {
            Some(nested) => block = nested,
            // Beyond a plain value: its items or map keys (`labels.team/x`), not keys of the schema.
            None => return found,
        }
    }
}

/// How a value of a key's type is written in the DSL, by the type the parser reads it into ([`Key::value`]); the
/// alternatives of a keyword are the model's own spellings. `None` for a type this table does not know (a test
/// keeps it complete).
pub fn value_shape(value: &str) -> Option<String> {
    use crate::model::Keyword;
    fn one_of<K: Keyword>() -> String {
        let all: Vec<String> = K::ALL.iter().map(|(spelling, _)| format!("`{spelling}`")).collect();
        format!("one of {}", all.join(", "))
    }
    fn list_of<K: Keyword>() -> String {
        let all: Vec<&str> = K::ALL.iter().map(|(spelling, _)| *spelling).collect();
        format!("a list of: `[{}]`", all.join(", "))
    }
    Some(match value {
        "String" => "a string literal: `\"…\"`".into(),
        "u32" => "an integer: `90`".into(),
        "bool" => "`true` or `false`".into(),
        "Vec<String>" => "a list of string literals: `[\"…\", \"…\"]`".into(),
        "BTreeMap<String, String>" => {
            "a map of string literals (keys quoted or bare): `{ \"key\": \"value\", … }`".into()
        }
        "Vec<Flow>" => "a list of sources and ports, a source being a tenant or `load_balancers`: \
                        `[<tenant>: <port>, load_balancers: <first>..=<last>, …]`"
            .into(),
        "Vec<DnsZone>" => "a map of zone name to hosted zone id: `{ \"example.com\": \"Z…\" }`".into(),
        "NatGateways" => one_of::<NatGateways>(),
        "Vec<Endpoint>" => list_of::<Endpoint>(),
        "EndpointAccess" => one_of::<EndpointAccess>(),
        "Vec<LogType>" => list_of::<LogType>(),
        "WorkloadClass" => one_of::<WorkloadClass>(),
        "Capacity" => "`on_demand`, `spot` or `mixed(spot: <1–99>%)`".into(),
        "RangeInclusive<u32>" => "an inclusive range: `<min>..=<max>`".into(),
        "NodeOs" => one_of::<NodeOs>(),
        "Vec<Taint>" => {
            let effects: Vec<&str> = TaintEffect::ALL.iter().map(|(spelling, _)| *spelling).collect();
            format!("a list of taints: `[<key> = \"<value>\": {}]`", effects.join(" \\| "))
        }
        "PodSecurity" => one_of::<PodSecurity>(),
        "Vec<GroupBinding>" => {
            let roles: Vec<&str> = TenantRole::ALL.iter().map(|(spelling, _)| *spelling).collect();
            format!(
                "a map of role ({}) to Azure AD group object id: `{{ {}: \"<GUID>\", … }}`",
                roles.join(", "),
                roles[0]
            )
        }
        "Vec<ClusterGroupBinding>" => {
            let roles: Vec<&str> = ClusterRole::ALL.iter().map(|(spelling, _)| *spelling).collect();
            format!(
                "a map of role ({}) to Azure AD group object id: `{{ {}: \"<GUID>\", … }}`",
                roles.join(", "),
                roles[0]
            )
        }
        "Policy" => {
            let known: Vec<&str> = ManagedPolicy::ALL.iter().map(|(spelling, _)| *spelling).collect();
            format!(
                "a known policy ({}) or a list of statements: `[{{ actions: [\"…\"], resources: [\"…\"] }}]`",
                known.join(", ")
            )
        }
        "Vpc" | "Cluster" | "Encryption" | "Identity" => "a block: `{ … }` after the key, no colon".into(),
        "Quota" | "Resources" => "a block value: `: { … }`".into(),
        "Vec<NodeGroup>" | "Vec<Tenant>" | "Vec<Addon>" | "Vec<IrsaBinding>" => {
            "named blocks, one per item: `<key> <name> { … }`".into()
        }
        _ => return None,
    })
}

/// Every block's keys as a Markdown reference (`docs/dsl.md`): the value's shape, an example, required or the
/// default. The examples are the values written in `sources` (name, text: definitions that compile), the first
/// that sets the key in that block.
pub fn reference(sources: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "# DSL reference\n\nGenerated from `platform-core/src/schema.rs` (the test `schema::tests::the_reference_is_current` \
         checks it; `UPDATE_DSL_REFERENCE=1 cargo test -p platform-core schema` rewrites it). Every key of every \
         block of `platform! { … }`, how its value is written, an example taken from a definition that compiles, the \
         model field it fills and what an unwritten key means.\n",
    );
    let names: Vec<String> = sources.iter().map(|(name, _)| format!("`{name}`")).collect();
    out += &format!("\nExamples come from {}, in that order.\n", names.join(", "));
    let mut seen: Vec<&str> = Vec::new();
    let mut queue: Vec<&'static Block> = vec![&PLATFORM];
    while let Some(block) = queue.pop() {
        if seen.contains(&block.name) {
            continue;
        }
        seen.push(block.name);
        out += &format!("\n## `{}`{}\n\n", block.name, if block.repeated { " (one per item)" } else { "" });
        out += "| key | value | example | model field | when not written |\n|---|---|---|---|---|\n";
        for key in block.keys {
            let fields: Vec<String> = key.fields.iter().map(|f| format!("`{f}`")).collect();
            let default = match (key.required, key.default()) {
                (true, _) => "required".to_owned(),
                (false, Some(default)) => default,
                (false, None) => "optional".to_owned(),
            };
            let shape = value_shape(key.value).unwrap_or_else(|| "?".into());
            let example = match key.block {
                Some(_) => "see below".to_owned(),
                None => sources
                    .iter()
                    .find_map(|(_, text)| example(text, block.name, key.name))
                    .map_or_else(|| "—".to_owned(), |v| format!("`{}`", v.replace('|', "\\|"))),
            };
            out += &format!("| `{}` | {shape} | {example} | {} | {default} |\n", key.name, fields.join(", "));
        }
        if *block == IRSA {
            out += &implied_bindings();
        }
        let nested: Vec<&'static Block> = block.keys.iter().filter_map(|k| k.block).collect();
        queue.extend(nested.into_iter().rev());
    }
    out
}

/// The bindings the DSL implies ([`IrsaBinding::with_implied`]), as a Markdown table under the `irsa` block.
fn implied_bindings() -> String {
    let mut out = String::from(
        "
Every platform controller has the binding below unless an `irsa` block with its `policy` is written, \
         which replaces it (a second such block is refused, `irsa/controller-roles`); the controller's role takes \
         the binding's name.\n\n| implied binding | `namespace` | `service_account` | `policy` |\n|---|---|---|---|\n",
    );
    for &(_, policy) in ManagedPolicy::ALL {
        let b = policy.implied_binding();
        out += &format!("| `irsa {}` | `\"{}\"` | `\"{}\"` | `{policy}` |\n", b.name, b.namespace, b.service_account);
    }
    out
}

/// The value `key` is given in the first `block` of a definition's source text that sets it (`block` as the
/// schema names it: `platform!`, `vpc`, `node_group`, `quota`, `policy`, …), whitespace collapsed, long values
/// cut. Line comments are ignored.
pub fn example(source: &str, block: &str, key: &str) -> Option<String> {
    let text: String = source.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let bytes = text.as_bytes();
    let pattern = format!("{key}:");
    let mut from = 0;
    while let Some(i) = text[from..].find(&pattern).map(|i| i + from) {
        from = i + pattern.len();
        let bounded = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if !bounded || enclosing_block(&text[..i]).as_deref() != Some(block) {
            continue;
        }
        let value = value_at(&text[from..]);
        let value: String =
            value.split_whitespace().collect::<Vec<_>>().join(" ").replace("[ ", "[").replace(" ]", "]");
        let value = if value.chars().count() > 80 { value.chars().take(77).collect::<String>() + "…" } else { value };
        return Some(value);
    }
    None
}

/// The name of the block whose `{` encloses the end of `before`: the keyword before the brace (`node_group
/// critical {` → `node_group`, `platform! {` → `platform!`), or the key of a block value (`quota: {` → `quota`,
/// `policy: [{` → `policy`).
fn enclosing_block(before: &str) -> Option<String> {
    let mut depth = 0i32;
    let mut open = None;
    for (i, c) in before.char_indices().rev() {
        match c {
            '}' | ']' | ')' => depth += 1,
            '{' | '[' | '(' if depth > 0 => depth -= 1,
            '{' => {
                open = Some(i);
                break;
            }
            _ => {}
        }
    }
    let head = before[..open?].trim_end();
    let head = head.strip_suffix('[').map(str::trim_end).unwrap_or(head);
    if let Some(key) = head.strip_suffix(':') {
        let key = key.trim_end();
        let start = key.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        return Some(key[start..].to_owned());
    }
    let start = head.rfind(['{', '}', ',', '(', '\n']).map_or(0, |i| i + 1);
    head[start..].split_whitespace().next().map(str::to_owned)
}

/// The text of a value up to the `,` or closing bracket that ends it (brackets and string literals skipped).
fn value_at(rest: &str) -> &str {
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    for (i, c) in rest.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' if depth == 0 => return rest[..i].trim(),
            '}' | ']' | ')' => depth -= 1,
            ',' if depth == 0 => return rest[..i].trim(),
            _ => {}
        }
    }
    rest.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every block, walked from the top level.
    fn blocks() -> Vec<&'static Block> {
        let mut all: Vec<&'static Block> = vec![&PLATFORM];
        let mut i = 0;
        while i < all.len() {
            for nested in all[i].keys.iter().filter_map(|k| k.block) {
                if !all.iter().any(|b| std::ptr::eq(*b, nested)) {
                    all.push(nested);
                }
            }
            i += 1;
        }
        all
    }

    #[test]
    fn tables_are_well_formed() {
        let all = blocks();
        assert_eq!(all.len(), 12, "every block is reachable from the top level");
        for block in all {
            for (i, key) in block.keys.iter().enumerate() {
                assert!(block.keys[..i].iter().all(|k| k.name != key.name), "`{}` twice in `{}`", key.name, block.name);
                assert!(!key.fields.is_empty());
                assert_eq!(
                    key.required,
                    key.default().is_none(),
                    "`{}` of `{}` says what its absence means",
                    key.name,
                    block.name
                );
            }
        }
        // Repeated blocks are items of a top-level list; nothing else is repeated.
        for key in PLATFORM.keys {
            let list = key.value.starts_with("Vec<") && key.block.is_some();
            assert_eq!(key.block.is_some_and(|b| b.repeated), list, "`{}`", key.name);
        }
    }

    /// The reference shows the default `finish` applies: each draft finished with its required keys alone.
    #[test]
    fn defaults_documented_are_the_defaults_applied() {
        let tick = |v: &dyn std::fmt::Display| Some(format!("`{v}`"));
        let doc = |block: &Block, key: &str| block.key(key).and_then(Key::default);
        let strings = |v: &[&str]| Some(v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        let vpc = VpcDraft {
            cidr: Some("10.0.0.0/16".into()),
            private_subnets: strings(&[]),
            public_subnets: strings(&[]),
            pod_cidr: Some("100.64.0.0/16".into()),
            nat_gateways: Some(NatGateways::Single),
            endpoints: Some(vec![]),
            ..Default::default()
        }
        .finish()
        .unwrap();
        assert_eq!(doc(&VPC, "flow_logs"), tick(&vpc.flow_logs));
        let cluster = ClusterDraft {
            endpoint: Some(EndpointAccess::Private),
            logs: Some(vec![]),
            log_retention_days: Some(90),
            ..Default::default()
        }
        .finish()
        .unwrap();
        assert_eq!(doc(&CLUSTER, "log_archive_days"), tick(&cluster.log_archive_days));
        assert!(cluster.log_archive_destroyable_in.is_empty());
        let group = NodeGroupDraft {
            instance_types: strings(&["m5.large"]),
            capacity: Some(Capacity::OnDemand),
            size: Some(3..=6),
            ..Default::default()
        }
        .finish("critical")
        .unwrap();
        assert_eq!(doc(&NODE_GROUP, "disk_gib"), tick(&group.disk_gib));
        assert_eq!(doc(&NODE_GROUP, "os"), tick(&group.os));
        assert!(group.labels.is_empty() && group.taints.is_empty());
        let tenant = TenantDraft {
            node_groups: strings(&["critical"]),
            groups: Some(vec![]),
            quota: Some(Quota { cpu: "1".into(), memory: "1Gi".into(), pods: 1 }),
            ..Default::default()
        }
        .finish("payments")
        .unwrap();
        assert_eq!(doc(&TENANT, "pod_security"), tick(&tenant.pod_security));
        assert_eq!(doc(&TENANT, "pci"), tick(&tenant.pci));
        assert!(tenant.cross_account_roles.is_empty() && tenant.allow_from.is_empty());
        let identity = IdentityDraft { tenant_id: Some("t".into()), client_id: Some("c".into()), ..Default::default() }
            .finish()
            .unwrap();
        assert_eq!(doc(&IDENTITY, "username_claim"), tick(&identity.username_claim));
        assert_eq!(doc(&IDENTITY, "groups_claim"), tick(&identity.groups_claim));
        assert_eq!(doc(&IDENTITY, "username_prefix"), tick(&identity.username_prefix));
        assert_eq!(doc(&IDENTITY, "groups_prefix"), tick(&identity.groups_prefix));
        let on = EncryptionDraft::default().finish().unwrap();
        assert_eq!(on, Encryption::default());
        let switches = [on.secrets, on.ebs, on.logs, on.tenant_keys, on.key_rotation];
        for (key, value) in ENCRYPTION.names().zip(switches) {
            assert_eq!(doc(&ENCRYPTION, key), tick(&value), "{key}");
        }
        // Shown in words: what the DSL writes for a value that is not one keyword or number.
        assert_eq!(doc(&PLATFORM, "tags").as_deref(), Some("none"));
        assert_eq!(doc(&NODE_GROUP, "desired").as_deref(), Some("the minimum size"));
        assert_eq!(doc(&VPC, "cidr"), None, "required");
    }

    #[test]
    fn finish_applies_the_defaults_and_names_what_is_missing() {
        let draft = NodeGroupDraft {
            instance_types: Some(vec!["m5.large".into()]),
            capacity: Some(Capacity::OnDemand),
            size: Some(3..=6),
            ..Default::default()
        };
        let g = draft.clone().finish("critical").unwrap();
        assert_eq!((g.workload, g.min_size, g.desired_size, g.max_size), (WorkloadClass::Critical, 3, 3, 6));
        assert_eq!((g.os, g.disk_gib), (NodeGroup::DEFAULT_OS, NodeGroup::DEFAULT_DISK_GIB));
        assert_eq!(draft.clone().finish("payments"), Err(Missing(vec!["workload"])));
        let partial = NodeGroupDraft { capacity: None, size: None, ..draft };
        assert_eq!(
            partial.finish("x").unwrap_err().to_string(),
            "missing the required keys `workload`, `capacity`, `size`"
        );
        let t = TenantDraft {
            node_groups: Some(vec!["general".into()]),
            groups: Some(vec![]),
            quota: Some(Quota { cpu: "1".into(), memory: "1Gi".into(), pods: 1 }),
            ..Default::default()
        };
        assert_eq!(t.finish("card_data").unwrap().secret_prefix, "card-data/");
        assert_eq!(IdentityDraft::default().finish(), Err(Missing(vec!["tenant_id", "client_id"])));
    }

    #[test]
    fn paths_resolve_to_their_keys() {
        let at = |p: &str| key_at(p).map(|k| k.name);
        assert_eq!(at("vpc.private_subnets[1]"), Some("private_subnets"));
        assert_eq!(at("node_groups[0].min_size"), Some("size"));
        assert_eq!(at("node_groups[0].desired_size"), Some("desired"));
        assert_eq!(at("node_groups[2].labels.node.kubernetes.io/x"), Some("labels"));
        assert_eq!(at("tenants[1].quota.pods"), Some("pods"));
        assert_eq!(at("irsa[0].policy[2].actions[1]"), Some("actions"));
        assert_eq!(at("node_groups"), Some("node_group"));
        assert_eq!(at("node_groups[0].size"), None, "`size` is a key, not a model field");
        assert_eq!(at("vpc.cdir"), None);
    }

    /// The definitions the reference takes its examples from: files that compile (the customer's definition, the
    /// example crate, the ui-tests' base).
    const SOURCES: &[(&str, &str)] = &[
        ("platform-bin/src/platform.rs", include_str!("../../platform-bin/src/platform.rs")),
        ("examples/payments-sandbox/src/main.rs", include_str!("../../examples/payments-sandbox/src/main.rs")),
        ("ui-tests/base/platform.rs", include_str!("../../ui-tests/base/platform.rs")),
        ("ui-tests/pass/every_key.rs", include_str!("../../ui-tests/pass/every_key.rs")),
    ];

    #[test]
    fn the_reference_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/dsl.md");
        if std::env::var_os("UPDATE_DSL_REFERENCE").is_some() {
            std::fs::write(&path, reference(SOURCES)).unwrap();
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == reference(SOURCES),
            "docs/dsl.md is stale: UPDATE_DSL_REFERENCE=1 cargo test -p platform-core schema"
        );
    }

    /// Every key's value has a shape, and every key not a block has an example in the sources.
    #[test]
    fn every_key_has_a_shape_and_an_example() {
        let mut missing = Vec::new();
        for block in blocks() {
            for key in block.keys {
                assert!(value_shape(key.value).is_some(), "no shape for `{}` ({})", key.name, key.value);
                let found = SOURCES.iter().find_map(|(_, t)| example(t, block.name, key.name));
                if key.block.is_none() && found.is_none() {
                    missing.push(format!("{}.{}", block.name, key.name));
                }
            }
        }
        assert!(missing.is_empty(), "no example in the sources: {missing:?}");
    }

    #[test]
    fn examples_are_read_from_their_block() {
        let source =
            "platform! {\n    name: \"x\", // c\n    vpc { cidr: \"10.0.0.0/16\", endpoints: [s3, ec2] }\n    \
                      tenant a { quota: { cpu: \"2\", pods: 3 }, groups: { admin: \"g\" } }\n    \
                      irsa b { policy: [{ actions: [\"s3:Get\"], resources: [\"arn\"] }] }\n    \
                      addon c { resources: { cpu: \"1\" } }\n}";
        assert_eq!(example(source, "platform!", "name").as_deref(), Some("\"x\""));
        assert_eq!(example(source, "vpc", "endpoints").as_deref(), Some("[s3, ec2]"));
        assert_eq!(example(source, "quota", "cpu").as_deref(), Some("\"2\""));
        assert_eq!(example(source, "resources", "cpu").as_deref(), Some("\"1\""));
        assert_eq!(example(source, "policy", "actions").as_deref(), Some("[\"s3:Get\"]"));
        assert_eq!(example(source, "tenant", "groups").as_deref(), Some("{ admin: \"g\" }"));
        assert_eq!(example(source, "vpc", "name"), None, "only in its own block");
    }
}
