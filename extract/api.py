"""The library surface: thin functions over one pipeline (httpx style).

>>> from extract import extract_article, Settings
>>> result = extract_article(text, article_id="a1", settings=Settings.from_env())
>>> [q.text for q in result.extraction.quotes]
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from extract.articles import Article
from extract.costs import Estimate, aestimate
from extract.errors import ConfigError, ExtractError
from extract.llm.backend import LLM
from extract.models import ExtractionResult
from extract.pipeline import extract_one, run_batch
from extract.run_manifest import RunManifest
from extract.settings import Settings

_IN_A_LOOP = {
    "extract_article": "use `await extract.aextract_article(...)`",
    "extract_many": "run it in a thread: `await asyncio.to_thread(extract.extract_many, ...)`",
    "estimate": "run it in a thread: `await asyncio.to_thread(extract.estimate, ...)`",
}


def _run(name: str, make: Any) -> Any:
    """``asyncio.run`` of ``make()``; inside a running event loop an ``ExtractError`` instead
    (checked before the coroutine exists, so none is left un-awaited)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        coroutine: Coroutine[Any, Any, Any] = make()
        return asyncio.run(coroutine)
    raise ExtractError(
        f"{name}() cannot run inside a running event loop (async code, Jupyter): "
        + _IN_A_LOOP[name]
    )


async def aextract_article(
    text: str | Article,
    *,
    article_id: str | None = None,
    published: dt.date | None = None,
    title: str | None = None,
    url: str | None = None,
    author: str | None = None,
    settings: Settings | None = None,
) -> ExtractionResult:
    """Extract the records of one article (async).

    Args:
        text: The article, any language (offsets count from its first character), or an
            ``Article`` carrying its metadata (the keyword arguments then fill what it lacks).
        article_id: Id to carry into the result; defaults to the text's sha256 prefix.
        published: Publication date, used to resolve relative dates ("mardi"); without it they
            stay null and ``date_text`` keeps the article's words.
        title: Carried into the result, like ``url`` and ``author``.
        url: The article's address.
        author: The article's author.
        settings: Endpoint and behaviour; ``Settings.from_env()`` when omitted.

    Raises:
        ExtractError: or one of its subclasses; nothing else escapes.
    """
    settings = settings or Settings.from_env()
    given = text if isinstance(text, Article) else Article("", text)
    article = replace(
        given,
        article_id=article_id or given.article_id or given.sha256[:16],
        published=given.published or published,
        title=given.title or title,
        url=given.url or url,
        author=given.author or author,
    )
    llm = LLM(settings)
    try:
        return await extract_one(article, settings, llm)
    finally:
        await llm.aclose()


def extract_article(
    text: str | Article,
    *,
    article_id: str | None = None,
    published: dt.date | None = None,
    title: str | None = None,
    url: str | None = None,
    author: str | None = None,
    settings: Settings | None = None,
) -> ExtractionResult:
    """Extract the records of one article; the blocking twin of ``aextract_article``.

    Raises:
        ExtractError: or one of its subclasses; also when called inside a running event loop.
    """
    result: ExtractionResult = _run(
        "extract_article",
        lambda: aextract_article(
            text,
            article_id=article_id,
            published=published,
            title=title,
            url=url,
            author=author,
            settings=settings,
        ),
    )
    return result


def extract_many(
    paths: str | Path | Iterable[str | Path],
    *,
    out_dir: str | Path = "out",
    settings: Settings | None = None,
    force: bool = False,
    published: dt.date | None = None,
    engine: Literal["local", "ray"] = "local",
    workers: int | None = None,
) -> RunManifest:
    """Extract every article file (or folder of them) into ``out_dir``, with a manifest.

    Files: ``.txt``/``.md`` (optional front matter), ``.jsonl``/``.ndjson`` and ``.csv`` (one
    article per line or row), ``.html``/``.htm`` (the ``html`` extra). ``published`` is the
    publication date of articles that carry none.

    Articles run concurrently (``settings.concurrency``); a failing article is recorded in the
    manifest and does not stop the others; articles already done with the same inputs are
    skipped unless ``force``. ``paths`` is one path (``str`` or ``Path``) or several.
    Replay from recordings: ``Settings(cassette="replay")`` (or ``EXTRACT_CASSETTE=replay``).

    ``engine="ray"`` (the ``ray`` extra) writes the same documents and manifest from a Ray
    Dataset mapped over ``workers`` actors (default 2), each with ``settings.concurrency``
    requests in flight; ``RAY_ADDRESS`` or an initialised Ray names the cluster, else Ray runs
    locally. Run budgets are refused with it.

    Raises:
        ExtractError: or one of its subclasses (a missing path, an output folder that cannot be
            written; Ray not installed, a run budget, or ``workers`` without ``engine="ray"``);
            also when called inside a running event loop.
    """
    listed = [paths] if isinstance(paths, str | Path) else list(paths)
    chosen = settings or Settings.from_env()
    if engine == "ray":
        from extract.ray_engine import DEFAULT_WORKERS, run_ray

        return run_ray(
            [Path(p) for p in listed],
            Path(out_dir),
            chosen,
            workers=DEFAULT_WORKERS if workers is None else workers,
            force=force,
            published=published,
        )
    if engine != "local":
        raise ConfigError(f"unknown engine {engine!r}: choose 'local' or 'ray'")
    if workers is not None:
        raise ConfigError("workers needs engine='ray'")
    manifest: RunManifest = _run(
        "extract_many",
        lambda: run_batch(
            [Path(p) for p in listed], Path(out_dir), chosen, force=force, published=published
        ),
    )
    return manifest


def estimate(
    paths: str | Path | Iterable[str | Path],
    *,
    settings: Settings | None = None,
    strategies: Iterable[str] | None = None,
    published: dt.date | None = None,
) -> Estimate:
    """What ``extract_many`` over ``paths`` would ask and cost, without calling a model.

    Per strategy (``strategies``, default every one): the first round of requests, exact (the
    very HTTP bodies a run sends first, built with ``settings``); the total requests, prompt and
    completion tokens, estimated with figures measured on the committed recordings
    (``extract.costs``). No network, nothing written. ``StrategyEstimate.cost(price_in,
    price_out)`` prices it (per million tokens).

    Raises:
        ExtractError: or one of its subclasses (a missing path, an unknown strategy); also when
            called inside a running event loop.
    """
    listed = [paths] if isinstance(paths, str | Path) else list(paths)
    chosen = settings or Settings.from_env()
    names = list(strategies) if strategies is not None else None
    result: Estimate = _run(
        "estimate",
        lambda: aestimate(listed, chosen, strategies=names, published=published),
    )
    return result
