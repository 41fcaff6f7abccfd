"""bench/peers.py end to end against a SYNTHETIC OpenAI-compatible server (no model).

The server answers every LangExtract call with fixed LangExtract-style JSON built from the
article the call's chunk holds: records that map, and records that must be rejected (a quote not
in the article, a paraphrased quote, another class, a status outside the allowed values). Skipped
when langextract (optional extra ``peers``) is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langextract")

from extract.models import ExtractionResult  # noqa: E402
from extract.run_manifest import RunManifest  # noqa: E402
from extract.schemas import check_document  # noqa: E402
from extract.text.grounding import span_errors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "en04_sports_transfer"

# (anchor, extraction): an extraction is in the answer of the call whose chunk holds its anchor.
MEETING = (
    "Okoro met Pryce at the training ground on Wednesday night, hours after the two clubs "
    "finally agreed a fee following a week of stop-start talks."
)
CONTRACT = (
    "The 24-year-old put pen to paper on a five-and-a-half-year contract on Friday evening "
    "after passing his medical at the club's Priory Lane training ground."
)
PLEDGE = "promised that every penny of the fee would be reinvested in the squad"
SCRIPT: list[tuple[str, dict[str, Any]]] = [
    (
        CONTRACT,
        {
            "agreement": CONTRACT,
            "agreement_attributes": {
                "title": "Danny Okoro's contract",
                "parties": ["Harrowgate Rovers", "Danny Okoro"],
                "signatories": ["Danny Okoro"],
                "status": "signed",
            },
        },
    ),
    (
        MEETING,
        {
            "meeting": MEETING,
            "meeting_attributes": {
                "participants": ["Danny Okoro", "Alan Pryce"],
                "status": "held",
                "date": "2026-01-28",
                "location": None,
            },
        },
    ),
    (
        "Danny's the missing piece",
        {
            "quote": "Danny's the missing piece for us, simple as that,",
            "quote_attributes": {"speaker": "Alan Pryce"},
        },
    ),
    (  # not in the article at all: no span
        "Danny's the missing piece",
        {
            "quote": "We will win the cup with twelve strikers",
            "quote_attributes": {"speaker": "Alan Pryce"},
        },
    ),
    (  # a paraphrase LangExtract aligns only fuzzily or partly: not verbatim
        "It's a massive club",
        {
            "quote": "It's a massive club with massive fans and a huge stadium,",
            "quote_attributes": {"speaker": "Danny Okoro"},
        },
    ),
    (
        PLEDGE,
        {
            "commitment": PLEDGE,
            "commitment_attributes": {
                "actor": "Castlebridge United",
                "action": "reinvest the full fee in the squad",
                "amount": None,
                "deadline": None,
            },
        },
    ),
    (  # another class
        PLEDGE,
        {"person": "Ian Whitlock", "person_attributes": {"role": "chairman"}},
    ),
    (  # a status outside held / planned
        "Karen Doyle on Saturday morning",
        {
            "meeting": "he would be sitting down with manager Karen Doyle on Saturday morning",
            "meeting_attributes": {
                "participants": ["Ian Whitlock", "Karen Doyle"],
                "status": "soon",
                "date": None,
                "location": None,
            },
        },
    ),
]


class FakeServer:
    """POST /v1/chat/completions -> the SCRIPT extractions whose anchor is in the chunk."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                prompt = body["messages"][-1]["content"]
                chunk = prompt[prompt.rfind("\nQ: ") :]
                found = [x for anchor, x in SCRIPT if anchor in chunk]
                content = json.dumps({"extractions": found})
                reply = {
                    "id": f"fake-{len(server.requests)}",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
                }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def peers() -> Any:
    spec = importlib.util.spec_from_file_location("bench_peers", ROOT / "bench" / "peers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


def test_examples_are_verbatim_and_cover_every_class(peers: Any) -> None:
    examples = peers.examples()
    assert len(examples) == 2
    for example in examples:
        assert {x.extraction_class for x in example.extractions} == set(peers.CLASSES)
        for x in example.extractions:
            assert x.extraction_text in example.text
    article_texts = [p.read_text(encoding="utf-8") for p in (ROOT / "corpus").rglob("*.txt")]
    article_texts += [p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")]
    invented = ("Velmora", "Casterwick", "Vessant", "Reyl", "Kestrin", "Lormont", "Dursky")
    for name in (*invented, "Norvalie", "Ostrani", "Brelac"):
        assert not any(name in text for text in article_texts)


def test_end_to_end_against_a_fake_server(
    peers: Any, server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["--base-url", server.url, "--model", "fake", "--only", ARTICLE, "--out", str(out)]
    assert peers.main(args) == 0
    printed = capsys.readouterr().out

    # what LangExtract sent: our model name, temperature 0, the examples' schema
    assert len(server.requests) > 1  # chunks of 1,000 characters
    first = server.requests[0]
    assert first["model"] == "fake" and first["temperature"] == 0
    assert first["max_tokens"] == 2048
    assert first["response_format"]["type"] == "json_schema"
    assert "Velmora Foods" in first["messages"][-1]["content"]  # the few-shot examples

    # the document validates and is grounded: every span holds its evidence / quote text
    raw = json.loads((out / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    check_document(raw, "result")
    doc = ExtractionResult.model_validate(raw)
    article = peers.load_article(ROOT / "corpus" / "test" / f"{ARTICLE}.txt")
    assert span_errors(raw["extraction"], article.text) == []
    ex = doc.extraction
    assert [q.text for q in ex.quotes] == ["Danny's the missing piece for us, simple as that,"]
    assert ex.quotes[0].speaker == "Alan Pryce" and ex.quotes[0].language == "en"
    assert ex.meetings[0].participants == ["Danny Okoro", "Alan Pryce"]
    assert str(ex.meetings[0].date) == "2026-01-28"
    assert ex.agreements[0].status == "signed" and ex.agreements[0].title
    assert ex.commitments[0].actor == "Castlebridge United"
    assert ex.commitments[0].evidence == PLEDGE
    assert doc.usage.calls == len(server.requests)
    assert doc.usage.completion_tokens == 10 * len(server.requests)

    # rejected: counted and listed, with their reasons
    reasons = {r.record["text"]: r.reason for r in doc.rejected}
    assert reasons["We will win the cup with twelve strikers"].startswith("no span")
    paraphrase = "It's a massive club with massive fans and a huge stadium,"
    assert reasons[paraphrase].startswith("quote not verbatim")
    assert reasons[SCRIPT[-1][1]["meeting"]].startswith("status:")
    summary = json.loads((out / "peers" / "summary.json").read_text(encoding="utf-8"))
    entry = summary["articles"][ARTICLE]
    assert any(r["type"] is None and "'person'" in r["reason"] for r in entry["rejected"])
    assert len(entry["rejected"]) == 4
    assert entry["calls"] == len(server.requests) and entry["unparsed_answers"] == 0
    manifest = RunManifest.model_validate_json((out / "manifest.json").read_bytes())
    assert manifest.articles[ARTICLE].rejected == 4
    assert manifest.articles[ARTICLE].records == 4

    # the table: both columns, every row
    for row in ("meetings F1", "agreements F1", "quotes F1 (strict)", "commitments F1"):
        assert row in printed
    for row in ("micro F1", "seconds/article", "calls/article", "completion tokens/article"):
        assert row in printed
    assert "LangExtract 1." in printed and "our default" in printed
    assert f"| calls/article | {len(server.requests)}.0 |" in printed


def test_default_scores_from_quality_json_over_the_same_articles(
    peers: Any, server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--default-json: per-article counts pooled over --only (here: LangExtract's own run
    written in bench/quality.py's JSON shape, so both columns must agree)."""
    out = tmp_path / "out"
    args = ["--base-url", server.url, "--model", "fake", "--only", ARTICLE, "--out", str(out)]
    assert peers.main(args) == 0
    report = peers.evaluate(out, peers.GOLDEN)
    quality = tmp_path / "quality.json"
    quality.write_text(json.dumps({"test": {"report": json.loads(report.model_dump_json())}}))
    capsys.readouterr()
    assert peers.main([*args, "--default-json", str(quality)]) == 0
    printed = capsys.readouterr().out
    micro = [line for line in printed.splitlines() if "micro F1" in line]
    assert len(micro) == 1
    _, _, theirs, ours, _ = micro[0].split("|")
    assert theirs == ours and "—" not in ours
    summary = json.loads((out / "peers" / "summary.json").read_text(encoding="utf-8"))
    assert summary["figures"]["default"]["micro"] == summary["figures"]["langextract"]["micro"]
