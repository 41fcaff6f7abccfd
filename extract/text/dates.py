"""Dates in the article's own words: find the expression in a sentence, resolve it to a day.

Month and weekday names come from CLDR through babel (every width and context, and any prefix
of three letters or more of a full name written with a dot: "Oct.", "Sept.", "févr."), so any
language babel knows gets explicit dates and weekdays. A small profile per language adds what
CLDR does not hold: the words for yesterday/today/tomorrow, next/last, and the expressions that
name no single day ("next week", « la semaine prochaine »), and the words that may lead an
expression ("on", "le", "am", "el", "entro") so that ``date_text`` reads as the article wrote it.

The rule (``resolve_date``), against the publication date only, never a calendar guess:

- yesterday/today/tomorrow (and the day before/after) are publication -1/0/+1 (-2/+2);
- a weekday: a past event (held, signed) takes the most recent such day on or before
  publication, a planned one the next such day on or after it; "next"/« prochain »/„kommenden“
  means strictly after, "last"/« dernier »/„vergangenen“ strictly before;
- a day and a month: the year the expression gives, else the year that puts a past event on or
  before publication (a planned one on or after it); numeric forms (28.10.2025, 2025-10-28) too;
- an expression naming no single day (a week, a month, a year) resolves to None, and so does
  every relative one when the publication date is unknown.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from babel.core import Locale, UnknownLocaleError
from babel.localedata import Alias, load

Kind = Literal["relative", "weekday", "day", "vague"]


@dataclass(frozen=True)
class Profile:
    """What one language needs beyond CLDR's month and weekday names."""

    days: dict[str, int]  # yesterday/today/tomorrow: offset from publication
    next: tuple[str, ...]  # "next Monday" / "lundi prochain": strictly after
    last: tuple[str, ...]  # "last Monday" / "lundi dernier": strictly before
    lead: tuple[str, ...]  # words that may open a date expression ("on", "le", "am")
    vague: str  # regex of expressions naming no single day
    case_sensitive_names: bool = False  # English capitalises month and day names ("may")
    bound: tuple[str, ...] = ()  # leads that make a day a limit ("before Thursday"), not a date


