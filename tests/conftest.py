"""Shared fixtures. Real audio comes from ../shared/data; tests needing it skip without it."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-background-networking")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


#: fixtures that train a model for the tests using them (module-scoped, so the first user pays)
TRAINING_FIXTURES = frozenset({"small_model", "small_scene_model", "tiny_wavlm"})


def pytest_collection_modifyitems(config, items):
    """Markers for the quick loop ``-m "not slow and not trains and not gui"``: every test using
    ``qtbot`` is ``gui``, every test using a training fixture is ``trains``; the fuzz and the
    PostgreSQL half of the server tests (a throwaway cluster) are ``slow``."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "qtbot" in names or "qapp" in names:
            item.add_marker(pytest.mark.gui)
        if names & TRAINING_FIXTURES:
            item.add_marker(pytest.mark.trains)
        if item.get_closest_marker("fuzz") is not None or item.get_closest_marker("postgres") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _shared_cache_folder(tmp_path_factory):
    """One cache for the session: the Whisper encoder is converted once, not in every test."""
    os.environ["SOUND_DIARY_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """Never touch the real user's diary or settings."""
    root = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("SOUND_DIARY_DATA_DIR", str(root))
    monkeypatch.setenv("SOUND_DIARY_CONFIG_DIR", str(root / "config"))
    yield


def manifest_rows(corpus: str) -> list[dict]:
    path = SHARED_DATA / corpus / "manifest.csv"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["abspath"] = str(SHARED_DATA / corpus / r["path"])
    return rows


def first_clip(corpus: str, label: str) -> Path:
    for r in manifest_rows(corpus):
        if r["label"] == label and float(r["duration_s"]) >= 1.5:
            return Path(r["abspath"])
    pytest.skip(f"no {label} clip in {corpus}")


@pytest.fixture(scope="session")
def speech_clip() -> Path:
    return first_clip("emodb", "angry")


@pytest.fixture(scope="session")
def siren_clip() -> Path:
    return first_clip("urbansound8k", "siren")


@pytest.fixture(scope="session")
def engine_clip() -> Path:
    return first_clip("urbansound8k", "engine_idling")


def held_out_clips(split_name: str, limit_per_label: int) -> list[tuple[Path, str]]:
    """Up to ``limit_per_label`` clips per label from a committed held-out split list."""
    split = Path(__file__).resolve().parents[1] / "resources" / "splits" / f"{split_name}-test.csv"
    if not SHARED_DATA.is_dir():
        pytest.skip("shared data not available")
    with open(split, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out, seen = [], {}
    for r in rows:
        label = r["source_label"]
        if seen.get(label, 0) < limit_per_label:
            seen[label] = seen.get(label, 0) + 1
            out.append(((split.parent / r["path"]).resolve(), label))
    return out


@pytest.fixture(autouse=True)
def _garbage_on_the_gui_thread(request):
    """GUI tests run as the app does: cycles collected on the GUI thread only (``ui.worker``), so a
    worker thread never frees a widget; after the test one collection on this (the GUI) thread,
    and automatic collection back on for the tests without Qt."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    import gc

    request.getfixturevalue("qapp")
    from diary_app.ui.worker import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()
    yield
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def _platform_theme_after_each_test():
    """A test that picks Theme = Dark must not leave the whole QApplication dark for the next ones."""
    yield
    import sys

    theme = sys.modules.get("diary_app.ui.theme")
    if theme is not None and theme._system:
        theme.apply_theme("system")
