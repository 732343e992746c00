"""Dataset readers, label maps and grouped splits on the real corpora."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from conftest import SHARED_DATA, manifest_rows

from diary_app.training.datasets import (
    DatasetError,
    LabelMapper,
    parse_label_map,
    read_dataset,
    read_folder_tree,
    read_manifest,
    read_tau_meta,
)
from diary_app.training.splits import grouped_split, write_split_csv


def test_emodb_manifest_drops_boredom_and_counts_it():
    manifest_rows("emodb")  # skips without the data
    res = read_manifest(SHARED_DATA / "emodb" / "manifest.csv", LabelMapper())
    assert res.dropped["unmapped"] == 63
    labels = Counter(e.label for e in res.examples)
    assert set(labels) == {"neutral", "happy", "sad", "angry", "fear"}
    assert all(e.group.startswith("emodb:") for e in res.examples)
    assert "dropped" in res.summary() and "unmapped 63" in res.summary()


def test_label_map_merges_disgust_into_fear_and_can_keep_boredom(tmp_path):
    clip = manifest_rows("emodb")[0]["abspath"]
    man = tmp_path / "m.csv"
    man.write_text(f"path,label,speaker\n{clip},disgust,a\n{clip},boredom,b\n{clip},Anger,c\n", encoding="utf-8")
    default = read_manifest(man, LabelMapper())
    assert [e.label for e in default.examples] == ["fear", "angry"]
    assert default.dropped == Counter({"boredom": 1})
    with_boredom = read_manifest(man, LabelMapper(parse_label_map("boredom=neutral")))
    assert [e.label for e in with_boredom.examples] == ["fear", "neutral", "angry"]
    with pytest.raises(DatasetError):
        parse_label_map("boredom")


def test_folder_tree_and_tau_meta_readers(tmp_path):
    rows = manifest_rows("urbansound8k")
    picked = {}
    for r in rows:
        picked.setdefault(r["label"], r)
        if len(picked) == 3:
            break
    tree = tmp_path / "tree"
    for label, r in picked.items():
        (tree / label).mkdir(parents=True)
        (tree / label / "a.flac").symlink_to(r["abspath"])
    res = read_folder_tree(tree, LabelMapper(identity=True))
    assert sorted(e.label for e in res.examples) == sorted(picked)
    assert len({e.group for e in res.examples}) == 3
    assert read_dataset(tree, LabelMapper(identity=True)).examples == res.examples

    tau = tmp_path / "tau"
    (tau / "audio").mkdir(parents=True)
    lines = ["filename\tscene_label\tidentifier\tsource_label"]
    for i, (label, r) in enumerate(picked.items()):
        (tau / "audio" / f"{i}.flac").symlink_to(r["abspath"])
        lines.append(f"audio/{i}.flac\t{label}\tcity-{i % 2}\ta")
    lines.append("audio/missing.flac\tpark\tcity-9\ta")
    (tau / "meta.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = read_tau_meta(tau / "meta.csv", LabelMapper(identity=True))
    assert len(res.examples) == 3 and res.missing == 1
    assert {e.group for e in res.examples} == {"tau:city-0", "tau:city-1"}
    assert len(read_dataset(tau / "meta.csv", LabelMapper(identity=True)).examples) == 3


def test_manifest_without_required_columns_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("file,emotion\nx.wav,angry\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="path,label"):
        read_manifest(bad, LabelMapper())


@pytest.mark.slow
def test_grouped_split_keeps_speakers_on_one_side_and_is_reproducible(tmp_path):
    manifest_rows("urdu")
    mapper = LabelMapper()
    examples = [e for d in ("emodb", "urdu") for e in read_manifest(SHARED_DATA / d / "manifest.csv", mapper).examples]
    a = grouped_split(examples, 0.15, 0.25, seed=0)
    b = grouped_split(examples, 0.15, 0.25, seed=0)
    assert [e.path for e in a.test] == [e.path for e in b.test]
    a.check_disjoint()
    for part in (a.train, a.val, a.test):
        assert {e.source for e in part} == {"emodb", "urdu"}  # every corpus on every side
    # stratified as far as speakers allow: every emotion is in train and in test
    assert {e.label for e in a.train} == {e.label for e in a.test} == {"neutral", "happy", "sad", "angry", "fear"}
    assert 0.15 < len(a.test) / len(examples) < 0.35
    c = grouped_split(examples, 0.15, 0.25, seed=1)
    assert {e.group for e in c.test} != {e.group for e in a.test}

    out = tmp_path / "test.csv"
    write_split_csv(a.test, out)
    again = read_manifest(out, mapper)
    assert sorted(str(e.path.resolve()) for e in again.examples) == sorted(str(e.path.resolve()) for e in a.test)
    with open(out, newline="") as fh:
        assert not any(row["path"].startswith("/") for row in csv.DictReader(fh))


@pytest.mark.slow
def test_urbansound_split_groups_by_source_recording():
    manifest_rows("urbansound8k")
    res = read_manifest(SHARED_DATA / "urbansound8k" / "manifest.csv", LabelMapper(identity=True))
    s = grouped_split(res.examples, 0.15, 0.15, seed=0)
    s.check_disjoint()
    assert len({e.label for e in s.test}) == 10
