//! The `platform` command line.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use platform_core::catalog;
use platform_core::check::{self, today};
use platform_core::render::{render, RenderError, RenderOptions};
use platform_core::report::{cost, graph, upgrade};
use platform_core::{check_platform, Checked, Platform};

use crate::output::{write_artifacts, OutputError};

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
        /// Output directory; only the files the renderer owns are replaced (and everything in `manifests/` and
        /// `terraform/cluster/charts/`, which it owns whole).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Render even into a directory last rendered for another environment suffix, or holding Terraform
        /// state without a record of a render.
        #[arg(long)]
        force: bool,
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
    /// Print an estimate of the monthly cost at minimum and maximum node counts (list prices of the regions the
    /// price table carries; other regions are refused).
    Cost {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the Kubernetes versions the catalog carries pins for (every one renders with a one-token change of
    /// `kubernetes:`), with their EKS support phase today; the first column alone is the plain list.
    Versions {
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
    finish(execute(cli, platform, &mut io::stdout().lock()))
}

/// Exits as clap would on a usage error (stderr, exit 2) or `--help`/`--version`, except that the help text goes
/// through [`emit`], so a write error is reported rather than swallowed.
pub fn usage(error: clap::Error) -> ExitCode {
    if error.use_stderr() {
        let _ = error.print();
        return ExitCode::from(2);
    }
    finish(emit(&mut io::stdout().lock(), &error.render().to_string()))
}

fn finish(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Nothing better to do when stderr itself is gone; `eprintln!` would panic.
            let _ = writeln!(io::stderr(), "error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a command's whole output to `stdout`. A closed pipe ends the output quietly and the command keeps its
/// own exit status, as if the reader had read everything: `platform graph | head -c1` exits 0 and `platform check
/// | head` still exits 1 on a broken rule (coreutils die of SIGPIPE instead, which `set -o pipefail` reports as
/// 141). Any other write error fails the command with one line.
pub fn emit(stdout: &mut impl Write, text: &str) -> Result<(), String> {
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("cannot write to standard output: {e}")),
        _ => Ok(()),
    }
}

/// Runs one command, its output on `stdout`; the error is the one line to print.
pub fn execute(cli: Cli, platform: &Platform, stdout: &mut impl Write) -> Result<(), String> {
    match cli.command {
        Command::Render { environment_suffix, account_id, out, force } => {
            // The suffix and the account id are validated before anything else: one line, nothing written.
            let options = RenderOptions { environment_suffix, account_id };
            options.check().map_err(|e| e.to_string())?;
            let checked = checked(platform, &today())?;
            // The support window, as the build and `check` say it (EKS may no longer create the version).
            for warning in checked.warnings().0.iter() {
                let _ = writeln!(io::stderr(), "warning: {warning}");
            }
            let artifacts = render(&checked, &options).map_err(|e| e.to_string())?;
            let warnings =
                write_artifacts(&out, &artifacts, &options.environment_suffix, force).map_err(|e| match e {
                    OutputError::Refused(message) => message,
                    OutputError::Io(e) => format!("cannot write to `{}`: {e}", out.display()),
                })?;
            for warning in warnings {
                let _ = writeln!(io::stderr(), "warning: {warning}");
            }
            let listing: String =
                artifacts.files.keys().map(|path| format!("{}\n", out.join(path).display())).collect();
            emit(stdout, &listing)
        }
        Command::Check { format } => {
            let today = today();
            // On stderr: the JSON on stdout stays a list of findings.
            if let Some(warning) = catalog::staleness(&today) {
                let _ = writeln!(io::stderr(), "warning: {warning}");
            }
            // The root causes, as the build reports them.
            let findings = check::implied(check::findings(platform, &today));
            let text = match format {
                Format::Json => to_json(&findings),
                Format::Text if findings.0.is_empty() => "no findings\n".to_owned(),
                Format::Text => findings.0.iter().map(|f| format!("{}: {f}\n  at: {}\n", f.severity, f.path)).collect(),
            };
            emit(stdout, &text)?;
            match findings.errors().count() {
                0 => Ok(()),
                n => Err(format!("{n} rule(s) broken")),
            }
        }
        Command::Graph { format } => {
            let topology = graph::topology(&checked(platform, &today())?);
            emit(stdout, &if format == GraphFormat::Dot { graph::dot(&topology) } else { graph::mermaid(&topology) })
        }
        Command::Cost { format } => {
            let today = today();
            let estimate = cost::estimate(&checked(platform, &today)?, &today).map_err(|e| e.to_string())?;
            emit(
                stdout,
                &match format {
                    Format::Json => to_json(&estimate),
                    Format::Text => cost::table(&estimate),
                },
            )
        }
        Command::Versions { format } => {
            let today = today();
            let rows: Vec<VersionRow> = catalog::kubernetes::carried()
                .map(|r| VersionRow {
                    version: r.version,
                    phase: r.phase(&today),
                    words: r.support_words(&today),
                    standard_support_end: r.standard_support_end,
                    extended_support_end: r.extended_support_end,
                    declared: r.version == platform.kubernetes,
                })
                .collect();
            let text = match format {
                Format::Json => to_json(&rows),
                Format::Text => rows.iter().map(VersionRow::line).collect(),
            };
            emit(stdout, &text)
        }
        Command::UpgradePath { to, format } => {
            let today = today();
            if let Some(warning) = catalog::staleness(&today) {
                let _ = writeln!(io::stderr(), "warning: {warning}");
            }
            let path = upgrade::upgrade_path(&checked(platform, &today)?, &to, &today)?;
            emit(
                stdout,
                &match format {
                    Format::Json => to_json(&path),
                    Format::Text => upgrade::text(&path),
                },
            )
        }
    }
}

/// `platform` checked on `today`, as every command but `check` needs it; a broken one is refused with its errors.
fn checked<'p>(platform: &'p Platform, today: &str) -> Result<Checked<'p>, String> {
    check_platform(platform, today).map_err(|findings| RenderError::Invalid(findings).to_string())
}

/// One carried version as `platform versions` prints it.
#[derive(Debug, serde::Serialize)]
struct VersionRow {
    version: &'static str,
    phase: catalog::kubernetes::SupportPhase,
    /// The phase in the words of the build's and `check`'s warning.
    words: String,
    standard_support_end: &'static str,
    extended_support_end: &'static str,
    /// The version the definition declares.
    declared: bool,
}

impl VersionRow {
    fn line(&self) -> String {
        let declared = if self.declared { " (declared)" } else { "" };
        format!("{}\t{}{declared}\n", self.version, self.words)
    }
}

/// Pretty JSON and a final newline.
fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("reports serialize") + "\n"
}
