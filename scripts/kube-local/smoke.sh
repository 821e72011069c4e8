#!/usr/bin/env bash
# End-to-end check of the kube-local test apiserver and of deploy/: starts a fresh apiserver
# (up.sh), applies every manifest in deploy/ (apply-deploy.sh), checks that each object exists,
# that the RBAC in deploy/ grants the server and the example token exactly what they need and
# no more, that a Workflow can be created, and that a token without permission gets 403. Stops
# the apiserver at the end (down.sh), also on failure. Exits non-zero on the first failed check.
#
# Usage: smoke.sh     (needs install.sh to have run)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
t0=$(date +%s%N)
secs() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); printf "%d.%03d" $((ms / 1000)) $((ms % 1000)); }

W=$(mktemp -d "${TMPDIR:-/tmp}/kube-local-smoke.XXXXXX")
cleanup() { bash "$HERE/down.sh" "$W" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== starting kube-apiserver"
bash "$HERE/up.sh" "$W" > /dev/null
t_up=$(secs "$t0")
# shellcheck disable=SC1091
. "$W/env"
K=("$KUBE_LOCAL_KUBECTL" --kubeconfig "$KUBE_LOCAL_KUBECONFIG")
S=$KUBE_LOCAL_SERVER
echo "ok   apiserver $("${K[@]}" version -o json | jq -r .serverVersion.gitVersion) ready at $S in ${t_up}s"

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# HTTP status of one API request: api TOKEN METHOD PATH [JSON_BODY]
api() {
  local body=${4:-}
  curl -s -o /dev/null -w '%{http_code}' --cacert "$KUBE_LOCAL_CA" -X "$2" \
    -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    ${body:+--data-binary "$body"} "$S$3"
}
# expect WANT_CODE DESCRIPTION TOKEN METHOD PATH [JSON_BODY]
expect() {
  local want=$1 what=$2 got; shift 2
  got=$(api "$@")
  if [ "$got" = "$want" ]; then pass "$what -> $got"; else fail "$what -> $got, want $want"; fi
}
# A service-account token from the TokenRequest API (what a pod gets mounted).
sa_token() {
  curl -sf --cacert "$KUBE_LOCAL_CA" -X POST -H "Authorization: Bearer $KUBE_LOCAL_ADMIN_TOKEN" \
    -H 'Content-Type: application/json' \
    --data-binary '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}' \
    "$S/api/v1/namespaces/$1/serviceaccounts/$2/token" | jq -r .status.token
}

echo "== applying deploy/"
t1=$(date +%s%N)
bash "$HERE/apply-deploy.sh" "$W/env"
t_apply=$(secs "$t1")

echo "== every object in deploy/ exists"
for f in "$ROOT"/deploy/crds/*.yaml "$ROOT"/deploy/server/*.yaml "$ROOT"/deploy/examples/*.yaml; do
  case "$(basename "$f")" in kustomization.yaml) continue ;; esac
  want=$(grep -c '^kind: ' "$f")
  if grep -q '^kind: PodDisruptionBudget' "$f" && ! "${K[@]}" api-versions | grep -qx policy/v1; then
    got=$(sed 's#^apiVersion: policy/v1$#apiVersion: policy/v1beta1#' "$f" | "${K[@]}" get -f - -o name | wc -l)
  else
    got=$("${K[@]}" get -f "$f" -o name | wc -l)
  fi
  if [ "$got" = "$want" ]; then pass "${f#"$ROOT"/}: $got of $want objects"; else fail "${f#"$ROOT"/}: $got of $want objects"; fi
done
res=$("${K[@]}" api-resources --api-group=argoproj.io --no-headers | awk '{print $1":"$2":"$NF}' | sort | tr '\n' ' ')
want_res="clusterworkflowtemplates:clusterwftmpl,cwft:ClusterWorkflowTemplate workfloweventbindings:wfeb:WorkflowEventBinding workflows:wf:Workflow workflowtemplates:wftmpl:WorkflowTemplate "
if [ "$res" = "$want_res" ]; then pass "argoproj.io serves $res"; else fail "argoproj.io serves '$res', want '$want_res'"; fi
sel=$("${K[@]}" -n argo get wfeb event-consumer -o jsonpath='{.spec.event.selector}')
[ "$sel" = 'payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator"' ] \
  && pass "binding event-consumer keeps its selector" || fail "binding selector came back as: $sel"
# Open schema: unknown spec fields survive pruning.
ep=$("${K[@]}" -n argo get wftmpl my-wf-tmple -o jsonpath='{.spec.templates[0].container.args[1]}')
[ "$ep" = '{{inputs.parameters.message}}' ] && pass "template my-wf-tmple keeps its nested spec" || fail "template spec pruned: $ep"

echo "== a Workflow can be created (admin)"
WF='{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","metadata":{"generateName":"my-wf-tmple-","labels":{"workflows.argoproj.io/workflow-template":"my-wf-tmple"}},"spec":{"workflowTemplateRef":{"name":"my-wf-tmple"},"arguments":{"parameters":[{"name":"message","value":"hello"}]}}}'
name=$(echo "$WF" | "${K[@]}" -n argo create -f - -o jsonpath='{.metadata.name}')
got=$("${K[@]}" -n argo get wf "$name" -o jsonpath='{.spec.arguments.parameters[0].value}')
[ "$got" = hello ] && pass "created and read back workflow $name" || fail "workflow $name read back '$got'"
# A retried create with a name chosen beforehand: the name alone gives 409 AlreadyExists, which the
# Submitter can check against its event id. With generateName also set, as Argo sends it, v1.20
# answers 500 ServerTimeout instead (rest.CheckGeneratedNameError; servers since 1.27 answer 409 with
# "the server was not able to generate a unique name"), which looks like a transient error.
expect 409 "creating workflow $name again (name only) gives AlreadyExists" "$KUBE_LOCAL_ADMIN_TOKEN" POST \
  /apis/argoproj.io/v1alpha1/namespaces/argo/workflows "$(echo "$WF" | jq -c --arg n "$name" '.metadata.name = $n | del(.metadata.generateName)')"
expect 500 "creating workflow $name again (name and generateName) gives ServerTimeout on v1.20" "$KUBE_LOCAL_ADMIN_TOKEN" POST \
  /apis/argoproj.io/v1alpha1/namespaces/argo/workflows "$(echo "$WF" | jq -c --arg n "$name" '.metadata.name = $n')"

echo "== tokens without permission"
WFS=/apis/argoproj.io/v1alpha1/namespaces/argo/workflows
expect 403 "token without roles: create workflow" "$KUBE_LOCAL_NOBODY_TOKEN" POST "$WFS" "$WF"
expect 403 "token without roles: list bindings" "$KUBE_LOCAL_NOBODY_TOKEN" GET /apis/argoproj.io/v1alpha1/namespaces/argo/workfloweventbindings
expect 401 "unknown token: list bindings" "not-a-token" GET /apis/argoproj.io/v1alpha1/namespaces/argo/workfloweventbindings

echo "== the example event-submitter token (deploy/examples/token-rbac.yaml)"
SUB=$(sa_token argo event-submitter)
[ -n "$SUB" ] && [ "$SUB" != null ] && pass "TokenRequest for argo/event-submitter" || fail "no token for argo/event-submitter"
expect 200 "event-submitter: list bindings in argo" "$SUB" GET /apis/argoproj.io/v1alpha1/namespaces/argo/workfloweventbindings
expect 200 "event-submitter: get template my-wf-tmple" "$SUB" GET /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates/my-wf-tmple
expect 201 "event-submitter: create workflow" "$SUB" POST "$WFS" "$WF"
expect 403 "event-submitter: list workflows" "$SUB" GET "$WFS"
expect 403 "event-submitter: list bindings in flowgate" "$SUB" GET /apis/argoproj.io/v1alpha1/namespaces/flowgate/workfloweventbindings
expect 403 "event-submitter: delete template" "$SUB" DELETE /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates/my-wf-tmple

echo "== the server's service account (deploy/server/clusterrole.yaml)"
FG=$(sa_token flowgate flowgate)
[ -n "$FG" ] && [ "$FG" != null ] && pass "TokenRequest for flowgate/flowgate" || fail "no token for flowgate/flowgate"
A=/apis/argoproj.io/v1alpha1
for r in workfloweventbindings workflowtemplates; do
  expect 200 "flowgate: list $r in all namespaces" "$FG" GET "$A/$r"
  expect 200 "flowgate: watch $r in all namespaces" "$FG" GET "$A/$r?watch=1&timeoutSeconds=1"
done
expect 200 "flowgate: list clusterworkflowtemplates" "$FG" GET "$A/clusterworkflowtemplates"
expect 200 "flowgate: watch clusterworkflowtemplates" "$FG" GET "$A/clusterworkflowtemplates?watch=1&timeoutSeconds=1"
expect 201 "flowgate: create workflow in argo" "$FG" POST "$WFS" "$WF"
expect 200 "flowgate: get workflow $name (AlreadyExists check)" "$FG" GET "$WFS/$name"
expect 403 "flowgate: delete workflow" "$FG" DELETE "$WFS/$name"
expect 403 "flowgate: update binding" "$FG" PUT "$A/namespaces/argo/workfloweventbindings/event-consumer" \
  "$("${K[@]}" -n argo get wfeb event-consumer -o json)"
SECRET_SEL='fieldSelector=metadata.name%3Dargo-workflows-webhook-clients'
expect 200 "flowgate: list secrets with the webhook-clients field selector" "$FG" GET "/api/v1/secrets?$SECRET_SEL"
expect 200 "flowgate: watch secrets with the webhook-clients field selector" "$FG" GET "/api/v1/secrets?$SECRET_SEL&watch=1&timeoutSeconds=1"
expect 403 "flowgate: list all secrets" "$FG" GET /api/v1/secrets
expect 403 "flowgate: get another secret" "$FG" GET /api/v1/namespaces/argo/secrets/event-submitter.service-account-token
expect 404 "flowgate: get the (absent) webhook-clients secret is allowed, not found" "$FG" GET /api/v1/namespaces/argo/secrets/argo-workflows-webhook-clients
NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
# events.k8s.io/v1 on v1.20 rejects a generateName ending in "." (it validates it as a full name), so
# the event gets an explicit name, as kube-rs's Recorder gives it.
EV=$(jq -cn --arg now "$NOW" --arg n "event-consumer.$(date +%s%N | sha256sum | cut -c1-16)" '{apiVersion:"events.k8s.io/v1",kind:"Event",metadata:{name:$n},
  eventTime:$now,reportingController:"flowgate",reportingInstance:"flowgate-smoke",action:"Dispatch",type:"Warning",
  reason:"WorkflowEventBindingError",note:"failed to dispatch event: smoke test",
  regarding:{apiVersion:"argoproj.io/v1alpha1",kind:"WorkflowEventBinding",namespace:"argo",name:"event-consumer"}}')
expect 201 "flowgate: create events.k8s.io/v1 Warning event on the binding" "$FG" POST /apis/events.k8s.io/v1/namespaces/argo/events "$EV"
CEV=$(jq -cn '{apiVersion:"v1",kind:"Event",metadata:{generateName:"event-consumer."},type:"Warning",
  reason:"WorkflowEventBindingError",message:"failed to dispatch event: smoke test",source:{component:"flowgate"},
  involvedObject:{apiVersion:"argoproj.io/v1alpha1",kind:"WorkflowEventBinding",namespace:"argo",name:"event-consumer"}}')
expect 201 "flowgate: create core v1 Warning event on the binding" "$FG" POST /api/v1/namespaces/argo/events "$CEV"
got=$("${K[@]}" -n argo get events --field-selector involvedObject.name=event-consumer,reason=WorkflowEventBindingError -o name | wc -l)
[ "$got" = 2 ] && pass "both Warning events are listed on binding event-consumer" || fail "found $got Warning events on event-consumer, want 2"

TR=$(jq -cn --arg t "$SUB" '{apiVersion:"authentication.k8s.io/v1",kind:"TokenReview",spec:{token:$t}}')
tr_user=$(curl -sf --cacert "$KUBE_LOCAL_CA" -X POST -H "Authorization: Bearer $FG" -H 'Content-Type: application/json' \
  --data-binary "$TR" "$S/apis/authentication.k8s.io/v1/tokenreviews" | jq -r '.status.user.username // "none"')
[ "$tr_user" = system:serviceaccount:argo:event-submitter ] && pass "flowgate: TokenReview of the submitter token -> $tr_user" \
  || fail "flowgate: TokenReview -> $tr_user"
sar() { # user verb resource namespace -> allowed true/false
  local body
  body=$(jq -cn --arg u "$1" --arg v "$2" --arg r "$3" --arg ns "$4" '{apiVersion:"authorization.k8s.io/v1",kind:"SubjectAccessReview",
    spec:{user:$u,groups:["system:serviceaccounts","system:serviceaccounts:argo","system:authenticated"],
          resourceAttributes:{group:"argoproj.io",resource:$r,verb:$v,namespace:$ns}}}')
  curl -sf --cacert "$KUBE_LOCAL_CA" -X POST -H "Authorization: Bearer $FG" -H 'Content-Type: application/json' \
    --data-binary "$body" "$S/apis/authorization.k8s.io/v1/subjectaccessreviews" | jq -r '.status.allowed'
}
got=$(sar system:serviceaccount:argo:event-submitter create workflows argo)
[ "$got" = true ] && pass "flowgate: SubjectAccessReview submitter create workflows in argo -> allowed" || fail "SAR create workflows -> $got"
got=$(sar system:serviceaccount:argo:event-submitter list workflows argo)
[ "$got" = false ] && pass "flowgate: SubjectAccessReview submitter list workflows in argo -> denied" || fail "SAR list workflows -> $got"

echo "== the Deployment is accepted (no pods run here: there is no kubelet or container runtime)"
r=$("${K[@]}" -n flowgate get deploy flowgate -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].readinessProbe.httpGet.path} {.spec.template.spec.containers[0].livenessProbe.httpGet.path} {.spec.template.spec.securityContext.runAsNonRoot} {.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem}')
[ "$r" = "2 /readyz /healthz true true" ] && pass "deployment flowgate: replicas, probes, non-root, read-only root: $r" || fail "deployment flowgate: $r"

echo
echo "timing: apiserver ready ${t_up}s, deploy/ applied ${t_apply}s, whole smoke test $(secs "$t0")s"
if [ "$failures" -gt 0 ]; then echo "kube-local smoke: $failures check(s) FAILED"; exit 1; fi
echo "kube-local smoke: all checks passed"
