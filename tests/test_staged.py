"""Code-side parts of the small-model strategies: candidates, people, sentence numbers,
semantics; and the staged flow against SYNTHETIC replies (tests/synthetic.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

from extract.articles import Article
from extract.drafts import draft
from extract.llm.backend import LLM
from extract.models import ExtractionResult
from extract.pipeline import extract_one
from extract.settings import Settings
from extract.strategies.checks import refine
from extract.text.candidates import find_candidates
from extract.text.dates import stated_in
from extract.text.hints import sentences_about
from extract.text.language import detect_language
from extract.text.people import persons
from extract.text.sentences import sentences
from tests.synthetic import completion

EPOCH = "001_5124b9fb7c3dca3d"


def test_candidates_are_verbatim_and_non_speech_is_filtered(seed_texts: dict[str, str]) -> None:
    article = seed_texts[EPOCH]
    found = find_candidates(article, "fr")
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
        kept = {c.span for c in find_candidates(article, "fr") if not c.dropped}
        doc = json.loads((golden / f"{article_id}.json").read_text(encoding="utf-8"))
        for quote in doc["quotes"]:
            assert tuple(quote["span"]) in kept, (article_id, quote["text"])


def test_sentences_do_not_split_after_titles_or_inside_quotes(seed_texts: dict[str, str]) -> None:
    article = seed_texts[EPOCH]
    texts = [article[a:b].replace("\u00a0", " ") for a, b in sentences(article, "fr")]
    assert "« C’est considérable. »" in texts
    assert any(t.endswith("a déclaré M. Trump.") for t in texts)


def test_people_are_the_articles_person_names(seed_texts: dict[str, str]) -> None:
    people = persons(seed_texts[EPOCH], "fr")
    assert people[:2] == ["Donald Trump", "Sanae Takaichi"]
    assert {"Marco Rubio", "Scott Bessent", "Xi Jinping"} <= set(people)
    assert not any(p.startswith(("État", "Trésor", "Logo", "Le ")) for p in people)


def test_language_detection() -> None:
    assert (
        detect_language("Le président a signé un accord avec le Japon et les États-Unis.") == "fr"
    )
    assert detect_language("The president signed an agreement with Japan and the US.") == "en"


def typed(records: dict[str, list[dict[str, Any]]]) -> dict[Any, list[Any]]:
    """Drafts from plain fields, as a strategy makes them from a model's answers."""
    return {kind: [draft(kind, fields) for fields in items] for kind, items in records.items()}  # type: ignore[arg-type]


def test_refine_drops_lone_meetings_and_merges_duplicates() -> None:
    ev = {"evidence": "Un accord a été signé.", "span": (0, 22)}
    records, dropped = refine(
        typed({
            "meetings": [
                {**ev, "participants": ["Donald Trump", "M. Trump"], "status": "held"},
                {**ev, "participants": ["Donald Trump", "Sanae Takaichi"], "status": "held"},
                {**ev, "participants": ["Sanae Takaichi", "Trump"], "status": "held"},
            ],
            "agreements": [
                {**ev, "title": "Rare earths agreement", "status": "signed"},
                {**ev, "title": "Rare earths agreement signed", "status": "signed"},
                # no negotiation words in a hinted sentence
                {**ev, "title": "Trade talks", "status": "negotiating"},
                # no agreement word in a hinted sentence
                {"evidence": "Il pleut.", "span": (23, 32), "title": "Rain", "status": "signed"},
                # a sentence code did not hint: the model's judgement stands (hint, not gate)
                {"evidence": "Ils ont conclu.", "span": (33, 48), "title": "Port deal",
                 "status": "signed"},
            ],
            "commitments": [],
            "quotes": [],
        }),
        "fr",
        {"agreements": [(0, 22), (23, 32)]},  # the spans of the sentences code hinted
    )  # fmt: skip
    assert [m.participants for m in records["meetings"]] == [["Donald Trump", "Sanae Takaichi"]]
    assert [a.title for a in records["agreements"]] == ["Rare earths agreement", "Port deal"]
    reasons = [reason for _, reason, _ in dropped]
    assert "status negotiating not supported by the sentence" in reasons
    assert "the sentence names no agreement" in reasons


