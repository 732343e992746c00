"""The personal layer (issue 16): learns from this user's own recordings and corrections.

Qt-free and local: nothing here is ever synced or sent. ``adaptation`` (per-user feature
normalisation), ``speech_head`` (a few-shot head on corrected entries, blended with the global
model by evidence), ``scene_table`` (the user's own scene -> emotion counts), ``layer`` (training
from the diary, applying to an analysis, saving), ``agreement`` (the honest measure) and
``backfill`` (features for entries analysed before this version).
"""
