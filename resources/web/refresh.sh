#!/usr/bin/env bash
# Re-fetch the vendored map libraries from the npm registry (run from anywhere; needs npm).
# The app never loads these from a CDN: the map page must work offline.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack leaflet@1.9.4 leaflet.markercluster@1.5.3 jquery@3.7.1 >/dev/null 2>&1
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
rm -rf "$HERE/leaflet" "$HERE/markercluster" "$HERE/jquery"
mkdir -p "$HERE/leaflet/images" "$HERE/markercluster" "$HERE/jquery"
cp leaflet-1.9.4/package/dist/leaflet.js leaflet-1.9.4/package/dist/leaflet.css "$HERE/leaflet/"
cp leaflet-1.9.4/package/dist/images/* "$HERE/leaflet/images/"
cp leaflet-1.9.4/package/LICENSE "$HERE/leaflet/LICENSE"
cp leaflet.markercluster-1.5.3/package/dist/leaflet.markercluster.js \
   leaflet.markercluster-1.5.3/package/dist/MarkerCluster.css \
   leaflet.markercluster-1.5.3/package/dist/MarkerCluster.Default.css "$HERE/markercluster/"
cp leaflet.markercluster-1.5.3/package/MIT-LICENCE.txt "$HERE/markercluster/LICENSE"
cp jquery-3.7.1/package/dist/jquery.min.js "$HERE/jquery/"
cp jquery-3.7.1/package/LICENSE.txt "$HERE/jquery/LICENSE"
echo "refreshed $HERE"