PROFILES: dict[str, Profile] = {
    "en": Profile(
        days={"yesterday": -1, "today": 0, "tomorrow": 1},
        next=("next", "coming"),
        last=("last", "past"),
        lead=(
            "on",
            "by",
            "since",
            "until",
            "till",
            "before",
            "after",
            "from",
            "in",
            "this",
            "late",
            "early",
            "as of",
            "no later than",
        ),
        vague=r"(?:next|last|this|coming|past)\s+(?:week|weekend|month|year)"
        r"|later\s+this\s+(?:week|month|year)",
        case_sensitive_names=True,
        bound=("by", "until", "till", "before", "no later than"),
    ),
    "fr": Profile(
        days={"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "demain": 1, "après-demain": 2},
        next=("prochain", "prochaine"),
        last=("dernier", "dernière", "passé"),
        lead=(
            "le",
            "ce",
            "dès le",
            "dès",
            "depuis le",
            "avant le",
            "après le",
            "jusqu'au",
            "d'ici le",
            "d'ici",
            "à compter du",
            "au",
            "en",
            "du",
            "avant",
            "à partir du",
        ),
        vague=r"(?:la\s+semaine|le\s+mois|l['’]année|l['’]an)\s+(?:prochaine?|dernière?|passée?)"
        r"|cette\s+semaine|ce\s+mois(?:-ci)?|cette\s+année",
        bound=("avant le", "avant", "jusqu'au", "d'ici le", "d'ici"),
    ),
    "de": Profile(
        days={"vorgestern": -2, "gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2},
        next=("nächsten", "nächste", "kommenden", "kommende"),
        last=("letzten", "letzte", "vergangenen", "vergangene"),
        lead=(
            "am",
            "bis zum",
            "bis",
            "ab dem",
            "ab",
            "seit dem",
            "seit",
            "vom",
            "zum",
            "im",
            "vor dem",
            "spätestens am",
        ),
        vague=r"(?:in\s+der\s+|im\s+|noch\s+in\s+)?(?:nächste[nrm]?|kommende[nrm]?"
        r"|vergangene[nrm]?|letzte[nrm]?|diese[nrm]?)\s+(?:Woche|Monat|Jahr)",
        bound=("bis zum", "bis", "vor dem", "spätestens am"),
    ),
    "es": Profile(
        days={"anteayer": -2, "ayer": -1, "hoy": 0, "mañana": 1, "pasado mañana": 2},
        next=("próximo", "próxima", "que viene"),
        last=("pasado", "pasada"),
        lead=(
            "el",
            "este",
            "desde el",
            "antes del",
            "hasta el",
            "a partir del",
            "para el",
            "en",
            "del",
            "antes de",
            "para",
        ),
        vague=r"(?:la\s+)?(?:próxima|pasada|esta)\s+semana|(?:el\s+)?(?:próximo|pasado|este)\s+"
        r"(?:mes|año)|la\s+semana\s+(?:próxima|pasada|que\s+viene)"
        r"|el\s+(?:mes|año)\s+(?:próximo|pasado|que\s+viene)",
        bound=("antes del", "antes de", "hasta el"),
    ),
    "it": Profile(
        days={"l'altro ieri": -2, "ieri": -1, "oggi": 0, "domani": 1, "dopodomani": 2},
        next=("prossimo", "prossima"),
        last=("scorso", "scorsa"),
        lead=(
            "il",
            "lo",
            "entro il",
            "entro",
            "dal",
            "dall'",
            "fino al",
            "a partire dal",
            "da",
            "nel",
            "in",
            "a",
        ),
        vague=r"(?:la\s+)?settimana\s+(?:prossima|scorsa)|(?:il\s+)?mese\s+(?:prossimo|scorso)"
        r"|(?:l['’])?anno\s+(?:prossimo|scorso)|(?:la\s+)?prossima\s+settimana"
        r"|(?:il\s+)?prossimo\s+(?:mese|anno)|questa\s+settimana|quest['’]anno",
        bound=("entro il", "entro", "fino al"),
    ),
}
ORDINAL = {"en": r"(?:st|nd|rd|th)", "fr": r"(?:er|re)", "es": r"(?:º|°)", "it": r"(?:º|°)"}


@dataclass(frozen=True)
class DateExpression:
    """A date expression found in a sentence; ``span`` is within that sentence."""

    text: str
    span: tuple[int, int]
    kind: Kind
    offset: int | None = None  # relative: days from publication
    weekday: int | None = None  # 0 = Monday
    direction: Literal["next", "last"] | None = None  # weekday with "next"/"last"
    day: int | None = None
    month: int | None = None
    year: int | None = None
    bound: bool = False  # "before Thursday", « d'ici le 3 mars »: a limit, not the event's day

    @property
    def single_day(self) -> bool:
        """True when the expression names one day (it may still need a publication date)."""
        return self.kind != "vague"


def _alternation(words: Iterable[str]) -> str:
    unique = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in unique)


@dataclass(frozen=True)
class CalendarNames:
    """CLDR's month and weekday names of one language, as written (format and stand-alone
    forms): name -> month 1-12 or weekday 0-6."""

    months: dict[str, int]
    month_abbr: dict[str, int]  # CLDR abbreviations, without their dot
    days: dict[str, int]
    day_abbr: dict[str, int]

    def words(self) -> frozenset[str]:
        """Every name, folded (case and accents) and without a trailing dot."""
        names = (*self.months, *self.month_abbr, *self.days, *self.day_abbr)
        return frozenset(_plain(n) for n in names)


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().rstrip("."))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _cldr(data: Mapping[Any, Any], *keys: str) -> Mapping[Any, Any]:
    """``data[k1][k2]…`` of babel's raw locale data, aliases resolved without writing back.

    babel's own lookup (``get_month_names``, ``Locale.months``) stores a resolved alias in
    locale data shared with other locales: after Japanese, Arabic's stand-alone months read
    "1月" (babel 2.17 and 2.18; python-babel/babel#1234). Reading the raw data leaves it intact.
    """
    value: Any = data
    for key in keys:
        value = _resolved(value[key], data)
    return value  # type: ignore[no-any-return]


