#!/usr/bin/env bash
# Sets up Sound Diary from a fresh checkout: system packages (when run as root or with sudo),
# a virtual environment in .venv, the CPU build of PyTorch first (so no CUDA build is pulled),
# then the app with its test and build extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libportaudio2 libsndfile1 ffmpeg libegl1 libgl1 libnss3 libxcomposite1 libxdamage1
  libxrandr2 libxtst6 libxkbfile1 libasound2 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1
  libxcb-cursor0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-image0 libxcb-render-util0
  xvfb xauth postgresql pulseaudio pulseaudio-utils libasound2-plugins fonts-noto-color-emoji)
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if [ -z "$SUDO" ] || sudo -n true 2>/dev/null; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
  else
    echo "note: not root and no sudo; make sure these are installed: ${APT_PACKAGES[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[test,build]"
echo "Sound Diary is set up. Start it with: .venv/bin/diary-app"
