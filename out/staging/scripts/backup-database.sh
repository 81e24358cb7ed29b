#!/usr/bin/env bash
# generated from environments/staging.yaml by codepal-gen — do not edit
# Dump the database and upload it to S3 (run before every production deployment).
set -euo pipefail
IFS=$'\n\t'
readonly NAMESPACE=codepal-staging
readonly POSTGRES=statefulset/postgres
readonly DATABASE=codepal
readonly DB_USER=codepal
readonly BACKUP_URL=s3://codepal-backups-staging/staging

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="${BACKUP_URL}/backup-${stamp}.sql.gz"
echo "backing up ${DATABASE} to ${target}"
kubectl exec -n "$NAMESPACE" "$POSTGRES" -- pg_dump -U "$DB_USER" -d "$DATABASE" --no-owner --clean --if-exists \
  | gzip -9 \
  | aws s3 cp --sse aws:kms - "$target"
aws s3 ls "$target" >/dev/null
echo "backup complete: ${target}"
