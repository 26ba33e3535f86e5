//! Encryption and logging rules: no encryption switch off, log retention, control-plane log types.

use super::values::ticks;
use super::{at, Finding, Findings, Fix, Rule};
use crate::model::{LogType, Platform};
use crate::naming::suffix_error;

pub(super) fn check(p: &Platform, out: &mut Findings) {
    check_encryption(p, out);
    check_log_retention(p, out);
    check_log_archive(p, out);
    check_archive_retention(p, out);
    check_control_plane_logs(p, out);
}

/// `encryption/required`: every encryption switch stays on. PCI DSS v4.0 3.5.1 requires stored account data to be
/// unreadable; requirement 4 asks for envelope encryption of secrets, per-tenant KMS keys with rotation, and
/// KMS-encrypted log groups (PCI DSS 3.6/3.7: key management and cryptoperiods).
fn check_encryption(p: &Platform, out: &mut Findings) {
    let e = &p.encryption;
    let switches = [
        ("secrets", e.secrets, "Kubernetes secrets would be stored in etcd without KMS envelope encryption"),
        ("ebs", e.ebs, "node volumes would be unencrypted"),
        ("logs", e.logs, "CloudWatch log groups would not be KMS-encrypted"),
        ("tenant_keys", e.tenant_keys, "tenants would share one KMS key instead of one key per namespace"),
        ("key_rotation", e.key_rotation, "KMS keys would not rotate yearly"),
    ];
    for (key, on, what) in switches {
        if on {
            continue;
        }
        out.push(
            Finding::new(
                Rule::EncryptionRequired,
                at("encryption").key(key),
                "false",
                format!("`{key}: false` switches encryption off: {what}, which PCI DSS 3.5.1 forbids"),
                format!("write `{key}: true` (or remove the line: encryption is on by default)"),
            )
            .with_set("true"),
        );
    }
}

/// Every `retentionInDays` CloudWatch Logs accepts.
///
/// Source: CloudWatch Logs API reference, `PutRetentionPolicy` (as listed in the AWS SDKs' generated docs), checked
/// 2026-11.
pub(crate) const RETENTION_DAYS: &[u32] =
    &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// `logging/retention`: audit logs are kept at least 90 days (requirements 1 and 8), and CloudWatch Logs only
/// accepts the values of [`RETENTION_DAYS`] (any other fails `PutRetentionPolicy` at deploy time).
fn check_log_retention(p: &Platform, out: &mut Findings) {
    let days = p.cluster.log_retention_days;
    if days >= 90 && RETENTION_DAYS.contains(&days) {
        return;
    }
    let nearest = RETENTION_DAYS.iter().copied().find(|d| *d >= days.max(90)).unwrap_or(3653);
    let message = if days < 90 {
        format!("log retention of {days} days is below the required 90 days")
    } else {
        format!("log retention of {days} days is not a value CloudWatch Logs accepts")
    };
    out.push(
        Finding::new(
            Rule::LogRetention,
            at("cluster").key("log_retention_days"),
            days.to_string(),
            message,
            format!(
                "write `log_retention_days: {nearest}` (accepted from 90 on: {})",
                ticks(RETENTION_DAYS.iter().filter(|d| **d >= 90))
            ),
        )
        .with_set(nearest.to_string()),
    );
}

/// `logging/archive`: PCI DSS v4.0 10.5.1 keeps audit log history for at least 12 months, the latest three
/// immediately available: CloudWatch holds the latest `log_retention_days`, the S3 archive the year (control
/// plane, VPC flow logs and Session Manager transcripts alike). Days are
/// counted by S3 lifecycle, which expires objects after any whole number of days.
fn check_log_archive(p: &Platform, out: &mut Findings) {
    let days = p.cluster.log_archive_days;
    if days >= 365 {
        return;
    }
    out.push(
        Finding::new(
            Rule::LogArchive,
            at("cluster").key("log_archive_days"),
            days.to_string(),
            format!("audit logs would be archived {days} days, but PCI DSS 10.5.1 asks for 12 months of history"),
            "write `log_archive_days: 400` (or remove the line: 400 is the default)",
        )
        .with_set("400"),
    );
}

/// Environment suffixes that name production: equal to or starting with one of these.
const PRODUCTION_PREFIXES: &[&str] = &["prod", "prd", "live"];

/// `logging/archive-retention`: the log archive is retained (its bucket and the logs key are never destroyed by
/// Terraform, and no one may delete an archived object) unless an environment is listed in
/// `log_archive_destroyable_in`. The requirements ask that everything be destroyable, which holds for
/// non-production environments; a production environment holds cardholder data, so PCI DSS 10.5.1 (12 months of
/// audit log history) wins there. An entry must be an environment suffix the CLI accepts (else it never
/// matches) and must not name production: `prod`, `prd`, `live`, or a suffix starting with one of them.
fn check_archive_retention(p: &Platform, out: &mut Findings) {
    for (i, env) in p.cluster.log_archive_destroyable_in.iter().enumerate() {
        let path = at("cluster").key("log_archive_destroyable_in").index(i);
        if let Some(why) = suffix_error(env) {
            out.push(Finding::new(
                Rule::ArchiveRetention,
                path,
                env,
                format!("`{env}` can never match an environment: {why}"),
                "list environment suffixes as `platform render --environment-suffix` takes them, e.g. `\"dev\"`",
            ));
        } else if let Some(prefix) = PRODUCTION_PREFIXES.iter().find(|pre| env.starts_with(*pre)) {
            out.push(
                Finding::new(
                    Rule::ArchiveRetention,
                    path,
                    env,
                    format!(
                        "`{env}` names a production environment{}, whose audit logs PCI DSS 10.5.1 keeps for 12 \
                     months: its log archive may not be destroyable",
                        if env == prefix { String::new() } else { format!(" (it starts with `{prefix}`)") }
                    ),
                    format!("remove `\"{env}\"` from `log_archive_destroyable_in` (production retains its archive)"),
                )
                .with_fix(Fix::Remove { path: at("cluster").key("log_archive_destroyable_in").index(i) }),
            );
        }
    }
}

