"""The Ray engine: ``extract run --engine ray`` (the ``ray`` extra).

The driver (this process) reads the articles, skips those already done, and puts the others in
a Ray Dataset, one row per article. ``workers`` actors map ``extract_one`` over it: each actor
runs one asyncio event loop (Ray Data's, for an async UDF), one ``LLM`` and at most
``settings.concurrency`` articles and requests in flight, so the run has up to
``workers x concurrency`` requests in flight. Each row comes back as the document's JSON or a
one-line failure; the driver writes documents atomically and keeps ``manifest.json`` exactly as
``run_batch`` does (the same ``extract.pipeline.RunState``).

``RAY_ADDRESS`` (or a Ray already initialised by the caller) points it at a cluster; with
nothing set a local Ray is started and shut down again. Workers need ``extract`` importable and
the endpoint reachable; with ``--replay``/``--record`` the recordings folder must be reachable
from every worker (local mode: it is). Run budgets (``max_requests``, ``token_budget``) are
refused: they are checked before every request, across the run, which the workers cannot share.

Ray is imported lazily: ``import extract`` works without it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from extract.articles import Article
from extract.errors import ConfigError, ExtractError
from extract.llm.backend import LLM, check_recordings
from extract.llm.recording import Meter, scrub
from extract.models import ExtractionResult, Usage
from extract.pipeline import BatchEvent, _usage, extract_one, failure_line, start_run
from extract.run_manifest import RunManifest
from extract.settings import Settings

RAY_MISSING = "the Ray engine needs Ray: pip install 'extract[ray]'"
DEFAULT_WORKERS = 2
ROWS_PER_BLOCK = 16  # Ray Data runs at most 16 rows of one block at once in an async map


def _ray() -> Any:
    """The ``ray`` module with Ray Data, or a ``ConfigError`` saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


def check_ray(settings: Settings, workers: int) -> None:
    """Refuse what the Ray engine cannot do, before anything starts.

    Raises:
        ConfigError: a run budget is set, ``workers`` < 1, or Ray is not installed.
    """
    if settings.max_requests is not None or settings.token_budget is not None:
        raise ConfigError(
            "--max-requests / --token-budget (EXTRACT_MAX_REQUESTS / EXTRACT_TOKEN_BUDGET) work "
            "with --engine local only: the Ray workers cannot share one budget"
        )
    if workers < 1:
        raise ConfigError(f"workers must be a positive integer, not {workers}")
    _ray()


def _row(article: Article) -> dict[str, str | None]:
    """An article as a Dataset row (plain strings: Arrow stores them as they are)."""
    return {
        "article_id": article.article_id,
        "text": article.text,
        "path": str(article.path) if article.path else None,
        "published": article.published.isoformat() if article.published else None,
        "title": article.title,
        "url": article.url,
        "language": article.language,
        "author": article.author,
        "source": article.source,
    }


def _article(row: dict[str, Any]) -> Article:
    published = row.get("published")
    return Article(
        article_id=row["article_id"],
        text=row["text"],
        path=Path(row["path"]) if row.get("path") else None,
        published=dt.date.fromisoformat(published) if published else None,
        title=row.get("title"),
        url=row.get("url"),
        language=row.get("language"),
        author=row.get("author"),
        source=row.get("source"),
    )


