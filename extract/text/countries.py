"""Country names in many languages, from CLDR (babel): "Japon", "Giappone", "Vereinigte Staaten"
-> the English name. No table of our own: a country the data knows is known in every language
it covers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import Locale

# Languages whose CLDR country names are matched (the profile languages, plus close neighbours);
# English is always included.
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
# Abbreviations the press uses that CLDR does not list as names (ISO alpha-2 codes are taken as
# they are): "USA", "U.S.", "EE. UU.", "UE" (EU in French, Spanish, Italian).
ABBREVIATIONS = {"usa": "US", "u s": "US", "u s a": "US", "ee uu": "US", "ue": "EU"}


def _key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """(folded name in any language -> region code, region code -> folded names)."""
    by_name: dict[str, str] = {}
    by_code: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code.isdigit() or code in ("ZZ", "QO", "UN", "EZ"):
                continue  # world regions, "unknown", "outlying Oceania", organisations' areas
            key = _key(name)
            by_name.setdefault(key, code)
            by_code.setdefault(code, set()).add(key)
    return by_name, {code: frozenset(names) for code, names in by_code.items()}


def country_code(name: str, languages: tuple[str, ...] | None = None) -> str | None:
    """The CLDR region code of a country name in any covered language (or only in
    ``languages``: "Malte" is Malta in French, a first name in German), or None."""
    key = _key(re.sub(r"^(les?|la|l['’]|the|die|der|el|los|las|il|lo|gli)\s+", "", name.strip(),
                      flags=re.IGNORECASE))  # fmt: skip
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key]
    if re.fullmatch(r"[A-Z]{2}", name.strip()) and name.strip() in _names()[1]:
        return name.strip()
    if languages is not None:
        return _in_languages(tuple(sorted(set(languages)))).get(key)
    return _names()[0].get(key)


@lru_cache(maxsize=16)
def _in_languages(languages: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for language in languages:
        try:
            territories = Locale.parse(language).territories
        except (ValueError, LookupError):
            continue
        for code, name in territories.items():
            if not code.isdigit() and code not in ("ZZ", "QO", "UN", "EZ"):
                out.setdefault(_key(name), code)
    return out


def english_country(name: str) -> str:
    """The English name of a country written in any covered language ("Japon" -> "Japan");
    anything else unchanged."""
    code = country_code(name)
    if code is None:
        return name.strip()
    return str(Locale.parse("en").territories[code])


def country_named_in(code: str, text: str) -> bool:
    """True when ``text`` names the country ``code`` in any covered language."""
    folded = f" {_key(text)} "
    abbreviations = {k for k, v in ABBREVIATIONS.items() if v == code}
    names = _names()[1].get(code, frozenset()) | abbreviations
    return (
        any(f" {name} " in folded for name in names) or re.search(rf"\b{code}\b", text) is not None
    )