def _resolved(value: Any, data: Mapping[Any, Any]) -> Any:
    if isinstance(value, Alias):  # a path in the same locale's data
        target: Any = data
        for key in value.keys:
            target = target[key]
        return _resolved(target, data)
    if isinstance(value, tuple):  # an alias with local overrides: "sept" over "septiembre"
        alias, others = value
        return {**_resolved(alias, data), **others}
    return value


@lru_cache(maxsize=64)
def calendar_names(language: str) -> CalendarNames:
    """The language's month and weekday names from CLDR (babel): the one place they are read.
    Empty for a code babel does not know."""
    names = CalendarNames({}, {}, {}, {})
    try:
        data = load(str(Locale.parse(language)))
    except (UnknownLocaleError, ValueError):
        return names
    for context in ("format", "stand-alone"):
        for width, months, days in (
            ("wide", names.months, names.days),
            ("abbreviated", names.month_abbr, names.day_abbr),
        ):
            for number, name in _cldr(data, "months", context, width).items():
                months[name.rstrip(".")] = number
            for number, name in _cldr(data, "days", context, width).items():
                days[name.rstrip(".")] = number
    return names


@lru_cache(maxsize=64)
def _names(language: str) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    """Full month names, month abbreviations, full weekday names, weekday abbreviations,
    lower-cased unless the language capitalises them; every prefix of three letters or more of a
    full name counts as an abbreviation ("Sept." "févr.")."""
    cldr = calendar_names(language)
    profile = PROFILES.get(language)
    fold: Callable[[str], str] = (
        str if profile is not None and profile.case_sensitive_names else str.lower
    )
    months = {fold(n): k for n, k in cldr.months.items()}
    days = {fold(n): k for n, k in cldr.days.items()}
    month_abbr = {fold(n[:i]): k for n, k in cldr.months.items() for i in range(3, len(n))}
    month_abbr |= {fold(n): k for n, k in cldr.month_abbr.items()}
    day_abbr = {fold(n[:i]): k for n, k in cldr.days.items() for i in range(3, len(n))}
    day_abbr |= {fold(n): k for n, k in cldr.day_abbr.items()}
    return months, month_abbr, days, day_abbr


@lru_cache(maxsize=64)
def _patterns(language: str) -> list[tuple[Kind, re.Pattern[str]]]:
    profile = PROFILES.get(language)
    months, month_abbr, days, day_abbr = _names(language)
    if not months:
        return []
    flags = 0 if profile and profile.case_sensitive_names else re.IGNORECASE
    lead = rf"(?:(?i:{_alternation(profile.lead)})\s+)?" if profile else ""
    month = rf"(?P<month>{_alternation(months)}|(?:{_alternation(month_abbr)})\.)"
    month_near_day = rf"(?P<month>{_alternation(months)}|(?:{_alternation(month_abbr)})\.?)"
    ordinal = ORDINAL.get(language, r"(?!)")
    de = r"(?:\s+de)?" if language in ("es", "pt") else ""  # "28 de octubre", "28 de outubro"
    year = rf"(?:,?{de}\s+(?P<year>\d{{4}}))?"
    day = rf"(?P<day>\d{{1,2}})(?:{ordinal}|\.)?"
    suffix = r"\w*" if language == "de" else ""  # "Dienstagabend", "Dienstagnachmittag"
    weekday = rf"(?P<weekday>(?:{_alternation(days)}){suffix}|(?:{_alternation(day_abbr)})\.)"
    numeric = r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})"
    found: list[tuple[Kind, re.Pattern[str]]] = [
        ("day", re.compile(rf"{lead}\b(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b")),
        ("day", re.compile(rf"{lead}\b{numeric}\b")),
        ("day", re.compile(rf"{lead}\b{day}{de}\s+{month_near_day}(?!\w){year}", flags)),
    ]  # fmt: skip
    if language == "en" or profile is None:  # "Oct. 28", "October 28, 2025"
        month_day = rf"{month_near_day}\s+(?P<day>\d{{1,2}})(?:{ordinal})?(?!\d){year}"
        found.append(("day", re.compile(rf"{lead}\b{month_day}", flags)))
    if profile:
        nxt, last = _alternation(profile.next), _alternation(profile.last)
        relative = rf"(?P<relative>{_alternation(profile.days)})"
        found.append(("relative", re.compile(rf"{lead}(?<!\w){relative}(?!\w)", re.IGNORECASE)))
        found.append(
            (
                "weekday",
                re.compile(
                    rf"{lead}(?:(?i:(?P<pre>{nxt}|{last}))\s+)?\b{weekday}(?!\w)"
                    rf"(?:\s+(?i:(?P<post>{nxt}|{last}))(?!\w))?",
                    flags,
                ),
            )
        )
        found.append(("vague", re.compile(rf"{lead}(?<!\w)(?:{profile.vague})(?!\w)", re.I)))
        found.append(("vague", re.compile(rf"{lead}(?<!\w){month}{year}(?!\w)", flags)))
        found.append(("vague", re.compile(rf"(?i:{_alternation(profile.lead)})\s+\d{{4}}\b")))
    else:
        found.append(("weekday", re.compile(rf"\b{weekday}(?!\w)", flags)))
    return found


