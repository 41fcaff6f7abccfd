"""People the article names: candidates for speakers and participants, titles stripped.

A heuristic list, never a judgement: it offers the model names, and the model may also give a
name outside it when the article contains that name (``extract.text.named`` checks). Rules, all
language-neutral or from language data:

- a name is two to four capitalised words (particles such as "von der", "da", "de" between them);
- leading words that are not part of a name are cut: titles and offices of the profile (and
  German productive titles: "Regierungschefin", "Vorstandschef"), abbreviations ("M.", "Dr."),
  CLDR month and weekday names, and any word the article also writes in lower case (a
  sentence-initial "The", "Am", "Selon": a name is never written in lower case);
- sequences holding a country name (CLDR, any profile language), a month or weekday name, or a
  company form ("AG", "Inc", "GmbH") are not people;
- a titled surname with no full name in the article ("Frau Keller", « M. Dupont ») is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError

from extract.text.countries import country_code
from extract.text.dates import calendar_names
from extract.text.profiles import PROFILES, profile, words_pattern

_PARTICLES = re.compile(
    r"von|van|der|den|de|del|della|di|da|das|dos|du|la|le|bin|ibn|al|ter|ten|zu|y"
)
_TOKEN = re.compile(r"[^\W\d_][\w’'-]*\.?")
_CAP = r"[^\W\d_][\w’'-]*"
_ELISION = re.compile(r"^(?:[^\W\d_]{1,4}['’])(?=\w)")  # l'avvocato, dell'ex, d'Alema
_GAP = re.compile(r"[ \u00a0\u202f]+")


def _runs(article: str) -> list[list[str]]:
    """Runs of capitalised words separated by spaces only (particles allowed inside).

    A run of three or more words right after a short lower-case word ("au Trésor Anna Weiss",
    "à Radio-Est Paul Marin") starts with a noun that word governs: it is cut."""
    runs: list[list[str]] = []
    current: list[str] = []
    pending: list[str] = []  # particles waiting for a capitalised word
    before: list[str] = []  # the lower-case word before each run
    previous = ""
    end = 0

    def close() -> None:
        if current:
            runs.append(current)
            before.append(previous_word)

    previous_word = ""
    for match in _TOKEN.finditer(article):
        word = match.group(0)
        joined = _GAP.fullmatch(article[end : match.start()]) is not None
        if not joined or current and current[-1].endswith(".") and len(current[-1]) > 2:
            close()
            current, pending = [], []
        end = match.end()
        if word[:1].isupper():
            if not current:
                previous_word = previous if joined else ""
            current.extend(pending)
            pending = []
            current.append(word)
        elif current and _PARTICLES.fullmatch(word):
            pending.append(word)
        else:
            close()
            current, pending = [], []
        previous = word
    close()
    out = []
    for run, lead in zip(runs, before, strict=True):
        if len(run) >= 3 and lead.islower() and len(lead) <= 3 and not is_company_form(run[-1]):
            run = run[1:]
        out += _split_particles(run)
    return out


def _split_particles(run: list[str]) -> list[list[str]]:
    """Particles belong to a surname ("von der Leyen", "da Silva"): a particle group followed by
    more than one capitalised word separates two names or nouns ("Vorbehalt der Behörden")."""
    for i, word in enumerate(run):
        if _PARTICLES.fullmatch(word):
            rest = [w for w in run[i:] if not _PARTICLES.fullmatch(w)]
            if len(rest) > 1:
                j = i
                while j < len(run) and _PARTICLES.fullmatch(run[j]):
                    j += 1
                return [run[:i], *_split_particles(run[j:])]
    return [run]


# Company forms: a sequence ending in one names an organisation, not a person.
COMPANY_FORMS = frozenset(
    "ag gmbh kg se sa sas sarl spa srl sl slu inc corp co ltd plc llc lp nv bv ab asa oy as "
    "group holding holdings".split()
)


def is_company_form(word: str) -> bool:
    """True when ``word`` is a legal form ("AG", "SpA", "Inc.")."""
    return strip_accents(word).casefold().rstrip(".") in COMPANY_FORMS


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    """Every word of every profile's titles, folded ("m", "mme", "frau", "presidente")."""
    words: set[str] = set()
    for p in PROFILES.values():
        for title in p.titles.split("|"):
            words.update(re.findall(r"\w+", strip_accents(title.replace("\\", "")).casefold()))
    return frozenset(words)


def name_key(name: str) -> str:
    """Comparison key: accents, case, punctuation and titles removed ("M. Trump" -> "trump")."""
    words = re.findall(r"\w+", strip_accents(name).casefold())
    kept = [w for w in words if w not in title_words()]
    return " ".join(kept or words)


def same_person(a: str, b: str) -> bool:
    """True when the names agree after normalisation, or one is the other's surname."""
    ka, kb = name_key(a).split(), name_key(b).split()
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    # a surname alone, or the last words of the longer form ("Reyes Ortúzar")
    return long_[len(long_) - len(short) :] == short


@lru_cache(maxsize=16)
def _calendar_words(language: str) -> frozenset[str]:
    """Month and weekday names of the language and of English, folded."""
    return calendar_names(language or "en").words() | calendar_names("en").words()


@lru_cache(maxsize=64)
def _lower_words(article: str) -> frozenset[str]:
    """Words the article writes in lower case somewhere (folded)."""
    return frozenset(w.casefold() for w in re.findall(r"\b[^\W\d_]+\b", article) if w.islower())


@lru_cache(maxsize=16)
def _own_titles(language: str) -> frozenset[str]:
    words = re.findall(r"\w+", strip_accents(profile(language).titles.replace("\\", "")))
    return frozenset(w.casefold() for w in words)


