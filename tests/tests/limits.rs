//! Size limits AWS and Kubernetes put on what the platform renders, at the scale issue 11 asks for: the customer's
//! platform grown to [`TENANTS`] tenants (`platform_core::scaled`). A document over its limit is refused at
//! `apply`, so it is a bug even when `terraform validate` passes.
//!
//! Policy documents are `data "aws_iam_policy_document"` blocks whose text is only known at plan time: each is
//! rebuilt here as the JSON the AWS provider sends, with every reference replaced by the longest value it can
//! take (a key ARN with its 36-character id, the account id, the OIDC issuer…), and measured by the rules of the
//! quota it is sent against.

use std::io::Write;
use std::sync::OnceLock;

use platform_core::render::cluster::cluster_root::{POLICY_CHART_DIR, POLICY_RELEASE};
use platform_core::render::{Artifacts, RenderOptions};
use platform_core::scaled::scaled_platform;
use platform_tests::{check_and_render, json_in, platform, resources, yaml_documents_in, ACCOUNT_ID};
use serde_json::{json, Map, Value};

/// The tenants of the bank of issue 11.
const TENANTS: usize = 1000;

// AWS IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas, "IAM and STS character quotas" and "Default
// quotas for IAM entities"; also the IAM FAQ): IAM does not count white space against these.
/// Sum of the inline policies of one role.
const ROLE_INLINE_POLICIES_CHARS: usize = 10_240;
/// One customer managed policy.
const MANAGED_POLICY_CHARS: usize = 6_144;
/// A role's trust policy, default quota (adjustable up to 4,096; the platform must not need an increase).
const ROLE_TRUST_POLICY_CHARS: usize = 2_048;
/// AWS KMS Developer Guide, "Resource quotas": key policy document size, 32 KB (32,768 bytes), white space
/// included.
const KEY_POLICY_BYTES: usize = 32_768;
/// Amazon S3 User Guide, bucket policies: "Bucket policies are limited to 20 KB in size", white space included.
const BUCKET_POLICY_BYTES: usize = 20 * 1024;

/// The customer's platform grown to [`TENANTS`] tenants, rendered once per test binary.
fn scaled() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| {
        let options = RenderOptions { environment_suffix: "prod".to_owned(), account_id: Some(ACCOUNT_ID.to_owned()) };
        check_and_render(&scaled_platform(platform(), TENANTS), &options)
            .unwrap_or_else(|e| panic!("the platform grown to {TENANTS} tenants does not render: {e}"))
    })
}

/// The longest value a reference inside a policy document can take in `doc`. A reference not listed fails the
/// test: a new one needs its bound here.
fn resolve(doc: &Value, reference: &str) -> String {
    let region = &platform().region;
    let account = "123456789012";
    let attribute =
        |ty: &str, name: &str, attr: &str| substitute(doc, doc["resource"][ty][name][attr].as_str().unwrap());
    let data_attribute =
        |ty: &str, name: &str, attr: &str| substitute(doc, doc["data"][ty][name][attr].as_str().unwrap());
    let parts: Vec<&str> = reference.split('.').collect();
    match parts.as_slice() {
        ["data", "aws_partition", "current", "partition"] => "aws".to_owned(),
        ["data", "aws_caller_identity", "current", "account_id"] => account.to_owned(),
        // `oidc.eks.<region>.amazonaws.com/id/<32 hex digits>`
        ["local", "oidc_issuer_host"] => format!("oidc.eks.{region}.amazonaws.com/id/{}", "F".repeat(32)),
        ["aws_iam_openid_connect_provider", _, "arn"] => {
            format!("arn:aws:iam::{account}:oidc-provider/oidc.eks.{region}.amazonaws.com/id/{}", "F".repeat(32))
        }
        // Key ids are UUIDs (36 characters; a multi-Region key's `mrk-` and 32 hex digits are as long).
        ["aws_kms_key", _, "arn"] => format!("arn:aws:kms:{region}:{account}:key/{}", "f".repeat(36)),
        // The archive root's bucket and key, as the infra root finds them (by the bucket's name, the key's alias).
        ["data", "aws_kms_key", _, "arn"] => format!("arn:aws:kms:{region}:{account}:key/{}", "f".repeat(36)),
        ["data", "aws_s3_bucket", name, "arn"] => {
            format!("arn:aws:s3:::{}", data_attribute("aws_s3_bucket", name, "bucket"))
        }
        ["aws_s3_bucket", name, "arn"] => format!("arn:aws:s3:::{}", attribute("aws_s3_bucket", name, "bucket")),
        ["aws_cloudwatch_log_group", name, "arn"] => {
            format!("arn:aws:logs:{region}:{account}:log-group:{}", attribute("aws_cloudwatch_log_group", name, "name"))
        }
        ["aws_kinesis_firehose_delivery_stream", name, "arn"] => format!(
            "arn:aws:firehose:{region}:{account}:deliverystream/{}",
            attribute("aws_kinesis_firehose_delivery_stream", name, "name")
        ),
        // `vpc-` and 17 hex digits.
        ["aws_vpc", _, "id"] => format!("vpc-{}", "f".repeat(17)),
        _ => panic!("no length bound for `${{{reference}}}` in a policy document: add one to `resolve`"),
    }
}

