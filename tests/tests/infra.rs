//! The infra root of the declared platform, one test per requirement, asserting on the rendered JSON. Names and
//! values expected are derived from the declared platform.

use platform_core::model::{Capacity, Keyword, WorkloadClass};
use platform_tests::{
    data_sources, infra, names, node_group_of, platform, policy_statements, resource, resources, strs, SUFFIX,
};
use serde_json::Value;

fn conditions<'a>(statement: &'a Value, test: &str, variable_suffix: &str) -> Vec<&'a str> {
    statement["condition"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["test"] == test && c["variable"].as_str().unwrap().ends_with(variable_suffix))
        .flat_map(|c| strs(&c["values"]))
        .collect()
}

#[test]
fn three_azs_of_private_and_public_subnets() {
    let doc = infra();
    let zones = &platform().availability_zones;
    assert_eq!(resources(&doc, "aws_subnet").len(), 2 * zones.len());
    for (i, az) in zones.iter().enumerate() {
        let private = resource(&doc, "aws_subnet", &format!("private_{i}"));
        assert_eq!(private["availability_zone"], az.as_str());
        assert_eq!(private["tags"]["kubernetes.io/role/internal-elb"], "1");
        let public = resource(&doc, "aws_subnet", &format!("public_{i}"));
        assert_eq!(public["map_public_ip_on_launch"], false);
        assert_eq!(public["tags"]["kubernetes.io/role/elb"], "1");
    }
    let vpc = resource(&doc, "aws_vpc", "main");
    assert_eq!(vpc["enable_dns_support"], true);
    assert_eq!(vpc["enable_dns_hostnames"], true);
}

/// Nothing in the VPC claims pod addresses: no secondary CIDR, no subnet, route or security group rule in the pod
/// CIDR (Calico's pools hold it, `tests/tests/cluster.rs`).
#[test]
fn the_vpc_holds_no_pod_addresses() {
    let doc = infra();
    assert!(resources(&doc, "aws_vpc_ipv4_cidr_block_association").is_empty());
    let pods = platform_core::check::parse_cidr(&platform().vpc.pod_cidr).expect("a checked CIDR");
    let text = doc.to_string();
    for cidr in std::iter::once(pods).chain(pods.subnets(pods.prefix_len() + 2).unwrap()) {
        assert!(!text.contains(&format!("\"{cidr}\"")) || cidr == pods, "{cidr} in the infra root");
    }
    // The pod CIDR appears once: the output naming it for the cluster stage.
    assert_eq!(text.matches(&format!("\"{pods}\"")).count(), 1);
    assert_eq!(doc["output"]["pod_cidr"]["value"], pods.to_string());
}

#[test]
fn one_nat_gateway_per_az_and_routes_stay_in_their_az() {
    let doc = infra();
    assert_eq!(resources(&doc, "aws_nat_gateway").len(), 3);
    for (_, eip) in resources(&doc, "aws_eip") {
        assert_eq!(eip["domain"], "vpc");
        assert!(eip.get("vpc").is_none(), "aws_eip.vpc was removed in aws 6");
    }
    for i in 0..3 {
        let nat = resource(&doc, "aws_nat_gateway", &format!("az_{i}"));
        assert_eq!(nat["subnet_id"], format!("${{aws_subnet.public_{i}.id}}"));
        let route = resource(&doc, "aws_route", &format!("private_{i}_nat"));
        assert_eq!(route["nat_gateway_id"], format!("${{aws_nat_gateway.az_{i}.id}}"));
    }
    assert_eq!(resource(&doc, "aws_route", "public_internet")["gateway_id"], "${aws_internet_gateway.main.id}");
}

#[test]
fn s3_gateway_and_interface_endpoints() {
    let doc = infra();
    let s3 = resource(&doc, "aws_vpc_endpoint", "s3");
    assert_eq!(s3["vpc_endpoint_type"], "Gateway");
    let service = format!("com.amazonaws.{}.", platform().region);
    assert_eq!(s3["service_name"], format!("{service}s3"));
    assert_eq!(s3["route_table_ids"].as_array().unwrap().len(), 3);
    let mut services: Vec<&str> = resources(&doc, "aws_vpc_endpoint")
        .into_iter()
        .filter(|(_, e)| e["vpc_endpoint_type"] == "Interface")
        .map(|(_, e)| {
            assert_eq!(e["private_dns_enabled"], true);
            assert_eq!(e["security_group_ids"][0], "${aws_security_group.endpoints.id}");
            assert_eq!(e["subnet_ids"].as_array().unwrap().len(), 3);
            e["service_name"].as_str().unwrap().trim_start_matches(service.as_str())
        })
        .collect();
    services.sort_unstable();
    assert_eq!(
        services,
        [
            "autoscaling",
            "ec2",
            "ec2messages",
            "ecr.api",
            "ecr.dkr",
            "elasticloadbalancing",
            "kms",
            "logs",
            "secretsmanager",
            "ssm",
            "ssmmessages",
            "sts"
        ]
    );
}

#[test]
fn endpoint_security_group_allows_only_https_from_the_vpc_and_pods() {
    let doc = infra();
    let sg = resource(&doc, "aws_security_group", "endpoints");
    assert!(sg.get("ingress").is_none() && sg.get("egress").is_none(), "rules are separate resources");
    assert!(!sg["name"].as_str().unwrap().starts_with("sg-"), "EC2 rejects security group names starting with sg-");
    let rules = resources(&doc, "aws_vpc_security_group_ingress_rule");
    let mut cidrs: Vec<&str> = rules
        .iter()
        .map(|(_, r)| {
            assert_eq!(r["ip_protocol"], "tcp");
            assert_eq!((r["from_port"].as_u64(), r["to_port"].as_u64()), (Some(443), Some(443)));
            r["cidr_ipv4"].as_str().unwrap()
        })
        .collect();
    cidrs.sort_unstable();
    assert_eq!(cidrs, [platform().vpc.cidr.as_str()], "pod traffic reaches the endpoints from the node's address");
    assert!(resources(&doc, "aws_vpc_security_group_egress_rule").is_empty());
    let default_sg = resource(&doc, "aws_default_security_group", "main");
    assert!(default_sg.get("ingress").is_none() && default_sg.get("egress").is_none());
}

#[test]
fn flow_logs_capture_all_traffic_into_an_encrypted_group() {
    let doc = infra();
    let flow = resource(&doc, "aws_flow_log", "vpc");
    assert_eq!(flow["traffic_type"], "ALL");
    assert_eq!(flow["log_destination"], "${aws_cloudwatch_log_group.flow_logs.arn}");
    let group = resource(&doc, "aws_cloudwatch_log_group", "flow_logs");
    assert_eq!(group["kms_key_id"], "${aws_kms_key.logs.arn}");
    assert_eq!(group["retention_in_days"], 90);
    let role = resource(&doc, "aws_iam_role", "flow_logs");
    let trust = policy_statements(&doc, role["assume_role_policy"].as_str().unwrap());
    assert_eq!(strs(&trust[0]["principals"][0]["identifiers"]), ["vpc-flow-logs.amazonaws.com"]);
    let policy = resource(&doc, "aws_iam_role_policy", "flow_logs");
    let write = &policy_statements(&doc, policy["policy"].as_str().unwrap())[0];
    assert!(strs(&write["resources"]).iter().all(|r| r.starts_with("${aws_cloudwatch_log_group.flow_logs.arn}")));
}

