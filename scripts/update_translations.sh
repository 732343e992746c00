#!/usr/bin/env bash
# Refresh the Korean translation: collect every tr()/translate() string of the GUI with
# pyside6-lupdate, fill in the Korean text from resources/i18n/ko.json (our own translations,
# source text -> Korean), list what is still untranslated, and compile the .qm with lrelease.
# Run after adding GUI strings; add the new Korean text to ko.json and run again.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
TS=resources/i18n/sounddiary_ko.ts
QM=resources/i18n/sounddiary_ko.qm
mapfile -t SOURCES < <(find diary_app/ui -name '*.py' | sort)
"$BIN/pyside6-lupdate" -silent -no-obsolete -source-language en -target-language ko "${SOURCES[@]}" -ts "$TS"
"$BIN/python" scripts/fill_translations.py "$TS" resources/i18n/ko.json
"$BIN/pyside6-lrelease" -silent "$TS" -qm "$QM"
echo "wrote $QM"
