"""The library surface: thin functions over one pipeline (httpx style).

>>> from extract import extract_article, Settings
>>> result = extract_article(text, article_id="a1", settings=Settings.from_env())
>>> [q.text for q in result.extraction.quotes]
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from extract.articles import Article
from extract.backend import LLM
from extract.models import ExtractionResult
from extract.pipeline import extract_one, run_batch
from extract.run_manifest import RunManifest
from extract.settings import Settings


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
    """Extract the records of one article; the blocking twin of ``aextract_article``."""
    return asyncio.run(
        aextract_article(
            text,
            article_id=article_id,
            published=published,
            title=title,
            url=url,
            author=author,
            settings=settings,
        )
    )


def extract_many(
    paths: Iterable[str | Path],
    *,
    out_dir: str | Path = "out",
    settings: Settings | None = None,
    force: bool = False,
    published: dt.date | None = None,
) -> RunManifest:
    """Extract every article file (or folder of them) into ``out_dir``, with a manifest.

    Files: ``.txt``/``.md`` (optional front matter), ``.jsonl``/``.ndjson`` and ``.csv`` (one
    article per line or row), ``.html``/``.htm`` (the ``html`` extra). ``published`` is the
    publication date of articles that carry none.

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
            published=published,
        )
    )
