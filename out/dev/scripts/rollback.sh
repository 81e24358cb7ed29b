#!/usr/bin/env bash
# generated from environments/dev.yaml by codepal-gen — do not edit
# Undo a failed release (the seed's automatic rollback): roll every Deployment that runs
# IMAGE_TAG back to its previous ReplicaSet; Deployments the release never reached stay.
# Usage: rollback.sh IMAGE_TAG
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-dev
declare -rA IMAGES=([ai-service]=ghcr.io/codepal/ai-service [api-gateway]=ghcr.io/codepal/api-gateway [auth-service]=ghcr.io/codepal/auth-service [codepal-app]=ghcr.io/codepal/codepal-app )
readonly TIMEOUT=300s
# service -> its Deployment (names from the Kubernetes output).
declare -rA DEPLOYMENTS=([ai-service]=ai-service [api-gateway]=api-gateway [auth-service]=auth-service [codepal-app]=codepal-app )

if [[ $# -ne 1 || ! $1 =~ ^[A-Za-z0-9_.-]{1,128}$ ]]; then
  echo "usage: $0 IMAGE_TAG" >&2
  exit 2
fi
readonly TAG="$1"

# The image of a Deployment's (only) container.
image_of() {
  kubectl get "deployment/$1" -n "$NAMESPACE" -o jsonpath='{.spec.template.spec.containers[0].image}'
}

undone=()
for service in "${!IMAGES[@]}"; do
  if [[ "$(image_of "${DEPLOYMENTS[$service]}")" == "${IMAGES[$service]}:${TAG}" ]]; then
    kubectl rollout undo "deployment/${DEPLOYMENTS[$service]}" -n "$NAMESPACE"
    undone+=("$service")
  fi
done
for service in "${undone[@]}"; do
  kubectl rollout status "deployment/${DEPLOYMENTS[$service]}" -n "$NAMESPACE" --timeout="$TIMEOUT"
done
