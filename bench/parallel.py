"""One article's questions in parallel vs one at a time, against a 1 s-latency endpoint.

    python bench/parallel.py [--concurrency 16] [--delay 1.0]

Starts tests/recorded_server.py (127.0.0.1, a child process) that answers
``POST /v1/chat/completions`` after a fixed delay with the recorded response for that very
request: ``recordings/<key>.json``, ``key`` = ``extract.llm.recording.request_key`` of the
incoming method, path and JSON body. A request never recorded gets a 404 (the article fails:
the bench stops).

Then runs the staged strategy (gbnf mode, the default model: the settings the recordings cover)
over the 4 seeds and the corpus test split, one article at a time, each article twice, side by
side: ``concurrency 1`` (one call at a time, what the code did before requests were planned) and
``concurrency N`` (every question of a round in flight at once). Prints per article the
questions (requests), rounds, both wall times and the speed-up, and the aggregate for the
articles with 4 questions or more (issue 13 target: 3x faster). Figures only, no assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common  # noqa: E402

from extract.settings import Settings  # noqa: E402
from tests.recorded_server import RecordedServer  # noqa: E402

ROOT = _common.ROOT
FOLDERS = [ROOT / "seeds", ROOT / "corpus" / "test"]


# --------------------------------------------------------------------------- client (parent)


def settings_for(base_url: str, concurrency: int) -> Settings:
    return Settings(
        strategy="staged",
        mode="gbnf",
        base_url=base_url,
        concurrency=concurrency,
        timeout=60.0,
        max_retries=0,
        cassette=None,
    )


async def rounds_of(path: Path) -> tuple[int, int]:
    """(requests, rounds) of the article's plan, driven from the recordings (no server)."""
    from extract.articles import load_article
    from extract.llm.backend import LLM
    from extract.strategies import get_strategy

    article = load_article(path)
    settings = Settings(
        strategy="staged",
        mode="gbnf",
        base_url="http://127.0.0.1:8080/v1",
        cassette="replay",
        recordings=_common.RECORDINGS_DIR,
    )
    llm = LLM(settings)
    plan = get_strategy("staged").plan(article.text, article.published, article.language)
    requests = rounds = 0
    try:
        asked = next(plan)
        while True:
            rounds += 1
            requests += len(asked)
            answers = [
                await llm.ask(r.messages, r.model, context=r.context, max_tokens=r.max_tokens)
                for r in asked
            ]
            asked = plan.send(answers)
    except StopIteration:
        pass
    finally:
        await llm.aclose()
    return requests, rounds


async def timed(path: Path, base_url: str, concurrency: int) -> tuple[float, int]:
    """Wall seconds of ``extract_one`` on the article, and the HTTP requests it sent."""
    from extract.articles import load_article
    from extract.llm.backend import LLM
    from extract.pipeline import extract_one

    settings = settings_for(base_url, concurrency)
    llm = LLM(settings)
    try:
        started = time.perf_counter()
        result = await extract_one(load_article(path), settings, llm)
        return time.perf_counter() - started, result.usage.requests
    finally:
        await llm.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()
    paths = [p for folder in FOLDERS for p in sorted(folder.glob("*.txt"))]
    print("parallel: one article's questions in parallel vs one at a time (staged, gbnf)")
    print(f"machine: {_common.machine()}")
    print(
        f"server: 127.0.0.1, stdlib asyncio HTTP/1.1, {args.delay:.1f} s per request, answers = "
        f"recordings/<request_key>.json; {len(paths)} articles (seeds, corpus/test), one at a "
        f"time; sequential = concurrency 1, parallel = concurrency {args.concurrency}"
    )
    with RecordedServer(_common.RECORDINGS_DIR, args.delay) as server:
        base_url = server.url
        asyncio.run(timed(paths[0], base_url, args.concurrency))  # warm-up: imports, schemas
        print()
        print(
            f"{'article':<30}{'questions':>10}{'rounds':>7}{'sequential s':>13}"
            f"{'parallel s':>11}{'speed-up':>9}"
        )
        rows = []
        for path in paths:
            questions, rounds = asyncio.run(rounds_of(path))
            sequential, sent_1 = asyncio.run(timed(path, base_url, 1))
            parallel, sent_n = asyncio.run(timed(path, base_url, args.concurrency))
            if not sent_1 == sent_n == questions:
                raise SystemExit(
                    f"{path.name}: {questions} planned, {sent_1} sent sequentially, "
                    f"{sent_n} in parallel: the runs differ"
                )
            rows.append((path.stem, questions, rounds, sequential, parallel))
            print(
                f"{path.stem[:30]:<30}{questions:>10}{rounds:>7}{sequential:>13.2f}"
                f"{parallel:>11.2f}{sequential / parallel:>8.2f}x",
                flush=True,
            )
        print()
        for label, chosen in (
            ("all articles", rows),
            ("articles with >= 4 questions", [r for r in rows if r[1] >= 4]),
        ):
            seq = sum(r[3] for r in chosen)
            par = sum(r[4] for r in chosen)
            mean = sum(r[3] / r[4] for r in chosen) / len(chosen)
            print(
                f"{label}: {len(chosen)} articles, {sum(r[1] for r in chosen)} questions, "
                f"{sum(r[2] for r in chosen)} rounds; sequential {seq:.1f} s, parallel "
                f"{par:.1f} s: {seq / par:.2f}x in total, {mean:.2f}x mean per article"
            )
        print(
            "ideal: sequential = questions x delay, parallel = rounds x delay (every round's "
            f"questions at once); target >= 3x for articles with >= 4 questions; {_common.load()}"
        )


if __name__ == "__main__":
    main()
