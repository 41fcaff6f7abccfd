"""The language layer as pure functions, per language, on lines written for these tests (no
model, no recording): quotation marks, country names from CLDR, names the article gives."""

from __future__ import annotations

from typing import Any

import pytest

from extract.text.countries import country_named_in, english_country
from extract.text.named import is_nullish, party_named, person_named
from extract.text.quotes import inside_quotation, quoted_spans
from extract.text.sentences import sentences


def quoted(text: str) -> list[str]:
    return [text[a:b] for a, b in quoted_spans(text)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en-us", "“We will build it,” she said.", ["We will build it,"]),
        ("en-us", 'He said "no" and "yes".', ["no", "yes"]),
        ("en-uk", "‘It’s a victory,’ said Ms Pendle.", ["It’s a victory,"]),
        ("en-uk", "'We don't agree,' he said.", ["We don't agree,"]),
        ("en", "“The judge called it ‘unfair’ today,” she said.",
         ["The judge called it ‘unfair’ today,", "unfair"]),
        ("en", "“First paragraph.\n“Second one,” she said.", ["First paragraph.", "Second one,"]),
        ("fr", "« Nous serons là », a déclaré M. Dupont.", ["\u00a0Nous serons là\u00a0"]),
        ("fr", "Il cite l’accord et « l’avenir ».", ["\u00a0l’avenir\u00a0"]),
        ("de", "„Wir haben eine Einigung“, sagte Jonas Brandt.", ["Wir haben eine Einigung"]),
        ("de", "»Das ist gut«, sagte er. »Und das auch.«", ["Das ist gut", "Und das auch."]),
        ("de", "„Er nannte es ‚fair‘“, so Keller.", ["Er nannte es ‚fair‘", "fair"]),
        ("es", "—Vamos a cumplir —dijo la alcaldesa—.", ["Vamos a cumplir"]),
        ("es", "«Es un buen acuerdo», afirmó.", ["Es un buen acuerdo"]),
        ("it", "«Una giornata storica», ha detto il sindaco.", ["Una giornata storica"]),
        ("pl", "„Tak” – powiedział.", ["Tak"]),
    ],
)  # fmt: skip
def test_quoted_passages_in_every_language(language: str, text: str, expected: list[str]) -> None:
    got = quoted(text.replace("« ", "«\u00a0").replace(" »", "\u00a0»"))
    assert got == expected, language


def test_the_text_between_quotes_is_not_a_quote() -> None:
    text = "„Ja“, sagte er. „Nein“, sagte sie."
    between = text.index(", sagte er.")
    assert not inside_quotation(text, (between, between + 10))
    assert inside_quotation(text, (1, 3))


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("Japon", "Japan"),
        ("les États‑Unis", "United States"),
        ("Vereinigte Staaten", "United States"),
        ("Estados Unidos", "United States"),
        ("Stati Uniti", "United States"),
        ("USA", "United States"),
        ("Corée du Sud", "South Korea"),
        ("Union européenne", "European Union"),
        ("Suisse", "Switzerland"),
        ("Nordwerk AG", "Nordwerk AG"),
    ],
)
def test_country_names_come_from_cldr(name: str, english: str) -> None:
    assert english_country(name) == english


def test_a_country_is_found_in_the_articles_language() -> None:
    assert country_named_in("JP", "Le Japon offrira des cerisiers.")
    assert country_named_in("DE", "Die Bundesregierung in Deutschland")
    assert not country_named_in("CN", "Le Japon offrira des cerisiers.")


def test_people_and_parties_must_be_named_in_the_article() -> None:
    article = "« Oui », a dit Mme Takaichi. La société Kellwitz et le Japon signeront."
    assert person_named("Sanae Takaichi", article)
    assert not person_named("Barack Obama", article)
    assert party_named("Kellwitz Logistik AG", article)
    assert party_named("Japan and Kellwitz", article)
    assert not party_named("China", article)
    assert party_named("the city", article)  # generic words only: cannot be checked


