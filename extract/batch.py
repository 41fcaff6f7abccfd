"""Batch mode: every article's requests in OpenAI Batch input files, answers resolved later.

A run in batch mode is a folder (``--out``): the documents and ``manifest.json`` as ``extract
run`` writes them, and ``batch/`` beside them::

    batch/state.json           what was submitted: parts, file and batch ids, attempts
    batch/parts/r1-001.jsonl   a Batch input file: {"custom_id", "method", "url", "body"} lines
    batch/answers/<key>.json   one answer per request, the recording format (extract.llm.recording)

``custom_id`` is the request's recording key (``request_key``): the hash of the body an
``extract run`` would send. Planning drives every strategy's plan (``extract.strategies.base``)
through the same ``LLM``, validation and grounding as a live run, with a transport that answers
from ``batch/answers`` and writes every request not answered yet into the next input file. An
article whose requests are all answered is written like a live run's; one that needs a second
round (a validation re-ask, a follow-up question) has its next requests in the next batch.

- ``submit``: plan, write the input files (at most 50,000 requests and 200 MB each, the
  provider's limits), upload them (Files API) and create the batches, saving the state after
  each step. A batch is created with the run's id and the part's name in its metadata: a crash
  between creating it and saving its id finds it again instead of paying twice.
- ``collect``: download the finished batches' output and error files, store the answers, write
  the documents that are complete, and submit the next round. A request that failed (or was
  left undone by an expired batch) is resubmitted, at most ``MAX_ATTEMPTS`` times; then its
  article fails with the provider's reason.
- ``upload=False`` writes the input files only: run them through ``vllm run-batch -i F -o O``
  (same format) and give the outputs to ``collect(results=[O])``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import openai
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extract.errors import (
    AnswerPending,
    BackendError,
    ConfigError,
    InputError,
    ReplayMissError,
)
from extract.llm.backend import RetryTransport
from extract.llm.recording import FORMAT_VERSION, ReplayTransport, request_key, write_atomic
from extract.pipeline import check_writable, run_batch
from extract.run_manifest import RunManifest
from extract.settings import Settings

ENDPOINT = "/v1/chat/completions"
MAX_REQUESTS_PER_FILE = 50_000  # the OpenAI Batch API's limits per input file
MAX_BYTES_PER_FILE = 200 * 1000 * 1000
MAX_ATTEMPTS = 3  # a request that failed this often fails its article
PLAN_CONCURRENCY = 64  # articles planned at once: no network, only code and answers on disk
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
# what decides a request's body: kept in the state, so collect plans exactly what submit did
PLANNED = ("base_url", "model", "mode", "strategy", "max_reasks", "max_tokens", "temperature")
STATE_FORMAT = 1


class Part(BaseModel):
    """One input file and, once uploaded, its batch."""

    model_config = ConfigDict(extra="forbid")

    name: str
    round: int
    requests: int
    bytes: int
    sha256: str
    written: int = 0  # when the file was written (Unix seconds)
    file_id: str | None = None
    batch_id: str | None = None
    status: str = "written"
    collected: bool = False
    note: str | None = None


class BatchState(BaseModel):
    """``batch/state.json``: enough to resume at any point."""

    model_config = ConfigDict(extra="forbid")

    format: int = STATE_FORMAT
    run_id: str = Field(default_factory=lambda: secrets.token_hex(8))  # tags our batches
    paths: list[str]  # as given (documents name them so), read from ``cwd`` when relative
    cwd: str
    settings: dict[str, Any]
    published: str | None = None
    local: bool = False  # input files for `vllm run-batch`: never uploaded, results given back
    round: int = 0
    parts: list[Part] = Field(default_factory=list)
    attempts: dict[str, int] = Field(default_factory=dict)
    failed: dict[str, str] = Field(default_factory=dict)


@dataclasses.dataclass
class BatchReport:
    """What one ``submit`` or ``collect`` did and where the run stands."""

    manifest: RunManifest
    submitted: list[Part]
    in_flight: list[Part]
    notes: list[str]

    @property
    def done(self) -> bool:
        """No article waits for an answer any more."""
        return not any(s.status == "pending" for s in self.manifest.articles.values())


class Folder:
    """The paths of a batch run under ``out_dir``."""

    def __init__(self, out_dir: Path) -> None:
        self.out = out_dir
        self.root = out_dir / "batch"
        self.state = self.root / "state.json"
        self.parts = self.root / "parts"
        self.answers = self.root / "answers"

    def load(self) -> BatchState:
        if not self.state.is_file():
            raise InputError(
                "no batch here (batch/state.json missing): start one with `extract batch submit`",
                path=self.out,
            )
        try:
            return BatchState.model_validate_json(self.state.read_bytes())
        except (ValidationError, ValueError) as exc:
            raise InputError(f"batch state is unreadable: {exc}", path=self.state) from None

    def save(self, state: BatchState) -> None:
        write_atomic(self.state, state.model_dump_json(indent=1) + "\n")


# --------------------------------------------------------------------------- planning


class PartWriter:
    """Request lines into input files under ``directory``, a new file at either limit.

    A request already written (the same key asked by two articles, or in flight in a batch
    not collected yet) is skipped. Files are written to a temporary name and renamed when
    complete, so a crash never leaves half a part that looks whole.
    """

    def __init__(self, directory: Path, round_: int, skip: set[str]) -> None:
        self.directory = directory
        self.round = round_
        self.seen = set(skip)
        self.parts: list[Part] = []
        self._handle: Any = None
        self._tmp = ""
        self._count = self._bytes = 0
        self._hash = hashlib.sha256()

    def add(self, key: str, content: bytes) -> None:
        if key in self.seen:
            return
        self.seen.add(key)
        body = json.loads(content)
        line = (
            json.dumps(
                {"custom_id": key, "method": "POST", "url": ENDPOINT, "body": body},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + "\n"
        ).encode()
        if self._handle is not None and (
            self._count >= MAX_REQUESTS_PER_FILE or self._bytes + len(line) > MAX_BYTES_PER_FILE
        ):
            self._close()
        if self._handle is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(dir=self.directory, prefix=".part.", suffix=".tmp")
            self._handle = os.fdopen(fd, "wb")
        self._handle.write(line)
        self._hash.update(line)
        self._count += 1
        self._bytes += len(line)

    def _close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        name = f"r{self.round}-{len(self.parts) + 1:03d}.jsonl"
        os.replace(self._tmp, self.directory / name)
        part = Part(
            name=name,
            round=self.round,
            requests=self._count,
            bytes=self._bytes,
            sha256=self._hash.hexdigest(),
            written=int(time.time()),
        )
        self.parts.append(part)
        self._handle, self._count, self._bytes, self._hash = None, 0, 0, hashlib.sha256()

    def close(self) -> list[Part]:
        if self._handle is not None:
            self._close()
        return self.parts

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            Path(self._tmp).unlink(missing_ok=True)
            self._handle = None


class BookTransport(ReplayTransport):
    """The model of a batch run: answers from ``answers``; a request not answered yet goes to
    ``sink`` (the next input file) and raises ``AnswerPending``; one that failed too often
    raises ``BackendError`` with the provider's reason."""

    def __init__(
        self, answers: Path, failed: dict[str, str], sink: Callable[[str, bytes], None]
    ) -> None:
        super().__init__(answers)
        self.failed = failed
        self.sink = sink

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        key = request_key(request)
        if key in self.failed:
            raise BackendError(
                f"batch request {key} failed {MAX_ATTEMPTS} times: {self.failed[key]}"
            )
        try:
            return await super().handle_async_request(request)
        except ReplayMissError:
            self.sink(key, request.content)
            raise AnswerPending(key) from None


