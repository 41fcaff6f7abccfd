"""Quote candidates and their speakers, found in code: a small model never rejects a candidate
and copies quotes badly, so code offers it the quoted passages (verbatim by construction) and
names the speaker itself where the article's own attribution is unambiguous.

Candidates are the passages between quotation marks of any language (``extract.text.quotes``).
Code sets aside, with the reason, passages that cannot be a person's words: headlines and
captions (a line without sentence punctuation), titles of documents (a quoted name after
"agreement", « accord », „Abkommen“), excerpts of documents ("the document says"), and passages
nested inside another candidate.

Attribution (``attributed_speaker``) uses the language profile's speech verbs in both word
orders ("…," said Keller / Keller said; „…“, sagte Keller; —…, dijo García; « … », a déclaré
M. Dupont), its source markers ("according to", « selon », „laut“, „X zufolge“, según,
secondo), and a titled or described speaker between the verb and the name ("said the company's
chief executive, Anna Keller"). A sentence that is only a quotation continues the speaker of
the sentence before it. Anything else, and every article in a language without a profile, goes
to the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from extract.text.people import same_person
from extract.text.profiles import LanguageProfile, profile, words_pattern
from extract.text.quotes import quoted_spans
from extract.text.sentences import OTHER_SCRIPT_ENDS, sentences

_INNER_TRIM = " \u00a0\u202f\t"
_CLOSING = " \u00a0\u202f»«”“’‘'\"›‹"
_END_OF_SENTENCE = tuple(".!?…:;»«\"'”“’‘›‹)" + OTHER_SCRIPT_ENDS)


@dataclass(frozen=True)
class Candidate:
    """A quoted passage: its number, verbatim text, span, and the sentence it is in."""

    number: int
    text: str
    span: tuple[int, int]
    sentence: int
    dropped: str | None = None  # why code set it aside, or None when kept


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


def _outside_quotes(article: str, start: int, end: int) -> str:
    """``article[start:end]`` with every quoted passage replaced by « »."""
    out, at = [], start
    for a, b in quoted_spans(article):
        if b <= start or a >= end:
            continue
        out.append(article[at : max(at, a)])
        out.append(" «» ")
        at = max(at, b)
    out.append(article[at:end])
    return "".join(out)


def _why_not_speech(
    article: str, start: int, end: int, language_profile: LanguageProfile
) -> str | None:
    line_start, line_end = _line_bounds(article, start)
    line = article[line_start:line_end].strip()
    if not line.rstrip("—–- ").endswith(_END_OF_SENTENCE):
        return "headline or caption (no sentence punctuation)"
    titles = words_pattern(language_profile.document_title)
    before = article[max(line_start, start - 40) : start].rstrip(" \u00a0\u202f«“„\"'‘‚‹›»")
    if titles is not None and (found := list(titles.finditer(before))):
        if found[-1].end() == len(before):
            return "title of a document"
    cue = words_pattern(language_profile.document_cue)
    if cue is not None and cue.search(_outside_quotes(article, line_start, line_end)):
        return "excerpt of a document, no human speaker"
    return None


def find_candidates(
    article: str, language: str = "", *, filter_non_speech: bool = True
) -> list[Candidate]:
    """Every quoted passage, numbered from 1; ``dropped`` says why code set one aside."""
    spans = sentences(article, language)
    language_profile = profile(language)
    quoted = quoted_spans(article)
    found: list[Candidate] = []
    for outer in quoted:
        start, end = outer
        raw = article[start:end]
        start += len(raw) - len(raw.lstrip(_INNER_TRIM))
        end -= len(raw) - len(raw.rstrip(_INNER_TRIM))
        if end - start < 2:
            continue
        if any(a <= start and end <= b and (a, b) != outer for a, b in quoted):
            continue  # a quotation inside a quotation: part of the outer speaker's words
        reason = (
            _why_not_speech(article, start, end, language_profile) if filter_non_speech else None
        )
        number = len(found) + 1
        found.append(
            Candidate(number, article[start:end], (start, end), sentence_of(spans, start), reason)
        )
    return found


@lru_cache(maxsize=256)
def _name_alternation(speakers: tuple[str, ...]) -> str:
    variants: set[str] = set()
    for person in speakers:
        variants.add(re.escape(person).replace(r"\ ", r"[\s\u00a0]+"))
        variants.add(re.escape(person.split()[-1]))
    return "|".join(sorted(variants, key=len, reverse=True))


@lru_cache(maxsize=256)
def _attribution_patterns(language: str, names: str) -> tuple[re.Pattern[str], ...]:
    p = profile(language)
    if not p.has_rules or not names:
        return ()
    # up to six words between verb and name: "said the company's chief executive, Anna Keller"
    word = r"(?:[^\s.!?;:«»“”„\"]{1,4}\.|[^\s.!?;:«»“”„\"]+,?)"
    gap = rf"(?:{word}[\s\u00a0]+){{0,6}}?"
    name = rf"(?P<n>(?<!\w)(?:{names}))(?!\w)"
    aux = rf"(?:(?:{p.auxiliary})[\s\u00a0]+)?" if p.auxiliary else ""
    patterns = [
        rf"(?<!\w)(?:{p.speech})[\s\u00a0]+{gap}{name}",  # said (the CEO) Keller
        rf"{name}(?:,[^,.!?«»“”„]{{1,80}},)?[\s\u00a0]+{aux}(?:{p.speech})(?!\w)",  # Keller said
    ]
    if p.source:
        patterns.append(rf"(?<!\w)(?:{p.source})[\s\u00a0]+{gap}{name}")
    if p.source_after:
        patterns.append(rf"{name}[\s\u00a0]+(?:{p.source_after})(?!\w)")
    return tuple(re.compile(x, re.IGNORECASE) for x in patterns)


def _named_in(text: str, speakers: tuple[str, ...], language: str) -> set[str]:
    patterns = _attribution_patterns(language, _name_alternation(speakers))
    found = {
        m.group("n")
        for pattern in patterns
        for m in pattern.finditer(text)
        if not _after_preposition(text[: m.start("n")], language)
    }
    return {s for s in speakers for n in found if same_person(" ".join(n.split()), s)}


def _after_preposition(before: str, language: str) -> bool:
    """True when the words before a name end with a preposition (titles passed over): "told
    to X", « à M. X », „zu Frau X“: an addressee, not the speaker."""
    p = profile(language)
    if p.source and re.search(rf"(?<!\w)(?:{p.source})[\s\u00a0]*$", before, re.IGNORECASE):
        return False  # "according to X", « d'après X »: the source, not an addressee
    prepositions = words_pattern(p.prepositions)
    titles = words_pattern(p.titles)
    last = re.findall(r"[\w’'-]+\.?", before)
    while last and titles is not None and titles.fullmatch(last[-1]):
        last.pop()
    return bool(last) and prepositions is not None and prepositions.fullmatch(last[-1]) is not None


