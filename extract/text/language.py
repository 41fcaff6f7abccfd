"""The article's language, from a library made for it (py3langid: 97 languages, offline, its
model ships in the wheel). Used when the article's metadata does not say."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_MIN_LETTERS = 20  # below this a guess is noise: the caller's default is kept


@lru_cache(maxsize=32)
def _identifier(languages: tuple[str, ...] = ()) -> Any:
    """The identifier, restricted to ``languages`` when given. The model is read once (0.75 s);
    a restricted one is a shallow copy whose ``set_languages`` rebinds its own arrays."""
    if languages:
        identifier = copy.copy(_identifier())
        identifier.set_languages(list(languages))
        return identifier
    from py3langid import langid

    return langid.LanguageIdentifier.from_modelpath(
        Path(langid.MODEL_DIR) / langid.MODEL_FILE, norm_probs=True
    )


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of ``text``'s language (``default`` for text too short to tell)."""
    if sum(c.isalpha() for c in text) < _MIN_LETTERS:
        return default
    code, _ = _identifier().classify(text)
    return str(code)


def written_in(text: str, language: str, *, against: str = "en") -> float:
    """Probability that ``text`` is in ``language`` rather than ``against`` (two-way choice, so
    a short phrase is judged between the two languages that matter)."""
    if language == against:
        return 1.0
    try:
        identifier = _identifier(tuple(sorted((language, against))))
    except ValueError:  # a language the model does not know
        return 0.0
    ranked = dict(identifier.rank(text))
    return float(ranked.get(language, 0.0))


def untranslated(text: str, language: str, article: str) -> bool:
    """True when ``text`` (a field the model must write in English) is in ``language``: the
    whole of it, or one of its longer lower-case words copied from ``article`` untranslated
    ("open a 'ère dorée' in the relations bilatérales")."""
    if len(text.split()) >= 3 and written_in(text, language) > 0.9:
        return True
    copied = (
        w for w in re.findall(r"[^\W\d_]{6,}", text) if w.islower() and w in article.casefold()
    )
    return any(written_in(w, language) > 0.95 for w in copied)
