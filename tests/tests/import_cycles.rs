//! No source file of platform-core or platform-macros imports itself through other files: `scripts/import-cycles.py`
//! (its docs give the rule) finds no cycle. The script runs here rather than being ported to Rust so that there is
//! one implementation of the rule, the one a developer runs by hand; CI has python3. A second test plants a cycle
//! in a copy of the sources, so that a script that finds nothing cannot pass.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn import_cycles(root: &Path) -> Output {
    Command::new("python3")
        .arg(repo().join("scripts/import-cycles.py"))
        .arg("--root")
        .arg(root)
        .output()
        .expect("python3 runs scripts/import-cycles.py")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn no_source_file_imports_itself_through_others() {
    let out = import_cycles(&repo());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim(), "no import cycles");
}

/// Two sibling catalog modules that use each other: reported, with the line of each import, as is the longer
/// cycle it closes through `charts.rs`; the exit is 1.
#[test]
fn a_planted_cycle_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    for src in ["platform-core/src", "platform-macros/src", "ui-tests/base/src"] {
        copy_dir(&repo().join(src), &dir.path().join(src));
    }
    let version = dir.path().join("platform-core/src/catalog/version.rs");
    let text = fs::read_to_string(&version).unwrap();
    assert!(
        fs::read_to_string(dir.path().join("platform-core/src/catalog/kubernetes.rs"))
            .unwrap()
            .contains("use crate::catalog::version::minor;"),
        "the plant needs kubernetes.rs to import version.rs"
    );
    fs::write(&version, format!("use super::kubernetes::calendar;\n{text}")).unwrap();
    let out = import_cycles(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "cycle: platform-core/src/catalog/kubernetes.rs -> platform-core/src/catalog/version.rs -> \
             platform-core/src/catalog/kubernetes.rs"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("platform-core/src/catalog/version.rs:1 `use super::kubernetes::calendar`"), "{stdout}");
    assert!(
        stdout.contains(
            "cycle: platform-core/src/catalog/charts.rs -> platform-core/src/catalog/version.rs -> \
             platform-core/src/catalog/kubernetes.rs -> platform-core/src/catalog/charts.rs"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with("2 import cycle(s)\n"), "{stdout}");
}
