"""Sound Diary: a desktop audio emotion diary.

The package is split into a Qt-free core (``audio``, ``analysis``, ``store``, ``sync``) and a thin
``ui`` layer, so every feature can be driven from a script or the ``diary-app`` CLI.
"""

__version__ = "0.1.0"
APP_NAME = "SoundDiary"
APP_AUTHOR = "SoundDiary"
