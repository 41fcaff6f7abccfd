"""The pipeline against SYNTHETIC server replies (tests/synthetic.py): validation re-asks,
grounding, rejected records, transport retries. Real-model behaviour is tested from
recordings in test_replay.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx2
import pytest

from extract.articles import Article
from extract.errors import BackendError, ExtractionError
from extract.llm.backend import LLM
from extract.pipeline import extract_one
from extract.settings import Settings
from tests.synthetic import Scripted, answer, completion

TEXT = (
    "Donald Trump a rencontré Sanae Takaichi à Tokyo. "
    "« Nous sommes des alliés au plus haut niveau », a déclaré M. Trump. "
    "Mme Takaichi a annoncé que le Japon offrirait 250 cerisiers à Washington."
)
GOOD_QUOTE = {"speaker": "M. Trump", "text": "Nous sommes des alliés au plus haut niveau"}
BAD_QUOTE = {"speaker": "Trump", "text": "We are allies at the highest level"}


def run(settings: Settings, script: Scripted, text: str = TEXT):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        llm = LLM(settings, transport=script.transport())
        try:
            return await extract_one(Article("a1", text), settings, llm)
        finally:
            await llm.aclose()

    return asyncio.run(go())


def test_grounded_quote_carries_article_characters_span_and_canonical_speaker(
    settings: Settings,
) -> None:
    script = Scripted([completion(answer(quotes=[GOOD_QUOTE]))])
    result = run(settings, script)
    (quote,) = result.extraction.quotes
    assert TEXT[quote.span[0] : quote.span[1]] == quote.text
    assert quote.speaker == "Donald Trump"
    assert result.usage.prompt_tokens == 100 and result.usage.calls == 1
    assert result.attempts == 1 and result.rejected == []


def test_paraphrased_quote_is_reasked_with_the_error_then_accepted(settings: Settings) -> None:
    script = Scripted(
        [completion(answer(quotes=[BAD_QUOTE])), completion(answer(quotes=[GOOD_QUOTE]))]
    )
    result = run(settings, script)
    assert [q.text for q in result.extraction.quotes] == [GOOD_QUOTE["text"]]
    reask = json.loads(script.requests[1].content)
    assert "not in the article verbatim" in json.dumps(reask["messages"], ensure_ascii=False)
    assert result.attempts == 2 and result.usage.total_tokens == 240


def test_quote_still_wrong_after_last_reask_goes_to_rejected(settings: Settings) -> None:
    bad = completion(answer(quotes=[GOOD_QUOTE, BAD_QUOTE]))
    result = run(settings.with_(max_reasks=1), Scripted([bad, bad]))
    assert [q.text for q in result.extraction.quotes] == [GOOD_QUOTE["text"]]
    (rejected,) = result.rejected
    assert rejected.type == "quotes" and "verbatim" in rejected.reason
    assert rejected.record["text"] == BAD_QUOTE["text"]


def test_transport_failures_are_retried_then_succeed(settings: Settings) -> None:
    script = Scripted(
        [
            httpx2.Response(429, headers={"Retry-After": "0"}, json={"error": "slow down"}),
            httpx2.Response(429, json={"error": "slow down"}),
            httpx2.Response(500, json={"error": "boom"}),
            httpx2.ReadTimeout("timed out"),
            completion(answer(quotes=[GOOD_QUOTE])),
        ]
    )
    result = run(settings.with_(max_retries=4), script)
    assert len(script.requests) == 5
    assert result.usage.requests == 5 and result.usage.calls == 1
    assert len(result.extraction.quotes) == 1


def test_transport_retries_are_bounded(settings: Settings) -> None:
    script = Scripted([httpx2.Response(503, json={"error": "down"})] * 3)
    with pytest.raises(BackendError, match="HTTP 503") as info:
        run(settings.with_(max_retries=2), script)
    assert info.value.status == 503 and len(script.requests) == 3


def test_connection_errors_become_a_backend_error(settings: Settings) -> None:
    script = Scripted([httpx2.ConnectError("refused")] * 2)
    with pytest.raises(BackendError, match="cannot reach"):
        run(settings.with_(max_retries=1), script)


def test_answer_cut_at_the_token_cap_is_an_extraction_error(settings: Settings) -> None:
    script = Scripted([completion('{"language": "fr", "meet', finish_reason="length")])
    with pytest.raises(ExtractionError, match="token cap"):
        run(settings, script)


def test_evidence_is_mapped_to_a_span(settings: Settings) -> None:
    commitment = {
        "actor": "Japan",
        "action": "give 250 cherry trees to Washington",
        "amount": "250 cherry trees",
        "deadline": None,
        "evidence": "Mme Takaichi a annoncé que le Japon offrirait 250 cerisiers à Washington",
    }
    result = run(settings, Scripted([completion(answer(commitments=[commitment]))]))
    assert result.rejected == []
    (record,) = result.extraction.commitments
    assert TEXT[record.span[0] : record.span[1]] == record.evidence
    assert record.evidence.startswith("Mme Takaichi a annoncé")


def test_article_text_is_never_rendered_as_a_template(settings: Settings) -> None:
    # instructor renders messages as Jinja when given a validation context; ours goes by a
    # ContextVar, so "{{ … }}" and "{% … %}" in an article reach the model untouched
    text = TEXT + " Le code {{ article }} et {% if x %} restent du texte."
    script = Scripted([completion(answer(quotes=[BAD_QUOTE])), completion(answer())])
    result = run(settings, script, text)
    for request in script.requests:
        body = json.loads(request.content)
        assert "{{ article }} et {% if x %}" in body["messages"][1]["content"]
    assert result.rejected == [] and result.attempts == 2  # the re-ask still saw the article


def test_commitment_actor_is_the_articles_full_name(settings: Settings) -> None:
    commitment = {
        "actor": "Mme Takaichi",
        "action": "give 250 cherry trees",
        "amount": None,
        "deadline": None,
        "evidence": "Mme Takaichi a annoncé que le Japon offrirait 250 cerisiers à Washington",
    }
    result = run(settings, Scripted([completion(answer(commitments=[commitment]))]))
    assert [c.actor for c in result.extraction.commitments] == ["Sanae Takaichi"]


def test_record_missing_pays_only_for_requests_never_recorded(tmp_path: Path) -> None:
    from extract.llm.recording import RecordTransport, request_key

    calls: list[bytes] = []

    def server(request: httpx2.Request) -> httpx2.Response:
        calls.append(request.content)
        return httpx2.Response(200, json={"n": len(calls)})

    async def send(transport: RecordTransport, body: dict[str, int]) -> int:
        request = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions", json=body)
        response = await transport.handle_async_request(request)
        return int(json.loads(await response.aread())["n"])

    inner = httpx2.MockTransport(server)
    record = RecordTransport(inner, tmp_path, [])
    assert asyncio.run(send(record, {"q": 1})) == 1
    fill = RecordTransport(inner, tmp_path, [], reuse=True)
    assert asyncio.run(send(fill, {"q": 1})) == 1  # recorded: answered from the recording
    assert asyncio.run(send(fill, {"q": 2})) == 2  # never recorded: called live and saved
    assert len(calls) == 2 and len(list(tmp_path.glob("*.json"))) == 2
    key = request_key(httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions",
                                     json={"q": 2}))  # fmt: skip
    assert (tmp_path / f"{key}.json").is_file()
    assert Settings(cassette="fill").cassette == "fill"
