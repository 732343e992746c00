"""Dataset readers: our manifest CSV, a folder-per-label tree and TAU's ``meta.csv``.

Every reader returns the same ``Example`` records so the trainers never care where the data came
from. The ``group`` of an example (speaker, or source recording) is what the splitter keeps on one
side only; without it a held-out score would measure how well the model recognises voices.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from diary_app.emotions import DEFAULT_LABEL_MAP, map_label

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aiff", ".aif"}


class DatasetError(ValueError):
    """The data argument cannot be read as a labelled dataset."""


@dataclass(frozen=True)
class Example:
    path: Path
    label: str  # label after mapping (our emotion for SER, the scene label for scene data)
    group: str  # speaker / source recording; never split across train and test
    source_label: str = ""
    source: str = ""  # which dataset argument it came from (e.g. the corpus folder name)


@dataclass
class DatasetReadResult:
    examples: list[Example]
    dropped: Counter = field(default_factory=Counter)  # source label -> count dropped by the label map
    missing: int = 0  # rows whose audio file does not exist

    def summary(self) -> str:
        counts = Counter(e.label for e in self.examples)
        parts = [f"{len(self.examples)} clips: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))]
        if self.dropped:
            parts.append("dropped (no label in the map): " + ", ".join(f"{k} {v}" for k, v in sorted(self.dropped.items())))
        if self.missing:
            parts.append(f"{self.missing} rows skipped: audio file not found")
        return "; ".join(parts)


#: Speech-emotion label map: the shared defaults (disgust -> fear). EmoDB's ``unmapped`` (boredom)
#: and anything else unknown is dropped: boredom is low-arousal like neutral but not neutral, and
#: teaching "neutral" on bored voices would blur the class the diary shows most often.
SER_LABEL_MAP: dict[str, str] = dict(DEFAULT_LABEL_MAP)


def parse_label_map(spec: str | None) -> dict[str, str] | None:
    """``"boredom=neutral,disgust=fear"`` -> dict added on top of the default map (CLI helper)."""
    if not spec:
        return None
    table = dict(SER_LABEL_MAP)
    for item in spec.split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise DatasetError(f"label map entry {item!r} must look like source=target")
        src, dst = (s.strip().lower() for s in item.split("=", 1))
        table[src] = dst
    return table


class LabelMapper:
    """Maps a source label or returns None. ``identity`` keeps labels as they are (scene data)."""

    def __init__(self, table: dict[str, str] | None = None, identity: bool = False, keep: set[str] | None = None) -> None:
        self.table = SER_LABEL_MAP if table is None else table
        self.identity = identity
        self.keep = keep

    def __call__(self, label: str) -> str | None:
        mapped = label.strip() if self.identity else map_label(label, self.table)
        if mapped is None or (self.keep is not None and mapped not in self.keep):
            return None
        return mapped


def _finish(rows: list[tuple], mapper: LabelMapper, source: str) -> DatasetReadResult:
    out = DatasetReadResult(examples=[])
    for path, label, group, *rest in rows:
        src = rest[0] if rest else source
        if not path.is_file():
            out.missing += 1
            continue
        mapped = mapper(label)
        if mapped is None:
            out.dropped[label] += 1
            continue
        out.examples.append(Example(path=path, label=mapped, group=group, source_label=label, source=src))
    return out


FREESOUND_ID = re.compile(r"fs\d+")


def read_manifest(csv_path: str | Path, mapper: LabelMapper) -> DatasetReadResult:
    """Our manifest: ``path,label,speaker,...`` with paths relative to the CSV's folder."""
    csv_path = Path(csv_path)
    with open(csv_path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = set(reader.fieldnames or [])
        if not {"path", "label"} <= fields:
            raise DatasetError(f"{csv_path}: a manifest needs the columns path,label (found: {', '.join(sorted(fields))})")
        source = csv_path.parent.name
        rows = []
        for r in reader:
            p = Path(r["path"])
            path = p if p.is_absolute() else csv_path.parent / p
            # without a speaker column every file is its own group: safe, if pessimistic
            group = (r.get("speaker") or "").strip() or str(p)
            # split manifests written by ``write_split_csv`` name the corpus of each row
            src = (r.get("source") or "").strip() or source
            # a freesound recording (``fs<id>``) is one recording whichever corpus cut it: UrbanSound8K and
            # ESC-10 share four, which must never be on both sides of a split
            key = f"freesound:{group}" if FREESOUND_ID.fullmatch(group) else f"{src}:{group}"
            rows.append((path, r["label"], key, src))
    return _finish(rows, mapper, source)


def read_folder_tree(root: str | Path, mapper: LabelMapper) -> DatasetReadResult:
    """``root/<label>/<file>``. No speaker information: each file is its own group."""
    root = Path(root)
    rows = []
    for label_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(label_dir.rglob("*")):
            if f.suffix.lower() in AUDIO_SUFFIXES:
                rows.append((f, label_dir.name, f"{root.name}:{f.relative_to(root)}"))
    if not rows:
        raise DatasetError(f"{root}: no audio files in label folders (expected root/<label>/<file>.wav)")
    return _finish(rows, mapper, root.name)


def read_tau_meta(meta_path: str | Path, mapper: LabelMapper) -> DatasetReadResult:
    """TAU Urban Acoustic Scenes ``meta.csv``: tab-separated ``filename, scene_label, identifier, ...``.

    The ``identifier`` (city-location) is the recording group: TAU cuts one long recording into many
    10 s segments, and segments of one recording must not land on both sides of a split.
    """
    meta_path = Path(meta_path)
    with open(meta_path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        fields = set(reader.fieldnames or [])
        if not {"filename", "scene_label"} <= fields:
            raise DatasetError(f"{meta_path}: TAU meta.csv needs tab-separated filename and scene_label columns")
        rows = []
        for r in reader:
            path = meta_path.parent / r["filename"]
            group = (r.get("identifier") or "").strip() or r["filename"]
            rows.append((path, r["scene_label"], f"{meta_path.parent.name}:{group}"))
    return _finish(rows, mapper, meta_path.parent.name)


def read_dataset(spec: str | Path, mapper: LabelMapper) -> DatasetReadResult:
    """Pick the reader from what ``spec`` is: a folder, a TAU meta file or our manifest."""
    spec = Path(spec)
    if not spec.exists():
        raise DatasetError(f"{spec}: not found")
    if spec.is_dir():
        if (spec / "manifest.csv").is_file():
            return read_manifest(spec / "manifest.csv", mapper)
        if (spec / "meta.csv").is_file():
            return read_tau_meta(spec / "meta.csv", mapper)
        return read_folder_tree(spec, mapper)
    with open(spec, encoding="utf-8") as fh:
        header = fh.readline()
    if "\t" in header and "scene_label" in header:
        return read_tau_meta(spec, mapper)
    return read_manifest(spec, mapper)


def read_datasets(specs: Sequence[str | Path], mapper: LabelMapper, verbose: bool = True) -> list[DatasetReadResult]:
    results = []
    for spec in specs:
        res = read_dataset(spec, mapper)
        if verbose:
            print(f"{spec}: {res.summary()}")
        results.append(res)
    return results


#: languages of the corpora in ../shared/data, for split manifests that carry no ``language`` column
KNOWN_LANGUAGES = {"emodb": "de", "urdu": "ur", "ravdess": "en", "emovo": "it", "turev": "tr", "selvas": "ko"}


def corpus_languages(manifests: list[Path]) -> dict[str, str]:
    """Corpus folder name -> the ``language`` column of its manifest (for per-language reports)."""
    out = {}
    for m in manifests:
        m = Path(m)
        csv_path = m / "manifest.csv" if m.is_dir() else m
        try:
            with open(csv_path, newline="", encoding="utf-8") as fh:
                row = next(csv.DictReader(fh), None)
        except OSError:
            continue
        if row and row.get("language"):
            out[csv_path.parent.name] = row["language"]
    return {**KNOWN_LANGUAGES, **out}