FLOW_ARTICLE = (
    "Donald Trump a rencontré Sanae Takaichi à Tokyo.\n"
    "« Nous sommes des alliés », a déclaré M. Trump.\n"
    "La rencontre fut « un honneur » pour les deux.\n"
    "Le Japon offrira 250 cerisiers à Washington."
)
FLOW_REPLIES = [
    {"speaker": "Sanae Takaichi"},  # "un honneur": no attribution pattern, the model names
    {"meetings": [{"sentence": 1, "participants": ["Donald Trump", "Sanae Takaichi"],
                   "status": "held", "date": None, "location": "Tokyo", "topics": []}]},
    {"answer": "no"},  # no sentence names an agreement: one yes/no question, no list
    {"commitments": [{"sentence": 4, "actor": "Japan", "action": "give 250 cherry trees",
                      "amount": "250 cherry trees", "deadline": "by 2030"}]},
]  # fmt: skip


def _run_flow(
    settings: Settings, replies: list[dict[str, Any]] = FLOW_REPLIES
) -> tuple[list[dict[str, Any]], ExtractionResult]:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        return httpx2.Response(200, json=completion(replies[len(seen) - 1]))

    async def go() -> ExtractionResult:
        llm = LLM(settings, transport=httpx2.MockTransport(handler))
        try:
            return await extract_one(Article("a", FLOW_ARTICLE), settings, llm)
        finally:
            await llm.aclose()

    return seen, asyncio.run(go())


def test_staged_flow_asks_one_question_per_candidate_and_type(settings: Settings) -> None:
    seen, result = _run_flow(settings.with_(strategy="staged"))
    # the Trump quote is attributed by code (", a déclaré M. Trump"): no call for it; no
    # sentence names an agreement: a yes/no question instead of a list (a hint, not a gate)
    names = [m["response_format"]["json_schema"]["name"] for m in seen]
    assert names == ["Speaker", "Meetings", "YesNo", "Commitments"]
    prefixes = {m["messages"][1]["content"].split("Question:")[0] for m in seen}
    assert len(prefixes) == 1  # every call shares the same prompt prefix
    # the model chooses among the sentences code found: questions and enums say which
    questions = [m["messages"][1]["content"].split("Question:")[1] for m in seen]
    assert questions[1].startswith(" Sentences [1], [3] may report meetings")
    assert questions[2].startswith(" Does the article report an agreement")
    assert questions[3].startswith(" Sentences [4] may state promises")
    schema = seen[1]["response_format"]["json_schema"]["schema"]
    assert schema["$defs"]["Meeting"]["properties"]["sentence"]["enum"] == [1, 3]
    quotes = [(q.speaker, q.text) for q in result.extraction.quotes]
    assert quotes == [("Donald Trump", "Nous sommes des alliés"), ("Sanae Takaichi", "un honneur")]
    assert (
        result.extraction.meetings[0].evidence == "Donald Trump a rencontré Sanae Takaichi à Tokyo."
    )
    (commitment,) = result.extraction.commitments
    assert FLOW_ARTICLE[commitment.span[0] : commitment.span[1]].startswith("Le Japon offrira")
    assert commitment.amount == "250 cherry trees"  # its number is in the sentence
    assert commitment.deadline is None  # "by 2030" is not: made up, dropped
    assert result.language == "fr" and result.usage.calls == 4


