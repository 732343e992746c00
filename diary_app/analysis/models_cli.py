"""``diary-app models list|show|add|remove|use``: the model manager on the command line.

Exit codes: 0 done, 1 the request cannot be done (message says why), 2 the Hub is offline.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diary_app.settings import Settings

EXIT_ERROR = 1
EXIT_OFFLINE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(json=False)  # plain ``diary-app models`` lists, like ``models list``
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    p = sub.add_parser("list", help="installed models with kind, labels, source and which are active")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser("show", help="a model's card")
    p.add_argument("name")
    p = sub.add_parser("add", help="install a local model folder, a .zip of one, or a Hugging Face model id (owner/name)")
    p.add_argument("source", help="folder (or .zip) with model_card.json or an HF audio-classification checkpoint, or a hub id")
    p.add_argument("--name", help="folder name for the installed model (default: the source's name)")
    p.add_argument("--label-map", help="map labels that are not emotions, e.g. boredom=neutral,disgust=fear")
    p.add_argument("--use", action="store_true", help="make it the active model of its task at once")
    p = sub.add_parser("remove", help="delete a user-installed model")
    p.add_argument("name")
    p = sub.add_parser("use", help="make a model the active speech or scene model")
    p.add_argument("name")


def _rows(settings: Settings) -> list[dict[str, Any]]:
    """Every model folder (usable ones with ``active`` from the catalog's one rule, broken ones with why)."""
    from diary_app.analysis import registry

    active = registry.active_models(settings)
    rows = [m.summary(active=active.is_active(m)) for m in registry.list_models()]
    rows += [b.summary() for b in registry.list_broken() if b.name not in {r["name"] for r in rows}]
    return sorted(rows, key=lambda r: r["name"])


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no models installed")
        return
    table = [("name", "kind", "task", "source", "active", "labels")]
    for m in rows:
        labels = ",".join(m["labels"]) if m["error"] is None else f"(broken: {m['error']})"
        if len(labels) > 60:
            labels = labels[:57] + "..."
        table.append((m["name"], m["kind"], m["task"], m["source"] + (" (overrides shipped)" if m.get("overrides_shipped") else ""),
                      "yes" if m["active"] else "", labels))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]) - 1)]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])


def run(args: argparse.Namespace) -> int:
    from diary_app.analysis import model_install, registry
    from diary_app.settings import Settings

    settings = Settings.load()
    action = args.models_command or "list"
    try:
        if action == "list":
            rows = _rows(settings)
            if args.json:
                print(json.dumps(rows, indent=2, ensure_ascii=False))
            else:
                _print_table(rows)
            return 0
        if action == "show":
            model = registry.get_model(args.name)
            active = registry.active_models(settings).is_active(model)
            print(json.dumps(model.summary(active=active), indent=2, ensure_ascii=False))
            return 0
        if action == "add":
            label_map = model_install.parse_label_map(args.label_map)
            # the hub download shows tqdm bars on the terminal itself
            info = model_install.add(args.source, name=args.name, label_map=label_map or None)
            print(f"added {info.name} ({info.kind}, {info.task}) with labels {', '.join(info.labels)}")
            if info.card.label_map:
                print("label map: " + ", ".join(f"{k}->{v}" for k, v in info.card.label_map.items()))
            if args.use:
                registry.use_model(info.name, settings)
                print(f"{info.name} is now the active {info.task} model")
            return 0
        if action == "remove":
            removed = registry.remove_model(args.name, settings)
            print(f"removed {removed.name}")
            return 0
        if action == "use":
            info = registry.use_model(args.name, settings)
            print(f"{info.name} is now the active {info.task} model")
            return 0
    except model_install.HubOffline as exc:
        print(f"offline: {exc}", file=sys.stderr)
        return EXIT_OFFLINE
    except registry.CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"unknown action {action!r}", file=sys.stderr)
    return EXIT_ERROR
