#!/usr/bin/env bash
# Runs the IPVS sync benchmark inside the IPVS VM (needs root). Env: BENCH_SERVICES, BENCH_ENDPOINTS,
# BENCH_CHANGES, BENCH_ROUNDS. Compiles only bench/ipvs and what it imports.
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/ipvs/tsconfig.json
IPVS_VM_MEM=${IPVS_VM_MEM:-2048} exec test/vm/run-in-vm.sh 'node dist/bench/ipvs/sync-bench.js'
