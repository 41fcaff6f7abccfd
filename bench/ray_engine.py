"""The Ray engine vs ``run_batch`` at the same total concurrency, against a 1 s-latency server.

    python bench/ray_engine.py [--articles 256] [--workers 2] [--per-worker 16] [--delay 1]

Starts tests/recorded_server.py in a child process: a fake OpenAI-compatible server on
127.0.0.1 that answers every request after ``--delay`` seconds with the recorded response of that
very request (``recordings/<request_key>.json``). Writes ``--articles`` copies of the four seeds
under new ids (interleaved, as bench/orchestration.py does), then, side by side in one run:

- ``extract run`` (``run_batch``) at concurrency ``workers x per-worker``;
- the Ray engine (``run_ray``) in local mode with ``--workers`` actors of ``--per-worker``
  requests in flight each. Ray's startup (``ray.init``) is timed apart and reported both alone
  and in the total; the run itself includes the actors' start (process, imports).

Both run the staged strategy in gbnf mode, the settings the seeds' recordings were made with.
Prints wall time against ``ideal = total requests x delay / total concurrency`` for each
(issue 13 target: Ray <= 1.2 x ideal) and checks that both runs wrote the same documents (but
for ``timings``). Only reads recordings/ and seeds/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import _common  # noqa: E402

from tests.recorded_server import RecordedServer  # noqa: E402


def documents(out: Path) -> dict[str, Any]:
    found = {}
    for path in sorted(out.glob("*.json")):
        if path.name != "manifest.json":
            document = json.loads(path.read_text(encoding="utf-8"))
            document.pop("timings")
            found[path.stem] = document
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=256)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-worker", type=int, default=16)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()

    import ray

    from extract.pipeline import run_batch
    from extract.ray_engine import run_ray
    from extract.settings import Settings

    total = args.workers * args.per_worker
    print("ray_engine: run_ray (Ray Data, local mode) vs run_batch, same total concurrency")
    print(f"machine: {_common.machine()}; ray {ray.__version__}")
    print(
        f"server: tests/recorded_server.py, 127.0.0.1, {args.delay:g} s per request, answers = "
        "the recording of each request (request_key)"
    )
    with RecordedServer(_common.RECORDINGS_DIR, args.delay) as server:
        base = Settings(
            base_url=server.url, strategy="staged", mode="gbnf", max_retries=0, timeout=120.0
        )
        with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
            src = Path(tmp) / "in"
            _common.make_copies(src, args.articles, order="interleaved")
            rows = []

            before = server.stats()
            started, cpu = time.perf_counter(), time.process_time()
            manifest = asyncio.run(
                run_batch([src], Path(tmp) / "local", base.with_(concurrency=total))
            )
            local_wall = time.perf_counter() - started
            local_cpu = time.process_time() - cpu
            local_requests = server.stats()["requests"] - before["requests"]
            local_ok = sum(a.status == "ok" for a in manifest.articles.values())
            rows.append(("run_batch", total, local_requests, local_ok, 0.0, local_wall))
            print(f"  done: run_batch c={total}: {local_wall:.2f} s", flush=True)

            started = time.perf_counter()
            ray.init(num_cpus=max(2, args.workers), include_dashboard=False)
            startup = time.perf_counter() - started
            try:
                before = server.stats()
                started = time.perf_counter()
                manifest = run_ray(
                    [src],
                    Path(tmp) / "ray",
                    base.with_(concurrency=args.per_worker),
                    workers=args.workers,
                )
                ray_wall = time.perf_counter() - started
            finally:
                ray.shutdown()
            ray_requests = server.stats()["requests"] - before["requests"]
            ray_ok = sum(a.status == "ok" for a in manifest.articles.values())
            rows.append(("run_ray", total, ray_requests, ray_ok, startup, ray_wall))
            print(
                f"  done: run_ray {args.workers}x{args.per_worker}: {ray_wall:.2f} s "
                f"(+ ray.init {startup:.2f} s)",
                flush=True,
            )
            local_docs, ray_docs = documents(Path(tmp) / "local"), documents(Path(tmp) / "ray")
            same = sum(local_docs.get(k) == v for k, v in ray_docs.items())
        stats = server.stats()

    print()
    print(
        "engine      concurrency  articles ok  requests  startup s  run s  total s  ideal s"
        "  run/ideal  total/ideal"
    )
    for name, concurrency, requests, ok, start, wall in rows:
        ideal = requests * args.delay / concurrency
        print(
            f"{name:<10}  {concurrency:>11}  {ok:>4}/{args.articles:<4}  {requests:>8}"
            f"  {start:9.2f}  {wall:5.2f}  {start + wall:7.2f}  {ideal:7.2f}"
            f"  {wall / ideal:9.3f}  {(start + wall) / ideal:11.3f}"
        )
    print()
    print(
        "ideal = requests x delay / total concurrency (staged: an article's questions go in "
        "parallel, its follow-ups in a second round). startup = ray.init (local mode, "
        f"num_cpus {max(2, args.workers)}); run = run_ray itself, actor start included."
    )
    print(
        f"documents identical but for timings: {same} of {len(ray_docs)} "
        f"(run_batch wrote {len(local_docs)}); server misses {stats['misses']}, "
        f"peak in-flight {stats['peak']}; {_common.load()}"
    )
    print(
        f"run_batch's own CPU: {local_cpu:.1f} s in {local_wall:.1f} s wall "
        f"({local_cpu / args.articles * 1000:.0f} ms per article: planning, validation, "
        "grounding, writing); one process cannot go below it, whatever the latency"
    )
    ray_row = rows[1]
    ratio = (ray_row[4] + ray_row[5]) / (ray_row[2] * args.delay / total)
    print(f"target Ray <= 1.2 x ideal (startup included): {ratio:.3f} "
          f"({'met' if ratio <= 1.2 else 'missed'})")  # fmt: skip


if __name__ == "__main__":
    main()
