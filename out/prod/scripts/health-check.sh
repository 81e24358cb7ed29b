#!/usr/bin/env bash
# generated from environments/prod.yaml by codepal-gen — do not edit
# Every public health endpoint answers 2xx (retrying while a rollout settles).
set -euo pipefail
IFS=$'\n\t'
readonly URLS=(https://app.codepal.com/api/health https://api.codepal.com/api/health )

for url in "${URLS[@]}"; do
  curl --fail --silent --show-error --max-time 10 --retry 10 --retry-delay 6 --retry-all-errors \
    --output /dev/null "$url"
  echo "healthy: ${url}"
done
