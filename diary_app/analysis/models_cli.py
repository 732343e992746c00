"""``diary-app models list|show|add|remove|use``: the model manager on the command line.

Exit codes: 0 done, 1 the request cannot be done (message says why), 2 the Hub is offline.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_ERROR = 1
EXIT_OFFLINE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    p = sub.add_parser("list", help="installed models with kind, labels, source and which are active")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser("show", help="a model's card")
    p.add_argument("name")
    p = sub.add_parser("add", help="install a local model folder or a Hugging Face model id (owner/name)")
    p.add_argument("source", help="folder with model_card.json or an HF audio-classification checkpoint, or a hub id")
    p.add_argument("--name", help="folder name for the installed model (default: the source's name)")
    p.add_argument("--label-map", help="map labels that are not emotions, e.g. boredom=neutral,disgust=fear")
    p.add_argument("--use", action="store_true", help="make it the active model of its task at once")
    p = sub.add_parser("remove", help="delete a user-installed model")
    p.add_argument("name")
    p = sub.add_parser("use", help="make a model the active speech or scene model")
    p.add_argument("name")


def _print_table(models) -> None:
    if not models:
        print("no models installed")
        return
    rows = [("name", "kind", "task", "source", "active", "labels")]
    for m in models:
        labels = ",".join(m.labels) if m.card else f"(broken: {m.error})"
        if len(labels) > 60:
            labels = labels[:57] + "..."
        rows.append((m.name, m.kind, m.task, m.source + (" (overrides shipped)" if m.overrides_shipped else ""),
                     "yes" if m.active else "", labels))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])


def run(args: argparse.Namespace) -> int:
    from diary_app import models_manager as mm

    action = getattr(args, "models_command", None) or "list"
    try:
        if action == "list":
            models = mm.list_models()
            if getattr(args, "json", False):
                print(json.dumps([m.summary() for m in models], indent=2, ensure_ascii=False))
            else:
                _print_table(models)
            return 0
        if action == "show":
            print(json.dumps(mm.find(args.name).summary(), indent=2, ensure_ascii=False))
            return 0
        if action == "add":
            label_map = mm.parse_label_map(args.label_map)
            progress = None  # the hub download shows tqdm bars on the terminal itself
            info = mm.add(args.source, name=args.name, label_map=label_map or None, progress=progress)
            print(f"added {info.name} ({info.kind}, {info.task}) with labels {', '.join(info.labels)}")
            if info.card and info.card.label_map:
                print("label map: " + ", ".join(f"{k}->{v}" for k, v in info.card.label_map.items()))
            if args.use:
                mm.use(info.name)
                print(f"{info.name} is now the active {info.task} model")
            return 0
        if action == "remove":
            info = mm.remove(args.name)
            print(f"removed {info.name}")
            return 0
        if action == "use":
            info = mm.use(args.name)
            print(f"{info.name} is now the active {info.task} model")
            return 0
    except mm.HubOffline as exc:
        print(f"offline: {exc}", file=sys.stderr)
        return EXIT_OFFLINE
    except mm.ModelManagerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"unknown action {action!r}", file=sys.stderr)
    return EXIT_ERROR