@pytest.mark.parametrize(
    ("answer", "speaker", "rejected"),
    [
        ("Takaichi", "Sanae Takaichi", None),  # not in the list as written: the article's form
        ("Sanae Takaichi KC", "Sanae Takaichi", None),  # a listed name inside the answer
        ("Barack Obama", None, "speaker 'Barack Obama' is not named in the article"),
        ("Washington", None, "speaker 'Washington': one word, not a name the article gives"),
    ],
)
def test_the_model_may_name_a_speaker_outside_the_list_when_the_article_names_them(
    settings: Settings, answer: str, speaker: str | None, rejected: str | None
) -> None:
    replies = [{"speaker": answer}, *FLOW_REPLIES[1:]]
    seen, result = _run_flow(settings.with_(strategy="staged"), replies)
    schema = seen[0]["response_format"]["json_schema"]["schema"]["properties"]["speaker"]
    assert {"type": "string", "minLength": 2, "maxLength": 60} in schema["anyOf"]
    assert answer not in schema["anyOf"][0]["enum"]  # the list: names code found
    speakers = {q.text: q.speaker for q in result.extraction.quotes}
    assert speakers.get("un honneur") == speaker
    reasons = [r.reason for r in result.rejected if r.type == "quotes"]
    assert reasons == ([rejected] if rejected else [])


def test_gbnf_mode_sends_a_grammar_without_line_breaks_instead_of_the_schema(
    settings: Settings,
) -> None:
    s = settings.with_(strategy="staged", base_url="http://127.0.0.1:8080/v1", mode="auto")
    assert s.mode == "gbnf"  # llama-server's port on this machine
    seen, result = _run_flow(s)
    assert len(seen) == 4
    for body in seen:
        assert body["response_format"] == {"type": "text"}
        assert body["grammar"].startswith('root ::= "{" sp ') and 'sp ::= " "?' in body["grammar"]
    assert '"\\"speaker\\""' in seen[0]["grammar"] and '"\\"none\\""' in seen[0]["grammar"]
    assert [q.speaker for q in result.extraction.quotes] == ["Donald Trump", "Sanae Takaichi"]


@pytest.mark.parametrize(
    ("base_url", "mode"),
    [
        ("http://127.0.0.1:8080/v1", "gbnf"),
        ("http://localhost:8080/v1", "gbnf"),
        ("http://127.0.0.1:11434/v1", "json_schema"),  # Ollama
        ("http://10.0.0.5:8080/v1", "json_schema"),  # not this machine: unknown server
        ("https://api.openai.com/v1", "json_schema"),
    ],
)
def test_mode_auto_picks_gbnf_only_for_llama_server_on_this_machine(
    base_url: str, mode: str
) -> None:
    assert Settings(base_url=base_url).mode == mode
    assert Settings(base_url=base_url, mode="json_schema").mode == "json_schema"


def test_sentences_about_each_record_type() -> None:
    article = (
        "Sommet franco-allemand\n"  # a headline: not a body sentence
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin.\n"
        "Emmanuel Macron et Olaf Scholz ont signé un accord sur l'énergie.\n"
        "Le traité de 1963 reste la base.\n"
        "La France livrera 20 trains d'ici 2027.\n"
        "Il pleuvait."
    )
    spans = sentences(article, "fr")
    people = persons(article, "fr")
    assert sentences_about("meetings", article, spans, people, "fr") == [2, 3]
    assert sentences_about("agreements", article, spans, people, "fr") == [3, 4]
    assert sentences_about("commitments", article, spans, people, "fr") == [5]
    assert sentences_about("commitments", article, spans, people, "ja") == []  # no profile


def test_amounts_and_deadlines_must_be_in_their_sentence() -> None:
    sentence = "Le Japon portera son budget à 2 % du PIB d'ici mars 2026."
    assert stated_in("2% of GDP", sentence, "fr")
    assert stated_in("by March 2026", sentence, "fr")  # the month translated
    assert not stated_in("by June", sentence, "fr")  # another month
    assert not stated_in("2030", sentence, "fr")  # a number the sentence does not say
    assert stated_in("soon", sentence, "fr")  # nothing to check