def _first_named(clause: str, speakers: tuple[str, ...], language: str) -> str | None:
    """The first speaker named in ``clause`` (the words after a quotation's closing mark), when
    no pronoun comes first; a name after a preposition is an addressee or an affiliation
    ("told X", « à M. X », "spokeswoman of Y, X") and is passed over."""
    p = profile(language)
    names = re.compile(rf"(?<!\w)(?:{_name_alternation(speakers)})(?!\w)", re.IGNORECASE)
    pronouns = words_pattern(p.pronouns)
    prepositions = words_pattern(p.prepositions)
    titles = words_pattern(p.titles)
    for found in names.finditer(clause):
        before = clause[: found.start()]
        if pronouns is not None and pronouns.search(before):
            return None
        last = re.findall(r"[\w’'-]+\.?", before)
        while last and titles is not None and titles.fullmatch(last[-1]):
            last.pop()  # « à M. Dupont »: the word before the title
        if last and prepositions is not None and prepositions.fullmatch(last[-1]):
            continue
        matched = [s for s in speakers if same_person(" ".join(found.group(0).split()), s)]
        return matched[0] if len(matched) == 1 else None
    return None


def _pronoun_attribution(text: str, language: str) -> bool:
    """True when the attribution is a pronoun ("she said", « a-t-elle ajouté », „sagte er“) or,
    in a pro-drop language, a bare speech verb ("—añadió.", ", ha aggiunto.")."""
    p = profile(language)
    if not p.speech:
        return False
    verb = rf"(?:{p.speech})"
    pronoun = rf"(?:{p.pronouns})" if p.pronouns else None
    patterns = []
    if pronoun:
        patterns += [
            rf"(?<!\w){verb}[\s\u00a0-]+{pronoun}(?!\w)",
            rf"(?<![\w-]){pronoun}[\s\u00a0]+(?:(?:{p.auxiliary})[\s\u00a0]+)?{verb}(?!\w)",
            rf"(?<!\w)(?:{p.auxiliary or 'a'})-{pronoun}[\s\u00a0]+{verb}(?!\w)",
        ]
    if p.pro_drop:
        aux = rf"(?:(?:{p.auxiliary})[\s\u00a0]+)?" if p.auxiliary else ""
        patterns.append(rf"[,—–][\s\u00a0]*{aux}{verb}[\s\u00a0]*(?:[.,;—–]|$)")
    return any(re.search(x, text, re.IGNORECASE) for x in patterns)


def attributed_speaker(
    article: str,
    candidate: Candidate,
    speakers: Sequence[str],
    language: str = "",
    *,
    _depth: int = 0,
) -> str | None:
    """The speaker the article's attribution names for ``candidate`` (one of ``speakers``), or
    None when the attribution is absent or ambiguous (the model decides then).

    In order: the first name in the clause after the closing mark (« … », a déclaré M. X;
    "…," said the CEO, Anna Keller; „…“, sagte Keller), a speech verb or source marker next to
    one name anywhere in the sentence, a pronoun ("she said", « a-t-il ajouté ») continuing the
    speaker of the sentences before, and a sentence that is only a quotation continuing the one
    before it.
    """
    if not speakers or not profile(language).has_rules:
        return None
    spans = sentences(article, language)
    people = tuple(speakers)
    first = candidate.sentence
    last = sentence_of(spans, max(candidate.span[1] - 1, candidate.span[0]))
    start, end = spans[first - 1][0], spans[last - 1][1]
    text = _outside_quotes(article, start, end)
    if candidate.span[1] > candidate.span[0]:
        at = candidate.span[1]
        while at < end and article[at] in _CLOSING:
            at += 1
        clause = _outside_quotes(article, at, end).split("«»", 1)[0]
        if clause.lstrip()[:1] in (",", "—", "–"):
            if (named := _first_named(clause, people, language)) is not None:
                return named
    named_set = _named_in(text, people, language)
    if len(named_set) == 1:
        return named_set.pop()
    if named_set or _depth > 3:
        return None
    if _pronoun_attribution(text, language) or not re.search(r"[^\W\d_]", text):
        # a pronoun, or only a quotation: the speaker of the nearest sentence before it
        for back in range(first - 1, max(0, first - 4), -1):
            earlier = Candidate(0, "", (spans[back - 1][0], spans[back - 1][0]), back)
            found = attributed_speaker(article, earlier, people, language, _depth=_depth + 1)
            if found is not None:
                return found
    return None