def _keys(path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield str(json.loads(line)["custom_id"])


def planned_settings(settings: Settings) -> dict[str, Any]:
    """The settings that decide request bodies, as the state keeps them (no secrets)."""
    values = {name: getattr(settings, name) for name in PLANNED}
    values["base_url"] = settings.public_base_url
    return values


def _settings_for(state: BatchState, settings: Settings) -> Settings:
    """``settings`` with the state's planned values: collect asks exactly what submit asked."""
    return dataclasses.replace(
        settings,
        **{k: v for k, v in state.settings.items() if k != "base_url"},
        cassette=None,
        concurrency=PLAN_CONCURRENCY,
        max_requests=None,
        token_budget=None,
    )


async def advance(
    folder: Folder,
    state: BatchState,
    settings: Settings,
    *,
    on_note: Callable[[str], None] | None = None,
) -> tuple[RunManifest, list[Part]]:
    """Drive every article not done yet against the answers so far: write the documents that
    are complete, and the requests still needed into new input files (not uploaded)."""
    in_flight: set[str] = set()
    for part in state.parts:
        if not part.collected:
            in_flight.update(_keys(folder.parts / part.name))
    previous = _previous_statuses(folder.out / "manifest.json")
    writer = PartWriter(folder.parts, state.round + 1, in_flight)
    book = BookTransport(folder.answers, state.failed, writer.add)
    published = dt.date.fromisoformat(state.published) if state.published else None
    try:
        manifest = await run_batch(
            [_input(p, state.cwd) for p in state.paths],
            folder.out,
            _settings_for(state, settings),
            published=published,
            on_note=on_note,
            transport=book,
        )
    except BaseException:
        writer.discard()
        raise
    parts = writer.close()
    if parts:
        state.round += 1
        state.parts += parts
        folder.save(state)
    # an article finished in an earlier round is skipped now: keep its status from then
    changed = False
    for article_id, status in manifest.articles.items():
        before = previous.get(article_id)
        if status.status == "skipped" and before is not None and before.status == "ok":
            manifest.articles[article_id] = before
            changed = True
    if changed:
        write_atomic(folder.out / "manifest.json", manifest.model_dump_json(indent=2) + "\n")
    return manifest, parts


def _input(path: str, cwd: str) -> Path:
    """A path as submitted: relative to the current folder when it is there (documents keep
    naming it as given), else to the folder ``submit`` ran in."""
    given = Path(path)
    return given if given.is_absolute() or given.exists() else Path(cwd) / given


def _previous_statuses(path: Path) -> dict[str, Any]:
    try:
        return RunManifest.model_validate_json(path.read_bytes()).articles
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------- provider


def client_for(settings: Settings) -> openai.AsyncOpenAI:
    """An OpenAI client for the Files and Batches APIs, with the transport retries of live
    calls (429, 5xx, timeouts)."""
    if "api.openai.com" in settings.base_url and not settings.api_key:
        raise ConfigError("OPENAI_API_KEY is not set: the Batch API needs it (.env or environment)")
    transport = RetryTransport(
        httpx2.AsyncHTTPTransport(),
        max_retries=settings.max_retries,
        wait_max=settings.retry_wait_max,
        timeout=settings.timeout,
    )
    return openai.AsyncOpenAI(
        api_key=settings.api_key or "no-key",
        base_url=settings.api_base_url,
        default_query=dict(settings.query) or None,
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=transport, timeout=settings.timeout),
    )