def _is_title(word: str, language: str) -> bool:
    p = profile(language)
    word = _ELISION.sub("", word)
    if strip_accents(word.rstrip(".")).casefold() in _own_titles(language):
        return True
    suffixes = words_pattern(p.title_suffixes)
    if suffixes is None:
        return False
    folded = word.casefold()
    return any(folded.endswith(s) and len(folded) > len(s) + 2 for s in p.title_suffixes.split("|"))


def _not_a_name_word(word: str, article: str, language: str) -> bool:
    folded = word.rstrip(".").casefold()
    p = profile(language)
    credit = words_pattern("|".join(x for x in (p.credit, p.source) if x))
    return (
        word.endswith(".")
        or _is_title(word, language)
        or (credit is not None and credit.fullmatch(word) is not None)
        or folded in _lower_words(article)
        or strip_accents(folded) in _calendar_words(language)
    )


@lru_cache(maxsize=16)
def _currency_words(language: str) -> frozenset[str]:
    out: set[str] = set()
    for code in {language or "en", "en"}:
        try:
            names = Locale.parse(code).currencies.values()  # noqa: B007
        except (UnknownLocaleError, ValueError):
            continue
        out.update(w for n in names for w in re.findall(r"\w+", strip_accents(n).casefold()))
    return frozenset(out)


def _function_word(word: str, language: str) -> bool:
    p = profile(language)
    pattern = words_pattern("|".join(x for x in (p.pronouns, p.determiners, p.credit) if x))
    return pattern is not None and pattern.fullmatch(word) is not None


def _is_place_or_company(words: list[str], language: str) -> bool:
    if is_company_form(words[-1]):
        return True
    if strip_accents(words[-1]).casefold() in _currency_words(language):
        return True  # "Milliarden Euro", "Million Dollars"
    for size in (3, 2, 1):  # "Vereinigte Staaten", "South Korea", "Japan"
        for i in range(len(words) - size + 1):
            if country_code(" ".join(words[i : i + size]), (language, "en")) is not None:
                return True
    return any(strip_accents(w).casefold() in _calendar_words(language) for w in words)


@lru_cache(maxsize=64)
def full_names(article: str, language: str = "") -> tuple[str, ...]:
    """Two-to-four-word names of people in the article, most frequent first."""
    counts: Counter[str] = Counter()
    for words in _runs(article):
        while words and _not_a_name_word(words[0], article, language):
            words = words[1:]
        words = [w.rstrip(".") if len(w) > 3 else w for w in words]  # a sentence's full stop
        while (
            len(words) > 2
            and words[-1].isupper()
            and len(words[-1]) <= 3
            and words[-1].casefold() not in COMPANY_FORMS
        ):
            words = words[:-1]  # post-nominals: "KC", "MP" (not a legal form: "AG", "SA")
        if profile(language).capitalised_nouns and len(words) > 2:
            words = words[-2:]  # "Analyst Benedikt Hoyer": nouns and titles before the name
        if not 2 <= len(words) <= 4 or not words[0][:1].isupper():
            continue
        if any(w.endswith(".") or _is_title(w, language) for w in words):
            continue
        if any(_function_word(w, language) for w in words):
            continue  # "Lesen Sie", "Unsere Kunden": a pronoun is no part of a name
        if _is_place_or_company(words, language):
            continue
        counts[" ".join(words)] += 1
    return tuple(name for name, _ in counts.most_common())


def canonical(name: str, article: str, language: str = "") -> str:
    """The article's full form of ``name``: "Mme Keller" -> "Anna Keller".

    A bare surname (after titles) becomes the most frequent full name in the article that ends
    with it; anything else keeps its words, titles removed.
    """
    words = [w for w in name.split() if name_key(w) not in title_words() and name_key(w)]
    if not words:
        return name.strip()
    if len(words) == 1:
        surname = name_key(words[0])
        for full in full_names(article, language):
            parts = name_key(full).split()
            if len(parts) >= 2 and parts[-1] == surname:
                return full
    return " ".join(words)


@lru_cache(maxsize=64)
def organisations(article: str, language: str = "") -> tuple[str, ...]:
    """Companies the article names with their legal form ("Kellwitz Logistik AG"): they may be
    speakers (a statement), never meeting participants."""
    out: list[str] = []
    for words in _runs(article):
        words = [w.rstrip(".") if len(w) > 4 else w for w in words]
        while words and _not_a_name_word(words[0], article, language):
            words = words[1:]
        if len(words) >= 2 and is_company_form(words[-1]) and " ".join(words) not in out:
            out.append(" ".join(words))
    return tuple(out)


def persons(article: str, language: str = "") -> list[str]:
    """People the article names, full names first (most frequent first), then titled surnames
    that no full name covers ("Frau Keller" -> "Keller")."""
    out = list(full_names(article, language))
    titles = words_pattern(profile(language).titles)
    if titles is not None:
        titled = re.compile(rf"{titles.pattern}[ \u00a0\u202f]+({_CAP})", re.IGNORECASE)
        for match in titled.finditer(article):
            surname = match.group(1)
            following = article[match.end() : match.end() + 40].split(None, 1)
            if following and following[0][:1].isupper() and not match.group(0).endswith(","):
                continue  # a first name: the full name is found above
            if not surname[:1].isupper() or _not_a_name_word(surname, article, language):
                continue
            if _is_place_or_company([surname], language):
                continue
            if not any(same_person(surname, p) for p in out):
                out.append(surname)
    return out
