"""Date expressions per language: found in a sentence, resolved against the publication date.

Sentences written for the test; no model, no recording. Publication: Wednesday 29 October 2025.
"""

from __future__ import annotations

import datetime as dt

import pytest

from extract.assemble import build_record
from extract.text.dates import date_expression, find_date_expressions, find_date_text, resolve_date

WED = dt.date(2025, 10, 29)
PAST, PLANNED = False, True

CASES = [
    # language, sentence, planned, date_text, resolved against WED
    ("en", "The two leaders met on Tuesday in Tokyo.", PAST, "on Tuesday", "2025-10-28"),
    ("en", "They will meet on Tuesday in Tokyo.", PLANNED, "on Tuesday", "2025-11-04"),
    ("en", "They met on Wednesday.", PAST, "on Wednesday", "2025-10-29"),
    ("en", "They will meet next Wednesday.", PLANNED, "next Wednesday", "2025-11-05"),
    ("en", "They met last Monday.", PAST, "last Monday", "2025-10-27"),
    ("en", "She said yesterday the deal was done.", PAST, "yesterday", "2025-10-28"),
    ("en", "The deal will be signed tomorrow.", PLANNED, "tomorrow", "2025-10-30"),
    ("en", "The deal was signed Oct. 28 in Seoul.", PAST, "Oct. 28", "2025-10-28"),
    ("en", "Talks resume Sept. 3.", PLANNED, "Sept. 3", "2026-09-03"),
    ("en", "It was signed on 28 October 2024.", PAST, "on 28 October 2024", "2024-10-28"),
    ("en", "Talks are planned for October 30, 2025.", PLANNED, "October 30, 2025", "2025-10-30"),
    ("en", "They will meet next week.", PLANNED, "next week", None),
    ("en", "They may meet in May.", PLANNED, "in May", None),
    ("fr", "Les dirigeants se sont rencontrés ce mardi à Tokyo.", PAST, "ce mardi", "2025-10-28"),
    ("fr", "La rencontre prévue jeudi avec M. Xi.", PLANNED, "jeudi", "2025-10-30"),
    ("fr", "Ils se reverront lundi prochain.", PLANNED, "lundi prochain", "2025-11-03"),
    ("fr", "Il a signé hier l'accord.", PAST, "hier", "2025-10-28"),
    ("fr", "Il l'annoncera aujourd’hui.", PLANNED, "aujourd’hui", "2025-10-29"),
    ("fr", "L'accord entre en vigueur le 1er mars.", PLANNED, "le 1er mars", "2026-03-01"),
    ("fr", "Ils se sont vus le 27\u00a0octobre à Tokyo.", PAST, "le 27\u00a0octobre", "2025-10-27"),
    ("fr", "Ils se verront la semaine prochaine.", PLANNED, "la semaine prochaine", None),
    ("fr", "Le budget atteindra 2 % d'ici mars.", PLANNED, "d'ici mars", None),
    ("de", "Die Minister trafen sich am 28. Oktober in Berlin.", PAST, "am 28. Oktober",
     "2025-10-28"),
    ("de", "Beide haben am Dienstagabend unterzeichnet.", PAST, "am Dienstagabend", "2025-10-28"),
    ("de", "Gestern wurde der Vertrag unterzeichnet.", PAST, "Gestern", "2025-10-28"),
    ("de", "Er will sich am kommenden Montag treffen.", PLANNED, "am kommenden Montag",
     "2025-11-03"),
    ("de", "Die Frist endet am 28.10.2025.", PLANNED, "am 28.10.2025", "2025-10-28"),
    ("de", "Sie treffen sich nächste Woche.", PLANNED, "nächste Woche", None),
    ("es", "Firmaron el acuerdo el 3 de marzo.", PAST, "el 3 de marzo", "2025-03-03"),
    ("es", "Firmarán el 3 de marzo de 2026.", PLANNED, "el 3 de marzo de 2026", "2026-03-03"),
    ("es", "Los gobiernos firmaron este martes un memorando.", PAST, "este martes", "2025-10-28"),
    ("es", "Ayer se reunieron en Madrid.", PAST, "Ayer", "2025-10-28"),
    ("es", "Se reunirán mañana por la mañana.", PLANNED, "mañana", "2025-10-30"),
    ("es", "Se verán la próxima semana.", PLANNED, "la próxima semana", None),
    ("it", "Il contratto sarà firmato il 5 giugno.", PLANNED, "il 5 giugno", "2026-06-05"),
    ("it", "Hanno firmato ieri pomeriggio a Trieste.", PAST, "ieri", "2025-10-28"),
    ("it", "Firmato lunedì scorso a Roma.", PAST, "lunedì scorso", "2025-10-27"),
    ("it", "Oggi il sindaco incontra i genitori.", PLANNED, "Oggi", "2025-10-29"),
    ("it", "Si vedranno la settimana prossima.", PLANNED, "la settimana prossima", None),
]  # fmt: skip


