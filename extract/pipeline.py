"""Article in, validated and grounded ``ExtractionResult`` out; and whole runs over many files.

``extract_one`` is the unit (async). ``run_batch`` drives many articles concurrently (bounded),
writes each document atomically as soon as it is done, keeps ``manifest.json`` current after
every article, skips articles already done with the same inputs, goes on past failures, stops
starting articles once the run's budget is spent, and on Ctrl-C/SIGTERM writes the manifest
before the cancellation propagates: a rerun does only what is left.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import errno
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract._version import __version__
from extract.articles import Article, article_id_for, check_text, collect
from extract.assemble import assemble
from extract.drafts import as_dict
from extract.errors import (
    AnswerPending,
    BudgetError,
    ExtractError,
    InputError,
    OutputError,
)
from extract.inputs import Entry, entries, failing
from extract.llm.backend import LLM
from extract.llm.recording import (
    TEMP_SUFFIX,
    Meter,
    current_meter,
    remove_stale_temps,
    scrub,
    write_atomic,
)
from extract.models import (
    SCHEMA_VERSION,
    Backend,
    ExtractionResult,
    Rejected,
    Source,
    Timings,
    Usage,
)
from extract.run_manifest import ArticleStatus, RunInfo, RunManifest
from extract.schemas import check_document
from extract.settings import Settings
from extract.strategies import get_strategy
from extract.strategies.base import drive


async def extract_one(
    article: Article, settings: Settings, llm: LLM, *, meter: Meter | None = None
) -> ExtractionResult:
    """Extract, ground and validate one article.

    ``meter`` (optional) receives the tokens and requests of every attempt, also when the
    article fails; the result's ``usage`` reports the same figures.

    Raises:
        ExtractError: the article cannot be extracted (backend, answer or schema failure).
    """
    check_text(article.text, where=str(article.path or article.article_id))
    strategy = get_strategy(settings.strategy)
    meter = meter if meter is not None else Meter()
    token = current_meter.set(meter)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    try:
        drafts = await drive(strategy.plan(article.text, article.published, article.language), llm)
    finally:
        current_meter.reset(token)
    language = article.language or drafts.language  # metadata the article came with wins
    extraction, rejected = assemble(
        drafts.records, article.text, language, published=article.published
    )
    rejected = [
        Rejected(type=kind, reason=reason, record=as_dict(draft))
        for kind, reason, draft in drafts.dropped
    ] + rejected
    result = ExtractionResult(
        article_id=article.article_id,
        language=language,
        published=article.published,
        title=article.title,
        url=article.url,
        author=article.author,
        source=Source(
            path=article.source or (str(article.path) if article.path else None),
            sha256=article.sha256,
            chars=len(article.text),
        ),
        model=settings.model,
        backend=Backend(
            base_url=settings.public_base_url,
            mode=settings.mode,
            strategy=strategy.name,
            replay=settings.cassette == "replay",
        ),
        extract_version=__version__,
        prompt_version=strategy.prompt_version,
        usage=_usage(meter),
        attempts=meter.calls,
        timings=Timings(started=started, seconds=round(time.perf_counter() - clock, 3)),
        extraction=extraction,
        rejected=rejected,
    )
    check_document(result.model_dump(mode="json"), "result", path=article.article_id)
    return result


MANIFEST_INTERVAL = 1.0  # seconds between manifest rewrites during a run
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})  # the run stops, not one article
# write_atomic's temporary name is ".<id>.json.<8 random>.tmp": 19 bytes more than the id
TEMP_NAME_EXTRA = len("..json..tmp") + 8


def id_limit(folder: Path) -> int:
    """The longest article id (in UTF-8 bytes) whose document and temporary file fit ``folder``."""
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    return max(32, name_max - TEMP_NAME_EXTRA)


def fit_id(article_id: str, limit: int) -> str:
    """``article_id`` if it fits in ``limit`` bytes; else its head and a hash of the whole id.

    The hash keeps two long names with the same beginning apart; the same name always gives the
    same id, so resume finds its document.
    """
    raw = article_id.encode("utf-8")
    if len(raw) <= limit:
        return article_id
    digest = hashlib.sha256(raw).hexdigest()[:12]
    head = raw[: limit - len(digest) - 1].decode("utf-8", "ignore").rstrip("._-")
    return f"{head}-{digest}"


def check_writable(folder: Path, what: str) -> None:
    """Create ``folder`` if needed and prove a file can be written there, before any request.

    Raises:
        OutputError: ``folder`` is a file, or cannot be created or written.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"is a file, not a folder ({what})", path=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".extract-probe.", suffix=TEMP_SUFFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write here ({what}): {exc.strerror}", path=folder) from None


