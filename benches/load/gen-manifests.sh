#!/usr/bin/env bash
# Writes the load harness's manifests into a folder: N WorkflowEventBindings in namespace
# "bench" (MATCHING of them select the push in push.json, the others select other
# repositories), the WorkflowTemplate they submit, and a service account with its token and
# a Role allowing it to send events and read workflows. Same shape as benches/common/mod.rs.
#
# Usage: gen-manifests.sh OUT_DIR N MATCHING TOKEN
set -euo pipefail

out=${1:?usage: gen-manifests.sh OUT_DIR N MATCHING TOKEN}
n=${2:?N}
matching=${3:?MATCHING}
token=${4:?TOKEN}
ns=bench

mkdir -p "$out"
rm -f "$out"/bindings-*.yaml
cat >"$out/auth.yaml" <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: bench, namespace: $ns}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: bench.service-account-token
  namespace: $ns
  annotations: {kubernetes.io/service-account.name: bench}
stringData: {token: $token}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: bench-events, namespace: $ns}
rules:
  - {apiGroups: [argoproj.io], resources: [workfloweventbindings], verbs: [list]}
  - {apiGroups: [argoproj.io], resources: [workflowtemplates], verbs: [get]}
  - {apiGroups: [argoproj.io], resources: [workflows], verbs: [create, get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bench, namespace: $ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: bench-events}
subjects: [{kind: ServiceAccount, name: bench, namespace: $ns}]
EOF

cat >"$out/template.yaml" <<EOF
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: bench-tmpl, namespace: $ns}
spec:
  entrypoint: main
  arguments: {parameters: [{name: ref}, {name: commit}]}
  templates: [{name: main, container: {image: busybox, command: [echo]}}]
EOF

# Matching bindings are spread evenly: every (N / MATCHING)-th one, the first MATCHING times.
step=1
if [ "$matching" -gt 0 ]; then
  step=$((n / matching))
  [ "$step" -ge 1 ] || step=1
fi
# At most 1 000 bindings per file (a manifest file holds at most 10 000 documents).
for ((i = 0; i < n; i++)); do
  repo="acme/repo-$i"
  if [ "$matching" -gt 0 ] && [ $((i % step)) -eq 0 ] && [ $((i / step)) -lt "$matching" ]; then
    repo="acme/widgets"
  fi
  printf -- '---\napiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {name: b-%05d, namespace: %s}\nspec:\n  event:\n    selector: '"'"'metadata["x-github-event"] == ["push"] && payload.repository.full_name == "%s"'"'"'\n  submit:\n    workflowTemplateRef: {name: bench-tmpl}\n    metadata:\n      labels: {repo: payload.repository.name}\n    arguments:\n      parameters:\n        - {name: ref, valueFrom: {event: payload.ref}}\n        - {name: commit, valueFrom: {event: payload.head_commit.id}}\n' \
    "$i" "$ns" "$repo" >>"$out/$(printf 'bindings-%03d.yaml' $((i / 1000)))"
done
