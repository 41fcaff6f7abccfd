"""Person names: titles stripped, surnames mapped to the full names the article itself gives."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

TITLES = frozenset(
    "m mr mrs ms mme mlle dr prof président president presidente premier première ministre "
    "prime minister sir madame monsieur herr frau secrétaire secretary".split()
)
_UPPER = "A-ZÀ-ÖØ-ÞŒ"
_LOWER = "a-zß-öø-ÿœ"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[-‑][{_UPPER}][{_LOWER}]+)?"
_FULL_NAME = re.compile(rf"\b{_WORD}(?:[ \u00a0\u202f]{_WORD}){{1,2}}\b")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """Comparison key: accents, case, punctuation and titles removed ("M. Trump" -> "trump")."""
    words = re.findall(r"\w+", strip_accents(name).casefold())
    kept = [w for w in words if w not in TITLES]
    return " ".join(kept or words)


def same_person(a: str, b: str) -> bool:
    """True when the names agree after normalisation, or one is the other's surname."""
    ka, kb = name_key(a).split(), name_key(b).split()
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    return len(short) == 1 and short[0] == long_[-1]


@lru_cache(maxsize=64)
def full_names(article: str) -> tuple[str, ...]:
    """Capitalised two-or-three word names in the article, most frequent first."""
    counts = Counter(m.group(0) for m in _FULL_NAME.finditer(article))
    return tuple(name for name, _ in counts.most_common())


def canonical(name: str, article: str) -> str:
    """The article's full form of ``name``: "Mme Takaichi" -> "Sanae Takaichi".

    A bare surname (after titles) becomes the most frequent full name in the article that ends
    with it; anything else keeps its words, titles removed.
    """
    words = [w for w in name.split() if name_key(w) not in TITLES and name_key(w)]
    if not words:
        return name.strip()
    if len(words) == 1:
        surname = name_key(words[0])
        for full in full_names(article):
            parts = name_key(full).split()
            if len(parts) >= 2 and parts[-1] == surname and parts[0] not in TITLES:
                return full
    return " ".join(words)


# Capitalised words that start no person's name: determiners, titles, places, institutions.
NOT_NAMES = frozenset(
    strip_accents(word)
    for word in "le la les l un une des du de d au aux the a an der die das ein eine en el los "
    "las il lo "
    "mme m mr mrs ms dr président présidente premier première ministre secrétaire président "
    "état états etat etats unis united states japon japan chine china corée korea sud nord "
    "trésor commerce maison capitole parti logo getty images epoch times photo erfahren sie "
    "chinas einfluss transparenz exclusif usa asie asia pacifique pacific".split()
)
_TITLED = re.compile(rf"\b(?:M\.|Mme|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)[ \u00a0\u202f]({_WORD})")


def persons(article: str) -> list[str]:
    """People the article names, full names first (most frequent first), for speaker enums.

    A heuristic pre-filter, not a judgement: leading words that start no name ("État Marco
    Rubio") are cut, and titled surnames with no full name in the article ("M. Dupont") are kept
    as the surname.
    """
    out: list[str] = []
    for name in full_names(article):
        words = name.replace("\u00a0", " ").replace("\u202f", " ").split(" ")
        while words and name_key(words[0]) in NOT_NAMES | TITLES:
            words = words[1:]
        if len(words) >= 2 and not any(name_key(w) in NOT_NAMES | TITLES for w in words):
            person = " ".join(words)
            if person not in out:
                out.append(person)
    for match in _TITLED.finditer(article):
        surname = match.group(1)
        if not any(same_person(surname, p) for p in out) and name_key(surname) not in NOT_NAMES:
            out.append(surname)
    return out
