"""The figures ``extract plan`` estimates with, measured on the committed recordings.

    python bench/plan_calibration.py

- chars per prompt token: every recording with a usage, message characters
  (``extract.costs.prompt_chars`` of the request body) against the server's ``prompt_tokens``;
  pooled ratio, mean, spread, per language of the article;
- per strategy, on every folder its recordings cover (replay, no network): the first-round
  requests ``extract.costs`` counts, the requests and tokens the replay run's manifest reports,
  hence the follow-up factor (all requests / first round) and the completion tokens per call.

Compare with ``extract.costs.CHARS_PER_TOKEN`` and ``extract.costs.CALIBRATION``. Reads
recordings/, writes only in a temporary folder.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

from extract.costs import CALIBRATION, CHARS_PER_TOKEN, aestimate, prompt_chars  # noqa: E402
from extract.pipeline import run_batch  # noqa: E402
from extract.settings import Settings  # noqa: E402

ROOT = _common.ROOT
LOCAL = "http://127.0.0.1:8080/v1"
# strategy -> (mode, folders) the committed recordings answer completely
COVERED = {
    "staged": ("gbnf", ["seeds", "corpus/test", "corpus/dev", "corpus/events"]),
    "single": ("json_schema", ["seeds"]),
    "candidates": ("json_schema", ["seeds"]),
    "staged-raw": ("json_schema", ["seeds"]),
}


def ratios() -> list[tuple[int, int]]:
    """(message characters, prompt tokens) of every recording with a usage."""
    rows = []
    for path in sorted(_common.RECORDINGS_DIR.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        body = entry["response"]["body"]
        usage = body.get("usage") if isinstance(body, dict) else None
        if usage and usage.get("prompt_tokens"):
            rows.append((prompt_chars(entry["request"]["body"]), int(usage["prompt_tokens"])))
    return rows


def chars_per_token(rows: list[tuple[int, int]]) -> tuple[float, float, float, float, float]:
    """Pooled ratio, mean, sd, 5th and 95th percentile of the per-request ratios."""
    each = [c / t for c, t in rows]
    pooled = sum(c for c, _ in rows) / sum(t for _, t in rows)
    q = statistics.quantiles(each, n=20)
    return pooled, statistics.mean(each), statistics.stdev(each), q[0], q[-1]


async def replay(strategy: str, mode: str, folders: list[str]) -> tuple[int, int, int, int, int]:
    """(articles, first-round requests, requests, calls, completion tokens) over ``folders``."""
    settings = Settings(
        strategy=strategy,
        mode=mode,
        base_url=LOCAL,
        cassette="replay",
        recordings=_common.RECORDINGS_DIR,
    )
    paths = [ROOT / f for f in folders]
    estimate = await aestimate(paths, settings, strategies=[strategy])
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as out:
        manifest = await run_batch(paths, Path(out), settings)
    bad = {k: a.error for k, a in manifest.articles.items() if a.status != "ok"}
    if bad:
        raise SystemExit(f"{strategy}/{mode}: replay failed for {bad}")
    usage = [a.usage for a in manifest.articles.values()]
    return (
        len(usage),
        estimate.strategies[0].first_round,
        sum(u.requests for u in usage),
        sum(u.calls for u in usage),
        sum(u.completion_tokens for u in usage),
    )


def main() -> None:
    print("plan calibration: the committed recordings (replayed, no network)")
    print(f"machine: {_common.machine()}")
    rows = ratios()
    pooled, mean, sd, p5, p95 = chars_per_token(rows)
    print(
        f"chars per prompt token over {len(rows)} recorded requests: pooled {pooled:.2f}, "
        f"mean {mean:.2f}, sd {sd:.2f}, p5 {p5:.2f}, p95 {p95:.2f}, "
        f"min {min(c / t for c, t in rows):.2f}, max {max(c / t for c, t in rows):.2f} "
        f"(extract.costs.CHARS_PER_TOKEN = {CHARS_PER_TOKEN})"
    )
    print()
    print(
        f"{'strategy':<11}{'mode':<12}{'articles':>9}{'1st round':>10}{'requests':>9}"
        f"{'factor':>8}{'calls':>7}{'compl/call':>11}  in extract.costs"
    )
    for strategy, (mode, folders) in COVERED.items():
        articles, first, requests, calls, completion = asyncio.run(replay(strategy, mode, folders))
        known = CALIBRATION[strategy]
        print(
            f"{strategy:<11}{mode:<12}{articles:>9}{first:>10}{requests:>9}"
            f"{requests / first:>8.2f}{calls:>7}{completion / calls:>11.1f}  "
            f"{known.follow_up:.2f}, {known.completion_per_call:.1f}"
        )


if __name__ == "__main__":
    main()
