"""The helpers every training recipe shares: the one temperature fit, clip probabilities, splits."""

from __future__ import annotations

import numpy as np
import pytest

from diary_app.training.common import (
    TEMPERATURE_BOUNDS,
    SplitSpec,
    clip_probabilities,
    fit_temperature,
    resolve_split,
    seeded_subset,
    temperature_nll,
)


def _logits(n: int, scale: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 5, n)
    z = rng.normal(size=(n, 5)) * scale
    z[np.arange(n), y] += 2 * scale
    return z, y


@pytest.mark.parametrize("scale", [0.5, 2.0, 5.0])
def test_fit_temperature_finds_the_nll_minimum_of_a_fine_grid(scale):
    z, y = _logits(300, scale)
    t = fit_temperature(z, y)
    grid = np.exp(np.linspace(np.log(TEMPERATURE_BOUNDS[0]), np.log(TEMPERATURE_BOUNDS[1]), 2001))
    best = grid[np.argmin([temperature_nll(z, y, g) for g in grid])]
    assert t == pytest.approx(best, rel=0.01)
    assert temperature_nll(z, y, t) <= temperature_nll(z, y, best) + 1e-6
    # overconfident logits are cooled (T > 1), under-confident ones sharpened (T < 1)
    assert (t > 1) == (scale > 1.5)


def test_fit_temperature_stays_in_bounds_and_has_a_default():
    y = np.arange(50) % 5
    right = np.eye(5)[y] * 3.0  # every call right: the NLL keeps falling as T -> 0
    wrong = np.eye(5)[(y + 1) % 5] * 3.0  # every call wrong: it keeps falling as T -> infinity
    lo, hi = TEMPERATURE_BOUNDS
    assert lo <= fit_temperature(right, y) <= lo * 1.01
    assert hi / 1.01 <= fit_temperature(wrong, y) <= hi
    assert fit_temperature(np.zeros((0, 5)), np.zeros(0, dtype=int)) == 1.0


def test_clip_probabilities_average_each_clips_windows_like_inference():
    rng = np.random.default_rng(1)
    clips = [rng.normal(size=(k, 4)).astype(np.float32) for k in (1, 3, 2, 5)]
    p = clip_probabilities(clips, 1.7)

    def softmax(x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    expected = np.stack([softmax(c / 1.7).mean(axis=0) for c in clips])
    assert p.dtype == np.float32 and np.array_equal(p, expected)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-6)
    # a 2-D array is one window per clip
    rows = np.concatenate(clips)
    assert np.allclose(clip_probabilities(rows, 2.0), softmax(rows / 2.0))


def test_seeded_subset_is_reproducible_ordered_and_all_when_not_asked():
    items = list(range(100))
    a, b = seeded_subset(items, 10, seed=3), seeded_subset(items, 10, seed=3)
    assert a == b == sorted(a) and len(set(a)) == 10
    assert seeded_subset(items, None, 0) is items and seeded_subset(items, 500, 0) is items


def test_missing_split_lists_are_a_clear_error(tmp_path):
    from diary_app.training.datasets import LabelMapper

    with pytest.raises(FileNotFoundError, match="split list"):
        resolve_split(LabelMapper(identity=True), [], "model", SplitSpec(split_lists=tmp_path))


def test_no_recipe_helper_takes_argparse():
    """The recipes are Config + train(config); only training/cli.py knows about argparse."""
    import inspect

    from diary_app.training import common, train_cnn, train_features, train_ser_hf, train_whisper_ser

    for module in (common, train_cnn, train_features, train_ser_hf, train_whisper_ser):
        source = inspect.getsource(module)
        assert "import argparse" not in source and "args." not in source, module.__name__
    for recipe in (train_cnn, train_features, train_ser_hf, train_whisper_ser):
        assert list(inspect.signature(recipe.train).parameters) == ["config"]
