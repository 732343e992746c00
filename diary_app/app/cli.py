"""``diary-app``: no arguments starts the GUI; subcommands drive the Qt-free core.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported only to build the parser, so they must not import torch or Qt at the top.
Every module is imported directly: a missing or renamed one is an ImportError here, never a
command that quietly disappears. The one exception is explicit: the frozen app does not bundle
the training tools and the sync server (``SOURCE_ONLY``, the same list as ``build.spec``).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from diary_app import __version__

#: packages build.spec leaves out of the frozen app; their commands exist only when run from source
SOURCE_ONLY = ("diary_app.training", "diary_app.sync.server")

#: name -> (module, help). Order is the order shown in ``--help``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("diary_app.analysis.cli", "analyse audio files and print the emotion tag"),
    "train": ("diary_app.training.cli", "train a speech-emotion or scene model"),
    "evaluate": ("diary_app.training.evaluate_cli", "evaluate a model folder on a labelled manifest"),
    "models": ("diary_app.analysis.models_cli", "list, add or remove analysis models"),
    "sync-server": ("diary_app.sync.server.cli", "run the friends sync server"),
    "demo-data": ("diary_app.store.demo_cli", "fill a diary with realistic generated entries"),
    "export": ("diary_app.store.export_cli", "write the whole diary (recordings, JSON, CSV) to a zip"),
    "import": ("diary_app.store.import_cli", "restore or merge a diary export zip (by entry id)"),
}

#: shown under the command list: a user must learn here how the window is opened
EPILOG = ("Run diary-app with no command to open the app window. The commands above never open it: "
          "they work in the terminal (no screen needed) and exit.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="diary-app", description="Sound Diary: an audio emotion diary.",
                                     epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--selftest", action="store_true", help="check models, diary and map without a screen, then exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    frozen = bool(getattr(sys, "frozen", False))  # set by PyInstaller, absent from source
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        if frozen and module_name.startswith(SOURCE_ONLY):
            continue
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        from diary_app.app.selftest import run_selftest

        return run_selftest()
    if args.command is None:
        from diary_app.app.gui import run_gui

        return run_gui()
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
