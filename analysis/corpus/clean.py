"""Separate article prose from web-page boilerplate, line by line, and say why each line went.

Two kinds of rule decide:

- pattern rules, read from a CSV (`name, pattern, note`; default
  `analysis/data/boilerplate.csv`): a line that a pattern matches in full,
  ignoring case, is dropped under that rule's name;
- structural rules, coded here because they need the article's metadata or a
  line's position: `title`, `byline`, `author_line`, `dateline`, `standfirst`,
  `section_label`, `crosshead`, `trailer` (documented in the same CSV).

The positional rules (`section_label`, `crosshead`, `trailer`) drop short lines
that do not end like a sentence. They never apply when they would leave an
article without a single sentence, so an unusual article keeps its text. In an
interview the interviewer's short questions are the outlet's words, not
subheadings, and a line about a person is an author's bio only at the end of
the page (above the body it is an interview's or a profile's introduction).

One structural cut works inside a line: The Hill's hover card, a person's full
name pasted after the name the sentence gives ("President Trump Donald John
Trump", with the card's headlines up to "MORE" when the scraper kept them), is
cut and listed as `link_card`, so the sentence keeps only its own words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd
import regex

from analysis.corpus.decode import normalise_text
from analysis.corpus.errors import CorpusError, read_user_csv
from analysis.paths import data_file

#: Lines of at most this many words without end punctuation count as headings.
MAX_HEADING_WORDS = 15
#: Up to this many words, an unpunctuated line standing alone between two paragraphs of prose is a heading too.
MAX_LONE_HEADING_WORDS = 25
#: A line of at most this many words whose only full stop closes an initialism ("Exasperation with U.S.") is a heading.
MAX_INITIALISM_HEADING_WORDS = 6
#: Bylines and standfirsts are looked for among this many first non-empty lines.
HEADER_LINES = 12
BIO_LINES = 3  # an author's bio stands among the last kept lines of a page
MAX_BIO_WORDS = 40
#: A question of at most this many words alone on its line is a subheading.
QUESTION_HEADING_WORDS = 12
#: A page with at least this many questions put to someone ("... you ...?", or answered "I ...") is an interview.
INTERVIEW_QUESTIONS = 2
#: A hover card's full name has at most this many words before the surname ("Randal (Rand) Howard Paul").
MAX_CARD_GIVEN_NAMES = 5
#: A hover card's headlines, pasted after the full name, end in "MORE" within this many characters (as `link_card`).
MAX_CARD_HEADLINES = 600
#: A top line of at least this many words, this share of whose words recur in one later paragraph, is a summary.
SUMMARY_MIN_WORDS = 8
SUMMARY_OVERLAP = 0.8
#: At most this many key points stand above a site prompt at the top of a page.
SUMMARY_BLOCK_LINES = 6
#: The most text of an embedded post's lines above its signature (a post's text is at most 280 characters; a quoted
#: post and links make it longer).
MAX_POST_CHARS = 600
_WORDS = re.compile(r"\w+")
_QUESTION_START = re.compile(
    r"(?:what|how|why|who|whom|whose|where|when|which|will|would|can|could|should|is|are|was|were|do|does|did|has|have)\b",
    re.IGNORECASE,
)

# An interviewer's question: it addresses the person interviewed ...
_SECOND_PERSON = re.compile(r"\byou(?:rs?|rself|rselves)?\b", re.IGNORECASE)
# ... or is answered in the first person, after the speaker's name or not ("Salih: I think ...", "Yes, ...").
_FIRST_PERSON_ANSWER = re.compile(
    r"(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*:\s*)?"
    r"(?:(?:I|I['’](?:m|ve|d|ll)|We|We['’](?:re|ve|d|ll)|My|Our)\b|(?:Yes|No|Yeah|Well|Sure|Absolutely)[,.!])"
)
_FOLLOW_PROMPT = re.compile(r"\bfollow (?:him|her|them) on\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_QUOTE_MARK = re.compile("[\"“”]")  # a quotation in a long unpunctuated line marks a paragraph missing its stop
_INITIALISM_END = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}$")  # U.S., D.C., U.N.
_SPACE_RUN = re.compile(r"[ \t\f\v]+")


def _squeeze(text: str) -> str:
    """Each run of spaces and tabs as one space. Most lines have none to squeeze, and telling so by substring
    search is many times faster than the regular expression's scan (which cost a fifth of cleaning)."""
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        return _SPACE_RUN.sub(" ", text)
    return text