def _language(language: str | None) -> list[str]:
    if language and _names(language)[0]:
        return [language]
    return list(PROFILES)  # unknown: try the languages with a profile


def find_date_expressions(sentence: str, language: str | None = None) -> list[DateExpression]:
    """Every date expression in ``sentence``, in order, without overlaps (longest first).

    ``language`` is an ISO 639-1 code; when omitted or unknown to CLDR, the languages with a
    profile (en, fr, de, es, it) are all tried.
    """
    hits: list[DateExpression] = []
    for lang in _language(language):
        profile = PROFILES.get(lang)
        months, month_abbr, days, day_abbr = _names(lang)
        key: Callable[[str], str] = (
            str if profile is not None and profile.case_sensitive_names else str.lower
        )
        for kind, pattern in _patterns(lang):
            for match in pattern.finditer(sentence):
                groups = match.groupdict()
                text = match.group(0)
                if not text.strip():
                    continue
                fields: dict[str, object] = {}
                if kind == "relative" and profile:
                    word = re.sub(r"\s+", " ", groups["relative"]).lower().replace("’", "'")
                    offsets = {k.lower().replace("’", "'"): v for k, v in profile.days.items()}
                    if lang == "de" and groups["relative"] == "Morgen":
                        continue  # „am Morgen“: the morning, not tomorrow
                    if (
                        lang == "es"
                        and word == "mañana"
                        and re.search(r"(?i)\b(?:la|por)\s+$", sentence[: match.start("relative")])
                    ):
                        continue  # « por la mañana »: the morning
                    fields["offset"] = offsets.get(word)
                elif kind == "weekday":
                    name = key(groups["weekday"].rstrip("."))
                    number = days.get(name)
                    if number is None and lang == "de":
                        number = next((n for d, n in days.items() if name.startswith(d)), None)
                    if number is None:
                        number = day_abbr.get(name)
                    if number is None:
                        continue
                    fields["weekday"] = number
                    word = (groups.get("pre") or groups.get("post") or "").lower()
                    if profile and word:
                        fields["direction"] = (
                            "next" if word in {w.lower() for w in profile.next} else "last"
                        )
                elif kind == "day":
                    if groups.get("d"):
                        d, m, y = int(groups["d"]), int(groups["m"]), int(groups["y"])
                        if "/" in text and lang == "en":
                            if d <= 12 and m <= 12 and d != m:
                                continue  # 03/04/2026: US or UK order? not guessed
                            if m > 12:
                                d, m = m, d  # 10/28/2025
                        fields.update(day=d, month=m, year=y + 2000 if y < 100 else y)
                    else:
                        name = key(groups["month"].rstrip("."))
                        month = months.get(name) or month_abbr.get(name)
                        if month is None:
                            continue
                        year = groups.get("year")
                        fields.update(
                            day=int(groups["day"]), month=month, year=int(year) if year else None
                        )
                elif kind == "vague" and groups.get("month"):  # "d'ici mars", "im Mai 2026"
                    name = key(groups["month"].rstrip("."))
                    year = groups.get("year")
                    fields.update(
                        month=months.get(name) or month_abbr.get(name),
                        year=int(year) if year else None,
                    )
                lowered = re.sub(r"\s+", " ", text.lower().replace("’", "'"))
                if profile and any(lowered.startswith(b + " ") for b in profile.bound):
                    fields["bound"] = True
                span = (match.start(), match.end())
                hits.append(DateExpression(text, span, kind, **fields))  # type: ignore[arg-type]
    hits.sort(key=lambda h: (h.span[0], -(h.span[1] - h.span[0])))
    kept: list[DateExpression] = []
    for hit in hits:
        if kept and hit.span[0] < kept[-1].span[1]:
            continue
        kept.append(hit)
    return kept


