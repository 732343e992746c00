"""What spans every layer: the ``diary-app`` command line (``cli``), the GUI start (``gui``) and the
install check (``selftest``). Nothing below imports this package; it imports the layers directly,
so a renamed function fails here at once instead of turning into a silent skip.
"""