# List items are content even when short and unpunctuated.
_BIO_START = re.compile(
    r"(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})\s+"
    r"(?:is|was|has been|covers|writes|reports|hosts|edits|teaches|served)\b"
)
_BULLET = re.compile(r"^[•·▪●◦⁃⦁∙]\s+")
_LIST_ITEM = re.compile(r"(?:[-–—•·*▪●◦⁃⦁∙]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_BYLINE = re.compile(
    r"(?:(?:written|words|reported|story|text|photos?)\s+)?by\s+"
    r"(?-i:[A-Z])[\w.'’-]*(?:\s+(?:(?-i:[A-Z])[\w.'’-]*|and|&|de|van|von|bin|al-\w+))*"
    r"\s*(?:[|,·•/–—-].*)?",
    re.IGNORECASE,
)
# 'MOSCOW, January 4. /TASS/.', 'TEHRAN –', 'WASHINGTON (Reuters) -', 'LONDON, Jan 3 (AP) —'
_DATELINE = re.compile(
    r"(?-i:[A-Z][A-Z.'’-]{2,}(?:\s+[A-Z][A-Z.'’-]+){0,3})"
    r"(?:,\s*[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\.?"
    r"(?:\s*\([A-Za-z][\w .&-]{0,30}\)\s*[:–—-]+\s+"  # WASHINGTON (Reuters) -
    r"|\s*/[A-Za-z][\w .&-]{0,30}/\.?\s+"  # MOSCOW, January 4. /TASS/.
    r"|\s*[:–—-]+\s+)"  # TEHRAN –
)


# A run of at least four words of names: capitalised words and initials ("W."), a nickname in brackets ("(Chuck)")
# and the particles of surnames ("de Blasio", "Van Hollen"). A hover card needs four: "Nancy Pelosi Nancy Pelosi".
_NAME_RUN = re.compile(
    r"[A-Z](?<![\w'’.-][A-Z])[\w'’.-]*"  # the capital before the look back: twice as fast as the other way round
    r"(?: (?:[A-Z][\w'’.-]*|\([A-Z][a-z]+\)|(?:de|del|della|der|van|von|bin|ibn|al|el|la|le|du|da|di)(?= [A-Z]))){3,}"
)
# The headlines of a hover card (if any), which end in "MORE" before the sentence goes on ("MORE (D-Calif.)", "MORE said").
_CARD_HEADLINES = re.compile(
    rf"(?:[^\n]{{0,{MAX_CARD_HEADLINES}}}?\s)?MORE(?=['’]s\b|\s*[,.;:)\]]|\s+[(\[a-z]|\s*$)"
)
_GLUED_HEADLINE = re.compile(r"['‘\"“]?[A-Z\d]")  # "TrumpDem senators ...", "Trahan'Minor league cities' ..."
# A card's first and middle names: words, initials, nicknames and particles, never a title ("Rep."), an acronym
# ("GOP") or a name glued to a headline ("CostellloFormer").
_GIVEN_NAME = re.compile(
    r"(?:Mc|Mac|O['’]|De|Di|La|Le|Van|Von)?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]\.|\([A-Z][a-z]+\)"
    r"|de|del|della|der|van|von|bin|ibn|al|el|la|le|du|da|di"
)
# Capitalised words of titles that are nobody's first name: "All's Well That Ends Well" holds no card of "Well".
_NOT_GIVEN_NAMES = frozenset(
    "A An The Of And Or Nor But That This These Those In On At To For With By From As Is Are Was Were Be It Its Not "
    "No If So Than Then When What Who How Why Where All Any My Your Our Their His Her We You They He She Out Up Off "
    "Over Into About After Before Under".split()
)


@dataclass(frozen=True)
class CleanedArticle:
    """The result of cleaning one article."""

    text: str
    standfirst: str
    dateline: str
    removed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, rule)