def same_inputs(previous: dict[str, object], article: Article, settings: Settings) -> bool:
    """True when an existing document was made from the same article, model and versions."""
    backend, source = previous.get("backend"), previous.get("source")
    if not isinstance(backend, dict) or not isinstance(source, dict):
        return False
    try:
        return (
            source["sha256"] == article.sha256
            and previous.get("published") == (article.published and article.published.isoformat())
            and previous["model"] == settings.model
            and previous["schema_version"] == SCHEMA_VERSION
            and previous["prompt_version"] == get_strategy(settings.strategy).prompt_version
            and backend["strategy"] == settings.strategy
            and backend["mode"] == settings.mode
        )
    except (KeyError, TypeError):
        return False


@dataclass
class BatchEvent:
    """One finished article, for progress display (``exception``: for ``--debug`` tracebacks)."""

    article_id: str
    status: str
    error: str | None = None
    exception: BaseException | None = None


def budget_reason(settings: Settings, requests: int, tokens: int) -> str | None:
    """Why no new article may start, or None while the run's budget allows it."""
    if settings.max_requests is not None and requests >= settings.max_requests:
        return (
            f"budget reached: {requests} of {settings.max_requests} requests "
            "(--max-requests / EXTRACT_MAX_REQUESTS)"
        )
    if settings.token_budget is not None and tokens >= settings.token_budget:
        return (
            f"budget reached: {tokens} of {settings.token_budget} tokens "
            "(--token-budget / EXTRACT_TOKEN_BUDGET)"
        )
    return None


def _usage(meter: Meter) -> Usage:
    return Usage(
        prompt_tokens=meter.prompt_tokens,
        completion_tokens=meter.completion_tokens,
        total_tokens=meter.total_tokens,
        requests=meter.requests,
        calls=meter.calls,
    )