/// The control-plane logs the requirements name (requirement 1: audit, authenticator and scheduler).
const REQUIRED_LOGS: &[LogType] = &[LogType::Audit, LogType::Authenticator, LogType::Scheduler];

/// `logging/control-plane-logs`: audit (who did what, PCI DSS 10.2), authenticator (who logged in) and scheduler
/// logs are on; a log type listed twice is reported on its second entry.
fn check_control_plane_logs(p: &Platform, out: &mut Findings) {
    let logs = &p.cluster.logs;
    for required in REQUIRED_LOGS {
        if !logs.contains(required) {
            out.push(Finding::new(
                Rule::ControlPlaneLogs,
                at("cluster").key("logs"),
                required.to_string(),
                format!("control-plane log `{required}` is not enabled, but the requirements ask for audit, authenticator and scheduler logs"),
                format!("add `{required}` to `logs`"),
            )
            .with_fix(Fix::Append { path: at("cluster").key("logs"), item: required.to_string() }));
        }
    }
    // A repeated entry once, on the repetition.
    for (j, log) in logs.iter().enumerate() {
        if let Some(i) = logs[..j].iter().position(|other| other == log) {
            let path = at("cluster").key("logs").index(j);
            out.push(
                Finding::new(
                    Rule::ControlPlaneLogs,
                    path.clone(),
                    log.to_string(),
                    format!("control-plane log `{log}` is listed twice (entries {} and {})", i + 1, j + 1),
                    "remove this entry from `logs`",
                )
                .with_fix(Fix::Remove { path }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn every_switch_is_reported_at_its_field() {
        let mut p = sample();
        p.encryption = Encryption { secrets: false, ebs: false, logs: false, tenant_keys: false, key_rotation: false };
        let f = run(&p);
        for key in ["secrets", "ebs", "logs", "tenant_keys", "key_rotation"] {
            let e = expect(&f, Rule::EncryptionRequired, &format!("encryption.{key}"), &format!("`{key}: false`"));
            assert!(e.message.contains("PCI DSS 3.5.1"));
            assert!(e.help.starts_with(&format!("write `{key}: true`")));
        }
        assert_eq!(f.errors().count(), 5);
    }

    #[test]
    fn retention_suggests_the_nearest_accepted_value() {
        for (days, suggestion, needle) in
            [(30, 90, "below the required 90"), (100, 120, "not a value"), (365, 0, ""), (4000, 3653, "not a value")]
        {
            let mut p = sample();
            p.cluster.log_retention_days = days;
            let f = run(&p);
            if suggestion == 0 {
                assert!(f.of(Rule::LogRetention).is_empty());
                continue;
            }
            let r = expect(&f, Rule::LogRetention, "cluster.log_retention_days", needle);
            assert!(r.message.contains(&format!("{days} days")));
            assert!(r.help.starts_with(&format!("write `log_retention_days: {suggestion}`")), "{}", r.help);
        }
    }

    #[test]
    fn archive_keeps_a_year() {
        let mut p = sample();
        p.cluster.log_archive_days = 365;
        assert!(run(&p).of(Rule::LogArchive).is_empty());
        p.cluster.log_archive_days = 90;
        let f = run(&p);
        let e = expect(&f, Rule::LogArchive, "cluster.log_archive_days", "archived 90 days");
        assert!(e.message.contains("10.5.1"));
    }

    #[test]
    fn only_non_production_archives_are_destroyable() {
        let mut p = sample();
        p.cluster.log_archive_destroyable_in = vec!["dev".into(), "ci".into(), "preprod".into()];
        assert!(run(&p).of(Rule::ArchiveRetention).is_empty());
        p.cluster.log_archive_destroyable_in = vec!["dev".into(), "prod".into(), "prd2".into(), "Dev".into()];
        let f = run(&p);
        let e =
            expect(&f, Rule::ArchiveRetention, "cluster.log_archive_destroyable_in[1]", "`prod` names a production");
        assert!(e.message.contains("10.5.1") && e.help.starts_with("remove `\"prod\"`"), "{e:?}");
        expect(&f, Rule::ArchiveRetention, "cluster.log_archive_destroyable_in[2]", "starts with `prd`");
        expect(&f, Rule::ArchiveRetention, "cluster.log_archive_destroyable_in[3]", "can never match");
        assert_eq!(f.of(Rule::ArchiveRetention).len(), 3, "{f}");
    }

    #[test]
    fn control_plane_logs() {
        let mut p = sample();
        p.cluster.logs = vec![LogType::Audit, LogType::Api, LogType::Audit, LogType::Scheduler];
        let f = run(&p);
        expect(&f, Rule::ControlPlaneLogs, "cluster.logs", "`authenticator`");
        expect(&f, Rule::ControlPlaneLogs, "cluster.logs[2]", "`audit` is listed twice");
        assert!(f.0.iter().all(|f| f.path.as_str() != "cluster.logs[0]"), "once, on the repetition: {f}");
        assert_eq!(f.errors().count(), 2, "{f}");
    }
}
