"""Batch mode at scale: synthetic articles through the fake Files + Batches server.

    python bench/batch.py                     # 1,000, 3,000 and 10,000 articles
    python bench/batch.py --sizes 500 2000

For each size, a child process (its own peak memory) runs ``extract.batch.submit`` over a
JSONL file of synthetic articles, then ``collect`` until every article is done, against
``tests/batch_server.py`` on 127.0.0.1 (in this process). The strategy is ``single`` in
``json_schema`` mode, what a hosted endpoint gets by default. Printed per size: wall time of
submit and of the collects, per article, the child's peak RSS, and the bytes of the batch input
file per article. The target is flat: seconds and bytes per article constant as the run grows,
peak memory growing far slower than the run.

Nothing here is a model answer. The articles are generated (a dozen sentence templates with
numbered names and figures, every article distinct so no request repeats another); the server
answers each request with a SYNTHETIC minimal instance of the request's JSON schema (empty
record lists), so the figures measure extract's orchestration, not a model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "The council of {town} met on Monday to discuss the budget for {year}.",
    "Mayor {name} said the plan would cost {amount} million over {years} years.",
    "Residents of {town} have asked for a new bridge since {year}.",
    "The regional office confirmed that {count} jobs would move to {town}.",
    "A spokesperson for {company} declined to comment on the figures.",
    "Opposition members called the proposal rushed and asked for {count} more hearings.",
    "{company} reported revenue of {amount} million euros in the last quarter.",
    "The vote is expected before the end of {month}.",
    "Local schools will receive {amount} million for repairs, according to the draft.",
    "Traffic on the main road fell by {count} percent after the works began.",
]
NAMES = ["Anna Berg", "Luis Ortega", "Mei Tanaka", "Omar Haddad", "Clara Novak", "Ravi Menon"]
TOWNS = ["Northfield", "Eastbrook", "Lakeside", "Millbrook", "Southport", "Westhaven"]
COMPANIES = ["Acme Rail", "Blue Harbor Energy", "Cobalt Works", "Delta Foods"]
MONTHS = ["March", "June", "September", "November"]


def synthetic_articles(count: int, path: Path, seed: int = 13) -> None:
    """``count`` distinct synthetic English articles, one JSON line each."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            fill = {
                "town": f"{rng.choice(TOWNS)} {number}",
                "name": rng.choice(NAMES),
                "company": rng.choice(COMPANIES),
                "month": rng.choice(MONTHS),
                "year": 1990 + number % 30,
                "years": 2 + number % 9,
                "amount": 3 + number % 97,
                "count": 10 + number % 89,
            }
            chosen = rng.sample(SENTENCES, 6)
            text = " ".join(s.format(**fill) for s in chosen)
            record = {"id": f"syn{number:06d}", "text": text, "published": "2026-03-02"}
            out.write(json.dumps(record) + "\n")


def minimal(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The smallest instance of a JSON schema (SYNTHETIC answer content)."""
    if "$ref" in schema:
        return minimal(defs[schema["$ref"].split("/")[-1]], defs)
    if "anyOf" in schema:
        options = schema["anyOf"]
        return minimal(next((o for o in options if o.get("type") == "null"), options[0]), defs)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: minimal(props[k], defs) for k in schema.get("required", props)}
    if kind == "array":
        return []
    if kind == "string":
        return "en" if schema.get("pattern") == "^[a-z]{2}$" else "x"
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    return None


def synthetic_answer(body: dict[str, Any]) -> tuple[int, Any]:
    schema = body["response_format"]["json_schema"]["schema"]
    content = json.dumps(minimal(schema, schema.get("$defs", {})))
    prompt = sum(len(m["content"]) for m in body["messages"]) // 4
    completion = len(content) // 4
    return 200, {
        "id": "chatcmpl-synthetic",
        "object": "chat.completion",
        "created": 0,
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def child(size: int, url: str) -> None:
    """One size, in its own process: submit, collect until done; print one JSON line."""
    from extract import batch as batching
    from extract.settings import Settings

    settings = Settings(
        base_url=url, api_key="sk-bench-0000", strategy="single", mode="json_schema"
    )
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles.jsonl"
        synthetic_articles(size, articles)
        out = Path(tmp) / "run"
        clock = time.perf_counter()
        report = asyncio.run(batching.submit([articles], out, settings))
        submit_s = time.perf_counter() - clock
        input_bytes = sum(p.bytes for p in report.submitted)
        requests = sum(p.requests for p in report.submitted)
        rss_submit = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        clock = time.perf_counter()
        collects = 0
        while report.in_flight:
            report = asyncio.run(batching.collect(out, settings))
            collects += 1
        collect_s = time.perf_counter() - clock
        statuses = [a.status for a in report.manifest.articles.values()]
        print(
            json.dumps(
                {
                    "size": size,
                    "ok": statuses.count("ok") + statuses.count("skipped"),
                    "requests": requests,
                    "submit_s": submit_s,
                    "collect_s": collect_s,
                    "collects": collects,
                    "input_bytes": input_bytes,
                    "rss_submit_mb": rss_submit / 1024,
                    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url)
        return
    from tests.batch_server import BatchServer, FakeBatchAPI

    rows = []
    with BatchServer(FakeBatchAPI(answer=synthetic_answer)) as server:
        for size in args.sizes:
            command = [sys.executable, __file__, "--child", str(size), "--url", server.url]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                sys.exit(f"size {size} failed:\n{done.stderr[-2000:]}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"  {size} articles done", file=sys.stderr)
    print(
        "| articles | done | requests | submit s | ms/article | collect s | ms/article | "
        "collects | peak RSS MB (submit / end) | input bytes/article |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in rows:
        n = r["size"]
        print(
            f"| {n:,} | {r['ok']:,} | {r['requests']:,} | {r['submit_s']:.1f} | "
            f"{1000 * r['submit_s'] / n:.1f} | {r['collect_s']:.1f} | "
            f"{1000 * r['collect_s'] / n:.1f} | {r['collects']} | "
            f"{r['rss_submit_mb']:.0f} / {r['rss_mb']:.0f} | {r['input_bytes'] / n:,.0f} |"
        )


if __name__ == "__main__":
    main()
