//! From tokens to the expansion: parse, run platform-core's checks, report findings at their tokens, bake.

use platform_core::catalog::AS_OF;
use platform_core::check::{findings, implied, partial_findings, Finding, Findings, Gaps, Severity};
use platform_core::model::Platform;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::bake::Bake;
use crate::parse::{parse, Parsed};
use crate::spans::SpanMap;

/// Expands `platform! { … }`: every syntax error and every error finding the parsed part proves
/// (`partial_findings`) as compile errors, syntax errors first; otherwise the baked `Platform` value, preceded by
/// one `#[deprecated]` item per warning finding. When a required value is missing or broken, no rule is checked
/// (each reads the name, the region, the VPC or the cluster) and the syntax errors alone are reported.
///
/// The checks run as of the catalog's date ([`AS_OF`]), not the wall clock, so that the same definition always
/// expands to the same code (reproducible builds, stable ui-test expectations, no rebuild that changes with the
/// day). The support-window warning therefore says what the catalog knows: a version past its window on `AS_OF`
/// warns; one that leaves it later warns once the catalog is reviewed (`AS_OF` moved), and `platform check`
/// judges it on the day it runs.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let Parsed { platform, gaps, spans, mut errors } = parse(input);
    let Some(platform) = platform else {
        return compile_errors(errors.expect("a definition without a platform has a syntax error"));
    };
    let findings = checked(&platform, &gaps);
    for finding in findings.errors() {
        let error = spans.resolve(&finding.path).error(finding);
        match &mut errors {
            Some(all) => all.combine(error),
            None => errors = Some(error),
        }
    }
    if let Some(errors) = errors {
        return compile_errors(errors);
    }
    let warnings = findings.warnings().enumerate().map(|(i, f)| warning(i, f, &spans));
    let value = platform.bake();
    quote! {{
        #(#warnings)*
        #value
    }}
}

/// The findings the macro reports: those the parsed part proves (`partial_findings`), without those another
/// finding implies (`implied`).
pub(crate) fn checked(platform: &Platform, gaps: &Gaps) -> Findings {
    implied(partial_findings(findings(platform, AS_OF), gaps))
}

/// One `compile_error!` per error, in a block: several in a row are statements, not one expression.
fn compile_errors(errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote! {{ #errors }}
}

/// A warning on stable Rust: a deprecated constant used at the finding's token, so rustc prints
/// "use of deprecated constant …: <finding>" there. `#[deny(deprecated)]` turns it into an error.
fn warning(index: usize, finding: &Finding, spans: &SpanMap) -> TokenStream {
    debug_assert_eq!(finding.severity, Severity::Warning);
    let name = format_ident!("{}_{index}", finding.rule.id().replace(['/', '-'], "_"));
    let mut usage = Ident::new(&name.to_string(), spans.resolve(&finding.path).start);
    usage.set_span(spans.resolve(&finding.path).start);
    let note = finding.to_string();
    quote! {
        #[deprecated(note = #note)]
        #[allow(non_upper_case_globals)]
        const #name: () = ();
        let () = #usage;
    }
}
