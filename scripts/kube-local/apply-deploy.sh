#!/usr/bin/env bash
# Applies every manifest in deploy/ to a kube-local apiserver, CRDs first (waiting until they are
# Established), then the server objects, then deploy/examples/ (creating namespace `argo` if needed).
# Every YAML file is applied on its own, in the order its kustomization lists it; each
# kustomization is first checked to list exactly the files of its directory and to build.
#
# Usage: apply-deploy.sh ENV_FILE    (the env file written by up.sh)
#
# v1.20 serves PodDisruptionBudget only as policy/v1beta1 (policy/v1 is GA since 1.21 and the only
# version since 1.25). deploy/ uses policy/v1; against a server without it, the PDB is applied as
# policy/v1beta1, which has the same fields, and a note is printed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ENV_FILE=${1:?usage: apply-deploy.sh ENV_FILE}
# shellcheck disable=SC1090
. "$ENV_FILE"
K=("$KUBE_LOCAL_KUBECTL" --kubeconfig "$KUBE_LOCAL_KUBECONFIG")
D="$ROOT/deploy"

is_kustomization() { case "$(basename "$1")" in kustomization.yaml|kustomization.yml|Kustomization) return 0 ;; esac; return 1; }

# Each kustomization lists every YAML file of its directory (or, for deploy/, of crds/ and server/).
check_kustomization() {
  local dir=$1; shift
  local listed actual
  listed=$(sed -n 's/^- //p' "$dir/kustomization.yaml" | sort)
  actual=$(cd "$dir" && for sub in "$@"; do
             for f in $sub*.yaml; do is_kustomization "$f" || echo "$f"; done
           done | sort)
  if [ "$listed" != "$actual" ]; then
    echo "FAIL: $dir/kustomization.yaml lists:" >&2; echo "$listed" >&2
    echo "but the directory holds:" >&2; echo "$actual" >&2
    return 1
  fi
  "${K[@]}" kustomize "$dir" > /dev/null
  echo "ok   kustomization ${dir#"$ROOT"/} lists all $(echo "$actual" | wc -l) files and builds"
}
check_kustomization "$D/crds" ""
check_kustomization "$D/server" ""
check_kustomization "$D/examples" ""
check_kustomization "$D" "" crds/ server/

PDB_V1=1
"${K[@]}" api-versions | grep -qx policy/v1 || PDB_V1=0

apply_file() {
  local f=$1
  if [ "$PDB_V1" = 0 ] && grep -q '^kind: PodDisruptionBudget' "$f"; then
    echo "note ${f#"$ROOT"/}: this server has no policy/v1; applying it as policy/v1beta1"
    sed 's#^apiVersion: policy/v1$#apiVersion: policy/v1beta1#' "$f" | "${K[@]}" apply -f - | sed 's/^/     /'
  else
    "${K[@]}" apply -f "$f" | sed 's/^/     /'
  fi
}

# In the order each kustomization lists its files (the namespace before what lives in it).
listed() { sed -n 's/^- //p' "$1/kustomization.yaml"; }
for f in $(listed "$D/crds"); do apply_file "$D/crds/$f"; done
"${K[@]}" wait --for condition=established --timeout=120s \
  crd/workfloweventbindings.argoproj.io crd/workflowtemplates.argoproj.io \
  crd/clusterworkflowtemplates.argoproj.io crd/workflows.argoproj.io | sed 's/^/     /'
for f in $(listed "$D/server"); do apply_file "$D/server/$f"; done
"${K[@]}" get namespace argo >/dev/null 2>&1 || "${K[@]}" create namespace argo | sed 's/^/     /'
for f in $(listed "$D/examples"); do apply_file "$D/examples/$f"; done
echo "ok   applied every manifest in deploy/"
