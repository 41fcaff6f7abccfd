"""Orchestration vs the ideal: the real pipeline against a 1 s-latency OpenAI-compatible server.

    python bench/orchestration.py

Starts a small HTTP/1.1 server on 127.0.0.1 (stdlib asyncio, in a child process) that answers
``POST /v1/chat/completions`` after a fixed delay with a real recorded response of the local
model: the request's conversation is matched to a recording by the seed article it carries and
its number of turns (2 = first call, 4 = the validation re-ask), so copies of a seed under new
ids get that seed's answers, re-ask included. Then runs ``extract.pipeline.run_batch`` over
copies of the four seeds at several concurrencies and prints wall time against

    ideal = total requests x delay / concurrency

(the pipeline's requests are sequential within an article: an article with a re-ask costs two
delays). It also prints the best makespan any scheduler could reach with the pipeline's
first-come order of articles (list scheduling), which separates the orchestration overhead from
the tail of two-request articles started last.

Bounded: at most a few hundred requests, the server exits after 300 s or when this script ends.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

DELAY = 1.0
SERVER_LIFETIME = 300.0
PHASES = [  # (concurrency, articles, order of the copies)
    (1, 16, "seed-major"),
    (4, 64, "seed-major"),
    (16, 64, "seed-major"),
    (4, 64, "interleaved"),
    (16, 64, "interleaved"),
]


# --------------------------------------------------------------------------- server (child)


def serve(delay: float) -> None:
    recs = _common.recordings()
    table: dict[tuple[str | None, int], list[_common.Recording]] = {}
    for r in recs:
        table.setdefault((_common.article_of(r.messages), r.turns), []).append(r)
    stats: dict[str, float] = {
        "requests": 0,
        "exact": 0,
        "loose": 0,
        "unmatched": 0,
        "inflight": 0,
        "peak": 0,
        "gaps": 0,
        "gap_sum": 0.0,
        "gap_max": 0.0,
    }

    def answer(body: bytes) -> tuple[int, bytes]:
        try:
            request = json.loads(body)
            messages = request["messages"]
        except (ValueError, KeyError, TypeError):
            return 400, b'{"error": {"message": "bad request"}}'
        candidates = table.get((_common.article_of(messages), len(messages)))
        if not candidates:
            stats["unmatched"] += 1
            return 404, b'{"error": {"message": "no recorded answer for this conversation"}}'
        model = request.get("model")
        exact = [r for r in candidates if r.messages == messages and r.model == model]
        stats["exact" if exact else "loose"] += 1
        rec = (exact or candidates)[0]
        return rec.status, rec.body

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        replied: float | None = None  # when this connection's last answer was written
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                if method == "GET" and target == "/stats":
                    status, payload = 200, json.dumps(stats).encode()
                elif method == "POST" and target.endswith("/chat/completions"):
                    if replied is not None:  # client turnaround on this keep-alive connection
                        gap = time.perf_counter() - replied
                        stats["gaps"] += 1
                        stats["gap_sum"] += gap
                        stats["gap_max"] = max(stats["gap_max"], gap)
                    stats["requests"] += 1
                    stats["inflight"] += 1
                    stats["peak"] = max(stats["peak"], stats["inflight"])
                    try:
                        await asyncio.sleep(delay)
                        status, payload = answer(body)
                    finally:
                        stats["inflight"] -= 1
                else:
                    status, payload = 404, b'{"error": {"message": "not found"}}'
                reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Status")
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                if target.endswith("/chat/completions"):
                    replied = time.perf_counter()
                if headers.get("connection", "").lower() == "close":
                    return
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        done = asyncio.Event()
        loop = asyncio.get_running_loop()

        def watch_stdin() -> None:  # the parent closes our stdin (or dies): stop
            sys.stdin.read()
            loop.call_soon_threadsafe(done.set)

        threading.Thread(target=watch_stdin, daemon=True).start()
        async with server:
            try:
                await asyncio.wait_for(done.wait(), SERVER_LIFETIME)
            except TimeoutError:
                pass

    asyncio.run(main())


# --------------------------------------------------------------------------- client (parent)


def schedule_bound(costs: list[int], concurrency: int, delay: float) -> float:
    """Makespan of first-come list scheduling of articles (each ``cost`` sequential requests)."""
    slots = [0.0] * concurrency
    for cost in costs:
        heapq.heappush(slots, heapq.heappop(slots) + cost * delay)
    return max(slots)


def server_stats(base: str) -> dict[str, int]:
    import httpx2

    return dict(httpx2.get(f"{base}/stats", timeout=5).json())


def main() -> None:
    from extract.pipeline import run_batch

    recs = _common.recordings()
    per_seed = _common.requests_per_seed(recs)
    model = recs[0].model
    print("orchestration: extract.pipeline.run_batch against a latency-simulating server")
    print(f"machine: {_common.machine()}")
    print(
        f"server: 127.0.0.1, stdlib asyncio HTTP/1.1, fixed delay {DELAY:.1f} s per request, "
        f"answers = the {len(recs)} recorded responses of {model}"
    )
    print(
        "requests per article (first call + recorded validation re-asks): "
        + ", ".join(f"{stem[:3]}={n}" for stem, n in per_seed.items())
    )
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(DELAY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        root = f"http://127.0.0.1:{port}"
        rows = []
        with tempfile.TemporaryDirectory(prefix="bench-orch-") as tmp:
            # cold start (lazy imports, first schema build, connections) is paid once per
            # process: a small untimed run first, so each phase measures the steady state
            warm = Path(tmp) / "warm"
            warm_costs = [per_seed[s] for s in _common.make_copies(warm, 4)]
            started = time.perf_counter()
            asyncio.run(
                run_batch(
                    [warm],
                    Path(tmp) / "warm-out",
                    _common.recorded_settings(
                        base_url=f"{root}/v1", concurrency=4, timeout=30.0, max_retries=0
                    ),
                )
            )
            cold = time.perf_counter() - started
            cold_ideal = schedule_bound(warm_costs, 4, DELAY)
            print(
                f"  warm-up: 4 seeds at c=4 {cold:.2f} s vs {cold_ideal:.2f} s schedule bound "
                f"(cold start {cold - cold_ideal:+.2f} s, not counted below)",
                flush=True,
            )
            for i, (concurrency, n, order) in enumerate(PHASES):
                src, out = Path(tmp) / f"in{i}", Path(tmp) / f"out{i}"
                order_stems = _common.make_copies(src, n, order=order)
                costs = [per_seed[s] for s in order_stems]
                settings = _common.recorded_settings(
                    base_url=f"{root}/v1", concurrency=concurrency, timeout=30.0, max_retries=0
                )
                before = server_stats(root)
                cpu = time.process_time()
                started = time.perf_counter()
                manifest = asyncio.run(run_batch([src], out, settings))
                wall = time.perf_counter() - started
                cpu = time.process_time() - cpu
                after = server_stats(root)
                ok = sum(1 for a in manifest.articles.values() if a.status == "ok")
                sent = after["requests"] - before["requests"]
                exact = after["exact"] - before["exact"]
                if ok != n or sent != sum(costs) or exact != sent:
                    raise SystemExit(
                        f"phase c={concurrency}: {ok}/{n} ok, {sent} requests "
                        f"({exact} exact matches), expected {sum(costs)}"
                    )
                ideal = sum(costs) * DELAY / concurrency
                bound = schedule_bound(costs, concurrency, DELAY)
                gaps = after["gaps"] - before["gaps"]
                turnaround = (after["gap_sum"] - before["gap_sum"]) / gaps if gaps else 0.0
                rows.append(
                    (concurrency, n, order, sum(costs), wall, ideal, bound, cpu, turnaround)
                )
                print(f"  done: c={concurrency:>2} n={n} {order:<11} {wall:6.2f} s", flush=True)
        print()
        print(
            "concurrency  articles  order        requests   wall s  ideal s  wall/ideal"
            "  schedule-bound s  wall/bound  client CPU ms/request  turnaround ms"
        )
        for concurrency, n, order, reqs, wall, ideal, bound, cpu, turnaround in rows:
            print(
                f"{concurrency:>11}  {n:>8}  {order:<11}  {reqs:>8}  {wall:7.2f}  {ideal:7.2f}"
                f"  {wall / ideal:10.3f}  {bound:16.2f}  {wall / bound:10.3f}"
                f"  {1000 * cpu / reqs:21.1f}  {1000 * turnaround:13.0f}"
            )
        print()
        print(
            "ideal = total requests x delay / concurrency. Concurrency 1 runs 16 articles "
            "(4 copies of each seed) instead of 64 to keep the run short; its ideal is scaled "
            "accordingly (its requests x 1 s)."
        )
        print(
            "schedule-bound = best makespan with the pipeline's first-come order "
            "(semaphore, files sorted by name); wall/bound is the orchestration overhead alone."
        )
        print(
            "client CPU = CPU time of this process (the pipeline's event loop) during the run, "
            "per request; the server runs in another process. turnaround = mean time, seen by "
            "the server on a keep-alive connection, from writing an answer to receiving the "
            "next request (the client's work between two requests, queueing included)."
        )
        print(f"server peak in-flight requests: {server_stats(root)['peak']}; {_common.load()}")
        target = [r for r in rows if r[0] == 16]
        print(
            "target wall/ideal <= 1.15 at concurrency 16: "
            + "; ".join(
                f"{order}: {wall / ideal:.3f} ({'met' if wall / ideal <= 1.15 else 'missed'})"
                for _, _, order, _, wall, ideal, *_ in target
            )
        )
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=float, metavar="DELAY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
    else:
        main()
