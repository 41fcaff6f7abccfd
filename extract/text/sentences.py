"""Sentences as character spans, from pysbd (rule-based, 23 languages), paragraph by paragraph.

pysbd splits after a few forms it does not know as non-final in a language (German ordinal days
"am 28. Oktober", abbreviated months "3. Nov.", titles "Sen."). Those are joined back from
language data: CLDR's abbreviated month names (babel), a number or single letter before the dot,
and the profile's titles. A language pysbd does not cover is split by a language-neutral rule
(. ! ? … before a capital, a digit or an opening quotation mark).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from extract.text.dates import calendar_names
from extract.text.profiles import profile, words_pattern

_NEUTRAL_END = re.compile(r"[.!?…][»”\"')\u00a0\u202f ]*?(?=\s+[«“„\"'\d\w])")
_LAST_WORD = re.compile(r"(\S+)\s*$")
# A sentence that ends inside a closing quotation mark, before a capital: pysbd keeps
# « Nous signerons. » Mme X a répondu. as one sentence.
_AFTER_QUOTE = re.compile(r"[.!?…][\u00a0\u202f ]?[»”“‘’›]\s+(?=[^\W\d_])")
# Languages that write ordinal numbers with a dot ("am 28. Oktober"): a number before a dot
# continues the sentence when a lower-case word or a month follows.
ORDINAL_DOT = frozenset("de da nb no nn fi cs sk pl hu sl hr sr bs et lv is tr".split())
# pysbd reads two ordinal days in one paragraph ("am 28. Oktober … am 29. Oktober") as a
# numbered list and splits before each number: a piece without end punctuation before one
# continues.
_ORDINAL_NEXT = re.compile(r"\d{1,2}\.\s")
# Sentence-final marks of other scripts (CJK full stops and brackets, Arabic, Urdu, Devanagari,
# Armenian, Ethiopic), accepted wherever a sentence end is tested.
OTHER_SCRIPT_ENDS = "。！？．」』）؟۔।॥։።"
_ENDS = tuple(".!?…:;»«\"'”“’‘›‹)" + OTHER_SCRIPT_ENDS)


@lru_cache(maxsize=16)
def _segmenter(language: str) -> Any:
    import pysbd
    from pysbd.languages import LANGUAGE_CODES

    if language not in LANGUAGE_CODES:
        return None
    return pysbd.Segmenter(language=language, clean=False)


@lru_cache(maxsize=16)
def _month_abbreviations(language: str) -> frozenset[str]:
    """Month names and every prefix of three letters or more, folded ("okt", "sept")."""
    cldr = calendar_names(language or "en")
    out: set[str] = set()
    for name in (*cldr.months, *cldr.month_abbr):
        name = name.casefold()
        out.update(name[:n] for n in range(3, len(name) + 1))
    return frozenset(out)


def _continues(piece: str, following: str, language: str) -> bool:
    """True when ``piece`` ends with a dot that does not end a sentence, or is a cut pysbd made
    before an ordinal day (``following`` is the text after it)."""
    if (
        language in ORDINAL_DOT
        and not piece.endswith(_ENDS)
        and _ORDINAL_NEXT.match(following.lstrip())
    ):
        return True  # "am" | "28. Oktober": a list item to pysbd, a date in the sentence
    found = _LAST_WORD.search(piece)
    if not found or not found.group(1).endswith("."):
        return False
    word = found.group(1)[:-1].lstrip("(«„“\"'")
    next_word = following.split(None, 1)[0].strip(".,") if following.strip() else ""
    lower_next = next_word[:1].islower()
    if word.isdigit():  # "am 28. Oktober"
        months = _month_abbreviations(language)
        return language in ORDINAL_DOT and (lower_next or next_word.casefold() in months)
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith"
    if word.casefold() in _month_abbreviations(language):
        return lower_next or next_word[:1].isdigit()  # "3. Nov. kommt", "Oct. 28"
    titles = words_pattern(profile(language).titles)
    return titles is not None and titles.fullmatch(found.group(1)) is not None


def _pieces(line: str, language: str) -> list[str]:
    segmenter = _segmenter(language)
    if segmenter is not None:
        return [part for s in segmenter.segment(line) for part in _split_after_quote(str(s))]
    out, start = [], 0
    for match in _NEUTRAL_END.finditer(line):
        out.append(line[start : match.end()])
        start = match.end()
    out.append(line[start:])
    return out


def _split_after_quote(piece: str) -> list[str]:
    out, start = [], 0
    for match in _AFTER_QUOTE.finditer(piece):
        if piece[match.end()].isupper():
            out.append(piece[start : match.end()])
            start = match.end()
    return [*out, piece[start:]]


@lru_cache(maxsize=64)
def sentences(article: str, language: str | None = None) -> tuple[tuple[int, int], ...]:
    """Spans of the article's sentences (trimmed, non-empty); a line break always ends one.

    ``language`` (ISO 639-1) picks pysbd's rules; None detects it from the article.
    """
    if language is None:
        from extract.text.language import detect_language

        language = detect_language(article)
    out: list[tuple[int, int]] = []
    line_start = 0
    for line in article.split("\n"):
        at = 0
        pending: tuple[int, int] | None = None
        for piece in _pieces(line, language):
            found = line.find(piece.strip(), at) if piece.strip() else -1
            if found < 0:
                continue
            span = (found, found + len(piece.strip()))
            at = span[1]
            if pending is not None:
                span = (pending[0], span[1])
            rest = line[span[1] :]
            if rest.strip() and _continues(line[span[0] : span[1]], rest, language):
                pending = span
                continue
            pending = None
            out.append((line_start + span[0], line_start + span[1]))
        if pending is not None:
            out.append((line_start + pending[0], line_start + pending[1]))
        line_start += len(line) + 1
    return tuple(out)
