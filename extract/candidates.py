"""Deterministic pre-processing for small models: numbered sentences and quote candidates.

Quoted passages are found by pattern (« », “ ”, "…"), so a candidate's text is the article's own
characters by construction. Passages that cannot be a person's words are filtered here, in code
(a small model never rejects a candidate): headlines, titles of documents ("un accord « … »"),
and document excerpts ("indique le document", "selon le document").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.grounding import sentences

_PAIRS = re.compile(r"«(?P<g>[^«»]{2,800})»|“(?P<c>[^“”]{2,800})”|\"(?P<s>[^\"\n]{2,800})\"")
_INNER_TRIM = " \u00a0\u202f\t"
# Words before an opening mark that make the passage a title, not speech.
_TITLE_BEFORE = re.compile(
    r"\b(accord|traité|pacte|plan|programme|déclaration|agreement|treaty|initiative|"
    r"opération|loi|projet|rapport|intitulée?|baptisée?|nommée?|appelée?)\s*$",
    re.IGNORECASE,
)
_DOCUMENT_CUE = re.compile(
    r"\b(le|du|au|ce) (document|texte|communiqué|rapport)\b|\bthe (document|text|statement)\b",
    re.IGNORECASE,
)
_END_OF_SENTENCE = tuple('.!?…»"”)')


@dataclass(frozen=True)
class Candidate:
    """A quoted passage: its number, verbatim text, span, and the sentence it is in."""

    number: int
    text: str
    span: tuple[int, int]
    sentence: int
    dropped: str | None = None  # why code filtered it out, or None when kept


def inside_quotation(article: str, span: tuple[int, int]) -> bool:
    """True when ``span`` lies between a pair of quotation marks of the article."""
    return any(m.start() < span[0] and span[1] < m.end() for m in _PAIRS.finditer(article))


def sentence_of(spans: Sequence[tuple[int, int]], offset: int) -> int:
    """The 1-based number of the sentence holding ``offset`` (nearest before it otherwise)."""
    number = 1
    for index, (start, _) in enumerate(spans, start=1):
        if start <= offset:
            number = index
        else:
            break
    return number


def render_numbered(article: str, spans: Sequence[tuple[int, int]]) -> str:
    """The article as ``[n] sentence`` lines, the form the model reads."""
    return "\n".join(f"[{n}] {article[a:b]}" for n, (a, b) in enumerate(spans, start=1))


def _line_bounds(article: str, at: int) -> tuple[int, int]:
    start = article.rfind("\n", 0, at) + 1
    end = article.find("\n", at)
    return start, len(article) if end < 0 else end


def _why_not_speech(article: str, start: int, end: int) -> str | None:
    line_start, line_end = _line_bounds(article, start)
    line = article[line_start:line_end].strip()
    if not line.endswith(_END_OF_SENTENCE):
        return "headline or caption (no sentence punctuation)"
    if _TITLE_BEFORE.search(article[max(line_start, start - 40) : start]):
        return "title of a document"
    outside = _PAIRS.sub(" ", article[line_start:line_end])
    if _DOCUMENT_CUE.search(outside):
        return "excerpt of a document, no human speaker"
    return None


def find_candidates(article: str, *, filter_non_speech: bool = True) -> list[Candidate]:
    """Every quoted passage, numbered from 1; ``dropped`` says why code filtered one out."""
    spans = sentences(article)
    found: list[Candidate] = []
    for match in _PAIRS.finditer(article):
        group = next(g for g in ("g", "c", "s") if match.group(g) is not None)
        start, end = match.span(group)
        raw = article[start:end]
        start += len(raw) - len(raw.lstrip(_INNER_TRIM))
        end -= len(raw) - len(raw.rstrip(_INNER_TRIM))
        if end - start < 2:
            continue
        reason = _why_not_speech(article, match.start(), match.end()) if filter_non_speech else None
        found.append(
            Candidate(
                len(found) + 1, article[start:end], (start, end), sentence_of(spans, start), reason
            )
        )
    return found


SPEECH_VERBS = (
    "déclaré|dit|affirmé|ajouté|assuré|souligné|expliqué|estimé|lancé|répondu|insisté|précisé|"
    "poursuivi|martelé|confié|prévenu|rappelé|indiqué|annoncé|promis|"
    "said|told|added|stated|declared|insisted|explained|warned|"
    "sagte|erklärte|betonte|dijo|afirmó|declaró|ha detto|ha dichiarato"
)
_TITLE_WORDS = r"(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|le président|la présidente|President)"


def _name_pattern(people: list[str]) -> str:
    variants: set[str] = set()
    for person in people:
        variants.add(re.escape(person).replace(r"\ ", r"\s+"))
        variants.add(re.escape(person.split()[-1]))
    return "|".join(sorted(variants, key=len, reverse=True))


def attributed_speaker(article: str, candidate: Candidate, people: list[str]) -> str | None:
    """The speaker a French/English attribution pattern names for ``candidate``, if any.

    ``« … », a déclaré M. Trump``; ``M. Trump a déclaré à Mme Takaichi : « … »``; a paragraph
    that is only a quotation continues the previous paragraph's quotation (same speaker).
    Returns a name from ``people`` or None when the pattern is absent or ambiguous.
    """
    if not people:
        return None
    names = _name_pattern(people)
    inverted = re.compile(
        rf"\b(?:{SPEECH_VERBS})\s+(?:{_TITLE_WORDS}\s+)?(?P<n>{names})\b", re.IGNORECASE
    )
    subject = re.compile(
        rf"\b(?:{_TITLE_WORDS}\s+)?(?P<n>{names})\s+(?:lui\s+)?a\s+(?:{SPEECH_VERBS})\b",
        re.IGNORECASE,
    )
    spans = sentences(article)
    start, end = (
        spans[candidate.sentence - 1]
        if candidate.sentence
        else _line_bounds(article, candidate.span[0])
    )
    sentence = _PAIRS.sub("«»", article[start:end])
    found = {m.group("n") for pattern in (inverted, subject) for m in pattern.finditer(sentence)}
    resolved = {p for p in people for n in found if _same(n, p)}
    if len(resolved) == 1:
        return resolved.pop()
    if found or re.search(r"[^\W\d_]", sentence):
        return None  # attributed otherwise, or ambiguous: the model decides
    # The sentence is only a quotation: it continues the speaker of the sentence before it.
    if candidate.sentence > 1:
        prev_start, prev_end = spans[candidate.sentence - 2]
        earlier = Candidate(0, "", (prev_start, prev_start), candidate.sentence - 1)
        return attributed_speaker(article, earlier, people)
    return None


def _same(name: str, person: str) -> bool:
    from extract.names import same_person

    return same_person(" ".join(name.split()), person)
