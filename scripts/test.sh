#!/usr/bin/env bash
# The whole test suite: installs what it needs, type-checks, builds, runs unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
npm run --silent typecheck
mkdir -p test-artifacts
rc=0
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --json --outputFile=test-artifacts/jest.json "$@" || rc=$?
# One plain closing line, whatever jest printed above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/jest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit $rc