class Worker:
    """One Ray actor: one event loop, one ``LLM``, at most ``settings.concurrency`` articles
    (and requests) in flight. Called once per article row; answers with the document's JSON,
    or the one-line reason it failed and what it spent."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._llm: LLM | None = None
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, row: dict[str, Any]) -> dict[str, str]:
        if self._llm is None or self._slots is None:  # made on the actor's event loop
            self._llm = LLM(self.settings)
            self._slots = asyncio.Semaphore(self.settings.concurrency)
        async with self._slots:
            meter = Meter()
            try:
                result = await extract_one(_article(row), self.settings, self._llm, meter=meter)
            except Exception as exc:  # the article fails, the run goes on (as in run_batch)
                error = scrub(failure_line(exc), self.settings.secrets)
                usage = _usage(meter).model_dump_json()
                return {
                    "article_id": row["article_id"],
                    "document": "",
                    "error": error,
                    "usage": usage,
                }
            document = result.model_dump_json()
            return {"article_id": row["article_id"], "document": document, "error": "", "usage": ""}


def _results(
    ray: Any, rows: list[dict[str, str | None]], settings: Settings, workers: int
) -> Iterator[dict[str, Any]]:
    """Map ``Worker`` over ``rows`` on ``workers`` actors; rows as they finish."""
    from ray.data import ActorPoolStrategy, DataContext

    per_worker = settings.concurrency
    rows_per_block = max(1, min(ROWS_PER_BLOCK, math.ceil(len(rows) / (2 * workers * per_worker))))
    blocks = math.ceil(len(rows) / rows_per_block)
    # enough blocks running on each actor at once to keep ``per_worker`` articles started
    calls = 2 * math.ceil(per_worker / rows_per_block)
    context = DataContext.get_current()
    bars = context.enable_progress_bars
    context.enable_progress_bars = False  # the caller shows progress (on_event)
    quiet = logging.getLogger("ray.data")  # its INFO lines (execution plan, timings) and the
    level = quiet.level  # "progress bars disabled" warning would interleave with ours
    quiet.setLevel(logging.ERROR)
    try:
        dataset = ray.data.from_items(rows, override_num_blocks=blocks)
        mapped = dataset.map(
            Worker,
            fn_constructor_args=(settings,),
            compute=ActorPoolStrategy(size=workers, max_concurrent_calls_per_actor=calls),
            num_cpus=1,
        )
        yield from mapped.iter_rows()
    finally:
        context.enable_progress_bars = bars
        quiet.setLevel(level)


def run_ray(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    workers: int = DEFAULT_WORKERS,
    force: bool = False,
    published: dt.date | None = None,
    on_event: Callable[[BatchEvent], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RunManifest:
    """``run_batch`` on Ray: the same documents and manifest, the articles spread over
    ``workers`` Ray actors of ``settings.concurrency`` requests in flight each.

    Raises:
        ConfigError: Ray is not installed, or a run budget is set (see ``check_ray``).
        InputError: a named path does not exist (nothing is started).
        OutputError: ``out_dir`` (or, when recording, the recordings folder) cannot be written
            (nothing is started), or the manifest could not be written at the end.
    """
    check_ray(settings, workers)
    check_recordings(settings)
    ray = _ray()
    # the workers may not share this process's current folder
    settings = replace(settings, recordings=settings.recordings.absolute())
    batch = start_run(paths, out_dir, settings, on_event=on_event, on_note=on_note)
    manifest = batch.manifest
    started_ray = False
    try:
        rows: list[dict[str, str | None]] = []
        todo: dict[str, tuple[Any, Article]] = {}
        for article_id, entry in batch.jobs:
            try:
                article = batch.prepare(article_id, entry, published, force)
            except ExtractError as exc:
                batch.finish(article_id, batch.failed(entry, exc), exc)
                continue
            if article is not None:
                rows.append(_row(article))
                todo[article_id] = (entry, article)
        if rows:
            if not ray.is_initialized():
                address = os.environ.get("RAY_ADDRESS") or None  # else a local Ray, for this run
                local = {} if address else {"num_cpus": max(os.cpu_count() or 1, workers)}
                ray.init(
                    address=address,
                    include_dashboard=False,
                    logging_level=logging.WARNING,
                    **local,
                )
                started_ray = True
            for out in _results(ray, rows, settings, workers):
                entry, article = todo[out["article_id"]]
                if out["error"]:
                    usage = Usage.model_validate_json(out["usage"])
                    batch.finish(article.article_id, batch.failed(entry, out["error"], usage))
                    continue
                try:
                    result = ExtractionResult.model_validate_json(out["document"])
                    batch.store(entry, article, result)
                except ExtractError as exc:  # a document that cannot be written
                    batch.finish(article.article_id, batch.failed(entry, exc), exc)
                if batch.stopping:  # a full disk: the other documents would fail the same way
                    break
    except BaseException as exc:
        batch.stopped_by(exc)
        raise
    finally:
        try:
            batch.close()
        finally:
            if started_ray:
                ray.shutdown()
    return manifest