#[test]
fn every_kms_key_rotates_and_has_an_alias_and_only_the_archive_key_a_long_deletion_window() {
    let doc = infra();
    let keys = resources(&doc, "aws_kms_key");
    let mut names: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let mut declared: Vec<String> = ["ebs", "logs", "secrets"].map(String::from).into();
    declared.extend(platform().tenants.iter().map(|t| format!("tenant_{}", t.name)));
    declared.sort_unstable();
    assert_eq!(names, declared);
    for (name, key) in &keys {
        assert_eq!(key["enable_key_rotation"], true, "{name}");
        // The logs key encrypts the 12-month archive: KMS's longest window (30 days) to cancel a mistaken
        // deletion; the others the shortest (7), so a torn-down environment does not linger.
        let window = if *name == "logs" { 30 } else { 7 };
        assert_eq!(key["deletion_window_in_days"], window, "{name}");
        let alias = resource(&doc, "aws_kms_alias", name);
        assert!(alias["name"].as_str().unwrap().starts_with(&format!("alias/kms-{}-", platform().name)));
        assert!(alias["name"].as_str().unwrap().ends_with(&format!("-{SUFFIX}")));
    }
}

#[test]
fn the_logs_key_serves_cloudwatch_logs_in_this_account_and_alarms() {
    let doc = infra();
    let key = resource(&doc, "aws_kms_key", "logs");
    let statements = policy_statements(&doc, key["policy"].as_str().unwrap());
    let logs = statements.iter().find(|s| s["sid"] == "CloudWatchLogsUse").unwrap();
    let region = &platform().region;
    assert_eq!(strs(&logs["principals"][0]["identifiers"]), [format!("logs.{region}.amazonaws.com")]);
    let arns = conditions(logs, "ArnLike", "kms:EncryptionContext:aws:logs:arn");
    assert!(arns[0].contains(&format!(":logs:{region}:")) && arns[0].ends_with(":*"));
    let alarms = statements.iter().find(|s| s["sid"] == "CloudWatchAlarmsPublishToEncryptedTopic").unwrap();
    assert_eq!(strs(&alarms["principals"][0]["identifiers"]), ["cloudwatch.amazonaws.com"]);
}

#[test]
fn the_ebs_key_lets_auto_scaling_launch_encrypted_nodes() {
    let doc = infra();
    let key = resource(&doc, "aws_kms_key", "ebs");
    let statements = policy_statements(&doc, key["policy"].as_str().unwrap());
    let grants = statements.iter().find(|s| strs(&s["actions"]) == ["kms:CreateGrant"]).unwrap();
    assert!(strs(&grants["principals"][0]["identifiers"])[0].ends_with("AWSServiceRoleForAutoScaling"));
    assert_eq!(conditions(grants, "Bool", "kms:GrantIsForAWSResource"), ["true"]);
}

/// The EBS CSI driver may use the keys of the cluster's volumes (the node key and every tenant's, which the
/// StorageClasses name) and no other: the keys are found by a tag whose value is the cluster, so the policy does
/// not grow with the tenants (tests/limits.rs), and grants only go to AWS resources.
#[test]
fn the_ebs_csi_driver_uses_only_the_volume_keys_of_its_cluster() {
    let doc = infra();
    let p = resource(&doc, "aws_iam_role_policy", "irsa_ebs_csi");
    let statements = policy_statements(&doc, p["policy"].as_str().unwrap());
    let cluster = names().cluster();
    let mut tag_keys = Vec::new();
    for s in statements {
        let resources = strs(&s["resources"]);
        assert_eq!(
            resources,
            [format!("arn:${{data.aws_partition.current.partition}}:kms:{}:${{data.aws_caller_identity.current.account_id}}:key/*", platform().region)],
            "{}: keys of this account and region only",
            s["sid"]
        );
        let tagged: Vec<&Value> = s["condition"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["test"] == "StringEquals" && c["variable"].as_str().unwrap().starts_with("aws:ResourceTag/"))
            .collect();
        assert_eq!(tagged.len(), 1, "{}: not conditioned on a key tag", s["sid"]);
        assert_eq!(strs(&tagged[0]["values"]), [cluster.as_str()], "{}", s["sid"]);
        tag_keys.push(tagged[0]["variable"].as_str().unwrap().trim_start_matches("aws:ResourceTag/"));
        if strs(&s["actions"]).contains(&"kms:CreateGrant") {
            assert_eq!(conditions(s, "Bool", "kms:GrantIsForAWSResource"), ["true"], "{}", s["sid"]);
        }
    }
    let actions: Vec<&str> = statements.iter().flat_map(|s| strs(&s["actions"])).collect();
    assert!(actions.contains(&"kms:CreateGrant") && actions.contains(&"kms:Decrypt"), "{actions:?}");
    tag_keys.dedup();
    assert_eq!(tag_keys.len(), 1, "one tag marks the volume keys: {tag_keys:?}");

    // Exactly the node key and the tenant keys carry that tag with the cluster's name.
    let mut tagged: Vec<&str> = resources(&doc, "aws_kms_key")
        .into_iter()
        .filter(|(_, k)| k["tags"][tag_keys[0]] == cluster.as_str())
        .map(|(name, _)| name.as_str())
        .collect();
    tagged.sort_unstable();
    let mut volume_keys = vec!["ebs".to_owned()];
    volume_keys.extend(platform().tenants.iter().map(|t| format!("tenant_{}", t.name.replace('-', "_"))));
    volume_keys.sort_unstable();
    assert_eq!(tagged, volume_keys);
}

#[test]
fn the_control_plane_log_group_exists_before_the_cluster() {
    let doc = infra();
    let group = resource(&doc, "aws_cloudwatch_log_group", "cluster");
    assert_eq!(group["name"], format!("/aws/eks/{}/cluster", names().cluster()));
    assert_eq!(group["retention_in_days"], 90);
    assert_eq!(group["kms_key_id"], "${aws_kms_key.logs.arn}");
    let cluster = resource(&doc, "aws_eks_cluster", "main");
    assert!(strs(&cluster["depends_on"]).contains(&"aws_cloudwatch_log_group.cluster"));
}

