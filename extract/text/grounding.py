"""Find a model's text in the article and return offsets into the original characters.

Articles use typographic characters (« », ’, U+2011, U+00A0, U+202F); models answer with plain
ones. Both sides are normalised the same way (NFKC, quote and dash families, whitespace runs,
case) while a map keeps, for each normalised character, the index of the original character it
came from. A match in the normalised text is mapped back, so ``article[start:end]`` is always the
article's own characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extract.text.sentences import sentences

_FOLD = {
    **dict.fromkeys("'‘’‚‛′`´ʼ", "'"),
    **dict.fromkeys('"“”„‟«»″', '"'),
    **dict.fromkeys("-‐‑‒–—―−", "-"),
    "…": "...",
}
# Marks a model may wrap around a quote: stripped from the needle's ends before matching.
_WRAPPERS = "\"'«»“”„‘’ \u00a0\u202f"


def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isspace():
        return " "
    out = unicodedata.normalize("NFKC", ch)
    return "".join(_FOLD.get(c, " " if c.isspace() else c) for c in out).casefold()


@dataclass(frozen=True)
class NormalisedText:
    """A folded copy of a text and, per folded character, its index in the original."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded slice ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=64)
def normalise(text: str) -> NormalisedText:
    """Fold ``text`` (typography, whitespace runs, case) keeping an offset map (cached)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for folded in _fold_char(ch):
            if folded == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(folded)
            origin.append(index)
    return NormalisedText(text, "".join(chars), tuple(origin))


def fold(text: str) -> str:
    """The folded form of ``text`` alone, for comparisons (evaluation, dedup)."""
    return normalise(text).text.strip()


def find_span(article: str, needle: str, *, start: int = 0) -> tuple[int, int] | None:
    """Offsets of ``needle`` in ``article`` after normalisation, or None when absent.

    Quote marks and spaces around the needle are ignored; ``start`` is an offset into the
    original article from which to search.
    """
    folded_needle = normalise(needle.strip(_WRAPPERS)).text.strip()
    if not folded_needle:
        return None
    hay = normalise(article)
    from_index = next((i for i, o in enumerate(hay.origin) if o >= start), len(hay.text))
    at = hay.text.find(folded_needle, from_index)
    if at < 0:
        return None
    return hay.span(at, at + len(folded_needle))


def ground(article: str, needle: str) -> tuple[str, tuple[int, int]] | None:
    """The article's own characters for ``needle`` and their span, or None when not found."""
    found = find_span(article, needle)
    if found is None:
        return None
    return article[found[0] : found[1]], found


_WORD = re.compile(r"\w+", re.UNICODE)


def locate_evidence(
    article: str, evidence: str, *, min_overlap: float = 0.7
) -> tuple[int, int] | None:
    """Span of ``evidence``: exact after normalisation, else the one sentence that holds at
    least ``min_overlap`` of its words (a model shortening or re-punctuating a sentence), else
    None. Quotes never use the fallback: they must be verbatim."""
    exact = find_span(article, evidence)
    if exact is not None:
        return exact
    wanted = [w for w in _WORD.findall(fold(evidence))]
    if not wanted:
        return None
    best: tuple[float, tuple[int, int]] | None = None
    for span in sentences(article):
        have = set(_WORD.findall(fold(article[span[0] : span[1]])))
        score = sum(w in have for w in wanted) / len(wanted)
        if best is None or score > best[0]:
            best = (score, span)
    if best is None or best[0] < min_overlap:
        return None
    return best[1]


def span_errors(extraction: Mapping[str, Any], article: str) -> list[str]:
    """Where a document's records do not hold the article's own characters (empty: grounded).

    Each record's ``evidence`` must be ``article[start:end]`` of its ``span``, and a quote's
    ``text`` too (so quotes are verbatim). For documents already schema-valid.
    """
    errors: list[str] = []
    for kind, records in extraction.items():
        for n, record in enumerate(records if isinstance(records, list) else []):
            where = f"extraction/{kind}/{n}"
            try:
                start, end = record["span"]
            except (KeyError, TypeError, ValueError):
                continue  # the schema check reports it
            if not 0 <= start <= end <= len(article):
                errors.append(
                    f"{where}/span: [{start}, {end}] is outside the article "
                    f"({len(article)} characters)"
                )
                continue
            there = article[start:end]
            fields = ("evidence", "text") if kind == "quotes" else ("evidence",)
            for name in fields:
                if name in record and record[name] != there:
                    errors.append(
                        f"{where}/{name}: not the article's text at span [{start}, {end}] "
                        f"(which is {there[:40]!r})"
                    )
    return errors
