"""Quality ladder on the seeds, offline: replay each rung's recordings, score against golden/.

    python bench/ladder.py            # prints the table (replay; needs no model)

Rungs: (a) naive single call, (b) + quote candidates and sentence numbers in one call,
(c) + staged calls on a cached prefix, (d) + code-side semantics, (e) + a grammar without line
breaks (``--mode gbnf``; the default for the local llama.cpp server). Rungs a-d send the schema
as ``response_format`` (``--mode json_schema``), as when they were recorded.
Seconds per article come from the live run that made the recordings
(bench/ladder/<rung>.live.json, written by `python bench/ladder.py --live [--only RUNG]`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from extract.evaluation.evaluate import evaluate
from extract.pipeline import run_batch
from extract.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RUNGS = [
    ("a", "single", "json_schema", "naive: one call, all four types"),
    ("b", "candidates", "json_schema", "+ quote candidates, sentence numbers (one call)"),
    ("c", "staged-raw", "json_schema", "+ staged calls on a cached prefix"),
    ("d", "staged", "json_schema", "+ code-side semantics"),
    ("e", "staged", "gbnf", "+ grammar without line breaks (default for llama-server)"),
]


def run_rung(rung: str, strategy: str, mode: str, out: Path, *, live: bool) -> None:
    import asyncio

    settings = Settings.from_env(
        strategy=strategy,
        mode=mode,
        cassette="record" if live else "replay",
        recordings=ROOT / "recordings",
        base_url=None if live else "http://127.0.0.1:8080/v1",
    )
    manifest = asyncio.run(run_batch([ROOT / "seeds"], out, settings, force=True))
    failed = [k for k, a in manifest.articles.items() if a.status == "failed"]
    if failed:
        sys.exit(f"{rung} ({strategy}): failed articles {failed}: "
                 f"{[manifest.articles[k].error for k in failed]}")  # fmt: skip
    if live:
        live_dir = ROOT / "bench" / "ladder"
        live_dir.mkdir(parents=True, exist_ok=True)
        (live_dir / f"{rung}.live.json").write_text(manifest.model_dump_json(indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--live", action="store_true", help="run live and record (slow)")
    parser.add_argument("--only", help="one rung (a-e)")
    args = parser.parse_args()
    header = (
        "| rung | strategy | mode | meetings | agreements | quotes (strict) | commitments "
        "| micro F1 | speaker acc. | s/article (live) | prompt tok | completion tok | calls |"
    )
    print(header)
    print("|---" * 13 + "|")
    for rung, strategy, mode, _ in RUNGS:
        if args.only and rung != args.only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            run_rung(rung, strategy, mode, out, live=args.live)
            report = evaluate(out, ROOT / "golden")
            docs = [json.loads(p.read_text()) for p in sorted(out.glob("0*.json"))]
        live_file = ROOT / "bench" / "ladder" / f"{rung}.live.json"
        seconds = "—"
        if live_file.exists():
            live = json.loads(live_file.read_text())["articles"].values()
            seconds = f"{sum(a['seconds'] for a in live) / len(live):.0f}"
        n = len(docs)
        prompt = sum(d["usage"]["prompt_tokens"] for d in docs) / n
        completion = sum(d["usage"]["completion_tokens"] for d in docs) / n
        calls = sum(d["usage"]["calls"] for d in docs) / n
        f1 = {k: v.f1 for k, v in report.per_type.items()}
        speaker = report.speaker_accuracy
        print(
            f"| {rung} | `{strategy}` | `{mode}` | {f1['meetings']:.2f} | {f1['agreements']:.2f} | "
            f"{f1['quotes']:.2f} | {f1['commitments']:.2f} | {report.micro.f1:.2f} | "
            f"{'—' if speaker is None else f'{speaker:.2f}'} | {seconds} | {prompt:.0f} | "
            f"{completion:.0f} | {calls:.1f} |"
        )


if __name__ == "__main__":
    main()
