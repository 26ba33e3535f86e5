# Shared helpers of the CI validation scripts (sourced, not run). Paths are relative to the repository root.
# Everything these scripts install or produce lives under gitignored directories: .venv-ci/ and target/ci/.

CI_OUT=${CI_OUT:-target/ci}
VENV=${VENV:-.venv-ci}

# Resource types moto_server does not implement (its EKS backend answers 404 to these APIs, checked with moto 5.2.5):
# scripts/moto-apply.sh leaves them out with -target, scripts/ci/moto-deploy.sh with a test-only override.
MOTO_UNSUPPORTED_TYPES=(
  aws_eks_addon                      # CreateAddon: 404
  aws_eks_identity_provider_config   # AssociateIdentityProviderConfig: 404
  aws_eks_access_entry               # CreateAccessEntry: 404
  aws_eks_access_policy_association  # needs the access entry (AssociateAccessPolicy: 404 as well)
  aws_autoscaling_group_tag          # moto's node groups name an Auto Scaling group its autoscaling backend lacks
)

# Starts moto_server on a free loopback port (one request at a time, scripts/ci/moto_serve.py; AWS managed policies
# loaded) and waits until it answers; sets MOTO_ENDPOINT and MOTO_PID. The caller stops it (stop_moto).
start_moto() {
  local port up_ok=
  port=$(free_port)
  MOTO_ENDPOINT="http://127.0.0.1:$port"
  mkdir -p "$CI_OUT"
  MOTO_IAM_LOAD_MANAGED_POLICIES=true "$VENV/bin/python" scripts/ci/moto_serve.py "$port" >"$CI_OUT/moto_server-$port.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 150); do
    if "$VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "$MOTO_ENDPOINT/moto-api/" 2>/dev/null; then up_ok=1; break; fi
    kill -0 "$MOTO_PID" 2>/dev/null || { echo "error: moto_server exited; see $CI_OUT/moto_server-$port.log" >&2; return 1; }
    sleep 0.2
  done
  [[ -n "$up_ok" ]] || { echo "error: moto_server did not answer on $MOTO_ENDPOINT" >&2; return 1; }
}

stop_moto() {
  if [[ -n "${MOTO_PID:-}" ]]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
}

# Creates the pinned Python tool venv once; reinstalls when scripts/ci/requirements.txt changes.
ensure_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum scripts/ci/requirements.txt | cut -d' ' -f1)
  if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  command -v python3 >/dev/null || { echo "error: python3 is not installed (needed for the CI validators)" >&2; return 1; }
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/ci/requirements.txt
  echo "$want" >"$stamp"
}

# The directory holding registry.terraform.io/hashicorp/aws/5.100.0 (same search as tests/src/terraform.rs).
find_mirror() {
  local want=registry.terraform.io/hashicorp/aws/5.100.0 d
  if [[ -n "${TF_PROVIDER_MIRROR:-}" ]]; then
    [[ -d "$TF_PROVIDER_MIRROR/$want" ]] && { echo "$TF_PROVIDER_MIRROR"; return 0; }
    echo "error: TF_PROVIDER_MIRROR=$TF_PROVIDER_MIRROR does not hold $want" >&2; return 1
  fi
  for d in /usr/share/terraform/plugins /usr/local/share/terraform/plugins "$HOME/.terraform.d/plugins" \
    "$HOME/.local/share/terraform/plugins"; do
    [[ -d "$d/$want" ]] && { echo "$d"; return 0; }
  done
  d=$(find /opt /usr/local /usr/share /srv "$HOME" -maxdepth 7 -type d -path "*/$want" -not -path '*/.terraform/*' \
    2>/dev/null | head -n 1)
  [[ -n "$d" ]] && { echo "${d%/$want}"; return 0; }
  echo "error: no filesystem mirror of hashicorp/aws 5.100.0 found; set TF_PROVIDER_MIRROR" >&2
  return 1
}

# Writes a Terraform CLI config that installs hashicorp/aws from the mirror only; prints its path.
write_cli_config() {
  local mirror config
  mirror=$(find_mirror) || return 1
  config="$CI_OUT/terraform.rc"
  mkdir -p "$CI_OUT"
  cat >"$config" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
  echo "$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
}

# Renders the customer's platform afresh into $CI_OUT/render (every validator reads what is there).
ensure_render() {
  rm -rf "$CI_OUT/render"
  mkdir -p "$CI_OUT"
  # With an account id, so that manifests/ are rendered and validated too (111122223333: the AWS docs account).
  cargo run --locked -q -p platform-bin -- render --environment-suffix ci --account-id 111122223333 --local-state \
    --out "$CI_OUT/render" >/dev/null
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Copies the workspace (tracked files, as in the work tree) into DIR, afresh: a scratch copy a script may edit and
# build with its own CARGO_TARGET_DIR (scripts/ci/versions.sh, scripts/ci/own-platform.sh).
scratch_workspace() {
  rm -rf "$1" && mkdir -p "$1"
  git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$1"
}

# Seeds the cargo target directory DIR of a scratch workspace with what the tests step compiled: cargo hashes a
# workspace crate by its path relative to the workspace root, so every unit of the scratch copy has the hash of the
# repository's own, and the scratch build compiles only what its edit touched. Without it, the first scratch build
# compiled everything again, the longest part of the version matrix on a fresh clone. A copy (seconds), not hard
# links: cargo rewrites fingerprint files in place, which would reach the repository's target/ through a link.
seed_target() {
  local dir=$1 part
  [[ -d "$dir/debug" || ! -d target/debug ]] && return 0
  mkdir -p "$dir/debug"
  for part in deps build .fingerprint; do
    [[ -d "target/debug/$part" ]] && cp -a "target/debug/$part" "$dir/debug/$part"
  done
  return 0
}
