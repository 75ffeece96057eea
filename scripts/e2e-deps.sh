#!/usr/bin/env bash
# Installs what the end-to-end scripts in Tests/e2e need, and nothing when it is all there already:
#   * Python packages `selenium`, `openai`, `mcp` (the MCP interop fixtures and the platform tools' client), `kubernetes-validate`
#     and `pyyaml` (generated manifests) (pip; --break-system-packages first, plain pip as fallback);
#   * headless Chromium and its driver from Debian's packages (`chromium`, `chromium-driver`),
#     i.e. /usr/bin/chromium and /usr/bin/chromedriver.
# Quiet on success; exits non-zero with a message saying what failed.
set -uo pipefail

log() { echo "e2e-deps: $*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found"

if ! "$PYTHON" -c 'import selenium, openai, mcp, uvicorn, kubernetes_validate, yaml' >/dev/null 2>&1; then
    log "installing Python packages selenium, openai, mcp, kubernetes-validate, pyyaml"
    pipout=$(mktemp)
    if ! "$PYTHON" -m pip install -q --disable-pip-version-check --break-system-packages selenium openai mcp kubernetes-validate pyyaml >"$pipout" 2>&1; then
        if ! "$PYTHON" -m pip install -q --disable-pip-version-check selenium openai mcp kubernetes-validate pyyaml >>"$pipout" 2>&1; then
            cat "$pipout" >&2
            rm -f "$pipout"
            fail "pip install selenium openai mcp kubernetes-validate pyyaml failed"
        fi
    fi
    rm -f "$pipout"
    "$PYTHON" -c 'import selenium, openai, mcp, uvicorn, kubernetes_validate, yaml' >/dev/null 2>&1 \
        || fail "selenium/openai/mcp/kubernetes-validate still not importable by $PYTHON after pip install"
fi

if [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/chromium ]; then
    log "installing Debian packages chromium and chromium-driver"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "not root and sudo is missing: install chromium and chromium-driver by hand"
        SUDO="sudo"
    fi
    aptout=$(mktemp)
    if ! { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver; } >"$aptout" 2>&1; then
        tail -n 30 "$aptout" >&2
        rm -f "$aptout"
        fail "apt-get install chromium chromium-driver failed"
    fi
    rm -f "$aptout"
    [ -x /usr/bin/chromedriver ] || fail "/usr/bin/chromedriver still missing after apt-get install"
fi
exit 0
