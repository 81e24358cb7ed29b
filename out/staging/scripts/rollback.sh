#!/usr/bin/env bash
# generated from environments/staging.yaml by codepal-gen — do not edit
# Roll every service back to its previous ReplicaSet (the seed's automatic rollback).
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-staging
readonly SERVICES=(ai-service api-gateway auth-service codepal-app )
readonly TIMEOUT=300s

for service in "${SERVICES[@]}"; do
  kubectl rollout undo "deployment/${service}" -n "$NAMESPACE"
done
for service in "${SERVICES[@]}"; do
  kubectl rollout status "deployment/${service}" -n "$NAMESPACE" --timeout="$TIMEOUT"
done
