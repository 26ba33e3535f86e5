"""Asserts, by querying moto_server with boto3, what `terraform apply` created and `destroy` removed.

  moto_assert.py applied   ENDPOINT STATE.json ROOT.tf.json
                                                 the cluster, node groups, subnets, VPC endpoints, KMS keys
                                                 (rotation on), log groups (90 days, KMS, each subscribed to an
                                                 archive stream), IAM roles, the archive bucket and streams exist
  moto_assert.py destroyed ENDPOINT STATE.json   none of them is left (KMS keys: pending deletion)

STATE.json is `terraform show -json` taken after apply; it tells which ids and names to look for. ROOT.tf.json is
the rendered root that was applied: how many subnets and VPC endpoints the state must hold is counted there, so a
change of the topology never needs this script edited (and a state missing some fails). The region is
AWS_DEFAULT_REGION (scripts/moto-apply.sh sets it to the root's).
"""
import json
import os
import sys

import boto3

REGION = os.environ["AWS_DEFAULT_REGION"]


def client(service, endpoint):
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="moto")


def state_resources(path):
    with open(path) as f:
        state = json.load(f)
    out = {}
    for r in state["values"]["root_module"].get("resources", []):
        if r["mode"] == "managed":
            out.setdefault(r["type"], []).append(r["values"])
        else:
            out.setdefault(f"data.{r['type']}", []).append(r["values"])
    return out


failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def declared(root, rtype):
    """Resource blocks of RTYPE the rendered root declares (ours are plain blocks: no count, no for_each)."""
    with open(root) as f:
        blocks = json.load(f).get("resource", {}).get(rtype, {})
    assert all("count" not in b and "for_each" not in b for b in blocks.values()), f"{rtype}: count/for_each"
    return len(blocks)