/// `text` with every `${…}` replaced by [`resolve`].
fn substitute(doc: &Value, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let end = start + rest[start..].find('}').expect("a closed interpolation");
        out.push_str(&rest[..start]);
        out.push_str(&resolve(doc, &rest[start + 2..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A list as the provider writes it: one element as a plain string.
fn one_or_many(values: Vec<String>) -> Value {
    if values.len() == 1 {
        json!(values[0])
    } else {
        json!(values)
    }
}

/// The policy JSON the AWS provider renders for `data.aws_iam_policy_document.<name>`, references resolved.
fn policy_json(doc: &Value, name: &str) -> Value {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().into_iter().flatten().map(|s| substitute(doc, s.as_str().unwrap())).collect()
    };
    let statements: Vec<Value> = doc["data"]["aws_iam_policy_document"][name]["statement"]
        .as_array()
        .unwrap_or_else(|| panic!("no policy document `{name}`"))
        .iter()
        .map(|s| {
            let mut out = Map::new();
            out.insert("Sid".into(), s["sid"].clone());
            out.insert("Effect".into(), s["effect"].clone());
            out.insert("Action".into(), one_or_many(strings(&s["actions"])));
            if s.get("resources").is_some() {
                out.insert("Resource".into(), one_or_many(strings(&s["resources"])));
            }
            if let Some(principals) = s["principals"].as_array() {
                let p: Map<String, Value> = principals
                    .iter()
                    .map(|p| (p["type"].as_str().unwrap().to_owned(), one_or_many(strings(&p["identifiers"]))))
                    .collect();
                out.insert("Principal".into(), Value::Object(p));
            }
            if let Some(conditions) = s["condition"].as_array() {
                let mut tests = Map::new();
                for c in conditions {
                    let test = tests.entry(c["test"].as_str().unwrap()).or_insert_with(|| json!({}));
                    test[substitute(doc, c["variable"].as_str().unwrap())] = one_or_many(strings(&c["values"]));
                }
                out.insert("Condition".into(), Value::Object(tests));
            }
            Value::Object(out)
        })
        .collect();
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// The size IAM counts: characters without white space (none of our documents has white space inside a string).
fn iam_chars(policy: &Value) -> usize {
    serde_json::to_string(policy).unwrap().chars().filter(|c| !c.is_whitespace()).count()
}

/// The size of the text as the provider sends it (indented by two spaces), white space included.
fn bytes(policy: &Value) -> usize {
    serde_json::to_string_pretty(policy).unwrap().len()
}

/// The policy document a resource attribute names (`${data.aws_iam_policy_document.<name>.json}`).
fn document_name(attribute: &Value) -> &str {
    let reference = attribute.as_str().expect("a policy reference");
    reference
        .strip_prefix("${data.aws_iam_policy_document.")
        .and_then(|r| r.strip_suffix(".json}"))
        .unwrap_or_else(|| panic!("`{reference}` is not a policy document reference"))
}

fn infra() -> Value {
    json_in(scaled(), "terraform/infra/main.tf.json")
}

/// Every over-limit document, as `what: size > limit` lines.
fn over(sizes: impl IntoIterator<Item = (String, usize)>, limit: usize) -> Vec<String> {
    sizes
        .into_iter()
        .filter(|(_, size)| *size > limit)
        .map(|(what, size)| format!("{what}: {size} > {limit}"))
        .collect()
}

#[test]
fn the_inline_policies_of_every_role_fit_the_role_quota() {
    let doc = infra();
    let mut per_role: std::collections::BTreeMap<String, usize> = Default::default();
    for (name, p) in resources(&doc, "aws_iam_role_policy") {
        let size = iam_chars(&policy_json(&doc, document_name(&p["policy"])));
        *per_role.entry(p["role"].as_str().unwrap_or(name).to_owned()).or_default() += size;
    }
    assert!(per_role.len() > TENANTS, "a role per tenant and the platform's: {}", per_role.len());
    let bad = over(per_role, ROLE_INLINE_POLICIES_CHARS);
    assert!(bad.is_empty(), "inline policies over the per-role quota at {TENANTS} tenants:\n{}", bad.join("\n"));
}

#[test]
fn every_trust_policy_fits_the_default_quota() {
    let doc = infra();
    let sizes = resources(&doc, "aws_iam_role")
        .into_iter()
        .map(|(name, r)| (name.clone(), iam_chars(&policy_json(&doc, document_name(&r["assume_role_policy"])))));
    let bad = over(sizes, ROLE_TRUST_POLICY_CHARS);
    assert!(bad.is_empty(), "trust policies over the default quota at {TENANTS} tenants:\n{}", bad.join("\n"));
}

#[test]
fn every_managed_policy_fits_its_quota() {
    let doc = infra();
    let sizes = resources(&doc, "aws_iam_policy")
        .into_iter()
        .map(|(name, p)| (name.clone(), iam_chars(&policy_json(&doc, document_name(&p["policy"])))));
    let bad = over(sizes, MANAGED_POLICY_CHARS);
    assert!(bad.is_empty(), "managed policies over the quota at {TENANTS} tenants:\n{}", bad.join("\n"));
}

#[test]
fn every_key_and_bucket_policy_fits_its_quota() {
    let doc = infra();
    let keys = resources(&doc, "aws_kms_key");
    assert!(keys.len() > TENANTS, "a key per tenant and the platform's: {}", keys.len());
    let sizes =
        keys.into_iter().map(|(name, k)| (name.clone(), bytes(&policy_json(&doc, document_name(&k["policy"])))));
    let mut bad = over(sizes, KEY_POLICY_BYTES);
    let buckets = resources(&doc, "aws_s3_bucket_policy")
        .into_iter()
        .map(|(name, b)| (name.clone(), bytes(&policy_json(&doc, document_name(&b["policy"])))));
    bad.extend(over(buckets, BUCKET_POLICY_BYTES));
    assert!(bad.is_empty(), "key or bucket policies over the quota at {TENANTS} tenants:\n{}", bad.join("\n"));
}

/// Every policy document the infra root declares is sent against one of the quotas above: a document used by
/// another kind of resource (an SNS topic policy, …) needs its own limit here.
#[test]
fn every_policy_document_is_measured() {
    let doc = infra();
    let measured = [
        ("aws_iam_role_policy", "policy"),
        ("aws_iam_policy", "policy"),
        ("aws_iam_role", "assume_role_policy"),
        ("aws_kms_key", "policy"),
        ("aws_s3_bucket_policy", "policy"),
    ];
    let mut used: std::collections::BTreeSet<&str> = Default::default();
    for (ty, attr) in measured {
        used.extend(resources(&doc, ty).into_iter().map(|(_, r)| document_name(&r[attr])));
    }
    let declared: Vec<&String> = doc["data"]["aws_iam_policy_document"].as_object().unwrap().keys().collect();
    let unmeasured: Vec<&&String> = declared.iter().filter(|d| !used.contains(d.as_str())).collect();
    assert!(unmeasured.is_empty(), "policy documents under no measured quota: {unmeasured:?}");
}

/// Kubernetes refuses a Secret whose `data` values add up to more than 1 MiB (`MaxSecretSize`,
/// kubernetes `pkg/apis/core/types.go`, checked by `ValidateSecret` in `pkg/apis/core/validation/validation.go`).
const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// The `data.release` of the Secret Helm stores the local chart's release in: the bytes the limit counts.
///
/// Helm v3.18.4 (what hashicorp/helm 3.1.x embeds, its `go.mod`), `pkg/storage/driver/secrets.go`
/// `newSecretsObject` and `util.go` `encodeRelease`: the release (`pkg/release/release.go`) as Go JSON, gzip at
/// best compression, base64. The release holds the chart (metadata, every template as base64 bytes) and the
/// rendered manifest (`pkg/action/action.go`: each document after `---` and a `# Source:` line).
fn helm_release_secret_bytes(artifacts: &Artifacts) -> usize {
    let chart = format!("terraform/cluster/{POLICY_CHART_DIR}");
    let metadata = yaml_documents_in(artifacts, &format!("{chart}/Chart.yaml")).remove(0);
    let mut templates = Vec::new();
    let mut manifest = String::new();
    for (path, bytes) in artifacts.files.range(format!("{chart}/templates/")..) {
        let Some(file) = path.strip_prefix(&format!("{chart}/")) else { break };
        templates.push(json!({ "name": file, "data": k8s_openapi::ByteString(bytes.clone()) }));
        let text = std::str::from_utf8(bytes).expect("UTF-8 templates");
        for document in text.split("---\n").map(str::trim).filter(|d| !d.is_empty()) {
            manifest.push_str(&format!("---\n# Source: {POLICY_RELEASE}/{file}\n{document}\n"));
        }
    }
    assert!(!templates.is_empty(), "no templates under {chart}");
    let time = "2026-01-01T00:00:00.000000000Z";
    let release = json!({
        "name": POLICY_RELEASE,
        "info": { "first_deployed": time, "last_deployed": time, "deleted": "", "description": "Install complete",
                  "status": "deployed" },
        "chart": { "metadata": metadata, "lock": null, "templates": templates, "values": null, "schema": null,
                   "files": null },
        "manifest": manifest,
        "version": 1,
        "namespace": "kube-system",
    });
    // Go's encoding/json writes <, > and & in strings as \u003c, \u003e, \u0026.
    let text = serde_json::to_string(&release)
        .unwrap()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(text.as_bytes()).unwrap();
    let compressed = gzip.finish().unwrap().len();
    compressed.div_ceil(3) * 4
}

/// Helm keeps each revision of the local chart's release (every custom resource of every tenant) in one Secret.
/// Half the limit: room for the difference between this deflate and Go's, which compress the same text to
/// slightly different sizes.
#[test]
fn the_policy_release_fits_a_secret() {
    let size = helm_release_secret_bytes(scaled());
    assert!(
        size <= MAX_SECRET_SIZE / 2,
        "the Secret of release {POLICY_RELEASE} at {TENANTS} tenants: {size} bytes, limit {MAX_SECRET_SIZE}"
    );
    // The measure grows with what the chart holds.
    assert!(size > helm_release_secret_bytes(platform_tests::artifacts()));
}
