//! What a check reports: the rule, where (a field path into the definition), the value, and how to fix it.

use serde::Serialize;

use super::field_path::FieldPath;
use super::rule::{Rule, Severity};

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
    /// The fix as DSL text, when one change removes the finding: `help` shows it (in backticks), and a test
    /// applies it to every ui-test and checks the finding is gone. `None` when the owner must decide (which of
    /// two names to change, what a role should be allowed); the help then says what to decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The other values the finding is about (the first of two duplicates, the tenant whose prefix overlaps):
    /// [`super::implied`] uses them to tell whether another finding has the same cause.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<FieldPath>,
}

/// A machine-applicable suggestion, in the spirit of rustc's: DSL text and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fix {
    /// Write `value` (DSL text) for the value at `path`: a key of a block (replaced, or added when unwritten),
    /// an item of a list (`availability_zones[2]`), or a repeated block's name (at the block, `tenants[1]`).
    Set { path: FieldPath, value: String },
    /// Add `item` (DSL text) to the list at `path`.
    Append { path: FieldPath, item: String },
    /// Remove the key at `path`.
    Remove { path: FieldPath },
    /// Add a top-level block (`addon kube_proxy {}`).
    Block { text: String },
    /// Several changes together (`namespace: "kube-system", service_account: "ebs-csi-controller-sa"`).
    All(Vec<Fix>),
}

impl Fix {
    pub fn set(path: FieldPath, value: impl Into<String>) -> Self {
        Fix::Set { path, value: value.into() }
    }

    /// The DSL text the help shows: `desired: 12`, `"us-east-2c"` (a list item), `tenant api` (a name),
    /// `ecr_dkr` (an item to add), `replicas` (a key to remove), the block.
    pub fn dsl(&self) -> String {
        match self {
            Fix::Set { path, value } => {
                let last = path.last();
                match crate::schema::key_at(path.as_str()) {
                    // A repeated block's name (its path is the item's): `tenant api`.
                    Some(key) if last.is_none() && key.block.is_some_and(|b| b.repeated) => {
                        format!("{} {value}", key.name)
                    }
                    _ if last.is_none() => value.clone(),
                    Some(key) if key.fields.contains(&last.unwrap_or_default()) => format!("{}: {value}", key.name),
                    // A map's key (`labels.workload`): an identifier, or a string.
                    _ => {
                        let key = last.unwrap_or_default();
                        let ident = key.starts_with(|c: char| c.is_ascii_alphabetic())
                            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                        if ident {
                            format!("{key}: {value}")
                        } else {
                            format!("{key:?}: {value}")
                        }
                    }
                }
            }
            Fix::Append { item, .. } => item.clone(),
            Fix::Remove { path } => {
                crate::schema::key_at(path.as_str()).map_or_else(|| path.to_string(), |k| k.name.to_owned())
            }
            Fix::Block { text } => text.clone(),
            Fix::All(fixes) => fixes.iter().map(Fix::dsl).collect::<Vec<_>>().join(", "),
        }
    }
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
            fix: None,
            related: Vec::new(),
        }
    }

    /// With a machine-applicable fix; `help` must show [`Fix::dsl`] in backticks (the suggestion test checks).
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// With `fix`, if there is one.
    pub fn maybe_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// With the fix "write `value` at the finding's own path" ([`Fix::Set`]).
    pub fn with_set(self, value: impl Into<String>) -> Self {
        let fix = Fix::set(self.path.clone(), value);
        self.with_fix(fix)
    }

    /// Naming the other value the finding is about.
    pub fn related_to(mut self, path: FieldPath) -> Self {
        self.related.push(path);
        self
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

    /// How many findings there are now: the start of the rules run from here on, for [`Findings::guarded`].
    pub(crate) fn mark(&self) -> usize {
        self.0.len()
    }

    /// Whether a rule reported an error since `mark`.
    pub(crate) fn erred_since(&self, mark: usize) -> bool {
        self.0[mark..].iter().any(|f| f.severity == Severity::Error)
    }

    /// `part` of the checked model, built by the checks run since `mark`: a part those rules guard is missing only
    /// when one of them reported an error. One missing without is a bug of the pass (caught in debug builds);
    /// [`crate::check_platform`] then refuses the platform rather than panicking.
    pub(crate) fn guarded<T>(&self, mark: usize, what: &str, part: Option<T>) -> Option<T> {
        debug_assert!(
            part.is_some() || self.erred_since(mark),
            "{what} is missing from the checked model, but no rule reported an error: {self}"
        );
        part
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

    fn error() -> Finding {
        Finding::new(Rule::InvalidCidr, FieldPath::root().key("vpc"), "x", "x", "x")
    }

    #[test]
    fn a_guarded_part_is_missing_only_after_an_error() {
        let mut findings = Findings::default();
        findings.push(error());
        let mark = findings.mark();
        assert_eq!(findings.guarded(mark, "a part", Some(1)), Some(1));
        assert!(!findings.erred_since(mark), "the error before the mark is not the part's");
        findings.push(error());
        assert!(findings.erred_since(mark));
        assert_eq!(findings.guarded(mark, "a part", None::<u8>), None);
    }

    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "the network is missing from the checked model, but no rule reported an error")]
    fn a_part_missing_without_an_error_is_a_bug() {
        Findings::default().guarded(0, "the network", None::<u8>);
    }

    #[test]
    fn paths_build_and_walk_up() {
        let p = FieldPath::root().key("node_groups").index(2).key("taints");
        assert_eq!(p.as_str(), "node_groups[2].taints");
        let up: Vec<String> = std::iter::successors(Some(p), |p| p.parent()).map(|p| p.to_string()).collect();
        assert_eq!(up, ["node_groups[2].taints", "node_groups[2]", "node_groups", "<platform>"]);
    }
}
