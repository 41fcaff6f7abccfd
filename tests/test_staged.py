"""Code-side parts of the small-model strategies: candidates, people, sentence numbers,
semantics; and the staged flow against SYNTHETIC replies (tests/synthetic.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import httpx2

from extract.articles import Article
from extract.backend import LLM
from extract.candidates import find_candidates
from extract.grounding import sentences
from extract.language import detect_language
from extract.names import persons
from extract.pipeline import extract_one
from extract.semantics import refine, supported_date
from extract.settings import Settings
from tests.synthetic import completion

EPOCH = "001_5124b9fb7c3dca3d"


def test_candidates_are_verbatim_and_non_speech_is_filtered(seed_texts: dict[str, str]) -> None:
    article = seed_texts[EPOCH]
    found = find_candidates(article)
    for cand in found:
        assert article[cand.span[0] : cand.span[1]] == cand.text
    dropped = {c.text[:20]: c.dropped for c in found if c.dropped}
    assert dropped == {
        "nouvel âge d’or": "headline or caption (no sentence punctuation)",
        "en vue d’un nouvel â": "title of a document",
        "Cet accord aidera le": "excerpt of a document, no human speaker",
        "les participants env": "excerpt of a document, no human speaker",
    }
    kept = [c.text for c in found if not c.dropped]
    assert len(kept) == 9 and "C’est considérable." in kept


def test_every_golden_quote_is_a_kept_candidate(seed_texts: dict[str, str]) -> None:
    from pathlib import Path

    golden = Path(__file__).resolve().parent.parent / "golden"
    for article_id, article in seed_texts.items():
        kept = {c.span for c in find_candidates(article) if not c.dropped}
        doc = json.loads((golden / f"{article_id}.json").read_text(encoding="utf-8"))
        for quote in doc["quotes"]:
            assert tuple(quote["span"]) in kept, (article_id, quote["text"])


def test_sentences_do_not_split_after_titles_or_inside_quotes(seed_texts: dict[str, str]) -> None:
    article = seed_texts[EPOCH]
    texts = [article[a:b].replace("\u00a0", " ") for a, b in sentences(article)]
    assert "« C’est considérable. »" in texts
    assert any(t.endswith("a déclaré M. Trump.") for t in texts)


def test_people_are_the_articles_person_names(seed_texts: dict[str, str]) -> None:
    people = persons(seed_texts[EPOCH])
    assert people[:2] == ["Donald Trump", "Sanae Takaichi"]
    assert {"Marco Rubio", "Scott Bessent", "Xi Jinping"} <= set(people)
    assert not any(p.startswith(("État", "Trésor", "Logo", "Le ")) for p in people)


def test_language_detection() -> None:
    assert (
        detect_language("Le président a signé un accord avec le Japon et les États-Unis.") == "fr"
    )
    assert detect_language("The president signed an agreement with Japan and the US.") == "en"


def test_dates_are_kept_only_when_the_sentence_supports_them() -> None:
    sentence = "Trump a rencontré Takaichi à Tokyo, le 27 octobre, pour des entretiens."
    assert supported_date("2025-10-27", sentence, None, "held") == "2025-10-27"
    assert supported_date("2023-02-22", sentence, None, "held") is None
    # a weekday resolves against the publication date: back for held, forward for planned
    tuesday = dt.date(2025, 10, 28)
    assert supported_date(None, "La rencontre prévue jeudi", tuesday, "planned") == "2025-10-30"
    assert supported_date(None, "signé lundi", tuesday, "signed") == "2025-10-27"
    assert supported_date(None, "signé lundi", None, "signed") is None


def test_refine_drops_lone_meetings_and_merges_duplicates() -> None:
    ev = {"evidence": "Un accord a été signé.", "span": (0, 22)}
    records = refine(
        {
            "meetings": [
                {**ev, "participants": ["Donald Trump", "M. Trump"], "status": "held"},
                {**ev, "participants": ["Donald Trump", "Sanae Takaichi"], "status": "held"},
                {**ev, "participants": ["Sanae Takaichi", "Trump"], "status": "held"},
            ],
            "agreements": [
                {**ev, "title": "Rare earths agreement", "status": "signed"},
                {**ev, "title": "Rare earths agreement signed", "status": "signed"},
                {**ev, "title": "Trade talks", "status": "negotiating"},  # no negotiation words
                {"evidence": "Il pleut.", "span": (0, 9), "title": "Rain", "status": "signed"},
            ],
            "commitments": [],
            "quotes": [],
        },
        "Un accord a été signé.",
        None,
    )
    assert [m["participants"] for m in records["meetings"]] == [["Donald Trump", "Sanae Takaichi"]]
    assert len(records["agreements"]) == 1


def test_staged_flow_asks_one_question_per_candidate_and_type(settings: Settings) -> None:
    article = (
        "Donald Trump a rencontré Sanae Takaichi à Tokyo.\n"
        "« Nous sommes des alliés », a déclaré M. Trump.\n"
        "La rencontre fut « un honneur » pour les deux.\n"
        "Le Japon offrira 250 cerisiers à Washington."
    )
    replies = [
        {"speaker": "Sanae Takaichi"},  # "un honneur": no attribution pattern, the model names
        {"meetings": [{"participants": ["Donald Trump", "Sanae Takaichi"], "sentence": 1,
                       "status": "held", "date": None, "location": "Tokyo", "topics": []}]},
        {"agreements": []},
        {"commitments": [{"actor": "Japan", "action": "give 250 cherry trees",
                          "amount": "250 cherry trees", "deadline": None, "sentence": 4}]},
    ]  # fmt: skip
    seen: list[dict[str, object]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        return httpx2.Response(200, json=completion(replies[len(seen) - 1]))

    async def go():  # type: ignore[no-untyped-def]
        s = settings.with_(strategy="staged")
        llm = LLM(s, transport=httpx2.MockTransport(handler))
        try:
            return await extract_one(Article("a", article), s, llm)
        finally:
            await llm.aclose()

    result = asyncio.run(go())
    # the Trump quote is attributed by code (", a déclaré M. Trump"): no call for it
    names = [m["response_format"]["json_schema"]["name"] for m in seen]  # type: ignore[index]
    assert names == ["Speaker", "Meetings", "Agreements", "Commitments"]
    prefixes = {m["messages"][1]["content"].split("Question:")[0] for m in seen}  # type: ignore[index]
    assert len(prefixes) == 1  # every call shares the same prompt prefix
    quotes = [(q.speaker, q.text) for q in result.extraction.quotes]
    assert quotes == [("Donald Trump", "Nous sommes des alliés"), ("Sanae Takaichi", "un honneur")]
    assert (
        result.extraction.meetings[0].evidence == "Donald Trump a rencontré Sanae Takaichi à Tokyo."
    )
    (commitment,) = result.extraction.commitments
    assert article[commitment.span[0] : commitment.span[1]].startswith("Le Japon offrira")
    assert result.language == "fr" and result.usage.calls == 4
