//! The `platform` command line.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use platform_core::catalog;
use platform_core::check::{self, today};
use platform_core::render::{render, RenderError, RenderOptions};
use platform_core::report::{compliance, cost, graph, upgrade};
use platform_core::{check_platform, Checked, Platform};

use platform_core::deploy::{self, Root};

use crate::deploy as deploy_run;
use crate::output::{write_artifacts, OutputError};

/// The compile-time checked EKS platform: render it into Terraform JSON and Kubernetes manifests, deploy it through
/// Terraform in order, check it, draw it, estimate its cost, plan its Kubernetes upgrades.
#[derive(Debug, Parser)]
#[command(name = "platform", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render every artifact of the platform into a directory (`out/<suffix>` unless `--out` is given).
    Render {
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Render, then run `terraform` through the roots in order: the first deployment (infra without nodes, network,
    /// infra with nodes, cluster) or, once the cluster has node groups, one apply per root; each apply after its plan
    /// summary and a confirmation. Resumes from where the infra root's state says the environment stands.
    Deploy {
        #[command(flatten)]
        run: RunArgs,
    },
    /// Render, then plan the next steps `deploy` would apply (only the first one before the cluster exists).
    Plan {
        #[command(flatten)]
        run: RunArgs,
    },
    /// Render, then destroy the roots in reverse order (cluster, network, infra), each after its plan and a
    /// confirmation; roots with nothing in their state are skipped.
    Destroy {
        #[command(flatten)]
        run: RunArgs,
    },
    /// Render the state bucket's root (once per account, before any environment): a versioned, KMS-encrypted,
    /// TLS-only S3 bucket for every environment's Terraform state; apply it with local state.
    StateBucket {
        /// Output directory.
        #[arg(long, value_name = "DIR", default_value = "out/state-bucket")]
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
        /// The environment to upgrade: the commands name its render directory (`out/<suffix>` unless `--out`).
        #[arg(long, value_name = "SUFFIX")]
        environment_suffix: String,
        /// The environment's render directory, when it is not `out/<suffix>`.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the PCI DSS v4.0 mapping (requirement, rules, rendered evidence, tests) resolved against the render for
    /// an environment; exit 1 when a claimed piece of evidence is not in the render.
    Compliance {
        /// The environment whose render is checked.
        #[arg(long, value_name = "SUFFIX")]
        environment_suffix: String,
        #[arg(long, value_enum, default_value_t = ComplianceFormat::Markdown)]
        format: ComplianceFormat,
    },
}

/// What every rendering command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// Appended to every AWS name (`resource-type-<suffix>`): 1 to 8 lowercase letters and digits.
    #[arg(long, value_name = "SUFFIX")]
    pub environment_suffix: String,
    /// AWS account id (12 digits) for the IRSA and KMS ARNs of the standalone `manifests/`; without it only the
    /// Terraform roots are rendered (they look ARNs up by name).
    #[arg(long, value_name = "12 DIGITS")]
    pub account_id: Option<String>,
    /// Output directory (default `out/<suffix>`: one per environment); only the files the renderer owns are
    /// replaced (and everything in `manifests/` and `terraform/cluster/charts/`, which it owns whole).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render even into a directory last rendered for another environment suffix, or holding Terraform
    /// state without a record of a render.
    #[arg(long)]
    pub force: bool,
    /// The S3 bucket every root keeps its state in (`platform state-bucket` creates one per account); without it
    /// the backend names no bucket and `terraform init -backend-config=bucket=<name>` completes it.
    #[arg(long, value_name = "BUCKET", conflicts_with = "local_state")]
    pub state_bucket: Option<String>,
    /// The state bucket's region (default: the platform's).
    #[arg(long, value_name = "REGION", conflicts_with = "local_state")]
    pub state_region: Option<String>,
    /// The KMS key the state is encrypted with (default: the alias `platform state-bucket` creates).
    #[arg(long, value_name = "KEY", conflicts_with = "local_state")]
    pub state_kms_key: Option<String>,
    /// Keep the Terraform state on this machine (no backend): for trying the platform out, never for a team.
    #[arg(long)]
    pub local_state: bool,
    /// A public network allowed to reach the public API endpoint (repeat for more); written into the infra root's
    /// `platform.auto.tfvars.json`. Only for `endpoint: private_and_public`.
    #[arg(long = "public-access-cidr", value_name = "CIDR")]
    pub public_access_cidrs: Vec<String>,
    /// An IAM role given cluster-admin (repeat for more: operators, break-glass, CI); written into the infra root's
    /// `platform.auto.tfvars.json`.
    #[arg(long = "cluster-admin-role-arn", value_name = "ARN")]
    pub cluster_admin_role_arns: Vec<String>,
}

impl RenderArgs {
    /// The render directory.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| PathBuf::from(deploy::default_out(&self.environment_suffix)))
    }

    fn state(&self) -> deploy::State {
        if self.local_state {
            deploy::State::Local
        } else {
            deploy::State::S3 {
                bucket: self.state_bucket.clone(),
                region: self.state_region.clone(),
                kms_key: self.state_kms_key.clone(),
            }
        }
    }
}

