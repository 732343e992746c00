#!/usr/bin/env python
"""Make ``docs/screenshots/feed.png``: the real main window showing a Feed with three friends.

Starts a throwaway ``diary-app sync-server``, signs up alice, bob and carol, makes them friends,
records entries from the shared EmoDB clips, shares and likes some, then opens the main window as
alice (own temporary data and config folders) on the Feed page and saves a grab of it.

    QT_QPA_PLATFORM=xcb xvfb-run -a .venv/bin/python scripts/social_screenshot.py docs/screenshots/feed.png
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as ``python scripts/social_screenshot.py`` from a checkout: this checkout's diary_app

from diary_app.sync.server.process import running_server  # noqa: E402

PASSWORD = "screenshot password"
SOCIAL = False


def _clips(label: str) -> list[Path]:
    from diary_app.paths import shared_data_dir

    root = shared_data_dir()
    if root is None or not (root / "emodb" / "manifest.csv").is_file():
        raise SystemExit("needs ../shared/data/emodb (the shared EmoDB clips)")
    with open(root / "emodb" / "manifest.csv", newline="", encoding="utf-8") as fh:
        return [root / "emodb" / r["path"] for r in csv.DictReader(fh) if r["label"] == label]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots/feed.png"))
    parser.add_argument("--social", action="store_true", help="also save friends.png and notifications.png beside it")
    args = parser.parse_args(argv)
    global SOCIAL
    SOCIAL = args.social
    work = Path(tempfile.mkdtemp(prefix="sd_feed_shot_"))
    alice_home = work / "alice"
    os.environ["SOUND_DIARY_DATA_DIR"] = str(alice_home / "data")
    os.environ["SOUND_DIARY_CONFIG_DIR"] = str(alice_home / "config")

    with running_server(work) as url:
        return _shoot(url, work, args.out)


def _shoot(url: str, work: Path, out: Path) -> int:
    from diary_app.settings import Settings
    from diary_app.store import Diary
    from diary_app.sync.client.session import ClientSession
    from diary_app.sync.client.sync_engine import SyncEngine
    from diary_app.sync.client.token_store import TokenStore

    people = {
        "alice": ("Alice Kim", TokenStore()),  # the app's own store, like a real sign-in
        "bob": ("Bob Lee", TokenStore(use_keyring=False, file_path=work / "bob.json")),
        "carol": ("Carol Park", TokenStore(use_keyring=False, file_path=work / "carol.json")),
    }
    sessions = {}
    for name, (display, store) in people.items():
        sessions[name] = ClientSession(url, store)
        sessions[name].signup(name, display, PASSWORD)
    for a, b in (("alice", "bob"), ("alice", "carol"), ("bob", "carol")):
        request = sessions[a].api.send_friend_request(b)
        sessions[b].api.accept_friend_request(request.id)

    now = datetime.now(UTC)
    plan = [  # who, label, hours ago, note, place
        ("carol", "happy", 2, "Street musicians by the Han river, everyone was dancing", ("Yeouido Park", 37.5284, 126.9326)),
        ("bob", "angry", 5, "Forty minutes stuck behind a broken bus", None),
        ("alice", "neutral", 9, "Quiet morning at the library", ("Central Library", 37.5716, 126.9769)),
        ("carol", "sad", 26, "Last day at the old office", None),
        ("alice", "happy", 30, "Grandma's birthday call", None),
    ]
    used: dict[str, int] = {}
    diaries = {"alice": Diary(), "bob": Diary(work / "bob_diary"), "carol": Diary(work / "carol_diary")}
    shared_ids: dict[str, list[str]] = {n: [] for n in diaries}
    for who, label, hours, note, place in plan:
        clip = _clips(label)[used.get(label, 0)]
        used[label] = used.get(label, 0) + 1
        diary = diaries[who]
        entry = diary.create_entry(clip, move=False, created_at=now - timedelta(hours=hours))
        diary.set_user_emotion(entry.id, label)
        diary.set_note(entry.id, note)
        if place:
            diary.set_location(entry.id, place[1], place[2], place[0])
        diary.set_public(entry.id, True)
        shared_ids[who].append(str(entry.id))
    private = diaries["alice"].create_entry(_clips("fear")[0], move=False)  # stays on alice's machine
    diaries["alice"].set_note(private.id, "private: not in anyone's feed")
    for who, diary in diaries.items():
        report = SyncEngine(diary, sessions[who].api).run_once()
        assert report.ok, report
    dave = ClientSession(url, TokenStore(use_keyring=False, file_path=work / "dave.json"))
    dave.signup("dave", "Dave Choi", PASSWORD)
    dave.api.send_friend_request("alice")  # a request waiting on the Friends page
    sessions["bob"].api.like(shared_ids["carol"][0])
    sessions["alice"].api.like(shared_ids["carol"][0])
    sessions["bob"].api.like(shared_ids["alice"][0])
    sessions["carol"].api.like(shared_ids["alice"][1])

    settings = Settings.load()
    settings.server_url = url
    settings.first_run_done = True
    settings.save()
    for d in diaries.values():
        d.close()
    return _grab_window(out)


def _grab_window(out: Path) -> int:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-background-networking")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401
    except ImportError:
        pass
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Sound Diary")
    from diary_app.settings import Settings
    from diary_app.store import Diary
    from diary_app.ui.context import AppContext
    from diary_app.ui.main_window import MainWindow

    try:
        from diary_app.app.gui import _set_window_icon
        from diary_app.ui.i18n import apply_theme, install_translator

        settings = Settings.load()
        install_translator(settings.language, app)
        apply_theme(settings.theme, app)
        _set_window_icon(app)
    except ImportError:
        settings = Settings.load()
    window = MainWindow(AppContext(diary=Diary(), settings=settings))
    window.resize(1100, 720)
    window.show()
    feed = window.pages["feed"]
    friends = window.pages["friends"]
    notes = window.pages["notifications"]
    stages = [
        ("feed", out, lambda: len(feed.items) >= 5 and window.sync_service.unread_count > 0 and feed.account.count() > 3,
         lambda: f"{len(feed.items)} feed items"),
    ]
    if SOCIAL:
        stages += [
            ("friends", out.parent / "friends.png", lambda: len(friends.friend_list) >= 2 and len(friends.incoming.rows) >= 1,
             lambda: f"{len(friends.friend_list)} friends"),
            ("notifications", out.parent / "notifications.png", lambda: notes.list.count() >= 3,
             lambda: f"{notes.list.count()} notifications"),
        ]
    window.show_page(stages[0][0])
    timer = QElapsedTimer()
    timer.start()
    state = {"settled": 0, "stage": 0}

    def poll() -> None:
        # wait until the page's data (and the badge) have arrived, then one more second
        key, path, ready, describe = stages[state["stage"]]
        state["settled"] = state["settled"] + 1 if ready() else 0
        if state["settled"] >= 10 or timer.elapsed() > 30_000:
            path.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(path))
            print(f"saved {path} ({describe()})", flush=True)
            state["stage"] += 1
            state["settled"] = 0
            timer.restart()
            if state["stage"] == len(stages):
                window.sync_service.shutdown()
                app.quit()
            else:
                window.show_page(stages[state["stage"]][0])

    ticker = QTimer()
    ticker.timeout.connect(poll)
    ticker.start(100)
    app.exec()
    # This tool (not the app: run_gui exits cleanly with the same data) aborts in PySide6's
    # interpreter-shutdown GC ("bool_dealloc"); the picture is saved, so skip the teardown.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
