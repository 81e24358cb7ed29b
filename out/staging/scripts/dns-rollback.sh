#!/usr/bin/env bash
# generated from environments/staging.yaml by codepal-gen — do not edit
# Point the apex, app and API records back at the previous load balancer.
# Usage: dns-rollback.sh PREVIOUS_LOAD_BALANCER_IP
set -euo pipefail
IFS=$'\n\t'
readonly ZONE=staging.codepal.com.
readonly TTL=300
readonly NAMES=(staging.codepal.com. app.staging.codepal.com. api.staging.codepal.com. )

if [[ $# -ne 1 || ! $1 =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ ]]; then
  echo "usage: $0 PREVIOUS_LOAD_BALANCER_IP" >&2
  exit 2
fi
readonly ADDRESS="$1"

zone_id="$(aws route53 list-hosted-zones-by-name --dns-name "$ZONE" --max-items 1 \
  --query "HostedZones[?Name=='${ZONE}'].Id | [0]" --output text)"
if [[ -z $zone_id || $zone_id == None ]]; then
  echo "no Route53 hosted zone named ${ZONE}" >&2
  exit 1
fi

changes=""
for name in "${NAMES[@]}"; do
  changes+="${changes:+,}{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"${name}\",\"Type\":\"A\",\"TTL\":${TTL},\"ResourceRecords\":[{\"Value\":\"${ADDRESS}\"}]}}"
done
batch="{\"Comment\":\"dns-rollback to ${ADDRESS}\",\"Changes\":[${changes}]}"
change_id="$(aws route53 change-resource-record-sets --hosted-zone-id "$zone_id" --change-batch "$batch" \
  --query 'ChangeInfo.Id' --output text)"
aws route53 wait resource-record-sets-changed --id "$change_id"
echo "A records of ${NAMES[*]} now point at ${ADDRESS}"