@dataclass(frozen=True)
class BoilerplateRules:
    """Line rules in order, each with an optional keyword prefilter; inline rules kept apart."""

    line: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...]  # (name, pattern, keywords: one must be in the line)
    inline: tuple[tuple[str, re.Pattern], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.line)

    def match(self, line: str) -> str | None:
        """The name of the first rule the whole line matches, or None; a bullet in front does not hide furniture."""
        found = self._first(line)
        if found is None and _BULLET.match(line):
            found = self._first(_BULLET.sub("", line, count=1))
        return found

    def _first(self, line: str) -> str | None:
        # One pattern at a time: a rule whose keywords are absent is skipped without running its leading
        # `.{0,N}`, which in one alternation of every rule made matching the slowest part of loading.
        folded = _fold(line)
        keywords, prefiltered = self._prefiltered
        present = {word for word in keywords if word in folded}  # each keyword looked for once, not once per rule
        for name, pattern, needs in prefiltered:
            if (needs is None or not needs.isdisjoint(present)) and pattern.fullmatch(line):
                return name
        return None

    @cached_property
    def _prefiltered(self) -> tuple[tuple[str, ...], tuple[tuple[str, re.Pattern, frozenset[str] | None], ...]]:
        """Every rule's keywords, and (name, pattern, the keywords one of which it needs, or None) per rule."""
        keywords = tuple(dict.fromkeys(word for _, _, words in self.line for word in words))
        return keywords, tuple((name, pattern, frozenset(words) if words else None) for name, pattern, words in self.line)

    def cut(self, line: str) -> tuple[str, list[tuple[str, str]]]:
        """The line without the spans the inline rules match, and what was cut: (text, rule name) pairs."""
        cuts = []
        for name, pattern in self.inline:
            found = [match.group() for match in pattern.finditer(line)]
            if found:
                cuts.extend((text.strip(), name) for text in found)
                line = pattern.sub(" ", line)
        return _squeeze(line).strip(), cuts


def load_rules(rules: pd.DataFrame | str | Path | None = None) -> BoilerplateRules:
    """Compile boilerplate rules from a DataFrame or CSV with `name, pattern` (default: the shipped file).

    Rows with an empty pattern document a structural rule and are skipped. Global inline flags at the start
    of a pattern (`(?s)...`) apply to that rule only. A user's rules run with a time limit per line
    (`rule_time_limit`), so that one that backtracks catastrophically is named instead of hanging the run.
    Raises CorpusError naming the file and the rule for an unreadable file or a bad pattern.
    """
    if rules is None:
        return _default_rules()
    if isinstance(rules, pd.DataFrame):
        return _compile(rules, "boilerplate rules", timed=True)
    return _compile(read_user_csv(rules, "boilerplate rules"), str(rules), timed=True)


@lru_cache(maxsize=1)
def _default_rules() -> BoilerplateRules:
    # The shipped rules are reviewed and benchmarked: they run on `re`, without the cost of a time limit.
    return _compile(pd.read_csv(data_file("boilerplate.csv"), dtype=str, keep_default_na=False), "boilerplate.csv")


#: A user's rule may take this long on one line (seconds, plus RULE_SECONDS_PER_CHAR per character) before
#: it is reported as backtracking catastrophically; the shipped rules take microseconds on a line of prose
#: and a third of a second on a line of a million characters.
RULE_SECONDS = 0.1
RULE_SECONDS_PER_CHAR = 2e-6
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")


def rule_time_limit(line: str) -> float:
    """Seconds a user's rule may take on `line`."""
    return RULE_SECONDS + RULE_SECONDS_PER_CHAR * len(line)


def _compile(rules: pd.DataFrame, source: str, *, timed: bool = False) -> BoilerplateRules:
    missing = [column for column in ("name", "pattern") if column not in rules.columns]
    if missing:
        raise CorpusError(f"{source}: missing column(s) {missing}; rules need name, pattern")
    rules = rules[rules["pattern"].fillna("").str.strip() != ""]
    scopes = rules["scope"].fillna("").str.strip() if "scope" in rules.columns else pd.Series("", index=rules.index)
    unknown = sorted(set(scopes) - {"", "line", "inline"})
    if unknown:
        raise CorpusError(f"{source}: scope must be 'line' or 'inline', not {unknown}")
    keywords = rules["keywords"].fillna("") if "keywords" in rules.columns else pd.Series("", index=rules.index)
    line, inline = [], []
    for name, pattern, scope, words in zip(rules["name"], _scoped_flags(rules["pattern"]), scopes, keywords):
        try:
            compiled = re.compile(pattern, re.IGNORECASE)  # `re` checks the syntax the rules are documented in
            if timed:
                regex.compile(pattern, regex.IGNORECASE)  # and the engine that runs a user's rules must agree
        except (re.error, regex.error) as error:
            hint = ("; put inline flags at the very start, '(?s)...', or scope them, '(?s:...)' "
                    "(rules ignore case already)") if "flags" in str(error) else ""
            raise CorpusError(f"{source}: rule {name!r}: bad pattern {pattern!r} ({error}){hint}") from None
        if timed:
            compiled = _Timed(pattern, ((name, pattern),), source)
        if scope == "inline":
            inline.append((name, compiled))
        else:
            line.append((name, compiled, _keywords(words)))
    return BoilerplateRules(tuple(line), tuple(inline))


