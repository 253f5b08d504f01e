"""Synthetic Party-building data over real areas, written as the very roster files the loaders read,
with the gaps planted and listed (ground_truth.json): the project's test and benchmark data. It
generates data; it does not load it (that is :mod:`dangjian.loaders`).

>>> from dangjian.synth import PRESETS
>>> sorted(PRESETS)
['chengdu', 'lijiang', 'tongjiang', 'yuhua']
"""

from dangjian.synth.generate import (
    PLANTED_RULES,
    PRESETS,
    Plan,
    Preset,
    Report,
    choose,
    synthesize,
    write_plan,
)

__all__ = ["PRESETS", "Preset", "Report", "Plan", "synthesize", "choose", "write_plan", "PLANTED_RULES"]
