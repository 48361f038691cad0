#!/usr/bin/env bash
# The whole test suite: installs what it needs, type-checks, builds, runs unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
npm run --silent typecheck
NODE_OPTIONS=--experimental-vm-modules npx jest --ci "$@"
