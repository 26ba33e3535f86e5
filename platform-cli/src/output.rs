//! Writing rendered artifacts so that a failure never leaves half-written output behind, and a render never
//! lands on another environment's Terraform roots.
//!
//! Before anything is written, the directory must be ours for this environment: the record [`RECORD`] of the
//! last render names its environment suffix, and a directory recorded for another suffix, or holding Terraform
//! state but no record, is refused unless forced. Rendering `prod` over `dev`'s roots would make the next
//! `terraform apply` with `dev`'s state replace every resource of `dev` by `prod`'s names.
//!
//! Every file is first written next to its destination under a temporary name; only when all of them are on
//! disk are they renamed into place (a rename within one directory is atomic). Files the previous render wrote
//! and this one does not are then removed, using the list in [`RECORD`], and so is every file in the folders the
//! renderer owns whole ([`OWNED_DIRS`]) that this render did not write, so a lost record leaves nothing stale
//! there; folders left empty go too. Nothing else in the output directory is touched: `terraform init` state
//! (`.terraform/`, lock files, local state) survives a re-render.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use platform_core::render::Artifacts;

/// The record of the last render: its environment suffix on the first line, then the files it wrote, relative to
/// the output directory, one per line.
pub const RECORD: &str = ".platform-render";

/// The first line of [`RECORD`], before the suffix.
const SUFFIX_LINE: &str = "environment-suffix: ";

/// Folders that hold rendered files only (the standalone manifests, the generated local chart): any file there
/// that this render did not write is stale, whatever the record says.
pub const OWNED_DIRS: &[&str] = &["manifests", "terraform/cluster/charts"];

/// Why the artifacts were not written.
#[derive(Debug)]
pub enum OutputError {
    /// The directory belongs to another environment, or holds Terraform state without a record; `--force`
    /// overrides.
    Refused(String),
    /// The filesystem failed.
    Io(io::Error),
}

impl From<io::Error> for OutputError {
    fn from(e: io::Error) -> Self {
        OutputError::Io(e)
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Refused(message) => f.write_str(message),
            OutputError::Io(e) => e.fmt(f),
        }
    }
}

/// Writes `artifacts`, rendered for `suffix`, under `out`, all or nothing; `force` renders over a directory of
/// another environment. Returns warnings: Terraform files in a rendered root that the renderer does not own.
pub fn write_artifacts(
    out: &Path,
    artifacts: &Artifacts,
    suffix: &str,
    force: bool,
) -> Result<Vec<String>, OutputError> {
    for rel in artifacts.files.keys() {
        check_relative(rel)?;
    }
    let previous = read_record(out)?;
    let roots: BTreeSet<&str> =
        artifacts.files.keys().filter(|f| is_terraform_file(f)).filter_map(|f| Some(f.rsplit_once('/')?.0)).collect();
    if !force {
        claim(out, previous.as_ref(), &roots, suffix)?;
    }
    fs::create_dir_all(out)?;

    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staging = artifacts.files.iter().try_for_each(|(rel, bytes)| {
        let dest = out.join(rel);
        let tmp = temp_path(&dest);
        staged.push((tmp.clone(), dest));
        write_synced(&tmp, bytes)
    });
    if let Err(e) = staging {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e.into());
    }
    for (tmp, dest) in &staged {
        fs::rename(tmp, dest)?;
    }

    let current: BTreeSet<String> = artifacts.files.keys().cloned().collect();
    let mut owned = previous.map(|r| r.files).unwrap_or_default();
    for dir in OWNED_DIRS {
        files_under(out, Path::new(dir), &mut owned)?;
    }
    let mut emptied = BTreeSet::new();
    for stale in owned.difference(&current) {
        if check_relative(stale).is_ok() {
            match fs::remove_file(out.join(stale)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                _ => emptied.extend(Path::new(stale).ancestors().skip(1).map(Path::to_path_buf)),
            }
        }
    }
    // Deepest first, so a folder whose only content was an emptied folder goes too; `remove_dir` keeps the
    // ones that still hold something.
    let mut emptied: Vec<PathBuf> = emptied.into_iter().filter(|d| !d.as_os_str().is_empty()).collect();
    emptied.sort_by_key(|d| Reverse(d.components().count()));
    for dir in emptied {
        let _ = fs::remove_dir(out.join(dir));
    }

    let record: String =
        std::iter::once(format!("{SUFFIX_LINE}{suffix}")).chain(current.iter().cloned()).map(|l| l + "\n").collect();
    let record_path = out.join(RECORD);
    let tmp = temp_path(&record_path);
    write_synced(&tmp, record.as_bytes())?;
    fs::rename(tmp, record_path)?;

    // Warn, not refuse: a file we did not render is the user's (the README's backend override, or resources that
    // extend the root), and we never touch it; `terraform plan` shows what it does. Refusing would make every
    // render of an extended root need `--force`, and a habitual `--force` would defeat the suffix check above.
    // Override files (`override.tf.json`, `*_override.tf.json`, …) are the documented way to extend a root.
    let mut warnings = Vec::new();
    for root in roots {
        for name in file_names(&out.join(root))? {
            let rel = format!("{root}/{name}");
            if is_terraform_file(&name) && !is_override(&name) && !current.contains(&rel) {
                warnings.push(format!(
                    "`{}` was not rendered by platform, and Terraform loads it with the root; delete it unless it \
                     extends the root on purpose",
                    out.join(rel).display()
                ));
            }
        }
    }
    Ok(warnings)
}

