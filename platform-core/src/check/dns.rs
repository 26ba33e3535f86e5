//! DNS rules: the Route 53 hosted zones external-dns may manage.

use super::values::ticks;
use super::{at, Finding, Findings, Rule};
use crate::model::Platform;
use crate::naming::is_dns_label;

pub(super) fn check(p: &Platform, out: &mut Findings) {
    if p.dns_zones.is_empty() {
        out.push(Finding::new(
            Rule::DnsZone,
            at("dns_zones"),
            "[]",
            "no DNS zone is declared, so external-dns would have nothing it may manage",
            "declare the hosted zone as `dns_zones: { \"<domain>\": \"<hosted zone id>\" }`",
        ));
    }
    for (i, zone) in p.dns_zones.iter().enumerate() {
        let path = at("dns_zones").index(i);
        if !is_domain(&zone.name) {
            let fixed = zone.name.trim_end_matches('.').to_ascii_lowercase();
            // A trailing dot or capitals: the name meant; anything else is the owner's to correct.
            let help = if is_domain(&fixed) {
                format!("the zone's name is `{fixed}`: lowercase, without a trailing dot")
            } else {
                "write the zone's domain name, lowercase and without a trailing dot".to_owned()
            };
            out.push(Finding::new(
                Rule::DnsZone,
                path.key("name"),
                &zone.name,
                format!("`{}` is not a lowercase domain name with at least two labels", zone.name),
                help,
            ));
        }
        if !is_zone_id(&zone.zone_id) {
            out.push(Finding::new(
                Rule::DnsZone,
                path.key("zone_id"),
                &zone.zone_id,
                format!("`{}` is not a Route 53 hosted zone id", zone.zone_id),
                "copy the id from `aws route53 list-hosted-zones` without `/hostedzone/`",
            ));
        }
        let twins: Vec<_> =
            p.dns_zones[..i].iter().filter(|z| z.name == zone.name || z.zone_id == zone.zone_id).collect();
        if !twins.is_empty() {
            out.push(Finding::new(
                Rule::DnsZone,
                path,
                &zone.name,
                format!("zone `{}` ({}) is declared twice", zone.name, zone.zone_id),
                format!("remove one of {}", ticks([&zone.name, &twins[0].name])),
            ));
        }
    }
}

/// Whether `name` is a domain: at least two DNS labels, 253 characters at most.
fn is_domain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').count() >= 2 && name.split('.').all(is_dns_label)
}

/// Whether `id` has the shape of a hosted zone id: `Z` and up to 31 uppercase letters and digits (the Route 53
/// API's `ResourceId` is at most 32 characters).
fn is_zone_id(id: &str) -> bool {
    id.len() <= 32
        && id.len() > 1
        && id.starts_with('Z')
        && id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::{is_domain, is_zone_id};

    #[test]
    fn shapes() {
        assert!(is_domain("payments.example.com") && !is_domain("localhost") && !is_domain("Example.com"));
        assert!(!is_domain("example.com.") && !is_domain("-a.example.com"));
        assert!(is_zone_id("Z0123456789ABCDEFGHIJ") && is_zone_id("Z1D633PJN98FT9"));
        assert!(!is_zone_id("z123") && !is_zone_id("/hostedzone/Z123") && !is_zone_id("Z"));
    }

    #[test]
    fn zones() {
        let mut p = sample();
        p.dns_zones.push(DnsZone { name: p.dns_zones[0].name.clone(), zone_id: "z123".into() });
        let f = run(&p);
        expect(&f, Rule::DnsZone, "dns_zones[1].zone_id", "`z123`");
        expect(&f, Rule::DnsZone, "dns_zones[1]", "declared twice");
        p.dns_zones.clear();
        expect(&run(&p), Rule::DnsZone, "dns_zones", "no DNS zone");
    }
}
