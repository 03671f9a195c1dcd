#!/bin/sh
# Fixture copy of the codex auth watchdog's decision: no auth.json -> skip with rc 1.
set -eu
if [ ! -f "${CODEX_HOME:-$HOME/.codex}/auth.json" ]; then echo "skip:no_auth_json"; exit 1; fi
echo "refresh:would_refresh"