def _keywords(words: str) -> tuple[str, ...]:
    """'contributed|pic.twitter.com' as ('contributed', 'pic.twitter.com'), folded as lines are; () for none."""
    return tuple(_fold(word) for word in words.split("|") if word.strip())


# Ignoring case, `re` also matches dotless and dotted capital I to "i"; casefold() alone does not.
_SAME_AS_I = str.maketrans({"ı": "i", "İ": "i"})


def _fold(text: str) -> str:
    """Case-folded so that a keyword found in a line ignoring case, as the rules match, is found in it."""
    return text.translate(_SAME_AS_I).casefold()


def _scoped_flags(patterns) -> list[str]:
    """'(?s)advert.*' as '(?s:advert.*)': joined into one alternation, global flags would apply to every rule
    (and Python accepts them only at the very start of the whole)."""
    scoped = []
    for pattern in patterns:
        flags = ""
        while found := _LEADING_FLAGS.match(pattern):
            flags, pattern = flags + found.group(1), pattern[found.end():]
        # In verbose mode a trailing comment would swallow the closing parenthesis.
        scoped.append(f"(?{flags}:{pattern}{chr(10) if 'x' in flags else ''})" if flags else pattern)
    return scoped


class _Timed:
    """A user's pattern on the `regex` module, which stops a match after rule_time_limit(line) seconds: a rule
    that backtracks catastrophically ('(a|aa)+b') raises CorpusError naming it instead of hanging the run."""

    def __init__(self, pattern: str, rules: tuple[tuple[str, str], ...], source: str):
        self.pattern, self._rules, self._source = pattern, rules, source
        self._compiled = regex.compile(pattern, regex.IGNORECASE)

    def fullmatch(self, line: str):
        return self._run("fullmatch", line)

    def match(self, line: str):
        return self._run("match", line)

    def search(self, line: str):
        return self._run("search", line)

    def finditer(self, line: str):
        return self._run("finditer", line)

    def sub(self, replacement: str, line: str) -> str:
        return self._run("sub", replacement, line)

    def _run(self, method: str, *args):
        line = args[-1]
        try:
            found = getattr(self._compiled, method)(*args, timeout=rule_time_limit(line))
            return list(found) if method == "finditer" else found  # finditer matches lazily: time it here
        except TimeoutError:
            slow = [name for name, pattern in self._rules if _too_slow(pattern, method, line)]
            slow = slow or [name for name, _ in self._rules]  # only together too slow: name them all
            raise CorpusError(
                f"{self._source}: rule(s) {slow} took over {rule_time_limit(line):.2g} s on one line "
                f"({line[:60]!r}...): the pattern backtracks catastrophically; avoid alternatives that overlap "
                f"inside a repetition, such as (a|aa)+"
            ) from None


def _too_slow(pattern: str, method: str, line: str) -> bool:
    """Whether one rule alone runs out of time on `line` (to name the culprit of a joined pattern)."""
    method = method if method in ("fullmatch", "match") else "search"
    try:
        getattr(regex.compile(pattern, regex.IGNORECASE), method)(line, timeout=rule_time_limit(line))
    except TimeoutError:
        return True
    return False


def _key(text: str | None) -> str:
    """Compare lines ignoring case, spacing and end punctuation."""
    if not isinstance(text, str):
        return ""
    return _squeeze(normalise_text(text)).strip().casefold().rstrip(" .:")


def _is_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def _is_byline(line: str, author_key: str) -> bool:
    if _is_sentence(line) and not line.endswith(":"):
        return False
    if len(line.split()) > 20:
        return False
    if author_key and author_key in line.casefold() and len(line.split()) <= 12:
        return True
    return bool(_BYLINE.fullmatch(line))


