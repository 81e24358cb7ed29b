#!/usr/bin/env bash
# generated from environments/prod.yaml by codepal-gen — do not edit
# Blue-green deployment: roll the idle slot to the new image, check it, switch the
# Services to it, check the public endpoints, and switch back if anything fails.
# Each service runs as one Deployment per slot (DEPLOYMENTS); its Service selects the
# live slot through the SLOT_LABEL pod label. Containers are named after their service.
# Usage: production-deployment.sh IMAGE_TAG
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-prod
readonly TIMEOUT=300s
readonly HERE="${BASH_SOURCE[0]%/*}"
declare -rA IMAGES=([ai-service]=ghcr.io/codepal/ai-service [api-gateway]=ghcr.io/codepal/api-gateway [auth-service]=ghcr.io/codepal/auth-service [codepal-app]=ghcr.io/codepal/codepal-app )
readonly APP=codepal-app
readonly SLOT_LABEL=codepal.com/slot
# "<service>/<slot>" -> the Deployment running that service in that slot (names from the Kubernetes output).
declare -rA DEPLOYMENTS=([ai-service/blue]=ai-service-blue [ai-service/green]=ai-service-green [api-gateway/blue]=api-gateway-blue [api-gateway/green]=api-gateway-green [auth-service/blue]=auth-service-blue [auth-service/green]=auth-service-green [codepal-app/blue]=codepal-app-blue [codepal-app/green]=codepal-app-green )
declare -rA OTHER_SLOT=([blue]=green [green]=blue )

# The slot the Services select now.
live_slot() {
  local live
  live="$(kubectl get "service/${APP}" -n "$NAMESPACE" -o jsonpath='{.spec.selector.codepal\.com/slot}')"
  if [[ -z $live || -z ${OTHER_SLOT[$live]:-} ]]; then
    echo "service/${APP} selects no slot through ${SLOT_LABEL} (got '${live}')" >&2
    return 1
  fi
  echo "$live"
}

# Point every Service at one slot.
switch() {
  local slot="$1" service
  for service in "${!IMAGES[@]}"; do
    kubectl patch "service/${service}" -n "$NAMESPACE" --type merge \
      -p "{\"spec\":{\"selector\":{\"${SLOT_LABEL}\":\"${slot}\"}}}"
  done
}

if [[ $# -ne 1 || ! $1 =~ ^[A-Za-z0-9_.-]{1,128}$ ]]; then
  echo "usage: $0 IMAGE_TAG" >&2
  exit 2
fi
readonly TAG="$1"

live="$(live_slot)"
idle="${OTHER_SLOT[$live]}"
echo "live slot: ${live}; deploying ${TAG} to ${idle}"

for service in "${!IMAGES[@]}"; do
  kubectl set image "deployment/${DEPLOYMENTS[${service}/${idle}]}" "${service}=${IMAGES[$service]}:${TAG}" -n "$NAMESPACE"
done
for service in "${!IMAGES[@]}"; do
  kubectl rollout status "deployment/${DEPLOYMENTS[${service}/${idle}]}" -n "$NAMESPACE" --timeout="$TIMEOUT"
done

switch "$idle"
if ! bash "${HERE}/health-check.sh"; then
  echo "health checks failed on ${idle}; switching back to ${live}" >&2
  switch "$live"
  exit 1
fi
echo "${idle} is live with ${TAG}; ${live} stays as the rollback target"