def test_a_quote_in_a_sentence_ending_in_another_scripts_full_stop_is_a_candidate() -> None:
    from extract.text.candidates import find_candidates

    # written for this test
    article = "首相の高市早苗氏は「協力を深める」と述べた。外相も出席した。"
    (candidate,) = find_candidates(article, "ja")
    assert (candidate.text, candidate.dropped) == ("協力を深める", None)
    assert len(sentences(article, "ja")) == 2


def test_in_a_caseless_script_a_name_is_found_without_spaces() -> None:
    article = "首相の高市早苗氏は「協力を深める」と述べた。"  # written for this test
    assert person_named("高市早苗", article)
    assert not person_named("山田太郎", article)


@pytest.mark.parametrize("value", ["null", "None", "unknown", "N/A", "not specified", "—"])
def test_placeholders_are_nullish(value: str) -> None:
    assert is_nullish(value)


@pytest.mark.parametrize("value", ["Paris", "2026", "Null Island Ltd", "nullable"])
def test_real_values_are_not_nullish(value: str) -> None:
    assert not is_nullish(value)


def test_every_strategy_gets_the_same_checks_after_the_model() -> None:
    from extract.assemble import assemble

    article = (
        "REUTLINGEN (dpa) – „Wir haben eine Einigung“, sagte Jonas Brandt. "
        "Die Stadt wird 40 Millionen Euro zahlen."
    )
    quote = {"speaker": "Jonas Brandt", "text": "Wir haben eine Einigung", "language": "de"}
    invented = {**quote, "speaker": "Barack Obama"}
    commitment = {
        "actor": "City of Reutlingen",
        "action": "pay the suppliers",
        "amount": "null",
        "deadline": "unknown",
        "evidence": "Die Stadt wird 40 Millionen Euro zahlen.",
    }
    extraction, rejected = assemble(
        {"quotes": [quote, invented], "commitments": [commitment, {**commitment, "actor": "n/a"}]},
        article,
        "de",
    )
    assert [q.speaker for q in extraction.quotes] == ["Jonas Brandt"]  # German marks accepted
    (kept,) = extraction.commitments
    assert kept.amount is None and kept.deadline is None
    reasons = sorted(r.reason for r in rejected)
    assert any("Barack Obama" in r and "not named" in r for r in reasons)
    assert any("actor" in r for r in reasons)


def _meeting_in(article: str, published: str | None = "2026-03-05") -> Any:
    import datetime as dt

    from extract.assemble import assemble

    evidence = article.split("\n")[0]
    draft = {
        "participants": ["Claire Morel", "Pieter Claes"],
        "status": "held",
        "evidence": evidence,
    }
    day = dt.date.fromisoformat(published) if published else None
    extraction, _ = assemble({"meetings": [draft]}, article, "de", published=day)
    return extraction.meetings[0]


BODY = "Claire Morel und Pieter Claes trafen sich am Montag in Brüssel zu Gesprächen.\n"


def test_a_caption_with_another_day_for_the_same_event_is_a_conflict() -> None:
    caption = "Foto: Claire Morel und Pieter Claes am 3. März 2026 in Brüssel. (Bild: dpa)"
    meeting = _meeting_in(BODY + caption)
    assert str(meeting.date) == "2026-03-02"  # the body's Monday before publication
    (conflict,) = meeting.conflicts
    assert (conflict.field, conflict.value, conflict.evidence) == ("date", "2026-03-03", caption)


def test_no_conflict_for_the_same_day_other_people_or_no_date() -> None:
    same = "Foto: Claire Morel und Pieter Claes am 2. März 2026 in Brüssel."
    others = "Foto: Anna Keller und Jonas Brandt am 3. März 2026 in Berlin."
    assert _meeting_in(BODY + same).conflicts == []
    assert _meeting_in(BODY + others).conflicts == []
    undated = _meeting_in(BODY + "Foto: Claire Morel und Pieter Claes am 3. März 2026.", None)
    assert undated.date is None and undated.conflicts == []