def test_answer_models_build_their_schema_once_and_hand_out_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import BaseModel
    from pydantic.json_schema import model_json_schema

    from extract.strategies.base import AnswerModel

    class Reply(AnswerModel):
        sentence: int

    built: list[type[BaseModel]] = []
    original = BaseModel.model_json_schema.__func__  # type: ignore[attr-defined]

    def counting(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        built.append(cls)
        return original(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(BaseModel, "model_json_schema", classmethod(counting))
    first = Reply.model_json_schema()
    first["title"] = "altered by a caller"
    assert Reply.model_json_schema() == model_json_schema(Reply)  # the same schema, unaltered
    assert built == [Reply]  # built once
    Reply.model_json_schema(mode="serialization")  # other arguments: not cached
    assert built == [Reply, Reply]


def test_descriptive_fields_copied_untranslated_are_found() -> None:
    from extract.text.language import untranslated as _untranslated

    article = "Les deux pays ouvriront une ère dorée dans leurs relations bilatérales."
    assert _untranslated("open a 'ère dorée' in the relations bilatérales", "fr", article)
    assert _untranslated("ouvrir une nouvelle ère dans les relations", "fr", article)
    assert not _untranslated("open a golden era in bilateral relations", "fr", article)
    german = "Die Firma baut eine Fertigung für Halbleitersensoren in Dresden."
    assert _untranslated("build a line for halbleitersensoren", "de", german)
    assert not _untranslated("build a line for semiconductor sensors", "de", german)


def test_an_unhinted_meeting_sentence_must_say_meet_or_name_most_participants() -> None:
    revenue = {"evidence": "Der Umsatz sank um drei Prozent.", "span": (0, 31)}
    quote = {"evidence": "„Es wird kalt“, sagte Keller.", "span": (80, 109)}
    talk = {"evidence": "Keller und Brandt sprachen am Montag.", "span": (40, 77)}
    people = ["Anna Keller", "Jonas Brandt"]
    records, dropped = refine(
        typed(
            {
                "meetings": [
                    {**revenue, "participants": people, "status": "held"},
                    {**talk, "participants": people, "status": "held"},
                    {**quote, "participants": people, "status": "held"},
                    # two of five named: everyone a caption names is no meeting
                    {**talk, "participants": [*people, "Eva Roth", "Udo Kern", "Ina Wolf"]},
                ]
            }
        ),
        "de",
        {"meetings": []},  # code hinted no sentence: the model read them all
    )
    assert [m.evidence for m in records["meetings"]] == [talk["evidence"]]
    assert [reason for _, reason, _ in dropped] == [
        "the sentence neither reports a meeting nor names most of its participants"
    ] * 3


def test_a_commitment_moves_to_the_hinted_sentence_its_fields_point_at() -> None:
    from extract.strategies.checks import closest_sentence

    article = (
        "Bis Ende 2026 sollen 600 Stellen wegfallen. "
        "Zugleich will der Konzern eigene Aktien für 250 Millionen Euro zurückkaufen. "
        "Der Betriebsrat will klagen."
    )
    spans = sentences(article, "de")
    buyback = {"action": "buy back its own shares", "amount": "250 million euros"}
    cuts = {"action": "cut 600 jobs", "amount": None, "deadline": "by the end of 2026"}
    # the model gave the neighbour's number: the amount's number points at sentence 2
    assert closest_sentence("commitments", buyback, 1, [1, 2, 3], article, spans) == 2
    assert closest_sentence("commitments", cuts, 1, [1, 2, 3], article, spans) == 1
    # nothing points elsewhere, or the sentence is not one code hinted: the model's number
    assert closest_sentence("commitments", {"action": "sue"}, 3, [1, 2, 3], article, spans) == 3
    assert closest_sentence("commitments", buyback, 1, [1, 3], article, spans) == 1
    # an agreement's title stem in another language: "interoperab…"
    italian = "Il ministro è arrivato ieri. Le parti promuoveranno l'interoperabilità dei porti."
    title = {"title": "Port interoperability memorandum", "parties": ["Italy"]}
    spans = sentences(italian, "it")
    assert closest_sentence("agreements", title, 1, [1, 2], italian, spans) == 2
