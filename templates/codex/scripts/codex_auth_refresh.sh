#!/bin/bash
# OAuth refresh watchdog for codex's subscription credentials ($CODEX_HOME/auth.json).
#   codex_auth_refresh.sh --once   one decision (+ refresh when due), then exit
#   codex_auth_refresh.sh          the same every CODEX_AUTH_REFRESH_INTERVAL_SECONDS (default 6 h)
# Exit codes of --once: 0 fresh or refreshed, 1 skipped (no auth.json / no OAuth tokens),
# 2 malformed auth.json, 3 refresh due but not done, 127 no python found.
# The refresh itself is delegated to $CODEX_AUTH_REFRESH_COMMAND (given the auth.json path, it prints the
# token endpoint's JSON answer); this script holds no endpoint and never prints a token.
set -euo pipefail

CODEX_HOME="${CODEX_HOME:-${HOME}/.codex}"
AUTH_JSON="${CODEX_HOME}/auth.json"
INTERVAL="${CODEX_AUTH_REFRESH_INTERVAL_SECONDS:-21600}"
HELPER="$(dirname "$(readlink -f "$0")")/codex_auth_decide.py"

# The seed hard-coded one python path that did not exist and every run died with 127. Resolve it:
# an explicit override, the fleet venv, then whatever python3 is on PATH.
resolve_python() {
    local candidate
    for candidate in "${MOLECULE_PYTHON:-}" /opt/molecule-venv/bin/python3; do
        if [ -n "${candidate}" ] && [ -x "${candidate}" ]; then
            echo "${candidate}"
            return 0
        fi
    done
    command -v python3
}

if ! PYTHON="$(resolve_python)"; then
    echo "codex_auth_refresh: no python3 found (tried \$MOLECULE_PYTHON, /opt/molecule-venv/bin/python3, PATH)" >&2
    exit 127
fi

once() {
    if [ ! -f "${AUTH_JSON}" ]; then
        echo "skip:no_auth_json"
        return 1
    fi
    local decision rc
    set +e
    decision="$("${PYTHON}" "${HELPER}" decide "${AUTH_JSON}")"
    rc=$?
    set -e
    if [ -n "${decision}" ]; then echo "${decision}"; fi
    case "${rc}:${decision}" in
        0:refresh:*) ;;
        *) return "${rc}" ;;
    esac
    if [ -z "${CODEX_AUTH_REFRESH_COMMAND:-}" ]; then
        echo "codex_auth_refresh: refresh due but CODEX_AUTH_REFRESH_COMMAND is not set" >&2
        return 3
    fi
    # The helper merges the new tokens and replaces auth.json atomically (temp file + rename, mode 0600).
    if ! ${CODEX_AUTH_REFRESH_COMMAND} "${AUTH_JSON}" | "${PYTHON}" "${HELPER}" apply "${AUTH_JSON}"; then
        echo "codex_auth_refresh: refresh failed; auth.json left unchanged" >&2
        return 3
    fi
    echo "refreshed"
}

if [ "${1:-}" = "--once" ]; then
    once
    exit $?
fi

while true; do
    set +e
    once
    rc=$?
    set -e
    echo "codex_auth_refresh: check finished with rc=${rc}; next in ${INTERVAL}s" >&2
    sleep "${INTERVAL}"
done
