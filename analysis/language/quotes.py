"""Find the character spans of a paragraph that stand inside quotation marks.

Double quotes, straight or curly, pair up within a paragraph; one left open at
the paragraph's end runs to that end (wire style: a quotation that continues
into the next paragraph reopens it there and never closes the first).
Single quotes count only where they cannot be apostrophes: an opening mark at
the start of a word and a closing mark at the end of one, within one paragraph.
"""

from __future__ import annotations

import re

import numpy as np

#: A sentence with at least this share of its characters inside quotation marks is quoted speech,
#: not the outlet's own voice: the one definition every measure and plot uses.
QUOTED_SENTENCE_SHARE = 0.5

_DOUBLE = re.compile(r"[“”\"]")
_SINGLE = re.compile(r"(?<![\w’'‘])['‘](?=[^\W\d_])[^\n]{0,300}?(?<=[\w.,!?;:])['’](?![\w’'])")


def quote_spans(paragraph: str, *, starts_open: bool = False) -> list[tuple[int, int]]:
    """Return sorted, non-overlapping (start, end) spans of quoted text, quotation marks included.

    `starts_open` says the text begins inside a quotation opened earlier (a
    sentence in the middle of a quoted passage): the first closing mark ends it.
    """
    spans = []
    opened = 0 if starts_open else None
    for mark in _DOUBLE.finditer(paragraph):
        char, at = mark.group(), mark.start()
        if opened is None:
            if char != "”":  # a stray closing mark opens nothing
                opened = at
        elif char != "“":  # a second opening mark inside a quotation is a typo; keep the first
            spans.append((opened, at + 1))
            opened = None
    if opened is not None:
        spans.append((opened, len(paragraph)))
    for single in _SINGLE.finditer(paragraph):
        if not any(start <= single.start() < end for start, end in spans):
            spans.append(single.span())
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, overlapping ones joined: single quotes that wrap double ones ('he said "no" then') make
    one quotation, so no character is counted twice and a sentence's quote_share never exceeds 1."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the spans (by its midpoint)."""
    middle = (start + end) / 2
    return any(span_start <= middle < span_end for span_start, span_end in spans)


def quoted_length(spans: list[tuple[int, int]], start: int, end: int) -> int:
    """How many characters of [start, end) lie inside the spans."""
    return sum(max(0, min(end, span_end) - max(start, span_start)) for span_start, span_end in spans)


def sentence_voice(quote_share) -> np.ndarray:
    """"quoted" where a sentence's `quote_share` reaches QUOTED_SENTENCE_SHARE, else "own" (element-wise)."""
    return np.where(np.asarray(quote_share, dtype=float) >= QUOTED_SENTENCE_SHARE, "quoted", "own")
