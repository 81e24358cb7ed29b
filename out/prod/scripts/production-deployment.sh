#!/usr/bin/env bash
# generated from environments/prod.yaml by codepal-gen — do not edit
# Blue-green deployment: roll the idle colour to the new image, check it, switch the
# Services to it, check the public endpoints, and switch back if anything fails.
# Each service runs as <service>-blue and <service>-green; its Service selects one
# through the codepal.com/slot label.
# Usage: production-deployment.sh IMAGE_TAG
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-prod
readonly TIMEOUT=300s
readonly APP=codepal-app
readonly HERE="${BASH_SOURCE[0]%/*}"
declare -rA IMAGES=([ai-service]=ghcr.io/codepal/ai-service [api-gateway]=ghcr.io/codepal/api-gateway [auth-service]=ghcr.io/codepal/auth-service [codepal-app]=ghcr.io/codepal/codepal-app )

if [[ $# -ne 1 || ! $1 =~ ^[A-Za-z0-9_.-]{1,128}$ ]]; then
  echo "usage: $0 IMAGE_TAG" >&2
  exit 2
fi
readonly TAG="$1"

live="$(kubectl get "service/${APP}" -n "$NAMESPACE" -o jsonpath='{.spec.selector.codepal\.com/slot}')"
case "$live" in
  blue) idle=green ;;
  green) idle=blue ;;
  *) echo "service/${APP} selects no slot (got '${live}')" >&2; exit 1 ;;
esac
echo "live slot: ${live}; deploying ${TAG} to ${idle}"

switch() {
  local slot="$1" service
  for service in "${!IMAGES[@]}"; do
    kubectl patch "service/${service}" -n "$NAMESPACE" --type merge \
      -p "{\"spec\":{\"selector\":{\"codepal.com/slot\":\"${slot}\"}}}"
  done
}

for service in "${!IMAGES[@]}"; do
  kubectl set image "deployment/${service}-${idle}" "${service}=${IMAGES[$service]}:${TAG}" -n "$NAMESPACE"
done
for service in "${!IMAGES[@]}"; do
  kubectl rollout status "deployment/${service}-${idle}" -n "$NAMESPACE" --timeout="$TIMEOUT"
done

switch "$idle"
if ! bash "${HERE}/health-check.sh"; then
  echo "health checks failed on ${idle}; switching back to ${live}" >&2
  switch "$live"
  exit 1
fi
echo "${idle} is live with ${TAG}; ${live} stays as the rollback target"
