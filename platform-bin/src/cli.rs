//! The `platform` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use platform_core::catalog;
use platform_core::check::{check_platform, today};
use platform_core::render::{render, RenderOptions};
use platform_core::report::{cost, graph, upgrade};
use platform_core::Platform;

use crate::output::write_artifacts;

/// The compile-time checked EKS platform: render it into Terraform JSON and Kubernetes manifests, check it, draw
/// it, estimate its cost, plan its Kubernetes upgrades.
#[derive(Debug, Parser)]
#[command(name = "platform", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render every artifact of the platform into a directory.
    Render {
        /// Appended to every AWS name (`resource-type-<suffix>`): 1 to 8 lowercase letters and digits.
        #[arg(long, value_name = "SUFFIX")]
        environment_suffix: String,
        /// AWS account id (12 digits) for the IRSA and KMS ARNs of the standalone `manifests/`; without it only the
        /// Terraform roots are rendered (they look ARNs up by name).
        #[arg(long, value_name = "12 DIGITS")]
        account_id: Option<String>,
        /// Output directory; only the files the renderer owns are replaced.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Run every rule and print the findings; exit 1 when one is an error.
    Check {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the topology (VPC, subnets, node groups, tenants, IRSA bindings) as a diagram.
    Graph {
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Print an estimate of the monthly cost at minimum and maximum node counts (us-east-2 list prices).
    Cost {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the steps from the declared Kubernetes version to a newer one: per minor version, the pins that
    /// change and the order to apply the two Terraform roots.
    UpgradePath {
        /// A Kubernetes version the catalog carries, newer than the declared one.
        #[arg(long, value_name = "VERSION")]
        to: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Output format of `check`, `cost` and `upgrade-path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Output format of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Mermaid flowchart (renders on GitHub).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// Runs the CLI on `platform`; errors are printed as one line on stderr.
pub fn run(cli: Cli, platform: &Platform) -> ExitCode {
    match execute(cli, platform) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli, platform: &Platform) -> Result<(), String> {
    match cli.command {
        Command::Render { environment_suffix, account_id, out } => {
            // `render` validates the suffix and the account id before anything else: one line, nothing written.
            let options = RenderOptions { environment_suffix, account_id };
            let artifacts = render(platform, &options).map_err(|e| e.to_string())?;
            write_artifacts(&out, &artifacts).map_err(|e| format!("cannot write to `{}`: {e}", out.display()))?;
            for path in artifacts.files.keys() {
                println!("{}", out.join(path).display());
            }
            Ok(())
        }
        Command::Check { format } => {
            let today = today();
            // On stderr: the JSON on stdout stays a list of findings.
            if let Some(warning) = catalog::staleness(&today) {
                eprintln!("warning: {warning}");
            }
            let findings = check_platform(platform, &today);
            match format {
                Format::Json => println!("{}", to_json(&findings)),
                Format::Text if findings.0.is_empty() => println!("no findings"),
                Format::Text => {
                    for f in &findings.0 {
                        println!("{}: {f}\n  at: {}", f.severity, f.path);
                    }
                }
            }
            match findings.errors().count() {
                0 => Ok(()),
                n => Err(format!("{n} rule(s) broken")),
            }
        }
        Command::Graph { format } => {
            let topology = graph::topology(platform);
            print!("{}", if format == GraphFormat::Dot { graph::dot(&topology) } else { graph::mermaid(&topology) });
            Ok(())
        }
        Command::Cost { format } => {
            let estimate = cost::estimate(platform, &today());
            match format {
                Format::Json => println!("{}", to_json(&estimate)),
                Format::Text => print!("{}", cost::table(&estimate)),
            }
            Ok(())
        }
        Command::UpgradePath { to, format } => {
            let today = today();
            if let Some(warning) = catalog::staleness(&today) {
                eprintln!("warning: {warning}");
            }
            let path = upgrade::upgrade_path(platform, &to, &today)?;
            match format {
                Format::Json => println!("{}", to_json(&path)),
                Format::Text => print!("{}", upgrade::text(&path)),
            }
            Ok(())
        }
    }
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("reports serialize")
}
