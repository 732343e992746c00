"""Fixtures shared by the catalog tests."""

from __future__ import annotations

import pytest

from diary_app.analysis import registry


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """An empty shipped models folder, so tests do not depend on what models/ holds today."""
    folder = tmp_path / "shipped_models"
    folder.mkdir()
    monkeypatch.setattr(registry, "shipped_models_dir", lambda: folder)
    return folder