#[test]
fn every_audit_log_group_is_archived_for_a_year_in_an_encrypted_bucket() {
    let doc = infra();
    let archive = platform_tests::archive();
    let bucket = resource(&archive, "aws_s3_bucket", "log_archive");
    // The infra root finds the archive root's bucket and key by name.
    assert_eq!(doc["data"]["aws_s3_bucket"]["log_archive"]["bucket"], bucket["bucket"]);
    let alias = &resource(&archive, "aws_kms_alias", "log_archive")["name"];
    assert_eq!(&doc["data"]["aws_kms_key"]["log_archive"]["key_id"], alias);
    assert_eq!(
        bucket["bucket"],
        format!("s3-{}-log-archive-${{data.aws_caller_identity.current.account_id}}-{SUFFIX}", platform().name)
    );
    // PCI DSS 10.5.1 is about every audit log: each log group the platform writes reaches the archive, through a
    // subscription of every event into a stream of its own that writes under a prefix of its own.
    let groups = resources(&doc, "aws_cloudwatch_log_group");
    assert!(groups.len() >= 3, "control plane, flow logs, sessions: {groups:?}");
    let filters = resources(&doc, "aws_cloudwatch_log_subscription_filter");
    let role_policy = resource(&doc, "aws_iam_role_policy", "log_archive_subscription");
    let may_put = policy_statements(&doc, role_policy["policy"].as_str().unwrap());
    let mut prefixes = Vec::new();
    for (name, group) in &groups {
        // The filter names the group by reference or by its literal name.
        let names = [format!("${{aws_cloudwatch_log_group.{name}.name}}"), group["name"].as_str().unwrap().to_owned()];
        let subscribed: Vec<&Value> = filters
            .iter()
            .map(|(_, f)| *f)
            .filter(|f| names.iter().any(|n| f["log_group_name"] == n.as_str()))
            .collect();
        assert_eq!(subscribed.len(), 1, "log group `{name}` is not archived (exactly one filter)");
        let filter = subscribed[0];
        assert_eq!(filter["filter_pattern"], "", "every event of `{name}`");
        let destination = filter["destination_arn"].as_str().unwrap();
        let stream_name = destination
            .strip_prefix("${aws_kinesis_firehose_delivery_stream.")
            .and_then(|d| d.strip_suffix(".arn}"))
            .unwrap_or_else(|| panic!("`{name}` is not subscribed to a Firehose stream: {filter}"));
        let stream = resource(&doc, "aws_kinesis_firehose_delivery_stream", stream_name);
        let s3 = &stream["extended_s3_configuration"];
        assert_eq!(s3["bucket_arn"], "${data.aws_s3_bucket.log_archive.arn}");
        assert_eq!(s3["kms_key_arn"], "${data.aws_kms_key.log_archive.arn}");
        assert_eq!(stream["server_side_encryption"]["enabled"], true);
        prefixes.push(s3["prefix"].as_str().expect("a prefix").to_owned());
        assert!(
            may_put.iter().any(|s| strs(&s["resources"]).contains(&destination)),
            "the subscription role may not put into `{stream_name}`"
        );
    }
    prefixes.sort();
    prefixes.dedup();
    assert_eq!(prefixes.len(), groups.len(), "one prefix per source: {prefixes:?}");
    let doc = archive;
    let sse = resource(&doc, "aws_s3_bucket_server_side_encryption_configuration", "log_archive");
    let default = &sse["rule"][0]["apply_server_side_encryption_by_default"];
    assert_eq!(default["sse_algorithm"], "aws:kms");
    assert_eq!(default["kms_master_key_id"], "${aws_kms_key.log_archive.arn}");
    assert_eq!(resource(&doc, "aws_kms_key", "log_archive")["deletion_window_in_days"], 30);
    let lifecycle = &resource(&doc, "aws_s3_bucket_lifecycle_configuration", "log_archive")["rule"][0];
    assert_eq!(lifecycle["filter"], serde_json::json!({}), "every prefix");
    assert_eq!(lifecycle["expiration"]["days"], 400, "PCI DSS 10.5.1: at least 12 months");
    assert_eq!(lifecycle["transition"][0]["storage_class"], "GLACIER");
    let block = resource(&doc, "aws_s3_bucket_public_access_block", "log_archive");
    for key in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] {
        assert_eq!(block[key], true, "{key}");
    }
    assert_eq!(
        resource(&doc, "aws_s3_bucket_versioning", "log_archive")["versioning_configuration"]["status"],
        "Enabled"
    );
    let tls = &doc["data"]["aws_iam_policy_document"]["log_archive_bucket"]["statement"][0];
    assert_eq!(tls["effect"], "Deny");
    assert_eq!(tls["condition"][0]["variable"], "aws:SecureTransport");
}

