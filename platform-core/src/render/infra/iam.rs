//! IAM policy documents as `data "aws_iam_policy_document"` blocks (validated by Terraform against the provider
//! schema, unlike hand-built JSON strings), plus the ARNs every module builds from the partition and account.

use serde_json::{json, Value};

use super::refs;
use crate::naming::ServiceRole;
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr, Ref};

/// One `Allow` statement (the platform writes no `Deny`: everything not allowed is denied).
#[derive(Debug, Clone, Default)]
pub(crate) struct Statement {
    sid: String,
    actions: Vec<String>,
    resources: Vec<String>,
    principals: Vec<(String, Vec<String>)>,
    conditions: Vec<(String, String, Vec<String>)>,
}

impl Statement {
    pub fn allow(sid: &str) -> Self {
        Statement { sid: sid.to_owned(), ..Default::default() }
    }

    pub fn actions<S: AsRef<str>>(mut self, actions: &[S]) -> Self {
        self.actions.extend(actions.iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// ARNs: strings, templates or [`Expr`]s.
    pub fn resources<S: ToString>(mut self, resources: &[S]) -> Self {
        self.resources.extend(resources.iter().map(S::to_string));
        self
    }

    /// `principal_type` is `AWS`, `Service` or `Federated`.
    pub fn principal<S: ToString>(mut self, principal_type: &str, identifiers: &[S]) -> Self {
        self.principals.push((principal_type.to_owned(), identifiers.iter().map(S::to_string).collect()));
        self
    }

    /// A condition: `test` is the operator (`StringEquals`, `ArnLike`, `Bool`…).
    pub fn condition<S: ToString>(mut self, test: &str, variable: &str, values: &[S]) -> Self {
        self.conditions.push((test.to_owned(), variable.to_owned(), values.iter().map(S::to_string).collect()));
        self
    }

    fn to_value(&self) -> Value {
        let mut s = serde_json::Map::new();
        s.insert("sid".into(), json!(self.sid));
        s.insert("effect".into(), json!("Allow"));
        s.insert("actions".into(), json!(self.actions));
        if !self.resources.is_empty() {
            s.insert("resources".into(), json!(self.resources));
        }
        if !self.principals.is_empty() {
            let principals: Vec<Value> =
                self.principals.iter().map(|(t, ids)| json!({ "type": t, "identifiers": ids })).collect();
            s.insert("principals".into(), json!(principals));
        }
        if !self.conditions.is_empty() {
            let conditions: Vec<Value> = self
                .conditions
                .iter()
                .map(|(test, variable, values)| json!({ "test": test, "variable": variable, "values": values }))
                .collect();
            s.insert("condition".into(), json!(conditions));
        }
        Value::Object(s)
    }
}

/// Declares `data.aws_iam_policy_document.<name>`; use `.attr("json")` for the policy text.
pub(crate) fn policy_document(doc: &mut Document, name: &str, statements: &[Statement]) -> Ref {
    assert!(!statements.is_empty(), "policy document `{name}` has no statement");
    let statements: Vec<Value> = statements.iter().map(Statement::to_value).collect();
    doc.data("aws_iam_policy_document", name, json!({ "statement": statements }))
}

/// `data.aws_partition.current.partition`
pub(crate) fn partition() -> Expr {
    refs::partition().attr("partition")
}

/// `data.aws_caller_identity.current.account_id`
pub(crate) fn account() -> Expr {
    refs::caller_identity().attr("account_id")
}

/// `arn:<partition>:iam::aws:policy/<name>`: an AWS managed policy.
pub(crate) fn aws_managed_policy(name: &str) -> String {
    format!("arn:{}:iam::aws:policy/{name}", partition())
}

/// The account root principal (`arn:<partition>:iam::<account>:root`): lets IAM policies grant key use.
pub(crate) fn account_root() -> String {
    format!("arn:{}:iam::{}:root", partition(), account())
}

/// `arn:<partition>:<service>:<region>:<account>:<resource>`
pub(crate) fn arn(ctx: &Context, service: &str, resource: &str) -> String {
    format!("arn:{}:{service}:{}:{}:{resource}", partition(), ctx.platform.region, account())
}

/// A service principal. The catalog only holds commercial regions, where every service principal is
/// `<service>.amazonaws.com`.
pub(crate) fn service(name: &str) -> String {
    format!("{name}.amazonaws.com")
}

/// A trust policy letting an AWS service assume a role, limited to this account.
pub(crate) fn service_trust(doc: &mut Document, name: &str, service_name: &str) -> Ref {
    policy_document(
        doc,
        name,
        &[Statement::allow("TrustService").actions(&["sts:AssumeRole"]).principal("Service", &[service(service_name)])],
    )
}

/// A role an AWS service assumes, with one inline policy: `data.aws_iam_policy_document.<key>_trust`,
/// `aws_iam_role.<key>`, `data.aws_iam_policy_document.<key>` and `aws_iam_role_policy.<key>`. `component` names
/// the role and its policy (`role-…-<component>-…`, `policy-…-<component>-…`).
pub(crate) fn service_role(
    ctx: &Context,
    doc: &mut Document,
    key: &str,
    service: ServiceRole,
    description: &str,
    trust: Statement,
    statements: &[Statement],
) -> Ref {
    let trust = policy_document(doc, &format!("{key}_trust"), &[trust]);
    let role = doc.resource(
        "aws_iam_role",
        key,
        json!({
            "name": ctx.names.service_role(service),
            "description": description,
            "assume_role_policy": trust.attr("json"),
        }),
    );
    let policy = policy_document(doc, key, statements);
    doc.resource(
        "aws_iam_role_policy",
        key,
        json!({ "name": ctx.names.service_role_policy(service), "role": role.attr("id"), "policy": policy.attr("json") }),
    );
    role
}

/// Attaches an AWS managed policy to a role (`aws_iam_role_policy_attachment.<name>`).
pub(crate) fn attach_managed(doc: &mut Document, name: &str, role: &Ref, policy: &str) -> Ref {
    doc.resource(
        "aws_iam_role_policy_attachment",
        name,
        json!({ "role": role.attr("name"), "policy_arn": aws_managed_policy(policy) }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_render_as_policy_document_blocks() {
        let s = Statement::allow("X").actions(&["s3:GetObject"]).resources(&["arn:aws:s3:::b/*"]).condition(
            "StringEquals",
            "aws:SourceAccount",
            &["1"],
        );
        let v = s.to_value();
        assert_eq!(v["effect"], "Allow");
        assert_eq!(v["condition"][0]["test"], "StringEquals");
        assert!(v.get("principals").is_none());
    }
}
