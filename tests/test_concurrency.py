"""``--concurrency 8`` gives the same documents as ``--concurrency 1``, request for request.

SYNTHETIC answers from tests/fault_server.py differ by article (a quote of its own text, its own
token count), and some articles meet a 429, a 500 or a dropped connection first.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from extract.schemas import validation_errors
from tests.fault_server import (
    FaultServer,
    Reply,
    cli_env,
    drop,
    extract_command,
    ok,
    status,
    write_articles,
)

N = 12


def _quote(i: int) -> str:
    return f"Nous tiendrons la promesse numéro {i}"


def _script(i: int) -> list[Reply]:
    answer = ok(
        0.05, prompt_tokens=100 + i, quotes=[{"speaker": "Sanae Takaichi", "text": _quote(i)}]
    )
    transient = {0: [status(429, retry_after="0")], 1: [status(500)], 2: [drop()]}.get(i % 4, [])
    return [*transient, answer]


def _start(server: FaultServer, articles: Path, out: Path, concurrency: int) -> Any:
    for i in range(N):
        server.play(f"c{i:02d}", *_script(i))
    return subprocess.Popen(
        extract_command(
            "run", str(articles), "--out", str(out), "--base-url", server.url,
            "--concurrency", str(concurrency),
        ),
        cwd=out.parent, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _results(proc: Any, server: FaultServer, out: Path) -> dict[str, Any]:
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    for i in range(N):  # none lost, none doubled: exactly the scripted requests per article
        assert server.count(f"c{i:02d}") == len(_script(i)), i
    documents = {}
    for path in sorted(out.glob("c*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert validation_errors(document, "result") == []
        del document["timings"], document["backend"]["base_url"]  # when, and which server
        documents[path.stem] = document
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    usage = {k: v["usage"] for k, v in manifest["articles"].items()}
    return {"documents": documents, "usage": usage}


def test_concurrency_8_gives_the_documents_of_concurrency_1(tmp_path: Path) -> None:
    texts = {
        f"c{i:02d}": f"Sanae Takaichi a déclaré : « {_quote(i)} », mardi à Tokyo." for i in range(N)
    }
    articles = write_articles(tmp_path / "in", texts)
    with FaultServer() as one, FaultServer() as eight:  # both runs at once, a server each
        serial = _start(one, articles, tmp_path / "out1", 1)
        parallel = _start(eight, articles, tmp_path / "out8", 8)
        results = (
            _results(serial, one, tmp_path / "out1"),
            _results(parallel, eight, tmp_path / "out8"),
        )
        assert one.peak == 1 and eight.peak > 1
        assert one.overflow == eight.overflow == 0
    assert len(results[0]["documents"]) == N
    assert results[1] == results[0]
    quotes = {k: d["extraction"]["quotes"][0]["text"] for k, d in results[0]["documents"].items()}
    assert quotes == {f"c{i:02d}": _quote(i) for i in range(N)}  # each got its own answer
    assert results[0]["usage"]["c01"]["requests"] == 2
    assert results[0]["usage"]["c03"]["requests"] == 1
