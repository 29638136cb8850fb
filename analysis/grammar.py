"""Closed-class word lists and noun-phrase rules for rule-based analysis without a tagger.

No part-of-speech tagger can be downloaded here, so agency and attribution
rely on what closed word classes and punctuation reveal: auxiliaries,
determiners, prepositions, conjunctions, pronouns. The noun phrase rules are
deliberately simple and documented; they are tested on sentences written to
cover news style, headlines and quotations.
"""

from __future__ import annotations

from nltk.tokenize import RegexpTokenizer

# Abbreviations such as "U.S." stay one token; "Iran’s" and "al-Muhandis" too.
TOKENS = RegexpTokenizer(r"[A-Z](?:\.[A-Z])+\.?|\w+(?:[-'’]\w+)*|[^\w\s]")

BE = frozenset("am is are was were be been being".split())
GET = frozenset("get gets got gotten getting".split())
HAVE = frozenset("have has had having".split())
MODALS = frozenset("will would could can may might must shall should did do does".split())
DETERMINERS = frozenset("the a an this that these those his her its their our my your whose another any each every some no".split())
PRONOUNS = frozenset("he she it they we i you who".split())
PREPOSITIONS = frozenset(
    "of in on at by for with from to into near after before during since over about against following amid "
    "despite without under behind through across toward towards upon within along alongside outside inside "
    "throughout between among beside via".split()
)
# Prepositions that can attach a phrase inside a noun phrase ("a strike near the airport").
NP_INTERNAL = frozenset("of near in at from on outside with".split())
CONJUNCTIONS = frozenset(
    "and but or nor that which who whom whose when where while because although though if whether than so yet as "
    "then".split()
)
RELATIVES = frozenset("that which who".split())
ADVERBS = frozenset("also reportedly allegedly not never just already then since even still later apparently "
                    "previously subsequently eventually finally".split())
REPORTING = frozenset(
    "said says say saying told tells tell stated states noted notes added adds stressed stresses emphasized "
    "emphasised called calls condemned condemns warned warns declared declares announced announces claimed claims "
    "argued argues insisted insists explained explains wrote writes tweeted tweets vowed vows promised promises "
    "urged urges blasted blasts accused accuses denied denies confirmed confirms informed informs highlighted "
    "reiterated believe believes believed think thinks thought know knows knew reported reports".split()
)
STOP_PUNCTUATION = frozenset(list(",.;:!?()[]{}\"“”‘’'—–-…"))


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for every token of `text`."""
    return [(text[start:end], start, end) for start, end in TOKENS.span_tokenize(text)]


def is_adverb(token: str) -> bool:
    lower = token.lower()
    return lower in ADVERBS or (lower.endswith("ly") and lower.isalpha() and len(lower) > 4 and token.islower())


def is_verb_like(token: str, previous: str | None) -> bool:
    """A lower-case word that reads as a finite verb: a reporting verb, or an -ed form not after a determiner."""
    if not token.islower():
        return False  # "States", "Says" in a headline name things more often than they report
    if token in REPORTING:
        return True
    return token.endswith("ed") and (previous or "").lower() not in DETERMINERS


def noun_phrase_left(tokens: list[str], end: int, *, head: bool = True) -> str:
    """The noun phrase that ends just before position `end`.

    Walks left until punctuation, a conjunction, a verb or a phrase-initial
    preposition. With `head`, a prepositional phrase inside the noun phrase
    ("a missile strike near the airport") is dropped and the head kept ("a
    missile strike"); without it, the nearest noun phrase is returned ("the
    attack" in "the fallout from the attack").
    """
    collected: list[str] = []
    j = end - 1
    while j >= 0:
        token = tokens[j]
        lower = token.lower()
        previous = tokens[j - 1] if j > 0 else None
        if token in STOP_PUNCTUATION or lower in CONJUNCTIONS:  # "that" here is a complementiser, not a determiner
            break
        if lower in PRONOUNS and not collected:
            return token
        if lower in PREPOSITIONS:
            if head and lower in NP_INTERNAL and collected and previous and _noun_like(previous, tokens[j - 2] if j > 1 else None):
                collected = []
                j -= 1
                continue
            break
        if is_verb_like(token, previous) or lower in BE | HAVE | MODALS:
            break
        collected.insert(0, token)
        if lower in DETERMINERS:
            before = (previous or "").lower()
            if head and before in NP_INTERNAL and j > 1 and _noun_like(tokens[j - 2], tokens[j - 3] if j > 2 else None):
                collected = []
                j -= 2
                continue
            break
        j -= 1
    return " ".join(collected)


def noun_phrase_right(tokens: list[str], start: int, limit: int = 8, *, of_phrases: bool = False) -> str:
    """The noun phrase that starts at position `start`, up to a preposition, punctuation, conjunction or verb.

    With `of_phrases`, an "of" phrase stays attached ("the press service of the Russian Foreign Ministry").
    """
    collected: list[str] = []
    for j in range(start, min(len(tokens), start + limit)):
        token = tokens[j]
        lower = token.lower()
        if of_phrases and lower == "of" and collected:
            collected.append(token)
            continue
        if token in STOP_PUNCTUATION or lower in PREPOSITIONS or lower in CONJUNCTIONS and (lower not in DETERMINERS or not collected and lower == "that"):
            break
        if collected and (is_verb_like(token, tokens[j - 1]) or lower in BE | HAVE | MODALS):
            break
        collected.append(token)
    return " ".join(collected)


def _noun_like(token: str, previous: str | None) -> bool:
    lower = token.lower()
    if token in STOP_PUNCTUATION or lower in PREPOSITIONS | CONJUNCTIONS | BE | HAVE | MODALS | PRONOUNS:
        return False
    return not is_verb_like(token, previous)
