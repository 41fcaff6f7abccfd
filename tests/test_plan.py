"""Know the cost before paying: `extract plan`, `extract run --dry-run`, `extract.estimate`.

Offline: the first round is planned without any model, and checked against what a replay of
the committed recordings actually sends first.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx2
import pytest

import extract
from extract.articles import load_article
from extract.costs import (
    BATCH_DISCOUNT,
    CALIBRATION,
    CHARS_PER_TOKEN,
    CHARS_PER_TOKEN_RANGE,
    first_round,
    prompt_chars,
)
from extract.llm.backend import LLM
from extract.llm.recording import ReplayTransport, request_key
from extract.pipeline import extract_one
from extract.settings import STRATEGY_NAMES, Settings
from tests.test_cli import extract as run_cli
from tests.test_cli import one_line_error

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
RECORDINGS = ROOT / "recordings"
LOCAL = "http://127.0.0.1:8080/v1"
# staged, gbnf: the questions code plans for each seed before any answer (speakers, record
# types, commitment parts); the replay below confirms a run sends exactly these first
STAGED_FIRST_ROUND = {
    "000_d76536dfd61977ba": 8,
    "001_5124b9fb7c3dca3d": 4,
    "002_04f9624dfb23d732": 4,
    "003_c0b735639ce285e7": 5,
}


class Spy(ReplayTransport):
    """Replay that notes the key of every request, in the order they are sent."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.keys: list[str] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.keys.append(request_key(request))
        return await super().handle_async_request(request)


def staged() -> Settings:
    return Settings(strategy="staged", mode="gbnf", base_url=LOCAL)


async def replayed_keys(path: Path, settings: Settings) -> list[str]:
    spy = Spy(RECORDINGS)
    llm = LLM(settings, transport=spy)
    try:
        await extract_one(load_article(path), settings, llm)
    finally:
        await llm.aclose()
    return spy.keys


@pytest.mark.parametrize("stem", sorted(STAGED_FIRST_ROUND))
def test_the_first_round_is_what_a_replayed_run_sends_first(stem: str) -> None:
    path = SEEDS / f"{stem}.txt"
    planned = asyncio.run(first_round(load_article(path), staged()))
    keys = [key for key, _ in planned]
    assert len(keys) == STAGED_FIRST_ROUND[stem]
    for key, body in planned:  # the key is the body's: what the recordings are named by
        assert request_key(httpx2.Request("POST", f"{LOCAL}/chat/completions", content=body)) == key
    sent = asyncio.run(replayed_keys(path, staged()))
    assert sorted(sent[: len(keys)]) == sorted(keys)  # the run's first requests, no other
    assert set(sent[len(keys) :]).isdisjoint(keys)  # later rounds ask something else


def test_estimate_counts_the_seeds_first_round_per_strategy() -> None:
    estimate = extract.estimate(SEEDS, settings=staged())
    assert estimate.articles == 4
    assert [s.strategy for s in estimate.strategies] == list(STRATEGY_NAMES)
    assert estimate.get("staged").first_round == sum(STAGED_FIRST_ROUND.values())
    assert estimate.get("single").first_round == 4  # one call per article
    assert estimate.get("candidates").first_round == 4
    for one in estimate.strategies:
        assert one.requests == round(one.first_round * CALIBRATION[one.strategy].follow_up)
        assert one.prompt_tokens >= one.first_round_prompt_tokens > 0
        assert one.failed == {}


def test_the_follow_up_factor_brings_the_seeds_near_their_replayed_requests() -> None:
    """The estimate of the whole run against the requests a replay of the seeds counts."""
    settings = staged()
    estimate = extract.estimate(SEEDS, settings=settings, strategies=["staged"]).get("staged")
    sent = sum(len(asyncio.run(replayed_keys(p, settings))) for p in sorted(SEEDS.glob("*.txt")))
    assert estimate.first_round < sent  # the seeds need a second round
    assert abs(estimate.requests - sent) / sent < 0.2


def test_chars_per_token_is_the_recordings_ratio() -> None:
    chars = tokens = 0
    each = []
    for path in RECORDINGS.glob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        body = entry["response"]["body"]
        usage = body.get("usage") if isinstance(body, dict) else None
        if usage and usage.get("prompt_tokens"):
            c, t = prompt_chars(entry["request"]["body"]), int(usage["prompt_tokens"])
            chars, tokens = chars + c, tokens + t
            each.append(c / t)
    assert len(each) > 100
    assert round(chars / tokens, 2) == CHARS_PER_TOKEN
    low, high = CHARS_PER_TOKEN_RANGE
    inside = sum(low <= r <= high for r in each) / len(each)
    assert 0.85 <= inside <= 0.95  # the 5th to 95th percentile


def test_nothing_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network touched")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    hosted = Settings(base_url="https://api.openai.com/v1", model="gpt-4o-mini")  # no key
    estimate = extract.estimate(SEEDS / "000_d76536dfd61977ba.txt", settings=hosted)
    assert estimate.mode == "json_schema" and estimate.get("single").first_round == 1
    assert estimate.get("staged").first_round == STAGED_FIRST_ROUND["000_d76536dfd61977ba"]


def test_cost_and_batch_price() -> None:
    one = extract.estimate(SEEDS, settings=staged(), strategies=["single"]).get("single")
    expected = (one.prompt_tokens * 2.5 + one.completion_tokens * 10.0) / 1e6
    assert one.cost(2.5, 10.0) == pytest.approx(expected)
    assert BATCH_DISCOUNT == 0.5


def test_unknown_strategy_is_a_config_error() -> None:
    with pytest.raises(extract.ConfigError, match="unknown strategy"):
        extract.estimate(SEEDS, settings=staged(), strategies=["nope"])


@pytest.mark.parametrize("command", [["plan"], ["run", "--dry-run"]])
def test_cli_prints_the_plan_and_writes_nothing(command: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli(
        *command, str(SEEDS), "--base-url", LOCAL, "--price-in", "1", "--price-out", "4",
        *(["--out", str(out)] if command[0] == "run" else []),
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.strip()}
    assert proc.stdout.startswith("4 articles;")
    assert set(STRATEGY_NAMES) <= set(rows)
    assert rows["staged"][1] == str(sum(STAGED_FIRST_ROUND.values()))
    cost, batch = float(rows["staged"][-2]), float(rows["staged"][-1])
    assert cost > 0 and batch == pytest.approx(cost / 2, abs=1e-4)


def test_cli_one_strategy(tmp_path: Path) -> None:
    proc = run_cli("plan", str(SEEDS), "--strategy", "single", "--base-url", LOCAL, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
    assert "single" in names and "staged" not in names and "cost~" not in proc.stdout


@pytest.mark.parametrize("command", [["plan"], ["run", "--dry-run"]])
def test_cli_bad_input_like_run(command: list[str], tmp_path: Path) -> None:
    missing = run_cli(*command, str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert missing.returncode == 2
    assert "nope.txt: no such file or directory" in one_line_error(missing)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary\x00")
    proc = run_cli(*command, str(bad), "--strategy", "staged", "--base-url", LOCAL, cwd=tmp_path)
    assert proc.returncode == 1
    assert "bad.txt" in one_line_error(proc)


def test_cli_prices_go_together(tmp_path: Path) -> None:
    proc = run_cli("plan", str(SEEDS), "--price-in", "1", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--price-out" in one_line_error(proc)