def applied(endpoint, res, root):
    eks, ec2, kms, logs, iam = (client(s, endpoint) for s in ("eks", "ec2", "kms", "logs", "iam"))
    clusters = res.get("aws_eks_cluster", [])
    check(len(clusters) == 1, f"expected 1 EKS cluster in the state, found {len(clusters)}")
    for c in clusters:
        desc = eks.describe_cluster(name=c["name"])["cluster"]
        check(desc["version"] == c["version"], f"cluster version {desc['version']} != {c['version']}")
        check(bool(desc.get("encryptionConfig")), "cluster has no secrets encryption config")
        groups = set(eks.list_nodegroups(clusterName=c["name"])["nodegroups"])
        want = {g["node_group_name"] for g in res.get("aws_eks_node_group", [])}
        check(want and want == groups, f"node groups in moto {sorted(groups)} != state {sorted(want)}")
    subnets = [s["id"] for s in res.get("aws_subnet", [])]
    found = ec2.describe_subnets(SubnetIds=subnets)["Subnets"] if subnets else []
    want = declared(root, "aws_subnet")
    check(want and len(subnets) == want and len(found) == want,
          f"subnets: rendered {want}, state {len(subnets)}, moto {len(found)}")
    endpoints = [e["id"] for e in res.get("aws_vpc_endpoint", [])]
    found = ec2.describe_vpc_endpoints(VpcEndpointIds=endpoints)["VpcEndpoints"] if endpoints else []
    want = declared(root, "aws_vpc_endpoint")
    check(want and len(endpoints) == want and len(found) == want,
          f"VPC endpoints: rendered {want}, state {len(endpoints)}, moto {len(found)}")
    keys = [k["key_id"] for k in res.get("aws_kms_key", [])]
    check(keys, "no KMS key in the state")
    for key in keys:
        check(kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"], f"KMS key {key}: rotation is off")
    groups = res.get("aws_cloudwatch_log_group", [])
    check(groups, "no log group in the state")
    for g in groups:
        found = [x for x in logs.describe_log_groups(logGroupNamePrefix=g["name"])["logGroups"]
                 if x["logGroupName"] == g["name"]]
        check(len(found) == 1, f"log group {g['name']} missing in moto")
        for x in found:
            check(x.get("retentionInDays") == 90, f"log group {g['name']}: retention {x.get('retentionInDays')}")
            check(bool(x.get("kmsKeyId")), f"log group {g['name']}: not encrypted with KMS")
    for role in res.get("aws_iam_role", []):
        try:
            iam.get_role(RoleName=role["name"])
        except iam.exceptions.NoSuchEntityException:
            failures.append(f"IAM role {role['name']} missing in moto")
    s3, firehose = client("s3", endpoint), client("firehose", endpoint)
    # The archive bucket is the archive root's; the infra root reads it by name (data.aws_s3_bucket).
    buckets = res.get("data.aws_s3_bucket", [])
    check(len(buckets) == 1, f"expected the log-archive bucket read in the state, found {len(buckets)}")
    for b in buckets:
        sse = s3.get_bucket_encryption(Bucket=b["bucket"])["ServerSideEncryptionConfiguration"]["Rules"][0]
        check(sse["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms", f"bucket {b['bucket']}: not KMS")
        rules = s3.get_bucket_lifecycle_configuration(Bucket=b["bucket"])["Rules"]
        days = [r.get("Expiration", {}).get("Days") for r in rules]
        check(days and all(d and d >= 365 for d in days), f"bucket {b['bucket']}: expiration {days}, want >= 365")
    streams = firehose.list_delivery_streams()["DeliveryStreamNames"]
    want = [s["name"] for s in res.get("aws_kinesis_firehose_delivery_stream", [])]
    check(want and all(n in streams for n in want), f"delivery streams in moto {streams} != state {want}")
    # Every audit log group is archived: exactly one subscription filter, into one of the archive streams.
    arns = {s["arn"] for s in res.get("aws_kinesis_firehose_delivery_stream", [])}
    for g in groups:
        filters = logs.describe_subscription_filters(logGroupName=g["name"])["subscriptionFilters"]
        check(len(filters) == 1 and filters[0]["destinationArn"] in arns,
              f"log group {g['name']}: subscription filters {[f['destinationArn'] for f in filters]}, "
              f"want one into {sorted(arns)}")
    return (f"cluster 1, node groups {len(res.get('aws_eks_node_group', []))}, subnets {len(subnets)}, "
            f"VPC endpoints {len(endpoints)}, KMS keys {len(keys)} (rotation on), log groups {len(groups)} "
            f"(90 days, KMS), IAM roles {len(res.get('aws_iam_role', []))}, log archive bucket {len(buckets)} "
            f"(KMS, lifecycle >= 365 days) and delivery streams {len(want)}, each log group subscribed to one")


def destroyed(endpoint, res):
    eks, ec2, kms, logs, iam = (client(s, endpoint) for s in ("eks", "ec2", "kms", "logs", "iam"))
    check(eks.list_clusters()["clusters"] == [], f"EKS clusters left: {eks.list_clusters()['clusters']}")
    vpcs = [v["id"] for v in res.get("aws_vpc", [])]
    left = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": vpcs}])["Vpcs"] if vpcs else []
    check(not left, f"VPCs left: {[v['VpcId'] for v in left]}")
    subnets = [s["id"] for s in res.get("aws_subnet", [])]
    left = ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": subnets}])["Subnets"] if subnets else []
    check(not left, f"subnets left: {[s['SubnetId'] for s in left]}")
    endpoints = {e["id"] for e in res.get("aws_vpc_endpoint", [])}
    left = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if e["VpcEndpointId"] in endpoints and e.get("State", "").lower() not in ("deleted", "deleting")]
    check(not left, f"VPC endpoints left: {[e['VpcEndpointId'] for e in left]}")
    for key in (k["key_id"] for k in res.get("aws_kms_key", [])):
        state = kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"]
        check(state == "PendingDeletion", f"KMS key {key} is {state}, not pending deletion")
    names = {g["name"] for g in res.get("aws_cloudwatch_log_group", [])}
    left = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"] if g["logGroupName"] in names]
    check(not left, f"log groups left: {left}")
    buckets = {b["bucket"] for b in res.get("aws_s3_bucket", [])}
    left = [b["Name"] for b in client("s3", endpoint).list_buckets()["Buckets"] if b["Name"] in buckets]
    check(not left, f"buckets left: {left}")
    roles = {r["name"] for r in res.get("aws_iam_role", [])}
    left = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"] in roles]
    check(not left, f"IAM roles left: {left}")
    nats = [n["id"] for n in res.get("aws_nat_gateway", [])]
    left = [n for n in (ec2.describe_nat_gateways(NatGatewayIds=nats)["NatGateways"] if nats else [])
            if n["State"] not in ("deleted", "deleting")]
    check(not left, f"NAT gateways left: {[n['NatGatewayId'] for n in left]}")
    return "no cluster, VPC, subnet, VPC endpoint, NAT gateway, log group or IAM role left; KMS keys pending deletion"


def main():
    phase, endpoint, state, *root = sys.argv[1:]
    res = state_resources(state)
    summary = applied(endpoint, res, *root) if phase == "applied" else destroyed(endpoint, res)
    if failures:
        print(f"moto {phase}: {len(failures)} failed assertion(s):", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        sys.exit(1)
    print(f"moto {phase}: {summary}")


if __name__ == "__main__":
    main()