def _done_before(target: Path, article: Article, settings: Settings) -> bool:
    if not target.is_file():
        return False
    try:
        previous = json.loads(target.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return False
    return isinstance(previous, dict) and same_inputs(previous, article, settings)


class RunState:
    """The driver's side of a run, shared by every engine (``run_batch``, ``extract.ray_engine``).

    ``start_run`` makes one: the articles to do (``jobs``, in ``order``), the manifest, and
    what writes a finished article (its document and its manifest entry). ``close`` marks what
    never finished ``pending`` and writes the manifest a last time.
    """

    def __init__(
        self,
        out_dir: Path,
        settings: Settings,
        *,
        on_event: Callable[[BatchEvent], None] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.settings = settings
        self.on_event = on_event
        self.manifest = RunManifest(
            run=RunInfo(
                extract_version=__version__,
                started=dt.datetime.now(dt.UTC),
                model=settings.model,
                base_url=settings.public_base_url,
                mode=settings.mode,
                strategy=settings.strategy,
                replay=settings.cassette == "replay",
            )
        )
        self.manifest_path = out_dir / "manifest.json"
        self.order: list[str] = []  # every article id (or id@source of a duplicate), in order
        self.jobs: list[tuple[str, Entry]] = []  # the articles to run
        self.stopping: list[str] = []  # why no more work may start (a full disk); set once
        self._last_save = -MANIFEST_INTERVAL

    def add(self, files: list[Path], on_note: Callable[[str], None] | None = None) -> None:
        """Read the entries of ``files`` into ``jobs``; a duplicate id or an unreadable
        ``.jsonl``/``.csv`` file is finished ``failed`` at once."""
        seen: dict[str, str] = {}
        limit_bytes = id_limit(self.out_dir)
        for path in files:
            try:
                found = entries(path)
            except InputError as exc:  # a whole .jsonl/.csv file that cannot be read
                found = [Entry(article_id_for(path), path, str(path), failing(exc))]
            for entry in found:
                article_id = fit_id(entry.article_id, limit_bytes)
                if article_id != entry.article_id and on_note:
                    on_note(
                        f"{entry.source}: article id shortened to {article_id!r} (too long for "
                        "an output file name)"
                    )
                if article_id in seen:
                    key = f"{article_id}@{entry.source}"
                    self.order.append(key)
                    error = InputError(
                        f"duplicate article id {article_id!r} (also {seen[article_id]}): "
                        "rename one",
                        path=entry.source,
                    )
                    self.finish(key, self.failed(entry, error), error)
                    continue
                seen[article_id] = entry.source
                self.order.append(article_id)
                self.jobs.append((article_id, entry))

    def stop(self, reason: str) -> None:
        if not self.stopping:
            self.stopping.append(reason)
            self.manifest.run.stopped = reason

    def save(self) -> None:
        try:
            write_atomic(self.manifest_path, self.manifest.model_dump_json(indent=2) + "\n")
        except OSError as exc:
            full = "disk full: " if exc.errno in NO_SPACE else ""
            self.stop(f"{full}{self.manifest_path}: cannot write")
            raise OutputError(
                f"cannot write: {exc.strerror}; the documents written are complete: make room "
                "and rerun the same command to resume",
                path=self.manifest_path,
            ) from exc
        self._last_save = time.monotonic()

    def finish(
        self, article_id: str, status: ArticleStatus, exc: BaseException | None = None
    ) -> None:
        # Synchronous on purpose: a document and its manifest entry are updated with no await in
        # between, so a cancellation cannot leave one without the other. The file is rewritten
        # at most every MANIFEST_INTERVAL seconds (rewriting it per article is O(N^2) over a
        # run) and always when the run ends or stops; resume goes by the documents themselves.
        self.manifest.articles[article_id] = status
        if time.monotonic() - self._last_save >= MANIFEST_INTERVAL:
            try:
                self.save()
            except OutputError:
                pass  # the run is stopping (see stop); the last save tries again
        if self.on_event:
            self.on_event(BatchEvent(article_id, status.status, status.error, exc))

    def failed(
        self, entry: Entry, error: BaseException | str, meter: Meter | Usage | None = None
    ) -> ArticleStatus:
        """A ``failed`` status, the reason scrubbed of secrets; ``meter``: what it spent."""
        return ArticleStatus(
            status="failed",
            path=str(entry.path),
            source=entry.source,
            error=scrub(str(error), self.settings.secrets),
            usage=meter if isinstance(meter, Usage) else _usage(meter or Meter()),
        )

    def prepare(
        self, article_id: str, entry: Entry, published: dt.date | None, force: bool
    ) -> Article | None:
        """The article to extract, or None when it is already done with the same inputs (then
        it is finished ``skipped``).

        Raises:
            InputError: the entry cannot be read.
        """
        article = entry.load(published)
        article = dataclasses.replace(article, article_id=article_id)
        target = self.out_dir / f"{article_id}.json"
        if not force and _done_before(target, article, self.settings):
            status = ArticleStatus(
                status="skipped",
                path=str(entry.path),
                source=entry.source,
                sha256=article.sha256,
                output=target.name,
            )
            self.finish(article_id, status)
            return None
        return article

    def stopped_by(self, exc: BaseException) -> None:
        """Say in the manifest why the run stops early: interrupted, or the error's line."""
        if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt)):
            self.manifest.run.stopped = "interrupted"
        else:
            line = f"stopped by {type(exc).__name__}: {exc}"
            self.manifest.run.stopped = scrub(line, self.settings.secrets)

    def store(self, entry: Entry, article: Article, result: ExtractionResult) -> None:
        """Write the document (and the text it points into, when it is not a file as it is)
        atomically, then finish the article ``ok``.

        Raises:
            OutputError: the document cannot be written (a full disk also stops the run).
        """
        target = self.out_dir / f"{article.article_id}.json"
        try:
            if entry.saved_text:  # the text the spans point into, beside the document
                write_atomic(target.with_suffix(".txt"), article.text)
            write_atomic(target, result.model_dump_json(indent=2) + "\n")
        except OSError as exc:
            if exc.errno in NO_SPACE:  # the next document would fail the same way
                self.stop(f"disk full: {target}: cannot write: {exc.strerror}")
            raise OutputError(f"cannot write: {exc.strerror}", path=target) from exc
        records = sum(
            len(getattr(result.extraction, k))
            for k in ("meetings", "agreements", "quotes", "commitments")
        )
        status = ArticleStatus(
            status="ok",
            path=str(entry.path),
            source=entry.source,
            sha256=article.sha256,
            output=target.name,
            usage=result.usage,
            seconds=result.timings.seconds,
            rejected=len(result.rejected),
            records=records,
        )
        self.finish(article.article_id, status)

    def close(self) -> None:
        """Mark the articles never finished ``pending``, put the manifest in input order and
        write it (before any await: a second Ctrl-C cannot lose it)."""
        manifest = self.manifest
        for article_id, entry in self.jobs:  # in flight or not started when the run stopped
            if article_id not in manifest.articles:
                manifest.articles[article_id] = ArticleStatus(
                    status="pending",
                    path=str(entry.path),
                    source=entry.source,
                    error=f"{manifest.run.stopped}: rerun",
                )
        manifest.articles = {key: manifest.articles[key] for key in self.order}
        manifest.run.finished = dt.datetime.now(dt.UTC)
        self.save()


