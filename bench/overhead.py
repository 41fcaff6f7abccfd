"""Pipeline overhead: run_batch vs a bare instructor + openai loop over the same replayed answers.

    python bench/overhead.py              # overhead and ratio (500 articles), then peak RSS
    python bench/overhead.py --profile    # also: cProfile of one pipeline run, top functions
    python bench/overhead.py --dir /dev/shm   # temporary files on tmpfs instead of the disk
    python bench/overhead.py --no-memory      # skip the 200 / 2,000-article memory runs
    python bench/overhead.py --breakdown      # also: time of each pipeline stage

Both sides send the same requests (the single strategy's messages, ``SingleAnswer``, the same
parameters) through one in-memory replay transport that answers from recordings/ by request key
(no sleep, no disk), one article at a time, in the same process:

- bare: read the file, ``instructor`` ``chat.completions.create`` (validation re-ask included),
  nothing else;
- pipeline: ``extract.pipeline.run_batch`` (retry and meter transports, grounding, assembly,
  result model, JSON Schema check, atomic document write, manifest after every article).

Peak memory: the pipeline over 200 and over 2,000 articles, each in a fresh child process,
peak RSS from ``os.wait4`` (``ru_maxrss`` of that child).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

N = 500
ROUNDS = 2  # bare and pipeline alternate; the best round of each is kept
MEMORY_SIZES = (200, 2000)
BASE_URL = "http://127.0.0.1:9/v1"  # never contacted: the transport answers


def settings(concurrency: int = 1):  # type: ignore[no-untyped-def]
    return _common.recorded_settings(base_url=BASE_URL, concurrency=concurrency)


async def bare(paths: list[Path], transport: _common.MemoryReplay) -> int:
    """The minimum: one instructor call per article (with its re-ask). Returns failures."""
    import httpx2
    import instructor
    import openai
    from instructor.core.exceptions import InstructorRetryException

    from extract.strategies.prompts import SINGLE_SYSTEM, article_message
    from extract.strategies.single import SingleAnswer

    s = settings()
    http = httpx2.AsyncClient(transport=transport)
    raw = openai.AsyncOpenAI(api_key="no-key", base_url=BASE_URL, max_retries=0, http_client=http)
    client = instructor.from_openai(raw, mode=instructor.Mode.JSON_SCHEMA)
    failures = 0
    try:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            messages = [
                {"role": "system", "content": SINGLE_SYSTEM},
                {"role": "user", "content": article_message(text, None)},
            ]
            try:
                await client.chat.completions.create(
                    model=s.model,
                    messages=messages,  # type: ignore[arg-type]
                    response_model=SingleAnswer,
                    max_retries=s.max_reasks,
                    context={"article": text},
                    temperature=s.temperature,
                    max_tokens=s.max_tokens,
                    seed=0,
                )
            except InstructorRetryException:
                failures += 1  # the re-ask seed: its last answer still fails validation
    finally:
        await raw.close()
    return failures


async def pipeline(src: Path, out: Path, transport: _common.MemoryReplay) -> int:
    """The real pipeline; returns the number of articles done."""
    from extract.pipeline import run_batch

    manifest = await run_batch([src], out, settings(), transport=transport, force=True)
    return sum(1 for a in manifest.articles.values() if a.status == "ok")


def timed(coro) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = asyncio.run(coro)
    return time.perf_counter() - started, value


def cpu_timed(coro) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """Wall seconds, CPU seconds of this process, result."""
    cpu = time.process_time()
    wall, value = timed(coro)
    return wall, time.process_time() - cpu, value


def filesystem(path: Path) -> str:
    """The type of the filesystem holding ``path`` (from /proc/mounts)."""
    best, kind = "", "?"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            _, point, fstype, *_ = line.split()
            if str(path.resolve()).startswith(point) and len(point) > len(best):
                best, kind = point, fstype
    except OSError:
        pass
    return f"{kind} ({best})"


def child(n: int, where: str | None) -> None:
    """Run the pipeline over ``n`` copies; print a JSON line (peak RSS comes from the parent)."""
    recs = _common.recordings()
    with tempfile.TemporaryDirectory(prefix="bench-mem-", dir=where) as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        _common.make_copies(src, n)
        transport = _common.MemoryReplay(recs)
        seconds, ok = timed(pipeline(src, out, transport))
        docs = sum(1 for p in out.glob("*.json") if p.name != "manifest.json")
        manifest_bytes = (out / "manifest.json").stat().st_size
    info = {"n": n, "ok": ok, "docs": docs, "seconds": seconds, "manifest": manifest_bytes}
    print(json.dumps(info))


def run_child(n: int, where: str | None) -> tuple[dict[str, float], int]:
    extra = ["--dir", where] if where else []
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(n), *extra], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"memory child for {n} articles failed ({proc.returncode})")
    return json.loads(line.strip().splitlines()[-1]), usage.ru_maxrss  # KiB on Linux


def profile(src: Path, transport: _common.MemoryReplay) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-prof-") as out:
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(pipeline(src, Path(out), transport))
        profiler.disable()
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative")):
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(key)
        stats.print_stats(25)
        print(f"\n--- cProfile of the pipeline over {N} articles, top 25 by {title} ---")
        print("\n".join(line for line in buf.getvalue().splitlines()[6:] if line.strip()))


def breakdown(src: Path, transport: _common.MemoryReplay, out: Path) -> None:
    """Time the pipeline's stages by wrapping them (at run time; extract/ is not changed)."""
    import functools

    import extract.llm.backend as backend
    import extract.pipeline as pipe
    from extract.run_manifest import RunManifest

    spent: dict[str, float] = {}
    transports = "  of which transports (retry, meter, replay)"
    replay = "    of which the replay itself"

    def add(label: str, since: float) -> None:
        spent[label] = spent.get(label, 0.0) + time.perf_counter() - since

    def wrap(owner, name, label, is_async=False):  # type: ignore[no-untyped-def]
        original = getattr(owner, name)
        if is_async:

            @functools.wraps(original)
            async def timed_async(*args, **kwargs):  # type: ignore[no-untyped-def]
                since = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    add(label, since)

            setattr(owner, name, timed_async)
        else:

            @functools.wraps(original)
            def timed_sync(*args, **kwargs):  # type: ignore[no-untyped-def]
                since = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    add(label, since)

            setattr(owner, name, timed_sync)
        return original

    write = pipe.write_atomic

    def write_atomic(path: Path, text: str) -> None:
        since = time.perf_counter()
        try:
            write(path, text)
        finally:
            add(
                "write manifest.json (atomic replace)"
                if path.name == "manifest.json"
                else "write document (atomic)",
                since,
            )

    saved = [
        (backend.LLM, "ask", wrap(backend.LLM, "ask", "LLM.ask: instructor + openai call", True)),
        (
            backend.RetryTransport,
            "handle_async_request",
            wrap(backend.RetryTransport, "handle_async_request", transports, True),
        ),
        (transport, "handle_async_request", wrap(transport, "handle_async_request", replay, True)),
        (pipe, "assemble", wrap(pipe, "assemble", "assemble (grounding, records)")),
        (pipe, "check_document", wrap(pipe, "check_document", "check_document (jsonschema)")),
        (pipe, "load_article", wrap(pipe, "load_article", "load_article")),
        (
            RunManifest,
            "model_dump_json",
            wrap(RunManifest, "model_dump_json", "manifest model_dump_json"),
        ),
        (pipe, "write_atomic", write),
    ]
    pipe.write_atomic = write_atomic
    try:
        wall, _ = timed(pipeline(src, out, transport))
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
        vars(transport).pop("handle_async_request", None)
    print(
        f"\n--- where the pipeline's time goes ({N} articles, wall {1000 * wall / N:.2f} "
        "ms/article; stages timed by wrapping, nested rows indented) ---"
    )
    nested = [transports, replay]
    top = sorted((k for k in spent if k not in nested), key=lambda k: -spent[k])
    for label in top[:1] + [k for k in nested if k in spent] + top[1:]:
        print(f"  {label:<40} {1000 * spent[label] / N:7.2f} ms/article")
    rest = wall - sum(v for k, v in spent.items() if not k.startswith("  "))
    print(f"  {'everything else (scheduling, models)':<40} {1000 * rest / N:7.2f} ms/article")


