"""Which sentences may state a record: hints for the model, from the language profile's words.

A hint narrows what the model reads first; it is not a gate. When a profile finds no sentence
for a type, or the article's language has no profile, the strategy asks about every body
sentence instead (after a one-word yes/no question where a profile exists).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.text.grounding import fold
from extract.text.people import name_key, strip_accents
from extract.text.profiles import mentions, profile
from extract.text.sentences import OTHER_SCRIPT_ENDS

_BODY_END = re.compile(rf"[.!?»”\"'’…)\]{OTHER_SCRIPT_ENDS}]\s*$")


def is_body(sentence: str) -> bool:
    """A sentence of running text: it ends like one (headlines, captions, menus do not)."""
    return _BODY_END.search(sentence) is not None


def words(text: str) -> set[str]:
    """Folded words of ``text`` (accents and case removed)."""
    return set(re.findall(r"\w+", strip_accents(fold(text))))


def body_sentences(article: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """Numbers (1-based) of the sentences of running text."""
    return [n for n, (a, b) in enumerate(spans, 1) if is_body(article[a:b])]


def states_intention(sentence: str, language: str) -> bool:
    """True when the sentence carries a promise or plan in the profile's words or tenses
    (always False for a language without a profile: no rule, no hint)."""
    return mentions(profile(language).intention, sentence)


def sentences_about(
    kind: str,
    article: str,
    spans: Sequence[tuple[int, int]],
    people: Sequence[str],
    language: str,
) -> list[int]:
    """Numbers (1-based) of the body sentences that may state a record of ``kind``.

    ``meetings``: a meeting word, or two people named (by surname) in a joint act (signing,
    hosting). ``agreements``: an agreement word. ``commitments``: an intention.
    """
    p = profile(language)
    surnames = {key.split()[-1] for key in map(name_key, people) if key}
    out = []
    for number in body_sentences(article, spans):
        start, end = spans[number - 1]
        text = article[start:end]
        if kind == "meetings":
            hit = mentions(p.meeting, text) or (
                len(surnames & words(text)) >= 2 and mentions(p.joint_act, text)
            )
        elif kind == "agreements":
            hit = mentions(p.agreement, text)
        else:
            hit = mentions(p.intention, text)
        if hit:
            out.append(number)
    return out