/// The last render's suffix (`None` when an older version wrote the record) and files.
struct Record {
    suffix: Option<String>,
    files: BTreeSet<String>,
}

fn read_record(out: &Path) -> io::Result<Option<Record>> {
    let text = match fs::read_to_string(out.join(RECORD)) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut lines = text.lines().filter(|l| !l.is_empty()).peekable();
    let suffix = lines.next_if(|l| l.starts_with(SUFFIX_LINE)).map(|l| l[SUFFIX_LINE.len()..].to_owned());
    Ok(Some(Record { suffix, files: lines.map(str::to_owned).collect() }))
}

/// Refuses a directory recorded for another suffix, and one with Terraform state in a root but no record.
fn claim(out: &Path, record: Option<&Record>, roots: &BTreeSet<&str>, suffix: &str) -> Result<(), OutputError> {
    // The way out first: another environment belongs in its own directory (`out/<suffix>`, the default), and
    // `--force` only replaces what is there.
    let refuse = |what: String| {
        Err(OutputError::Refused(format!(
            "{what}; render `{suffix}` into a directory of its own: leave out --out (the default is `{}`) or pass \
             --out with a new directory; --force renders over this one, and the next apply with its state would act \
             on what that state holds",
            platform_core::deploy::default_out(suffix)
        )))
    };
    match record {
        Some(Record { suffix: Some(recorded), .. }) if recorded == suffix => Ok(()),
        Some(Record { suffix: Some(recorded), .. }) => refuse(format!(
            "`{}` was rendered for environment suffix `{recorded}`, not the requested `{suffix}`",
            out.display()
        )),
        Some(Record { suffix: None, .. }) => refuse(format!(
            "`{}` was rendered by an older version that did not record its environment suffix (requested `{suffix}`)",
            out.display()
        )),
        None => {
            for root in roots {
                let dir = out.join(root);
                if let Some(state) = file_names(&dir)?.into_iter().find(|n| is_terraform_state(n)) {
                    return refuse(format!(
                        "`{}` holds Terraform state (`{state}`) but no record of a render, so no recorded environment \
                         suffix to match the requested `{suffix}`",
                        dir.display()
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Local state, its backup, workspace states and the `terraform init` directory.
fn is_terraform_state(name: &str) -> bool {
    name == ".terraform"
        || name == "terraform.tfstate.d"
        || name.ends_with(".tfstate")
        || name.ends_with(".tfstate.backup")
}

/// The configuration files Terraform loads from a root directory.
fn is_terraform_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Terraform's override files: `override.tf[.json]` and `*_override.tf[.json]`.
fn is_override(name: &str) -> bool {
    let stem = name.strip_suffix(".json").unwrap_or(name).strip_suffix(".tf").unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// The names in a directory, sorted; none when it does not exist.
fn file_names(dir: &Path) -> io::Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names =
        entries.map(|e| Ok(e?.file_name().to_string_lossy().into_owned())).collect::<io::Result<Vec<_>>>()?;
    names.sort();
    Ok(names)
}

/// Adds every file (or symbolic link) below `out/rel`, as a path relative to `out`.
fn files_under(out: &Path, rel: &Path, files: &mut BTreeSet<String>) -> io::Result<()> {
    for name in file_names(&out.join(rel))? {
        let rel = rel.join(&name);
        if fs::symlink_metadata(out.join(&rel))?.is_dir() {
            files_under(out, &rel, files)?;
        } else {
            files.insert(rel.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// `dir/.name.tmp-<pid>`: hidden, in the destination's directory so the rename stays on one filesystem.
fn temp_path(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Artifact paths are relative and stay inside the output directory.
fn check_relative(rel: &str) -> io::Result<()> {
    let path = Path::new(rel);
    let inside = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if inside {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("artifact path `{rel}` leaves the output directory")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifacts(files: &[(&str, &str)]) -> Artifacts {
        Artifacts { files: files.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect() }
    }

    fn write(dir: &Path, artifacts: &Artifacts) -> Result<Vec<String>, OutputError> {
        write_artifacts(dir, artifacts, "dev", false)
    }

    fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn writes_files_and_an_index() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &artifacts(&[("a/x.json", "1"), ("b.yaml", "2")])).unwrap();
        assert_eq!(tree(dir.path()), [".platform-render", "a/x.json", "b.yaml"]);
        assert_eq!(fs::read_to_string(dir.path().join("a/x.json")).unwrap(), "1");
    }

    #[test]
    fn removes_stale_files_but_keeps_foreign_ones() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &artifacts(&[("a/x.json", "1"), ("a/old.yaml", "2")])).unwrap();
        fs::write(dir.path().join("a/terraform.tfstate"), "state").unwrap();
        write(dir.path(), &artifacts(&[("a/x.json", "3")])).unwrap();
        assert_eq!(tree(dir.path()), [".platform-render", "a/terraform.tfstate", "a/x.json"]);
        assert_eq!(fs::read_to_string(dir.path().join("a/x.json")).unwrap(), "3");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_output_intact() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &artifacts(&[("a/x.json", "old")])).unwrap();
        // `blocker` is a file, so nothing can be written below it: the second file fails after the first staged.
        fs::write(dir.path().join("blocker"), "").unwrap();
        let err = write(dir.path(), &artifacts(&[("a/x.json", "new"), ("blocker/y.json", "new")]));
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(dir.path().join("a/x.json")).unwrap(), "old");
        assert_eq!(tree(dir.path()), [".platform-render", "a/x.json", "blocker"]);
    }

    #[test]
    fn the_record_names_the_suffix_first() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &artifacts(&[("a/x.json", "1")])).unwrap();
        let record = fs::read_to_string(dir.path().join(RECORD)).unwrap();
        assert_eq!(record, "environment-suffix: dev\na/x.json\n");
        let read = read_record(dir.path()).unwrap().unwrap();
        assert_eq!((read.suffix.as_deref(), read.files.len()), (Some("dev"), 1));
    }

    #[test]
    fn a_record_without_a_suffix_is_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(RECORD), "a/x.json\n").unwrap();
        let files = artifacts(&[("a/y.json", "1")]);
        assert!(matches!(write(dir.path(), &files), Err(OutputError::Refused(m)) if m.contains("older version")));
        write_artifacts(dir.path(), &files, "dev", true).unwrap();
        assert!(write(dir.path(), &files).is_ok(), "recorded now");
    }

    #[test]
    fn override_files_are_terraform_overrides_only() {
        for name in ["override.tf", "override.tf.json", "backend_override.tf.json", "x_override.tf"] {
            assert!(is_override(name), "{name}");
        }
        for name in ["main.tf.json", "overrides.tf", "my-override.tf.json", "override.json"] {
            assert!(!is_override(name), "{name}");
        }
    }

    #[test]
    fn paths_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(write(dir.path(), &artifacts(&[(bad, "")])).is_err(), "{bad}");
        }
    }
}
