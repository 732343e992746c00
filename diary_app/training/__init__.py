"""Training and evaluation tools: dataset readers, grouped splits, the paper's recipes.

Nothing here is imported by the GUI; the CLI imports these modules lazily because they pull in
torch, librosa and (for the WavLM recipe) transformers.
"""
