"""Every server fault, through the real CLI against tests/fault_server.py (SYNTHETIC replies).

One run covers all faults at once (one article per fault, routed by its ``ref:`` tag), so the
run itself is the proof that no fault sinks the others. Settings: 1 transport retry, 1
validation re-ask, 2 s per request, backoff capped at 0.3 s.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.errors import ConfigError
from extract.pipeline import run_batch
from extract.schemas import validation_errors
from extract.settings import Settings
from tests.fault_server import (
    FaultServer,
    Reply,
    cli_env,
    cut,
    drop,
    empty_choices,
    extract_command,
    hang,
    malformed,
    ok,
    refusal,
    schema_invalid,
    status,
    write_articles,
)

TEXT = "Donald Trump a rencontré Sanae Takaichi à Tokyo mardi."
WAIT_MAX = 0.3

# key: (script, expected status, expected requests, fragment of the one-line error)
FAULTS: dict[str, tuple[list[Reply], str, int, str]] = {
    "ok": ([ok()], "ok", 1, ""),
    "r429_retry_after": ([status(429, retry_after="0"), ok()], "ok", 2, ""),
    "r429_backoff": ([status(429), ok()], "ok", 2, ""),
    "r429_retry_after_capped": ([status(429, retry_after="3600"), ok()], "ok", 2, ""),
    "r500": ([status(500), ok()], "ok", 2, ""),
    "r502": ([status(502), ok()], "ok", 2, ""),
    "r503": ([status(503), ok()], "ok", 2, ""),
    "hang_once": ([hang(), ok()], "ok", 2, ""),
    "drop_once": ([drop(), ok()], "ok", 2, ""),
    "schema_invalid_once": ([schema_invalid(), ok()], "ok", 2, ""),
    "r429_always": ([status(429, retry_after="0")], "failed", 2, "HTTP 429: synthetic"),
    "r503_always": ([status(503)], "failed", 2, "HTTP 503: synthetic"),
    "hang_always": ([hang()], "failed", 2, "the endpoint timed out (2 s per request, 2 attempts)"),
    "drop_always": ([drop()], "failed", 2, "Server disconnected without sending a response"),
    "malformed_json": ([malformed()], "failed", 2, "the endpoint's response is not JSON"),
    "schema_invalid": ([schema_invalid()], "failed", 2, "last answer does not fit the schema"),
    "length_cut": ([cut()], "failed", 1, "answer cut at the token cap"),
    "empty_choices": ([empty_choices()], "failed", 1, "response has no choices"),
    "refusal": ([refusal()], "failed", 2, "the model refused: I'm sorry"),
    "r401": ([status(401)], "failed", 1, "the endpoint refused the API key (HTTP 401)"),
    "r400": ([status(400, message="unknown parameter 'seed'")], "failed", 1, "HTTP 400: unknown"),
}


@pytest.fixture(scope="module")
def faulty_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.CompletedProcess[str], dict[str, Any], FaultServer, Path]]:
    root = tmp_path_factory.mktemp("faults")
    articles = write_articles(root / "articles", dict.fromkeys(FAULTS, TEXT))
    out = root / "out"
    with FaultServer() as server:
        for key, (script, *_) in FAULTS.items():
            server.play(key, *script)
        proc = subprocess.run(
            extract_command(
                "run", str(articles), "--out", str(out), "--base-url", server.url,
                "--concurrency", "8",
            ),
            cwd=root, env=cli_env(EXTRACT_MAX_RETRIES="1", EXTRACT_RETRY_WAIT_MAX=str(WAIT_MAX)),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        yield proc, manifest, server, out


@pytest.mark.parametrize("key", FAULTS)
def test_each_fault_has_its_defined_outcome(
    faulty_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], FaultServer, Path],
    key: str,
) -> None:
    _, manifest, server, out = faulty_run
    _, expected_status, expected_requests, fragment = FAULTS[key]
    article = manifest["articles"][key]
    assert article["status"] == expected_status, article
    assert server.count(key) == expected_requests  # retries and re-asks are bounded
    assert article["usage"]["requests"] == expected_requests  # and every one is accounted for
    if expected_status == "ok":
        document = json.loads((out / f"{key}.json").read_text(encoding="utf-8"))
        assert validation_errors(document, "result") == []
        assert article["error"] is None
    else:
        assert not (out / f"{key}.json").exists()
        assert fragment in article["error"] and "\n" not in article["error"]


def test_a_faulty_run_finishes_every_article_and_explains_each_failure(
    faulty_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], FaultServer, Path],
) -> None:
    proc, manifest, server, _ = faulty_run
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert validation_errors(manifest, "manifest") == []
    assert set(manifest["articles"]) == set(FAULTS)
    failed = [k for k, v in FAULTS.items() if v[1] == "failed"]
    lines = proc.stderr.splitlines()
    assert sorted(line.split()[1].rstrip(":") for line in lines if line.startswith("failed")) == (
        sorted(failed)
    )
    assert f"{len(FAULTS) - len(failed)} ok, 0 skipped, {len(failed)} failed" in proc.stdout
    assert server.overflow == 0


def test_tokens_of_every_attempt_are_counted(
    faulty_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], FaultServer, Path],
) -> None:
    _, manifest, _, out = faulty_run
    failed = manifest["articles"]["schema_invalid"]["usage"]  # two answers, both unusable
    assert (failed["calls"], failed["total_tokens"]) == (2, 240)
    recovered = json.loads((out / "schema_invalid_once.json").read_text(encoding="utf-8"))
    assert recovered["usage"]["total_tokens"] == 240 and recovered["attempts"] == 2


def test_backoff_waits_and_retry_after_is_honoured_up_to_the_cap(
    faulty_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], FaultServer, Path],
) -> None:
    _, _, server, _ = faulty_run

    def gap(key: str) -> float:
        first, second = server.times(key)
        return second - first

    assert gap("r429_backoff") >= WAIT_MAX  # exponential backoff, capped by the setting
    assert gap("r429_retry_after") < WAIT_MAX  # Retry-After: 0 means now
    assert WAIT_MAX <= gap("r429_retry_after_capped") < 5  # Retry-After: 3600 is capped


def _run(
    server: FaultServer, articles: Path, out: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        extract_command("run", str(articles), "--out", str(out), "--base-url", server.url, *args),
        cwd=out.parent, env=cli_env(**env), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_request_budget_stops_new_articles_cleanly(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {f"a{i}": TEXT for i in range(1, 6)})
    with FaultServer() as server:
        proc = _run(server, articles, tmp_path / "out", "--max-requests", "3")
        assert len(server.log) == 3
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert validation_errors(manifest, "manifest") == []
    states = {k: (v["status"], v["error"]) for k, v in manifest["articles"].items()}
    reason = "budget reached: 3 of 3 requests (--max-requests / EXTRACT_MAX_REQUESTS)"
    assert states == {
        "a1": ("ok", None), "a2": ("ok", None), "a3": ("ok", None),
        "a4": ("pending", reason), "a5": ("pending", reason),
    }  # fmt: skip
    assert manifest["run"]["stopped"] == reason
    assert "3 ok, 0 skipped, 0 failed, 2 pending" in proc.stdout
    assert f"stopped early, {reason}" in proc.stdout


def test_token_budget_stops_new_articles_cleanly(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {f"a{i}": TEXT for i in range(1, 5)})
    with FaultServer() as server:  # each answer costs 120 tokens: 2 answers pass 200
        settings = Settings.from_env(
            cli_env(EXTRACT_TOKEN_BUDGET="200", OPENAI_BASE_URL=server.url)
        )
        manifest = asyncio.run(run_batch([articles], tmp_path / "out", settings))
        assert len(server.log) == 2
    assert [a.status for a in manifest.articles.values()] == ["ok", "ok", "pending", "pending"]
    assert manifest.run.stopped is not None
    assert manifest.run.stopped.startswith("budget reached: 240 of 200 tokens")


def test_budget_and_backoff_settings_come_from_the_environment() -> None:
    env = {"EXTRACT_MAX_REQUESTS": "50", "EXTRACT_TOKEN_BUDGET": "9000"}
    settings = Settings.from_env({**env, "EXTRACT_RETRY_WAIT_MAX": "0.5"})
    assert (settings.max_requests, settings.token_budget, settings.retry_wait_max) == (
        50,
        9000,
        0.5,
    )
    with pytest.raises(ConfigError, match="EXTRACT_TOKEN_BUDGET='lots' is not a valid int"):
        Settings.from_env({"EXTRACT_TOKEN_BUDGET": "lots"})
    with pytest.raises(ConfigError, match="max_requests must be a positive integer"):
        Settings(max_requests=0)


def _batch(server: FaultServer, articles: Path, out: Path) -> Any:
    settings = Settings.from_env(cli_env(OPENAI_BASE_URL=server.url))
    return asyncio.run(run_batch([articles], out, settings))


def test_a_document_that_cannot_be_written_fails_only_its_article(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {"a1": TEXT, "a2": TEXT})
    (tmp_path / "out" / "a1.json").mkdir(parents=True)  # the target is not a file: as root too
    with FaultServer() as server:
        manifest = _batch(server, articles, tmp_path / "out")
    a1, a2 = manifest.articles["a1"], manifest.articles["a2"]
    assert (a1.status, a1.error) == (
        "failed",
        f"{tmp_path}/out/a1.json: cannot write: Is a directory",
    )
    assert a1.usage.requests == 1 and a2.status == "ok"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a1.json",
        "a2.json",
        "manifest.json",
    ]


def test_an_unexpected_error_fails_its_article_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Safety net for bugs: simulated by breaking grounding for one article.
    import extract.pipeline

    real = extract.pipeline.assemble

    def broken(drafts: Any, article: str, language: str, **options: Any) -> Any:
        if "ref:a1" in article:
            raise RuntimeError("boom")
        return real(drafts, article, language, **options)

    monkeypatch.setattr(extract.pipeline, "assemble", broken)
    articles = write_articles(tmp_path / "in", {"a1": TEXT, "a2": TEXT})
    with FaultServer() as server:
        manifest = _batch(server, articles, tmp_path / "out")
    a1 = manifest.articles["a1"]
    assert (a1.status, a1.error) == (
        "failed",
        "internal error: RuntimeError: boom; rerun with --debug",
    )
    assert manifest.articles["a2"].status == "ok"