async def upload(folder: Folder, state: BatchState, client: openai.AsyncOpenAI) -> None:
    """Upload every part not uploaded and create its batch; the state is saved after each
    step. A batch created before a crash (found by the part's hash in its metadata) is
    adopted, not created again."""
    for part in state.parts:
        if part.collected:
            continue
        if part.file_id is None:
            with (folder.parts / part.name).open("rb") as handle:
                created = await client.files.create(file=(part.name, handle), purpose="batch")
            part.file_id = created.id
            folder.save(state)
        if part.batch_id is None:
            existing = await _existing_batch(client, state.run_id, part)
            if existing is None:
                batch = await client.batches.create(
                    input_file_id=part.file_id,
                    endpoint="/v1/chat/completions",
                    completion_window="24h",
                    metadata={"extract_run": state.run_id, "extract_part": part.name},
                )
                part.batch_id, part.status = batch.id, batch.status
            else:
                part.batch_id, part.status = existing
            folder.save(state)


async def _existing_batch(
    client: openai.AsyncOpenAI, run_id: str, part: Part
) -> tuple[str, str] | None:
    """The batch this run created for ``part`` before a crash lost its id (newest first)."""
    tag = {"extract_run": run_id, "extract_part": part.name}
    async for batch in client.batches.list(limit=100):
        if batch.input_file_id == part.file_id or tag.items() <= (batch.metadata or {}).items():
            return batch.id, batch.status
        if batch.created_at < part.written - 60:  # older than the part: no need to look on
            break
    return None


