#!/usr/bin/env bash
# generated from environments/staging.yaml by codepal-gen — do not edit
# Rolling update of every service to one image tag; undone when a rollout fails.
# Containers are named after their service.
# Usage: rolling-deployment.sh IMAGE_TAG
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-staging
readonly TIMEOUT=300s
declare -rA IMAGES=([ai-service]=ghcr.io/codepal/ai-service [api-gateway]=ghcr.io/codepal/api-gateway [auth-service]=ghcr.io/codepal/auth-service [codepal-app]=ghcr.io/codepal/codepal-app )
# service -> its Deployment (names from the Kubernetes output).
declare -rA DEPLOYMENTS=([ai-service]=ai-service [api-gateway]=api-gateway [auth-service]=auth-service [codepal-app]=codepal-app )

if [[ $# -ne 1 || ! $1 =~ ^[A-Za-z0-9_.-]{1,128}$ ]]; then
  echo "usage: $0 IMAGE_TAG" >&2
  exit 2
fi
readonly TAG="$1"

for service in "${!IMAGES[@]}"; do
  kubectl set image "deployment/${DEPLOYMENTS[$service]}" "${service}=${IMAGES[$service]}:${TAG}" -n "$NAMESPACE"
done
for service in "${!IMAGES[@]}"; do
  if ! kubectl rollout status "deployment/${DEPLOYMENTS[$service]}" -n "$NAMESPACE" --timeout="$TIMEOUT"; then
    echo "rollout of ${service} failed; undoing" >&2
    kubectl rollout undo "deployment/${DEPLOYMENTS[$service]}" -n "$NAMESPACE"
    exit 1
  fi
done
