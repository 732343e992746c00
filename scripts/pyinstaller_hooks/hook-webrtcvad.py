"""Replaces the contrib hook, which copies the metadata of a ``webrtcvad`` distribution: we
install ``webrtcvad-wheels`` (same module, other distribution name), so that hook fails."""

from PyInstaller.utils.hooks import copy_metadata

try:
    datas = copy_metadata("webrtcvad-wheels")
except Exception:  # noqa: BLE001 - the module works without its metadata
    datas = []
