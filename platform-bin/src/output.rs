//! Writing rendered artifacts so that a failure never leaves half-written output behind.
//!
//! Every file is first written next to its destination under a temporary name; only when all of them are on
//! disk are they renamed into place (a rename within one directory is atomic). Files the previous render wrote
//! and this one does not are then removed, using the list kept in [`INDEX`]. Nothing else in the output
//! directory is touched: `terraform init` state (`.terraform/`, lock files, local state) survives a re-render.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use platform_core::render::Artifacts;

/// The list of files the last render wrote, relative to the output directory, one per line.
pub const INDEX: &str = ".platform-render";

/// Writes `artifacts` under `out`, all or nothing.
pub fn write_artifacts(out: &Path, artifacts: &Artifacts) -> io::Result<()> {
    for rel in artifacts.files.keys() {
        check_relative(rel)?;
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
        return Err(e);
    }
    for (tmp, dest) in &staged {
        fs::rename(tmp, dest)?;
    }

    let previous = read_index(out)?;
    let current: BTreeSet<String> = artifacts.files.keys().cloned().collect();
    for stale in previous.difference(&current) {
        if check_relative(stale).is_ok() {
            match fs::remove_file(out.join(stale)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    let index: String = current.iter().map(|f| format!("{f}\n")).collect();
    let index_path = out.join(INDEX);
    let tmp = temp_path(&index_path);
    write_synced(&tmp, index.as_bytes())?;
    fs::rename(tmp, index_path)
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

fn read_index(out: &Path) -> io::Result<BTreeSet<String>> {
    match fs::read_to_string(out.join(INDEX)) {
        Ok(text) => Ok(text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(e),
    }
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
        write_artifacts(dir.path(), &artifacts(&[("a/x.json", "1"), ("b.yaml", "2")])).unwrap();
        assert_eq!(tree(dir.path()), [".platform-render", "a/x.json", "b.yaml"]);
        assert_eq!(fs::read_to_string(dir.path().join("a/x.json")).unwrap(), "1");
    }

    #[test]
    fn removes_stale_files_but_keeps_foreign_ones() {
        let dir = tempfile::tempdir().unwrap();
        write_artifacts(dir.path(), &artifacts(&[("a/x.json", "1"), ("a/old.yaml", "2")])).unwrap();
        fs::write(dir.path().join("a/terraform.tfstate"), "state").unwrap();
        write_artifacts(dir.path(), &artifacts(&[("a/x.json", "3")])).unwrap();
        assert_eq!(tree(dir.path()), [".platform-render", "a/terraform.tfstate", "a/x.json"]);
        assert_eq!(fs::read_to_string(dir.path().join("a/x.json")).unwrap(), "3");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_output_intact() {
        let dir = tempfile::tempdir().unwrap();
        write_artifacts(dir.path(), &artifacts(&[("a/x.json", "old")])).unwrap();
        // `blocker` is a file, so nothing can be written below it: the second file fails after the first staged.
        fs::write(dir.path().join("blocker"), "").unwrap();
        let err = write_artifacts(dir.path(), &artifacts(&[("a/x.json", "new"), ("blocker/y.json", "new")]));
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(dir.path().join("a/x.json")).unwrap(), "old");
        assert_eq!(tree(dir.path()), [".platform-render", "a/x.json", "blocker"]);
    }

    #[test]
    fn paths_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(write_artifacts(dir.path(), &artifacts(&[(bad, "")])).is_err(), "{bad}");
        }
    }
}