def cut_hover_cards(line: str) -> tuple[str, list[str]]:
    """The line without The Hill's hover cards, and the cards cut.

    A hover card is a person's full name pasted right after the name the sentence gives, ending in the same
    surname ("President Trump Donald John Trump", "Sen. Lindsey Graham Lindsey Olin Graham (R-S.C.)"), with the
    card's headlines up to "MORE" when the scraper kept them ("Nancy PelosiOn The Money — ... MORE"). The
    sentence keeps the name it gives; a name repeated alone ("Trump Trump") is not a card.

    Parameters
    ----------
    line : one line of a page, spaces squeezed.

    Returns the line without the cards (spaces squeezed again) and the text of each card cut.
    """
    spans: list[tuple[int, int]] = []
    for run in _NAME_RUN.finditer(line):
        spans.extend(_hover_cards(line, run))
    if not spans:
        return line, []
    kept, cards, at = [], [], 0
    for start, end in spans:
        kept.append(line[at:start])
        cards.append(line[start:end].strip())
        at = end
    kept.append(line[at:])
    return _squeeze("".join(kept)).strip(), cards


def _hover_cards(line: str, run: re.Match) -> list[tuple[int, int]]:
    """(start, end) of each hover card in one run of names, from the space before the card's first name."""
    words = [(found.start() + run.start(), found.end() + run.start()) for found in re.finditer(r"\S+", run.group())]
    texts = [line[start:end] for start, end in words]
    cards, first = [], 0
    while first < len(words):
        # A card that ends where the names end, or glued to its headlines, is taken before one whose end is
        # followed by another name: "Nancy Pelosi Nancy Pelosi" aligns on the second "Pelosi", not on "Nancy".
        card = _first_card(line, words, texts, first, spaced=False) or _first_card(line, words, texts, first, spaced=True)
        if card is None:
            break
        cards.append(card[:2])
        first = card[2] + 1
    return cards


def _first_card(line: str, words: list[tuple[int, int]], texts: list[str], first: int, *,
                spaced: bool) -> tuple[int, int, int] | None:
    """(start, end, last word) of the first hover card among words[first:], or None; `spaced`: only cards whose
    headlines follow the name after a space."""
    last = len(words) - 1
    # Spaced headlines may start with a name ("Joe Biden Joe Biden Parnas: ..."): align on the last repeat.
    ends = range(last, first + 1, -1) if spaced else range(first + 2, last + 1)
    for end_word in ends:
        for surname_word in range(end_word - 2, max(first, end_word - 1 - MAX_CARD_GIVEN_NAMES) - 1, -1):
            surname, given = texts[surname_word], texts[surname_word + 1:end_word]
            if not _full_name_of(texts[surname_word - 1] if surname_word > first else None, surname, given):
                continue
            ending, (start, stop) = texts[end_word], words[end_word]
            possessive = ending in (surname + "’s", surname + "'s")  # "President Trump Donald John Trump’s Iran policy"
            if possessive:
                ending, stop = surname, stop - 2
            if ending == surname:
                if (end_word == last or possessive) and not spaced:
                    return words[surname_word + 1][0] - 1, stop, end_word
                # Headlines set apart by a space are taken only after a name repeated word for word ("Joe Biden Joe
                # Biden Parnas: ... MORE"): "Ryan Costello Ryan Anthony ..." is no card of "Ryan".
                repeated = surname_word >= len(given) and texts[surname_word - len(given):surname_word] == given
                headlines = _CARD_HEADLINES.match(line, stop) if spaced and end_word < last and repeated else None
            elif ending.startswith(surname) and _GLUED_HEADLINE.match(ending, len(surname)) and not spaced:
                headlines = _CARD_HEADLINES.match(line, start + len(surname))
            else:
                continue
            if headlines:
                return words[surname_word + 1][0] - 1, headlines.end(), _word_at(words, headlines.end())
    return None


