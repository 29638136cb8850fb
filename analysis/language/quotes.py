"""Find the character spans of a paragraph that stand inside quotation marks.

Double quotes, straight or curly, pair up within a paragraph; one left open at
the paragraph's end runs to that end (wire style: a quotation that continues
into the next paragraph reopens it there and never closes the first).
Single quotes count only where they cannot be apostrophes: an opening mark at
the start of a word and a closing mark at the end of one, within one paragraph.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right

import numpy as np

#: A sentence with at least this share of its characters inside quotation marks is quoted speech,
#: not the outlet's own voice: the one definition every measure and plot uses.
QUOTED_SENTENCE_SHARE = 0.5

# A double quotation: an opening or straight mark, then up to the first closing or straight mark (an opening mark
# inside is a typo and ignored), or to the end. finditer skips a stray closing mark, which opens nothing.
_DOUBLE_QUOTATION = re.compile(r"[“\"][^”\"]*[”\"]?")
_OPEN_QUOTATION = re.compile(r"[^”\"]*[”\"]?")  # the rest of a quotation opened before the text
# A single quotation: an opening mark not after a word character or quote, a letter, then (on the same line, within
# 300 characters) a closing mark after a word character or punctuation, not before a word. The mark comes before
# the look-behind that checks what precedes it, so the engine scans for the mark rather than testing every position.
_SINGLE = re.compile(r"['‘](?<![\w’'‘]['‘])(?=[^\W\d_])[^\n]{0,300}?(?<=[\w.,!?;:])['’](?![\w’'])")


def quote_spans(paragraph: str, *, starts_open: bool = False) -> list[tuple[int, int]]:
    """Return sorted, non-overlapping (start, end) spans of quoted text, quotation marks included.

    `starts_open` says the text begins inside a quotation opened earlier (a
    sentence in the middle of a quoted passage): the first closing mark ends it.
    """
    spans = []
    at = 0
    if starts_open:
        at = _OPEN_QUOTATION.match(paragraph).end()
        spans.append((0, at))
    spans.extend(found.span() for found in _DOUBLE_QUOTATION.finditer(paragraph, at))
    if "'" not in paragraph and "‘" not in paragraph:  # no single quotation can open
        return spans
    # The double-quoted spans are sorted and disjoint, so one bisection tells whether a single quote opens inside
    # one (a scan of them all for each single quote was quadratic in a text full of both). Single-quote matches
    # never overlap each other, so only the double-quoted spans need checking.
    doubles = list(spans)
    for single in _SINGLE.finditer(paragraph):
        if not _containing(doubles, single.start()):
            spans.append(single.span())
    return _merged(spans) if len(spans) > len(doubles) else spans


def _containing(spans: list[tuple[int, int]], position: float) -> bool:
    """Whether `position` lies in one of the sorted, disjoint `spans`: the last span starting at or before it."""
    k = bisect_right(spans, (position, math.inf)) - 1
    return k >= 0 and position < spans[k][1]


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
    """Whether [start, end) lies inside one of the spans (by its midpoint).

    `spans` are sorted and disjoint, as quote_spans returns them, so a bisection answers: a check for every word
    of a sentence stays linear in its length however many quotations it holds.
    """
    return _containing(spans, (start + end) / 2)


def starts_inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` lies inside a quotation opened before it: start < position < end for one of the sorted,
    disjoint spans (a bisection, so asking it for every sentence of a paragraph stays linear)."""
    k = bisect_right(spans, (position, math.inf)) - 1
    return k >= 0 and spans[k][0] < position < spans[k][1]


def quoted_length(spans: list[tuple[int, int]], start: int, end: int) -> int:
    """How many characters of [start, end) lie inside the spans (sorted and disjoint, as quote_spans returns them).

    Only the spans that overlap [start, end) are visited, so measuring every sentence of a paragraph stays linear.
    """
    total = 0
    k = max(0, bisect_right(spans, (start, math.inf)) - 1)  # the span that may contain `start`, then the ones after
    while k < len(spans) and spans[k][0] < end:
        total += max(0, min(end, spans[k][1]) - max(start, spans[k][0]))
        k += 1
    return total


def sentence_voice(quote_share) -> np.ndarray:
    """"quoted" where a sentence's `quote_share` reaches QUOTED_SENTENCE_SHARE, else "own" (element-wise)."""
    return np.where(np.asarray(quote_share, dtype=float) >= QUOTED_SENTENCE_SHARE, "quoted", "own")
