//! `cargo bench -p platform-bin --bench scale [-- N…]`: the customer's platform (as declared in this crate) grown
//! to N tenants and 20 more node groups (`platform_core::scaled`), rendered whole. Prints one Markdown row per N: the median render
//! time of three runs, the size of each rendered root and of the manifests, and the cluster root's `depends_on`
//! entries. `scripts/bench.sh` runs it once per N under `/usr/bin/time` and appends the peak memory.

use std::time::{Duration, Instant};

use platform_core::check_platform;
use platform_core::render::{render, Artifacts, RenderOptions};
use platform_core::scaled::scaled_platform;

fn human(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{:.2} MB", bytes as f64 / 1e6)
    }
}

/// Bytes of the files under `prefix`.
fn size(a: &Artifacts, prefix: &str) -> usize {
    a.files.iter().filter(|(p, _)| p.starts_with(prefix)).map(|(_, b)| b.len()).sum()
}

/// `depends_on` entries of every resource of a root, counted in its pretty-printed text (one entry a line) so that
/// the count does not add a parsed copy of the root to the peak memory.
fn depends_on_entries(a: &Artifacts, root: &str) -> usize {
    let text = std::str::from_utf8(&a.files[&format!("{root}/main.tf.json")]).expect("UTF-8");
    let mut lines = text.lines().map(str::trim);
    let mut entries = 0;
    while let Some(line) = lines.next() {
        if line == "\"depends_on\": [" {
            entries += lines.by_ref().take_while(|l| !l.starts_with(']')).count();
        }
    }
    entries
}

fn main() {
    let counts: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let counts = if counts.is_empty() { vec![10, 100, 1000] } else { counts };
    let options = RenderOptions { environment_suffix: "bench".into(), account_id: Some("111122223333".into()) };
    for n in counts {
        let platform = scaled_platform(&platform_tests::customer_platform(), n);
        let mut times: Vec<Duration> = Vec::new();
        let mut artifacts = Artifacts::default();
        for _ in 0..3 {
            drop(std::mem::take(&mut artifacts));
            let start = Instant::now();
            let checked = check_platform(&platform, "2026-11-25").expect("a scaled platform passes the checks");
            artifacts = render(&checked, &options).expect("a scaled platform renders");
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "| {n} | {:.3} s | {} | {} | {} | {} | {} |",
            times[1].as_secs_f64(),
            human(size(&artifacts, "terraform/infra/")),
            human(size(&artifacts, "terraform/network/")),
            human(size(&artifacts, "terraform/cluster/")),
            human(size(&artifacts, "manifests/")),
            depends_on_entries(&artifacts, "terraform/cluster"),
        );
    }
}
