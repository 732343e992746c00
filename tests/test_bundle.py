"""Build the PyInstaller one-folder app from build.spec and run the frozen ``--selftest``.

Slow (a few minutes): marked ``slow``; .ci/run runs it. ``SOUND_DIARY_BUNDLE_DIR=<dist>/SoundDiary``
reuses an existing build instead of building (for local iteration on the selftest).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("SOUND_DIARY_BUNDLE_DIR")
    if prebuilt:
        return Path(prebuilt)
    pytest.importorskip("PyInstaller")
    work = tmp_path_factory.mktemp("pyinstaller")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(work / "dist"),
         "--workpath", str(work / "build"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=1500,
    )
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr[-5000:]
    folder = work / "dist" / "SoundDiary"
    print(f"\nPyInstaller build: {seconds:.0f} s, bundle {_size_mb(folder):.0f} MB at {folder}")
    return folder


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_frozen_selftest_passes(bundle, tmp_path):
    gui = bundle / f"SoundDiary{EXE_SUFFIX}"
    cli = bundle / f"SoundDiary-cli{EXE_SUFFIX}"
    assert gui.is_file() and cli.is_file(), sorted(p.name for p in bundle.iterdir())
    internal = bundle / "_internal"
    assert (internal / "resources" / "samples" / "speech_en.flac").is_file()
    assert (internal / "resources" / "i18n" / "sounddiary_ko.qm").is_file()
    assert (internal / "resources" / "web" / "leaflet" / "leaflet.js").is_file()
    # what the excludes promise: no training-only or GPU packages in the bundle
    for absent in ("torchvision", "sklearn", "matplotlib", "tensorboard"):
        assert not (internal / absent).exists(), f"{absent} should be excluded"

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH")}
    env["SOUND_DIARY_DATA_DIR"] = str(tmp_path / "userdata")
    env["SOUND_DIARY_CONFIG_DIR"] = str(tmp_path / "userdata" / "config")
    t0 = time.perf_counter()
    proc = subprocess.run([str(cli), "--selftest"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - t0
    print(f"\nfrozen selftest: {seconds:.1f} s\n{proc.stdout}")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "(frozen," in proc.stdout
    for step in ("environment", "models", "analyse speech", "analyse noise", "diary", "map", "gui", "korean font"):
        assert step in proc.stdout
    assert proc.stdout.strip().splitlines()[-1].startswith("selftest: PASS")
    # the user's data goes to the data folder, never into the bundle
    assert not list(bundle.rglob("diary.sqlite3"))

    if sys.platform.startswith("linux"):  # the spec prunes Qt libraries: every one still needed must be there
        broken = []
        for lib in (internal / "PySide6").rglob("*.so*"):
            out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
            broken += [f"{lib.name}: {line.strip()}" for line in out.splitlines() if "libQt6" in line and "not found" in line]
        assert not broken, broken

    # the frozen CLI runs the model manager too
    proc = subprocess.run([str(cli), "models", "list"], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
