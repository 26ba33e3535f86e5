//! Where a value of a definition is: the path findings, spans and the schema share. A leaf: it imports nothing.

use serde::Serialize;

/// A path to one value of a definition, e.g. `vpc.private_subnets[1]` or `node_groups[0].taints`.
///
/// The macro records the span of every value under the same path, so a finding lands on the token it is about
/// (or, for something missing, on the nearest enclosing token: see [`FieldPath::parent`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(transparent)]
pub struct FieldPath(String);

impl FieldPath {
    /// The whole definition.
    pub fn root() -> Self {
        FieldPath(String::new())
    }

    /// `self.key`
    pub fn key(&self, key: &str) -> Self {
        if self.0.is_empty() {
            FieldPath(key.to_owned())
        } else {
            FieldPath(format!("{}.{key}", self.0))
        }
    }

    /// `self[index]`
    pub fn index(&self, index: usize) -> Self {
        FieldPath(format!("{}[{index}]", self.0))
    }

    /// The enclosing path (`a.b[1]` → `a.b` → `a` → root), or `None` at the root.
    pub fn parent(&self) -> Option<Self> {
        if self.0.is_empty() {
            return None;
        }
        let cut = self.0.rfind(['.', '[']).unwrap_or(0);
        Some(FieldPath(self.0[..cut].to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last key (`desired_size` of `node_groups[1].desired_size`), `None` when the path ends in an index.
    pub fn last(&self) -> Option<&str> {
        if self.0.ends_with(']') {
            return None;
        }
        Some(self.0.rsplit(['.', ']']).next().unwrap_or(&self.0)).filter(|s| !s.is_empty())
    }

    /// The repeated block the path lies in (`tenants[1]` of `tenants[1].quota.cpu`), if any.
    pub fn item(&self) -> Option<FieldPath> {
        let top = self.0.find('.').map_or(self.0.as_str(), |dot| &self.0[..dot]);
        top.ends_with(']').then(|| FieldPath(top.to_owned()))
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            f.write_str("<platform>")
        } else {
            f.write_str(&self.0)
        }
    }
}