def test_a_quote_found_with_trailing_paragraph_breaks_is_trimmed_and_kept() -> None:
    from extract.assemble import assemble

    article = "«Llevábamos dos mercados detrás de Iker.\n\n»Y lo hemos logrado», dijo Lucía Ferrán."
    quote = {"speaker": "Lucía Ferrán", "text": "Llevábamos dos mercados detrás de Iker.\n\n"}
    extraction, rejected = assemble({"quotes": [{**quote, "language": "es"}]}, article, "es")
    assert rejected == []
    assert extraction.quotes[0].text == "Llevábamos dos mercados detrás de Iker."


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ("announces", "states no action (one word)"),
        ("developed a method to correct dust", "is a past fact"),
        ("pledged to cut emissions", None),  # an intention follows
        ("exceed the target", None),  # a base form ending in -ed
        ("open four terminals", None),
    ],
)
def test_a_commitment_action_must_state_a_future_action(action: str, problem: str | None) -> None:
    from extract.assemble import action_problem

    found = action_problem(action)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_quotes_cut_inside_a_word_and_amounts_not_in_the_evidence_are_refused() -> None:
    from extract.assemble import assemble

    article = (
        "« Nous livrerons les rames d'ici juin », a déclaré Claire Morel.\n"
        "La ville paiera 12 millions d'euros d'ici mars 2027."
    )
    cut = {"speaker": "Claire Morel", "text": "ous livrerons les rames"}
    whole = {"speaker": "Claire Morel", "text": "Nous livrerons les rames d'ici juin"}
    evidence = "La ville paiera 12 millions d'euros d'ici mars 2027."
    commitment = {"actor": "Claire Morel", "action": "pay the trains", "evidence": evidence}
    extraction, rejected = assemble(
        {
            "quotes": [cut, whole],
            "commitments": [
                {**commitment, "amount": "12 million euros", "deadline": "by March 2027"},
                {**commitment, "action": "pay more", "amount": "15 million", "deadline": "June"},
            ],
        },
        article,
        "fr",
    )
    assert [q.text for q in extraction.quotes] == ["Nous livrerons les rames d'ici juin"]
    assert any("inside a word" in r.reason for r in rejected)
    first, second = extraction.commitments
    assert first.amount == "12 million euros" and first.date_text == "d'ici mars 2027"
    assert second.amount is None and second.deadline is None  # numbers/months not in the evidence


def test_a_party_must_be_written_as_a_name_in_the_article() -> None:
    from extract.text.named import party_named, person_named

    article = (
        "Temperatures will fall sharply. The cold air brings snow, and temperatures stay low. "
        "Anna Keller of the National Nursing Federation said the nursing staff is ready."
    )
    assert not party_named("Temperatures", article)  # a common noun at a sentence start
    assert not person_named("Temperatures", article)
    assert party_named("National Nursing Federation", article)  # capitalised mid-sentence
    assert person_named("Anna Keller", article)
    assert party_named("the government", article)  # only generic words: cannot be checked
    assert person_named("משה כהן", "משה כהן אמר היום.")  # a script without case: no check


def test_countries_and_companies_are_never_meeting_participants() -> None:
    from extract.assemble import assemble

    article = "Anna Keller und Jonas Brandt von der Nordwerk AG trafen sich in Japan."
    meeting = {
        "participants": ["Anna Keller", "Nordwerk AG", "Japan", "Jonas Brandt"],
        "status": "held",
        "evidence": article,
    }
    alone = {**meeting, "participants": ["Anna Keller", "Nordwerk AG"]}
    extraction, rejected = assemble({"meetings": [meeting, alone]}, article, "de")
    assert [m.participants for m in extraction.meetings] == [["Anna Keller", "Jonas Brandt"]]
    assert [r.reason for r in rejected] == [
        "a meeting needs two participants the article names as people"
    ]