def _full_name_of(before: str | None, surname: str, given: list[str]) -> bool:
    """Whether `given` + `surname` can be a card's full name of the name shown as `before` (the word before the
    surname in the sentence, None if none) + `surname`: "Mike Braun" as "Michael Braun", "Rand Paul" as "Randal
    (Rand) Howard Paul", "President Trump" as "Donald John Trump"."""
    if (not surname[-1].islower() or surname in given or surname in _NOT_GIVEN_NAMES or before in _NOT_GIVEN_NAMES
            or not all(_GIVEN_NAME.fullmatch(name) and name not in _NOT_GIVEN_NAMES for name in given)):
        return False
    if before is not None and any(name.strip("()")[:2] == before[:2] for name in given):
        return True  # the first name shown, or its nickname, begins a name of the card
    return len(given) >= 2  # after a title, or alone: "Sirhan Bishara Sirhan" is one man's name


def _word_at(words: list[tuple[int, int]], offset: int) -> int:
    """The index of the last word that starts before `offset`."""
    return max(k for k, (start, _) in enumerate(words) if start < offset)


def clean_article(
    raw: str,
    *,
    title: str | None = None,
    author: str | None = None,
    rules: BoilerplateRules | None = None,
    layout: bool = True,
) -> CleanedArticle:
    """Clean one article's raw text.

    Parameters
    ----------
    raw : the article's text as decoded (or as extracted from a web page).
    title, author : the article's metadata, to drop the title line and bylines (None if unknown).
    rules : compiled boilerplate rules (default: the shipped ones).
    layout : False where an extractor has chosen the article's blocks from the page's markup (a web page through
        trafilatura): the guesses made from a flat text's layout (headings, a standfirst above the byline, a short
        line naming the author) are left out, since the markup decided those; the pattern rules, the title, the
        dateline, embedded posts and author bios still apply.

    Returns a CleanedArticle: the body `text` (paragraphs joined by a blank line,
    spaces normalised), the `standfirst` and `dateline` it cut, and `removed`,
    every dropped line as (1-based line number, text, rule name).
    """
    rules = rules or _default_rules()
    lines = [line.strip() for line in _squeeze(normalise_text(raw)).split("\n")]
    cuts = []
    for i, line in enumerate(lines):
        if line:
            lines[i], found = cut_hover_cards(line)  # before the inline rules, which would cut 'McCain' at its 'C'
            cuts.extend((i + 1, text, "link_card") for text in found)
    if rules.inline:
        for i, line in enumerate(lines):
            if line:
                lines[i], found = rules.cut(line)
                cuts.extend((i + 1, text, name) for text, name in found)
    title_key, author_key = _key(title), _key(author)
    verdict: dict[int, str | None] = {}
    for i, line in enumerate(lines):
        if not line:
            continue
        key = _key(line)
        if title_key and key == title_key:
            verdict[i] = "title"
        elif author_key and key == author_key:
            verdict[i] = "author_line"
        else:
            verdict[i] = rules.match(line) or ("byline" if _is_byline(line, author_key if layout else "") else None)

    _mark_post_lines(lines, verdict)
    if layout:
        _mark_standfirst(lines, verdict)
    _mark_summary(lines, verdict)
    _mark_summary_above_prompt(lines, verdict)
    _keep_introductions(lines, verdict)
    if layout:
        _mark_headings(lines, verdict, interview=_is_interview(lines, verdict))
    _mark_author_bio(lines, verdict, author)

    kept = [i for i, rule in verdict.items() if rule is None]
    removed = [(i + 1, lines[i], rule) for i, rule in verdict.items() if rule is not None]
    body = [lines[i] for i in kept]
    dateline = ""
    if body:
        found = _DATELINE.match(body[0])
        if found and found.end() < len(body[0]):
            dateline = found.group(0).strip()
            body[0] = body[0][found.end():]
            removed.append((kept[0] + 1, dateline, "dateline"))
    standfirst = " ".join(lines[i] for i, rule in verdict.items() if rule == "standfirst")
    return CleanedArticle("\n\n".join(body), standfirst, dateline, sorted(removed + cuts))