/// The actions the archive's bucket policy denies every principal unconditionally.
fn archive_denies(doc: &Value) -> Vec<String> {
    let policy = resource(doc, "aws_s3_bucket_policy", "log_archive");
    policy_statements(doc, policy["policy"].as_str().unwrap())
        .iter()
        .filter(|s| s["effect"] == "Deny" && s["condition"].is_null())
        .filter(|s| s["principals"][0]["identifiers"] == serde_json::json!(["*"]))
        .flat_map(|s| strs(&s["actions"]).into_iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn production_retains_and_protects_its_log_archive() {
    // `prod` is not a declared non-production environment (rule logging/archive-retention forbids it).
    let doc = platform_tests::archive_for("prod");
    let bucket = resource(&doc, "aws_s3_bucket", "log_archive");
    assert_eq!(bucket["force_destroy"], false, "Terraform may not empty the archive");
    assert_eq!(bucket["lifecycle"]["prevent_destroy"], true);
    assert_eq!(bucket["object_lock_enabled"], true);
    // Archived objects are readable only while their key exists.
    assert_eq!(resource(&doc, "aws_kms_key", "log_archive")["lifecycle"]["prevent_destroy"], true);
    // PCI DSS 10.3.2: no principal deletes an archived log or hides it behind a delete marker.
    let denies = archive_denies(&doc);
    for action in ["s3:DeleteObject", "s3:DeleteObjectVersion"] {
        assert!(denies.iter().any(|d| d == action), "{action} is not denied: {denies:?}");
    }
    // Only lifecycle expiry removes logs: no role of the platform is allowed to delete from the archive.
    let infra = platform_tests::infra_for("prod");
    for (name, policy) in resources(&infra, "aws_iam_role_policy") {
        for s in policy_statements(&infra, policy["policy"].as_str().unwrap()) {
            let deletes = strs(&s["actions"]).iter().any(|a| a.starts_with("s3:Delete") || *a == "s3:*");
            let archive = strs(&s["resources"]).iter().any(|r| *r == "*" || r.contains("aws_s3_bucket.log_archive"));
            assert!(!(deletes && archive), "role policy `{name}` may delete archived logs: {s}");
        }
    }
    // Nothing in the infra root refuses to be destroyed: what is kept is the archive root.
    assert!(!infra.to_string().contains("prevent_destroy"));
}

#[test]
fn declared_non_production_environments_destroy_their_archive_whole() {
    let declared = &platform().cluster.log_archive_destroyable_in;
    assert!(declared.iter().any(|e| e == SUFFIX), "the tests render a declared non-production environment");
    let doc = platform_tests::archive();
    let bucket = resource(&doc, "aws_s3_bucket", "log_archive");
    assert_eq!(bucket["force_destroy"], true);
    assert!(bucket["lifecycle"].is_null() && resource(&doc, "aws_kms_key", "log_archive")["lifecycle"].is_null());
    assert!(bucket["object_lock_enabled"].is_null(), "Object Lock cannot be turned off once on");
    // force_destroy deletes every object version: a Deny on deletion would make `terraform destroy` fail.
    assert_eq!(archive_denies(&doc), Vec::<String>::new());
}

#[test]
fn the_cluster_is_private_encrypted_audited_and_api_authenticated() {
    let doc = infra();
    let c = resource(&doc, "aws_eks_cluster", "main");
    assert_eq!(c["name"], names().cluster());
    assert_eq!(c["version"], platform().kubernetes);
    assert_eq!(c["vpc_config"]["endpoint_private_access"], true);
    assert_eq!(c["vpc_config"]["endpoint_public_access"], true);
    assert_eq!(c["vpc_config"]["public_access_cidrs"], "${var.public_access_cidrs}");
    assert_eq!(c["vpc_config"]["subnet_ids"].as_array().unwrap().len(), 3);
    let logs: Vec<&str> = platform().cluster.logs.iter().map(|l| l.keyword()).collect();
    assert_eq!(strs(&c["enabled_cluster_log_types"]), logs);
    assert_eq!(c["encryption_config"]["resources"][0], "secrets");
    assert_eq!(c["encryption_config"]["provider"]["key_arn"], "${aws_kms_key.secrets.arn}");
    assert_eq!(c["access_config"]["authentication_mode"], "API");
    assert_eq!(c["access_config"]["bootstrap_cluster_creator_admin_permissions"], false);
    assert_eq!(c["bootstrap_self_managed_addons"], false);
    let entry = resource(&doc, "aws_eks_access_entry", "admins");
    assert_eq!(entry["for_each"], "${toset(var.cluster_admin_role_arns)}");
    let assoc = resource(&doc, "aws_eks_access_policy_association", "admins");
    assert!(assoc["policy_arn"]
        .as_str()
        .unwrap()
        .ends_with(":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"));
    assert_eq!(assoc["access_scope"]["type"], "cluster");
    let oidc = resource(&doc, "aws_iam_openid_connect_provider", "cluster");
    assert_eq!(oidc["url"], "${aws_eks_cluster.main.identity[0].oidc[0].issuer}");
    assert_eq!(strs(&oidc["client_id_list"]), ["sts.amazonaws.com"]);
}

#[test]
fn node_launch_templates_are_bottlerocket_imdsv2_and_encrypted() {
    let doc = infra();
    let templates = resources(&doc, "aws_launch_template");
    assert_eq!(templates.len(), platform().node_groups.len());
    for (name, lt) in templates {
        let md = &lt["metadata_options"];
        assert_eq!(md["http_tokens"], "required", "{name}");
        assert_eq!(md["http_put_response_hop_limit"], 1, "{name}");
        let volumes = lt["block_device_mappings"].as_array().unwrap();
        assert_eq!(volumes.len(), 2);
        for v in volumes {
            assert_eq!(v["ebs"]["encrypted"], true);
            assert_eq!(v["ebs"]["volume_type"], "gp3");
            assert_eq!(v["ebs"]["kms_key_id"], "${aws_kms_key.ebs.arn}");
        }
        assert!(lt.get("image_id").is_none(), "EKS picks the Bottlerocket AMI and merges bootstrap settings");
        assert_eq!(lt["user_data"], "${base64encode(local.bottlerocket_settings)}");
    }
    let settings = doc["locals"]["bottlerocket_settings"].as_str().unwrap();
    assert!(settings.contains("[settings.host-containers.admin]\nenabled = false"));
    assert!(settings.contains("[settings.host-containers.control]\nenabled = true"));
    assert!(settings.contains("max-pods = 110"));
    // Kernel lockdown set, not left to the variant's default (`none` on Bottlerocket's nvidia variants).
    let kernel =
        settings.split("\n\n").find(|t| t.starts_with("[settings.kernel]\n")).expect("a [settings.kernel] table");
    assert_eq!(kernel.lines().collect::<Vec<_>>(), ["[settings.kernel]", "lockdown = \"integrity\""], "{settings}");
}

/// The autoscaler reads scale-from-zero hints from the Auto Scaling group's tags; EKS does not copy a node
/// group's tags there, so they are set on the ASG itself, once the node group exists.
#[test]
fn scale_from_zero_hints_are_tags_of_each_node_groups_auto_scaling_group() {
    let doc = infra();
    for (name, g) in resources(&doc, "aws_eks_node_group") {
        let on_group: Vec<&String> =
            g["tags"].as_object().unwrap().keys().filter(|k| k.contains("node-template")).collect();
        assert!(on_group.is_empty(), "{name}: {on_group:?} on the node group never reach its ASG");
        let tag = resource(&doc, "aws_autoscaling_group_tag", &format!("{name}_node_template"));
        assert_eq!(
            tag["autoscaling_group_name"],
            format!("${{aws_eks_node_group.{name}[0].resources[0].autoscaling_groups[0].name}}")
        );
        assert_eq!(
            tag["tag"],
            serde_json::json!({ "key": "${each.key}", "value": "${each.value}", "propagate_at_launch": false })
        );
        // The map the tags are made from, gated like the node group.
        let local = format!("node_template_tags_{name}");
        assert_eq!(tag["for_each"], format!("${{{{for k, v in local.{local} : k => v if var.pod_network_ready}}}}"));
        let hints = &doc["locals"][&local];
        for (k, v) in g["labels"].as_object().unwrap() {
            assert_eq!(&hints[format!("k8s.io/cluster-autoscaler/node-template/label/{k}")], v, "{name}");
        }
        for t in g["taint"].as_array().into_iter().flatten() {
            let effect = t["effect"].as_str().unwrap();
            let effect = match effect {
                "NO_SCHEDULE" => "NoSchedule",
                "NO_EXECUTE" => "NoExecute",
                _ => "PreferNoSchedule",
            };
            let want = format!("{}:{effect}", t["value"].as_str().unwrap());
            assert_eq!(
                hints[format!("k8s.io/cluster-autoscaler/node-template/taint/{}", t["key"].as_str().unwrap())],
                want
            );
        }
    }
    let batch = format!("{}_spot", node_group_of(WorkloadClass::Batch).name);
    assert!(doc["locals"][format!("node_template_tags_{batch}")]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.contains("/taint/")));
}

#[test]
fn node_groups_match_their_workload_class() {
    let doc = infra();
    let groups = resources(&doc, "aws_eks_node_group");
    let mut names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    // One managed node group per purchase option of each declared group (a mixed group has both).
    let mut declared: Vec<String> = platform()
        .node_groups
        .iter()
        .flat_map(|g| match g.capacity {
            Capacity::OnDemand => vec![format!("{}_ondemand", g.name)],
            Capacity::Spot => vec![format!("{}_spot", g.name)],
            Capacity::Mixed { .. } => vec![format!("{}_ondemand", g.name), format!("{}_spot", g.name)],
        })
        .collect();
    declared.sort_unstable();
    assert_eq!(names, declared);
    for (name, g) in &groups {
        assert_eq!(g["ami_type"], "BOTTLEROCKET_x86_64", "{name}");
        assert_eq!(strs(&g["lifecycle"]["ignore_changes"]), ["scaling_config[0].desired_size"]);
        assert_eq!(g["tags"]["k8s.io/cluster-autoscaler/enabled"], "true");
        assert_eq!(g["tags"][format!("k8s.io/cluster-autoscaler/{}", platform_tests::names().cluster())], "owned");
        assert_eq!(g["update_config"]["max_unavailable_percentage"], 33);
    }
    let critical_group = node_group_of(WorkloadClass::Critical);
    let critical = resource(&doc, "aws_eks_node_group", &format!("{}_ondemand", critical_group.name));
    assert_eq!(critical["capacity_type"], "ON_DEMAND");
    assert_eq!(critical["labels"], serde_json::json!(critical_group.labels));
    assert_eq!(critical["taint"][0]["effect"], "NO_SCHEDULE");
    assert_eq!(critical["taint"][0]["value"], critical_group.taints[0].value);
    assert_eq!(
        critical["node_group_name"],
        platform_tests::names().node_group(&critical_group.name, platform_core::model::Purchase::OnDemand)
    );
    let batch_group = node_group_of(WorkloadClass::Batch);
    let batch = resource(&doc, "aws_eks_node_group", &format!("{}_spot", batch_group.name));
    assert_eq!(batch["capacity_type"], "SPOT");
    let taint = &batch_group.taints[0];
    assert_eq!(batch["taint"][0]["value"], taint.value);
    assert_eq!(batch["scaling_config"]["min_size"], batch_group.min_size);
    // A mixed group is split into a spot and an on-demand group whose sizes add up to the declared ones, the spot
    // share of the maximum rounded to a whole node.
    for g in platform().node_groups.iter().filter(|g| matches!(g.capacity, Capacity::Mixed { .. })) {
        let size = |purchase: &str| {
            let c = &resource(&doc, "aws_eks_node_group", &format!("{}_{purchase}", g.name))["scaling_config"];
            ["min_size", "desired_size", "max_size"].map(|k| c[k].as_u64().unwrap())
        };
        let (spot, od) = (size("spot"), size("ondemand"));
        let declared = [g.min_size, g.desired_size, g.max_size].map(u64::from);
        assert_eq!([0, 1, 2].map(|i| spot[i] + od[i]), declared, "{}", g.name);
        let share = u64::from(g.capacity.spot_percent()) * declared[2];
        assert!(spot[2] * 100 >= share.saturating_sub(99) && spot[2] * 100 <= share + 99, "{}: {spot:?}", g.name);
        assert_eq!(resource(&doc, "aws_eks_node_group", &format!("{}_spot", g.name))["capacity_type"], "SPOT");
    }
}

#[test]
fn the_node_role_has_no_vpc_cni_policy() {
    let doc = infra();
    let node_policies: Vec<&str> = resources(&doc, "aws_iam_role_policy_attachment")
        .into_iter()
        .filter(|(_, a)| a["role"] == "${aws_iam_role.node.name}")
        .map(|(_, a)| a["policy_arn"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(node_policies.len(), 3);
    assert!(node_policies.contains(&"AmazonSSMManagedInstanceCore"));
    assert!(!node_policies.contains(&"AmazonEKS_CNI_Policy"));
}

#[test]
fn irsa_roles_trust_exactly_their_service_account() {
    let doc = infra();
    for b in &platform().irsa {
        let (name, ns, sa) = (&b.name, &b.namespace, &b.service_account);
        let role = resource(&doc, "aws_iam_role", &format!("irsa_{name}"));
        let trust = &policy_statements(&doc, role["assume_role_policy"].as_str().unwrap())[0];
        assert_eq!(strs(&trust["actions"]), ["sts:AssumeRoleWithWebIdentity"]);
        assert_eq!(strs(&trust["principals"][0]["identifiers"]), ["${aws_iam_openid_connect_provider.cluster.arn}"]);
        assert_eq!(conditions(trust, "StringEquals", ":sub"), [format!("system:serviceaccount:{ns}:{sa}")]);
        assert_eq!(conditions(trust, "StringEquals", ":aud"), ["sts.amazonaws.com"]);
        assert!(trust["condition"][0]["variable"].as_str().unwrap().starts_with("${local.oidc_issuer_host}"));
    }
}

#[test]
fn no_statement_allows_every_action_on_every_resource() {
    let doc = infra();
    for (name, policy) in data_sources(&doc, "aws_iam_policy_document") {
        for s in policy["statement"].as_array().unwrap() {
            let actions = strs(&s["actions"]);
            assert!(!actions.contains(&"*"), "{name}: `*` action");
            let wildcard_service = actions.iter().any(|a| a.ends_with(":*"));
            let everywhere = strs(&s["resources"]).contains(&"*");
            // `kms:*` on `*` is only allowed in key policies (where `*` means the key) for the account root.
            if wildcard_service && everywhere {
                assert!(name.starts_with("kms_"), "{name}: service-wide action on every resource");
                assert!(strs(&s["principals"][0]["identifiers"])[0].ends_with(":root"), "{name}: not the account root");
            }
        }
    }
}

#[test]
fn cluster_autoscaler_scales_only_owned_groups() {
    let doc = infra();
    let p = resource(&doc, "aws_iam_role_policy", "irsa_cluster_autoscaler");
    let statements = policy_statements(&doc, p["policy"].as_str().unwrap());
    let scale = statements.iter().find(|s| strs(&s["actions"]).contains(&"autoscaling:SetDesiredCapacity")).unwrap();
    assert_eq!(
        conditions(scale, "StringEquals", &format!("k8s.io/cluster-autoscaler/{}", names().cluster())),
        ["owned"]
    );
}

#[test]
fn external_dns_changes_only_declared_zones() {
    let doc = infra();
    let p = resource(&doc, "aws_iam_role_policy", "irsa_external_dns");
    for s in policy_statements(&doc, p["policy"].as_str().unwrap()) {
        if strs(&s["actions"]).contains(&"route53:ChangeResourceRecordSets") {
            let resources = strs(&s["resources"]);
            assert_eq!(resources.len(), 1);
            assert!(resources[0].ends_with(":route53:::hostedzone/Z0123456789ABCDEFGHIJ"));
        }
    }
}

/// Tenants are kept apart by IAM: each tenant's SecretStores assume a role of its own, trusted only for the
/// tenant's `secret-store` service account and allowed only the tenant's prefix, key and cross-account roles.
#[test]
fn each_tenant_reads_secrets_through_a_role_of_its_own() {
    let doc = infra();
    let platform = platform();
    let key = |t: &platform_core::model::Tenant| format!("secrets_{}", t.name.replace('-', "_"));
    assert!(platform.tenants.len() >= 2, "isolation needs two tenants to be proved");
    for t in &platform.tenants {
        let ns = t.name.replace('_', "-");
        let role = resource(&doc, "aws_iam_role", &key(t));
        assert_eq!(role["name"], names().tenant_secrets_role(&t.name));
        let trust_doc = role["assume_role_policy"].as_str().unwrap();
        let trust = policy_statements(&doc, trust_doc);
        assert_eq!(trust.len(), 1, "{ns}: one trust statement");
        assert_eq!(strs(&trust[0]["actions"]), ["sts:AssumeRoleWithWebIdentity"]);
        assert_eq!(strs(&trust[0]["principals"][0]["identifiers"]), ["${aws_iam_openid_connect_provider.cluster.arn}"]);
        assert_eq!(conditions(&trust[0], "StringEquals", ":sub"), [format!("system:serviceaccount:{ns}:secret-store")]);
        assert_eq!(conditions(&trust[0], "StringEquals", ":aud"), ["sts.amazonaws.com"]);

        let policy = resource(&doc, "aws_iam_role_policy", &key(t));
        assert_eq!(policy["role"], format!("${{aws_iam_role.{}.id}}", key(t)));
        let statements = policy_statements(&doc, policy["policy"].as_str().unwrap());
        let mut granted: Vec<&str> = statements.iter().flat_map(|s| strs(&s["resources"])).collect();
        granted.sort_unstable();
        let mut own = vec![format!("${{aws_kms_key.tenant_{}.arn}}", key(t).trim_start_matches("secrets_"))];
        own.extend(t.cross_account_roles.iter().cloned());
        let prefix = granted.iter().find(|r| r.contains(":secret:")).expect("a secrets statement");
        assert!(prefix.ends_with(&format!(":secret:{}*", t.secret_prefix)), "{ns}: {prefix}");
        own.push((*prefix).to_owned());
        own.sort_unstable();
        assert_eq!(granted, own, "{ns}: resources beyond its prefix, key and cross-account roles");
        let read = statements.iter().find(|s| strs(&s["resources"]).contains(prefix)).unwrap();
        assert_eq!(strs(&read["actions"]), ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);

        // Nothing of another tenant anywhere in its documents.
        let text = format!("{}{}", serde_json::to_string(trust).unwrap(), serde_json::to_string(statements).unwrap());
        for other in platform.tenants.iter().filter(|o| o.name != t.name) {
            let other_ns = other.name.replace('_', "-");
            let foreign = [
                format!(":secret:{}", other.secret_prefix),
                format!("tenant_{}.", key(other).trim_start_matches("secrets_")),
                format!("system:serviceaccount:{other_ns}:"),
            ];
            for f in foreign.iter().chain(&other.cross_account_roles) {
                assert!(!text.contains(f.as_str()), "{ns}'s role mentions `{f}` of tenant {other_ns}");
            }
        }
    }
    let payments = platform.tenants.iter().find(|t| !t.cross_account_roles.is_empty()).expect("a cross-account tenant");
    let statements =
        policy_statements(&doc, resource(&doc, "aws_iam_role_policy", &key(payments))["policy"].as_str().unwrap());
    let assume = statements.iter().find(|s| strs(&s["actions"]) == ["sts:AssumeRole"]).unwrap();
    assert_eq!(strs(&assume["resources"]), payments.cross_account_roles);
}

/// The controller's own role reads no secret: no policy of any role but the tenants' grants Secrets Manager.
#[test]
fn the_external_secrets_controller_role_reads_nothing() {
    let doc = infra();
    let controller = "aws_iam_role.irsa_external_secrets";
    for ty in ["aws_iam_role_policy", "aws_iam_role_policy_attachment"] {
        for (name, p) in resources(&doc, ty) {
            assert!(
                !p["role"].as_str().unwrap().starts_with(&format!("${{{controller}.")),
                "{ty}.{name} on the controller"
            );
        }
    }
    for (name, p) in resources(&doc, "aws_iam_role_policy") {
        let statements = policy_statements(&doc, p["policy"].as_str().unwrap());
        let reads = statements.iter().flat_map(|s| strs(&s["actions"])).any(|a| a.starts_with("secretsmanager:"));
        assert_eq!(reads, name.starts_with("secrets_"), "{name}: Secrets Manager access outside a tenant role");
    }
    // A standalone policy (the node operators') could be attached to the controller: none grants Secrets Manager.
    for (name, p) in resources(&doc, "aws_iam_policy") {
        let statements = policy_statements(&doc, p["policy"].as_str().unwrap());
        let actions: Vec<&str> = statements.iter().flat_map(|s| strs(&s["actions"])).collect();
        assert!(!actions.iter().any(|a| a.starts_with("secretsmanager:") || a.contains('*')), "{name}: {actions:?}");
    }
}

/// Requirement 9: what EC2 and the controllers create outside Terraform's `default_tags` carries the same
/// cost-allocation tags: each node's volumes and network interface, and the EBS volumes the CSI driver creates.
#[test]
fn what_nodes_and_the_ebs_driver_create_carries_the_cost_tags() {
    let doc = infra();
    let default_tags = doc["provider"]["aws"][0]["default_tags"]["tags"].as_object().unwrap();
    assert!(default_tags.contains_key("environment") && default_tags.contains_key("platform"), "{default_tags:?}");
    let carries = |what: &str, tags: &Value| {
        for (k, v) in default_tags {
            assert_eq!(&tags[k], v, "{what}: tag `{k}`");
        }
    };
    for (name, lt) in resources(&doc, "aws_launch_template") {
        let specs = lt["tag_specifications"].as_array().unwrap();
        for kind in ["instance", "volume", "network-interface"] {
            let spec = specs.iter().find(|s| s["resource_type"] == kind).unwrap_or_else(|| panic!("{name}: {kind}"));
            carries(&format!("{name} {kind}"), &spec["tags"]);
        }
    }
    let ebs = resource(&doc, "aws_eks_addon", "aws_ebs_csi_driver");
    let config: Value = serde_json::from_str(ebs["configuration_values"].as_str().unwrap()).unwrap();
    carries("EBS CSI volumes", &config["controller"]["extraVolumeTags"]);
}

#[test]
fn addons_are_pinned_and_configured() {
    let doc = infra();
    let addons = resources(&doc, "aws_eks_addon");
    assert_eq!(addons.len(), platform().addons.len());
    for (name, a) in &addons {
        assert!(a["addon_version"].as_str().unwrap().contains("-eksbuild."), "{name}");
        assert_eq!(a["resolve_conflicts_on_create"], "OVERWRITE");
        assert_eq!(a["resolve_conflicts_on_update"], "OVERWRITE");
        assert!(a.get("resolve_conflicts").is_none(), "removed in aws 6");
    }
    let coredns = resource(&doc, "aws_eks_addon", "coredns");
    let pins = platform_core::catalog::kubernetes::addon_versions(&platform().kubernetes).expect("carried");
    assert_eq!(coredns["addon_version"], pins.coredns);
    let declared = platform().addons.iter().find(|a| a.kind == platform_core::model::AddonKind::Coredns).unwrap();
    let config: Value = serde_json::from_str(coredns["configuration_values"].as_str().unwrap()).unwrap();
    if let Some(replicas) = declared.replicas {
        assert_eq!(config["replicaCount"], replicas);
    }
    if let Some(group) = &declared.node_group {
        let group = platform().node_groups.iter().find(|g| &g.name == group).unwrap();
        assert_eq!(config["nodeSelector"], serde_json::json!(group.labels));
        if let Some(taint) = group.taints.first() {
            assert_eq!(config["tolerations"][0]["key"], taint.key);
        }
    }
    if let Some(resources) = &declared.resources {
        assert_eq!(config["resources"]["requests"]["cpu"], resources.cpu);
    }
    assert_eq!(coredns["count"], "${var.pod_network_ready ? 1 : 0}");
    let kube_proxy = resource(&doc, "aws_eks_addon", "kube_proxy");
    assert!(kube_proxy.get("count").is_none(), "kube-proxy runs on the host network");
    let config: Value = serde_json::from_str(kube_proxy["configuration_values"].as_str().unwrap()).unwrap();
    assert_eq!(config["resources"]["limits"]["memory"], "128Mi");
    let ebs = resource(&doc, "aws_eks_addon", "aws_ebs_csi_driver");
    assert_eq!(ebs["service_account_role_arn"], "${aws_iam_role.irsa_ebs_csi.arn}");
    let config: Value = serde_json::from_str(ebs["configuration_values"].as_str().unwrap()).unwrap();
    assert_eq!(config["controller"]["replicaCount"], 2);
    let cw = resource(&doc, "aws_eks_addon", "amazon_cloudwatch_observability");
    assert_eq!(cw["service_account_role_arn"], "${aws_iam_role.irsa_cloudwatch_observability.arn}");
}

#[test]
fn nodes_and_the_addons_that_run_pods_wait_for_the_pod_network() {
    let doc = infra();
    // Required: forgetting it on the command line fails the plan instead of picking a side.
    let variable = &doc["variable"]["pod_network_ready"];
    assert_eq!(variable["type"], "bool");
    assert!(variable.get("default").is_none(), "pod_network_ready must have no default: {variable}");
    let gated = "${var.pod_network_ready ? 1 : 0}";
    let groups: Vec<String> =
        resources(&doc, "aws_eks_node_group").iter().map(|(n, _)| format!("aws_eks_node_group.{n}")).collect();
    for (name, g) in resources(&doc, "aws_eks_node_group") {
        assert_eq!(g["count"], gated, "{name}");
    }
    // kube-proxy comes with the cluster, before any node (Calico's operator reaches the API server through the
    // `kubernetes` Service, which kube-proxy routes): not gated, not waiting for nodes.
    let kube_proxy = resource(&doc, "aws_eks_addon", "kube_proxy");
    assert!(kube_proxy.get("count").is_none() && kube_proxy.get("depends_on").is_none(), "{kube_proxy}");
    for (name, a) in resources(&doc, "aws_eks_addon").into_iter().filter(|(n, _)| *n != "kube_proxy") {
        assert_eq!(a["count"], gated, "{name}");
        let deps = strs(&a["depends_on"]);
        for g in &groups {
            assert!(deps.contains(&g.as_str()), "{name} must come after {g}");
        }
        // Addons that call AWS (an IRSA role) resolve its endpoints through cluster DNS.
        if a.get("service_account_role_arn").is_some() {
            assert!(deps.contains(&"aws_eks_addon.coredns"), "{name} must come after coredns");
        }
    }
    // The gate against `false` on a cluster that has node groups: read, at plan time, only if the cluster exists,
    // by its name (not by an attribute of the resource, which may be unknown until apply).
    let gate = &doc["data"]["aws_eks_node_groups"]["existing"];
    let cluster_name = names().cluster();
    assert_eq!(gate["cluster_name"], cluster_name);
    assert_eq!(
        gate["count"],
        format!("${{contains(data.aws_eks_clusters.existing.names, \"{cluster_name}\") ? 1 : 0}}")
    );
    let check = &gate["lifecycle"]["postcondition"][0];
    assert_eq!(check["condition"], "${var.pod_network_ready || length(self.names) == 0}");
    let message = check["error_message"].as_str().unwrap();
    assert!(
        message.contains("pod_network_ready is false") && message.contains("-var pod_network_ready=true"),
        "{message}"
    );
    assert_eq!(doc["output"]["pod_network_ready"]["value"], "${var.pod_network_ready}");
}

#[test]
fn azure_ad_is_the_oidc_identity_provider() {
    let doc = infra();
    let idp = &resource(&doc, "aws_eks_identity_provider_config", "azure_ad")["oidc"];
    assert_eq!(idp["issuer_url"], "https://login.microsoftonline.com/2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e78/v2.0");
    assert_eq!(idp["client_id"], "3e5a7b9d-1f2c-4d4e-9f6a-8b0c2d4e6f89");
    assert_eq!(idp["groups_claim"], "groups");
    assert_eq!(idp["username_prefix"], "aad:");
}

/// Azure AD users get in with the kubeconfig output: its exec plugin asks Entra ID for an ID token of exactly the
/// issuer and client id the cluster's identity provider config validates.
#[test]
fn azure_ad_users_get_a_kubeconfig_for_the_declared_issuer_and_client() {
    let doc = infra();
    let idp = &resource(&doc, "aws_eks_identity_provider_config", "azure_ad")["oidc"];
    assert_eq!(doc["output"]["kubeconfig_azure_ad"]["value"], "${yamlencode(local.kubeconfig_azure_ad)}");
    let config = &doc["locals"]["kubeconfig_azure_ad"];
    assert_eq!((config["apiVersion"].as_str(), config["kind"].as_str()), (Some("v1"), Some("Config")));
    let cluster = &config["clusters"][0];
    assert_eq!(cluster["cluster"]["server"], "${aws_eks_cluster.main.endpoint}");
    assert_eq!(
        cluster["cluster"]["certificate-authority-data"],
        "${aws_eks_cluster.main.certificate_authority[0].data}"
    );
    let user = &config["users"][0];
    let exec = &user["user"]["exec"];
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1beta1");
    assert_eq!(exec["command"], "kubectl");
    let args = strs(&exec["args"]);
    assert_eq!(args[..2], ["oidc-login", "get-token"]);
    assert!(args.contains(&format!("--oidc-issuer-url={}", idp["issuer_url"].as_str().unwrap()).as_str()), "{args:?}");
    assert!(args.contains(&format!("--oidc-client-id={}", idp["client_id"].as_str().unwrap()).as_str()), "{args:?}");
    // The audited user is the Entra ID object id (PCI DSS 8.2.1): immutable, never reused; Entra ID puts `oid` in
    // the ID token only with the `profile` scope.
    assert_eq!(idp["username_claim"], "oid");
    assert!(args.contains(&"--oidc-extra-scope=profile"), "{args:?}");
    assert!(!args.iter().any(|a| a.contains("secret")), "public client: no secret");
    let context = &config["contexts"][0];
    assert_eq!(context["context"]["cluster"], cluster["name"]);
    assert_eq!(context["context"]["user"], user["name"]);
    assert_eq!(config["current-context"], context["name"]);
}

#[test]
fn ssm_sessions_are_logged_encrypted_and_time_out() {
    let doc = infra();
    let document = resource(&doc, "aws_ssm_document", "sessions");
    assert_eq!(document["document_type"], "Session");
    let content: Value = serde_json::from_str(document["content"].as_str().unwrap()).unwrap();
    let inputs = &content["inputs"];
    assert_eq!(inputs["cloudWatchLogGroupName"], "${aws_cloudwatch_log_group.ssm_sessions.name}");
    assert_eq!(inputs["cloudWatchEncryptionEnabled"], true);
    assert_eq!(inputs["s3EncryptionEnabled"], true);
    assert_eq!(inputs["runAsEnabled"], false);
    assert_eq!(inputs["kmsKeyId"], "${aws_kms_key.logs.key_id}");
    assert_eq!(inputs["idleSessionTimeout"], "15");
    let group = resource(&doc, "aws_cloudwatch_log_group", "ssm_sessions");
    assert_eq!(group["kms_key_id"], "${aws_kms_key.logs.arn}");
}

/// A plain `aws ssm start-session` uses the account's default document, which the platform does not manage, so
/// it could go unlogged: every statement of the infra root that allows `ssm:StartSession` requires the document
/// access check, the only document it allows is the platform's logging one, and its instances are this
/// environment's nodes (the tags the launch templates put on instances).
#[test]
fn node_sessions_can_only_be_started_with_the_logging_document() {
    let doc = infra();
    let policy = resource(&doc, "aws_iam_policy", "ssm_sessions");
    assert_eq!(doc["output"]["ssm_session_policy_arn"]["value"], "${aws_iam_policy.ssm_sessions.arn}");
    let statements = policy_statements(&doc, policy["policy"].as_str().unwrap());
    let document = resource(&doc, "aws_ssm_document", "sessions")["name"].as_str().unwrap();
    let node_tags = &resources(&doc, "aws_launch_template")[0].1["tag_specifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["resource_type"] == "instance")
        .unwrap()["tags"];
    let mut starts = 0;
    for (name, policy_doc) in data_sources(&doc, "aws_iam_policy_document") {
        for s in policy_doc["statement"].as_array().unwrap() {
            let actions = strs(&s["actions"]);
            if !actions.iter().any(|a| *a == "ssm:StartSession" || *a == "ssm:*" || *a == "*") {
                continue;
            }
            starts += 1;
            assert_eq!(conditions(s, "BoolIfExists", "ssm:SessionDocumentAccessCheck"), ["true"], "{name}: {s}");
            for r in strs(&s["resources"]) {
                if r.contains(":document/") {
                    assert!(r.ends_with(&format!(":document/{document}")), "{name}: another document {r}");
                } else {
                    assert!(r.contains(":instance/"), "{name}: {r}");
                    for key in ["platform", "environment"] {
                        let tag = node_tags[key].as_str().unwrap();
                        assert_eq!(conditions(s, "StringEquals", &format!("ssm:resourceTag/{key}")), [tag], "{name}");
                    }
                }
            }
        }
    }
    assert!(statements
        .iter()
        .any(|s| strs(&s["resources"]).iter().any(|r| r.ends_with(&format!(":document/{document}")))));
    assert_eq!(starts, 2, "one statement for the nodes, one for the document");
}

#[test]
fn cluster_health_alarms_notify_an_encrypted_topic() {
    let doc = infra();
    let topic = "${aws_sns_topic.alarms.arn}";
    assert_eq!(resource(&doc, "aws_sns_topic", "alarms")["kms_master_key_id"], "${aws_kms_key.logs.arn}");
    let mut metrics: Vec<&str> = resources(&doc, "aws_cloudwatch_metric_alarm")
        .into_iter()
        .filter(|(_, a)| a["dimensions"].get("ClusterName").is_some())
        .map(|(_, a)| {
            assert_eq!(strs(&a["alarm_actions"]), [topic]);
            assert_eq!(a["dimensions"]["ClusterName"], "${aws_eks_cluster.main.name}");
            let metric = a["metric_name"].as_str().unwrap();
            // The CloudWatch agent publishes the node metrics every minute: without them the agent (or every node)
            // is gone, which must page like a failure rather than sit silently in INSUFFICIENT_DATA.
            if metric.starts_with("node_") || metric == "cluster_failed_node_count" {
                assert_eq!(a["treat_missing_data"], "missing", "{metric}");
                assert_eq!(strs(&a["insufficient_data_actions"]), [topic], "{metric}");
            }
            assert!(a["treat_missing_data"].is_string());
            metric
        })
        .collect();
    metrics.sort_unstable();
    assert_eq!(
        metrics,
        [
            "apiserver_request_total_5XX",
            "cluster_failed_node_count",
            "node_cpu_utilization",
            "node_memory_utilization",
            "pod_number_of_container_restarts"
        ]
    );
}

/// PCI DSS 10.7.2: a failure of the audit log pipeline is detected. Every archive stream alarms on failed S3 puts
/// and on records waiting, and a stream of a log group that never goes quiet alarms when it delivers nothing.
#[test]
fn every_archive_stream_alarms_when_its_delivery_fails_or_stops() {
    let doc = infra();
    let topic = "${aws_sns_topic.alarms.arn}";
    let alarms = resources(&doc, "aws_cloudwatch_metric_alarm");
    let streams = resources(&doc, "aws_kinesis_firehose_delivery_stream");
    assert!(streams.len() >= 2, "{}", streams.len());
    for (name, _) in &streams {
        let stream_name = format!("${{aws_kinesis_firehose_delivery_stream.{name}.name}}");
        let watching: Vec<&Value> = alarms
            .iter()
            .filter(|(_, a)| a["dimensions"]["DeliveryStreamName"] == stream_name.as_str())
            .map(|(_, a)| *a)
            .collect();
        let metric = |m: &str| watching.iter().find(|a| a["metric_name"] == m).copied();
        for a in &watching {
            assert_eq!(a["namespace"], "AWS/Firehose");
            assert_eq!(strs(&a["alarm_actions"]), [topic]);
        }
        let success = metric("DeliveryToS3.Success").unwrap_or_else(|| panic!("{name}: no delivery alarm"));
        assert_eq!(
            (success["comparison_operator"].as_str(), success["threshold"].as_f64()),
            (Some("LessThanThreshold"), Some(1.0))
        );
        let freshness = metric("DeliveryToS3.DataFreshness").unwrap_or_else(|| panic!("{name}: no freshness alarm"));
        assert_eq!(freshness["comparison_operator"], "GreaterThanThreshold");
        // Records older than a few buffer intervals are late.
        let buffer = streams.iter().find(|(n, _)| n == name).unwrap().1["extended_s3_configuration"]
            ["buffering_interval"]
            .as_f64()
            .unwrap();
        let threshold = freshness["threshold"].as_f64().unwrap();
        assert!(threshold > buffer && threshold <= 900.0, "{name}: {threshold}");
        // Which log group feeds the stream decides whether silence is a failure.
        let filter = resources(&doc, "aws_cloudwatch_log_subscription_filter")
            .into_iter()
            .find(|(_, f)| f["destination_arn"] == format!("${{aws_kinesis_firehose_delivery_stream.{name}.arn}}"))
            .unwrap()
            .1;
        let quiet = filter["log_group_name"] == "${aws_cloudwatch_log_group.ssm_sessions.name}";
        if quiet {
            assert_eq!(success["treat_missing_data"], "notBreaching", "{name}: no session, no delivery");
            assert!(success.get("insufficient_data_actions").is_none(), "{name}");
        } else {
            assert_eq!(success["treat_missing_data"], "missing", "{name}");
            assert_eq!(strs(&success["insufficient_data_actions"]), [topic], "{name}: a busy stream went silent");
        }
    }
}

#[test]
fn outputs_expose_what_the_cluster_stage_needs() {
    let doc = infra();
    let outputs = doc["output"].as_object().unwrap();
    for name in [
        "cluster_name",
        "cluster_endpoint",
        "cluster_certificate_authority",
        "oidc_provider_arn",
        "oidc_issuer_url",
        "node_role_arn",
        "irsa_role_arns",
        "vpc_id",
        "private_subnet_ids",
        "tenant_key_arns",
        "alarm_topic_arn",
        "region",
    ] {
        assert!(outputs.contains_key(name), "missing output `{name}`");
    }
    assert_eq!(outputs["irsa_role_arns"]["value"].as_object().unwrap().len(), platform().irsa.len());
    assert_eq!(outputs["tenant_key_arns"]["value"].as_object().unwrap().len(), platform().tenants.len());
    let roles = outputs["tenant_secret_role_arns"]["value"].as_object().unwrap();
    for t in &platform().tenants {
        assert_eq!(roles[&t.name], format!("${{aws_iam_role.secrets_{}.arn}}", t.name));
    }
}

#[test]
fn every_name_carries_the_environment_suffix() {
    let doc = infra();
    let name_keys = ["name", "node_group_name", "alarm_name"];
    let mut checked = 0;
    for (resource_type, by_name) in doc["resource"].as_object().unwrap() {
        for (name, body) in by_name.as_object().unwrap() {
            for key in name_keys {
                if let Some(v) = body[key].as_str() {
                    if v.starts_with("${") {
                        continue;
                    }
                    assert!(v.contains(&format!("-{SUFFIX}")), "{resource_type}.{name}.{key} = {v}");
                    checked += 1;
                }
            }
            if let Some(tag) = body["tags"]["Name"].as_str() {
                assert!(tag.ends_with(&format!("-{SUFFIX}")), "{resource_type}.{name} Name tag {tag}");
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} names checked");
}

#[test]
fn everything_is_destroyable() {
    let text = serde_json::to_string(&infra()).unwrap();
    for forbidden in ["prevent_destroy", "deletion_protection", "skip_destroy", "\"preserve\""] {
        assert!(!text.contains(forbidden), "`{forbidden}` in the infra root");
    }
}
