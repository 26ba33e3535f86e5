//! From tokens to the expansion: parse, run platform-core's checks, report findings at their tokens, bake.

use platform_core::check::{findings, implied, partial_findings, today, Finding, Findings, Gaps, Rule, Severity};
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
/// The support window is judged on the build's day, [`today`]: the clock's, or `SOURCE_DATE_EPOCH`'s when set
/// (reproducible builds, the ui-tests). Judging on the catalog's date instead made three clocks: a version that
/// left standard support after the catalog's review built silently while `platform check` warned and `cost`
/// charged the extended fee. The catalog's date is in the message, so a stale calendar shows. Cargo does not
/// know the expansion reads the day: an unchanged crate is not expanded again on a later day, and its warning
/// appears at its next build (`platform check` says it on the day it runs).
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
/// finding implies (`implied`). `findings` is the pass `check_platform` builds the checked model with; the macro
/// keeps only its findings.
pub(crate) fn checked(platform: &Platform, gaps: &Gaps) -> Findings {
    implied(partial_findings(findings(platform, &today()), gaps))
}

/// One `compile_error!` per error, in a block: several in a row are statements, not one expression.
fn compile_errors(errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote! {{ #errors }}
}

/// A warning on stable Rust (which has no diagnostic API for proc macros): a deprecated constant used at the
/// finding's token, so rustc prints "use of deprecated constant `<name>`: <finding>" there; the name says the
/// problem (`kubernetes_1_28_is_past_eks_support`). `#[deny(deprecated)]` turns it into an error.
fn warning(index: usize, finding: &Finding, spans: &SpanMap) -> TokenStream {
    debug_assert_eq!(finding.severity, Severity::Warning);
    let slug: String = finding.value.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let name = match finding.rule {
        Rule::SupportWindow => format_ident!("kubernetes_{slug}_is_past_eks_support"),
        _ => format_ident!("{}_{index}", finding.rule.id().replace(['/', '-'], "_")),
    };
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
