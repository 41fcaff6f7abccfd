"""Where an article quotes someone: passages between quotation marks of any language.

The marks are Unicode's paired quotation punctuation as the world's presses use it: « » and
» « (French, German inward), “ ” and „ “ / „ ” (English, German, Polish), ‘ ’ and ‚ ‘, ‹ › and
› ‹, 「 」 and 『 』, straight "…" and '…', and the dialogue dash of Spanish and Italian reporting
(a paragraph opening with — or –, up to the dash that opens the attribution). A quote that runs
on into the next paragraph (the paragraph ends before its closing mark, as English, French and
German presses print it) counts up to the paragraph's end.

Marks that double as apostrophes (' and ’) close a quote only where no letter follows, so
"don't" and "l’accord" do not end one.
"""

from __future__ import annotations

import re
from functools import lru_cache

_APOSTROPHES = frozenset("'’")
_DIALOGUE = re.compile(r"(?m)^[ \t]*[—–―][ \t\u00a0]?(?P<q>[^\n]+?)(?=[ \t\u00a0][—–―]|[ \t]*$)")
# The words resuming after a dialogue attribution: "—A —dijo X—. B" (B is speech too).
_DIALOGUE_RESUMED = re.compile(
    r"(?m)^[ \t]*[—–―][^\n]*?[ \t\u00a0][—–―][^—–―\n]+[—–―][.,;:]?[ \t\u00a0]+"
    r"(?P<q>[^—–―\n]+?)[ \t]*$"
)
# Spanish, Italian, French: a paragraph continuing a quotation may open with the closing mark
# ("»Eso se acabó…»"), the form these presses use for a quotation over several paragraphs.
_CONTINUED = {"«": re.compile(r"(?m)^[ \t]*»[ \t\u00a0\u202f]?(?P<q>[^«»\n]{1,1500}?)»")}


def _pattern(opening: str, closing: str) -> re.Pattern[str]:
    """``closing``: the mark, or several marks any of which closes."""
    o, c = re.escape(opening), "[" + re.escape(closing) + "]"
    straight = opening in "\"'"
    before = r"(?<!\w)" if straight else ""
    after = r"(?!\w)" if straight or closing in _APOSTROPHES else ""
    # a closing mark that doubles as an apostrophe may occur inside the quote ("It’s")
    inner = "[^\\n]" if straight or closing in _APOSTROPHES else f"[^{o}{re.escape(closing)}\\n]"
    return re.compile(rf"{before}{o}(?P<q>{inner}{{1,1500}}?)(?:{c}{after}|(?=\n)|$)")


def _oriented(article: str, first: str, second: str) -> tuple[str, str]:
    """A mark pair read in the direction the article uses: « » or » «, ‹ › or › ‹."""
    a, b = article.find(first), article.find(second)
    return (second, first) if b >= 0 and (a < 0 or b < a) else (first, second)


def pairs_of(article: str) -> tuple[tuple[str, str], ...]:
    """The quotation-mark pairs the article uses, each in its direction (a pair's second item
    lists the marks that may close it)."""
    pairs = [_oriented(article, "«", "»"), _oriented(article, "‹", "›"), ("「", "」"), ("『", "』")]
    if "„" in article:  # German, Polish...: „ opens, “ or ” closes; “ does not open
        pairs.append(("„", "“”"))
    else:
        pairs.append(("“", "”"))
    pairs.append(("‚", "‘") if "‚" in article else ("‘", "’"))
    return (*pairs, ('"', '"'), ("'", "'"))


@lru_cache(maxsize=256)
def _compiled(opening: str, closing: str) -> re.Pattern[str]:
    return _pattern(opening, closing)


@lru_cache(maxsize=64)
def quoted_spans(article: str) -> tuple[tuple[int, int], ...]:
    """Spans of the text between quotation marks (marks excluded), every language's pairs."""
    patterns = [_compiled(o, c) for o, c in pairs_of(article)]
    spans = {m.span("q") for p in patterns for m in p.finditer(article)}
    spans |= {m.span("q") for m in _DIALOGUE.finditer(article)}
    spans |= {m.span("q") for m in _DIALOGUE_RESUMED.finditer(article)}
    if pairs_of(article)[0] == ("«", "»"):
        spans |= {m.span("q") for m in _CONTINUED["«"].finditer(article)}
    return tuple(sorted(spans))


def inside_quotation(article: str, span: tuple[int, int]) -> bool:
    """True when ``span`` lies within one quoted passage of the article."""
    return any(start <= span[0] and span[1] <= end for start, end in quoted_spans(article))
