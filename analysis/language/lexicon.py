"""Lexicons of search patterns, and matching them in text with one clear set of rules.

Pattern semantics (for `terms.csv`, `aliases.csv` and any lexicon a user passes):

- case-insensitive, unless the row's `case_sensitive` is true (for "US" vs "us");
- whole words: a pattern never matches inside a longer word;
- `*` matches the rest of a word: `assassinat*` finds "assassinated", "assassination";
  it must follow the start of a word (a bare `*` would match every word);
- words of a phrase match across any whitespace or a hyphen: `air strike`
  finds "air strike", "air-strike" and "air\\nstrike";
- an apostrophe matches straight or curly: `iran's` finds "Iran’s";
- where matches overlap, the longest wins and is counted once ("targeted
  killing" is not also a "killing"); among equally long ones, the earlier row;
- rows whose concept is `ignore` only shadow shorter matches and are then
  dropped ("Secretary General" keeps "General" from counting as a rank).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from analysis.corpus.errors import CorpusError, read_user_csv
from analysis.paths import data_file

IGNORE = "ignore"
_SEPARATOR = r"[\s\-‐‑–]+"
_BARE_STAR = re.compile(r"(?<!\w)\*")


def compile_pattern(pattern: str, case_sensitive: bool = False) -> re.Pattern:
    """Translate one lexicon pattern into a regular expression (see the module docstring).

    Parameters
    ----------
    pattern : a lexicon pattern ("assassinat*", "air strike", "iran's").
    case_sensitive : match case exactly (for "US" vs "us").

    Returns the compiled regular expression; raises ValueError for an empty pattern or a `*` that does not
    follow the start of a word.
    """
    words = [word for word in re.split(r"[\s\-‐‑–]+", pattern.strip()) if word]
    if not words:
        raise ValueError(f"empty pattern {pattern!r}")
    if any(_BARE_STAR.search(word) for word in words):
        raise ValueError(f"pattern {pattern!r}: '*' must follow the start of a word, as in 'assassinat*'; "
                         "alone or in front it would match every word")
    parts = [re.escape(word.replace("’", "'")).replace(r"\*", r"\w*").replace("'", "['’]") for word in words]
    # Whole words at both ends, also for patterns that end in punctuation: "U.S." is not "U.S.A.".
    body = r"(?<!\w)" + _SEPARATOR.join(parts) + r"(?!\w)"
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon: one compiled pattern per row, in row order, and each row's first word."""

    table: pd.DataFrame  # concept, family, pattern (+ any other columns)
    patterns: tuple[re.Pattern, ...]
    keys: tuple[tuple[str, bool] | None, ...]  # (first word case-folded, is a prefix) or None: scan the text

    def match(self, text: str, index: WordIndex | None = None) -> list[tuple[int, int, int]]:
        """Non-overlapping (start, end, row) matches in `text`, longest first, then in text order.

        Rather than scanning the whole text once per pattern, each pattern is
        tried only where a word that can start it stands (an index of the
        text's words), which is many times faster for a lexicon of a hundred rows.
        Matching several lexicons against one text, pass its `word_index` to each.
        """
        found = []
        if _IOTA in text:
            # U+0345 is not a word character, so no index holds a word it starts, yet a case-insensitive pattern
            # reads it as ι: in such a (rare) text every pattern is tried everywhere.
            for row in range(len(self.patterns)):
                found.extend(_every_match(self.patterns[row], text, row))
            return resolve_overlaps(found)
        index, vocabulary = index or word_index(text, [self])
        for row in self._scanned:
            found.extend(_every_match(self.patterns[row], text, row))
        # A short text (a speaker, a name) against a long lexicon: from its few words; each word costs a look-up
        # per letter when some keys are prefixes.
        if len(vocabulary) * (AVERAGE_WORD if self._by_first_word[1] else 1) < len(self.patterns):
            candidates = self._candidates_by_word(index)
        else:
            candidates = ((row, position) for row, key in enumerate(self.keys) if key is not None
                          for position in _starts(index, vocabulary, *key))
        for row, position in candidates:
            hit = self.patterns[row].match(text, position)
            if hit and hit.end() > position:
                found.append((position, hit.end(), row))
        return resolve_overlaps(found)

    def _candidates_by_word(self, index: dict[str, list[int]]) -> list[tuple[int, int]]:
        """(row, position) for every pattern a word of the text can start: the same pairs as the pattern-driven
        loop, found from the words' side (a prefix key is looked up as each of the word's beginnings)."""
        exact, prefixes = self._by_first_word
        pairs = []
        for word, positions in index.items():
            rows = exact.get(word, [])
            if prefixes:
                rows = rows + [row for k in range(1, len(word) + 1) for row in prefixes.get(word[:k], ())]
            pairs.extend((row, position) for row in rows for position in positions)
        return pairs

    @cached_property
    def _by_first_word(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        exact: dict[str, list[int]] = defaultdict(list)
        prefixes: dict[str, list[int]] = defaultdict(list)
        for row, key in enumerate(self.keys):
            if key is not None:
                (prefixes if key[1] else exact)[key[0]].append(row)
        return dict(exact), dict(prefixes)

    @cached_property
    def _scanned(self) -> list[int]:
        return [row for row, key in enumerate(self.keys) if key is None]

    @cached_property
    def leads(self) -> frozenset[tuple[str, bool]]:
        """Each pattern's leading word characters as written, and whether a `*` follows them (for word_index)."""
        return frozenset(lead for lead in (_first_word_lead(str(p)) for p in self.table["pattern"]) if lead)

    @cached_property
    def _leads_regex(self):
        return _leads_pattern(self.leads)


_WORD = re.compile(r"\w+")
_IOTA = "\u0345"  # combining ypogegrammeni: case-folds to ι


def _every_match(pattern: re.Pattern, text: str, row: int) -> list[tuple[int, int, int]]:
    """(start, end, row) of the pattern's match at every position where one starts, overlapping ones included
    (finditer would skip a match starting inside the one before, and the longest must win)."""
    found, at = [], 0
    while (hit := pattern.search(text, at)) is not None:
        if hit.end() > hit.start():
            found.append((hit.start(), hit.end(), row))
        at = hit.start() + 1
    return found
AVERAGE_WORD = 6  # letters: what a prefix look-up by word costs, for choosing how to match


WordIndex = tuple[dict[str, list[int]], list[str]]


def word_index(text: str, lexicons=None) -> WordIndex:
    """Where each case-folded word of `text` starts, and the sorted vocabulary (for Lexicon.match).

    With `lexicons`, only the words that can start one of their patterns: what their `match` looks up, so their
    matches are the same. One regular expression finds those words (a few in a hundred in news text), which
    takes a third less time than listing every word.
    """
    if lexicons is not None:
        lexicons = list(lexicons)
        leads = lexicons[0]._leads_regex if len(lexicons) == 1 else \
            _leads_pattern(frozenset().union(*(lexicon.leads for lexicon in lexicons)))
        if leads is not _TOO_LONG:
            return _index_of_leads(text, leads)
    return _indexed((word.start(), word.group()) for word in _WORD.finditer(text))


def _indexed(words) -> WordIndex:
    """The index of (start, word as written) pairs: each word case-folded once, as a corpus repeats its words."""
    index: dict[str, list[int]] = defaultdict(list)
    folded: dict[str, str] = {}
    for start, written in words:
        key = folded.get(written)
        if key is None:
            key = folded[written] = _fold(written)
        index[key].append(start)
    return index, sorted(index)


def _index_of_leads(text: str, leads: re.Pattern | None) -> WordIndex:
    """The index of the words where one of the leads matches (the whole word is the key)."""
    words = (_WORD.match(text, hit.start()) for hit in (leads.finditer(text) if leads is not None else ()))
    # A lead's ι also matches U+0345, which starts no word (Lexicon.match scans such a text whole).
    return _indexed((word.start(), word.group()) for word in words if word is not None)


#: A lead this long (a pattern whose first word is a scraped token) is not put in the tree of leads, which is
#: built one nested group per letter: its lexicon's texts are indexed word by word, as every text once was.
MAX_LEAD = 200
_TOO_LONG = object()


@lru_cache(maxsize=16)
def _leads_pattern(leads: frozenset[tuple[str, bool]]) -> re.Pattern | None | object:
    """A regular expression for any of the leads at the start of a word: the whole word, or its beginning when
    a `*` follows the lead. Case-insensitive, as the patterns are (a case-sensitive pattern's lead is still
    found), and with the leads as written, not folded, so it finds a lead exactly where a pattern can start.
    The leads are merged into a tree of their letters, so each position is tried against a few branches."""
    if not leads:
        return None
    if max(len(lead) for lead, _ in leads) > MAX_LEAD:
        return _TOO_LONG
    tree: dict = {}
    for lead, prefix in sorted(leads):
        node = tree
        for character in lead:
            node = node.setdefault(character, {})
        node[""] = node.get("", False) or prefix  # a lead ends here: True if only its beginning must match
    return re.compile(r"(?<!\w)" + _branches(tree), re.IGNORECASE)


def _branches(node: dict) -> str:
    branches = [re.escape(character) + _branches(child) for character, child in sorted(node.items()) if character]
    if "" in node:
        branches.append("" if node[""] else r"(?!\w)")  # where a lead ends: anything may follow, or no letter
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _fold(word: str) -> str:
    """A word folded at least as far as a case-insensitive regex folds it, so the index misses no match.

    The regex equates "ſ" with "s" and "ı" and "İ" with "i" (Unicode case folding), which lower() does not.
    Folding further than the regex ("ß" to "ss") is harmless: every candidate is checked by the pattern itself.
    """
    return word.casefold().replace("i\u0307", "i").replace("ı", "i")


def _starts(index: dict[str, list[int]], vocabulary: list[str], word: str, prefix: bool):
    if not prefix:
        return index.get(word, [])
    positions = []
    for at in range(bisect_left(vocabulary, word), len(vocabulary)):
        if not vocabulary[at].startswith(word):
            break
        positions.extend(index[vocabulary[at]])
    return positions


def _first_word_key(pattern: str) -> tuple[str, bool] | None:
    """The case-folded leading word characters of a pattern, and whether a `*` follows them."""
    lead = _first_word_lead(pattern)
    return None if lead is None else (_fold(lead[0]), lead[1])


def _first_word_lead(pattern: str) -> tuple[str, bool] | None:
    """The leading word characters of a pattern as written, and whether a `*` follows them."""
    first = re.split(r"[\s\-‐‑–]+", pattern.strip())[0].replace("’", "'")
    lead = _WORD.match(first)
    if not lead:
        return None
    return lead.group(), first[lead.end():lead.end() + 1] == "*"


def resolve_overlaps(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Keep the longest of overlapping matches (then the earlier row, then the earlier start).

    Matches are swept in text order into clusters of mutually reachable
    overlaps; only inside a cluster (a few matches) is the longest-first choice made.
    """
    kept: list[tuple[int, int, int]] = []
    cluster: list[tuple[int, int, int]] = []
    reach = -1
    for match in sorted(found):
        if cluster and match[0] >= reach:
            kept.extend(_longest_first(cluster))
            cluster = []
        cluster.append(match)
        reach = max(reach, match[1]) if len(cluster) > 1 else match[1]
    kept.extend(_longest_first(cluster))
    return sorted(kept)


def _longest_first(cluster: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    if len(cluster) <= 1:
        return cluster
    chosen: list[tuple[int, int, int]] = []
    for start, end, row in sorted(cluster, key=lambda m: (m[0] - m[1], m[2], m[0])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, row))
    return chosen


def load_lexicon(lexicon: pd.DataFrame | str | Path | None = None, *, default: str = "terms.csv") -> Lexicon:
    """Read and compile a lexicon.

    Parameters
    ----------
    lexicon : a DataFrame or CSV with `concept, family, pattern` (optional
        `case_sensitive`), or an aliases table with `entity, variant, pattern`
        (entity is read as concept, variant as family); None: the shipped `default`;
        a compiled Lexicon is returned as it is.
    default : the shipped file to use when `lexicon` is None.

    Returns the compiled Lexicon. Raises CorpusError (a ValueError) naming the file and the problem: not
    readable as CSV, empty, missing columns, or the row and pattern that are empty or do not compile.
    """
    if lexicon is None:
        return _shipped(default)
    if isinstance(lexicon, Lexicon):  # compiled already
        return lexicon
    if isinstance(lexicon, pd.DataFrame):
        return _compile(_as_terms(lexicon), "lexicon")
    return _compile(_as_terms(read_user_csv(lexicon, "lexicon")), str(lexicon))


def _as_terms(table: pd.DataFrame) -> pd.DataFrame:
    """An aliases table (entity, variant) read as a terms lexicon (concept, family)."""
    if "entity" in table.columns and "concept" not in table.columns:
        return table.assign(concept=table["entity"], family=table.get("variant", table["entity"]))
    return table


@lru_cache(maxsize=4)
def _shipped(name: str) -> Lexicon:
    return _compile(_as_terms(pd.read_csv(data_file(name), dtype=str, keep_default_na=False)), name)


def _compile(table: pd.DataFrame, name: str) -> Lexicon:
    missing = [column for column in ("concept", "family", "pattern") if column not in table.columns]
    if missing:
        raise CorpusError(f"{name}: missing column(s) {missing}; a lexicon needs concept, family, pattern")
    table = table.reset_index(drop=True)
    flags = table["case_sensitive"] if "case_sensitive" in table.columns else [""] * len(table)
    patterns = []
    for row, (pattern, flag) in enumerate(zip(table["pattern"], flags)):
        text = "" if not isinstance(pattern, str) and pd.isna(pattern) else str(pattern)  # a missing cell is empty
        try:
            patterns.append(compile_pattern(text, str(flag).strip().lower() in ("true", "1", "yes")))
        except (ValueError, re.error) as error:
            raise CorpusError(f"{name}: row {row + 2} pattern {pattern!r}: {error}") from None
    return Lexicon(table, tuple(patterns), tuple(_first_word_key(str(p)) for p in table["pattern"]))


JOINER = "\x00"


def join_texts(texts) -> tuple[str, list[int]]:
    """Concatenate texts with a NUL between them; return the text and each piece's start.

    Matching one long string is far faster than thousands of short ones. NUL is
    neither a word character nor white space, so no pattern matches across it.
    """
    starts, pieces, at = [], [], 0
    for text in texts:
        text = text if isinstance(text, str) else ""
        starts.append(at)
        pieces.append(text)
        at += len(text) + 1
    return JOINER.join(pieces), starts


def locate(starts: list[int], offset: int) -> int:
    """Index of the piece (from join_texts) that holds character `offset`."""
    return bisect_right(starts, offset) - 1
