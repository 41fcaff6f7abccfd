"""The library surface: thin functions over one pipeline (httpx style).

>>> from extract import extract_article, Settings
>>> result = extract_article(text, article_id="a1", settings=Settings.from_env())
>>> [q.text for q in result.extraction.quotes]
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from extract.articles import Article
from extract.backend import LLM
from extract.models import ExtractionResult
from extract.pipeline import extract_one, run_batch
from extract.run_manifest import RunManifest
from extract.settings import Settings


async def aextract_article(
    text: str,
    *,
    article_id: str | None = None,
    published: dt.date | None = None,
    settings: Settings | None = None,
) -> ExtractionResult:
    """Extract the records of one article (async).

    Args:
        text: The article, any language.
        article_id: Id to carry into the result; defaults to the text's sha256 prefix.
        published: Publication date, used to resolve relative dates ("mardi").
        settings: Endpoint and behaviour; ``Settings.from_env()`` when omitted.

    Raises:
        ExtractError: or one of its subclasses; nothing else escapes.
    """
    settings = settings or Settings.from_env()
    article = Article(article_id or "", text, None, published)
    if not article_id:
        article = Article(article.sha256[:16], text, None, published)
    llm = LLM(settings)
    try:
        return await extract_one(article, settings, llm)
    finally:
        await llm.aclose()


def extract_article(
    text: str,
    *,
    article_id: str | None = None,
    published: dt.date | None = None,
    settings: Settings | None = None,
) -> ExtractionResult:
    """Extract the records of one article; the blocking twin of ``aextract_article``."""
    return asyncio.run(
        aextract_article(text, article_id=article_id, published=published, settings=settings)
    )


def extract_many(
    paths: Iterable[str | Path],
    *,
    out_dir: str | Path = "out",
    settings: Settings | None = None,
    force: bool = False,
) -> RunManifest:
    """Extract every article file (or folder of them) into ``out_dir``, with a manifest.

    Articles run concurrently (``settings.concurrency``); a failing article is recorded in the
    manifest and does not stop the others; articles already done with the same inputs are
    skipped unless ``force``.
    """
    return asyncio.run(
        run_batch(
            [Path(p) for p in paths],
            Path(out_dir),
            settings or Settings.from_env(),
            force=force,
        )
    )
