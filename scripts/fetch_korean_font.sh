#!/usr/bin/env bash
# Refresh resources/fonts/NanumGothic.ttf (OFL 1.1) from Debian's fonts-nanum package, unmodified.
# The file is committed, so neither set-up nor CI needs this; it documents and repeats where it came from.
set -euo pipefail
cd "$(dirname "$0")/.."
WANT=48a28e97b34fc8e5b157657633670cd1b7de126cfc414da65ce9c3d5bc8be733
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download fonts-nanum >/dev/null && dpkg-deb -x fonts-nanum_*.deb x)
src="$work/x/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
got=$(sha256sum "$src" | cut -d' ' -f1)
if [ "$got" != "$WANT" ]; then
  echo "note: NanumGothic.ttf changed upstream (sha256 $got); update WANT and resources/fonts/README.md" >&2
fi
install -D -m 644 "$src" resources/fonts/NanumGothic.ttf
echo "wrote resources/fonts/NanumGothic.ttf ($(stat -c %s resources/fonts/NanumGothic.ttf) bytes)"