@pytest.mark.parametrize(("language", "sentence", "planned", "text", "day"), CASES)
def test_expression_is_found_and_resolved(
    language: str, sentence: str, planned: bool, text: str, day: str | None
) -> None:
    assert find_date_text(sentence, language) == text
    assert sentence[slice(*date_expression(sentence, language).span)] == text  # type: ignore[union-attr]
    resolved = resolve_date(text, WED, planned=planned, language=language)
    assert (resolved.isoformat() if resolved else None) == day


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The two leaders met on Tuesday."),
        ("fr", "Ils se sont rencontrés hier."),
        ("de", "Sie trafen sich am 28. Oktober."),
        ("es", "Firmaron el 3 de marzo."),
    ],
)
def test_without_publication_date_relative_dates_stay_null(language: str, sentence: str) -> None:
    text = find_date_text(sentence, language)
    assert text is not None
    assert resolve_date(text, None, planned=False, language=language) is None


def test_a_year_in_the_words_needs_no_publication_date() -> None:
    assert resolve_date("le 28 octobre 2025", None, planned=False, language="fr") == dt.date(
        2025, 10, 28
    )


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "She may sign the deal soon."),  # the verb "may" is no month
        ("de", "Am Morgen wurde unterzeichnet."),  # the morning, not tomorrow
        ("es", "Se reunió por la mañana con el ministro."),  # the morning, not tomorrow
        ("fr", "Le ministre a parlé longuement."),
        ("en", "The talks on 03/04/2026 went well."),  # US or UK order: not guessed
    ],
)
def test_no_date_is_read_into_ordinary_words(language: str, sentence: str) -> None:
    assert find_date_text(sentence, language) is None


def test_a_day_named_as_a_limit_is_flagged_bound() -> None:
    found = find_date_expressions("cerrará antes del jueves un acuerdo", "es")
    assert [(e.text, e.bound) for e in found] == [("antes del jueves", True)]


def test_month_and_day_names_come_from_cldr_for_other_languages_too() -> None:
    assert resolve_date("op 28 oktober 2025", None, planned=False, language="nl") == dt.date(
        2025, 10, 28
    )


def test_impossible_days_resolve_to_nothing() -> None:
    assert resolve_date("le 30 février", WED, planned=True, language="fr") is None


# -- wired into the records --------------------------------------------------------------------

ARTICLE = (
    "Anna Berg a rencontré Carl Dahl ce mardi à Oslo. Ils signeront un accord d'ici le 3 mars."
)


def _meeting(published: dt.date | None, date: str | None = None) -> object:
    draft = {
        "evidence": "Anna Berg a rencontré Carl Dahl ce mardi à Oslo.",
        "participants": ["Anna Berg", "Carl Dahl"],
        "status": "held",
        "date": date,
    }
    return build_record("meetings", draft, ARTICLE, "fr", published=published)


def test_a_record_gets_date_text_and_the_date_resolved_from_publication() -> None:
    record = _meeting(WED)
    assert (record.date_text, record.date) == ("ce mardi", dt.date(2025, 10, 28))  # type: ignore[attr-defined]


def test_without_publication_the_date_is_null_and_date_text_kept_whatever_the_model_said() -> None:
    record = _meeting(None, date="2025-10-28")
    assert (record.date_text, record.date) == ("ce mardi", None)  # type: ignore[attr-defined]


def test_a_commitment_deadline_is_the_expression_the_model_pointed_at() -> None:
    evidence = "Ils signeront un accord d'ici le 3 mars."
    draft = {
        "evidence": evidence,
        "actor": "Anna Berg",
        "action": "sign the contract",
        "deadline": "3 March",
    }
    record = build_record("commitments", draft, ARTICLE, "fr", published=WED)
    assert (record.date_text, record.deadline) == ("d'ici le 3 mars", "2026-03-03")
    unknown = build_record("commitments", {**draft, "deadline": "2026-03-03"}, ARTICLE, "fr")
    assert (unknown.date_text, unknown.deadline) == ("d'ici le 3 mars", None)


def test_calendar_names_of_one_language_do_not_leak_into_another() -> None:
    # babel's own lookup stores a resolved alias in data other locales share: after Japanese,
    # Arabic's stand-alone months read "1月" (python-babel/babel#1234)
    from extract.text.dates import calendar_names

    calendar_names.cache_clear()
    assert calendar_names("ja").months["1月"] == 1
    calendar_names.cache_clear()
    arabic = calendar_names("ar")
    assert "1月" not in arabic.months and len(set(arabic.months.values())) == 12
    spanish = calendar_names("es")
    assert spanish.month_abbr["sept"] == 9 and "septiembre" not in spanish.month_abbr
