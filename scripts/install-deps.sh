#!/usr/bin/env bash
# Installs what podroute needs on Debian 12 (as root), then `npm ci` and the build. Idempotent.
#   install-deps.sh          everything the test suite needs (BGP daemons, Chromium, QEMU for IPVS, …)
#   install-deps.sh demo     only what `podroute demo` needs
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "install-deps: must run as root (namespaces, apt-get)" >&2; exit 1; fi
DEMO_PKGS=(bird2 iproute2 ipset iptables socat iputils-ping procps containernetworking-plugins)
TEST_PKGS=(frr gobgpd exabgp chromium qemu-system-x86 kmod cpio xz-utils ipvsadm)
PKGS=("${DEMO_PKGS[@]}")
if [ "${1:-all}" != demo ]; then PKGS+=("${TEST_PKGS[@]}"); fi
if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] === 20 ? 0 : 1)'; then
  echo "install-deps: podroute needs Node.js 20 (found: $(node --version 2>/dev/null || echo none))" >&2; exit 1
fi
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packaged daemons must not run on their own: tests and the demo start their own instances.
for s in bird frr gobgpd exabgp; do systemctl disable --now "$s" >/dev/null 2>&1 || true; done
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  CI=true npm ci --no-audit --no-fund </dev/null
fi
npm run --silent build
