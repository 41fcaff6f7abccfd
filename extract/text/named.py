"""Is a name one the article itself gives? Checked in code after every model answer, for every
strategy: a speaker, participant, signatory, party or actor the article never names is an
invention (a real quote given to "Barack Obama", a meeting of leaders the article never mentions).

Language-neutral: names are compared by their words after folding case and accents, so
"Anna Keller" is found in "Frau Keller" and "Nordwerk Logistik AG" in "Nordwerk"; a
country written in English ("Japan") is found through its CLDR names in the article's language
("Japon"). A name made only of generic words ("the city") cannot be checked and passes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from extract.text.countries import country_code, country_named_in

# Words that identify no one: joins, articles, titles and the generic nouns of organisation names
# as the models write them in English (the field language of every record).
GENERIC = frozenset(
    "and of the for de del della des du la le von und et y e a an "
    "mr mrs ms dr prof sir city town government regional federal national ministry council "
    "municipality company group inc corp co ag gmbh se sa spa srl sl ltd plc llc nv bv "
    "university institute agency union party club fc association federation committee board "
    "signatory signatories countries country state states parties workers staff management".split()
)
# Model-written placeholders for "no value", in the record languages the models write.
NULLISH = frozenset(
    ["null", "none", "nil", "unknown", "n/a", "na", "n.a.", "-", "--", "—", "?", "unspecified"]
    + ["undefined", "not specified", "not mentioned", "not stated", "not given", "no date"]
    + ["no deadline", "no amount", "not applicable"]
)
_JOINT = re.compile(r"\s+(?:and|&|et|und|y|e)\s+|\s*[,;/]\s*", re.IGNORECASE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(name: str) -> list[str]:
    return [w for w in re.findall(r"\w+", _fold(name)) if len(w) > 1 and w not in GENERIC]


@lru_cache(maxsize=64)
def _article_words(article: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", _fold(article)))


_SENTENCE_START = set(".!?…:;\"'«»“”„‚‘’()[]—–-•*#|")


@lru_cache(maxsize=64)
def _proper_words(article: str) -> frozenset[str] | None:
    """Folded words the article writes as names: capitalised inside a sentence, or capitalised
    and never in lower case. None when the script has no case (every word may be a name)."""
    words = list(re.finditer(r"[^\W\d_][\w'’-]*", article))
    if not any(m.group(0)[0].isupper() for m in words):
        return None
    lower = {_fold(m.group(0)) for m in words if m.group(0)[0].islower()}
    out: set[str] = set()
    for m in words:
        word = m.group(0)
        if not word[0].isupper():
            continue
        before = article[: m.start()].rstrip()
        mid_sentence = bool(before) and before[-1] not in _SENTENCE_START
        folded = _fold(word)
        if mid_sentence or folded not in lower:
            out.update(re.findall(r"\w+", folded))
    return frozenset(out)


def _is_proper(tokens: list[str], article: str) -> bool:
    proper = _proper_words(article)
    return proper is None or any(t in proper for t in tokens)


def is_nullish(value: object) -> bool:
    """True for the strings models write instead of null ("null", "unknown", "n/a" …)."""
    return isinstance(value, str) and _fold(value.strip()) in NULLISH


def person_named(name: str, article: str) -> bool:
    """True when the article gives the person's surname (the last distinctive word), written
    as a name (not "temperatures" of "Temperatures will fall"); in a caseless script (Japanese,
    Chinese, Arabic …) the name's last word anywhere in the text."""
    tokens = _tokens(name)
    if not tokens:
        return True
    if _proper_words(article) is None:  # a caseless script, often written without spaces
        return tokens[-1] in _fold(article)
    return tokens[-1] in _article_words(article) and _is_proper(tokens, article)


def party_named(name: str, article: str) -> bool:
    """True when every member of a (possibly joint: "X and Y") party is named in the article:
    a country by any of its CLDR names, anything else by one of its distinctive words."""
    for part in (p for p in _JOINT.split(name) if p.strip()):
        code = country_code(part)
        if code is not None:
            if not country_named_in(code, article):
                return False
            continue
        tokens = _tokens(part)
        if tokens and not _article_words(article) & set(tokens):
            return False
        if tokens and not _is_proper(tokens, article):
            return False  # "Temperatures", "the heavy rain": the article names no such party
    return True
