#!/usr/bin/env bash
# Build the double-click app and its installer from a clean checkout.
#
#   scripts/build_installer.sh              # setup if needed, build dist/SoundDiary, selftest, package
#   scripts/build_installer.sh --no-package # only the one-folder app
#   scripts/build_installer.sh --no-selftest
#
# Linux:   dist/SoundDiary/ + dist/SoundDiary-<version>-linux-x86_64.tar.gz (with a .desktop file)
# macOS:   dist/SoundDiary.app + dist/SoundDiary-<version>-macos.dmg (hdiutil)
# Windows: (Git Bash) dist/SoundDiary/ + Inno Setup installer when iscc is on PATH, else a .zip
# The user's diary and models stay in the platform's data folder, never inside the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=1; SELFTEST=1
for arg in "$@"; do
  case "$arg" in
    --no-package) PACKAGE=0 ;;
    --no-selftest) SELFTEST=0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

case "$(uname -s)" in
  Linux*) OS=linux; PY=.venv/bin/python ;;
  Darwin*) OS=macos; PY=.venv/bin/python ;;
  MINGW*|MSYS*|CYGWIN*) OS=windows; PY=.venv/Scripts/python.exe ;;
  *) echo "unsupported system $(uname -s)" >&2; exit 2 ;;
esac

if [ ! -x "$PY" ]; then
  echo "== no .venv: running scripts/setup.sh"
  bash scripts/setup.sh
fi
"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q "pyinstaller>=6.5"

VERSION=$("$PY" -c "import diary_app; print(diary_app.__version__)")
echo "== building Sound Diary $VERSION for $OS"
start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean build.spec
echo "== build took $(( $(date +%s) - start )) s; size: $(du -sh dist/SoundDiary | cut -f1)"

if [ "$OS" = windows ]; then CLI=dist/SoundDiary/SoundDiary-cli.exe; else CLI=dist/SoundDiary/SoundDiary-cli; fi
if [ "$SELFTEST" = 1 ]; then
  echo "== frozen selftest"
  SOUND_DIARY_DATA_DIR="$(mktemp -d)" "$CLI" --selftest
fi

[ "$PACKAGE" = 1 ] || exit 0
case "$OS" in
  linux)
    cat > dist/SoundDiary/sound-diary.desktop <<DESKTOP
[Desktop Entry]
Type=Application
Name=Sound Diary
Comment=Record today's sound and tag it with an emotion
Exec=SoundDiary
Icon=sound-diary
Categories=AudioVideo;Audio;
Terminal=false
DESKTOP
    OUT="dist/SoundDiary-$VERSION-linux-$(uname -m).tar.gz"
    tar -C dist -czf "$OUT" SoundDiary
    ;;
  macos)
    OUT="dist/SoundDiary-$VERSION-macos.dmg"
    rm -f "$OUT"
    hdiutil create -volname "Sound Diary" -srcfolder dist/SoundDiary.app -ov -format UDZO "$OUT"
    ;;
  windows)
    if command -v iscc >/dev/null 2>&1; then
      iscc //DAppVersion="$VERSION" scripts/sounddiary.iss
      OUT="dist/SoundDiary-$VERSION-setup.exe"
    else
      OUT="dist/SoundDiary-$VERSION-windows.zip"
      (cd dist && powershell -NoProfile -Command "Compress-Archive -Force -Path SoundDiary -DestinationPath $(basename "$OUT")")
    fi
    ;;
esac
echo "== wrote $OUT ($(du -sh "$OUT" | cut -f1))"