def _mark_post_lines(lines: list[str], verdict: dict[int, str | None]) -> None:
    """An embedded post spread over several lines: scrapers keep a post's own line breaks as wider gaps than the
    page's paragraphs, so the lines just above a post's signature ("... — Name (@handle) January 3, 2020") that
    stand further apart than the page's usual paragraph gap belong to the post, up to MAX_POST_CHARS of text."""
    order = list(verdict)
    if "embedded_post" not in verdict.values():
        return
    gaps = Counter(after - before for before, after in zip(order, order[1:]))
    usual = min(gap for gap, count in gaps.items() if count == max(gaps.values()))
    for position, i in enumerate(order):
        if verdict[i] != "embedded_post":
            continue
        above, size = position - 1, 0
        while (above >= 0 and order[above + 1] - order[above] > usual and verdict[order[above]] is None
               and size + len(lines[order[above]]) <= MAX_POST_CHARS):
            verdict[order[above]] = "embedded_post"
            size += len(lines[order[above]])
            above -= 1


def _mark_standfirst(lines: list[str], verdict: dict[int, str | None]) -> None:
    """Between the headline and a byline near the top: display copy, a standfirst or a section label."""
    header = list(verdict)[:HEADER_LINES]
    bylines = [i for i in header if verdict[i] in ("byline", "author_line")]
    # Only a page that starts with its headline has a header: elsewhere a byline
    # below the first paragraph must not turn that paragraph into a standfirst.
    if not bylines or not any(verdict[i] == "title" for i in header if i < bylines[0]):
        return
    for i in header:
        if i >= bylines[0]:
            break
        if verdict[i] is None:
            verdict[i] = "standfirst" if _is_sentence(lines[i]) else "section_label"


def _mark_summary(lines: list[str], verdict: dict[int, str | None]) -> None:
    """Summary bullets at the top of a page (Business Insider, the Christian Science Monitor): a line among the
    first HEADER_LINES whose words nearly all come back in one later paragraph is display copy, not body."""
    order = list(verdict)
    words_of: dict[int, set[str]] = {}  # each line's words, found once
    for position, i in enumerate(order[:HEADER_LINES]):
        # A fragment ('"... all who seek it," Trump') is a paragraph cut short, not display copy.
        if verdict[i] is not None or len(lines[i].split()) < SUMMARY_MIN_WORDS or not _is_sentence(lines[i]):
            continue
        words = _words_of(lines, i, words_of)
        for j in order[position + 1:]:
            if verdict[j] is None and len(words & _words_of(lines, j, words_of)) >= SUMMARY_OVERLAP * len(words):
                verdict[i] = "standfirst"
                break
    # A summary is one block: lines between two of its bullets belong to it, though they reword the body more freely.
    marked = [i for i in order[:HEADER_LINES] if verdict[i] == "standfirst"]
    for i in order[:HEADER_LINES]:
        if (len(marked) >= 2 and marked[0] < i < marked[-1] and verdict[i] is None and _is_sentence(lines[i])
                and len(lines[i].split()) >= SUMMARY_MIN_WORDS):
            verdict[i] = "standfirst"


def _words_of(lines: list[str], i: int, found: dict[int, set[str]]) -> set[str]:
    if i not in found:
        found[i] = set(_WORDS.findall(lines[i].casefold()))
    return found[i]


def _mark_summary_above_prompt(lines: list[str], verdict: dict[int, str | None]) -> None:
    """A prompt to the outlet's site among the first lines closes a block of key points ("Visit Business
    Insider's homepage for more stories." under its bullets): up to SUMMARY_BLOCK_LINES sentences above it
    are display copy, not body."""
    header = list(verdict)[:HEADER_LINES]
    prompts = [i for i in header if verdict[i] == "site_prompt"]
    if not prompts:
        return
    above = [i for i in header if i < prompts[0] and verdict[i] is None]
    if 0 < len(above) <= SUMMARY_BLOCK_LINES and all(_is_sentence(lines[i]) for i in above):
        for i in above:
            verdict[i] = "standfirst"


def _mark_author_bio(lines: list[str], verdict: dict[int, str | None], author: str | None) -> None:
    """A short line among the last BIO_LINES kept that starts with one of the metadata authors' names and goes on
    "is", "covers", "writes" ... is that author's biography ("S.E. Cupp is the host of ... on CNN."), if no
    paragraph of prose follows it."""
    names = {_letters(name) for name in (author or "").split(",") if len(name.split()) >= 2}
    if not names:
        return
    open_lines = [i for i, rule in verdict.items() if rule is None]
    for i in open_lines[-BIO_LINES:]:
        found = _BIO_START.match(lines[i])
        if (found and _letters(found.group("name")) in names and len(lines[i].split()) <= MAX_BIO_WORDS
                and not any(j > i and _is_sentence(lines[j]) for j in open_lines[-BIO_LINES:])):
            verdict[i] = "author_bio"


