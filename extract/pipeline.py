"""Article in, validated and grounded ``ExtractionResult`` out; and whole runs over many files.

``extract_one`` is the unit (async). ``run_batch`` drives many articles concurrently (bounded),
writes each document atomically as soon as it is done, keeps ``manifest.json`` current after
every article, skips articles already done with the same inputs, and goes on past failures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract._version import __version__
from extract.articles import Article, article_id_for, check_text, collect, load_article
from extract.assemble import assemble
from extract.backend import LLM
from extract.errors import ExtractError, InputError
from extract.models import (
    SCHEMA_VERSION,
    Backend,
    ExtractionResult,
    Source,
    Timings,
    Usage,
)
from extract.recording import Meter, current_meter, write_atomic
from extract.run_manifest import ArticleStatus, RunInfo, RunManifest
from extract.schemas import check_document
from extract.settings import Settings
from extract.strategies import get_strategy


async def extract_one(article: Article, settings: Settings, llm: LLM) -> ExtractionResult:
    """Extract, ground and validate one article.

    Raises:
        ExtractError: the article cannot be extracted (backend, answer or schema failure).
    """
    check_text(article.text, where=str(article.path or article.article_id))
    strategy = get_strategy(settings.strategy)
    meter = Meter()
    token = current_meter.set(meter)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    try:
        drafts = await strategy.run(llm, article.text, article.published)
    finally:
        current_meter.reset(token)
    extraction, rejected = assemble(drafts.records, article.text, drafts.language)
    result = ExtractionResult(
        article_id=article.article_id,
        language=drafts.language,
        published=article.published,
        source=Source(
            path=str(article.path) if article.path else None,
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
        usage=Usage(
            prompt_tokens=meter.prompt_tokens,
            completion_tokens=meter.completion_tokens,
            total_tokens=meter.total_tokens,
            requests=meter.requests,
            calls=meter.calls,
        ),
        attempts=meter.calls,
        timings=Timings(started=started, seconds=round(time.perf_counter() - clock, 3)),
        extraction=extraction,
        rejected=rejected,
    )
    check_document(result.model_dump(mode="json"), "result", path=article.article_id)
    return result


def same_inputs(previous: dict[str, object], article: Article, settings: Settings) -> bool:
    """True when an existing document was made from the same article, model and versions."""
    try:
        backend = previous["backend"]
        source = previous["source"]
        assert isinstance(backend, dict) and isinstance(source, dict)
        return (
            source["sha256"] == article.sha256
            and previous["model"] == settings.model
            and previous["schema_version"] == SCHEMA_VERSION
            and previous["prompt_version"] == get_strategy(settings.strategy).prompt_version
            and backend["strategy"] == settings.strategy
            and backend["mode"] == settings.mode
        )
    except (KeyError, AssertionError, TypeError):
        return False


@dataclass
class BatchEvent:
    """One finished article, for progress display."""

    article_id: str
    status: str
    error: str | None = None


def _status_for_failure(path: Path | None, error: BaseException) -> ArticleStatus:
    return ArticleStatus(status="failed", path=str(path) if path else None, error=str(error))


async def run_batch(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    force: bool = False,
    on_event: Callable[[BatchEvent], None] | None = None,
    transport: object | None = None,
) -> RunManifest:
    """Extract every article under ``paths`` into ``out_dir``; returns the final manifest.

    Raises:
        InputError: a named path does not exist (nothing is started).
    """
    files = collect(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = RunManifest(
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
    manifest_path = out_dir / "manifest.json"
    lock = asyncio.Lock()

    async def finish(article_id: str, status: ArticleStatus) -> None:
        async with lock:
            manifest.articles[article_id] = status
            write_atomic(manifest_path, manifest.model_dump_json(indent=2) + "\n")
        if on_event:
            on_event(BatchEvent(article_id, status.status, status.error))

    seen: dict[str, Path] = {}
    jobs: list[tuple[str, Path]] = []
    for path in files:
        article_id = article_id_for(path)
        if article_id in seen:
            error = InputError(
                f"duplicate article id {article_id!r} (also {seen[article_id]})", path=path
            )
            await finish(f"{article_id}@{len(jobs)}", _status_for_failure(path, error))
            continue
        seen[article_id] = path
        jobs.append((article_id, path))

    llm = LLM(settings, transport=transport)  # type: ignore[arg-type]
    limit = asyncio.Semaphore(settings.concurrency)

    async def one(article_id: str, path: Path) -> None:
        async with limit:
            try:
                article = load_article(path)
                target = out_dir / f"{article_id}.json"
                if not force and target.is_file():
                    try:
                        previous = json.loads(target.read_text(encoding="utf-8"))
                    except ValueError:
                        previous = {}
                    if same_inputs(previous, article, settings):
                        await finish(
                            article_id,
                            ArticleStatus(
                                status="skipped",
                                path=str(path),
                                sha256=article.sha256,
                                output=target.name,
                            ),
                        )
                        return
                result = await extract_one(article, settings, llm)
                write_atomic(target, result.model_dump_json(indent=2) + "\n")
                records = sum(
                    len(getattr(result.extraction, k))
                    for k in ("meetings", "agreements", "quotes", "commitments")
                )
                await finish(
                    article_id,
                    ArticleStatus(
                        status="ok",
                        path=str(path),
                        sha256=article.sha256,
                        output=target.name,
                        usage=result.usage,
                        seconds=result.timings.seconds,
                        rejected=len(result.rejected),
                        records=records,
                    ),
                )
            except ExtractError as exc:
                await finish(article_id, _status_for_failure(path, exc))

    try:
        await asyncio.gather(*(one(a, p) for a, p in jobs))
    finally:
        await llm.aclose()
        manifest.run.finished = dt.datetime.now(dt.UTC)
        write_atomic(manifest_path, manifest.model_dump_json(indent=2) + "\n")
    return manifest
