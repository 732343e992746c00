"""Analysis engine: speech detection → speech-emotion model or scene model → one ``AnalysisResult``.

Import the submodules directly (``pipeline.Analyzer``, ``registry.list_models``); this package
file stays import-light so the CLI and the GUI start fast.
"""