def start_run(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    on_event: Callable[[BatchEvent], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RunState:
    """Check the inputs and output folders, then read every entry: a ``RunState`` ready to run.

    Raises:
        InputError: a named path does not exist (nothing is started).
        OutputError: ``out_dir`` (or, when recording, the recordings folder) cannot be written.
    """
    files = collect(paths)
    check_writable(out_dir, "--out")
    if settings.cassette in ("record", "fill"):
        check_writable(settings.recordings, "--recordings")
    remove_stale_temps(out_dir)  # left by a run that was killed mid-write
    batch = RunState(out_dir, settings, on_event=on_event)
    batch.add(files, on_note)
    return batch


def failure_line(exc: Exception) -> str:
    """The manifest's one-line reason for an article that raised ``exc``: an ``ExtractError``
    says it; anything else is a bug, named as such (``--debug`` shows its traceback)."""
    if isinstance(exc, ExtractError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}; rerun with --debug".splitlines()[0]


async def run_batch(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    force: bool = False,
    published: dt.date | None = None,
    on_event: Callable[[BatchEvent], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    transport: object | None = None,
) -> RunManifest:
    """Extract every article under ``paths`` into ``out_dir``; returns the final manifest.

    Every document and ``manifest.json`` are written atomically, the manifest after each article.
    An article that fails is marked ``failed`` with a one-line reason and the run goes on. Once
    the run's budget (``settings.max_requests``, ``settings.token_budget``) is spent, no call is
    made any more: articles not yet done are marked ``pending``. A full disk stops the run the
    same way (the article whose write failed is ``failed``, naming the file). On cancellation
    (Ctrl-C, SIGTERM) articles in flight are dropped, marked ``pending``, the manifest is
    written, and the cancellation propagates. ``on_note`` receives one-line notes (an id
    shortened to fit a file name).
    ``published`` is the publication date of articles whose front matter gives none.

    Raises:
        InputError: a named path does not exist (nothing is started).
        OutputError: ``out_dir`` (or, when recording, the recordings folder) cannot be written
            (nothing is started), or the manifest could not be written at the end.
    """
    batch = start_run(paths, out_dir, settings, on_event=on_event, on_note=on_note)
    manifest = batch.manifest
    spent = Meter()  # the run's spending so far: every article's meter adds to it

    def guard() -> str | None:
        """Why no further request may be made (asked before each call, inside articles too)."""
        if batch.stopping:
            return batch.stopping[0]
        return budget_reason(settings, spent.requests, spent.total_tokens)

    llm = LLM(settings, transport=transport, guard=guard)  # type: ignore[arg-type]

    async def one(article_id: str, entry: Entry) -> None:
        path, source = entry.path, entry.source
        meter = Meter(run=spent)
        try:
            article = batch.prepare(article_id, entry, published, force)
            if article is None:  # done before: skipped
                return
            if reason := guard():
                manifest.run.stopped = manifest.run.stopped or reason
                status = ArticleStatus(
                    status="pending",
                    path=str(path),
                    source=source,
                    sha256=article.sha256,
                    error=reason,
                )
                batch.finish(article_id, status)
                return
            result = await extract_one(article, settings, llm, meter=meter)
            batch.store(entry, article, result)
        except AnswerPending as exc:  # batch mode: the article waits for its batch's answers
            status = ArticleStatus(
                status="pending",
                path=str(path),
                source=source,
                error=f"waiting for batch answers ({exc})",
            )
            batch.finish(article_id, status)
        except BudgetError as exc:  # spent (or stopping) in the middle of this article
            manifest.run.stopped = manifest.run.stopped or str(exc)
            status = ArticleStatus(
                status="pending", path=str(path), error=str(exc), usage=_usage(meter)
            )
            batch.finish(article_id, status)
        except Exception as exc:  # a bug must not sink the run: recorded, shown by --debug
            batch.finish(article_id, batch.failed(entry, failure_line(exc), meter), exc)

    limit = asyncio.Semaphore(settings.concurrency)

    async def limited(article_id: str, entry: Entry) -> None:
        # one task per article waiting its turn: measured 1.16-1.19 of the ideal at concurrency
        # 16 in bench/orchestration.py, against 1.20-1.24 with concurrency workers sharing the
        # list (a finished article's worker starts the next one before other answers are read);
        # the peak memory of 10,000 articles was the same either way (bench/batch.py)
        async with limit:
            await one(article_id, entry)

    try:
        await asyncio.gather(*(limited(a, e) for a, e in batch.jobs))
    except BaseException as exc:
        batch.stopped_by(exc)
        raise
    finally:
        try:
            batch.close()
        finally:
            await llm.aclose()
    return manifest
