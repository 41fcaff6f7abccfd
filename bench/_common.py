"""Shared by the bench scripts: seeds, recordings, seed copies and an in-memory replay transport.

Nothing here writes under recordings/ or seeds/: they are only read.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from extract.llm.recording import request_key

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
RECORDINGS_DIR = ROOT / "recordings"

for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)  # every benchmark talks to 127.0.0.1 or to no network at all


def article_of(messages: list[dict[str, Any]]) -> str | None:
    """The article text inside the first user turn (between the ``<<<`` / ``>>>`` markers)."""
    for message in messages:
        if message.get("role") == "user":
            content = str(message.get("content", ""))
            start, end = content.find("<<<\n"), content.rfind("\n>>>")
            return content[start + 4 : end] if 0 <= start < end else None
    return None


@dataclass
class Recording:
    key: str
    seed: str  # seed file stem
    turns: int  # messages in the request: 2 = first call, 4 = first validation re-ask, ...
    messages: list[dict[str, Any]]
    model: str
    status: int
    content_type: str
    body: bytes
    usage: dict[str, Any]
    params: dict[str, Any]  # the request body without messages and response format


def seeds() -> dict[str, str]:
    """Seed stem -> article text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))}


def recordings() -> list[Recording]:
    """The single-call strategy's recordings, each tied to the seed its conversation carries.

    Recordings of other strategies (another system prompt) are left out.
    """
    from extract.strategies.prompts import SINGLE_SYSTEM

    by_text = {text: stem for stem, text in seeds().items()}
    out = []
    for path in sorted(RECORDINGS_DIR.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        request, response = entry["request"]["body"], entry["response"]
        messages = request.get("messages") or [{}]
        schema_name = ((request.get("response_format") or {}).get("json_schema") or {}).get("name")
        if messages[0].get("content") != SINGLE_SYSTEM or schema_name != "SingleAnswer":
            continue
        text = article_of(messages)
        if text not in by_text:
            continue
        body = response["body"]
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        out.append(
            Recording(
                key=entry["key"],
                seed=by_text[text],
                turns=len(request["messages"]),
                messages=request["messages"],
                model=request["model"],
                status=response["status"],
                content_type=response.get("content_type", "application/json"),
                body=raw,
                usage=(body.get("usage") or {}) if isinstance(body, dict) else {},
                params={
                    k: v for k, v in request.items() if k not in ("messages", "response_format")
                },
            )
        )
    if not out:
        raise SystemExit(
            "no recording of the single strategy matches the seeds and extract.strategies.prompts."
            "SINGLE_SYSTEM (prompt changed?): record them with `extract run seeds/ --record "
            "--strategy single`"
        )
    return out


def requests_per_seed(recs: list[Recording]) -> dict[str, int]:
    """How many requests the pipeline sends for each seed (first call + recorded re-asks)."""
    counts = dict.fromkeys(seeds(), 0)
    for rec in recs:
        counts[rec.seed] += 1
    return counts


def recorded_settings(**changes: Any) -> Any:
    """``Settings`` that send the very requests the recordings answer, whatever the defaults.

    Single strategy, JSON-schema mode, the recorded model, token cap and temperature, and as
    many validation re-asks as the recordings hold.
    """
    from extract.settings import Settings

    recs = recordings()
    first = next(r for r in recs if r.turns == 2)
    reasks = max(requests_per_seed(recs).values()) - 1
    values: dict[str, Any] = {
        "strategy": "single",
        "mode": "json_schema",
        "model": first.model,
        "max_tokens": first.params["max_tokens"],
        "temperature": first.params["temperature"],
        "max_reasks": reasks,
        "cassette": None,
    }
    values.update(changes)
    return Settings(**values)


def make_copies(directory: Path, n: int, *, order: str = "seed-major") -> list[str]:
    """Write ``n`` copies of the seeds (same text, new file names = new article ids).

    ``seed-major``: ``<seed>_<k>.txt`` (sorted: all copies of seed 0, then seed 1, ...);
    ``interleaved``: ``<k>_<seed>.txt`` (sorted: seed 0, 1, 2, 3, 0, 1, ...).
    Returns the seed stem of each copy, in the pipeline's (sorted file name) order.
    """
    texts = seeds()
    stems = list(texts)
    directory.mkdir(parents=True, exist_ok=True)
    names: list[tuple[str, str]] = []
    for i in range(n):
        stem = stems[i % len(stems)]
        copy = i // len(stems)
        name = f"{stem}_{copy:04d}.txt" if order == "seed-major" else f"{i:04d}_{stem}.txt"
        (directory / name).write_text(texts[stem], encoding="utf-8")
        names.append((name, stem))
    return [stem for _, stem in sorted(names)]


class MemoryReplay(httpx2.AsyncBaseTransport):
    """Answer from recordings held in memory (the key of ``extract.llm.recording.ReplayTransport``).

    The key is the canonical hash of the request, so copies of a seed (same text, new ids) hit
    the seed's recordings. No sleep, no disk.
    """

    def __init__(self, recs: list[Recording]):
        self.table = {r.key: r for r in recs}
        self.hits = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        rec = self.table.get(request_key(request))
        if rec is None:
            return httpx2.Response(
                404, json={"error": {"message": "not recorded"}}, request=request
            )
        self.hits += 1
        return httpx2.Response(
            rec.status,
            headers={"content-type": rec.content_type},
            content=rec.body,
            request=request,
        )


def machine() -> str:
    """One line: CPU count, CPU model, Python, commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    import extract

    package = Path(extract.__file__).resolve().parent
    if package == ROOT / "extract":
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "extract"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        where = " + uncommitted changes in extract/" if dirty else ""
    else:
        where = f", extract imported from {package.parent} (not the work tree)"
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"commit {commit}{where}; {load()}"
    )


def load() -> str:
    """The 1-minute load average (other work on the machine skews every wall-clock figure)."""
    return f"load average {os.getloadavg()[0]:.2f}"
