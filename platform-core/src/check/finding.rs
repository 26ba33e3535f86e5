//! What a check reports: the rule, where (a field path into the definition), the value, and how to fix it.

use serde::Serialize;

use super::Rule;

/// Whether a finding stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

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

/// One violated rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Where in the definition.
    pub path: FieldPath,
    /// The offending value as written (or a summary, e.g. `"spot 40% of 56 vCPU"`).
    pub value: String,
    /// What is wrong, in one sentence naming the value.
    pub message: String,
    /// How to fix it, concretely (the token to write where possible).
    pub help: String,
}

impl Finding {
    /// A finding of `rule`, with the rule's severity.
    pub fn new(
        rule: Rule,
        path: FieldPath,
        value: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity: rule.severity(),
            path,
            value: value.into(),
            message: message.into(),
            help: help.into(),
        }
    }
}

/// `<rule>: <message>` then `help: <help>` on the next line: the text of a compile error or CLI line.
impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}\n  help: {}", self.rule, self.message, self.help)
    }
}

/// All findings of one definition, in the order the checks produced them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(transparent)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.0.iter().filter(|f| f.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.0.iter().filter(|f| f.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    /// The findings of one rule (handy in tests).
    pub fn of(&self, rule: Rule) -> Vec<&Finding> {
        self.0.iter().filter(|f| f.rule == rule).collect()
    }
}

impl std::fmt::Display for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, finding) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{finding}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Findings {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_build_and_walk_up() {
        let p = FieldPath::root().key("node_groups").index(2).key("taints");
        assert_eq!(p.as_str(), "node_groups[2].taints");
        let up: Vec<String> = std::iter::successors(Some(p), |p| p.parent()).map(|p| p.to_string()).collect();
        assert_eq!(up, ["node_groups[2].taints", "node_groups[2]", "node_groups", "<platform>"]);
    }
}
