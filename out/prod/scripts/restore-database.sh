#!/usr/bin/env bash
# generated from environments/prod.yaml by codepal-gen — do not edit
# Restore the database from a backup: stop the application, restore, start it again.
# Usage: restore-database.sh backup-<timestamp>.sql.gz
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-prod
readonly POSTGRES=statefulset/postgres
readonly DATABASE=codepal
readonly DB_USER=codepal
readonly BACKUP_URL=s3://codepal-backups-prod/production
readonly APP=codepal-app
readonly TIMEOUT=300s

if [[ $# -ne 1 || ! $1 =~ ^backup-[0-9TZ]+\.sql\.gz$ ]]; then
  echo "usage: $0 backup-<timestamp>.sql.gz" >&2
  exit 2
fi
readonly BACKUP="$1"

replicas="$(kubectl get "deployment/${APP}" -n "$NAMESPACE" -o jsonpath='{.spec.replicas}')"
restart() {
  kubectl scale "deployment/${APP}" --replicas="$replicas" -n "$NAMESPACE"
  kubectl rollout status "deployment/${APP}" -n "$NAMESPACE" --timeout="$TIMEOUT"
}
trap restart EXIT

kubectl scale "deployment/${APP}" --replicas=0 -n "$NAMESPACE"
aws s3 cp "${BACKUP_URL}/${BACKUP}" - \
  | gunzip \
  | kubectl exec -i -n "$NAMESPACE" "$POSTGRES" -- psql -v ON_ERROR_STOP=1 -U "$DB_USER" -d "$DATABASE"
echo "restored ${BACKUP} into ${DATABASE}"
