"""Fill a Qt .ts file from a JSON dictionary {source text: translation}; report what is missing.

The dictionary is keyed by source text alone (the same English string gets the same Korean in
every class), which keeps it short and lets lupdate move strings between classes freely.
Usage: python scripts/fill_translations.py resources/i18n/sounddiary_ko.ts resources/i18n/ko.json
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def fill(ts_path: Path, dictionary: dict[str, str]) -> tuple[int, list[tuple[str, str]]]:
    tree = ET.parse(ts_path)
    filled, missing = 0, []
    for context in tree.getroot().iter("context"):
        ctx_name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            if translation.get("type") in ("vanished", "obsolete"):
                continue
            text = dictionary.get(source)
            numerus = message.get("numerus") == "yes"
            if text:
                if numerus:  # Korean has a single plural form
                    for child in list(translation):
                        translation.remove(child)
                    translation.text = None
                    ET.SubElement(translation, "numerusform").text = text
                else:
                    translation.text = text
                translation.attrib.pop("type", None)  # finished
                filled += 1
            elif not "".join(translation.itertext()).strip():
                missing.append((ctx_name, source))
    ET.indent(tree)
    with open(ts_path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(fh, encoding="utf-8", xml_declaration=False)
    return filled, missing


def main(argv: list[str]) -> int:
    ts_path, dict_path = Path(argv[1]), Path(argv[2])
    dictionary = json.loads(dict_path.read_text(encoding="utf-8"))
    filled, missing = fill(ts_path, dictionary)
    print(f"{ts_path.name}: {filled} translated, {len(missing)} missing")
    for ctx, source in missing:
        print(f"  missing [{ctx}] {source!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