def main(do_profile: bool, where: str | None, memory: bool = True, split: bool = False) -> None:
    recs = _common.recordings()
    per_seed = _common.requests_per_seed(recs)
    print("overhead: extract.pipeline.run_batch vs a bare instructor + openai loop (replay)")
    print(f"machine: {_common.machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-over-", dir=where) as tmp:
        print(f"articles and documents in {tmp}: filesystem {filesystem(Path(tmp))}")
        src = Path(tmp) / "in"
        stems = _common.make_copies(src, N)
        paths = sorted(src.glob("*.txt"))
        requests = sum(per_seed[s] for s in stems)
        warm = Path(tmp) / "warm"
        _common.make_copies(warm, 4)
        transport = _common.MemoryReplay(recs)
        # warm-up: imports, schema building, first-call caches, on both sides
        asyncio.run(bare(sorted(warm.glob("*.txt")), transport))
        asyncio.run(pipeline(warm, Path(tmp) / "warm-out", transport))

        bare_times, pipe_times, bare_cpu, pipe_cpu = [], [], [], []
        for r in range(ROUNDS):
            transport.hits = 0
            t, c, failures = cpu_timed(bare(paths, transport))
            bare_hits = transport.hits
            bare_times.append(t)
            bare_cpu.append(c)
            transport.hits = 0
            t, c, ok = cpu_timed(pipeline(src, Path(tmp) / f"out{r}", transport))
            pipe_hits = transport.hits
            pipe_times.append(t)
            pipe_cpu.append(c)
            if ok != N or bare_hits != requests or pipe_hits != requests:
                raise SystemExit(
                    f"round {r}: pipeline {ok}/{N} ok; requests answered: bare {bare_hits}, "
                    f"pipeline {pipe_hits}, expected {requests}"
                )
            print(
                f"  round {r + 1}: bare {bare_times[-1]:.2f} s, pipeline {pipe_times[-1]:.2f} s",
                flush=True,
            )
        b, p = min(bare_times), min(pipe_times)
        print()
        print(
            f"{N} articles ({requests} requests: recorded re-asks included; {failures} articles "
            f"whose re-ask also fails validation, on both sides), concurrency 1, best of {ROUNDS}"
        )
        bc, pc = min(bare_cpu), min(pipe_cpu)
        print("                          wall s   ms/article   | CPU s   ms/article")
        print(
            f"  bare instructor loop : {b:7.2f}   {1000 * b / N:8.2f}     | {bc:6.2f}   "
            f"{1000 * bc / N:8.2f}"
        )
        print(
            f"  pipeline (run_batch) : {p:7.2f}   {1000 * p / N:8.2f}     | {pc:6.2f}   "
            f"{1000 * pc / N:8.2f}"
        )
        print(
            f"  pipeline overhead    :          {1000 * (p - b) / N:8.2f}     |          "
            f"{1000 * (pc - bc) / N:8.2f}"
        )
        ratio = p / b
        print(
            f"  ratio pipeline/bare  : {ratio:7.3f} wall (median of rounds "
            f"{statistics.median(pipe_times) / statistics.median(bare_times):.3f}), "
            f"{pc / bc:.3f} CPU; target <= 1.25 (wall): {'met' if ratio <= 1.25 else 'missed'}"
        )
        print(f"  {_common.load()}")
        if split:
            breakdown(src, transport, Path(tmp) / "out-breakdown")
        if do_profile:
            profile(src, transport)

    if not memory:
        return
    print()
    print("peak memory, pipeline in a fresh child process per size (ru_maxrss of that child):")
    rss = {}
    for n in MEMORY_SIZES:
        info, kib = run_child(n, where)
        rss[n] = kib
        print(
            f"  {n:>5} articles: peak RSS {kib / 1024:7.1f} MiB   ({info['ok']} ok, "
            f"{info['docs']} documents on disk, manifest {info['manifest'] / 1024:.0f} KiB, "
            f"{info['seconds']:.1f} s = {1000 * info['seconds'] / n:.1f} ms/article)",
            flush=True,
        )
    small, large = MEMORY_SIZES
    growth = (rss[large] - rss[small]) * 1024 / (large - small)
    print(
        f"  growth {small} -> {large}: {(rss[large] - rss[small]) / 1024:+.1f} MiB "
        f"({growth / 1024:.1f} KiB per extra article; ratio {rss[large] / rss[small]:.3f})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile one pipeline run")
    parser.add_argument("--dir", help="folder for the temporary articles and documents")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--breakdown", action="store_true", help="time the pipeline's stages")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.dir)
    else:
        main(args.profile, args.dir, memory=not args.no_memory, split=args.breakdown)
