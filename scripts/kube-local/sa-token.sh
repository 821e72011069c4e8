#!/usr/bin/env bash
# Prints a service-account token from the TokenRequest API (the kind a pod gets mounted), issued by
# a kube-local apiserver with its admin token. Without kube-controller-manager, token Secrets stay
# empty, so this is how tests get service-account tokens.
#
# Usage: sa-token.sh ENV_FILE NAMESPACE SERVICEACCOUNT [SECONDS]   (default 3600 s)
set -euo pipefail
ENV_FILE=${1:?usage: sa-token.sh ENV_FILE NAMESPACE SERVICEACCOUNT [SECONDS]}
NS=${2:?namespace}; SA=${3:?service account}; SECS=${4:-3600}
# shellcheck disable=SC1090
. "$ENV_FILE"
body=$(jq -cn --argjson s "$SECS" '{apiVersion:"authentication.k8s.io/v1",kind:"TokenRequest",spec:{expirationSeconds:$s}}')
out=$(curl -sS --cacert "$KUBE_LOCAL_CA" -X POST -H "Authorization: Bearer $KUBE_LOCAL_ADMIN_TOKEN" \
  -H 'Content-Type: application/json' --data-binary "$body" \
  "$KUBE_LOCAL_SERVER/api/v1/namespaces/$NS/serviceaccounts/$SA/token")
tok=$(jq -r '.status.token // empty' <<<"$out")
if [ -z "$tok" ]; then
  echo "sa-token: no token for $NS/$SA: $(jq -r '.message // .' <<<"$out")" >&2
  exit 1
fi
echo "$tok"
