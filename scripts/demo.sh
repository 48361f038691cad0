#!/usr/bin/env bash
# The main job: a small bare-metal cluster network on this machine, checked end to end.
# Installs what it needs first. Extra flags go to `podroute demo` (e.g. --nodes 4, --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh demo
exec node bin/podroute.js demo "$@"
