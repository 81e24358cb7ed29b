#!/usr/bin/env bash
# generated from environments/prod.yaml by codepal-gen — do not edit
# Undo a failed release (the seed's automatic rollback): if IMAGE_TAG went live, switch
# the Services back to the other slot, which still runs the previous release. A release
# that never went live (production-deployment.sh failed before or switched back) needs nothing.
# Usage: rollback.sh IMAGE_TAG
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-prod
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

# The image of a Deployment's (only) container.
image_of() {
  kubectl get "deployment/$1" -n "$NAMESPACE" -o jsonpath='{.spec.template.spec.containers[0].image}'
}

live="$(live_slot)"
if [[ "$(image_of "${DEPLOYMENTS[${APP}/${live}]}")" != "${IMAGES[$APP]}:${TAG}" ]]; then
  echo "${TAG} is not live (slot ${live}); nothing to roll back"
  exit 0
fi
switch "${OTHER_SLOT[$live]}"
echo "switched back to ${OTHER_SLOT[$live]}; ${live} keeps ${TAG} for inspection"