async def refresh(folder: Folder, state: BatchState, client: openai.AsyncOpenAI | None) -> None:
    """The provider's status of every uploaded batch not collected yet."""
    for part in state.parts:
        if part.batch_id and not part.collected and client is not None:
            batch = await client.batches.retrieve(part.batch_id)
            part.status = batch.status
            counts = batch.request_counts
            if counts is not None:
                part.note = f"{counts.completed} done, {counts.failed} failed of {counts.total}"
    folder.save(state)


def _lines(data: bytes, where: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise InputError(f"line {number}: not JSON", path=where) from None
        if not isinstance(item, dict) or "custom_id" not in item:
            raise InputError(f"line {number}: not a batch output line (no custom_id)", path=where)
        yield item


def store_results(
    folder: Folder, state: BatchState, lines: Iterable[dict[str, Any]], batch_id: str | None
) -> tuple[set[str], set[str]]:
    """Answers from output/error lines: a 200 becomes ``answers/<key>.json``; any other
    outcome counts an attempt (``failed`` after ``MAX_ATTEMPTS``). Returns the keys answered
    and the keys that came back failed."""
    seen: set[str] = set()
    bad: set[str] = set()
    for item in lines:
        key = str(item["custom_id"])
        seen.add(key)
        response = item.get("response") or {}
        status = response.get("status_code")
        if status == 200 and not item.get("error"):
            entry = {
                "format": FORMAT_VERSION,
                "key": key,
                "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "batch": batch_id,
                "response": {
                    "status": 200,
                    "content_type": "application/json",
                    "body": response.get("body"),
                },
            }
            write_atomic(folder.answers / f"{key}.json", json.dumps(entry, ensure_ascii=False))
            state.failed.pop(key, None)
        else:
            bad.add(key)
            _failed_attempt(state, key, _reason(item))
    return seen - bad, bad


def _reason(item: dict[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        return f"{error.get('code') or 'error'}: {error.get('message') or ''}".strip()[:200]
    response = item.get("response") or {}
    body = response.get("body")
    message = body.get("error", {}).get("message") if isinstance(body, dict) else None
    return f"HTTP {response.get('status_code')}: {message or 'no message'}"[:200]


def _failed_attempt(state: BatchState, key: str, reason: str) -> None:
    state.attempts[key] = state.attempts.get(key, 0) + 1
    if state.attempts[key] >= MAX_ATTEMPTS:
        state.failed[key] = reason


async def download(folder: Folder, state: BatchState, client: openai.AsyncOpenAI) -> list[str]:
    """Collect every finished batch: its answers stored, its unanswered requests counted as
    failed attempts (resubmitted by the next round). Returns one note per batch collected."""
    notes: list[str] = []
    for part in state.parts:
        if part.collected or part.batch_id is None or part.status not in TERMINAL:
            continue
        batch = await client.batches.retrieve(part.batch_id)
        answered: set[str] = set()
        failed: set[str] = set()
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                data = (await client.files.content(file_id)).content
                lines = _lines(data, f"{part.batch_id}:{file_id}")
                good, bad = store_results(folder, state, lines, part.batch_id)
                answered, failed = answered | good, failed | bad
        missing = [k for k in _keys(folder.parts / part.name) if k not in answered | failed]
        for key in missing:
            _failed_attempt(state, key, f"batch {batch.status} before answering")
        part.status, part.collected = batch.status, True
        note = f"batch {part.batch_id} ({part.name}) {batch.status}: {len(answered)} answered"
        if unanswered := len(missing) + len(failed):
            gave_up = sum(1 for k in [*missing, *failed] if k in state.failed)
            note += f", {unanswered} failed or unanswered: {unanswered - gave_up} resubmitted"
            if gave_up:
                note += f", {gave_up} given up after {MAX_ATTEMPTS} attempts"
        notes.append(note)
        folder.save(state)
    return notes


def read_results(folder: Folder, state: BatchState, files: list[Path]) -> list[str]:
    """Output files given by hand (``vllm run-batch -o``): their answers stored; a local part
    all of whose requests are answered (or failed) is collected."""
    seen: set[str] = set()
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=path) from None
        good, bad = store_results(folder, state, _lines(data, str(path)), None)
        seen |= good | bad
    notes = []
    for part in state.parts:
        if not part.collected:
            keys = list(_keys(folder.parts / part.name))
            if all(k in seen or (folder.answers / f"{k}.json").is_file() for k in keys):
                part.collected, part.status = True, "completed"
                notes.append(f"{part.name}: {len(keys)} answers read")
    folder.save(state)
    return notes


# --------------------------------------------------------------------------- commands


async def submit(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    published: dt.date | None = None,
    upload_parts: bool = True,
    on_note: Callable[[str], None] | None = None,
) -> BatchReport:
    """Plan every article under ``paths``, write the input files and (``upload_parts``)
    submit them. Run again on the same ``out_dir`` it resumes: nothing is submitted twice."""
    folder = Folder(out_dir)
    check_writable(out_dir, "--out")
    if folder.state.is_file():
        state = folder.load()
    else:
        state = BatchState(
            paths=[str(p) for p in paths],
            cwd=str(Path.cwd()),
            settings=planned_settings(settings),
            published=published.isoformat() if published else None,
            local=not upload_parts,
        )
        folder.save(state)
    manifest, parts = await advance(folder, state, settings, on_note=on_note)
    if not state.local:
        async with client_for(settings) as client:
            await upload(folder, state, client)
    return BatchReport(manifest, parts, _in_flight(state), [])


async def collect(
    out_dir: Path,
    settings: Settings,
    *,
    results: list[Path] | None = None,
    submit_next: bool = True,
    on_note: Callable[[str], None] | None = None,
) -> BatchReport:
    """Collect finished batches (or ``results`` files), write the documents that are
    complete, and plan (and, ``submit_next``, submit) the next round."""
    folder = Folder(out_dir)
    state = folder.load()
    if state.local and not results:
        raise ConfigError(
            "this batch's input files were written for `vllm run-batch`: give its output "
            "files with --results"
        )
    notes: list[str] = []
    client = None if state.local else client_for(settings)
    try:
        if results:
            notes += read_results(folder, state, results)
        if client is not None:
            await refresh(folder, state, client)
            notes += await download(folder, state, client)
        if not notes and (folder.out / "manifest.json").is_file():
            # no batch finished since the last look: nothing to plan or write
            manifest = RunManifest.model_validate_json((folder.out / "manifest.json").read_bytes())
            return BatchReport(manifest, [], _in_flight(state), notes)
        manifest, parts = await advance(folder, state, settings, on_note=on_note)
        if client is not None and submit_next:
            await upload(folder, state, client)
    finally:
        if client is not None:
            await client.close()
    return BatchReport(manifest, parts, _in_flight(state), notes)


def _in_flight(state: BatchState) -> list[Part]:
    return [p for p in state.parts if not p.collected]


async def status(out_dir: Path, settings: Settings) -> BatchState:
    """The state with every uploaded batch's current status from the provider."""
    folder = Folder(out_dir)
    state = folder.load()
    if any(p.batch_id and not p.collected for p in state.parts):
        async with client_for(settings) as client:
            await refresh(folder, state, client)
    return state


async def run_until_done(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    published: dt.date | None = None,
    poll: float = 30.0,
    poll_max: float = 600.0,
    on_note: Callable[[str], None] | None = None,
) -> BatchReport:
    """``submit``, then ``collect`` with growing waits (``poll`` doubling up to ``poll_max``
    seconds) until no article waits for an answer."""
    report = await submit(paths, out_dir, settings, published=published, on_note=on_note)
    wait = poll
    while report.in_flight:
        await asyncio.sleep(wait)
        report = await collect(out_dir, settings, on_note=on_note)
        for note in report.notes:
            if on_note:
                on_note(note)
        wait = poll if report.submitted or report.notes else min(wait * 2, poll_max)
    return report