/// What `deploy`, `plan` and `destroy` take.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub render: RenderArgs,
    /// Print the terraform commands instead of running them (for pipelines that run them themselves); renders
    /// nothing. The first deployment unless `--sequence change`.
    #[arg(long)]
    pub dry_run: bool,
    /// Which sequence `--dry-run` prints (a real run reads it from the state).
    #[arg(long, value_enum, requires = "dry_run", default_value_t = SequenceArg::FirstDeployment)]
    pub sequence: SequenceArg,
    /// Apply without asking (pipelines); every plan summary is still printed.
    #[arg(long)]
    pub auto_approve: bool,
    /// Only the steps of these roots (repeat), in the same order; the infra root's state is read regardless.
    #[arg(long, value_enum, value_name = "ROOT")]
    pub only: Vec<RootArg>,
    /// Passed to every `terraform init` as `-backend-config=<value>` (a file, or key=value), e.g. `role_arn=…`.
    #[arg(long, value_name = "FILE|KEY=VALUE")]
    pub backend_config: Vec<String>,
}

/// A root, as `--only` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RootArg {
    Archive,
    Infra,
    Network,
    Cluster,
}

/// A sequence, as `--sequence` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SequenceArg {
    FirstDeployment,
    Change,
}

/// Output format of `check`, `cost` and `upgrade-path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Output format of `compliance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ComplianceFormat {
    /// A Markdown table (the README's PCI section).
    Markdown,
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
        Command::Render { render: args } => {
            let (out, listing) = render_into(platform, &args)?;
            let listing: String = listing.iter().map(|path| format!("{}\n", out.join(path).display())).collect();
            emit(stdout, &listing)
        }
        Command::Deploy { run } => run_command(platform, run, deploy_run::Kind::Deploy, stdout),
        Command::Plan { run } => run_command(platform, run, deploy_run::Kind::Plan, stdout),
        Command::Destroy { run } => run_command(platform, run, deploy_run::Kind::Destroy, stdout),
        Command::StateBucket { out } => {
            let checked = checked(platform, &today())?;
            let mut artifacts = platform_core::render::Artifacts::default();
            artifacts
                .files
                .insert("main.tf.json".into(), platform_core::render::state::render(&checked).to_json().into_bytes());
            // The record's suffix line names what the directory holds; `state-bucket` is no valid suffix, so no
            // environment's render can take the directory.
            write_artifacts(&out, &artifacts, "state-bucket", false).map_err(|e| output_error(&out, e))?;
            emit(stdout, &format!("{}\n", out.join("main.tf.json").display()))
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
        Command::Compliance { environment_suffix, format } => {
            let options = RenderOptions { environment_suffix, account_id: None };
            options.check().map_err(|e| e.to_string())?;
            let checked = checked(platform, &today())?;
            let artifacts = render(&checked, &options).map_err(|e| e.to_string())?;
            let report = compliance::resolve(&checked, &artifacts, &options.environment_suffix, compliance::TABLE);
            emit(
                stdout,
                &match format {
                    ComplianceFormat::Json => to_json(&report),
                    ComplianceFormat::Markdown => compliance::markdown(&report),
                },
            )?;
            report.missing_line().map_or(Ok(()), Err)
        }
        Command::UpgradePath { to, environment_suffix, out, format } => {
            RenderOptions { environment_suffix: environment_suffix.clone(), account_id: None }
                .check()
                .map_err(|e| e.to_string())?;
            let out =
                out.map_or_else(|| deploy::default_out(&environment_suffix), |o| o.to_string_lossy().into_owned());
            let today = today();
            if let Some(warning) = catalog::staleness(&today) {
                let _ = writeln!(io::stderr(), "warning: {warning}");
            }
            let path = upgrade::upgrade_path(&checked(platform, &today)?, &to, &today, &out)?;
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

/// Renders the platform as `render` does (the roots, their backend, the infra root's inputs) into its directory;
/// returns the directory and the files written.
fn render_into(platform: &Platform, args: &RenderArgs) -> Result<(PathBuf, Vec<String>), String> {
    // The suffix and the account id are validated before anything else: one line, nothing written.
    let options =
        RenderOptions { environment_suffix: args.environment_suffix.clone(), account_id: args.account_id.clone() };
    options.check().map_err(|e| e.to_string())?;
    let checked = checked(platform, &today())?;
    // The support window, as the build and `check` say it (EKS may no longer create the version).
    for warning in checked.warnings().0.iter() {
        let _ = writeln!(io::stderr(), "warning: {warning}");
    }
    let mut artifacts = render(&checked, &options).map_err(|e| e.to_string())?;
    let inputs = deploy::Inputs {
        public_access_cidrs: args.public_access_cidrs.clone(),
        cluster_admin_role_arns: args.cluster_admin_role_arns.clone(),
    };
    if let Some(bytes) = deploy::inputs_file(&checked, &inputs)? {
        artifacts.files.insert(deploy::INPUTS_FILE.into(), bytes);
    }
    let state = args.state();
    artifacts.files.extend(deploy::backend(&checked, &options.environment_suffix, &state));
    let out = args.out_dir();
    let warnings = write_artifacts(&out, &artifacts, &options.environment_suffix, args.force)
        .map_err(|e| output_error(&out, e))?;
    for warning in warnings {
        let _ = writeln!(io::stderr(), "warning: {warning}");
    }
    if matches!(state, deploy::State::S3 { bucket: None, .. }) {
        let _ = writeln!(
            io::stderr(),
            "note: the roots keep their state in S3 and name no bucket: pass --state-bucket (`platform state-bucket` \
             creates one per account), `-backend-config=bucket=<name>` to terraform init, or --local-state"
        );
    }
    Ok((out, artifacts.files.into_keys().collect()))
}

fn output_error(out: &std::path::Path, e: OutputError) -> String {
    match e {
        OutputError::Refused(message) => message,
        OutputError::Io(e) => format!("cannot write to `{}`: {e}", out.display()),
    }
}

/// `deploy`, `plan`, `destroy`: the commands (`--dry-run`), or render and run them.
fn run_command(
    platform: &Platform,
    run: RunArgs,
    kind: deploy_run::Kind,
    stdout: &mut impl Write,
) -> Result<(), String> {
    let only: Vec<Root> = run
        .only
        .iter()
        .map(|r| match r {
            RootArg::Archive => Root::Archive,
            RootArg::Infra => Root::Infra,
            RootArg::Network => Root::Network,
            RootArg::Cluster => Root::Cluster,
        })
        .collect();
    let out = run.render.out_dir();
    let archive_retained = !platform.cluster.archive_destroyable(&run.render.environment_suffix);
    if run.dry_run {
        RenderOptions { environment_suffix: run.render.environment_suffix.clone(), account_id: None }
            .check()
            .map_err(|e| e.to_string())?;
        let sequence = match run.sequence {
            SequenceArg::FirstDeployment => deploy::Sequence::FirstDeployment,
            SequenceArg::Change => deploy::Sequence::Change,
        };
        let text =
            deploy_run::dry_run(kind, &out.to_string_lossy(), sequence, &only, &run.backend_config, archive_retained);
        return emit(stdout, &text);
    }
    render_into(platform, &run.render)?;
    // Terraform reads a `-backend-config` file relative to `-chdir`: a file named from here is made absolute.
    let backend_config: Vec<String> = run
        .backend_config
        .iter()
        .map(|c| match std::fs::canonicalize(c) {
            Ok(path) if !c.contains('=') => path.to_string_lossy().into_owned(),
            _ => c.clone(),
        })
        .collect();
    let again: Vec<String> = std::env::args().collect();
    let again = deploy::shell(&again);
    deploy_run::run(&deploy_run::Run {
        kind,
        out: &out,
        only: &only,
        backend_config: &backend_config,
        auto_approve: run.auto_approve,
        archive_retained,
        again,
    })
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
