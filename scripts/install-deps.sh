#!/usr/bin/env bash
# Installs what podroute's tests and demo need on Debian 12 (as root). Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "install-deps: must run as root (namespaces, apt-get)" >&2; exit 1; fi
PKGS=(bird2 frr gobgpd exabgp iproute2 ipset iptables chromium qemu-system-x86 kmod cpio xz-utils ipvsadm socat procps)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packaged daemons must not run on their own: tests start their own instances in namespaces.
for s in bird frr gobgpd exabgp; do systemctl disable --now "$s" >/dev/null 2>&1 || true; done
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  CI=true npm ci --no-audit --no-fund </dev/null
fi
npm run --silent build