def _keep_introductions(lines: list[str], verdict: dict[int, str | None]) -> None:
    """A line about a person that the bio patterns took ("X is an author and journalist who ...") is an author's
    bio only at the end of the page: followed by a paragraph of prose, it introduces an interview or a profile
    and is the outlet's words. A prompt to follow the author ("Follow her on Twitter") is furniture anywhere."""
    later_prose = False
    for i in reversed(list(verdict)):
        if verdict[i] in ("author_bio", "author_bio_follow") and later_prose and not _FOLLOW_PROMPT.search(lines[i]):
            verdict[i] = None
        if verdict[i] is None and _is_sentence(lines[i]) and not _is_question_heading(lines[i]):
            later_prose = True  # a short question under a bio ("What do you think?") is a trailer, not prose


def _letters(text: str) -> str:
    return "".join(character for character in text.casefold() if character.isalpha())


def _is_interview(lines: list[str], verdict: dict[int, str | None]) -> bool:
    """Whether the page is an interview: at least INTERVIEW_QUESTIONS of its kept lines are questions put to
    someone, addressed to them ("What made you run?") or answered in the first person ("Is that on the record?"
    then "Yeah, that's on the record."). An explainer's questions ("What does Iran say?") are answered in the
    third person."""
    open_lines = [i for i, rule in verdict.items() if rule is None]
    put = 0
    for position, i in enumerate(open_lines):
        line = lines[i]
        if not line.endswith("?") or _QUOTE_MARK.search(line):
            continue
        answer = lines[open_lines[position + 1]] if position + 1 < len(open_lines) else ""
        if _SECOND_PERSON.search(line) or _FIRST_PERSON_ANSWER.match(answer):
            put += 1
            if put >= INTERVIEW_QUESTIONS:
                return True
    return False


def _mark_headings(lines: list[str], verdict: dict[int, str | None], *, interview: bool = False) -> None:
    """Headings, named by where they stand: short unpunctuated lines, short questions standing alone ("What does
    Iran say?"), short lines whose only full stop closes an initialism ("Exasperation with U.S."), and longer
    unpunctuated lines standing alone between two paragraphs of prose (an explainer's subheadings). In an
    `interview` the questions are the interviewer's, and stay."""
    question_heading = _never if interview else _is_question_heading
    prose = [i for i, rule in verdict.items() if rule is None and _is_sentence(lines[i]) and not question_heading(lines[i])]
    if not prose:
        return  # never empty an article on layout evidence alone
    open_lines = [i for i, rule in verdict.items() if rule is None]
    headings = []
    for position, i in enumerate(open_lines):
        line, words = lines[i], len(lines[i].split())
        if _LIST_ITEM.match(line):
            continue
        unpunctuated = not _is_sentence(line)
        # Neighbours decide for a long line: an unpunctuated line next to another is a list, a caption run or a
        # table, and one followed by a line starting in lower case is a paragraph broken by the page.
        alone = (0 < position < len(open_lines) - 1 and _is_sentence(lines[open_lines[position - 1]])
                 and _is_sentence(lines[open_lines[position + 1]]) and not lines[open_lines[position + 1]][0].islower())
        if ((unpunctuated and words <= MAX_HEADING_WORDS)
                or (unpunctuated and words <= MAX_LONE_HEADING_WORDS and alone and not _QUOTE_MARK.search(line))
                or (words <= MAX_INITIALISM_HEADING_WORDS and _only_stop_closes_initialism(line))
                or question_heading(line)):
            headings.append(i)
    for i in headings:
        verdict[i] = "section_label" if i < prose[0] else "trailer" if i > prose[-1] else "crosshead"


def _only_stop_closes_initialism(line: str) -> bool:
    found = _INITIALISM_END.search(line)
    return bool(found) and line.count(".") == found.group(0).count(".") and not any(mark in line for mark in "!?;:")


def _never(line: str) -> bool:
    return False


def _is_question_heading(line: str) -> bool:
    """An explainer's subheading: a short question on its own line, without quotation marks."""
    return (line.endswith("?") and len(line.split()) <= QUESTION_HEADING_WORDS
            and not any(mark in line for mark in "\"“”") and bool(_QUESTION_START.match(line)))