def date_expression(sentence: str, language: str | None = None) -> DateExpression | None:
    """The date expression of ``sentence`` for a record: the first that names a single day,
    else the first that names a period ("next week"), else None."""
    found = find_date_expressions(sentence, language)
    for expression in found:
        if expression.single_day:
            return expression
    return found[0] if found else None


def find_date_text(sentence: str, language: str | None = None) -> str | None:
    """The words of ``date_expression`` (a record's ``date_text``), or None."""
    expression = date_expression(sentence, language)
    return expression.text if expression else None


def resolve_date(
    expression: str | DateExpression,
    published: dt.date | None,
    *,
    planned: bool,
    language: str | None = None,
) -> dt.date | None:
    """The day ``expression`` names (see the module's rule), or None when it names none or the
    publication date it would need is unknown.

    Args:
        expression: The article's words (``find_date_text``) or a found expression.
        published: The article's publication date.
        planned: True for a planned event or a deadline; False for one that took place.
        language: ISO 639-1 code of the words.
    """
    if isinstance(expression, str):
        found = [e for e in find_date_expressions(expression, language) if e.single_day]
        if not found:
            return None
        expression = found[0]
    e = expression
    if e.kind == "relative":
        if published is None or e.offset is None:
            return None
        return published + dt.timedelta(days=e.offset)
    if e.kind == "weekday" and e.weekday is not None:
        if published is None:
            return None
        ahead = (e.weekday - published.weekday()) % 7
        behind = (published.weekday() - e.weekday) % 7
        if e.direction == "next":
            return published + dt.timedelta(days=ahead or 7)
        if e.direction == "last":
            return published - dt.timedelta(days=behind or 7)
        return (
            published + dt.timedelta(days=ahead)
            if planned
            else published - dt.timedelta(days=behind)
        )
    if e.kind == "day" and e.day is not None and e.month is not None:
        try:
            if e.year is not None:
                return dt.date(e.year, e.month, e.day)
            if published is None:
                return None
            day = dt.date(published.year, e.month, e.day)
            if planned and day < published:
                day = dt.date(published.year + 1, e.month, e.day)
            elif not planned and day > published:
                day = dt.date(published.year - 1, e.month, e.day)
            return day
        except ValueError:  # 30 February
            return None
    return None


def iso_day(value: object) -> dt.date | None:
    """``value`` as a day when it is one written YYYY-MM-DD (or a date already), else None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def months_named(text: str, language: str | None) -> set[int]:
    """Months (1-12) that ``text`` names by a full CLDR name in ``language`` or English."""
    found: set[int] = set()
    words = re.findall(r"[^\W\d_]+", text)
    for lang in {language or "en", "en"}:
        months = _names(lang)[0]
        for word in words:
            number = months.get(word) or months.get(word.lower())
            if number is not None and not (lang == "en" and word == "may"):
                found.add(number)
    return found


def stated_in(value: str, sentence: str, language: str | None) -> bool:
    """True when every number and month ``value`` names is in ``sentence`` (an amount or a
    deadline the model wrote must come from its evidence; months may be translated)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return True  # a day: resolved from the evidence's own words by the date rules
    numbers = {int(n) for n in re.findall(r"\d+", value)}
    if not numbers <= {int(n) for n in re.findall(r"\d+", sentence)}:
        return False
    return months_named(value, "en") <= months_named(sentence, language)
