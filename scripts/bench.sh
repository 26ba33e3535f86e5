#!/usr/bin/env bash
# Benchmarks for the README: render time (criterion), peak memory of a render, clean build time, the
# edit-build-render loop after a one-line change to the DSL, and the customer's platform grown to 10, 100 and 1000
# tenants (platform-bin/benches/scale.rs). Prints Markdown; takes a few minutes.
#   bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
definition=platform-bin/src/platform.rs
cp "$definition" "$work/platform.rs.orig"
restore() { cp "$work/platform.rs.orig" "$definition"; rm -rf "$work"; }
trap restore EXIT

seconds() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

echo "## Benchmarks ($(nproc) cores, $(rustc --version | cut -d' ' -f1-2), $(date -u +%Y-%m-%d))"
echo
echo "| what | figure |"
echo "|---|---|"

cargo bench -q -p platform-benches --bench render -- --noplot 2>/dev/null | python3 -c '
import re, sys
name = None
for line in sys.stdin:
    head, sep, tail = line.partition("time:")
    if not sep:
        name = line.strip() or name
        continue
    name = head.strip() or name
    low, median, high = re.findall(r"([0-9.]+ [^\s\]]+)", tail)[:3]
    print(f"| `{name}` (criterion estimate, 95% interval {low} to {high}) | {median} |")
'

cargo build -q --release -p platform-bin
/usr/bin/time -f '%e %M' -o "$work/time" target/release/platform render --environment-suffix bench --local-state --out "$work/out" >/dev/null
read -r wall rss < "$work/time"
echo "| \`platform render\` (release binary, whole process) | ${wall} s wall, $((rss / 1024)) MiB peak RSS |"

start=$(date +%s%N)
CARGO_TARGET_DIR="$work/clean-target" cargo build -q -p platform-bin
echo "| clean \`cargo build -p platform-bin\` (dev profile, all dependencies) | $(seconds "$start") s |"

# The loop: one token edited (90 and 120 days in turn), `cargo build` and `platform render`; median of 5, wall clock
# and the CPU of both processes (the wall clock of a loaded machine says little).
cargo build -q -p platform-bin
grep -q 'log_retention_days: 90,' "$definition" || { echo "error: the definition has no 'log_retention_days: 90,'" >&2; exit 1; }
loops=()
for i in 1 2 3 4 5; do
  if ((i % 2)); then edit='s/log_retention_days: 90,/log_retention_days: 120,/'; else edit='s/log_retention_days: 120,/log_retention_days: 90,/'; fi
  sed -i "$edit" "$definition"
  /usr/bin/time -f '%e %U %S' -o "$work/build" cargo build -q -p platform-bin
  /usr/bin/time -f '%e %U %S' -o "$work/render" target/debug/platform render --environment-suffix bench --local-state \
    --out "$work/out$i" >/dev/null
  loops+=("$(cat "$work/build" "$work/render" | awk '{ wall += $1; cpu += $2 + $3 } END { printf "%.2f %.2f", wall, cpu }')")
done
read -r wall cpu < <(printf '%s\n' "${loops[@]}" | sort -n | sed -n 3p)
echo "| edit one DSL token, \`cargo build\` + \`platform render\` (dev profile; median of 5) | ${wall} s wall, ${cpu} s CPU |"

echo
echo "The customer's platform grown to N tenants and 20 more node groups (\`platform_core::scaled\`), rendered whole"
echo "(checks, three Terraform roots, local chart, manifests) by a release build; peak memory of that process:"
echo
echo "| tenants | render (median of 3) | infra root | network root | cluster root | manifests | cluster root \`depends_on\` entries | peak memory |"
echo "|---|---|---|---|---|---|---|---|"
scale=$(cargo bench -q -p platform-bin --bench scale --no-run --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("target", {}).get("name") == "scale" and m.get("executable"):
        print(m["executable"])
')
for tenants in 10 100 1000; do
  /usr/bin/time -f '%M' -o "$work/time" "$scale" "$tenants" > "$work/row"
  echo "$(cat "$work/row") $(($(cat "$work/time") / 1024)) MiB |"
done

echo
echo "The customer's definition grown to N tenants (\`scripts/gen-platform.py N\`), compiled in place of"
echo "\`platform-bin/src/platform.rs\`, its dependencies already built (wall clock; user + system CPU):"
echo
echo "| tenants | \`cargo build --release -p platform-bin\` | \`cargo build -p platform-bin\` (dev) |"
echo "|---|---|---|"
cargo build -q -p platform-bin
for tenants in 100 1000; do
  python3 scripts/gen-platform.py "$tenants" > "$work/grown.rs"  # it reads the definition it replaces
  cp "$work/grown.rs" "$definition"
  row="| $tenants |"
  for profile in --release --profile=dev; do
    /usr/bin/time -f '%e %U %S' -o "$work/time" cargo build -q "$profile" -p platform-bin
    read -r wall user sys < "$work/time"
    row="$row ${wall} s (CPU $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }') s) |"
  done
  echo "$row"
  cp "$work/platform.rs.orig" "$definition"
done
